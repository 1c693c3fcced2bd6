package rules

import (
	"fmt"
	"sort"

	"github.com/corsdoctor/corsdoctor/apimodel"
	"github.com/corsdoctor/corsdoctor/diag"
	"github.com/corsdoctor/corsdoctor/evidence"
)

// CD4053 is the playbook's diagnosis 4: CORS is configured, but requests
// come from an origin it does not allow exactly.
var cd4053 = &diag.Rule{
	ID:       "CD4053",
	Needs:    diag.NeedsPlaybook | diag.NeedsAPIs,
	Name:     "origin-not-allowed",
	Severity: diag.Error,
	Rank:     13,
	Since:    "0.1.0",
	Title:    "Requests come from an origin the API does not allow",
	Doc: `Diagnosis 4 of the playbook. The browser compares its Origin with the allowed
origin byte for byte: scheme, host and port must match (https://app.example.com is not
https://app.example.com/, http://app.example.com, https://www.app.example.com or
https://app.example.com:8443). corsdoctor takes the origins from the execution logs
(Method request headers), the application logs and --origin, and compares them with
the HTTP API's allowOrigins or the REST OPTIONS methods' Access-Control-Allow-Origin
mapping.

See https://fetch.spec.whatwg.org/#cors-check`,
	Fix: map[diag.Platform]string{
		diag.Generic:   "Allow the exact origin the page is served from (scheme://host[:port], no path, no trailing slash).",
		diag.APIGwREST: "A REST mapping holds one origin: map Access-Control-Allow-Origin to the right one, or echo a validated origin from a Lambda proxy; for several origins use method.request.header.origin only behind an allow-list check. Then deploy.",
		diag.APIGwHTTP: "aws apigatewayv2 update-api --api-id {{api_id}} --cors-configuration AllowOrigins=https://app.example.com,https://www.example.com (CloudFormation: CorsConfiguration.AllowOrigins).",
	},
	Check: func(p *diag.Pass) {
		pb := playbook(p)
		if pb == nil {
			return
		}
		api := liveAPI(p, pb)
		allowed, ok := allowedOrigins(api)
		if !ok {
			return
		}
		seen := map[string]int{}
		from := map[string]string{}
		for _, purpose := range []string{"exec-origins", "app-origins"} {
			if q := pb.Log(purpose); q != nil {
				for _, r := range q.Rows {
					o := r["origin"]
					if o == "" {
						continue
					}
					for k, v := range r {
						if k != "origin" {
							seen[o] += evidence.Int(r, k)
							_ = v
						}
					}
					from[o] = purpose
				}
			}
		}
		for _, o := range pb.Origins {
			if _, ok := seen[o]; !ok {
				seen[o] = 0
				from[o] = "--origin"
			}
		}
		origins := make([]string, 0, len(seen))
		for o := range seen {
			origins = append(origins, o)
		}
		sort.Strings(origins)
		for _, o := range origins {
			if apimodel.OriginAllowed(allowed, o) != apimodel.TriNo {
				continue
			}
			ev := []string{"allowed: " + valuesText(allowed), fmt.Sprintf("seen in %s: %s (%d requests)", from[o], o, seen[o])}
			if why := nearMiss(o, allowed); why != "" {
				ev = append(ev, why)
			}
			reportPB(p, pb, fmt.Sprintf("origin %s is not allowed (allowed: %s): the browser blocks its requests", o, valuesText(allowed)), ev...)
		}
	},
}
