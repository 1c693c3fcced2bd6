package rules

import (
	"fmt"
	"net/url"

	"github.com/corsdoctor/corsdoctor/cors"
	"github.com/corsdoctor/corsdoctor/diag"
)

// CD1052 fires when an exchange passes without credentials but would be
// blocked with them.
var cd1052 = &diag.Rule{
	ID:       "CD1052",
	Needs:    diag.NeedsExchanges,
	Name:     "breaks-with-credentials",
	Severity: diag.Warning,
	Rank:     50,
	Since:    "0.1.0",
	Title:    "Passes today, but is blocked as soon as the page sends credentials",
	Doc: `A response that works for fetch(url) stops working for fetch(url, {credentials: 'include'})
or xhr.withCredentials = true (cookies, HTTP authentication) unless it has
Access-Control-Allow-Credentials: true and names the origin exactly (not "*"). Adding
login to a page that worked is the classic moment this breaks.

corsdoctor re-evaluates the recorded responses with credentials included.

Before:  Access-Control-Allow-Origin: *
After:   Access-Control-Allow-Origin: https://app.example.com
         Access-Control-Allow-Credentials: true
         Vary: Origin`,
	Fix: map[diag.Platform]string{
		diag.Generic:   "If the page will send cookies or HTTP authentication, return the exact origin (from an allowlist) in Access-Control-Allow-Origin, Access-Control-Allow-Credentials: true and Vary: Origin, on the preflight and the actual response.",
		diag.APIGwHTTP: "aws apigatewayv2 update-api --api-id {{api_id}} --cors-configuration AllowOrigins={{origin}},AllowCredentials=true (AllowOrigins cannot be * with credentials)",
		diag.APIGwREST: "Map Access-Control-Allow-Origin to the exact origin and add Access-Control-Allow-Credentials 'true' on the OPTIONS integration response and on every method's responses (or return them from the Lambda), then redeploy.",
	},
	Check: func(p *diag.Pass) {
		// Warn only where credentials are plausible: the server already
		// sends Access-Control-Allow-Credentials, or the page sends
		// credentials to the same server elsewhere in the recording.
		credHosts := map[string]bool{}
		for _, ex := range p.Exchanges() {
			if ex.Request.Credentials == cors.CredentialsInclude {
				credHosts[hostOf(ex.Request.URL)] = true
			}
		}
		for i, ex := range p.Exchanges() {
			if !ex.Result.Allowed || ex.Recorded == nil {
				continue
			}
			if !credHosts[hostOf(ex.Request.URL)] && header(ex.Final(), "Access-Control-Allow-Credentials") == "" {
				continue
			}
			for _, pr := range ex.Probes {
				if pr.Purpose != "with-credentials" || pr.Result.Allowed {
					continue
				}
				d := fmt.Sprintf("%s %s passes without credentials, but with credentials: 'include' the browser blocks it (%s)", ex.Result.Method, ex.Request.URL, pr.Result.Error)
				if msg := pr.Result.ConsoleMessage(); msg != "" {
					d += ": " + msg
				}
				p.Report(i, ex.Source, d)
			}
		}
	},
}

func hostOf(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return ""
	}
	return u.Host
}
