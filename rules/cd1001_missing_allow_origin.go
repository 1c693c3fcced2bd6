package rules

import (
	"fmt"

	"github.com/corsdoctor/corsdoctor/cors"
	"github.com/corsdoctor/corsdoctor/diag"
	"github.com/corsdoctor/corsdoctor/evidence"
)

// CD1001 fires when the actual response carries no Access-Control-Allow-Origin.
var cd1001 = &diag.Rule{
	ID:       "CD1001",
	Needs:    diag.NeedsExchanges,
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
		diag.Generic:    "Add Access-Control-Allow-Origin: {{origin}} (the page's exact origin, picked from an allowlist, plus Vary: Origin) to every response of this endpoint, including error responses.",
		diag.LambdaURL:  "Configure CORS on the function URL so Lambda adds the headers: aws lambda update-function-url-config --function-name FN --cors '{\"AllowOrigins\":[\"{{origin}}\"],\"AllowMethods\":[{{methods|qq}}],\"AllowHeaders\":[{{headers|qq}}],\"MaxAge\":7200}' (or return the headers from the function, not both).",
		diag.APIGwREST:  "Non-proxy integration: add a method response header Access-Control-Allow-Origin and map it in the integration response (method.response.header.Access-Control-Allow-Origin = \"'{{origin}}'\") for every status; proxy integration (AWS_PROXY/HTTP_PROXY): return the header from the backend. Then redeploy the stage: aws apigateway create-deployment --rest-api-id {{api_id}} --stage-name {{stage}}",
		diag.APIGwHTTP:  "Configure CORS on the HTTP API (API Gateway then adds the headers itself): aws apigatewayv2 update-api --api-id {{api_id}} --cors-configuration AllowOrigins={{origin}},AllowMethods={{methods|csv}},AllowHeaders={{headers|csv}}",
		diag.LambdaPy:   "Return the header from the handler on every path: return {'statusCode': 200, 'headers': {'Access-Control-Allow-Origin': origin_if_allowed, 'Vary': 'Origin'}, 'body': ...} with ALLOWED = {'{{origin}}'}",
		diag.LambdaNode: "Return the header from the handler on every path: return { statusCode: 200, headers: { 'Access-Control-Allow-Origin': allowedOrigin, Vary: 'Origin' }, body } with allowed = new Set(['{{origin}}'])",
		diag.S3:         s3CORSFix,
		diag.FastAPI:    "app.add_middleware(CORSMiddleware, allow_origins=['{{origin}}'], allow_methods=[{{methods|q}}], allow_headers=[{{headers|q}}]) and make sure the middleware wraps every route (add it on the app, not a sub-router).",
		diag.Django:     "pip install django-cors-headers; add 'corsheaders' to INSTALLED_APPS, 'corsheaders.middleware.CorsMiddleware' at the top of MIDDLEWARE, and CORS_ALLOWED_ORIGINS = ['{{origin}}'].",
		diag.Flask:      "pip install flask-cors; CORS(app, origins=['{{origin}}']) (or @cross_origin(origins=['{{origin}}']) on the view); Flask-CORS also covers error responses of non-debug apps.",
		diag.Express:    "app.use(cors({ origin: ['{{origin}}'] })) before your routes (npm install cors).",
		diag.Spring:     "Declare the origin: @CrossOrigin(origins = \"{{origin}}\") on the controller, or a CorsConfigurationSource bean with setAllowedOrigins(List.of(\"{{origin}}\")) and http.cors(withDefaults()) in Spring Security.",
		diag.ASPNET:     "builder.Services.AddCors(o => o.AddPolicy(\"web\", p => p.WithOrigins(\"{{origin}}\").AllowAnyHeader().AllowAnyMethod())); app.UseCors(\"web\") after UseRouting and before UseAuthentication/UseAuthorization (errors thrown before UseCors get no headers).",
		diag.GoPlatform: "Wrap the handler with CORS middleware, e.g. github.com/jub0bs/cors: cors.NewMiddleware(cors.Config{Origins: []string{\"{{origin}}\"}}) and mw.Wrap(mux).",
		diag.Nginx:      "add_header Access-Control-Allow-Origin $cors_origin always;  (with a map $http_origin $cors_origin { default \"\"; \"{{origin}}\" $http_origin; } allowlist; 'always' also covers error responses)",
		diag.CloudFront: "Forward the Origin header to the origin (origin request policy) and include it in the cache key, or attach a response headers policy with CORS configured for {{origin}}.",
		diag.Kong:       "Enable the cors plugin on the service or route: config.origins=[\"{{origin}}\"], config.methods=[{{methods|qq}}], config.headers=[{{headers|qq}}].",
		diag.Azure:      "az functionapp cors add --name APP --resource-group RG --allowed-origins {{origin}} (portal: API > CORS); API Management: add a <cors> policy with <allowed-origins><origin>{{origin}}</origin></allowed-origins>.",
		diag.GCP:        "Cloud Run/Functions do not add CORS headers: return them from the code (functions-framework: set Access-Control-Allow-Origin: {{origin}} and answer OPTIONS with 204).",
		diag.Vercel:     "Return the headers from the function, or in vercel.json: \"headers\": [{\"source\": \"/api/(.*)\", \"headers\": [{\"key\": \"Access-Control-Allow-Origin\", \"value\": \"{{origin}}\"}]}].",
		diag.Netlify:    "Return the headers from the function, or add to netlify.toml: [[headers]] for = \"/api/*\" [headers.values] Access-Control-Allow-Origin = \"{{origin}}\".",
		diag.Cloudflare: "Cloudflare passes the origin's headers through: add them at the origin, or with a Transform Rule / Worker that sets Access-Control-Allow-Origin: {{origin}}.",
	},
	Check: func(p *diag.Pass) {
		blocked(p, func(i int, ex *evidence.Exchange) {
			if ex.Result.Stage == cors.StageRedirect {
				return // CD1012: the redirect response is what failed
			}
			r := failedResponse(ex)
			status := 0
			if r != nil {
				status = r.Status
			}
			d := fmt.Sprintf("the %d response to %s %s has no Access-Control-Allow-Origin header, so the browser withholds it from the page", status, ex.Result.Method, ex.Result.URL)
			if status >= 400 {
				d += fmt.Sprintf("; it is an error response (%d): the error path skips the CORS headers, and the real problem is hidden behind a CORS message", status)
			}
			if allowlistPresent(ex, r) {
				d += "; the response varies on Origin, so the server has an origin allowlist, and " + ex.Request.Origin + " is not on it"
				plat, fix := fixFor(allowlistFix, diag.Platform(ex.Platform))
				p.ReportFixText(i, loc(ex), plat, fix, d, exchangeEvidence(ex, "")...)
				return
			}
			p.Report(i, loc(ex), d, exchangeEvidence(ex, "")...)
		}, cors.MissingAllowOriginHeader)
	},
}
