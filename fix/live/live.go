// Package live plans and applies `corsdoctor aws fix`: the change `fix`
// makes to templates, made to a live API Gateway API instead. The plan is
// built from the model `aws diagnose` reads (collect/apigw) and the
// findings of the CD20xx rules on it: each fix is a list of API Gateway
// write calls (shown as AWS CLI commands and SDK calls) and the same
// change made to a copy of the model, which is then linted and simulated
// as `fix` proves a rewrite. The plan ends with create-deployment.
//
// Apply saves a rollback first (the stage's current deployment id and a
// GetExport of the API), makes the calls in order, stops at the first
// failure (nothing is deployed then, and the rollback is printed), deploys
// and re-checks the invoke URL for the origin.
//
// Request shapes are aws-sdk-go-v2's (service/apigateway: PutMethod,
// PutMethodResponse, PutIntegration, PutIntegrationResponse, UpdateMethod,
// UpdateMethodResponse, UpdateIntegrationResponse, PutGatewayResponse,
// CreateDeployment, GetStage, GetExport, UpdateStage; apigatewayv2:
// UpdateApi, CreateDeployment), i.e. the API Gateway REST API reference.
package live

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/apigateway"
	agtypes "github.com/aws/aws-sdk-go-v2/service/apigateway/types"
	"github.com/aws/aws-sdk-go-v2/service/apigatewayv2"
	v2types "github.com/aws/aws-sdk-go-v2/service/apigatewayv2/types"

	"github.com/corsdoctor/corsdoctor/apimodel"
	"github.com/corsdoctor/corsdoctor/collect/apigw"
	"github.com/corsdoctor/corsdoctor/diag"
	"github.com/corsdoctor/corsdoctor/fix"
	"github.com/corsdoctor/corsdoctor/fix/fixer"
	"github.com/corsdoctor/corsdoctor/internal/shell"
	"github.com/corsdoctor/corsdoctor/rules"
)

// Rules are the findings `aws fix` plans calls for, with the calls.
var Rules = map[string]string{
	"CD2001": "REST: PutMethod OPTIONS (authorization NONE), PutMethodResponse 200 declaring Access-Control-Allow-Origin/-Methods/-Headers, PutIntegration MOCK ({\"statusCode\": 200}), PutIntegrationResponse mapping them; HTTP API: UpdateApi with a CORS configuration",
	"CD2002": "REST: UpdateMethod replace /authorizationType NONE on OPTIONS (an ANY method catching preflights: an OPTIONS method as for CD2001); HTTP API: UpdateApi with a CORS configuration, which API Gateway answers before authorizers",
	"CD2003": "UpdateMethod replace /apiKeyRequired false on OPTIONS",
	"CD2004": "UpdateMethodResponse add the undeclared headers, UpdateIntegrationResponse add/replace their values on the OPTIONS method",
	"CD2005": "UpdateIntegrationResponse replace Access-Control-Allow-Methods on the OPTIONS method with the resource's methods",
	"CD2009": "PutGatewayResponse DEFAULT_4XX and DEFAULT_5XX with Access-Control-Allow-Origin (and the response's existing parameters)",
	"CD2010": "UpdateIntegrationResponse replace the origin value (REST); UpdateApi AllowOrigins (HTTP API)",
	"CD2011": "UpdateIntegrationResponse / UpdateApi: the --origin value(s) instead of the wildcard",
	"CD2012": "UpdateIntegrationResponse / UpdateApi: the --origin value(s) instead of the reflected origin",
	"CD2013": "UpdateApi AllowHeaders with the headers the clients send",
	"CD2014": "UpdateIntegrationResponse with the one --origin (REST); UpdateApi with one AllowOrigins item per origin",
	"CD2020": "UpdateIntegrationResponse / UpdateApi: the https --origin of the same host",
	"CD2021": "UpdateIntegrationResponse Access-Control-Max-Age '7200' (REST); UpdateApi MaxAge 7200",
	"CD2025": "the SigV4 headers added as for CD2004 (REST) or CD2013 (HTTP API)",
	"CD2050": "a block at the preflight: the missing headers or methods as for CD2004 (REST) or CD2013 (HTTP API, and AllowOrigins when the page's origin is missing)",
}

// Options configure a plan.
type Options struct {
	APIID   string
	Stage   string
	Region  string
	Origins []string
	Headers []string
	// AutoDeploy is set when the HTTP API stage deploys by itself.
	AutoDeploy bool
}

// Step is one write call.
type Step struct {
	// Op is the IAM-style operation name ("apigateway:PutMethod").
	Op string `json:"op"`
	// Summary says what the call does.
	Summary string `json:"summary"`
	// CLI is the AWS CLI command; SDK the aws-sdk-go-v2 call.
	CLI string `json:"cli"`
	SDK string `json:"sdk"`
	do  func(ctx context.Context, c apigw.Clients) error
}

