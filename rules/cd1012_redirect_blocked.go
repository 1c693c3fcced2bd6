package rules

import (
	"fmt"
	"strings"

	"github.com/corsdoctor/corsdoctor/cors"
	"github.com/corsdoctor/corsdoctor/diag"
)

// CD1012 fires when a redirect of the actual request breaks CORS.
var cd1012 = &diag.Rule{
	ID:       "CD1012",
	Needs:    diag.NeedsExchanges,
	Name:     "redirect-breaks-cors",
	Severity: diag.Error,
	Rank:     46,
	Since:    "0.1.0",
	Title:    "A redirect of the request breaks CORS",
	Doc: `Redirects change what the browser checks. After a cross-origin redirect the
browser sends Origin: null, so the final response must allow "null" or "*" (and never
with credentials); every redirect response is itself CORS-checked; a Location with a user
name or password is refused; more than 20 redirects fail; redirects to non-http schemes
fail. Authorization is dropped when the redirect crosses origins.

Fix pattern: call the final URL directly.`,
	Fix: map[diag.Platform]string{
		diag.Generic: "Call the final URL directly so no redirect happens; if a redirect is required, keep it on the same origin and put CORS headers on the redirect response too.",
	},
	Check: func(p *diag.Pass) {
		for i, ex := range p.Exchanges() {
			r := &ex.Result
			if !r.Blocked() || ex.Err != "" {
				continue
			}
			var d string
			switch {
			case r.Stage == cors.StageRedirect && r.Error == cors.RedirectContainsCredentials:
				d = "a redirect points at a URL with a user name or password, which browsers refuse for cross-origin requests"
			case r.Stage == cors.StageRedirect && strings.HasPrefix(r.Script, "Mixed Content"):
				d = fmt.Sprintf("the https page's request was redirected to %s, an http URL: Chromium blocks it as mixed content (%s); typically a proxy or framework builds the Location from the backend's http scheme (trailing-slash redirects behind a TLS-terminating proxy)", r.URL, r.NetError)
			case r.Stage == cors.StageRedirect && r.NetError != "":
				d = fmt.Sprintf("following the redirects failed with %s", r.NetError)
			case r.Stage == cors.StageRedirect && r.Error == cors.CorsDisabledScheme:
				d = "a redirect leads to a URL whose scheme does not support CORS"
			case r.Stage == cors.StageRedirect:
				rr := failedResponse(ex)
				d = fmt.Sprintf("the redirect response itself fails the CORS check (%s): redirect responses need Access-Control-Allow-Origin too", r.Error)
				if rr != nil {
					d = fmt.Sprintf("the %s redirect from %s (Location: %s) fails the CORS check (%s): a redirect response needs Access-Control-Allow-Origin too, and the browser never reaches the next hop", statusName(rr.Status), r.URL, header(rr, "location"), r.Error)
					if got := r.FailedParameter; got != "" && r.Error != cors.MissingAllowOriginHeader {
						if parts := OriginDiff(r.Origin, got); len(parts) > 0 {
							d += ": " + strings.Join(parts, "; ")
						}
					}
				}
			case len(r.Redirects) > 0 && r.Tainted:
				d = fmt.Sprintf("after the redirects %s the browser sent Origin: null (the request crossed origins), and the final response does not allow it", strings.Join(r.Redirects, " -> "))
			default:
				continue
			}
			p.Report(i, loc(ex), d, exchangeEvidence(ex, "")...)
		}
	},
}
