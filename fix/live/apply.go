package live

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/apigateway"
	"github.com/aws/aws-sdk-go-v2/service/apigatewayv2"

	"github.com/corsdoctor/corsdoctor/apimodel"
	"github.com/corsdoctor/corsdoctor/collect/apigw"
	"github.com/corsdoctor/corsdoctor/cors"
	"github.com/corsdoctor/corsdoctor/fix/fixer"
	"github.com/corsdoctor/corsdoctor/rules"
)

// Rollback is what Apply saves before changing anything.
type Rollback struct {
	APIID string `json:"api_id"`
	Kind  string `json:"kind"`
	Stage string `json:"stage"`
	// DeploymentID is the deployment the stage served (REST).
	DeploymentID string `json:"deployment_id,omitempty"`
	// File holds this record; ExportFile the API's definition as the
	// stage served it (GetExport oas30 with API Gateway extensions), or
	// the HTTP API's CORS configuration.
	File       string `json:"-"`
	ExportFile string `json:"export_file"`
	// Commands restore the API.
	Commands []string `json:"commands"`
}

// Check is the re-check of one route after deployment.
type Check struct {
	Route   string `json:"route"`
	URL     string `json:"url"`
	Origin  string `json:"origin"`
	Verdict string `json:"verdict"`
	Allowed bool   `json:"allowed"`
	Console string `json:"console,omitempty"`
}

// Outcome is what Apply did.
type Outcome struct {
	Rollback *Rollback `json:"rollback"`
	// Done counts the steps made; Failed names the step that failed
	// ("" when all succeeded) with its error.
	Done     int     `json:"done"`
	Failed   string  `json:"failed,omitempty"`
	Error    string  `json:"error,omitempty"`
	Deployed bool    `json:"deployed"`
	Checks   []Check `json:"checks,omitempty"`
}

// ApplyOptions configure Apply.
type ApplyOptions struct {
	// RollbackDir is where the rollback files go (created if needed).
	RollbackDir string
	// InvokeURL is the stage's base URL (default
	// https://API.execute-api.REGION.amazonaws.com/STAGE).
	InvokeURL string
	// Probe sends one browser request and returns the verdict; the CLI
	// passes collect/probe. Nil skips the re-check.
	Probe func(ctx context.Context, req cors.Request) (cors.Result, error)
	// Now names the rollback files (tests inject a clock).
	Now func() time.Time
}

var (
	unsafeName = regexp.MustCompile(`[^A-Za-z0-9_.-]`)
	pathParam  = regexp.MustCompile(`\{[^}/]*\}`)
)

// SaveRollback records the stage's deployment and the API's definition
// before any change.
func SaveRollback(ctx context.Context, c apigw.Clients, p *Plan, opt ApplyOptions) (*Rollback, error) {
	if opt.Now == nil {
		opt.Now = time.Now
	}
	if err := os.MkdirAll(opt.RollbackDir, 0o755); err != nil {
		return nil, err
	}
	stamp := opt.Now().UTC().Format("20060102T150405Z")
	base := filepath.Join(opt.RollbackDir, "corsdoctor-rollback-"+unsafeName.ReplaceAllString(p.APIID, "_")+"-"+unsafeName.ReplaceAllString(p.Stage, "_")+"-"+stamp)
	rb := &Rollback{APIID: p.APIID, Kind: p.Kind, Stage: p.Stage, File: base + ".json"}
	if p.Kind == string(apimodel.REST) {
		st, err := c.APIGateway.GetStage(ctx, &apigateway.GetStageInput{RestApiId: aws.String(p.APIID), StageName: aws.String(p.Stage)})
		if err != nil {
			return nil, fmt.Errorf("reading stage %s: %w", p.Stage, err)
		}
		rb.DeploymentID = aws.ToString(st.DeploymentId)
		ex, err := c.APIGateway.GetExport(ctx, &apigateway.GetExportInput{RestApiId: aws.String(p.APIID), StageName: aws.String(p.Stage), ExportType: aws.String("oas30"),
			Parameters: map[string]string{"extensions": "integrations,authorizers"}, Accepts: aws.String("application/json")})
		if err != nil {
			return nil, fmt.Errorf("exporting the API (GetExport): %w", err)
		}
		rb.ExportFile = base + ".oas30.json"
		if err := os.WriteFile(rb.ExportFile, ex.Body, 0o600); err != nil {
			return nil, err
		}
		rb.Commands = []string{
			cli("apigateway update-stage", "--rest-api-id", p.APIID, "--stage-name", p.Stage, "--patch-operations", "op=replace,path=/deploymentId,value="+rb.DeploymentID),
			cli("apigateway put-rest-api", "--rest-api-id", p.APIID, "--mode", "overwrite", "--body", "fileb://"+rb.ExportFile),
		}
	} else {
		out, err := c.V2.GetApi(ctx, &apigatewayv2.GetApiInput{ApiId: aws.String(p.APIID)})
		if err != nil {
			return nil, fmt.Errorf("reading the API: %w", err)
		}
		rb.ExportFile = base + ".cors.json"
		b, _ := json.MarshalIndent(out.CorsConfiguration, "", "  ")
		if out.CorsConfiguration == nil {
			b = []byte("null")
		}
		if err := os.WriteFile(rb.ExportFile, b, 0o600); err != nil {
			return nil, err
		}
		if out.CorsConfiguration == nil {
			rb.Commands = []string{cli("apigatewayv2 delete-cors-configuration", "--api-id", p.APIID)}
		} else {
			rb.Commands = []string{cli("apigatewayv2 update-api", "--api-id", p.APIID, "--cors-configuration", "file://"+rb.ExportFile)}
		}
	}
	b, _ := json.MarshalIndent(rb, "", "  ")
	if err := os.WriteFile(rb.File, b, 0o600); err != nil {
		return nil, err
	}
	return rb, nil
}

