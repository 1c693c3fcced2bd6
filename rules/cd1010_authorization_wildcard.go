package rules

import (
	"github.com/corsdoctor/corsdoctor/cors"
	"github.com/corsdoctor/corsdoctor/diag"
)

// CD1010 warns when Authorization relies on Access-Control-Allow-Headers: *.
var cd1010 = &diag.Rule{
	ID:       "CD1010",
	Needs:    diag.NeedsExchanges,
	Name:     "authorization-covered-by-wildcard",
	Severity: diag.Warning,
	Rank:     60,
	Since:    "0.1.0",
	Title:    "Authorization relies on Access-Control-Allow-Headers: *",
	Doc: `The Fetch standard says the wildcard in Access-Control-Allow-Headers never covers
Authorization; it must be listed by name. Chromium still allows it (the
CorsNonWildcardRequestHeadersSupport feature is off) and shows a deprecation issue,
"Authorization will not be covered by the wildcard symbol (*)"; Firefox allows it with
a warning. The request works today and breaks when browsers enforce the standard.

Before:  Access-Control-Allow-Headers: *
After:   Access-Control-Allow-Headers: *, Authorization`,
	Fix: map[diag.Platform]string{
		diag.Generic:   "List Authorization explicitly: Access-Control-Allow-Headers: *, Authorization (or the full list of headers).",
		diag.APIGwREST: "Map method.response.header.Access-Control-Allow-Headers = \"'Authorization,Content-Type,X-Api-Key,X-Amz-Date,X-Amz-Security-Token'\" on OPTIONS; redeploy.",
		diag.APIGwHTTP: "aws apigatewayv2 update-api --api-id {{api_id}} --cors-configuration AllowHeaders=authorization,content-type",
		diag.FastAPI:   "CORSMiddleware(..., allow_headers=['Authorization', 'Content-Type'])",
		diag.Express:   "cors({ allowedHeaders: ['Authorization', 'Content-Type'] })",
	},
	Check: func(p *diag.Pass) {
		for i, ex := range p.Exchanges() {
			for _, w := range ex.Result.Warnings {
				if w.Code == cors.WarnAuthorizationCoveredByWildcard {
					p.Report(i, loc(ex), "the request sends Authorization and the preflight allows it only through Access-Control-Allow-Headers: *; Chromium accepts this today with a deprecation warning, the Fetch standard does not", corsLines(ex.Preflight(), "preflight response (OPTIONS)", cors.HeaderAllowHeaders)...)
				}
			}
		}
	},
}
