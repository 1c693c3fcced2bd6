package rules

import (
	"fmt"
	"strings"

	"github.com/corsdoctor/corsdoctor/cors"
	"github.com/corsdoctor/corsdoctor/diag"
	"github.com/corsdoctor/corsdoctor/evidence"
)

// CD1009 fires when the preflight does not list a request header.
var cd1009 = &diag.Rule{
	ID:       "CD1009",
	Needs:    diag.NeedsExchanges,
	Name:     "header-not-allowed",
	Severity: diag.Error,
	Rank:     21,
	Since:    "0.1.0",
	Title:    "A request header is not listed in Access-Control-Allow-Headers",
	Doc: `Every request header that is not CORS-safelisted (Content-Type: application/json,
Authorization, X-Api-Key, X-Request-Id, ...) must be listed in the preflight's
Access-Control-Allow-Headers (names compare case-insensitively). API Gateway's console
default is Content-Type,X-Amz-Date,Authorization,X-Api-Key,X-Amz-Security-Token, so any
other custom header fails.

Before:  Access-Control-Allow-Headers: Content-Type
After:   Access-Control-Allow-Headers: Content-Type, Authorization, X-Request-Id`,
	Fix: map[diag.Platform]string{
		diag.Generic:    "Add {{headers}} to Access-Control-Allow-Headers on the preflight response, or stop sending the header.",
		diag.LambdaURL:  "Add the headers to the function URL's CORS AllowHeaders: --cors '{\"AllowHeaders\":[{{allow_headers|qq}}]}' (one header per list item)",
		diag.GoPlatform: "rs/cors: AllowedHeaders: []string{{{allow_headers|qq}}}; jub0bs/cors: RequestHeaders: []string{{{allow_headers|qq}}}.",
		diag.APIGwREST:  "Update the OPTIONS integration response mapping method.response.header.Access-Control-Allow-Headers = \"'{{allow_headers|csv}}'\"; redeploy.",
		diag.APIGwHTTP:  "aws apigatewayv2 update-api --api-id {{api_id}} --cors-configuration AllowHeaders={{allow_headers|csv}}",
		diag.FastAPI:    "CORSMiddleware(..., allow_headers=[{{allow_headers|q}}])",
		diag.Django:     "CORS_ALLOW_HEADERS = (*default_headers, {{headers|q}})  (from corsheaders.defaults import default_headers)",
		diag.Flask:      "CORS(app, allow_headers=[{{allow_headers|q}}])",
		diag.Express:    "cors({ allowedHeaders: [{{allow_headers|q}}] })",
		diag.Spring:     "config.setAllowedHeaders(List.of({{allow_headers|qq}}))",
		diag.ASPNET:     "p.WithHeaders({{allow_headers|qq}}) or AllowAnyHeader()",
		diag.S3:         s3CORSFix,
		diag.Nginx:      "add_header Access-Control-Allow-Headers '{{allow_headers}}' always;",
	},
	Check: func(p *diag.Pass) {
		blocked(p, func(i int, ex *evidence.Exchange) {
			h := ex.Result.FailedParameter
			if strings.HasPrefix(strings.ToLower(h), "access-control-") {
				return // CD1039: the page must not send it; allowing it would hide the mistake
			}
			allowed := header(failedResponse(ex), cors.HeaderAllowHeaders)
			d := fmt.Sprintf("the request sends header %s, but the preflight allows only %q", h, allowed)
			if allowed == "" {
				d = fmt.Sprintf("the request sends header %s, but the preflight response has no Access-Control-Allow-Headers", h)
			}
			if ex.Result.Credentials == cors.CredentialsInclude && allowed != "" && containsStar(allowed) {
				d += "; '*' is not a wildcard for credentialed requests"
			}
			p.Report(i, loc(ex), d, exchangeEvidence(ex, cors.HeaderAllowHeaders)...)
		}, cors.HeaderDisallowedByPreflightResponse)
	},
}

func containsStar(list string) bool {
	items, _, _ := cors.ParseList(list)
	for _, it := range items {
		if it == "*" {
			return true
		}
	}
	return false
}
