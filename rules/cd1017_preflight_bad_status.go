package rules

import (
	"fmt"

	"github.com/corsdoctor/corsdoctor/cors"
	"github.com/corsdoctor/corsdoctor/diag"
	"github.com/corsdoctor/corsdoctor/evidence"
)

// CD1017 fires when the preflight fails with a status that is neither
// "not handled" (CD1002) nor authentication (CD1003).
var CD1017 = register(&diag.Rule{
	ID:       "CD1017",
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
		diag.APIGwREST: "Make the OPTIONS MOCK integration robust: requestTemplates application/json '{\"statusCode\": 200}', passthroughBehavior NEVER (or WHEN_NO_TEMPLATES) and contentHandling CONVERT_TO_TEXT when binaryMediaTypes contains */*; redeploy.",
	},
	Check: func(p *diag.Pass) {
		blocked(p, func(i int, ex *evidence.Exchange) {
			st := ex.Result.PreflightStatus
			r := failedResponse(ex)
			switch {
			case st >= 200 && st <= 299, st == 401, st == 403, st == 404, st == 405, st == 501:
				return
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
			d += forceActualNote(ex)
			p.Report(i, loc(ex), d, exchangeEvidence(ex, "")...)
		}, cors.PreflightInvalidStatus, cors.PreflightMissingAllowOriginHeader)
	},
})
