package rules

import (
	"fmt"

	"github.com/corsdoctor/corsdoctor/diag"
	"github.com/corsdoctor/corsdoctor/evidence"
)

// CD1031 fires when the request is throttled (429) and the throttling
// response has no CORS headers.
var cd1031 = &diag.Rule{
	ID:       "CD1031",
	Needs:    diag.NeedsExchanges,
	Name:     "throttled-not-cors",
	Severity: diag.Error,
	Rank:     8,
	Since:    "0.1.0",
	Title:    "Not a CORS problem: the request was throttled (429) and the rejection has no CORS headers",
	Doc: `The server or gateway rejected the request with 429 Too Many Requests (rate
limit, usage plan quota, WAF rate rule). Throttling layers answer before the application,
without CORS headers, so the browser reports a CORS error, and only under load, which
makes it look intermittent.`,
	Fix: map[diag.Platform]string{
		diag.Generic:   "Reduce the request rate or raise the limit; add CORS headers to 429 responses so the page can read Retry-After and back off.",
		diag.APIGwREST: "Raise the stage/method throttling or the usage plan quota; add CORS headers to the THROTTLED and QUOTA_EXCEEDED (or DEFAULT_4XX) gateway responses and redeploy.",
	},
	Check: func(p *diag.Pass) {
		for i, ex := range p.Exchanges() {
			if !blockedOnActual(ex) {
				continue
			}
			r := ex.Final()
			if r == nil || !throttled(r) {
				continue
			}
			d := fmt.Sprintf("the request was throttled: %s without CORS headers", statusName(r.Status))
			if ra := header(r, "retry-after"); ra != "" {
				d += fmt.Sprintf(" (Retry-After: %s)", ra)
			}
			p.Report(i, loc(ex), d, statusEvidence(r, "response")...)
		}
	},
}

func throttled(r *evidence.Response) bool {
	switch errorType(r) {
	case "TooManyRequestsException", "ThrottlingException", "LimitExceededException":
		return true
	}
	return r.Status == 429
}
