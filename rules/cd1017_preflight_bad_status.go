package rules

import (
	"fmt"

	"github.com/corsdoctor/corsdoctor/cors"
	"github.com/corsdoctor/corsdoctor/diag"
	"github.com/corsdoctor/corsdoctor/evidence"
)

// CD1017 fires when the preflight fails with a status that is neither
// "not handled" (CD1002) nor authentication (CD1003).
var cd1017 = &diag.Rule{
	ID:       "CD1017",
	Needs:    diag.NeedsExchanges,
	Name:     "preflight-error-status",
	Severity: diag.Error,
	Rank:     26,
	Since:    "0.1.0",
	Title:    "The OPTIONS preflight fails with an error status",
	Doc: `A preflight needs a 2xx status. A 5xx (a crashing OPTIONS handler, API Gateway's
500 "Unable to transform request" when binaryMediaTypes */* breaks the MOCK OPTIONS
integration, a 502/504 from the backend), a 400 from request validation, a 429 from
throttling or a 3xx without Location all fail it. When the error response also lacks
Access-Control-Allow-Origin, Chromium names the missing header instead of the status.

Before:  OPTIONS /items -> 500 Internal Server Error
After:   OPTIONS /items -> 204 No Content`,
	Fix: map[diag.Platform]string{
		diag.Generic:   "Make OPTIONS return 204 (or 200) with the CORS headers without running application code that can fail.",
		diag.LambdaURL: "The function URL's CORS configuration answers preflights without calling the function: configure it (--cors '{\"AllowOrigins\":[\"{{origin}}\"],\"AllowMethods\":[{{methods|qq}}],\"AllowHeaders\":[{{headers|qq}}]}') instead of handling OPTIONS in code.",
		diag.APIGwREST: "Make the OPTIONS MOCK integration robust: requestTemplates application/json '{\"statusCode\": 200}', passthroughBehavior NEVER (or WHEN_NO_TEMPLATES) and contentHandling CONVERT_TO_TEXT when binaryMediaTypes contains */*; redeploy.",
	},
	Check: func(p *diag.Pass) {
		blocked(p, func(i int, ex *evidence.Exchange) {
			st := ex.Result.PreflightStatus
			r := failedResponse(ex)
			rec := recognised(ex)
			switch {
			case st >= 200 && st <= 299, st == 401, st == 403, st == 404, st == 405, st == 501:
				return
			case rec != nil && (rec.Kind == evidence.KindRefused || rec.Kind == evidence.KindConfigError || rec.Kind == evidence.KindNotConfigured):
				return // CD1035-CD1037: the CORS layer's own answer
			case ex.Result.Error == cors.PreflightDisallowedRedirect:
				return
			}
			d := fmt.Sprintf("the preflight OPTIONS %s was answered %d; a preflight needs a 2xx status", ex.Result.URL, st)
			if et := header(r, "x-amzn-errortype"); et != "" {
				d += fmt.Sprintf(" (API Gateway error type %s)", et)
			}
			if st == 429 {
				d += "; the request was throttled: this is not a CORS configuration problem"
			}
			if rec != nil && rec.ID == "apigw-integration-failure" {
				d += "; the OPTIONS request reached a Lambda proxy integration (an ANY method, or OPTIONS wired to the function), and " + rec.Meaning
				d += forceActualNote(ex)
				p.ReportFixText(i, loc(ex), diag.APIGwREST, apigwLambdaOptionsFix, d, statusEvidence(failedResponse(ex), hopKind(ex, true))...)
				return
			}
			if rec != nil {
				d += fmt.Sprintf("; %s answered (%s): %s", rec.Layer, rec.Marker, rec.Meaning)
			}
			d += forceActualNote(ex)
			p.Report(i, loc(ex), d, statusEvidence(failedResponse(ex), hopKind(ex, true))...)
		}, cors.PreflightInvalidStatus, cors.PreflightMissingAllowOriginHeader)
	},
}

// apigwLambdaOptionsFix is for a preflight that reaches a Lambda proxy
// integration and fails there (502): the MOCK OPTIONS recipe does not
// apply while the function answers OPTIONS.
const apigwLambdaOptionsFix = "The preflight is proxied to the Lambda function, which fails on it: make the function answer OPTIONS first, before any parsing or authentication: if event['httpMethod'] == 'OPTIONS': return {'statusCode': 204, 'headers': {'Access-Control-Allow-Origin': '{{origin}}', 'Access-Control-Allow-Methods': '{{methods|csv}}', 'Access-Control-Allow-Headers': '{{headers|csv}}'}, 'body': ''} (every proxy response needs statusCode, headers and a string body; check CloudWatch Logs for the crash). Or give the resource its own OPTIONS method with a MOCK integration (Enable CORS) so the function never sees preflights; then redeploy: aws apigateway create-deployment --rest-api-id {{api_id}} --stage-name {{stage}}."
