package rules

import (
	"github.com/corsdoctor/corsdoctor/cors"
	"github.com/corsdoctor/corsdoctor/diag"
)

// CD1032 fires when a cross-origin redirect made the browser drop the
// Authorization header.
var cd1032 = &diag.Rule{
	ID:       "CD1032",
	Needs:    diag.NeedsExchanges,
	Name:     "authorization-dropped-on-redirect",
	Severity: diag.Warning,
	Rank:     48,
	Since:    "0.1.0",
	Title:    "A cross-origin redirect removed the Authorization header",
	Doc: `Browsers remove Authorization when a redirect leads to another origin (Fetch
§ HTTP-redirect fetch, step 13). A typical cause is an http→https or a missing-trailing-
slash redirect that also changes host (api.example.com → www.example.com), or a redirect
to a storage URL; the API behind it then answers 401 to a request that looked
authenticated in the page's code.`,
	Fix: map[diag.Platform]string{
		diag.Generic: "Call the final URL directly (the right scheme, host and trailing slash), so no redirect is needed.",
	},
	Check: func(p *diag.Pass) {
		for i, ex := range p.Exchanges() {
			for _, w := range ex.Result.Warnings {
				if w.Code == cors.WarnAuthorizationDropped {
					p.Report(i, loc(ex), w.Message+"; the server after the redirect sees an unauthenticated request", exchangeEvidence(ex, "")...)
				}
			}
		}
	},
}
