package rules

import (
	"fmt"

	"github.com/corsdoctor/corsdoctor/diag"
)

// CD2103 fires when TestInvokeMethod shows a method answering without
// Access-Control-Allow-Origin.
var cd2103 = &diag.Rule{
	ID:       "CD2103",
	Needs:    diag.NeedsPlaybook,
	Name:     "test-invoke-no-allow-origin",
	Severity: diag.Error,
	Rank:     25,
	Since:    "0.1.0",
	Title:    "TestInvokeMethod returns no Access-Control-Allow-Origin",
	Doc: `With --test-invoke, corsdoctor calls TestInvokeMethod (REST APIs) for OPTIONS
and proxy methods with an Origin header. TestInvokeMethod runs the current, undeployed
configuration without authorizers or API keys, and is not logged in CloudTrail. A proxy
integration (AWS_PROXY, HTTP_PROXY) has no integration response: the backend must
return Access-Control-Allow-Origin itself. A response without it is blocked by the
browser with "No 'Access-Control-Allow-Origin' header is present on the requested
resource."

See https://docs.aws.amazon.com/apigateway/latest/developerguide/how-to-cors.html#apigateway-enable-cors-proxy`,
	Fix: map[diag.Platform]string{
		diag.Generic:    "Return Access-Control-Allow-Origin from the backend on every response, errors included.",
		diag.APIGwREST:  "Lambda proxy: return headers: {'Access-Control-Allow-Origin': origin} in every response (and on exceptions); non-proxy: add method.response.header.Access-Control-Allow-Origin to each integration response.",
		diag.LambdaPy:   "return {'statusCode': 200, 'headers': {'Access-Control-Allow-Origin': origin, 'Vary': 'Origin'}, 'body': ...}",
		diag.LambdaNode: "return { statusCode: 200, headers: { 'Access-Control-Allow-Origin': origin, Vary: 'Origin' }, body };",
	},
	Check: func(p *diag.Pass) {
		pb := playbook(p)
		if pb == nil {
			return
		}
		for _, inv := range pb.Invokes {
			if inv.Err != "" {
				continue
			}
			if invokeAllowOrigin(inv) == "" {
				reportPB(p, pb, fmt.Sprintf("TestInvokeMethod %s %s answered %d without Access-Control-Allow-Origin", inv.Method, inv.Path, inv.Status),
					fmt.Sprintf("run: aws apigateway test-invoke-method --rest-api-id %s --resource-id RESOURCE_ID --http-method %s --headers Origin=https://app.example.com", pb.APIID, inv.Method))
			}
		}
	},
}