// Plan is the change to make to a live API.
type Plan struct {
	APIID   string        `json:"api_id"`
	Kind    string        `json:"kind"`
	Stage   string        `json:"stage"`
	Region  string        `json:"region"`
	Steps   []Step        `json:"steps"`
	Applied []fix.Applied `json:"fixed"`
	Skipped []fix.Skipped `json:"skipped"`
	// Table is every simulated request before and after the plan.
	Table []fix.Row `json:"table"`
	// Targets are the routes the plan must make pass (the re-check after
	// deployment probes them).
	Targets []fixer.Target `json:"-"`
	// Origins are the --origin values the plan was made for.
	Origins []string `json:"origins,omitempty"`
	// AutoDeploy is set when the stage deploys by itself (an HTTP API
	// stage with autoDeploy): the plan then has no CreateDeployment.
	AutoDeploy bool `json:"auto_deploy,omitempty"`
	after      *apimodel.API
}

// After returns the model of the API once the plan is applied.
func (p *Plan) After() *apimodel.API { return p.after }

// Build plans the fixes of findings on api (the live model).
func Build(api *apimodel.API, findings []diag.Finding, opt Options) (*Plan, error) {
	if api == nil {
		return nil, fmt.Errorf("no API model to plan on")
	}
	p := &Plan{APIID: opt.APIID, Kind: string(api.Kind), Stage: opt.Stage, Region: opt.Region, Origins: opt.Origins, AutoDeploy: opt.AutoDeploy && api.Kind != apimodel.REST}
	cur := clone(api)
	first := cur
	// The requests lint's CD2050 does not simulate (--header, credentials)
	// are findings too, as for fix.
	clientFindings := func(a *apimodel.API, fs []diag.Finding) []diag.Finding {
		return append(fs, fix.ClientFindings([]*apimodel.API{a}, fs, opt.Origins, opt.Headers)...)
	}
	curFindings := clientFindings(cur, findings)
	tried := map[string]bool{}
	for n := 0; n < 200; n++ {
		var f *diag.Finding
		for i := range curFindings {
			k := fix.FindingKey(curFindings[i])
			if !tried[k] && fix.HasFixer(curFindings[i].RuleID) {
				f = &curFindings[i]
				break
			}
		}
		if f == nil {
			break
		}
		tried[fix.FindingKey(*f)] = true
		next := clone(cur)
		ctx := &fixer.Ctx{Finding: *f, API: next, APIs: []*apimodel.API{next}, Origins: opt.Origins, Headers: opt.Headers}
		steps, targets, summary, err := plan(ctx, opt)
		if err != nil {
			sk := fix.Skipped{Finding: *f, Reason: err.Error()}
			if nf, ok := err.(*fixer.NeedFlag); ok {
				sk.Flag, sk.Reason = nf.Flag, nf.Why
			}
			p.Skipped = append(p.Skipped, sk)
			continue
		}
		next.Normalize()
		after := clientFindings(next, diag.Run(rules.For(diag.NeedsAPIs), &diag.Input{APIs: []*apimodel.API{next}, Origins: opt.Origins}))
		gone := true
		for _, g := range after {
			if fix.FindingKey(g) == fix.FindingKey(*f) {
				gone = false
			}
		}
		if !gone {
			p.Skipped = append(p.Skipped, fix.Skipped{Finding: *f, Reason: "refused: the change does not make the finding go away (" + summary + ")"})
			continue
		}
		pr := fix.Prove([]*apimodel.API{cur}, []*apimodel.API{next}, opt.Origins, opt.Headers, targets)
		if pr.Reason != "" {
			p.Skipped = append(p.Skipped, fix.Skipped{Finding: *f, Reason: "refused: " + pr.Reason})
			continue
		}
		ap := fix.Applied{Finding: *f, Summary: summary, Proof: "lint"}
		if pr.Verdict {
			ap.Proof = "verdict"
		}
		for _, r := range pr.Rows {
			if r.Before.String() != r.After.String() {
				ap.Rows = append(ap.Rows, r)
			}
		}
		p.Applied = append(p.Applied, ap)
		p.Steps = append(p.Steps, steps...)
		p.Targets = append(p.Targets, targets...)
		cur, curFindings = next, after
	}
	p.after = cur
	if len(p.Steps) > 0 {
		p.Steps = append(p.Steps, deployStep(api.Kind, opt)...)
		p.Table = fix.Prove([]*apimodel.API{first}, []*apimodel.API{cur}, opt.Origins, opt.Headers, nil).Rows
	}
	return p, nil
}

// plan returns the calls for one finding, having made the same change
// to ctx.API.
func plan(c *fixer.Ctx, opt Options) ([]Step, []fixer.Target, string, error) {
	if c.API.Kind != apimodel.REST {
		return planHTTP(c, opt)
	}
	return planREST(c, opt)
}

// ---- REST ----

const mockTemplate = `{"statusCode": 200}`

