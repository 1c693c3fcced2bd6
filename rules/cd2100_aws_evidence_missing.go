package rules

import (
	"fmt"

	"github.com/corsdoctor/corsdoctor/diag"
)

// CD2100 reports playbook evidence that could not be read: AccessDenied,
// throttling beyond the SDK's retries, a missing log group.
var cd2100 = &diag.Rule{
	ID:       "CD2100",
	Needs:    diag.NeedsPlaybook,
	Name:     "aws-evidence-missing",
	Severity: diag.Warning,
	Rank:     90,
	Since:    "0.1.0",
	Title:    "Part of the playbook's evidence could not be read",
	Doc: `corsdoctor aws diagnose reads the API's configuration, stages, deployments,
CloudWatch metrics, Logs Insights aggregates and CloudTrail. When one call is denied
(AccessDenied), stays throttled after the SDK's adaptive retries, or names a log
group that does not exist, the run goes on and diagnoses with the rest; this finding
says which evidence is missing, so a "no finding" from the affected steps is not
mistaken for "no problem", and which permission or setting would provide it.

The minimal read-only policy is in docs/aws-iam.md.`,
	Fix: map[diag.Platform]string{
		diag.Generic: "Grant the permission named in the finding (docs/aws-iam.md lists the minimal read-only policy: apigateway:GET, cloudwatch:GetMetricData, logs:StartQuery, logs:GetQueryResults, logs:DescribeLogGroups, cloudtrail:LookupEvents), or create the missing log group, and run again.",
	},
	Check: func(p *diag.Pass) {
		pb := playbook(p)
		if pb == nil {
			return
		}
		for _, g := range pb.Gaps {
			if g.Cause == "not-configured" {
				continue
			}
			ev := []string{"needs: " + g.Need}
			if g.Err != "" {
				ev = append(ev, "error: "+g.Err)
			}
			reportPB(p, pb, fmt.Sprintf("step %d: %s could not be read (%s); the diagnosis ran without it", g.Step, g.What, g.Cause), ev...)
		}
	},
}