// Apply saves the rollback, makes the plan's calls in order and, when
// they all succeed, deploys and re-checks the invoke URL. A failing call
// stops the plan before the deployment: the stage still serves what it
// served.
func Apply(ctx context.Context, c apigw.Clients, p *Plan, opt ApplyOptions) (*Outcome, error) {
	rb, err := SaveRollback(ctx, c, p, opt)
	if err != nil {
		return nil, fmt.Errorf("the rollback could not be saved, nothing was changed: %w", err)
	}
	out := &Outcome{Rollback: rb}
	for _, s := range p.Steps {
		if err := s.do(ctx, c); err != nil {
			out.Failed, out.Error = s.Op+": "+s.Summary, err.Error()
			return out, nil
		}
		out.Done++
		if strings.HasSuffix(s.Op, ":CreateDeployment") {
			out.Deployed = true
		}
	}
	if p.Kind != string(apimodel.REST) && len(p.Steps) > 0 && !out.Deployed {
		out.Deployed = true // auto-deploy stage
	}
	if out.Deployed && opt.Probe != nil {
		out.Checks = recheck(ctx, p, opt)
	}
	return out, nil
}

// recheck probes the targeted routes on the invoke URL.
func recheck(ctx context.Context, p *Plan, opt ApplyOptions) []Check {
	base := strings.TrimSuffix(opt.InvokeURL, "/")
	if base == "" {
		base = fmt.Sprintf("https://%s.execute-api.%s.amazonaws.com", p.APIID, p.Region)
		if p.Kind == string(apimodel.REST) || p.Stage != "$default" {
			base += "/" + p.Stage
		}
	}
	api := p.after
	seen := map[string]bool{}
	var out []Check
	for _, rt := range rules.ClientRoutes(api) {
		target := false
		for _, t := range p.Targets {
			if strings.EqualFold(t.Method, rt.Method) && t.Path == rt.Path {
				target = true
			}
		}
		if !target || seen[rt.Method+" "+rt.Path] || len(out) >= 5 {
			continue
		}
		seen[rt.Method+" "+rt.Path] = true
		origins := p.Origins
		if len(origins) == 0 {
			origins = opt.originsFor(api)
		}
		for _, o := range origins {
			req := rules.ClientRequest(api, o, rt)
			// The same request, on the stage's invoke URL.
			req.URL = base + pathParam.ReplaceAllString(rt.Path, "1")
			if fixer.CredentialsAllowed(api) {
				req.Credentials = cors.CredentialsInclude
			}
			ch := Check{Route: rt.Method + " " + rt.Path, URL: req.URL, Origin: o}
			res, err := opt.Probe(ctx, *req)
			if err != nil {
				ch.Verdict = "ERROR: " + err.Error()
			} else {
				ch.Allowed = res.Allowed
				ch.Verdict = "ALLOWED"
				if !res.Allowed {
					ch.Verdict = "BLOCKED (" + string(res.Error) + ")"
					ch.Console = res.ConsoleMessage()
				}
			}
			out = append(out, ch)
		}
	}
	return out
}

// originsFor: without --origin, the origins the API allows.
func (o ApplyOptions) originsFor(api *apimodel.API) []string {
	var out []string
	for _, x := range fixer.ConfiguredOrigins(api) {
		if fixer.WellFormedOrigin(x) && x != "*" {
			out = append(out, x)
		}
	}
	if len(out) == 0 {
		out = []string{"https://page.example"}
	}
	return out
}
