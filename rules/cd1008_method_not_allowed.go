package rules

import (
	"fmt"
	"strings"

	"github.com/corsdoctor/corsdoctor/cors"
	"github.com/corsdoctor/corsdoctor/diag"
	"github.com/corsdoctor/corsdoctor/evidence"
)

// CD1008 fires when the preflight does not list the method.
var cd1008 = &diag.Rule{
	ID:       "CD1008",
	Needs:    diag.NeedsExchanges,
	Name:     "method-not-allowed",
	Severity: diag.Error,
	Rank:     22,
	Since:    "0.1.0",
	Title:    "The method is not listed in Access-Control-Allow-Methods",
	Doc: `The preflight response must list the request's method in
Access-Control-Allow-Methods (GET, HEAD and POST always pass). Methods compare
case-sensitively, and the browser upper-cases only DELETE, GET, HEAD, OPTIONS, POST and
PUT: fetch(url, {method: 'patch'}) sends "patch", which "PATCH" does not match.

Before:  Access-Control-Allow-Methods: GET, POST
After:   Access-Control-Allow-Methods: GET, POST, PUT, PATCH, DELETE

See https://fetch.spec.whatwg.org/#concept-method-normalize`,
	Fix: map[diag.Platform]string{
		diag.Generic:    "Add {{method}} to Access-Control-Allow-Methods on the preflight response, spelled exactly as the browser sends it.",
		diag.LambdaURL:  "Add the method (upper case) to the function URL's CORS AllowMethods: --cors '{\"AllowMethods\":[{{allow_methods|qq}}]}'",
		diag.GoPlatform: "rs/cors: AllowedMethods: []string{{{allow_methods|qq}}}; jub0bs/cors: Methods: []string{{{allow_methods|qq}}}.",
		diag.APIGwREST:  "Update the OPTIONS integration response mapping method.response.header.Access-Control-Allow-Methods = \"'{{allow_methods|csv}},OPTIONS'\" to match the resource's methods; redeploy.",
		diag.APIGwHTTP:  "aws apigatewayv2 update-api --api-id {{api_id}} --cors-configuration AllowMethods={{allow_methods|csv}}",
		diag.FastAPI:    "CORSMiddleware(..., allow_methods=[{{allow_methods|q}}]) (the default is GET only)",
		diag.Django:     "CORS_ALLOW_METHODS = [*default_methods] (from corsheaders.defaults), plus {{method}} if it is not a standard method",
		diag.Flask:      "CORS(app, methods=[{{allow_methods|q}}])",
		diag.Express:    "cors({ methods: [{{allow_methods|q}}] })",
		diag.Spring:     "config.setAllowedMethods(List.of({{allow_methods|qq}})) (Spring allows only GET, HEAD and POST by default)",
		diag.ASPNET:     "p.WithMethods({{allow_methods|qq}}) or AllowAnyMethod()",
		diag.S3:         s3CORSFix,
		diag.Nginx:      "add_header Access-Control-Allow-Methods '{{allow_methods}}' always;",
	},
	Check: func(p *diag.Pass) {
		blocked(p, func(i int, ex *evidence.Exchange) {
			m := ex.Result.FailedParameter
			allowed := header(failedResponse(ex), cors.HeaderAllowMethods)
			d := fmt.Sprintf("the preflight allows methods %q, which does not include %s", allowed, m)
			if allowed == "" {
				d = fmt.Sprintf("the preflight response has no Access-Control-Allow-Methods, so only GET, HEAD and POST are allowed, not %s", m)
			}
			if strings.ContainsAny(allowed, "'") {
				d += "; the list contains single quotes: the API Gateway mapping value \"'GET,PUT'\" lost its outer quotes, so the quotes became part of the method names"
			}
			if m != strings.ToUpper(m) {
				d += fmt.Sprintf("; note the browser sends %q in lower case because only DELETE/GET/HEAD/OPTIONS/POST/PUT are normalized: write %q in the page's code", m, strings.ToUpper(m))
			}
			p.Report(i, loc(ex), d, exchangeEvidence(ex, cors.HeaderAllowMethods)...)
		}, cors.MethodDisallowedByPreflightResponse)
	},
}
