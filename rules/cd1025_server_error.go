package rules

import (
	"fmt"
	"strings"

	"github.com/corsdoctor/corsdoctor/cors"
	"github.com/corsdoctor/corsdoctor/diag"
	"github.com/corsdoctor/corsdoctor/evidence"
)

// CD1025 fires when the actual request fails with a 5xx without CORS
// headers: a server or gateway error shown as a CORS error.
var cd1025 = &diag.Rule{
	ID:       "CD1025",
	Needs:    diag.NeedsExchanges,
	Name:     "server-error-not-cors",
	Severity: diag.Error,
	Rank:     8,
	Since:    "0.1.0",
	Title:    "Not a CORS problem: the server failed (5xx) and its error response has no CORS headers",
	Doc: `The request reached the server, which failed: an unhandled exception, a crashed
or timed-out backend, a malformed Lambda proxy response. The 5xx comes from a layer that
does not add CORS headers (the framework's last-resort error handler, API Gateway's
integration errors: 504 "Endpoint request timed out" after 29 s, 502 "Internal server
error" for a malformed Lambda response), so the browser reports CORS and hides the
status. Look at the server logs for the real failure.

Fix both: the server error, and CORS headers on 5xx responses.`,
	Fix: map[diag.Platform]string{
		diag.Generic:    "Find the failure in the server logs (the status is real, CORS is the messenger); then make 5xx responses carry CORS headers so the page can see them.",
		diag.APIGwREST:  "504 INTEGRATION_TIMEOUT: the backend took longer than the 29 s integration timeout; 502: the Lambda proxy response is malformed (statusCode, headers, body as a string) or the function crashed: check CloudWatch Logs. Add CORS headers to the DEFAULT_5XX gateway response (aws apigateway put-gateway-response --response-type DEFAULT_5XX --response-parameters file://cors.json) and redeploy.",
		diag.APIGwHTTP:  "Check the integration (Lambda errors, timeouts up to 30 s) in CloudWatch; HTTP APIs with a CorsConfiguration add headers to integration responses but not to every API Gateway error.",
		diag.LambdaPy:   "Catch exceptions in the handler and return {'statusCode': 500, 'headers': cors_headers, 'body': json.dumps({...})}; an uncaught exception becomes a 502 without headers.",
		diag.LambdaNode: "Catch errors in the handler and return { statusCode: 500, headers: corsHeaders, body: JSON.stringify({...}) }; a thrown error becomes a 502 without headers.",
		diag.FastAPI:    "Unhandled exceptions reach ServerErrorMiddleware outside CORSMiddleware (fastapi/fastapi#775): add @app.exception_handler(Exception) returning a JSONResponse(status_code=500) so the 500 is decorated.",
		diag.Express:    "Add an error-handling middleware (err, req, res, next) after the routers that responds with res.status(500).json(...); cors() registered first then decorates it.",
		diag.Nginx:      "502/504 come from nginx itself when the upstream fails: add_header ... always so they carry the headers, and check the upstream.",
	},
	Check: func(p *diag.Pass) {
		for i, ex := range p.Exchanges() {
			if !blockedOnActual(ex) {
				continue
			}
			// Only a response without Access-Control-Allow-Origin is "an
			// error response without CORS headers"; one whose CORS headers
			// fail (another origin, * with credentials) is CD1004/CD1006's.
			r := ex.Final()
			if r == nil || ex.Result.Error != cors.MissingAllowOriginHeader || r.Status < 500 || recognisedAs(ex, evidence.KindRefused, evidence.KindConfigError) {
				continue
			}
			d := fmt.Sprintf("the server failed with %s; the error response has no CORS headers, so the browser shows a CORS error instead of the %d", statusName(r.Status), r.Status)
			b := strings.ToLower(bodySnippet(r))
			switch {
			case r.Status == 504 && (strings.Contains(b, "timed out") || errorType(r) != ""):
				d += "; API Gateway's integration timed out (29 s limit): the backend is too slow"
			case r.Status == 502 && errorType(r) != "":
				d += "; API Gateway got an invalid response from the integration (malformed Lambda proxy response or a crashed function)"
			case r.Status == 502 || r.Status == 503 || r.Status == 504:
				d += "; a proxy or gateway could not get an answer from the application"
			}
			if rec := recognised(ex); rec != nil && rec.Kind == evidence.KindServerError {
				d += fmt.Sprintf("; %s answered (%s): %s", rec.Layer, rec.Marker, rec.Meaning)
			}
			p.Report(i, loc(ex), d, statusEvidence(r, "response")...)
		}
	},
}
