package rules

import (
	"github.com/corsdoctor/corsdoctor/cors"
	"github.com/corsdoctor/corsdoctor/diag"
	"github.com/corsdoctor/corsdoctor/evidence"
)

// CD1006 fires when '*' meets a credentialed request.
var CD1006 = register(&diag.Rule{
	ID:       "CD1006",
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
		diag.Generic:    "Echo the request's Origin when it is on an allowlist (never any origin), add Access-Control-Allow-Credentials: true and Vary: Origin; or drop credentials from the request if it needs none.",
		diag.LambdaURL:  "Function URL CORS: AllowCredentials true requires explicit origins: --cors '{\"AllowOrigins\":[\"https://app.example.com\"],\"AllowCredentials\":true}'",
		diag.GoPlatform: "rs/cors: cors.Options{AllowedOrigins: []string{\"https://app.example.com\"}, AllowCredentials: true}; jub0bs/cors: cors.Config{Origins: []string{\"https://app.example.com\"}, Credentialed: true} (it refuses * with credentials at construction).",
		diag.Nginx:      "Echo an allowlisted origin instead of '*': map $http_origin $cors_origin { \"https://app.example.com\" $http_origin; default \"\"; } add_header Access-Control-Allow-Origin $cors_origin always; add_header Access-Control-Allow-Credentials true always; add_header Vary Origin always;",
		diag.APIGwREST:  "Map a specific origin, \"'https://app.example.com'\", plus method.response.header.Access-Control-Allow-Credentials = \"'true'\" (for several origins return them from a Lambda); redeploy.",
		diag.APIGwHTTP:  "CorsConfiguration with AllowCredentials=true requires explicit AllowOrigins (API Gateway rejects '*' with credentials): aws apigatewayv2 update-api --api-id ID --cors-configuration AllowOrigins=https://app.example.com,AllowCredentials=true",
		diag.FastAPI:    "CORSMiddleware(allow_origins=['https://app.example.com'], allow_credentials=True) — allow_origins=['*'] with allow_credentials=True is rejected by browsers.",
		diag.Django:     "CORS_ALLOWED_ORIGINS = ['https://app.example.com'] and CORS_ALLOW_CREDENTIALS = True (not CORS_ALLOW_ALL_ORIGINS).",
		diag.Express:    "cors({ origin: ['https://app.example.com'], credentials: true })",
	},
	Check: func(p *diag.Pass) {
		blocked(p, func(i int, ex *evidence.Exchange) {
			p.Report(i, loc(ex), "the request is sent with credentials (cookies or HTTP authentication), and browsers refuse Access-Control-Allow-Origin: * for credentialed requests", exchangeEvidence(ex, cors.HeaderAllowOrigin)...)
		}, cors.WildcardOriginNotAllowed, cors.PreflightWildcardOriginNotAllowed)
	},
})