func planREST(c *fixer.Ctx, opt Options) ([]Step, []fixer.Target, string, error) {
	api := c.API
	loc := c.Finding.Location
	switch c.Finding.RuleID {
	case "CD2001":
		res := fixer.ResourceAt(api, loc)
		if res == nil {
			return nil, nil, "", fixer.Skipf("no resource at %s", loc)
		}
		return addOptions(c, opt, res)
	case "CD2002", "CD2003":
		var steps []Step
		var targets []fixer.Target
		for _, res := range api.Resources {
			m := res.Method("OPTIONS")
			if m == nil {
				if any := res.Method("ANY"); any != nil && (fixer.Same(any.Source, loc) || fixer.Same(any.AuthorizationType.Source, loc)) {
					s, t, _, err := addOptions(c, opt, res)
					if err != nil {
						return nil, nil, "", err
					}
					steps, targets = append(steps, s...), append(targets, t...)
				}
				continue
			}
			if !fixer.Same(m.Source, loc) && !fixer.Same(m.AuthorizationType.Source, loc) {
				continue
			}
			var ops []agtypes.PatchOperation
			if c.Finding.RuleID == "CD2002" {
				ops = append(ops, patch("replace", "/authorizationType", "NONE"))
				m.AuthorizationType.S, m.AuthorizerID = "NONE", ""
			} else {
				ops = append(ops, patch("replace", "/apiKeyRequired", "false"))
				m.APIKeyRequired = apimodel.TriNo
			}
			steps = append(steps, updateMethod(opt, res, "OPTIONS", ops))
			targets = append(targets, fixer.PreflightTargets(api, res)...)
		}
		if len(steps) == 0 {
			return nil, nil, "", fixer.Skipf("no OPTIONS method at %s", loc)
		}
		what := "the authorizer"
		if c.Finding.RuleID == "CD2003" {
			what = "the API key"
		}
		return steps, targets, "preflights no longer require " + what, nil
	case "CD2004", "CD2005", "CD2025", "CD2050":
		return preflightHeaders(c, opt)
	case "CD2009":
		cred := fixer.CredentialsAllowed(api)
		o, err := c.RESTOrigin(cred)
		if err != nil {
			return nil, nil, "", err
		}
		params := map[string]string{"gatewayresponse.header.Access-Control-Allow-Origin": fixer.Quote(o)}
		if cred && o != "*" {
			params["gatewayresponse.header.Access-Control-Allow-Credentials"] = "'true'"
		}
		var steps []Step
		var did []string
		for _, typ := range []string{"DEFAULT_4XX", "DEFAULT_5XX"} {
			g := api.GatewayResponses[typ]
			merged := map[string]string{}
			if g != nil {
				for k, v := range g.ResponseParameters {
					merged[k] = v.S
				}
			}
			for k, v := range params {
				merged[k] = v
			}
			steps = append(steps, putGatewayResponse(opt, typ, merged))
			if api.GatewayResponses == nil {
				api.GatewayResponses = map[string]*apimodel.GatewayResponse{}
			}
			ng := &apimodel.GatewayResponse{Type: typ, ResponseParameters: map[string]apimodel.Value{}}
			for k, v := range merged {
				ng.ResponseParameters[k] = apimodel.Known(v, apimodel.Value{}.Source)
			}
			api.GatewayResponses[typ] = ng
			did = append(did, typ)
		}
		return steps, fixer.UnauthorizedTargets(api), "gateway responses " + strings.Join(did, ", ") + " carry Access-Control-Allow-Origin " + o, nil
	case "CD2010", "CD2011", "CD2012", "CD2014", "CD2020", "CD2021":
		return mappingValue(c, opt)
	}
	return nil, nil, "", fixer.Skipf("no live fix for %s", c.Finding.RuleID)
}

