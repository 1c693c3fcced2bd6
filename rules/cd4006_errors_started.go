package rules

import (
	"fmt"

	"github.com/corsdoctor/corsdoctor/diag"
)

// CD4006 fires when a route that worked starts failing and keeps failing.
var cd4006 = &diag.Rule{
	ID:       "CD4006",
	Needs:    diag.NeedsAccessLogs,
	Name:     "errors-started",
	Severity: diag.Warning,
	Rank:     30,
	Since:    "0.1.0",
	Title:    "A route that worked started failing at a precise time",
	Doc: `A route that answered 2xx and then fails on (almost) every request changed at that
moment: a deployment, a configuration change, an expired certificate or key, a new
authorizer, a WAF rule. The first failing line is where to look; cross-reference it with
deployments (--deploy-at, CloudTrail) and the 4XXError/5XXError metrics (seed runbook 000
"API Gateway CORS Issues", Diagnosis 1: identify when the 4XX rate increased and confirm
with the access logs).

Before:  GET /items 200 ... 200 | 14:02:11 403 ... 403 ... 403
After:   the change made at 14:02 is found and reverted or completed`,
	Fix: map[diag.Platform]string{
		diag.Generic:   "Find what changed at the time of the first failure (deployments, configuration, certificates, WAF, authorizer) and revert or complete it; pass that time to corsdoctor logs --deploy-at to compare before and after.",
		diag.APIGwREST: "List the changes around that time: aws cloudtrail lookup-events --lookup-attributes AttributeKey=EventSource,AttributeValue=apigateway.amazonaws.com --start-time T-1h --end-time T, and aws apigateway get-deployments --rest-api-id {{api_id}}; corsdoctor aws runs these steps.",
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
			if bad < logMinRequests || r.FirstOK.IsZero() || r.FirstError.IsZero() || !r.FirstOK.Before(r.FirstError) {
				continue
			}
			if rate(bad, bad+r.OKAfterError) < 0.9 {
				continue
			}
			d := fmt.Sprintf("%s %s worked until %s and has failed on %s of the requests since (%d failed, %d succeeded after the first failure)",
				r.Method, r.Route, logTime(r.FirstError), pct(rate(bad, bad+r.OKAfterError)), bad, r.OKAfterError)
			if r.OKAfterError == 0 {
				d = fmt.Sprintf("%s %s worked until %s and has failed on every request since (%d failures)", r.Method, r.Route, logTime(r.FirstError), bad)
			}
			p.ReportFix(-1, r.FirstErrorAt, plat, d, routeLine(r))
		}
	},
}
