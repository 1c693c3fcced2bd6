package rules

import (
	"github.com/corsdoctor/corsdoctor/diag"
	"github.com/corsdoctor/corsdoctor/evidence"
)

// CD2119 judges step 9: responses without Access-Control-Allow-Origin in
// the execution logs.
var cd2119 = &diag.Rule{
	ID: "CD2119", Needs: diag.NeedsPlaybook, Name: "playbook-step-exec-logs", Severity: diag.Error, Rank: 900, Since: "0.2.0",
	Title: "Playbook step 9: the execution logs show responses without Access-Control-Allow-Origin",
	Doc: `Step 9 of the API Gateway CORS playbook: query the REST stage's execution logs
(INFO level with data trace) for the CORS headers of the responses. API Gateway logs
"Method response headers: {...}" for every response; the step fails when any of
them lacks Access-Control-Allow-Origin (case-insensitive: header names keep the
client's casing in these logs).

This rule reports no finding of its own: it gives the step its verdict in
corsdoctor aws diagnose. See
https://docs.aws.amazon.com/apigateway/latest/developerguide/set-up-logging.html`,
	Fix: map[diag.Platform]string{diag.Generic: stepFix},
	Check: func(p *diag.Pass) {
		if pb := playbook(p); pb != nil {
			if q := pb.Log("exec-missing-acao"); q != nil && len(q.Rows) > 0 {
				if n := evidence.Int(q.Rows[0], "responses_without_acao"); n > 0 {
					p.FailStep(evidence.StepExecLogs, "%d responses without Access-Control-Allow-Origin", n)
				}
			}
		}
	},
}
