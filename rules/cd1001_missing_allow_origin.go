package rules

import (
	"fmt"

	"github.com/corsdoctor/corsdoctor/cors"
	"github.com/corsdoctor/corsdoctor/diag"
	"github.com/corsdoctor/corsdoctor/evidence"
)

// CD1001 fires when the actual response carries no Access-Control-Allow-Origin.
var CD1001 = register(&diag.Rule{
	ID:       "CD1001",
	Name:     "missing-allow-origin",
	Severity: diag.Error,
	Rank:     10,
	Since:    "0.1.0",
	Title:    "Response has no Access-Control-Allow-Origin header",
	Doc: `The browser only hands a cross-origin response to the page when it carries
Access-Control-Allow-Origin matching the page's origin (Fetch standard, CORS check).
When the header is missing entirely, the server, or whatever answered in its place
(an API gateway, a proxy, an authentication layer, an error handler), did not apply
CORS to this response. curl and Postman show the body; the browser does not.

Before:  HTTP/1.1 200 OK            (no Access-Control-Allow-Origin)
After:   HTTP/1.1 200 OK
         Access-Control-Allow-Origin: https://app.example.com
         Vary: Origin

See https://fetch.spec.whatwg.org/#cors-check`,
	Fix: map[diag.Platform]string{
		diag.Generic:    "Add Access-Control-Allow-Origin (the page's exact origin, from an allowlist, plus Vary: Origin) to every response of this endpoint, including error responses.",
		diag.LambdaURL:  "Configure CORS on the function URL so Lambda adds the headers: aws lambda update-function-url-config --function-name FN --cors '{\"AllowOrigins\":[\"https://app.example.com\"],\"AllowMethods\":[\"GET\",\"POST\"],\"AllowHeaders\":[\"content-type\",\"authorization\"],\"MaxAge\":7200}' (or return the headers from the function, not both).",
		diag.APIGwREST:  "Non-proxy integration: add a method response header Access-Control-Allow-Origin and map it in the integration response (method.response.header.Access-Control-Allow-Origin = \"'https://app.example.com'\") for every status; proxy integration (AWS_PROXY/HTTP_PROXY): return the header from the backend. Then redeploy the stage: aws apigateway create-deployment --rest-api-id ID --stage-name STAGE",
		diag.APIGwHTTP:  "Configure CORS on the HTTP API (API Gateway then adds the headers itself): aws apigatewayv2 update-api --api-id ID --cors-configuration AllowOrigins=https://app.example.com,AllowMethods=GET,POST,AllowHeaders=content-type,authorization",
		diag.LambdaPy:   "Return the header from the handler on every path: return {'statusCode': 200, 'headers': {'Access-Control-Allow-Origin': origin_if_allowed, 'Vary': 'Origin'}, 'body': ...}",
		diag.LambdaNode: "Return the header from the handler on every path: return { statusCode: 200, headers: { 'Access-Control-Allow-Origin': allowedOrigin, Vary: 'Origin' }, body }",
		diag.FastAPI:    "app.add_middleware(CORSMiddleware, allow_origins=['https://app.example.com'], allow_methods=['*'], allow_headers=['*']) and make sure the middleware wraps every route (add it on the app, not a sub-router).",
		diag.Django:     "pip install django-cors-headers; add 'corsheaders' to INSTALLED_APPS, 'corsheaders.middleware.CorsMiddleware' at the top of MIDDLEWARE, and CORS_ALLOWED_ORIGINS = ['https://app.example.com'].",
		diag.Express:    "app.use(cors({ origin: ['https://app.example.com'] })) before your routes (npm install cors).",
		diag.GoPlatform: "Wrap the handler with CORS middleware, e.g. github.com/jub0bs/cors: cors.NewMiddleware(cors.Config{Origins: []string{\"https://app.example.com\"}}) and mw.Wrap(mux).",
		diag.Nginx:      "add_header Access-Control-Allow-Origin $cors_origin always;  (with a map $http_origin $cors_origin {...} allowlist; 'always' also covers error responses)",
		diag.CloudFront: "Forward the Origin header to the origin (origin request policy) and include it in the cache key, or attach a response headers policy with CORS configured.",
	},
	Check: func(p *diag.Pass) {
		blocked(p, func(i int, ex *evidence.Exchange) {
			r := ex.Final()
			status := 0
			if r != nil {
				status = r.Status
			}
			d := fmt.Sprintf("the %d response to %s %s has no Access-Control-Allow-Origin header, so the browser withholds it from the page", status, ex.Result.Method, ex.Result.URL)
			if status >= 400 {
				d += fmt.Sprintf("; it is an error response (%d): the error path skips the CORS headers, and the real problem is hidden behind a CORS message", status)
			}
			p.Report(i, loc(ex), d, exchangeEvidence(ex, "")...)
		}, cors.MissingAllowOriginHeader)
	},
})
