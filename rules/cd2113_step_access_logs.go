package rules

import (
	"github.com/corsdoctor/corsdoctor/diag"
	"github.com/corsdoctor/corsdoctor/evidence"
)

// CD2113 judges step 3: failed preflights in the stage's access logs.
var cd2113 = &diag.Rule{
	ID: "CD2113", Needs: diag.NeedsPlaybook, Name: "playbook-step-access-logs", Severity: diag.Error, Rank: 900, Since: "0.2.0",
	Title: "Playbook step 3: the access logs show failed OPTIONS preflights",
	Doc: `Step 3 of the API Gateway CORS playbook: query the stage's access logs for CORS
and preflight failures. The access-log aggregate (the shared Logs Insights query,
aggregated as corsdoctor logs aggregates a local file) counts, per method and route,
the requests and the failed ones (4xx/5xx; for OPTIONS any non-2xx). The step fails
when any OPTIONS preflight failed: the browser then blocks every non-simple request
to that route.

This rule reports no finding of its own: it gives the step its verdict in
corsdoctor aws diagnose (CD4001 and CD4054 name the cause). See
https://docs.aws.amazon.com/apigateway/latest/developerguide/set-up-logging.html`,
	Fix: map[diag.Platform]string{diag.Generic: stepFix},
	Check: func(p *diag.Pass) {
		if pb := playbook(p); pb != nil {
			if n := pb.PreflightFailures(); n > 0 {
				p.FailStep(evidence.StepAccessLogs, "%d preflight OPTIONS requests failed", n)
			}
		}
	},
}
