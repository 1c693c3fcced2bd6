package rules

import (
	"github.com/corsdoctor/corsdoctor/cors"
	"github.com/corsdoctor/corsdoctor/diag"
)

// CD1033 fires for mode: 'no-cors' requests: the page gets an opaque
// response it cannot read.
var cd1033 = &diag.Rule{
	ID:       "CD1033",
	Needs:    diag.NeedsExchanges,
	Name:     "opaque-no-cors",
	Severity: diag.Warning,
	Rank:     30,
	Since:    "0.1.0",
	Title:    "mode: 'no-cors' gives an opaque response the page cannot read",
	Doc: `fetch(url, {mode: 'no-cors'}) is often added to "silence" a CORS error. The
request is sent, but the response is opaque: status 0, no headers, an empty body, and
custom headers such as Content-Type: application/json are not allowed. It never fixes a
CORS problem; it only hides it.`,
	Fix: map[diag.Platform]string{
		diag.Generic: "Remove mode: 'no-cors' from the fetch call: it cannot make a response readable. Then fix the server's CORS headers for {{origin}} (corsdoctor check {{url}} --origin {{origin}} shows what the server answers), or call the API from your own server when you do not control it.",
	},
	Check: func(p *diag.Pass) {
		for i, ex := range p.Exchanges() {
			for _, w := range ex.Result.Warnings {
				if w.Code == cors.WarnOpaqueResponse {
					p.Report(i, loc(ex), w.Message)
				}
			}
		}
	},
}
