package rules

import (
	"fmt"

	"github.com/corsdoctor/corsdoctor/diag"
)

// CD1051 fires when the HAR lacks the response that decided a failure.
var cd1051 = &diag.Rule{
	ID:       "CD1051",
	Needs:    diag.NeedsExchanges,
	Name:     "har-response-not-recorded",
	Severity: diag.Warning,
	Rank:     45,
	Since:    "0.1.0",
	Title:    "The browser failed the request but the HAR holds no response to judge",
	Doc: `Chrome records a request it blocked for CORS with _error "net::ERR_FAILED" and, in many
versions, status 0 and no response headers: the response existed, but DevTools did not
keep it. The HAR then proves that the request failed, not why. What can still be
concluded: when the preflight entry was recorded and passes, the preflight is not the
cause, so the actual response is (most often it lacks Access-Control-Allow-Origin, or it
is an error response without CORS headers); when a preflight was required but not
recorded, it was served from the preflight cache.

Before:  POST /orders  (failed) net::ERR_FAILED   status 0, no headers
After:   corsdoctor check (or curl -i with the same Origin and method) shows the response`,
	Fix: map[diag.Platform]string{
		diag.Generic: "Fetch the response the browser hid: corsdoctor check {{url}} --origin {{origin}} -X {{method}} (with the same headers), or curl -si -X {{method}} {{url}} -H 'Origin: {{origin}}'; or open the request in DevTools > Network with 'Preserve log' and read the Console's CORS message.",
	},
	Check: func(p *diag.Pass) {
		for i, ex := range p.Exchanges() {
			rec := ex.Recorded
			if rec == nil || !rec.ResponseMissing || ex.Err != "" || ex.Result.Blocked() {
				continue
			}
			d := fmt.Sprintf("%s %s failed in the browser", ex.Result.Method, ex.Request.URL)
			if rec.Error != "" {
				d += " (" + rec.Error + ")"
			}
			d += " but the HAR holds no response to it (status 0, no headers), so the cause cannot be read from the file"
			switch {
			case rec.PreflightEntry > 0 && ex.Result.PreflightSent:
				d += fmt.Sprintf("; the preflight (entry %d) passes, so the actual response is what failed: most likely it lacks Access-Control-Allow-Origin, or it is an error response without CORS headers", rec.PreflightEntry)
			case rec.PreflightMissing:
				d += "; a preflight was required but not recorded (it came from the preflight cache)"
			case !ex.Result.Plan.Required:
				d += "; no preflight was needed, so the actual response is what failed: most likely it lacks Access-Control-Allow-Origin"
			}
			p.Report(i, ex.Source, d)
		}
	},
}
