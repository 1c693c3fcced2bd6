package rules

import (
	"github.com/corsdoctor/corsdoctor/cors"
	"github.com/corsdoctor/corsdoctor/diag"
	"github.com/corsdoctor/corsdoctor/evidence"
)

// CD1006 fires when '*' meets a credentialed request.
var cd1006 = &diag.Rule{
	ID:       "CD1006",
	Needs:    diag.NeedsExchanges,
	Name:     "wildcard-with-credentials",
	Severity: diag.Error,
	Rank:     30,
	Since:    "0.1.0",
	Title:    "Access-Control-Allow-Origin: * with a credentialed request",
	Doc: `With credentials: 'include' (fetch) or withCredentials = true (XHR/axios), the
browser refuses Access-Control-Allow-Origin: *, even with Access-Control-Allow-Credentials:
true. The server must name the origin. Do not "fix" this by reflecting any Origin: that
lets every site read your users' data (see CD3xxx security rules).

Before:  Access-Control-Allow-Origin: *
After:   Access-Control-Allow-Origin: https://app.example.com
         Access-Control-Allow-Credentials: true
         Vary: Origin

See https://fetch.spec.whatwg.org/#cors-protocol-and-credentials`,
	Fix: map[diag.Platform]string{
		diag.Generic:    "Two ways, pick by need: if the page does not need cookies or HTTP authentication for this API, drop credentials from the request (fetch credentials: 'same-origin' or 'omit', withCredentials = false in XHR/axios); if it does, make the server echo the allowed origin {{origin}} instead of *, with Access-Control-Allow-Credentials: true and Vary: Origin.",
		diag.LambdaURL:  "Function URL CORS: AllowCredentials true requires explicit origins: --cors '{\"AllowOrigins\":[\"{{origin}}\"],\"AllowCredentials\":true}'",
		diag.GoPlatform: "rs/cors: cors.Options{AllowedOrigins: []string{\"{{origin}}\"}, AllowCredentials: true}; jub0bs/cors: cors.Config{Origins: []string{\"{{origin}}\"}, Credentialed: true} (it refuses * with credentials at construction).",
		diag.Nginx:      "Echo an allowlisted origin instead of '*': map $http_origin $cors_origin { \"{{origin}}\" $http_origin; default \"\"; } add_header Access-Control-Allow-Origin $cors_origin always; add_header Access-Control-Allow-Credentials true always; add_header Vary Origin always;",
		diag.APIGwREST:  "Map a specific origin, \"'{{origin}}'\", plus method.response.header.Access-Control-Allow-Credentials = \"'true'\" (for several origins return them from a Lambda); redeploy.",
		diag.APIGwHTTP:  "CorsConfiguration with AllowCredentials=true requires explicit AllowOrigins (API Gateway rejects '*' with credentials): aws apigatewayv2 update-api --api-id {{api_id}} --cors-configuration AllowOrigins={{origin}},AllowCredentials=true",
		diag.FastAPI:    "CORSMiddleware(allow_origins=['{{origin}}'], allow_credentials=True) — allow_origins=['*'] with allow_credentials=True is rejected by browsers.",
		diag.Django:     "CORS_ALLOWED_ORIGINS = ['{{origin}}'] and CORS_ALLOW_CREDENTIALS = True (not CORS_ALLOW_ALL_ORIGINS).",
		diag.Express:    "cors({ origin: ['{{origin}}'], credentials: true })",
	},
	Check: func(p *diag.Pass) {
		blocked(p, func(i int, ex *evidence.Exchange) {
			p.Report(i, loc(ex), "the request is sent with credentials (cookies or HTTP authentication), and browsers refuse Access-Control-Allow-Origin: * for credentialed requests", exchangeEvidence(ex, cors.HeaderAllowOrigin)...)
		}, cors.WildcardOriginNotAllowed, cors.PreflightWildcardOriginNotAllowed)
	},
}