// addOptions adds an OPTIONS method with a MOCK integration to res.
func addOptions(c *fixer.Ctx, opt Options, res *apimodel.Resource) ([]Step, []fixer.Target, string, error) {
	if res.ID == "" {
		return nil, nil, "", fixer.Skipf("resource %s has no id", res.Path)
	}
	pf, err := c.PreflightFor(res)
	if err != nil {
		return nil, nil, "", err
	}
	kv := pf.Params()
	mapped, declared := map[string]string{}, map[string]bool{}
	var names []string
	for i := 0; i+1 < len(kv); i += 2 {
		mapped[kv[i]], declared[kv[i]] = kv[i+1], false
		names = append(names, strings.TrimPrefix(kv[i], "method.response.header."))
	}
	steps := []Step{
		{Op: "apigateway:PutMethod", Summary: "OPTIONS method on " + res.Path + " without authorization",
			CLI: cli("apigateway put-method", "--rest-api-id", opt.APIID, "--resource-id", res.ID, "--http-method", "OPTIONS", "--authorization-type", "NONE"),
			SDK: fmt.Sprintf("apigateway.PutMethod(&PutMethodInput{RestApiId: %q, ResourceId: %q, HttpMethod: \"OPTIONS\", AuthorizationType: \"NONE\"})", opt.APIID, res.ID),
			do: func(ctx context.Context, cl apigw.Clients) error {
				_, err := cl.APIGateway.PutMethod(ctx, &apigateway.PutMethodInput{RestApiId: aws.String(opt.APIID), ResourceId: aws.String(res.ID), HttpMethod: aws.String("OPTIONS"), AuthorizationType: aws.String("NONE")})
				return err
			}},
		{Op: "apigateway:PutMethodResponse", Summary: "declare " + strings.Join(names, ", ") + " on its 200 response",
			CLI: cli("apigateway put-method-response", "--rest-api-id", opt.APIID, "--resource-id", res.ID, "--http-method", "OPTIONS", "--status-code", "200", "--response-parameters", jsonString(declared)),
			SDK: fmt.Sprintf("apigateway.PutMethodResponse(&PutMethodResponseInput{RestApiId: %q, ResourceId: %q, HttpMethod: \"OPTIONS\", StatusCode: \"200\", ResponseParameters: %s})", opt.APIID, res.ID, jsonString(declared)),
			do: func(ctx context.Context, cl apigw.Clients) error {
				p := map[string]bool{}
				for k, v := range declared {
					p[k] = v
				}
				_, err := cl.APIGateway.PutMethodResponse(ctx, &apigateway.PutMethodResponseInput{RestApiId: aws.String(opt.APIID), ResourceId: aws.String(res.ID), HttpMethod: aws.String("OPTIONS"), StatusCode: aws.String("200"), ResponseParameters: p})
				return err
			}},
		{Op: "apigateway:PutIntegration", Summary: "MOCK integration answering 200",
			CLI: cli("apigateway put-integration", "--rest-api-id", opt.APIID, "--resource-id", res.ID, "--http-method", "OPTIONS", "--type", "MOCK", "--request-templates", jsonString(map[string]string{"application/json": mockTemplate})),
			SDK: fmt.Sprintf("apigateway.PutIntegration(&PutIntegrationInput{RestApiId: %q, ResourceId: %q, HttpMethod: \"OPTIONS\", Type: \"MOCK\", RequestTemplates: %s})", opt.APIID, res.ID, jsonString(map[string]string{"application/json": mockTemplate})),
			do: func(ctx context.Context, cl apigw.Clients) error {
				_, err := cl.APIGateway.PutIntegration(ctx, &apigateway.PutIntegrationInput{RestApiId: aws.String(opt.APIID), ResourceId: aws.String(res.ID), HttpMethod: aws.String("OPTIONS"),
					Type: agtypes.IntegrationTypeMock, RequestTemplates: map[string]string{"application/json": mockTemplate}})
				return err
			}},
		{Op: "apigateway:PutIntegrationResponse", Summary: "map " + strings.Join(names, ", ") + " on the 200 integration response",
			CLI: cli("apigateway put-integration-response", "--rest-api-id", opt.APIID, "--resource-id", res.ID, "--http-method", "OPTIONS", "--status-code", "200", "--response-parameters", jsonString(mapped)),
			SDK: fmt.Sprintf("apigateway.PutIntegrationResponse(&PutIntegrationResponseInput{RestApiId: %q, ResourceId: %q, HttpMethod: \"OPTIONS\", StatusCode: \"200\", ResponseParameters: %s})", opt.APIID, res.ID, jsonString(mapped)),
			do: func(ctx context.Context, cl apigw.Clients) error {
				_, err := cl.APIGateway.PutIntegrationResponse(ctx, &apigateway.PutIntegrationResponseInput{RestApiId: aws.String(opt.APIID), ResourceId: aws.String(res.ID), HttpMethod: aws.String("OPTIONS"), StatusCode: aws.String("200"), ResponseParameters: mapped})
				return err
			}},
	}
	m := &apimodel.Method{HTTPMethod: "OPTIONS", AuthorizationType: apimodel.Known("NONE", res.Source), APIKeyRequired: apimodel.TriNo, Source: res.Source,
		Integration: &apimodel.Integration{Type: apimodel.Mock, RequestTemplates: map[string]string{"application/json": mockTemplate},
			Responses: []*apimodel.IntegrationResponse{{StatusCode: "200", ResponseParameters: values(mapped)}}},
		MethodResponses: map[string]*apimodel.MethodResponse{"200": {StatusCode: "200", Headers: names}}}
	res.AddMethod(m)
	return steps, fixer.PreflightTargets(c.API, res), fmt.Sprintf("OPTIONS %s (MOCK, Access-Control-Allow-Origin %s)", res.Path, pf.Origin), nil
}

func values(m map[string]string) map[string]apimodel.Value {
	out := map[string]apimodel.Value{}
	for k, v := range m {
		out[k] = apimodel.Known(v, apimodel.Value{}.Source)
	}
	return out
}

// optionsOf returns a resource's OPTIONS method and its 2xx/default
// integration response.
func optionsOf(res *apimodel.Resource) (*apimodel.Method, *apimodel.IntegrationResponse) {
	return res.Method("OPTIONS"), fixer.OptionsIR(res)
}

