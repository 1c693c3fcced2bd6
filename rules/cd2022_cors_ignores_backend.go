package rules

import (
	"fmt"

	"github.com/corsdoctor/corsdoctor/apimodel"
	"github.com/corsdoctor/corsdoctor/diag"
)

// CD2022 fires when an HTTP API has a CORS configuration and its backend
// also sets CORS headers (which API Gateway ignores).
var cd2022 = &diag.Rule{
	ID: "CD2022", Needs: diag.NeedsAPIs, Name: "cors-config-overrides-backend", Severity: diag.Info, Rank: 221, Since: "0.1.0",
	Title: "HTTP API CORS configuration overrides the backend's CORS headers",
	Doc: `"If you configure CORS for an API, API Gateway ignores CORS headers returned
from your backend integration." Code that sets Access-Control-Allow-Origin behind an
HTTP API with CorsConfiguration is dead: changing it changes nothing, and local
emulators (sam local, serverless-offline) behave differently from AWS
(aws/aws-sam-cli#2637, dherault/serverless-offline#984).

Before:  CorsConfiguration set and the function returns Access-Control-Allow-Origin
After:   keep one of the two: the CorsConfiguration (recommended) or the code`,
	Fix: map[diag.Platform]string{
		diag.Generic:   "Configure CORS in one place only.",
		diag.APIGwHTTP: "Keep CorsConfiguration and remove the CORS headers from the function, or remove CorsConfiguration and handle OPTIONS and the headers in code.",
	},
	Check: func(p *diag.Pass) {
		for _, api := range p.APIs() {
			if api.Kind != apimodel.HTTP || api.Cors == nil {
				continue
			}
			seen := map[string]bool{}
			for _, r := range api.Routes {
				in := r.Integration
				if in == nil || in.Function == nil || in.Function.SetsAllowOrigin != apimodel.TriYes || seen[in.Function.ID] {
					continue
				}
				seen[in.Function.ID] = true
				reportAPI(p, api, r.Source, fmt.Sprintf("route %s of %s has a CORS configuration (%s), so API Gateway ignores the CORS headers function %s sets", r.Key, apiName(api), api.Cors.Source, in.Function.ID))
			}
		}
	},
}
