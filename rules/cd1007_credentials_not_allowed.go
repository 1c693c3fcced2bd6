package rules

import (
	"fmt"

	"github.com/corsdoctor/corsdoctor/cors"
	"github.com/corsdoctor/corsdoctor/diag"
	"github.com/corsdoctor/corsdoctor/evidence"
)

// CD1007 fires when a credentialed request lacks Access-Control-Allow-Credentials: true.
var cd1007 = &diag.Rule{
	ID:       "CD1007",
	Needs:    diag.NeedsExchanges,
	Name:     "credentials-not-allowed",
	Severity: diag.Error,
	Rank:     31,
	Since:    "0.1.0",
	Title:    "Credentialed request without Access-Control-Allow-Credentials: true",
	Doc: `A request with credentials: 'include' (or withCredentials) is only shared when the
response, and the preflight response, carry Access-Control-Allow-Credentials: true exactly
(lower case; "True" fails). Missing it on the OPTIONS response is common because the
preflight handler is configured separately.

See https://fetch.spec.whatwg.org/#http-access-control-allow-credentials`,
	Fix: map[diag.Platform]string{
		diag.Generic:    "Add Access-Control-Allow-Credentials: true (exactly, lower case) to the preflight and actual responses, with a specific Access-Control-Allow-Origin.",
		diag.LambdaURL:  "Function URL CORS: set AllowCredentials: aws lambda update-function-url-config --function-name FN --cors '{\"AllowOrigins\":[\"{{origin}}\"],\"AllowCredentials\":true}'",
		diag.GoPlatform: "rs/cors: AllowCredentials: true; jub0bs/cors: Credentialed: true.",
		diag.Nginx:      "add_header Access-Control-Allow-Credentials true always;  (on the OPTIONS answer and the actual responses)",
		diag.APIGwREST:  "Add method.response.header.Access-Control-Allow-Credentials = \"'true'\" to the OPTIONS integration response and to every method's integration responses (declare it in the method responses too); redeploy.",
		diag.APIGwHTTP:  "aws apigatewayv2 update-api --api-id {{api_id}} --cors-configuration AllowCredentials=true,AllowOrigins={{origin}}",
		diag.FastAPI:    "CORSMiddleware(..., allow_credentials=True)",
		diag.Django:     "CORS_ALLOW_CREDENTIALS = True",
		diag.Express:    "cors({ origin: [...], credentials: true })",
	},
	Check: func(p *diag.Pass) {
		blocked(p, func(i int, ex *evidence.Exchange) {
			where := "response"
			if ex.Result.Stage == cors.StagePreflight {
				where = "preflight response"
			}
			got := ex.Result.FailedParameter
			d := fmt.Sprintf("the request includes credentials but the %s has no Access-Control-Allow-Credentials header", where)
			if got != "" {
				d = fmt.Sprintf("the request includes credentials but the %s says Access-Control-Allow-Credentials: %q; only the exact value \"true\" is accepted", where, got)
			}
			p.Report(i, loc(ex), d, exchangeEvidence(ex, cors.HeaderAllowCredentials)...)
		}, cors.InvalidAllowCredentials, cors.PreflightInvalidAllowCredentials)
	},
}
