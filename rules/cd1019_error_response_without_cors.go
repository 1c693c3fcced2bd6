package rules

import (
	"fmt"

	"github.com/corsdoctor/corsdoctor/cors"
	"github.com/corsdoctor/corsdoctor/diag"
	"github.com/corsdoctor/corsdoctor/evidence"
)

// CD1019 fires when the actual response is an error (4xx/5xx) without
// CORS headers: the error path skips CORS and hides the real status.
var cd1019 = &diag.Rule{
	ID:       "CD1019",
	Needs:    diag.NeedsExchanges,
	Name:     "error-response-without-cors",
	Severity: diag.Error,
	Rank:     9,
	Since:    "0.1.0",
	Title:    "An error response (4xx/5xx) has no CORS headers, so the real error is hidden behind a CORS message",
	Doc: `Browsers apply the CORS check to every response, whatever its status. Many
servers add CORS headers to successful responses only: an exception handler, a
framework's default 404/500 page, an API gateway's own error responses (missing route,
authorizer, throttling, integration timeout) answer without them. The page then sees a
CORS error and "TypeError: Failed to fetch" instead of the status that explains the
failure; curl and Postman show the real error.

Before:  HTTP/1.1 404 Not Found            (no Access-Control-Allow-Origin)
After:   HTTP/1.1 404 Not Found
         Access-Control-Allow-Origin: https://app.example.com
         Vary: Origin

Fix pattern: add CORS headers to all response types, including 4xx and 5xx. Then fix
the error itself, which the page can now read.`,
	Fix: map[diag.Platform]string{
		diag.Generic:    "Add the CORS headers to every response, errors included (apply CORS in the outermost layer, around error handling), then fix the error the status reports.",
		diag.APIGwREST:  "Add CORS headers to the gateway responses DEFAULT_4XX and DEFAULT_5XX: aws apigateway put-gateway-response --rest-api-id {{api_id}} --response-type DEFAULT_4XX --response-parameters file://cors.json with cors.json = {\"gatewayresponse.header.Access-Control-Allow-Origin\": \"'{{origin}}'\"} (CloudFormation: AWS::ApiGateway::GatewayResponse; SAM: GatewayResponses); proxy integrations must also return the headers from the backend's error paths; then redeploy the stage.",
		diag.APIGwHTTP:  "With a CorsConfiguration, API Gateway adds the headers to integration responses; make sure the backend error is returned through the integration (not a Lambda crash) and the route exists.",
		diag.LambdaPy:   "Wrap the handler: try: ... except Exception: return {'statusCode': 500, 'headers': cors_headers(event), 'body': ...} so every return path, errors included, carries the headers.",
		diag.LambdaNode: "Wrap the handler in try/catch and return { statusCode: 500, headers: corsHeaders(event), body } from the catch, so error paths carry the headers.",
		diag.FastAPI:    "Exceptions raised past the middleware stack (the 500 from ServerErrorMiddleware) skip CORSMiddleware: add an exception handler (@app.exception_handler(Exception)) returning a JSONResponse, so CORSMiddleware decorates it.",
		diag.Django:     "Keep 'corsheaders.middleware.CorsMiddleware' first in MIDDLEWARE so it also decorates responses built by error handlers; errors raised by a proxy or gunicorn in front need the headers there.",
		diag.Express:    "Register app.use(cors(opts)) before every router and the error handler, and make the error handler respond through res (not by crashing); a 404 fallthrough gets the headers when cors() runs first.",
		diag.GoPlatform: "Wrap the whole mux, including the NotFound and panic-recovery handlers, with the CORS middleware: http.ListenAndServe(addr, mw.Wrap(recoverer(mux))).",
		diag.Nginx:      "Use 'always' on every add_header: add_header Access-Control-Allow-Origin $cors_origin always; (without it nginx adds headers only to 2xx/3xx responses).",
		diag.CloudFront: "CloudFront custom error responses replace the origin's headers: attach a response headers policy with CORS (it applies to error responses too) or stop rewriting 4xx/5xx.",
	},
	Check: func(p *diag.Pass) {
		blocked(p, func(i int, ex *evidence.Exchange) {
			r := ex.Final()
			if r == nil || r.Status < 400 || ex.Result.Stage != cors.StageActual {
				return
			}
			if recognisedAs(ex, evidence.KindRefused, evidence.KindConfigError, evidence.KindTooLarge, evidence.KindNotConfigured) {
				return // CD1035-CD1038 read the recognised answer
			}
			d := fmt.Sprintf("the actual request got %s without Access-Control-Allow-Origin: the error path skips the CORS headers, so the page sees a CORS error instead of the %d", statusName(r.Status), r.Status)
			switch et := errorType(r); {
			case et == "MissingAuthenticationTokenException":
				d += "; API Gateway answered \"Missing Authentication Token\": the method or resource does not exist in the deployed stage (wrong path or stage name, or the API was not redeployed)"
			case r.Status == 404:
				d += "; check the URL: the path does not exist on this server"
			case et != "":
				d += fmt.Sprintf(" (API Gateway error type %s)", et)
			}
			p.Report(i, loc(ex), d, statusEvidence(r, "response")...)
		}, cors.MissingAllowOriginHeader)
	},
}
