package rules

import (
	"fmt"

	"github.com/corsdoctor/corsdoctor/cors"
	"github.com/corsdoctor/corsdoctor/diag"
	"github.com/corsdoctor/corsdoctor/evidence"
)

// CD1002 fires when the OPTIONS preflight is not handled: 404/405/501, or
// answered by the application without CORS headers.
var CD1002 = register(&diag.Rule{
	ID:       "CD1002",
	Name:     "preflight-not-handled",
	Severity: diag.Error,
	Rank:     20,
	Since:    "0.1.0",
	Title:    "The OPTIONS preflight is not handled",
	Doc: `Before a request with a non-simple method (PUT, DELETE, PATCH) or header
(Content-Type: application/json, Authorization, X-Api-Key) the browser sends an
OPTIONS preflight. If no route answers OPTIONS (404, 405, 501), or the request is
routed to the application, which answers without Access-Control-Allow-* headers,
the real request is never sent. Typical: CORS middleware that only runs after
routing; an API Gateway REST resource without an OPTIONS method; "Enable CORS"
applied to a parent resource only.

Before:  OPTIONS /items -> 405 Method Not Allowed
After:   OPTIONS /items -> 204 No Content
         Access-Control-Allow-Origin: https://app.example.com
         Access-Control-Allow-Methods: GET, POST, PUT, DELETE
         Access-Control-Allow-Headers: content-type, authorization
         Access-Control-Max-Age: 7200

See https://fetch.spec.whatwg.org/#cors-preflight-fetch`,
	Fix: map[diag.Platform]string{
		diag.Generic:    "Answer OPTIONS on this path with 204 and the Access-Control-Allow-Origin/-Methods/-Headers headers, before routing and authentication.",
		diag.LambdaURL:  "Configure CORS on the function URL; Lambda then answers preflights itself: aws lambda update-function-url-config --function-name FN --cors '{\"AllowOrigins\":[\"https://app.example.com\"],\"AllowMethods\":[\"*\"],\"AllowHeaders\":[\"content-type\",\"authorization\"],\"MaxAge\":7200}'",
		diag.APIGwREST:  "Add an OPTIONS method with a MOCK integration to this resource (console: Resource > Enable CORS, which is per resource, not recursive), answering 200 with Access-Control-Allow-Origin/-Methods/-Headers mapped in the integration response; then deploy: aws apigateway create-deployment --rest-api-id ID --stage-name STAGE",
		diag.APIGwHTTP:  "Configure the API's CorsConfiguration; API Gateway then answers preflights itself, even without an OPTIONS route: aws apigatewayv2 update-api --api-id ID --cors-configuration AllowOrigins=https://app.example.com,AllowMethods=*,AllowHeaders=content-type,authorization",
		diag.LambdaPy:   "Handle the preflight first: if event['httpMethod'] == 'OPTIONS': return {'statusCode': 204, 'headers': {'Access-Control-Allow-Origin': origin, 'Access-Control-Allow-Methods': 'GET,POST,PUT,DELETE', 'Access-Control-Allow-Headers': 'content-type,authorization', 'Access-Control-Max-Age': '7200'}}",
		diag.LambdaNode: "Handle the preflight first: if (event.httpMethod === 'OPTIONS') return { statusCode: 204, headers: { 'Access-Control-Allow-Origin': origin, 'Access-Control-Allow-Methods': 'GET,POST,PUT,DELETE', 'Access-Control-Allow-Headers': 'content-type,authorization', 'Access-Control-Max-Age': '7200' } };",
		diag.FastAPI:    "Add CORSMiddleware on the app (app.add_middleware(CORSMiddleware, ...)); it answers OPTIONS before routing. A route-level decorator cannot.",
		diag.Django:     "Put 'corsheaders.middleware.CorsMiddleware' first in MIDDLEWARE so it answers OPTIONS before CommonMiddleware and views.",
		diag.Express:    "app.use(cors(opts)) before the routers, and app.options('*', cors(opts)) if routers are mounted first; router-scoped cors() never sees OPTIONS for unknown routes.",
		diag.GoPlatform: "Wrap the whole mux (not individual handlers) with the CORS middleware so OPTIONS is answered before routing: http.ListenAndServe(addr, mw.Wrap(mux)).",
		diag.Nginx:      "if ($request_method = OPTIONS) { add_header Access-Control-Allow-Origin $cors_origin; add_header Access-Control-Allow-Methods 'GET, POST, PUT, DELETE'; add_header Access-Control-Allow-Headers 'content-type, authorization'; add_header Access-Control-Max-Age 7200; return 204; }",
	},
	Check: func(p *diag.Pass) {
		blocked(p, func(i int, ex *evidence.Exchange) {
			st := ex.Result.PreflightStatus
			note := forceActualNote(ex)
			switch {
			case isMissingAuthToken(failedResponse(ex)):
				p.Report(i, loc(ex), fmt.Sprintf("the preflight OPTIONS %s was answered %d \"Missing Authentication Token\": API Gateway has no OPTIONS method on this resource (or the path does not exist in the deployed stage)", ex.Result.URL, st)+note, exchangeEvidence(ex, "")...)
			case st == 404 || st == 405 || st == 501:
				p.Report(i, loc(ex), fmt.Sprintf("the preflight OPTIONS %s was answered %d: nothing on the server handles OPTIONS for this path, so the %s request is never sent", ex.Result.URL, st, ex.Result.Method)+note, exchangeEvidence(ex, "")...)
			case st >= 200 && st <= 299 && ex.Result.Error == cors.PreflightMissingAllowOriginHeader:
				p.Report(i, loc(ex), fmt.Sprintf("the preflight OPTIONS %s was answered %d without any CORS header: it reached the application (or a default handler) instead of the CORS handler", ex.Result.URL, st)+note, exchangeEvidence(ex, "")...)
			}
		}, cors.PreflightMissingAllowOriginHeader, cors.PreflightInvalidStatus)
	},
})
