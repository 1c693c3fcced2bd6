package rules

import (
	"fmt"
	"strings"

	"github.com/corsdoctor/corsdoctor/apimodel"
	"github.com/corsdoctor/corsdoctor/diag"
)

// CD2001 fires when a REST resource serves methods that need a preflight
// but has no OPTIONS method (and no ANY that could answer it).
var cd2001 = &diag.Rule{
	ID: "CD2001", Needs: diag.NeedsAPIs, Name: "rest-missing-options", Severity: diag.Error, Rank: 200, Since: "0.1.0",
	Title: "Resource or route with non-simple methods has no OPTIONS method",
	Doc: `Browsers send an OPTIONS preflight before PUT, PATCH and DELETE, before any
request carrying Authorization or a JSON Content-Type, and before custom headers.
A REST API resource without an OPTIONS method answers that preflight with the
MISSING_AUTHENTICATION_TOKEN gateway response: 403 {"message":"Missing
Authentication Token"} without CORS headers, and Chrome reports "Response to
preflight request doesn't pass access control check". The console's "Enable CORS"
is per resource and not recursive, so child resources are a classic miss.

Before:  /items/{id}: GET, PUT, DELETE        (no OPTIONS)
After:   /items/{id}: GET, PUT, DELETE, OPTIONS (MOCK, 200, Access-Control-Allow-*)

HTTP APIs without a CORS configuration behave alike: a browser-facing function (one
that sets Access-Control-Allow-Origin itself) behind a PUT or authorized route with no
OPTIONS, ANY or $default route gets its preflight answered 404 Not Found.

See https://docs.aws.amazon.com/apigateway/latest/developerguide/how-to-cors.html`,
	Fix: map[diag.Platform]string{
		diag.Generic: "Add an OPTIONS method to the resource that answers 200 with Access-Control-Allow-Origin, -Methods and -Headers, without authorization, then redeploy.",
		diag.APIGwREST: awsFix(
			"aws apigateway put-method --rest-api-id {{api_id}} --resource-id RES --http-method OPTIONS --authorization-type NONE; put-integration --type MOCK --request-templates '{\"application/json\":\"{\\\"statusCode\\\": 200}\"}'; put-method-response / put-integration-response with the three Access-Control-Allow-* headers; create-deployment",
			"add an AWS::ApiGateway::Method with HttpMethod OPTIONS, AuthorizationType NONE, a MOCK Integration whose IntegrationResponses map method.response.header.Access-Control-Allow-{Origin,Methods,Headers}; with SAM set Cors on the AWS::Serverless::Api (it generates the OPTIONS methods)",
			"add aws_api_gateway_method (http_method = \"OPTIONS\", authorization = \"NONE\") with a MOCK aws_api_gateway_integration, method_response and integration_response mapping the headers, and include them in the deployment triggers"),
		diag.APIGwHTTP: awsFix(
			"aws apigatewayv2 update-api --api-id {{api_id}} --cors-configuration AllowOrigins=https://app.example.com,AllowMethods=GET,PUT,AllowHeaders=content-type,authorization (API Gateway then answers preflights itself)",
			"CorsConfiguration on the AWS::ApiGatewayV2::Api / AWS::Serverless::HttpApi",
			"cors_configuration block on aws_apigatewayv2_api"),
	},
	Check: func(p *diag.Pass) {
		for _, api := range p.APIs() {
			if api.Kind != apimodel.REST {
				continue
			}
			if !corsEnabled(api) {
				// No sign that browsers call this API (no OPTIONS, no
				// mapped Access-Control-Allow-Origin anywhere).
				continue
			}
			for _, res := range api.Resources {
				if res.Method("OPTIONS") != nil || res.Method("ANY") != nil {
					continue
				}
				var why []string
				var first *apimodel.Method
				for _, m := range res.Methods {
					n := len(why)
					switch {
					case m.HTTPMethod != "GET" && m.HTTPMethod != "HEAD" && m.HTTPMethod != "POST":
						why = append(why, m.HTTPMethod+" is not a CORS-safelisted method")
					case m.Authorized() == apimodel.TriYes:
						why = append(why, m.HTTPMethod+" requires "+m.AuthorizationType.S+" authorization, so the browser sends Authorization (not safelisted)")
					case m.APIKeyRequired == apimodel.TriYes:
						why = append(why, m.HTTPMethod+" requires an API key, sent as the non-safelisted X-Api-Key header")
					}
					if first == nil && len(why) > n {
						first = m
					}
				}
				if len(why) == 0 {
					continue
				}
				pr := proveMethod(p, api, res, first, apimodel.Success, nil)
				if pr == nil {
					continue
				}
				loc := res.Source
				if len(res.Methods) > 0 {
					loc = res.Methods[0].Source
				}
				reportAPI(p, api, loc, fmt.Sprintf("resource %s of %s has no OPTIONS method, but browsers preflight it (%s); API Gateway answers the preflight with 403 Missing Authentication Token and no CORS headers",
					res.Path, apiName(api), strings.Join(why, "; ")), append([]string{methodsList(res)}, pr.evidence()...)...)
			}
		}
		for _, api := range p.APIs() {
			if api.Kind != apimodel.HTTP || api.Cors != nil || !codeSetsOrigin(api) {
				continue
			}
			seen := map[string]bool{}
			for _, r := range api.Routes {
				if r.Key == "$default" || r.Method == "ANY" || r.Method == "OPTIONS" || seen[r.Path] {
					continue
				}
				simple := r.Method == "GET" || r.Method == "HEAD" || r.Method == "POST"
				if simple && r.Authorized() != apimodel.TriYes {
					continue
				}
				if api.FindRoute("OPTIONS", r.Path) != nil {
					continue
				}
				pr := proveRoute(p, api, r, apimodel.Success, nil)
				if pr == nil {
					continue
				}
				seen[r.Path] = true
				reportAPI(p, api, r.Source, fmt.Sprintf("%s has no CORS configuration and no route answers OPTIONS %s, but browsers preflight route %s: the preflight gets 404 Not Found without CORS headers",
					apiName(api), r.Path, r.Key), pr.evidence()...)
			}
		}
	},
}

// codeSetsOrigin reports whether some function behind the API sets
// Access-Control-Allow-Origin: the API is meant for browsers.
func codeSetsOrigin(api *apimodel.API) bool {
	for _, r := range api.Routes {
		if r.Integration != nil && r.Integration.Function != nil && r.Integration.Function.SetsAllowOrigin == apimodel.TriYes {
			return true
		}
	}
	return false
}

func methodsList(res *apimodel.Resource) string {
	var ms []string
	for _, m := range res.Methods {
		ms = append(ms, m.HTTPMethod)
	}
	return "methods on " + res.Path + ": " + strings.Join(ms, ", ")
}