// preflightHeaders completes the OPTIONS answer of the finding's
// resource: the mappings it lacks (CD2004), the methods (CD2005), the
// clients' headers (CD2025, CD2050).
func preflightHeaders(c *fixer.Ctx, opt Options) ([]Step, []fixer.Target, string, error) {
	api := c.API
	loc := c.Finding.Location
	var res *apimodel.Resource
	for _, r := range api.Resources {
		m, ir := optionsOf(r)
		if m != nil && (fixer.Same(m.Source, loc) || ir != nil && fixer.Same(ir.Source, loc)) {
			res = r
		}
		for _, x := range r.Methods {
			if fixer.Same(x.Source, loc) && res == nil {
				res = r
			}
		}
	}
	if res == nil {
		return nil, nil, "", fixer.Skipf("no resource at %s", loc)
	}
	m, ir := optionsOf(res)
	if m == nil {
		return addOptions(c, opt, res)
	}
	if ir == nil {
		return nil, nil, "", fixer.Skipf("OPTIONS %s has no integration response to change", res.Path)
	}
	pf, err := c.PreflightFor(res)
	if err != nil && c.Finding.RuleID == "CD2004" {
		return nil, nil, "", err
	}
	want := map[string][]string{
		"Access-Control-Allow-Methods": fixer.Methods(res),
		"Access-Control-Allow-Headers": c.ClientHeaders(res.Methods),
	}
	var steps []Step
	var did []string
	for _, h := range []string{"Access-Control-Allow-Origin", "Access-Control-Allow-Methods", "Access-Control-Allow-Headers"} {
		key := "method.response.header." + h
		v, has := ir.Header(h)
		var next string
		switch {
		case h == "Access-Control-Allow-Origin":
			if has {
				continue
			}
			if err != nil {
				return nil, nil, "", err
			}
			next = fixer.Quote(pf.Origin)
		default:
			items := []string{}
			seen := map[string]bool{}
			if has {
				s, ok := v.Static()
				if !ok {
					continue
				}
				for _, x := range strings.Split(s, ",") {
					if x = strings.TrimSpace(x); x != "" {
						items = append(items, x)
						seen[strings.ToLower(x)] = true
					}
				}
			}
			add := fixer.MatchCase(items, want[h])
			changed := false
			for _, x := range add {
				if !seen[strings.ToLower(x)] {
					seen[strings.ToLower(x)] = true
					items = append(items, x)
					changed = true
				}
			}
			if !changed {
				continue
			}
			next = fixer.Quote(strings.Join(items, ","))
		}
		mr := m.MethodResponses[ir.StatusCode]
		if mr == nil || !mr.Declares(h) {
			steps = append(steps, updateMethodResponse(opt, res, "OPTIONS", ir.StatusCode, []agtypes.PatchOperation{patch("add", "/responseParameters/"+key, "false")}))
			if m.MethodResponses == nil {
				m.MethodResponses = map[string]*apimodel.MethodResponse{}
			}
			if mr == nil {
				mr = &apimodel.MethodResponse{StatusCode: ir.StatusCode}
				m.MethodResponses[ir.StatusCode] = mr
			}
			mr.Headers = append(mr.Headers, h)
		}
		op := "replace"
		if !has {
			op = "add"
		}
		steps = append(steps, updateIntegrationResponse(opt, res, "OPTIONS", ir.StatusCode, []agtypes.PatchOperation{patch(op, "/responseParameters/"+key, next)}))
		if ir.ResponseParameters == nil {
			ir.ResponseParameters = map[string]apimodel.Value{}
		}
		ir.ResponseParameters[key] = apimodel.Known(next, ir.Source)
		did = append(did, h+" "+next)
	}
	if len(steps) == 0 {
		return nil, nil, "", fixer.Skipf("OPTIONS %s answers with every header and value already", res.Path)
	}
	return steps, fixer.PreflightTargets(api, res), "OPTIONS " + res.Path + ": " + strings.Join(did, ", "), nil
}

