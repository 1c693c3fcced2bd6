package rules

import (
	"fmt"
	"strings"

	"github.com/corsdoctor/corsdoctor/apimodel"
	"github.com/corsdoctor/corsdoctor/diag"
)

// CD2016 fires for REST deployments that can miss method changes.
var cd2016 = &diag.Rule{
	ID: "CD2016", Needs: diag.NeedsAPIs, Name: "deployment-misses-changes", Severity: diag.Warning, Rank: 215, Since: "0.1.0",
	Title: "REST deployment does not depend on the methods (CORS changes may never be deployed)",
	Doc: `A REST API deployment is a snapshot. CloudFormation creates an
AWS::ApiGateway::Deployment once and never re-creates it when methods change, and may
create it before the methods unless it DependsOn them; Terraform's
aws_api_gateway_deployment needs triggers (a hash of the resources) to redeploy. The
stack then reports UPDATE_COMPLETE while the stage still serves the old OPTIONS
(hashicorp/terraform-provider-aws#162, aws/aws-cdk#10963).

Before:  Deployment: {Type: AWS::ApiGateway::Deployment, Properties: {RestApiId: !Ref Api}}
After:   DependsOn: [ItemsGet, ItemsOptions]  (and rename the logical ID when methods change)`,
	Fix: map[diag.Platform]string{
		diag.Generic: "Make the deployment depend on every method and redeploy whenever they change.",
		diag.APIGwREST: awsFix(
			"aws apigateway create-deployment --rest-api-id {{api_id}} --stage-name {{stage}} after every change",
			"add DependsOn listing every AWS::ApiGateway::Method to the AWS::ApiGateway::Deployment and change its logical ID (or use SAM/CDK, which hash it) when methods change",
			"triggers = { redeployment = sha1(jsonencode([aws_api_gateway_resource.x, aws_api_gateway_method.x, aws_api_gateway_integration.x, ...])) } with lifecycle { create_before_destroy = true }"),
	},
	Check: func(p *diag.Pass) {
		for _, api := range p.APIs() {
			if api.Kind != apimodel.REST {
				continue
			}
			var ids []string
			for _, res := range api.Resources {
				for _, m := range res.Methods {
					if m.Generated == "" && m.ID != "" {
						ids = append(ids, m.ID)
					}
				}
			}
			for _, d := range api.Deployments {
				switch {
				case d.Redeploys == apimodel.TriNo:
					reportAPI(p, api, d.Source, fmt.Sprintf("deployment %s of %s has no triggers: changes to methods, integrations or gateway responses (CORS fixes included) are not redeployed", d.ID, apiName(api)))
				case d.Redeploys == apimodel.TriUnknown && api.Format != "aws" && len(ids) > 0:
					var missing []string
					deps := map[string]bool{}
					for _, x := range d.DependsOn {
						deps[x] = true
					}
					for _, id := range ids {
						if !deps[id] {
							missing = append(missing, id)
						}
					}
					if len(missing) == len(ids) || len(d.DependsOn) > 0 && len(missing) > 0 {
						if len(missing) > 5 {
							missing = append(missing[:5], fmt.Sprintf("... (%d more)", len(missing)-5))
						}
						reportAPI(p, api, d.Source, fmt.Sprintf("deployment %s of %s does not DependsOn %s: it can be created before them and is never re-created when they change, so the stage may serve an API without its CORS methods",
							d.ID, apiName(api), strings.Join(missing, ", ")))
					}
				}
			}
		}
	},
}
