package rules

import (
	"fmt"

	"github.com/corsdoctor/corsdoctor/cors"
	"github.com/corsdoctor/corsdoctor/diag"
	"github.com/corsdoctor/corsdoctor/evidence"
)

// CD1002 fires when the OPTIONS preflight is not handled: 404/405/501, or
// answered by the application without CORS headers.
var cd1002 = &diag.Rule{
	ID:       "CD1002",
	Needs:    diag.NeedsExchanges,
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
		diag.LambdaURL:  "Configure CORS on the function URL; Lambda then answers preflights itself: aws lambda update-function-url-config --function-name FN --cors '{\"AllowOrigins\":[\"{{origin}}\"],\"AllowMethods\":[{{methods|qq}}],\"AllowHeaders\":[{{headers|qq}}],\"MaxAge\":7200}'",
		diag.APIGwREST:  apigwOptionsFix,
		diag.APIGwHTTP:  "Configure the API's CorsConfiguration; API Gateway then answers preflights itself, even without an OPTIONS route: aws apigatewayv2 update-api --api-id {{api_id}} --cors-configuration AllowOrigins={{origin}},AllowMethods={{methods|csv}},AllowHeaders={{headers|csv}}",
		diag.LambdaPy:   "Handle the preflight first: if event['httpMethod'] == 'OPTIONS': return {'statusCode': 204, 'headers': {'Access-Control-Allow-Origin': '{{origin}}', 'Access-Control-Allow-Methods': '{{methods|csv}}', 'Access-Control-Allow-Headers': '{{headers|csv}}', 'Access-Control-Max-Age': '7200'}}",
		diag.LambdaNode: "Handle the preflight first: if (event.httpMethod === 'OPTIONS') return { statusCode: 204, headers: { 'Access-Control-Allow-Origin': '{{origin}}', 'Access-Control-Allow-Methods': '{{methods|csv}}', 'Access-Control-Allow-Headers': '{{headers|csv}}', 'Access-Control-Max-Age': '7200' } };",
		diag.FastAPI:    "Add CORSMiddleware on the app (app.add_middleware(CORSMiddleware, ...)); it answers OPTIONS before routing. A route-level decorator cannot.",
		diag.Django:     "Put 'corsheaders.middleware.CorsMiddleware' first in MIDDLEWARE so it answers OPTIONS before CommonMiddleware and views.",
		diag.Express:    "app.use(cors(opts)) before the routers, and app.options('*', cors(opts)) if routers are mounted first; router-scoped cors() never sees OPTIONS for unknown routes.",
		diag.GoPlatform: "Wrap the whole mux (not individual handlers) with the CORS middleware so OPTIONS is answered before routing: http.ListenAndServe(addr, mw.Wrap(mux)).",
		diag.Nginx:      "if ($request_method = OPTIONS) { add_header Access-Control-Allow-Origin $cors_origin; add_header Access-Control-Allow-Methods '{{methods}}'; add_header Access-Control-Allow-Headers '{{headers}}'; add_header Access-Control-Max-Age 7200; return 204; }",
		diag.Flask:      "CORS(app, origins=['{{origin}}']) from flask_cors answers OPTIONS for every route it covers; without it, Flask's automatic OPTIONS answer has no CORS headers.",
		diag.Spring:     "Enable CORS where the preflight arrives: a CorsConfigurationSource bean (or WebMvcConfigurer.addCorsMappings) for {{origin}}, and http.cors(withDefaults()) in Spring Security so OPTIONS is answered before authorization.",
		diag.ASPNET:     "app.UseCors(\"web\") with a policy for {{origin}}, placed after UseRouting and before UseAuthorization; endpoints mapped with RequireCors need the middleware too.",
		diag.Kong:       "Add the route's OPTIONS method (or no methods restriction) and the cors plugin with preflight_continue=false, so Kong answers the preflight itself.",
		diag.Azure:      "Configure the platform's CORS (az functionapp cors add --allowed-origins {{origin}}); API Management: a <cors> policy with <allowed-methods> including {{method}}.",
		diag.GCP:        "Answer OPTIONS in the function/service with 204 and the Access-Control-Allow-* headers for {{origin}}; with IAM authentication, preflights are refused before the code runs (allow unauthenticated invocations or put a proxy in front).",
	},
	Check: func(p *diag.Pass) {
		blocked(p, func(i int, ex *evidence.Exchange) {
			st := ex.Result.PreflightStatus
			note := forceActualNote(ex)
			rec := recognised(ex)
			if rec != nil && rec.Kind != evidence.KindNoRoute {
				return // CD1035-CD1037 and the auth rules read the recognised answer
			}
			switch {
			case isMissingAuthToken(failedResponse(ex)):
				d := fmt.Sprintf("the preflight OPTIONS %s was answered %d \"Missing Authentication Token\": API Gateway has no OPTIONS method on this resource in the deployed stage: it was never added, or it was added (Enable CORS) but the API was not redeployed, or the path or stage name is wrong", ex.Result.URL, st) + note
				p.ReportFixText(i, loc(ex), diag.APIGwREST, apigwOptionsFix, d, exchangeEvidence(ex, "")...)
			case rec != nil:
				d := fmt.Sprintf("the preflight OPTIONS %s was answered %d by %s (%s): %s", ex.Result.URL, st, rec.Layer, rec.Marker, rec.Meaning) + note
				plat, fix := fixFor(p.Rule.Fix, fixPlatform(ex, rec))
				p.ReportFixText(i, loc(ex), plat, fix, d, exchangeEvidence(ex, "")...)
			case st == 404 || st == 405 || st == 501:
				p.Report(i, loc(ex), fmt.Sprintf("the preflight OPTIONS %s was answered %d: nothing on the server handles OPTIONS for this path, so the %s request is never sent", ex.Result.URL, st, ex.Result.Method)+note, exchangeEvidence(ex, "")...)
			case st >= 200 && st <= 299 && ex.Result.Error == cors.PreflightMissingAllowOriginHeader:
				p.Report(i, loc(ex), fmt.Sprintf("the preflight OPTIONS %s was answered %d without any CORS header: it reached the application (or a default handler) instead of the CORS handler", ex.Result.URL, st)+note, exchangeEvidence(ex, "")...)
			}
		}, cors.PreflightMissingAllowOriginHeader, cors.PreflightInvalidStatus)
	},
}

// apigwOptionsFix adds the OPTIONS method and, as often the missing
// step, redeploys: API Gateway serves the last deployment, not the
// current configuration.
const apigwOptionsFix = "Add an OPTIONS method with a MOCK integration to this resource (console: Resource > Enable CORS, which is per resource, not recursive), answering 200 with Access-Control-Allow-Origin '{{origin}}', -Methods '{{methods|csv}},OPTIONS' and -Headers '{{headers|csv}}' mapped in the integration response. Then deploy, which Enable CORS does not do: aws apigateway create-deployment --rest-api-id {{api_id}} --stage-name {{stage}} (console: Actions > Deploy API). CloudFormation: a new AWS::ApiGateway::Deployment (change its logical ID, or DependsOn the new methods) so the stage gets it; SAM/CDK (RestApi) redeploy on every template change to methods; Terraform: aws_api_gateway_deployment with triggers = { redeployment = sha1(jsonencode([...methods, integrations])) } and lifecycle { create_before_destroy = true }."
