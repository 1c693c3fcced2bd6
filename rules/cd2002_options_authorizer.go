package rules

import (
	"fmt"

	"github.com/corsdoctor/corsdoctor/apimodel"
	"github.com/corsdoctor/corsdoctor/diag"
	"github.com/corsdoctor/corsdoctor/evidence"
)

// CD2002 fires when the method or route answering OPTIONS requires
// authorization.
var cd2002 = &diag.Rule{
	ID: "CD2002", Needs: diag.NeedsAPIs, Name: "options-authorizer", Severity: diag.Error, Rank: 201, Since: "0.1.0",
	Title: "OPTIONS preflight requires an authorizer or IAM",
	Doc: `Browsers never send credentials (Authorization, cookies) on the OPTIONS
preflight, so an authorizer, Cognito or IAM on OPTIONS always rejects it: 401/403
from API Gateway, and Chrome reports "Response to preflight request doesn't pass
access control check: It does not have HTTP ok status" (or no ACAO header).
Common sources: SAM Auth.DefaultAuthorizer with Cors (AddDefaultAuthorizerToCorsPreflight
defaults to true), CDK defaultMethodOptions leaking into the CORS OPTIONS method, a
global OpenAPI security requirement, and on HTTP APIs an authorizer on $default or
ANY /{proxy+} without a CORS configuration.

Before:  OPTIONS /items  AuthorizationType: CUSTOM
After:   OPTIONS /items  AuthorizationType: NONE

See https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-cors.html`,
	Fix: map[diag.Platform]string{
		diag.Generic: "Make the OPTIONS method public (no authorizer, no IAM, no API key); authorize the actual methods only.",
		diag.APIGwREST: awsFix(
			"aws apigateway update-method --rest-api-id {{api_id}} --resource-id RES --http-method OPTIONS --patch-operations op=replace,path=/authorizationType,value=NONE; then create-deployment",
			"AuthorizationType: NONE on the OPTIONS AWS::ApiGateway::Method; in SAM set Auth.AddDefaultAuthorizerToCorsPreflight: false on the AWS::Serverless::Api",
			"authorization = \"NONE\" on the OPTIONS aws_api_gateway_method, then redeploy"),
		diag.APIGwHTTP: awsFix(
			"aws apigatewayv2 update-api --api-id {{api_id}} --cors-configuration AllowOrigins=https://app.example.com,... (API Gateway then answers preflights before routing), or create an unauthorized OPTIONS /{proxy+} route with an integration",
			"set CorsConfiguration on the AWS::ApiGatewayV2::Api / AWS::Serverless::HttpApi, or add an AWS::ApiGatewayV2::Route 'OPTIONS /{proxy+}' with AuthorizationType NONE",
			"add cors_configuration to aws_apigatewayv2_api, or an aws_apigatewayv2_route \"OPTIONS /{proxy+}\" with authorization_type = \"NONE\""),
	},
	Check: func(p *diag.Pass) {
		for _, api := range p.APIs() {
			if api.Kind != apimodel.REST {
				continue
			}
			var g byLoc
			what := map[evidence.Source]*apimodel.Method{}
			proofs := map[evidence.Source]*proof{}
			for _, res := range api.Resources {
				for _, m := range res.Methods {
					if m.HTTPMethod != "OPTIONS" && !(m.HTTPMethod == "ANY" && res.Method("OPTIONS") == nil && corsEnabled(api)) {
						continue
					}
					if m.Authorized() != apimodel.TriYes {
						continue
					}
					pr := proveMethod(p, api, res, firstOther(res), apimodel.Success, forcePreflight)
					if pr == nil {
						continue
					}
					if proofs[m.AuthorizationType.Source] == nil {
						proofs[m.AuthorizationType.Source] = pr
					}
					g.add(m.AuthorizationType.Source, m.HTTPMethod+" "+res.Path)
					what[m.AuthorizationType.Source] = m
				}
			}
			g.each(func(loc evidence.Source, items string) {
				m := what[loc]
				how := ""
				if m.Generated == "sam-cors" {
					how = " (SAM adds Auth.DefaultAuthorizer " + m.AuthorizerID + " to the OPTIONS methods it generates for Cors, because AddDefaultAuthorizerToCorsPreflight is not false)"
				}
				reportAPI(p, api, loc, fmt.Sprintf("%s of %s %s %s authorization%s; the browser's preflight carries no credentials, so API Gateway rejects it with 401/403 and the real request is never sent",
					items, apiName(api), verb(items, "requires", "require"), m.AuthorizationType.S, how), proofs[loc].evidence()...)
			})
		}
		for _, api := range p.APIs() {
			if api.Kind != apimodel.HTTP || api.Cors != nil {
				continue
			}
			for _, r := range api.Routes {
				if r.Method != "OPTIONS" && r.Method != "ANY" && r.Key != "$default" {
					continue
				}
				if r.Authorized() != apimodel.TriYes {
					continue
				}
				pr := proveRoute(p, api, r, apimodel.Success, forcePreflight)
				if pr == nil {
					continue
				}
				reportAPI(p, api, r.Source, fmt.Sprintf("route %s of %s catches OPTIONS preflights and requires %s authorization, and the API has no CORS configuration: preflights get 401",
					r.Key, apiName(api), r.AuthorizationType.S), pr.evidence()...)
			}
		}
	},
}

// firstOther returns the first method of a resource that is not OPTIONS
// (the request a page sends there), or nil.
func firstOther(res *apimodel.Resource) *apimodel.Method {
	for _, m := range res.Methods {
		if m.HTTPMethod != "OPTIONS" {
			return m
		}
	}
	return nil
}
