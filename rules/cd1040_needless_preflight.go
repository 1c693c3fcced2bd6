package rules

import (
	"fmt"
	"strings"

	"github.com/corsdoctor/corsdoctor/cors"
	"github.com/corsdoctor/corsdoctor/diag"
)

// clientDefaultHeaders are request headers HTTP clients and interceptors
// add by default or by habit, which make a request non-simple (the
// browser preflights it) without the API needing them.
var clientDefaultHeaders = map[string]string{
	"x-requested-with": "added by jQuery/AngularJS-era defaults and some axios setups",
	"cache-control":    "added to defeat caching (axios defaults, interceptors)",
	"pragma":           "added to defeat caching (axios defaults, interceptors)",
	"expires":          "added to defeat caching (axios defaults, interceptors)",
}

// CD1040 fires when a failing preflight is only needed because of
// headers the request does not need: Content-Type on a body-less GET, or
// a client's default headers.
var cd1040 = &diag.Rule{
	ID:       "CD1040",
	Needs:    diag.NeedsExchanges,
	Name:     "needless-preflight-header",
	Severity: diag.Error,
	Rank:     1,
	Since:    "0.2.0",
	Title:    "The preflight only happens because the request sends a header it does not need",
	Doc: `A GET without a body needs no Content-Type, and Content-Type: application/json on it
makes the request non-simple: the browser sends a preflight the server may not answer.
HTTP clients add headers the same way: X-Requested-With, Cache-Control, Pragma, Expires
from axios defaults, jQuery/AngularJS habits or a global interceptor that adds headers
meant for your own API to every request, third-party APIs included. When the request
would be CORS-simple without them, removing them from the client removes the preflight
and the failure; allowing them on the server (Access-Control-Allow-Headers) is the other
way, when you own the server and the header is needed.

Before:  axios.get(url, { headers: { 'Content-Type': 'application/json' } })
After:   axios.get(url)`,
	Fix: map[diag.Platform]string{
		diag.Generic: "Stop sending {{headers}} on this request in the page's code: no Content-Type on a request without a body; remove client defaults (delete axios.defaults.headers.common['X-Requested-With'], scope interceptors to your own API's base URL). If the API really needs the header, allow it on the server instead (Access-Control-Allow-Headers: {{headers}}).",
	},
	Check: func(p *diag.Pass) {
		for i, ex := range p.Exchanges() {
			if ex.Err != "" || !ex.Result.Blocked() || !ex.Result.Plan.Required {
				continue
			}
			var names, whys []string
			bodyless := ex.Request.Body == "" || ex.Request.Body == cors.BodyNone
			for _, h := range ex.Request.Headers {
				n := strings.ToLower(h.Name)
				switch {
				case n == "content-type" && bodyless && (ex.Result.Method == "GET" || ex.Result.Method == "HEAD"):
					names = append(names, h.Name)
					whys = append(whys, fmt.Sprintf("Content-Type on a %s without a body", ex.Result.Method))
				case clientDefaultHeaders[n] != "":
					names = append(names, h.Name)
					whys = append(whys, h.Name+" ("+clientDefaultHeaders[n]+")")
				}
			}
			if len(names) == 0 {
				continue
			}
			related, why := causedBy(ex, names)
			if !related {
				continue
			}
			d := fmt.Sprintf("the request sends %s: %s", strings.Join(whys, ", "), why)
			p.Report(i, loc(ex), d, exchangeEvidence(ex, "")...)
		}
	},
}
