package rules

import (
	"github.com/corsdoctor/corsdoctor/cors"
	"github.com/corsdoctor/corsdoctor/diag"
)

// CD1016 notes headers the page cannot set.
var cd1016 = &diag.Rule{
	ID:       "CD1016",
	Needs:    diag.NeedsExchanges,
	Name:     "forbidden-request-header",
	Severity: diag.Info,
	Rank:     95,
	Since:    "0.1.0",
	Title:    "The page sets a header the browser drops",
	Doc: `Some request headers are controlled by the browser only (Origin, Cookie, Host,
Referer, Content-Length, Sec-*, Proxy-*, ...): fetch() and XMLHttpRequest drop them
silently. A request that "works in curl" with such a header behaves differently in the
browser. Cookies are sent with credentials: 'include', not by setting Cookie.

See https://fetch.spec.whatwg.org/#forbidden-request-header`,
	Fix: map[diag.Platform]string{
		diag.Generic: "Remove the header from the page's request; use credentials: 'include' for cookies and a custom header (listed in Access-Control-Allow-Headers) for other data.",
	},
	Check: func(p *diag.Pass) {
		for i, ex := range p.Exchanges() {
			for _, w := range ex.Result.Warnings {
				if w.Code == cors.WarnForbiddenHeader {
					p.Report(i, loc(ex), w.Message)
				}
			}
		}
	},
}
