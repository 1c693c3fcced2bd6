package rules

import (
	"fmt"
	"strings"

	"github.com/corsdoctor/corsdoctor/cors"
	"github.com/corsdoctor/corsdoctor/diag"
	"github.com/corsdoctor/corsdoctor/evidence"
)

// CD1004 explains an Access-Control-Allow-Origin that names another origin.
var cd1004 = &diag.Rule{
	ID:       "CD1004",
	Needs:    diag.NeedsExchanges,
	Name:     "origin-mismatch",
	Severity: diag.Error,
	Rank:     5,
	Since:    "0.1.0",
	Title:    "Access-Control-Allow-Origin does not match the page's origin",
	Doc: `The browser compares Access-Control-Allow-Origin with the page's origin byte for
byte: scheme, host, port and case must be identical, and an origin never has a path or
a trailing slash. This is the most frequent CORS failure: the requesting origin is not
in the server's allowlist (a new environment, http vs https, a dev port, www.), or the
allowlist entry is malformed (a trailing slash, no scheme).

Before:  Access-Control-Allow-Origin: https://app.example.com/
After:   Access-Control-Allow-Origin: https://app.example.com

See https://fetch.spec.whatwg.org/#cors-check`,
	Fix: map[diag.Platform]string{
		diag.Generic:    "Add the page's exact origin (scheme://host[:port], no trailing slash) to the server's allowlist and echo the request's Origin when it is on the list, with Vary: Origin.",
		diag.LambdaURL:  "List the page's exact origin in the function URL's CORS AllowOrigins (no trailing slash, no path): aws lambda update-function-url-config --function-name FN --cors '{\"AllowOrigins\":[\"{{origin}}\"]}'",
		diag.CloudFront: "If a response headers policy sets CORS, list the exact origin in its Access-Control-Allow-Origin items (no trailing slash), and include Origin in the cache key so one origin's response is not served to another.",
		diag.APIGwREST:  "Change the mapped value: method.response.header.Access-Control-Allow-Origin = \"'{{origin}}'\" on OPTIONS and on every method's integration responses (for several origins, return the header from a Lambda that checks an allowlist); redeploy the stage.",
		diag.APIGwHTTP:  "aws apigatewayv2 update-api --api-id {{api_id}} --cors-configuration AllowOrigins={{origin}},https://staging.example.com  (full origins, no trailing slash)",
		diag.LambdaPy:   "ALLOWED = {'{{origin}}'}; origin = event['headers'].get('origin'); headers = {'Access-Control-Allow-Origin': origin, 'Vary': 'Origin'} if origin in ALLOWED else {}",
		diag.LambdaNode: "const allowed = new Set(['{{origin}}']); const origin = event.headers.origin; const headers = allowed.has(origin) ? { 'Access-Control-Allow-Origin': origin, Vary: 'Origin' } : {};",
		diag.FastAPI:    "CORSMiddleware(allow_origins=['{{origin}}']) — exact origins, no trailing slash (Starlette accepts a trailing slash silently and then never matches).",
		diag.Django:     "CORS_ALLOWED_ORIGINS = ['{{origin}}'] (scheme required, no trailing slash; a string instead of a list is split into characters).",
		diag.Express:    "cors({ origin: ['{{origin}}'] }) — exact strings, or RegExps anchored with ^ and $.",
		diag.GoPlatform: "cors.Config{Origins: []string{\"{{origin}}\"}} (jub0bs/cors rejects malformed origins at start-up).",
		diag.Nginx:      "map $http_origin $cors_origin { default \"\"; \"{{origin}}\" $http_origin; }  add_header Access-Control-Allow-Origin $cors_origin always; add_header Vary Origin always;",
		diag.Flask:      "CORS(app, origins=['{{origin}}']) — exact origins (or compiled regexes); Flask-CORS echoes the matching one.",
		diag.Spring:     "setAllowedOrigins(List.of(\"{{origin}}\")) (exact), or setAllowedOriginPatterns for wildcards such as https://*.example.com.",
		diag.ASPNET:     "p.WithOrigins(\"{{origin}}\") — exact, no trailing slash; SetIsOriginAllowedToAllowWildcardSubdomains() for subdomains.",
		diag.S3:         s3CORSFix,
		diag.Azure:      allowlistFix[diag.Azure],
	},
	Check: func(p *diag.Pass) {
		blocked(p, func(i int, ex *evidence.Exchange) {
			if ex.Result.Stage == cors.StageRedirect {
				return // CD1012: the redirect response is what failed
			}
			got := ex.Result.FailedParameter
			origin := ex.Result.Origin
			if ex.Result.Tainted {
				origin = cors.Null
			}
			parts := OriginDiff(origin, got)
			d := fmt.Sprintf("the server allows %q but the page's origin is %q", got, origin)
			if len(parts) > 0 {
				d += ": " + strings.Join(parts, "; ")
			}
			if ex.Result.Tainted {
				d += " (a cross-origin redirect made the browser send Origin: null)"
			}
			p.Report(i, loc(ex), d, exchangeEvidence(ex, cors.HeaderAllowOrigin)...)
		}, cors.AllowOriginMismatch, cors.PreflightAllowOriginMismatch, cors.InvalidAllowOriginValue, cors.PreflightInvalidAllowOriginValue)
	},
}
