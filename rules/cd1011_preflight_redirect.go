package rules

import (
	"fmt"

	"github.com/corsdoctor/corsdoctor/cors"
	"github.com/corsdoctor/corsdoctor/diag"
	"github.com/corsdoctor/corsdoctor/evidence"
)

// CD1011 fires when the preflight is answered with a redirect.
var cd1011 = &diag.Rule{
	ID:       "CD1011",
	Needs:    diag.NeedsExchanges,
	Name:     "preflight-redirect",
	Severity: diag.Error,
	Rank:     45,
	Since:    "0.1.0",
	Title:    "The preflight is redirected",
	Doc: `Browsers never follow a redirect in answer to a preflight. Typical causes: a
missing or extra trailing slash (Django APPEND_SLASH, framework slash redirects), http
to https, an apex-to-www redirect, or a login redirect.

Before:  OPTIONS http://api.example.com/items -> 301 Location: https://api.example.com/items/
After:   call https://api.example.com/items/ directly from the page`,
	Fix: map[diag.Platform]string{
		diag.Generic: "Call the final URL directly (scheme, host and trailing slash as the server wants them) and make the server answer OPTIONS there without redirecting.",
		diag.Django:  "Call the URL with its trailing slash (APPEND_SLASH redirects), and keep CorsMiddleware above CommonMiddleware.",
		diag.FastAPI: "Call the route exactly as declared; set redirect_slashes=False on the router if clients call both forms.",
	},
	Check: func(p *diag.Pass) {
		blocked(p, func(i int, ex *evidence.Exchange) {
			r := failedResponse(ex)
			d := fmt.Sprintf("the preflight OPTIONS %s was answered %d with Location: %s; browsers do not follow redirects for preflights", ex.Result.URL, ex.Result.PreflightStatus, header(r, "location"))
			p.Report(i, loc(ex), d, exchangeEvidence(ex, "Location")...)
		}, cors.PreflightDisallowedRedirect)
	},
}
