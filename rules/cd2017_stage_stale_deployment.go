package rules

import (
	"fmt"

	"github.com/corsdoctor/corsdoctor/apimodel"
	"github.com/corsdoctor/corsdoctor/diag"
)

// CD2017 fires when a stage serves a deployment that is known to be stale,
// or a deployment resource that does not exist.
var cd2017 = &diag.Rule{
	ID: "CD2017", Needs: diag.NeedsAPIs, Name: "stage-stale-deployment", Severity: diag.Error, Rank: 216, Since: "0.1.0",
	Title: "Stage points at a stale or missing deployment",
	Doc: `The stage serves the deployment it points at, not the API as currently
defined. When the deployment predates the latest change of methods, integrations or
gateway responses, fixes such as a new OPTIONS method are not live, and
TestInvokeMethod (which uses the current definition) disagrees with the browser.

Before:  stage prod -> deployment created before the OPTIONS method was added
After:   create a new deployment and point the stage at it`,
	Fix: map[diag.Platform]string{
		diag.Generic: "Create a new deployment and point the stage at it.",
		diag.APIGwREST: awsFix("aws apigateway create-deployment --rest-api-id {{api_id}} --stage-name {{stage}}",
			"point the AWS::ApiGateway::Stage DeploymentId at the deployment that DependsOn the current methods (rename the Deployment's logical ID to force a new one)",
			"use triggers on aws_api_gateway_deployment and reference it from aws_api_gateway_stage.deployment_id"),
	},
	Check: func(p *diag.Pass) {
		for _, api := range p.APIs() {
			if api.Kind != apimodel.REST {
				continue
			}
			deps := map[string]bool{}
			for _, d := range api.Deployments {
				deps[d.ID] = true
			}
			for _, s := range api.Stages {
				switch {
				case s.Stale == apimodel.TriYes:
					reportAPI(p, api, s.Source, fmt.Sprintf("stage %s of %s serves deployment %s, which predates the latest changes to the API: the live CORS behaviour differs from the definition", s.Name, apiName(api), s.DeploymentID))
				case s.DeploymentID != "" && api.Format != "aws" && len(api.Deployments) > 0 && !deps[s.DeploymentID]:
					reportAPI(p, api, s.Source, fmt.Sprintf("stage %s of %s points at %s, which is not a deployment of this API", s.Name, apiName(api), s.DeploymentID))
				}
			}
		}
	},
}
