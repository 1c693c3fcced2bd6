package rules

import (
	"fmt"

	"github.com/corsdoctor/corsdoctor/diag"
	"github.com/corsdoctor/corsdoctor/evidence"
)

// CD2105 fires when the change history shows CORS configuration deleted
// and then deployed (or deployed at once by AutoDeploy), outside an error
// rise that CD4052 already explains.
var cd2105 = &diag.Rule{
	ID:       "CD2105",
	Needs:    diag.NeedsPlaybook,
	Name:     "deployment-removed-cors",
	Severity: diag.Warning,
	Rank:     30,
	Since:    "0.1.0",
	Title:    "A deployment made the removal of CORS configuration live",
	Doc: `CloudTrail shows CORS configuration deleted (an OPTIONS method, an integration or
method response, a gateway response, the HTTP API's CorsConfiguration) and a later
deployment (CreateDeployment, a stage switched to a new deployment, or an HTTP API
stage with AutoDeploy) that made the deletion live. Even when metrics show no rise
yet (low traffic, a cached preflight, clients not released), browsers calling the
affected paths now fail. When the deployment lines up with a rise in errors, CD4052
reports it instead.

See https://docs.aws.amazon.com/apigateway/latest/developerguide/cloudtrail.html`,
	Fix: map[diag.Platform]string{
		diag.Generic:   "Restore the deleted CORS configuration and deploy, or roll the stage back to the deployment before the deletion.",
		diag.APIGwREST: "aws apigateway update-stage --rest-api-id {{api_id}} --stage-name {{stage}} --patch-operations op=replace,path=/deploymentId,value=PREVIOUS_DEPLOYMENT_ID; then restore the OPTIONS method / mappings in the template and deploy.",
		diag.APIGwHTTP: "Restore CorsConfiguration: aws apigatewayv2 update-api --api-id {{api_id}} --cors-configuration AllowOrigins=...,AllowMethods=...,AllowHeaders=... (CloudFormation: AWS::ApiGatewayV2::Api CorsConfiguration).",
	},
	Check: func(p *diag.Pass) {
		pb := playbook(p)
		if pb == nil {
			return
		}
		rise, hasRise := pb.FirstRise()
		var near []evidence.Change
		if hasRise {
			near = pb.ChangesNear(rise.At)
		}
		for _, rm := range removalsMadeLive(pb) {
			c, d := rm.deleted, rm.deployed
			explained := false
			for _, n := range near {
				explained = explained || n.Time.Equal(d.Time) && n.Event == d.Event
			}
			if !explained {
				reportPB(p, pb, fmt.Sprintf("%s %s at %s was made live by %s at %s", c.Event, c.Detail, hhmm(c.Time), d.Event, hhmm(d.Time)), changeLine(c), changeLine(d))
			}
		}
	},
}
