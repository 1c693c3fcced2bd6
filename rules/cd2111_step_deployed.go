package rules

import (
	"github.com/corsdoctor/corsdoctor/diag"
	"github.com/corsdoctor/corsdoctor/evidence"
)

// CD2111 judges step 1: the API exists, a stage serves a deployment, and
// AWS Health reports no API Gateway event.
var cd2111 = &diag.Rule{
	ID: "CD2111", Needs: diag.NeedsPlaybook, Name: "playbook-step-deployed", Severity: diag.Error, Rank: 900, Since: "0.2.0",
	Title: "Playbook step 1: the API cannot be read, is not deployed, or AWS reports an incident",
	Doc: `Step 1 of the API Gateway CORS playbook: verify the API exists and is deployed,
and that AWS service health for API Gateway in the region is normal. The step fails
when the API's configuration could not be read at all (GetRestApi and GetApi both
refused: the other steps run without it), when the API has no stage (nothing serves
browser requests), when the diagnosed stage serves no deployment (and does not
deploy automatically), or when AWS Health lists open or upcoming API Gateway events
in the region (DescribeEvents; accounts without a Business or Enterprise support
plan cannot read them, and the step says so).

This rule reports no finding of its own: it gives the step its verdict in
corsdoctor aws diagnose. See
https://docs.aws.amazon.com/apigateway/latest/developerguide/how-to-deploy-api.html
and https://docs.aws.amazon.com/health/latest/APIReference/API_DescribeEvents.html`,
	Fix: map[diag.Platform]string{diag.Generic: stepFix},
	Check: func(p *diag.Pass) {
		pb := playbook(p)
		if pb == nil {
			return
		}
		if pb.Kind == evidence.UnknownAPI {
			if g := pb.GapFor(evidence.GapAPIConfig); g != nil {
				p.FailStep(evidence.StepDeployed, "the API could not be read: %s", g.Err)
			}
			return
		}
		if pb.GapFor(evidence.GapStages) == nil {
			switch {
			case pb.Stage == "":
				p.FailStep(evidence.StepDeployed, "the API has no stage: it is not deployed, so every browser request fails")
			case pb.StageDeployment == "" && !pb.AutoDeploy:
				p.FailStep(evidence.StepDeployed, "stage %q serves no deployment", pb.Stage)
			}
		}
		if n := len(pb.Health); n > 0 {
			p.FailStep(evidence.StepDeployed, "AWS Health reports %d open API Gateway event(s) in %s", n, pb.Region)
		}
	},
}
