package rules

import (
	"fmt"

	"github.com/corsdoctor/corsdoctor/apimodel"
	"github.com/corsdoctor/corsdoctor/diag"
)

// CD2023 notes that a hand-written CloudFormation deployment is created
// once and never again.
var cd2023 = &diag.Rule{
	ID: "CD2023", Needs: diag.NeedsAPIs, Name: "deployment-not-recreated", Severity: diag.Info, Rank: 222, Since: "0.1.0",
	Title: "CloudFormation creates the REST API deployment once; later CORS changes are not deployed",
	Doc: `An AWS::ApiGateway::Deployment resource is a snapshot taken when the resource is
created. On stack updates CloudFormation changes the methods but does not create a
new deployment unless the Deployment's logical ID (or a property of it) changes, so
the stage keeps serving the old API: the stack says UPDATE_COMPLETE, the OPTIONS
method exists in the console, and browsers still fail
(aws-solutions-library-samples/accelerated-intelligent-document-processing-on-aws PR
#483, aws/aws-cdk#10963). SAM and CDK avoid it by hashing the definition into the
Deployment's logical ID; hand-written templates must do it themselves.

Before:  Deployment: {Type: AWS::ApiGateway::Deployment, DependsOn: [...]}
After:   Deployment20261122: ... (rename on every API change), or deploy with SAM/CDK`,
	Fix: map[diag.Platform]string{
		diag.Generic: "Give the deployment a new logical ID whenever methods change (for example a date or hash suffix), or create a deployment after each stack update.",
		diag.APIGwREST: awsFix("aws apigateway create-deployment --rest-api-id {{api_id}} --stage-name {{stage}} after each stack update",
			"rename the AWS::ApiGateway::Deployment logical ID (and the Stage's DeploymentId reference) when the API changes, or use AWS::Serverless::Api / CDK RestApi, which do it",
			"(Terraform: use triggers on aws_api_gateway_deployment; see CD2016)"),
	},
	Check: func(p *diag.Pass) {
		for _, api := range p.APIs() {
			if api.Kind != apimodel.REST || api.Format != "cloudformation" || !corsEnabled(api) {
				continue
			}
			for _, d := range api.Deployments {
				reportAPI(p, api, d.Source, fmt.Sprintf("deployment %s of %s is created once: stack updates that change methods, integrations or gateway responses (CORS fixes included) are not deployed until its logical ID changes", d.ID, apiName(api)))
			}
		}
	},
}
