package rules

import (
	"fmt"
	"strings"

	"github.com/corsdoctor/corsdoctor/diag"
	"github.com/corsdoctor/corsdoctor/evidence"
)

// CD4003 fires when the error rate rises at a deployment.
var cd4003 = &diag.Rule{
	ID:       "CD4003",
	Needs:    diag.NeedsAccessLogs,
	Name:     "errors-after-deployment",
	Severity: diag.Error,
	Rank:     15,
	Since:    "0.1.0",
	Title:    "Errors rose right after a deployment",
	Doc: `A REST API stage serves a snapshot taken by its last deployment. A deployment made
from a configuration without the OPTIONS methods, the gateway responses or the header
mappings (an IaC template that never had them, a console change made after the previous
deployment, a redeploy from another branch) removes CORS in one step; so does a backend
release that changes error handling (seed runbook 000 "API Gateway CORS Issues",
Diagnosis 3).

corsdoctor compares the error rate in a window before and after each --deploy-at time
(or the deployments the aws command found) and names the routes that changed.

Before:  OPTIONS /items 204 until 14:02 ... deployment at 14:02 ... OPTIONS /items 403
After:   the OPTIONS method and CORS mappings are in the template, and every deployment keeps them`,
	Fix: map[diag.Platform]string{
		diag.Generic:   "Diff the deployed configuration (or release) before and after the deployment time; restore the CORS handling it removed, or roll back.",
		diag.APIGwREST: "Compare the stage's deployments (aws apigateway get-deployments --rest-api-id {{api_id}}; aws apigateway get-export --rest-api-id {{api_id}} --stage-name {{stage}} --export-type oas30) and redeploy a configuration that has the OPTIONS methods and header mappings, or roll the stage back: aws apigateway update-stage --rest-api-id {{api_id}} --stage-name {{stage}} --patch-operations op=replace,path=/deploymentId,value=PREVIOUS_ID",
		diag.APIGwHTTP: "Check the CORS configuration of the API (aws apigatewayv2 get-api --api-id {{api_id}}) against the change deployed at that time and restore it.",
	},
	Check: func(p *diag.Pass) {
		st := logStats(p)
		if st == nil {
			return
		}
		plat := logsFixPlatform(st)
		for i := range st.Deploys {
			d := &st.Deploys[i]
			b, a := d.Before.Rate(), d.After.Rate()
			var worse []evidence.DeployRoute
			var ev []string
			for _, r := range d.Routes {
				if r.After.Errors >= logMinRequests && r.After.Rate() >= r.Before.Rate()+0.2 {
					worse = append(worse, r)
				}
			}
			overall := d.After.Errors >= logMinRequests && a >= b+0.05 && a >= 2*b
			if !overall && len(worse) == 0 {
				continue
			}
			var names []string
			for _, r := range worse {
				if len(names) < 5 {
					names = append(names, r.Method+" "+r.Route)
				}
				if len(ev) < 10 {
					ev = append(ev, fmt.Sprintf("%s %s: %s of %d before, %s of %d after", r.Method, r.Route, pct(r.Before.Rate()), r.Before.Total, pct(r.After.Rate()), r.After.Total))
				}
			}
			det := fmt.Sprintf("the error rate went from %s (%d of %d) in the %s before the deployment at %s to %s (%d of %d) in the %s after it",
				pct(b), d.Before.Errors, d.Before.Total, st.WindowText(), logTime(d.At), pct(a), d.After.Errors, d.After.Total, st.WindowText())
			if len(names) > 0 {
				det += "; routes that broke: " + strings.Join(names, ", ")
			}
			p.ReportFix(-1, evidence.Source{}, plat, det, ev...)
		}
	},
}
