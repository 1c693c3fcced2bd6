package rules

import (
	"fmt"

	"github.com/corsdoctor/corsdoctor/diag"
)

// CD1050 fires when a recorded response came from a service worker.
var cd1050 = &diag.Rule{
	ID:       "CD1050",
	Needs:    diag.NeedsExchanges,
	Name:     "har-service-worker",
	Severity: diag.Warning,
	Rank:     35,
	Since:    "0.1.0",
	Title:    "The response came from a service worker, not straight from the server",
	Doc: `When a page has a service worker, its fetch handler answers the page's requests: from
its cache, by calling fetch() itself, or by building a response. What DevTools records
for the page is then the service worker's answer. A service worker can make a request
look like a CORS failure (it returns an opaque no-cors response to a cors request, which
is a network error for the page; it serves a response cached for another origin; its own
fetch() to the API is blocked), and it can hide one (a cached response that passed).

Chrome marks these entries with response._fetchedViaServiceWorker (and
_serviceWorkerResponseSource); DevTools shows "(ServiceWorker)" in the Size column.

Before:  debugging the server while a stale service worker answers from its cache
After:   DevTools > Application > Service workers > "Bypass for network" (or unregister it),
         reproduce, and record the HAR again

See https://developer.chrome.com/docs/devtools/progressive-web-apps#network-requests`,
	Fix: map[diag.Platform]string{
		diag.Generic: "Reproduce with the service worker bypassed (DevTools > Application > Service workers > Bypass for network) to see the server's own answer; in the worker, fetch cross-origin API requests with mode 'cors' (never 'no-cors') and do not cache responses that vary by Origin without keying the cache on it.",
	},
	Check: func(p *diag.Pass) {
		for i, ex := range p.Exchanges() {
			rec := ex.Recorded
			if rec == nil || rec.ServiceWorker == "" {
				continue
			}
			verdict := "the page got it"
			if ex.Result.Blocked() {
				verdict = "the page was refused it"
			}
			d := fmt.Sprintf("the response to %s %s was produced by the page's service worker (%s) and %s; the recorded headers are the worker's answer, which may come from its cache rather than from the server",
				ex.Result.Method, ex.Request.URL, rec.ServiceWorker, verdict)
			p.Report(i, ex.Source, d)
		}
	},
}
