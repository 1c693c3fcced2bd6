package rules

import (
	"fmt"

	"github.com/corsdoctor/corsdoctor/apimodel"
	"github.com/corsdoctor/corsdoctor/diag"
)

// cd2028 fires when a non-proxy method (AWS, HTTP or MOCK integration) of
// a REST API that serves browsers maps Access-Control-Allow-Origin on
// none of its integration responses.
//
// Behaviour implemented: for a non-proxy integration API Gateway builds
// the response from the integration response's mappings only, so the
// header reaches the page only when a mapping (or a response template's
// $context.responseOverride.header) sets it. The AWS developer guide
// ("CORS for REST APIs in API Gateway",
// https://docs.aws.amazon.com/apigateway/latest/developerguide/how-to-cors.html)
// says the actual response of a cross-origin request must carry
// Access-Control-Allow-Origin, and that for non-proxy integrations the
// header is set up in the method's method and integration responses, next
// to the OPTIONS method. An OPTIONS method alone (CDK
// defaultCorsPreflightOptions / addCorsPreflight, which "adds an OPTIONS
// method", SAM Cors, a hand-written MOCK) answers the preflight only.
// CD2007 covers a method that maps the header on some responses.
var cd2028 = &diag.Rule{
	ID: "CD2028", Needs: diag.NeedsAPIs, Name: "non-proxy-no-allow-origin", Severity: diag.Error, Rank: 207, Since: "0.2.0",
	Title: "Non-proxy method maps Access-Control-Allow-Origin on no response",
	Doc: `With a non-proxy integration (AWS service, HTTP, MOCK) API Gateway builds the
response from the integration response mappings: nothing the backend returns
reaches the page unless it is mapped. The OPTIONS method that CDK's
defaultCorsPreflightOptions / addCorsPreflight, SAM Cors or a hand-written MOCK
adds answers the preflight only; the actual GET or POST of the same resource still
needs Access-Control-Allow-Origin in its own integration and method responses.
Without it the preflight passes and the request itself fails with "No
'Access-Control-Allow-Origin' header is present on the requested resource".

Before:  OPTIONS -> ACAO '*';   POST (AWS SQS) 200 -> (no mapping)
After:   POST 200/400/500 integration responses map ACAO '*' (method responses declare it)`,
	Fix: map[diag.Platform]string{
		diag.Generic: "Map Access-Control-Allow-Origin on every integration response of the method (and declare it in the method responses).",
		diag.APIGwREST: awsFix(
			"aws apigateway put-method-response --rest-api-id {{api_id}} --resource-id RES --http-method METHOD --status-code 200 --response-parameters method.response.header.Access-Control-Allow-Origin=false; put-integration-response --rest-api-id {{api_id}} --resource-id RES --http-method METHOD --status-code 200 --response-parameters '{\"method.response.header.Access-Control-Allow-Origin\":\"'\"'\"'https://app.example.com'\"'\"'\"}' (each status); create-deployment",
			"add method.response.header.Access-Control-Allow-Origin to every IntegrationResponses entry's ResponseParameters and to MethodResponses (CDK: integrationResponses[].responseParameters and methodResponses[].responseParameters)",
			"add the header to response_parameters of every aws_api_gateway_integration_response and aws_api_gateway_method_response of the method"),
	},
	Check: func(p *diag.Pass) {
		eachMethod(p, func(api *apimodel.API, res *apimodel.Resource, m *apimodel.Method) {
			in := m.Integration
			if m.HTTPMethod == "OPTIONS" || in == nil || in.Type.IsProxy() || len(in.Responses) == 0 || !corsEnabled(api) {
				return
			}
			for _, ir := range in.Responses {
				if _, ok := ir.Header("Access-Control-Allow-Origin"); ok || ir.TemplateSetsHeader("Access-Control-Allow-Origin") {
					return
				}
			}
			pr := proveActual(p, api, res, m, nil, apimodel.Success, nil, missingOrigin...)
			if pr == nil {
				return
			}
			reportAPI(p, api, m.Source, fmt.Sprintf("%s %s of %s has a non-proxy %s integration whose integration responses map no Access-Control-Allow-Origin: the API answers the preflight, but every actual response reaches the browser without the header",
				m.HTTPMethod, res.Path, apiName(api), in.Type), pr.evidence()...)
		})
	},
}
