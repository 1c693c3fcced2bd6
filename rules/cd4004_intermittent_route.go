package rules

import (
	"fmt"

	"github.com/corsdoctor/corsdoctor/diag"
)

// CD4004 fires when a route alternates between success and failure.
var cd4004 = &diag.Rule{
	ID:       "CD4004",
	Needs:    diag.NeedsAccessLogs,
	Name:     "intermittent-route",
	Severity: diag.Warning,
	Rank:     40,
	Since:    "0.1.0",
	Title:    "A route alternates between success and failure",
	Doc: `"CORS works sometimes" is almost never CORS changing its mind: the successful
responses carry the CORS headers and the failed ones do not. API Gateway's own error
responses (throttling 429, integration timeouts 504, authorizer failures, Lambda errors
502) skip the integration's headers unless the gateway responses DEFAULT_4XX and
DEFAULT_5XX add them; a cache may serve a response stored for another origin; several
backends or stages may be configured differently. The page then sees a CORS error on some
requests only (seed runbook 000 "API Gateway CORS Issues": intermittent errors).

The access logs show the route flipping between 2xx and 4xx/5xx in time order.

Before:  GET /users/me 200, 502, 200, 200, 502 ...  (502 without CORS headers)
After:   the 502s carry Access-Control-Allow-Origin (and the cause of the 502 is fixed)`,
	Fix: map[diag.Platform]string{
		diag.Generic:   "Return the CORS headers on error responses too, so the page sees the real status, then fix the cause of the failing responses (timeouts, throttling, an unhealthy instance).",
		diag.APIGwREST: "Add CORS headers to the gateway responses: aws apigateway put-gateway-response --rest-api-id {{api_id}} --response-type DEFAULT_5XX --response-parameters '{\"gatewayresponse.header.Access-Control-Allow-Origin\":\"'\"'\"'https://app.example.com'\"'\"'\"}' (and DEFAULT_4XX), redeploy, then look at the integration errors in the execution logs.",
		diag.APIGwHTTP: "With a CORS configuration the HTTP API adds the headers to its own errors; without one, return them from the integration on every path, and fix the integration errors.",
		diag.Nginx:     "Use add_header ... always; so the CORS headers are also sent on 4xx/5xx responses, and fix the upstream errors.",
	},
	Check: func(p *diag.Pass) {
		st := logStats(p)
		if st == nil {
			return
		}
		plat := logsFixPlatform(st)
		for i := range st.Routes {
			r := &st.Routes[i]
			bad := r.Failed()
			ok := r.Total - bad
			fr := rate(bad, r.Total)
			// Sporadic errors (a few 404s) are normal; so is a route that always fails.
			if bad < logMinRequests || ok < logMinRequests || r.Flips < 6 || fr < logLowRate || fr > 1-logLowRate {
				continue
			}
			// Interleaved: failures are not one block (a block gives 1-2 flips).
			if float64(r.Flips) < 0.5*float64(min(ok, bad)) {
				continue
			}
			d := fmt.Sprintf("%s %s switched between success and failure %d times (%d failed, %d succeeded, first failure %s): intermittent failures, which the browser reports as CORS errors when the failed responses lack CORS headers",
				r.Method, r.Route, r.Flips, bad, ok, logTime(r.FirstError))
			p.ReportFix(-1, r.FirstErrorAt, plat, d, routeLine(r))
		}
	},
}