// mappingValue rewrites an Access-Control-Allow-Origin (or Max-Age)
// mapping of an integration response.
func mappingValue(c *fixer.Ctx, opt Options) ([]Step, []fixer.Target, string, error) {
	api := c.API
	loc := c.Finding.Location
	header := "Access-Control-Allow-Origin"
	if c.Finding.RuleID == "CD2021" {
		header = "Access-Control-Max-Age"
	}
	for _, res := range api.Resources {
		for _, m := range res.Methods {
			if m.Integration == nil {
				continue
			}
			for _, ir := range m.Integration.Responses {
				v, ok := ir.Header(header)
				if !ok || !fixer.Same(v.Source, loc) {
					continue
				}
				cur := strings.TrimSpace(v.S)
				var next string
				if header == "Access-Control-Max-Age" {
					next = fixer.Quote(fixer.MaxAgeCap)
				} else {
					inner := strings.Trim(cur, "'")
					var err error
					switch c.Finding.RuleID {
					case "CD2010":
						fixed, ok := c.FixOrigin(inner)
						if !ok {
							return nil, nil, "", fixer.Needs("--origin", "%q is not an origin; give the page's origin", inner)
						}
						next = fixer.Quote(fixed)
					case "CD2011", "CD2012":
						var o string
						o, err = c.RESTOrigin(true)
						next = fixer.Quote(o)
					case "CD2014", "CD2020":
						if len(c.Origins) != 1 {
							return nil, nil, "", fixer.Needs("--origin", "give the one origin this mapping must send")
						}
						next = fixer.Quote(c.Origins[0])
					}
					if err != nil {
						return nil, nil, "", err
					}
				}
				if next == cur {
					continue
				}
				key := "method.response.header." + header
				step := updateIntegrationResponse(opt, res, m.HTTPMethod, ir.StatusCode, []agtypes.PatchOperation{patch("replace", "/responseParameters/"+key, next)})
				step.Summary = fmt.Sprintf("%s %s: %s %s -> %s", m.HTTPMethod, res.Path, header, cur, next)
				ir.ResponseParameters[key] = apimodel.Known(next, ir.Source)
				return []Step{step}, fixer.ValueTargets(api, loc), step.Summary, nil
			}
		}
	}
	return nil, nil, "", fixer.Skipf("no mapping at %s", loc)
}

func patch(op, path, value string) agtypes.PatchOperation {
	return agtypes.PatchOperation{Op: agtypes.Op(op), Path: aws.String(path), Value: aws.String(value)}
}

func patchCLI(ops []agtypes.PatchOperation) string {
	var parts []map[string]string
	for _, o := range ops {
		parts = append(parts, map[string]string{"op": string(o.Op), "path": aws.ToString(o.Path), "value": aws.ToString(o.Value)})
	}
	return jsonString(parts)
}

func updateMethod(opt Options, res *apimodel.Resource, verb string, ops []agtypes.PatchOperation) Step {
	return Step{Op: "apigateway:UpdateMethod", Summary: verb + " " + res.Path + ": " + describeOps(ops),
		CLI: cli("apigateway update-method", "--rest-api-id", opt.APIID, "--resource-id", res.ID, "--http-method", verb, "--patch-operations", patchCLI(ops)),
		SDK: fmt.Sprintf("apigateway.UpdateMethod(&UpdateMethodInput{RestApiId: %q, ResourceId: %q, HttpMethod: %q, PatchOperations: %s})", opt.APIID, res.ID, verb, patchCLI(ops)),
		do: func(ctx context.Context, cl apigw.Clients) error {
			_, err := cl.APIGateway.UpdateMethod(ctx, &apigateway.UpdateMethodInput{RestApiId: aws.String(opt.APIID), ResourceId: aws.String(res.ID), HttpMethod: aws.String(verb), PatchOperations: ops})
			return err
		}}
}

func updateMethodResponse(opt Options, res *apimodel.Resource, verb, status string, ops []agtypes.PatchOperation) Step {
	return Step{Op: "apigateway:UpdateMethodResponse", Summary: verb + " " + res.Path + " " + status + ": " + describeOps(ops),
		CLI: cli("apigateway update-method-response", "--rest-api-id", opt.APIID, "--resource-id", res.ID, "--http-method", verb, "--status-code", status, "--patch-operations", patchCLI(ops)),
		SDK: fmt.Sprintf("apigateway.UpdateMethodResponse(&UpdateMethodResponseInput{RestApiId: %q, ResourceId: %q, HttpMethod: %q, StatusCode: %q, PatchOperations: %s})", opt.APIID, res.ID, verb, status, patchCLI(ops)),
		do: func(ctx context.Context, cl apigw.Clients) error {
			_, err := cl.APIGateway.UpdateMethodResponse(ctx, &apigateway.UpdateMethodResponseInput{RestApiId: aws.String(opt.APIID), ResourceId: aws.String(res.ID), HttpMethod: aws.String(verb), StatusCode: aws.String(status), PatchOperations: ops})
			return err
		}}
}

func updateIntegrationResponse(opt Options, res *apimodel.Resource, verb, status string, ops []agtypes.PatchOperation) Step {
	return Step{Op: "apigateway:UpdateIntegrationResponse", Summary: verb + " " + res.Path + " " + status + ": " + describeOps(ops),
		CLI: cli("apigateway update-integration-response", "--rest-api-id", opt.APIID, "--resource-id", res.ID, "--http-method", verb, "--status-code", status, "--patch-operations", patchCLI(ops)),
		SDK: fmt.Sprintf("apigateway.UpdateIntegrationResponse(&UpdateIntegrationResponseInput{RestApiId: %q, ResourceId: %q, HttpMethod: %q, StatusCode: %q, PatchOperations: %s})", opt.APIID, res.ID, verb, status, patchCLI(ops)),
		do: func(ctx context.Context, cl apigw.Clients) error {
			_, err := cl.APIGateway.UpdateIntegrationResponse(ctx, &apigateway.UpdateIntegrationResponseInput{RestApiId: aws.String(opt.APIID), ResourceId: aws.String(res.ID), HttpMethod: aws.String(verb), StatusCode: aws.String(status), PatchOperations: ops})
			return err
		}}
}

