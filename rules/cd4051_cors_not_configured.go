package rules

import (
	"fmt"
	"strings"

	"github.com/corsdoctor/corsdoctor/apimodel"
	"github.com/corsdoctor/corsdoctor/diag"
)

// CD4051 is the playbook's diagnosis 2: CORS is not set up the way the
// API's type needs (HTTP: API-level configuration; REST: an OPTIONS method
// per resource).
var cd4051 = &diag.Rule{
	ID:       "CD4051",
	Needs:    diag.NeedsPlaybook | diag.NeedsAPIs,
	Name:     "cors-missing-for-api-type",
	Severity: diag.Error,
	Rank:     12,
	Since:    "0.1.0",
	Title:    "CORS is not configured the way this API type needs",
	Doc: `Diagnosis 2 of the playbook. HTTP APIs configure CORS once, at API level
(CorsConfiguration); API Gateway then answers every preflight itself. REST APIs have
no API-level switch: every resource that browsers call with a non-simple method or
header needs its own OPTIONS method (the console's "Enable CORS" is per resource and
not recursive). A missing OPTIONS method answers the preflight 403 "Missing
Authentication Token" without CORS headers.

See https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-vs-rest.html`,
	Fix: map[diag.Platform]string{
		diag.Generic:   "Configure CORS for every path the browser calls.",
		diag.APIGwREST: "Add an OPTIONS method to each listed resource (console: Enable CORS per resource; SAM: Cors on AWS::Serverless::Api generates them), then deploy. CloudFormation: AWS::ApiGateway::Method HttpMethod: OPTIONS, AuthorizationType: NONE, Integration: {Type: MOCK, RequestTemplates: {application/json: '{\"statusCode\": 200}'}, IntegrationResponses: [{StatusCode: 200, ResponseParameters: {method.response.header.Access-Control-Allow-Origin: \"'https://app.example.com'\", ...}}]}",
		diag.APIGwHTTP: "aws apigatewayv2 update-api --api-id {{api_id}} --cors-configuration AllowOrigins=https://app.example.com,AllowMethods=GET,POST,PUT,DELETE,AllowHeaders=content-type,authorization,MaxAge=3600\nCloudFormation: AWS::ApiGatewayV2::Api CorsConfiguration: {AllowOrigins: [https://app.example.com], AllowMethods: [GET, POST, PUT, DELETE], AllowHeaders: [content-type, authorization]}",
	},
	Check: func(p *diag.Pass) {
		pb := playbook(p)
		if pb == nil {
			return
		}
		api := liveAPI(p, pb)
		if api == nil {
			return
		}
		if api.Kind == apimodel.HTTP {
			if api.Cors == nil {
				reportPB(p, pb, fmt.Sprintf("HTTP API %s has no CorsConfiguration: API Gateway does not answer preflights, so they reach the routes (404, or 401 from an authorizer)", pb.APIID),
					fmt.Sprintf("run: aws apigatewayv2 update-api --api-id %s --region %s --cors-configuration AllowOrigins=https://app.example.com,AllowMethods=GET,POST,PUT,DELETE,AllowHeaders=content-type,authorization", pb.APIID, pb.Region))
			}
			return
		}
		var missing []string
		for _, res := range api.Resources {
			if len(res.Methods) > 0 && res.Method("OPTIONS") == nil && res.Method("ANY") == nil {
				missing = append(missing, res.Path)
			}
		}
		if len(missing) == 0 {
			return
		}
		ev := []string{"resources without OPTIONS: " + strings.Join(missing, ", ")}
		ev = append(ev, fmt.Sprintf("run: aws apigateway put-method --rest-api-id %s --resource-id RESOURCE_ID --http-method OPTIONS --authorization-type NONE (then put-integration --type MOCK, put-method-response, put-integration-response, create-deployment)", pb.APIID))
		reportPB(p, pb, fmt.Sprintf("REST API %s: %d resource(s) have methods but no OPTIONS method, so their preflights fail with 403 Missing Authentication Token", pb.APIID, len(missing)), ev...)
	},
}
