package rules

import (
	"fmt"

	"github.com/corsdoctor/corsdoctor/diag"
)

// CD4002 fires when one method of a route fails while another succeeds.
var cd4002 = &diag.Rule{
	ID:       "CD4002",
	Needs:    diag.NeedsAccessLogs,
	Name:     "method-specific-errors",
	Severity: diag.Error,
	Rank:     20,
	Since:    "0.1.0",
	Title:    "One method of a route fails while the others succeed",
	Doc: `When GET /items works and DELETE /items fails from the same page, CORS is not broken
for the whole API: one method's configuration is. On API Gateway REST each method has its
own integration response and method response, so Access-Control-Allow-Origin mapped on
GET does nothing for DELETE; a Lambda handler may set the header on one code path only;
the preflight's Access-Control-Allow-Methods may omit the method (seed runbook 000 "API
Gateway CORS Issues", Diagnosis 6).

The access logs show it as a method whose error rate is high while another method of the
same route is healthy.

Before:  GET /items/{id} 200 ... DELETE /items/{id} 500 (no CORS headers on the error)
After:   every method, and its error responses, return Access-Control-Allow-Origin`,
	Fix: map[diag.Platform]string{
		diag.Generic:   "Compare the failing method's handler and configuration with the working one: return the CORS headers on every method and on its error responses, and list the method in Access-Control-Allow-Methods.",
		diag.APIGwREST: "Add Access-Control-Allow-Origin to the failing method's method response and integration response (every status), include the method in the OPTIONS response's Access-Control-Allow-Methods, add CORS headers to the DEFAULT_4XX/DEFAULT_5XX gateway responses, then redeploy the stage.",
		diag.APIGwHTTP: "Add the method to the CORS configuration's AllowMethods (aws apigatewayv2 update-api --api-id {{api_id}} --cors-configuration AllowMethods=GET,POST,PUT,DELETE) and fix the integration error the logs show.",
	},
	Check: func(p *diag.Pass) {
		st := logStats(p)
		if st == nil {
			return
		}
		plat := logsFixPlatform(st)
		for _, mf := range methodFailures(st) {
			r, good, route := mf.bad, mf.good, mf.bad.Route
			fr := rate(r.Failed(), r.Total)
			d := fmt.Sprintf("%s %s fails %s of the time (%d of %d, since %s) while %s %s fails %s: the problem is specific to %s; if the error responses lack CORS headers the page sees a CORS error instead of the status",
				r.Method, route, pct(fr), r.Failed(), r.Total, logTime(r.FirstError), good.Method, route, pct(rate(good.Failed(), good.Total)), r.Method)
			p.ReportFix(-1, r.FirstErrorAt, plat, d, routeLine(r), routeLine(good))
		}
	},
}