func putGatewayResponse(opt Options, typ string, params map[string]string) Step {
	return Step{Op: "apigateway:PutGatewayResponse", Summary: typ + " gateway response with " + strings.Join(sortedKeys(params), ", "),
		CLI: cli("apigateway put-gateway-response", "--rest-api-id", opt.APIID, "--response-type", typ, "--response-parameters", jsonString(params)),
		SDK: fmt.Sprintf("apigateway.PutGatewayResponse(&PutGatewayResponseInput{RestApiId: %q, ResponseType: %q, ResponseParameters: %s})", opt.APIID, typ, jsonString(params)),
		do: func(ctx context.Context, cl apigw.Clients) error {
			_, err := cl.APIGateway.PutGatewayResponse(ctx, &apigateway.PutGatewayResponseInput{RestApiId: aws.String(opt.APIID), ResponseType: agtypes.GatewayResponseType(typ), ResponseParameters: params})
			return err
		}}
}

func describeOps(ops []agtypes.PatchOperation) string {
	var parts []string
	for _, o := range ops {
		parts = append(parts, string(o.Op)+" "+aws.ToString(o.Path)+" = "+aws.ToString(o.Value))
	}
	return strings.Join(parts, "; ")
}

// ---- HTTP API ----

func planHTTP(c *fixer.Ctx, opt Options) ([]Step, []fixer.Target, string, error) {
	api := c.API
	cfg := api.Cors
	var origins, methods, headers, expose []string
	var maxAge *int32
	cred := false
	if cfg != nil {
		for _, v := range cfg.AllowOrigins {
			origins = append(origins, v.S)
		}
		for _, v := range cfg.AllowMethods {
			methods = append(methods, v.S)
		}
		for _, v := range cfg.AllowHeaders {
			headers = append(headers, v.S)
		}
		for _, v := range cfg.ExposeHeaders {
			expose = append(expose, v.S)
		}
		if cfg.MaxAge != nil {
			var n int32
			if _, err := fmt.Sscan(cfg.MaxAge.S, &n); err == nil {
				maxAge = &n
			}
		}
		cred = cfg.AllowCredentials == apimodel.TriYes
	}
	var summary string
	targets := fixer.RouteTargets(api, false)
	switch c.Finding.RuleID {
	case "CD2001", "CD2002":
		if cfg != nil {
			return nil, nil, "", fixer.Skipf("the API has a CORS configuration already")
		}
		o, err := c.ListOrigins()
		if err != nil {
			return nil, nil, "", err
		}
		origins, methods, headers = o, fixer.RouteMethods(api), c.ClientHeaders(nil)
		summary = "CORS configuration allowing " + strings.Join(o, ", ")
	case "CD2013", "CD2025", "CD2050":
		if cfg == nil {
			o, err := c.ListOrigins()
			if err != nil {
				return nil, nil, "", err
			}
			origins, methods = o, fixer.RouteMethods(api)
		}
		before := len(headers) + len(origins)
		headers = union(headers, fixer.MatchCase(headers, c.ClientHeaders(nil)))
		methods = union(methods, fixer.RouteMethods(api))
		if cfg != nil && (strings.Contains(c.Finding.Detail, "AllowOriginMismatch") || strings.Contains(c.Finding.Detail, "MissingAllowOriginHeader")) {
			// The page's origin is not in AllowOrigins.
			origins = union(origins, c.Origins)
		}
		summary = fmt.Sprintf("AllowHeaders %s, AllowMethods %s", strings.Join(headers, ","), strings.Join(methods, ","))
		if len(headers)+len(origins) == before && cfg != nil && len(methods) == len(cfg.AllowMethods) {
			return nil, nil, "", fixer.Skipf("the CORS configuration allows every header and method already")
		}
	case "CD2010", "CD2011", "CD2012", "CD2014", "CD2020":
		var out []string
		for _, o := range origins {
			switch {
			case c.Finding.RuleID == "CD2014" && strings.ContainsAny(o, ", "):
				out = append(out, strings.FieldsFunc(o, func(r rune) bool { return r == ',' || r == ' ' })...)
			case c.Finding.RuleID == "CD2010" && !fixer.WellFormedOrigin(o):
				f, ok := c.FixOrigin(o)
				if !ok {
					return nil, nil, "", fixer.Needs("--origin", "%q is not an origin; give the page's origin", o)
				}
				out = append(out, f)
			case (c.Finding.RuleID == "CD2011" && o == "*") || (c.Finding.RuleID == "CD2012" && strings.Contains(o, "*") && o != "*") || (c.Finding.RuleID == "CD2020" && strings.HasPrefix(o, "http://")):
				if len(c.Origins) == 0 {
					return nil, nil, "", fixer.Needs("--origin", "replacing %q needs the page origins; give each one with --origin", o)
				}
				out = append(out, c.Origins...)
			default:
				out = append(out, o)
			}
		}
		origins = union(nil, out)
		summary = "AllowOrigins " + strings.Join(origins, ", ")
	case "CD2021":
		n := int32(7200)
		maxAge = &n
		summary = "MaxAge 7200"
		targets = nil
	default:
		return nil, nil, "", fixer.Skipf("no live fix for %s", c.Finding.RuleID)
	}
	conf := &v2types.Cors{AllowOrigins: origins, AllowMethods: methods, AllowHeaders: headers, ExposeHeaders: expose, MaxAge: maxAge}
	if cred {
		conf.AllowCredentials = aws.Bool(true)
	}
	cliConf := map[string]any{"AllowOrigins": origins, "AllowMethods": methods, "AllowHeaders": headers}
	if len(expose) > 0 {
		cliConf["ExposeHeaders"] = expose
	}
	if maxAge != nil {
		cliConf["MaxAge"] = *maxAge
	}
	if cred {
		cliConf["AllowCredentials"] = true
	}
	step := Step{Op: "apigatewayv2:UpdateApi", Summary: summary,
		CLI: cli("apigatewayv2 update-api", "--api-id", opt.APIID, "--cors-configuration", jsonString(cliConf)),
		SDK: fmt.Sprintf("apigatewayv2.UpdateApi(&UpdateApiInput{ApiId: %q, CorsConfiguration: %s})", opt.APIID, jsonString(cliConf)),
		do: func(ctx context.Context, cl apigw.Clients) error {
			_, err := cl.V2.UpdateApi(ctx, &apigatewayv2.UpdateApiInput{ApiId: aws.String(opt.APIID), CorsConfiguration: conf})
			return err
		}}
	nc := &apimodel.CorsConfig{AllowCredentials: apimodel.TriOf(cred)}
	if cfg != nil {
		nc.Source, nc.CredentialsSource = cfg.Source, cfg.CredentialsSource
	}
	kv := func(ss []string) []apimodel.Value {
		var out []apimodel.Value
		for _, s := range ss {
			out = append(out, apimodel.Known(s, nc.Source))
		}
		return out
	}
	nc.AllowOrigins, nc.AllowMethods, nc.AllowHeaders, nc.ExposeHeaders = kv(origins), kv(methods), kv(headers), kv(expose)
	if maxAge != nil {
		v := apimodel.Known(fmt.Sprint(*maxAge), nc.Source)
		nc.MaxAge = &v
	}
	api.Cors = nc
	return []Step{step}, targets, summary, nil
}

