package rules

import (
	"fmt"
	"net/url"
	"sort"
	"strings"
	"time"

	"github.com/corsdoctor/corsdoctor/apimodel"
	"github.com/corsdoctor/corsdoctor/diag"
	"github.com/corsdoctor/corsdoctor/evidence"
)

// Helpers for the rules that read the API Gateway incident playbook
// (corsdoctor aws diagnose): CD2100-CD2199 and CD4050-CD4099.

// playbook returns the run's playbook, or nil.
func playbook(p *diag.Pass) *evidence.Playbook { return p.Input().Playbook }

// liveAPI returns the model of the playbook's API (Format "aws"), or nil.
func liveAPI(p *diag.Pass, pb *evidence.Playbook) *apimodel.API {
	for _, a := range p.APIs() {
		if a.Format == "aws" && a.ID == pb.APIID {
			return a
		}
	}
	return nil
}

// pbPlatform is the fix platform of the playbook's API.
func pbPlatform(pb *evidence.Playbook) diag.Platform {
	if pb.Kind == evidence.RESTAPI {
		return diag.APIGwREST
	}
	return diag.APIGwHTTP
}

// pbLoc is the stage's location.
func pbLoc(pb *evidence.Playbook) evidence.Source {
	if pb.Stage == "" {
		return pb.Source
	}
	return evidence.Source{URL: pb.Source.URL + "/stages/" + pb.Stage}
}

// reportPB reports a playbook finding.
func reportPB(p *diag.Pass, pb *evidence.Playbook, detail string, ev ...string) {
	p.ReportFix(-1, pbLoc(pb), pbPlatform(pb), detail, ev...)
}

// deployCmd is the command that deploys the playbook's API.
func deployCmd(pb *evidence.Playbook) string {
	stage := pb.Stage
	if stage == "" {
		stage = "STAGE"
	}
	if pb.Kind == evidence.RESTAPI {
		return fmt.Sprintf("aws apigateway create-deployment --rest-api-id %s --stage-name %s --description 'redeploy CORS configuration' --region %s", pb.APIID, stage, pb.Region)
	}
	return fmt.Sprintf("aws apigatewayv2 create-deployment --api-id %s --stage-name %s --region %s", pb.APIID, stage, pb.Region)
}

// hhmm formats a time as 15:04 UTC.
func hhmm(t time.Time) string { return t.UTC().Format("15:04") }

// changeLine renders a change for evidence.
func changeLine(c evidence.Change) string {
	s := fmt.Sprintf("%s %s", hhmm(c.Time), c.Event)
	if c.Detail != "" {
		s += " " + c.Detail
	}
	if c.User != "" {
		s += " by " + c.User
	}
	return s + " (" + c.Source + ")"
}

// rowsText renders result rows "k=v ..." in stable order.
func rowsText(rows []map[string]string, n int) []string {
	var out []string
	for i, r := range rows {
		if i == n {
			out = append(out, fmt.Sprintf("… %d more rows", len(rows)-n))
			break
		}
		keys := make([]string, 0, len(r))
		for k := range r {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		parts := make([]string, len(keys))
		for j, k := range keys {
			parts[j] = k + "=" + r[k]
		}
		out = append(out, strings.Join(parts, " "))
	}
	return out
}

// allowedOrigins returns the origins the API allows and whether a rule
// can tell: HTTP API allowOrigins, or the static Access-Control-Allow-Origin
// values REST OPTIONS methods map.
func allowedOrigins(api *apimodel.API) ([]apimodel.Value, bool) {
	if api == nil {
		return nil, false
	}
	if api.Kind != apimodel.REST {
		if api.Cors == nil {
			return nil, false
		}
		return api.Cors.AllowOrigins, true
	}
	var out []apimodel.Value
	static := optionsAllowOrigins(api, func(v apimodel.Value) bool {
		s, static := v.Static()
		if !static {
			// method.request.header.origin echoes any origin.
			return false
		}
		dup := false
		for _, o := range out {
			dup = dup || o.S == s
		}
		if !dup {
			out = append(out, apimodel.Known(s, v.Source))
		}
		return true
	})
	if !static {
		return nil, false
	}
	return out, len(out) > 0
}

// optionsAllowOrigins calls fn with each Access-Control-Allow-Origin value
// a REST API's OPTIONS methods map, until fn returns false; it returns
// false when fn did.
func optionsAllowOrigins(api *apimodel.API, fn func(apimodel.Value) bool) bool {
	for _, res := range api.Resources {
		m := res.Method("OPTIONS")
		if m == nil || m.Integration == nil {
			continue
		}
		for _, ir := range m.Integration.Responses {
			if v, ok := ir.Header("Access-Control-Allow-Origin"); ok && !fn(v) {
				return false
			}
		}
	}
	return true
}

// nearMiss explains why origin differs from an allowed one that looks
// like it ("" when none is close).
func nearMiss(origin string, allowed []apimodel.Value) string {
	o, err := url.Parse(origin)
	if err != nil {
		return ""
	}
	for _, a := range allowed {
		s := strings.TrimSpace(a.S)
		u, err := url.Parse(strings.TrimSuffix(s, "/"))
		if err != nil || u.Host == "" {
			continue
		}
		switch {
		case strings.HasSuffix(s, "/") && strings.TrimSuffix(s, "/") == origin:
			return fmt.Sprintf("configured %q has a trailing slash", s)
		case strings.EqualFold(u.Hostname(), o.Hostname()) && u.Scheme != o.Scheme:
			return fmt.Sprintf("configured %q differs in scheme", s)
		case strings.EqualFold(u.Hostname(), o.Hostname()) && u.Port() != o.Port():
			return fmt.Sprintf("configured %q differs in port", s)
		case u.Scheme == o.Scheme && (strings.TrimPrefix(u.Hostname(), "www.") == strings.TrimPrefix(o.Hostname(), "www.")):
			return fmt.Sprintf("configured %q differs in the www. prefix", s)
		case strings.EqualFold(s, origin) && s != origin:
			return fmt.Sprintf("configured %q differs in case", s)
		}
	}
	return ""
}

// valuesText joins values for messages.
func valuesText(vs []apimodel.Value) string {
	var out []string
	for _, v := range vs {
		out = append(out, v.String())
	}
	return strings.Join(out, ", ")
}
