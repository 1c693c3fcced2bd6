package rules

import (
	"fmt"

	"github.com/corsdoctor/corsdoctor/diag"
)

// CD2101 fires when the stage does not serve the CORS configuration the
// API has now: elements configured but never deployed.
var cd2101 = &diag.Rule{
	ID:       "CD2101",
	Needs:    diag.NeedsPlaybook,
	Name:     "cors-not-deployed",
	Severity: diag.Error,
	Rank:     15,
	Since:    "0.1.0",
	Title:    "CORS configuration is not deployed to the stage",
	Doc: `A REST API stage serves a deployment: a snapshot of the resources, methods,
integration responses and gateway responses taken by CreateDeployment. Changes made
afterwards (the console's "Enable CORS", a new OPTIONS method, an
Access-Control-Allow-Origin mapping, a gateway response) are not live until the API is
deployed again. corsdoctor compares the stage's export (GetExport, OpenAPI 3 with API
Gateway extensions) with the current resources and lists the CORS elements that differ.
An HTTP API stage without AutoDeploy behaves the same for CorsConfiguration changes.

Before: OPTIONS /orders exists in the console; the stage answers 403 Missing Authentication Token.
After:  aws apigateway create-deployment --rest-api-id ID --stage-name prod

See https://docs.aws.amazon.com/apigateway/latest/developerguide/updating-api.html`,
	Fix: map[diag.Platform]string{
		diag.Generic:   "Deploy the API to the stage so it serves the current CORS configuration.",
		diag.APIGwREST: "aws apigateway create-deployment --rest-api-id {{api_id}} --stage-name {{stage}}. In CloudFormation/SAM, make the AWS::ApiGateway::Deployment change with the API (SAM does this for AWS::Serverless::Api; with plain CloudFormation rename the Deployment's logical ID or add a description hash so it is re-created).",
		diag.APIGwHTTP: "aws apigatewayv2 create-deployment --api-id {{api_id}} --stage-name {{stage}}, or enable automatic deployment: aws apigatewayv2 update-stage --api-id {{api_id}} --stage-name {{stage}} --auto-deploy (CloudFormation: AWS::ApiGatewayV2::Stage AutoDeploy: true).",
	},
	Check: func(p *diag.Pass) {
		pb := playbook(p)
		if pb == nil {
			return
		}
		var ev []string
		for _, d := range pb.Drift {
			if d.Kind == "not-deployed" || d.Kind == "changed" {
				ev = append(ev, fmt.Sprintf("%s: %s %s %s", d.Kind, d.Method, d.Path, d.Element))
			}
		}
		if len(ev) == 0 {
			return
		}
		ev = append(ev, "run: "+deployCmd(pb))
		reportPB(p, pb, fmt.Sprintf("stage %q does not serve %d CORS element(s) of the current configuration: they were changed after the stage's last deployment", pb.Stage, len(ev)-1), ev...)
	},
}
