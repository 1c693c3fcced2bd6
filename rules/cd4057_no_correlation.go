package rules

import (
	"fmt"

	"github.com/corsdoctor/corsdoctor/diag"
)

// CD4057 reports that nothing correlated even after widening the window
// to 2 hours, with the playbook's remaining checks.
var cd4057 = &diag.Rule{
	ID:       "CD4057",
	Needs:    diag.NeedsPlaybook,
	Name:     "no-correlation-widened",
	Severity: diag.Info,
	Rank:     99,
	Since:    "0.1.0",
	Title:    "No error rise correlates with a change or failed preflights, even over 2 hours",
	Doc: `The playbook's fallback: when no rise in 4XX/5XX lines up with a deployment, a
configuration change or failed preflights, corsdoctor widens the window to 2 hours. If
nothing correlates there either, the cause is usually outside API Gateway's metrics:
the page's origin differs from the configured one (a browser-side block of a 200
response is invisible in metrics), HTTP and REST APIs behave differently (HTTP APIs
replace backend CORS headers once CorsConfiguration is set), or an authorizer rejects
authenticated requests whose error responses carry no CORS headers.`,
	Fix: map[diag.Platform]string{
		diag.Generic: "Reproduce from the browser: corsdoctor check {{url}}/PATH --origin {{origin}} with a failing route's path (or a HAR file), and compare the page's exact origin with the configured ones; check authorizer error responses (gateway responses UNAUTHORIZED/ACCESS_DENIED) for CORS headers.",
	},
	Check: func(p *diag.Pass) {
		pb := playbook(p)
		if pb == nil || !pb.Widened || pb.Correlated() {
			return
		}
		reportPB(p, pb, fmt.Sprintf("no rise in errors correlates with a deployment, a CORS change or failed preflights between %s and %s (widened to 2 h)", hhmm(pb.Start), hhmm(pb.End)),
			"check: the page's exact origin (scheme, host, port) against the configured origins",
			"check: HTTP API vs REST API behaviour (HTTP APIs ignore backend CORS headers once CorsConfiguration is set)",
			"check: authorizer error responses (UNAUTHORIZED, ACCESS_DENIED gateway responses) carry CORS headers")
	},
}
