package rules

import (
	"fmt"

	"github.com/corsdoctor/corsdoctor/diag"
)

// CD2102 fires when the stage serves CORS elements that are gone from the
// configuration: the next deployment removes them.
var cd2102 = &diag.Rule{
	ID:       "CD2102",
	Needs:    diag.NeedsPlaybook,
	Name:     "cors-removed-pending-deploy",
	Severity: diag.Warning,
	Rank:     35,
	Since:    "0.1.0",
	Title:    "The next deployment will remove CORS configuration the stage serves today",
	Doc: `The stage's deployed export has CORS elements (an OPTIONS method, an
Access-Control-* mapping, a gateway response header) that the API's current
configuration no longer has: someone deleted them, or an import (PutRestApi,
ImportRestApi, a CloudFormation update) replaced the API without them. Today the stage
still works; the next CreateDeployment makes the preflight fail. This is the usual
cause of "CORS broke after an unrelated deployment".

See https://docs.aws.amazon.com/apigateway/latest/developerguide/how-to-cors.html`,
	Fix: map[diag.Platform]string{
		diag.Generic:   "Restore the CORS elements in the API's source of truth (template, OpenAPI file) before the next deployment.",
		diag.APIGwREST: "Put the OPTIONS method / Access-Control-* mappings back into the template or OpenAPI definition the API is built from (SAM: Cors on AWS::Serverless::Api; OpenAPI: the options operation with x-amazon-apigateway-integration type mock), then deploy.",
		diag.APIGwHTTP: "Restore CorsConfiguration in the template (AWS::ApiGatewayV2::Api CorsConfiguration) and deploy.",
	},
	Check: func(p *diag.Pass) {
		pb := playbook(p)
		if pb == nil {
			return
		}
		var ev []string
		for _, d := range pb.Drift {
			if d.Kind == "removed" {
				ev = append(ev, fmt.Sprintf("removed: %s %s %s", d.Method, d.Path, d.Element))
			}
		}
		if len(ev) > 0 {
			reportPB(p, pb, fmt.Sprintf("stage %q serves %d CORS element(s) that are no longer in the API's configuration; the next deployment removes them", pb.Stage, len(ev)), ev...)
		}
	},
}
