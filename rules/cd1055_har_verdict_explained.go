package rules

import (
	"fmt"

	"github.com/corsdoctor/corsdoctor/diag"
)

// CD1055 says how the verdict on a HAR exchange relates to what the
// browser recorded: the credentials mode inferred to reach the recorded
// failure, or why the two differ.
var cd1055 = &diag.Rule{
	ID:       "CD1055",
	Needs:    diag.NeedsExchanges,
	Name:     "har-verdict-explained",
	Severity: diag.Info,
	Rank:     90,
	Since:    "0.2.0",
	Title:    "How the verdict relates to what the browser recorded",
	Doc: `A DevTools HAR is ground truth for the outcome: Chrome marks a request it blocked for
CORS with _error "net::ERR_FAILED". corsdoctor rebuilds the request from the HAR and runs
the engine on the recorded responses; when the two disagree, the HAR is missing something
the browser knew, and the report says what:

- credentials: a cross-origin request shows its cookies in the HAR only when there were
  cookies to send; fetch(url, {credentials: 'include'}) or xhr.withCredentials with no
  cookie looks uncredentialed. When the recorded failure is reached only with
  credentials: 'include', corsdoctor evaluates the request with them and says it
  inferred them;
- otherwise (a header DevTools did not keep, a preflight served from the preflight
  cache, a service worker's answer, a check after CORS such as
  Cross-Origin-Resource-Policy), the disagreement is reported with its likely reason,
  never silently.

Before:  verdict ALLOWED while DevTools shows the request failed
After:   BLOCKED (WildcardOriginNotAllowed), credentials: 'include' inferred`,
	Fix: map[diag.Platform]string{
		diag.Generic: "Confirm the page's credentials mode (fetch credentials / XHR withCredentials) and, when the HAR cannot show what decided, reproduce with corsdoctor check {{url}} --origin {{origin}} -X {{method}} (add --credentials when the page sends them) or corsdoctor browser to see the full exchange.",
	},
	Check: func(p *diag.Pass) {
		for i, ex := range p.Exchanges() {
			rec := ex.Recorded
			if rec == nil {
				continue
			}
			switch {
			case rec.CredentialsInferred:
				d := fmt.Sprintf("the browser recorded %s for %s %s, and the recorded responses fail the CORS check only with credentials: 'include' (%s): the page sends credentials (credentials: 'include' or withCredentials), though the HAR holds no cookie; evaluated with credentials (inferred)",
					rec.Error, ex.Result.Method, ex.Request.URL, ex.Result.Error)
				p.Report(i, ex.Source, d)
			case rec.Disagrees != "":
				p.ReportSeverity(diag.Warning, i, ex.Source, rec.Disagrees)
			}
		}
	},
}
