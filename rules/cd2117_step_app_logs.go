package rules

import (
	"github.com/corsdoctor/corsdoctor/diag"
	"github.com/corsdoctor/corsdoctor/evidence"
)

// CD2117 judges step 7: browser CORS errors in the application logs.
var cd2117 = &diag.Rule{
	ID: "CD2117", Needs: diag.NeedsPlaybook, Name: "playbook-step-app-logs", Severity: diag.Error, Rank: 900, Since: "0.2.0",
	Title: "Playbook step 7: the application logs carry browser CORS errors",
	Doc: `Step 7 of the API Gateway CORS playbook: query the application log groups given
with --app-log-group for CORS error messages (a front end forwarding the browser's
console errors, or server-side CORS middleware): "blocked by CORS policy",
"credentials mode is 'include'", the Access-Control-Allow-* header names, "preflight".
The step fails when any message matches.

This rule reports no finding of its own: it gives the step its verdict in
corsdoctor aws diagnose (CD4056 reads the credential patterns).`,
	Fix: map[diag.Platform]string{diag.Generic: stepFix},
	Check: func(p *diag.Pass) {
		if pb := playbook(p); pb != nil {
			if q := pb.Log("app-cors-errors"); q != nil && len(q.Rows) > 0 {
				p.FailStep(evidence.StepAppLogs, "browser CORS errors in the application logs")
			}
		}
	},
}
