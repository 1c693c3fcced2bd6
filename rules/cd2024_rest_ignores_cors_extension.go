package rules

import (
	"fmt"
	"strings"

	"github.com/corsdoctor/corsdoctor/apimodel"
	"github.com/corsdoctor/corsdoctor/diag"
)

// CD2024 fires when a REST API's OpenAPI definition configures CORS with
// x-amazon-apigateway-cors, which only HTTP APIs read.
var cd2024 = &diag.Rule{
	ID: "CD2024", Needs: diag.NeedsAPIs, Name: "rest-ignores-cors-extension", Severity: diag.Error, Rank: 201, Since: "0.2.0",
	Title: "x-amazon-apigateway-cors in a REST API definition (REST ignores it)",
	Doc: `x-amazon-apigateway-cors is the HTTP API (API Gateway v2) CORS configuration:
"The x-amazon-apigateway-cors object ... is supported only for HTTP APIs" (API
Gateway developer guide, OpenAPI extensions). A REST API imported from the same
document ignores it: no OPTIONS method is created and no header is added, so CORS is
not configured at all and every preflighted request (PUT, DELETE, JSON POST,
Authorization) fails with 403 Missing Authentication Token. corsdoctor decides that
the definition is a REST API from evidence: the resource that embeds it
(AWS::ApiGateway::RestApi, AWS::Serverless::Api, aws_api_gateway_rest_api) or
REST-only integration settings (type aws or mock, requestTemplates,
passthroughBehavior, integration responses).

Before:  AWS::Serverless::Api with DefinitionBody: {x-amazon-apigateway-cors: {...}}
After:   SAM Cors: {AllowOrigin: "'https://app.example.com'", ...} (or an OPTIONS
         method per path), or an HTTP API (AWS::Serverless::HttpApi)`,
	Fix: map[diag.Platform]string{
		diag.Generic: "Configure CORS the REST way: an OPTIONS method (MOCK) per resource with the Access-Control-Allow-* mappings, and Access-Control-Allow-Origin on the methods' responses; or move the API to an HTTP API, which reads x-amazon-apigateway-cors.",
		diag.APIGwREST: awsFix("aws apigateway put-method --http-method OPTIONS ... (or the console's Enable CORS on each resource), then create-deployment",
			"replace x-amazon-apigateway-cors with SAM Cors on the AWS::Serverless::Api, or add an options operation with a mock x-amazon-apigateway-integration to each path",
			"add OPTIONS aws_api_gateway_method/integration resources (or options operations in the body) and redeploy"),
	},
	Check: func(p *diag.Pass) {
		for _, api := range p.APIs() {
			c := api.IgnoredCors
			if api.Kind != apimodel.REST || c == nil {
				continue
			}
			var origins []string
			for _, v := range c.AllowOrigins {
				origins = append(origins, v.String())
			}
			// A request the extension was meant to allow: a preflighted
			// one to the first resource without an OPTIONS method.
			var pr *proof
			for _, res := range api.Resources {
				if pr == nil && res.Method("OPTIONS") == nil {
					pr = proveMethod(p, api, res, firstOther(res), apimodel.Success, forcePreflight)
				}
			}
			ev := []string{"x-amazon-apigateway-cors allowOrigins [" + strings.Join(origins, ", ") + "] at " + c.Source.String()}
			if pr != nil {
				ev = append(ev, pr.evidence()...)
			}
			reportAPI(p, api, c.Source, fmt.Sprintf("%s is a REST API, which ignores x-amazon-apigateway-cors (an HTTP API setting): CORS is not configured, no OPTIONS method answers preflights, and JSON, PUT, DELETE or authorized requests from a page fail", apiName(api)), ev...)
		}
	},
}
