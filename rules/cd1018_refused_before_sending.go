package rules

import (
	"github.com/corsdoctor/corsdoctor/cors"
	"github.com/corsdoctor/corsdoctor/diag"
)

// CD1018 fires when the browser refuses the request before sending it.
var cd1018 = &diag.Rule{
	ID:       "CD1018",
	Needs:    diag.NeedsExchanges,
	Name:     "refused-before-sending",
	Severity: diag.Error,
	Rank:     1,
	Since:    "0.1.0",
	Title:    "The browser refuses the request before sending it",
	Doc: `Some failures happen in the page, before any request: a forbidden method
(CONNECT, TRACE, TRACK), a body on GET/HEAD, a URL with user:password, a scheme other
than http/https, a non-simple method in no-cors mode, or mixed content (an https page
calling an http API, except localhost). No server change can fix these; the page's code
must change.`,
	Fix: map[diag.Platform]string{
		diag.Generic: "Change the page's request: use https for APIs called from https pages, no body on GET/HEAD, no credentials in the URL, mode 'cors' for non-simple methods.",
	},
	Check: func(p *diag.Pass) {
		for i, ex := range p.Exchanges() {
			r := &ex.Result
			if r.Stage == cors.StageRequest && !r.Allowed {
				p.Report(i, loc(ex), r.Script)
			}
		}
	},
}
