package rules

import (
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/corsdoctor/corsdoctor/apimodel"
	"github.com/corsdoctor/corsdoctor/diag"
)

// CD4055 is the playbook's diagnosis 6: errors hit one method of a path
// while the others work, and that method's responses lack CORS headers.
var cd4055 = &diag.Rule{
	ID:       "CD4055",
	Needs:    diag.NeedsPlaybook | diag.NeedsAPIs,
	Name:     "method-specific-cors-errors",
	Severity: diag.Error,
	Rank:     16,
	Since:    "0.1.0",
	Title:    "Errors hit one method of a path while the others work",
	Doc: `Diagnosis 6 of the playbook: the access logs show errors concentrated on one
method of a path (PUT /orders fails, GET /orders works). On REST APIs each method has
its own integration responses: "Enable CORS" adds Access-Control-Allow-Origin to the
200 response of the selected methods only, so an error status (400, 500) or a method
added later answers without it and the browser reports a CORS error instead of the
real status. CD4002 reports the method-specific failures from the access logs; this rule
fires when the API's configuration explains them (the responses of the failing method
that lack Access-Control-Allow-Origin), which the logs cannot show.

See https://docs.aws.amazon.com/apigateway/latest/developerguide/how-to-cors-console.html`,
	Fix: map[diag.Platform]string{
		diag.Generic:   "Return Access-Control-Allow-Origin on every response of the failing method, error statuses included.",
		diag.APIGwREST: "Add method.response.header.Access-Control-Allow-Origin to every method response and integration response of the method: aws apigateway put-integration-response --rest-api-id {{api_id}} --resource-id RID --http-method PUT --status-code 400 --selection-pattern '4\\d{2}' --response-parameters '{\"method.response.header.Access-Control-Allow-Origin\":\"'\"'\"'https://app.example.com'\"'\"'\"}'; then deploy.",
		diag.APIGwHTTP: "HTTP APIs add CORS headers to every response once CorsConfiguration is set; check the method is in AllowMethods.",
	},
	Check: func(p *diag.Pass) {
		pb := playbook(p)
		if pb == nil || pb.Access == nil {
			return
		}
		api := liveAPI(p, pb)
		for _, mf := range methodFailures(pb.Access) {
			r := mf.bad
			var statuses []string
			for s := range r.Statuses {
				if s >= 400 {
					statuses = append(statuses, strconv.Itoa(s))
				}
			}
			sort.Strings(statuses)
			cause := methodCORSGap(api, r.Route, r.Method, statuses)
			if cause == "" {
				continue // the logs alone say it: CD4002
			}
			reportPB(p, pb, fmt.Sprintf("%s %s fails (%d of %d requests) while %s %s works: %s", r.Method, r.Route, r.Failed(), r.Total, mf.good.Method, r.Route, cause),
				routeLine(r), routeLine(mf.good), cause)
		}
	},
}

func suffixCause(c string) string {
	if c == "" {
		return ""
	}
	return ": " + c
}

// methodCORSGap finds, in the model, the integration responses of the
// method that answer the failing statuses without Access-Control-Allow-Origin.
func methodCORSGap(api *apimodel.API, path, verb string, statuses []string) string {
	if api == nil || api.Kind != apimodel.REST {
		return ""
	}
	res := api.FindResource(path)
	if res == nil {
		return ""
	}
	m := res.Route(verb)
	if m == nil || m.Integration == nil {
		return ""
	}
	if m.Integration.Type.IsProxy() {
		return fmt.Sprintf("%s %s is a %s integration: the backend's error responses must carry Access-Control-Allow-Origin", verb, path, m.Integration.Type)
	}
	var gaps []string
	for _, ir := range m.Integration.Responses {
		if _, ok := ir.Header("Access-Control-Allow-Origin"); ok {
			continue
		}
		for _, s := range statuses {
			if ir.StatusCode == s || len(statuses) == 0 {
				gaps = append(gaps, ir.StatusCode)
				break
			}
		}
	}
	covered := map[string]bool{}
	for _, ir := range m.Integration.Responses {
		covered[ir.StatusCode] = true
	}
	for _, s := range statuses {
		if !covered[s] && s >= "400" {
			gaps = append(gaps, s+" (no integration response: gateway default)")
		}
	}
	if len(gaps) == 0 {
		return ""
	}
	sort.Strings(gaps)
	return fmt.Sprintf("integration responses of %s %s without Access-Control-Allow-Origin: %s", verb, path, strings.Join(dedupe(gaps), ", "))
}

func dedupe(ss []string) []string {
	var out []string
	for i, s := range ss {
		if i == 0 || ss[i-1] != s {
			out = append(out, s)
		}
	}
	return out
}
