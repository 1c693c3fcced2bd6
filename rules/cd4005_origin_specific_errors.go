package rules

import (
	"fmt"
	"sort"

	"github.com/corsdoctor/corsdoctor/diag"
)

// CD4005 fires when requests from one page origin fail while another
// origin's succeed.
var cd4005 = &diag.Rule{
	ID:       "CD4005",
	Needs:    diag.NeedsAccessLogs,
	Name:     "origin-specific-errors",
	Severity: diag.Error,
	Rank:     25,
	Since:    "0.1.0",
	Title:    "Requests from one page origin fail while another origin's succeed",
	Doc: `When the same route succeeds for https://app.example.com and fails for
https://admin.example.com, the allowlist is the difference: the failing origin is missing,
or written differently (scheme, www, port, trailing slash, case). Servers that validate
the Origin header often answer 403 to an unknown origin (seed runbook 000 "API Gateway
CORS Issues", Diagnosis 4: the origin must match exactly, including protocol and port).

The access logs show it when they record the origin (an origin field in the API Gateway
access log format, or the Referer of nginx, Apache and CloudFront logs).

Before:  allowed origins: https://app.example.com
After:   allowed origins: https://app.example.com, https://admin.example.com`,
	Fix: map[diag.Platform]string{
		diag.Generic:   "Add the failing origin, exactly as the browser sends it (scheme://host[:port], no trailing slash), to the allowed origins, or stop the requests from that origin if it must not call the API.",
		diag.APIGwHTTP: "aws apigatewayv2 update-api --api-id {{api_id}} --cors-configuration AllowOrigins=https://app.example.com,https://admin.example.com",
		diag.APIGwREST: "Return the failing origin in Access-Control-Allow-Origin: a REST API maps one static value, so reflect the Origin from an allowlist in the Lambda (proxy integration), or map it per origin, then redeploy.",
	},
	Check: func(p *diag.Pass) {
		st := logStats(p)
		if st == nil || !st.OriginsLogged {
			return
		}
		plat := logsFixPlatform(st)
		for i := range st.Routes {
			r := &st.Routes[i]
			var origins []string
			for o := range r.Origins {
				origins = append(origins, o)
			}
			sort.Strings(origins)
			good := ""
			for _, o := range origins {
				c := r.Origins[o]
				if c.Total >= logMinRequests && c.Rate() <= logLowRate && (good == "" || c.Total > r.Origins[good].Total) {
					good = o
				}
			}
			if good == "" {
				continue
			}
			for _, o := range origins {
				c := r.Origins[o]
				if c.Total < logMinRequests || c.Rate() < logHighRate {
					continue
				}
				g := r.Origins[good]
				d := fmt.Sprintf("%s %s fails for origin %s (%d of %d, %s) but works for %s (%d of %d failed): the server treats the origins differently; check that %s is allowed, spelled exactly as the browser sends it",
					r.Method, r.Route, o, c.Errors, c.Total, pct(c.Rate()), good, g.Errors, g.Total, o)
				p.ReportFix(-1, r.FirstErrorAt, plat, d, routeLine(r))
			}
		}
	},
}