func union(a, b []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, l := range [][]string{a, b} {
		for _, x := range l {
			if x != "" && !seen[strings.ToLower(x)] {
				seen[strings.ToLower(x)] = true
				out = append(out, x)
			}
		}
	}
	return out
}

// ---- deployment ----

func deployStep(kind apimodel.Kind, opt Options) []Step {
	desc := "corsdoctor fix: CORS changes"
	if kind != apimodel.REST {
		if opt.AutoDeploy {
			return nil
		}
		return []Step{{Op: "apigatewayv2:CreateDeployment", Summary: "deploy to stage " + opt.Stage,
			CLI: cli("apigatewayv2 create-deployment", "--api-id", opt.APIID, "--stage-name", opt.Stage, "--description", desc),
			SDK: fmt.Sprintf("apigatewayv2.CreateDeployment(&CreateDeploymentInput{ApiId: %q, StageName: %q})", opt.APIID, opt.Stage),
			do: func(ctx context.Context, cl apigw.Clients) error {
				_, err := cl.V2.CreateDeployment(ctx, &apigatewayv2.CreateDeploymentInput{ApiId: aws.String(opt.APIID), StageName: aws.String(opt.Stage), Description: aws.String(desc)})
				return err
			}}}
	}
	return []Step{{Op: "apigateway:CreateDeployment", Summary: "deploy to stage " + opt.Stage,
		CLI: cli("apigateway create-deployment", "--rest-api-id", opt.APIID, "--stage-name", opt.Stage, "--description", desc),
		SDK: fmt.Sprintf("apigateway.CreateDeployment(&CreateDeploymentInput{RestApiId: %q, StageName: %q})", opt.APIID, opt.Stage),
		do: func(ctx context.Context, cl apigw.Clients) error {
			_, err := cl.APIGateway.CreateDeployment(ctx, &apigateway.CreateDeploymentInput{RestApiId: aws.String(opt.APIID), StageName: aws.String(opt.Stage), Description: aws.String(desc)})
			return err
		}}}
}

// ---- rendering ----

func cli(cmd string, args ...string) string {
	parts := []string{"aws " + cmd}
	for _, a := range args {
		if strings.HasPrefix(a, "--") {
			parts = append(parts, a)
			continue
		}
		parts = append(parts, shell.Quote(a))
	}
	return strings.Join(parts, " ")
}

func jsonString(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

func sortedKeys(m map[string]string) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
