package rules

import (
	"github.com/corsdoctor/corsdoctor/diag"
	"github.com/corsdoctor/corsdoctor/evidence"
)

// CD2114 judges step 4: a rise of 4XX or 5XX errors.
var cd2114 = &diag.Rule{
	ID: "CD2114", Needs: diag.NeedsPlaybook, Name: "playbook-step-metrics", Severity: diag.Error, Rank: 900, Since: "0.2.0",
	Title: "Playbook step 4: API Gateway 4XX or 5XX errors rose in the window",
	Doc: `Step 4 of the API Gateway CORS playbook: read the stage's 4XX and 5XX errors per
minute (CloudWatch, namespace AWS/ApiGateway: 4XXError/5XXError by ApiName and Stage
for REST APIs, 4xx/5xx by ApiId and Stage for HTTP APIs). The step fails when a
series rose: the single change point where the mean per minute after is at least
twice the mean before and higher by at least one request per minute (each side at
least two minutes; empty minutes count as zero). The rise is what the playbook
correlates with deployments, changes and failed preflights.

This rule reports no finding of its own: it gives the step its verdict in
corsdoctor aws diagnose (CD4050, CD4052 and CD4057 correlate the rise). See
https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-metrics-and-dimensions.html`,
	Fix: map[diag.Platform]string{diag.Generic: stepFix},
	Check: func(p *diag.Pass) {
		if pb := playbook(p); pb != nil {
			if rise, ok := pb.FirstRise(); ok {
				p.FailStep(evidence.StepMetrics, "%s errors rose at %s", rise.Metric, hhmm(rise.At))
			}
		}
	},
}
