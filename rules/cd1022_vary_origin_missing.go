package rules

import (
	"fmt"
	"strings"

	"github.com/corsdoctor/corsdoctor/cors"
	"github.com/corsdoctor/corsdoctor/diag"
	"github.com/corsdoctor/corsdoctor/evidence"
)

// CD1022 fires when a response echoes the request's origin in
// Access-Control-Allow-Origin without Vary: Origin.
var cd1022 = &diag.Rule{
	ID:       "CD1022",
	Needs:    diag.NeedsExchanges,
	Name:     "vary-origin-missing",
	Severity: diag.Warning,
	Rank:     55,
	Since:    "0.1.0",
	Title:    "Access-Control-Allow-Origin names the request's origin but Vary: Origin is missing",
	Doc: `A server that picks Access-Control-Allow-Origin per request (from an
allowlist, or by echoing the Origin header) must say so with Vary: Origin. Without it,
the browser's HTTP cache, a CDN or a proxy may store the response made for one origin
and serve it to another: the second origin then sees "The 'Access-Control-Allow-Origin'
header has a value 'https://a.example' that is not equal to the supplied origin", and
only sometimes (expressjs/cors#106, rs/cors#10, samvera/serverless-iiif#111).

Before:  Access-Control-Allow-Origin: https://app.example.com
After:   Access-Control-Allow-Origin: https://app.example.com
         Vary: Origin`,
	Fix: map[diag.Platform]string{
		diag.Generic:    "Send Vary: Origin on every response whose Access-Control-Allow-Origin depends on the request's Origin (and on responses without it, for requests that could get it).",
		diag.APIGwREST:  "Proxy integration: return 'Vary': 'Origin' from the backend next to Access-Control-Allow-Origin; non-proxy: add method.response.header.Vary = \"'Origin'\" to the integration responses; redeploy.",
		diag.LambdaPy:   "Add 'Vary': 'Origin' to the headers returned with Access-Control-Allow-Origin.",
		diag.LambdaNode: "Add Vary: 'Origin' to the headers returned with Access-Control-Allow-Origin.",
		diag.Express:    "The cors package adds Vary: Origin for dynamic origins; a hand-written res.set('Access-Control-Allow-Origin', req.headers.origin) needs res.vary('Origin').",
		diag.Nginx:      "add_header Vary Origin always; next to add_header Access-Control-Allow-Origin $cors_origin always;",
		diag.CloudFront: "Include the Origin header in the cache key (cache policy) so each origin gets its own cached copy, or let a response headers policy set CORS.",
	},
	Check: func(p *diag.Pass) {
		for i, ex := range p.Exchanges() {
			if ex.Err != "" || ex.Result.Tainted {
				continue
			}
			r := ex.Final()
			if r == nil {
				continue
			}
			acao := header(r, cors.HeaderAllowOrigin)
			if acao == "" || acao == "*" || acao != ex.Request.Origin || varies(r, "Origin") {
				continue
			}
			if constantACAO(p.Exchanges(), ex, acao) {
				continue
			}
			d := fmt.Sprintf("the %d response answers Access-Control-Allow-Origin: %s, the request's own origin, without Vary: Origin; if the server picks this value per request (an allowlist or reflection), a cache can serve it to another origin, which is then blocked", r.Status, acao)
			if cs := cacheSignals(r); len(cs) > 0 {
				d += "; this response passed through a cache (" + strings.Join(cs, "; ") + ")"
			}
			p.Report(i, loc(ex), d, corsLines(r, "response", cors.HeaderVary)...)
		}
	},
}

// constantACAO reports whether another exchange to the same URL, from
// another origin, got the same Access-Control-Allow-Origin: the value is
// fixed, not chosen per request, and needs no Vary.
func constantACAO(exs []*evidence.Exchange, ex *evidence.Exchange, acao string) bool {
	for _, o := range exs {
		if o != ex && o.Err == "" && o.Request.URL == ex.Request.URL && o.Request.Origin != ex.Request.Origin &&
			header(o.Final(), cors.HeaderAllowOrigin) == acao {
			return true
		}
	}
	return false
}
