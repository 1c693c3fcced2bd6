package rules

import (
	"fmt"
	"sort"
	"strings"

	"github.com/corsdoctor/corsdoctor/apimodel"
	"github.com/corsdoctor/corsdoctor/diag"
	"github.com/corsdoctor/corsdoctor/evidence"
)

// CD4055 is the playbook's diagnosis 6: errors hit one method of a path
// while the others work, and that method's responses lack CORS headers.
var CD4055 = register(&diag.Rule{
	ID:       "CD4055",
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
real status.

See https://docs.aws.amazon.com/apigateway/latest/developerguide/how-to-cors-console.html`,
	Fix: map[diag.Platform]string{
		diag.Generic:   "Return Access-Control-Allow-Origin on every response of the failing method, error statuses included.",
		diag.APIGwREST: "Add method.response.header.Access-Control-Allow-Origin to every method response and integration response of the method: aws apigateway put-integration-response --rest-api-id ID --resource-id RID --http-method PUT --status-code 400 --selection-pattern '4\\d{2}' --response-parameters '{\"method.response.header.Access-Control-Allow-Origin\":\"'\"'\"'https://app.example.com'\"'\"'\"}'; then deploy.",
		diag.APIGwHTTP: "HTTP APIs add CORS headers to every response once CorsConfiguration is set; check the method is in AllowMethods.",
	},
	Check: func(p *diag.Pass) {
		pb := playbook(p)
		if pb == nil {
			return
		}
		eq := pb.Log("errors-by-route")
		tq := pb.Log("traffic-by-route")
		if eq == nil || tq == nil {
			return
		}
		type key struct{ path, method string }
		errs, reqs := map[key]int{}, map[key]int{}
		statuses := map[key][]string{}
		for _, r := range eq.Rows {
			k := key{rowPath(r), rowMethod(r)}
			errs[k] += evidence.Int(r, "errors")
			if s := rowStatus(r); s != "" {
				statuses[k] = append(statuses[k], s)
			}
		}
		for _, r := range tq.Rows {
			reqs[key{rowPath(r), rowMethod(r)}] += evidence.Int(r, "requests")
		}
		var keys []key
		for k := range errs {
			keys = append(keys, k)
		}
		sort.Slice(keys, func(i, j int) bool {
			if keys[i].path != keys[j].path {
				return keys[i].path < keys[j].path
			}
			return keys[i].method < keys[j].method
		})
		api := liveAPI(p, pb)
		for _, k := range keys {
			if k.method == "" || k.method == "OPTIONS" || k.path == "" || errs[k] < 5 || reqs[k] == 0 || float64(errs[k]) < 0.5*float64(reqs[k]) {
				continue
			}
			// Another method of the same path must work.
			var ok []string
			for o, n := range reqs {
				if o.path == k.path && o.method != k.method && o.method != "OPTIONS" && n >= 5 && float64(errs[o]) < 0.05*float64(n) {
					ok = append(ok, o.method)
				}
			}
			if len(ok) == 0 {
				continue
			}
			sort.Strings(ok)
			ev := []string{fmt.Sprintf("%s %s: %d errors in %d requests (statuses %s)", k.method, k.path, errs[k], reqs[k], strings.Join(statuses[k], ", "))}
			for _, m := range ok {
				o := key{k.path, m}
				ev = append(ev, fmt.Sprintf("%s %s: %d errors in %d requests", m, k.path, errs[o], reqs[o]))
			}
			cause := methodCORSGap(api, k.path, k.method, statuses[k])
			if cause != "" {
				ev = append(ev, cause)
			}
			reportPB(p, pb, fmt.Sprintf("%s %s fails (%d of %d requests) while %s %s work%s", k.method, k.path, errs[k], reqs[k], strings.Join(ok, ", "), k.path, suffixCause(cause)), ev...)
		}
	},
})

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
