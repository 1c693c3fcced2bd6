package rules

import (
	"fmt"
	"strings"

	"github.com/corsdoctor/corsdoctor/apimodel"
	"github.com/corsdoctor/corsdoctor/cors"
	"github.com/corsdoctor/corsdoctor/diag"
)

// CD2011 fires when "*" is allowed together with credentials.
var cd2011 = &diag.Rule{
	ID: "CD2011", Needs: diag.NeedsAPIs, Name: "wildcard-origin-with-credentials", Severity: diag.Error, Rank: 210, Since: "0.1.0",
	Title: "Access-Control-Allow-Origin \"*\" together with Allow-Credentials",
	Doc: `A credentialed request (cookies, fetch credentials: 'include') is blocked when
Access-Control-Allow-Origin is "*": "The value of the 'Access-Control-Allow-Origin'
header in the response must not be the wildcard '*' when the request's credentials
mode is 'include'". HTTP APIs reject the configuration at deploy time ("allow-credentials
is not supported if 'allow-origin' is *"). Do not "fix" it by reflecting any origin
(CD2012); list the trusted origins.

Before:  AllowOrigins: ["*"], AllowCredentials: true
After:   AllowOrigins: ["https://app.example.com"], AllowCredentials: true`,
	Fix: map[diag.Platform]string{
		diag.Generic:   "Replace \"*\" with the exact trusted origins, or drop credentials.",
		diag.APIGwREST: "Map Access-Control-Allow-Origin to the exact origin (\"'https://app.example.com'\"), not \"'*'\", wherever Access-Control-Allow-Credentials is 'true'.",
		diag.APIGwHTTP: awsFix("aws apigatewayv2 update-api --api-id {{api_id}} --cors-configuration AllowOrigins=https://app.example.com,AllowCredentials=true", "CorsConfiguration: {AllowOrigins: [https://app.example.com], AllowCredentials: true}", "cors_configuration { allow_origins = [\"https://app.example.com\"] allow_credentials = true }"),
		diag.LambdaURL: awsFix("aws lambda update-function-url-config --function-name FN --cors AllowOrigins=https://app.example.com,AllowCredentials=true", "AWS::Lambda::Url Cors: {AllowOrigins: [https://app.example.com], AllowCredentials: true}", "aws_lambda_function_url cors { allow_origins = [\"https://app.example.com\"] allow_credentials = true }"),
	},
	Check: func(p *diag.Pass) {
		for _, api := range p.APIs() {
			codeWildcardCredentials(p, api)
		}
		for _, api := range p.APIs() {
			credLoc, cred := credentialsAllowed(api)
			if !cred {
				continue
			}
			originValues(api, func(o string, v apimodel.Value, where string) {
				if o == "*" {
					pr := proveAnyWith(p, api, func(r *cors.Request) *cors.Request { return withCredentials(withOrigin(defaultOrigin)(r)) },
						cors.WildcardOriginNotAllowed, cors.PreflightWildcardOriginNotAllowed)
					if pr == nil {
						return
					}
					reportAPI(p, api, v.Source, fmt.Sprintf("%s allows origin \"*\" (%s) and credentials (%s): browsers block every credentialed request", apiName(api), where, credLoc), pr.evidence()...)
				}
			})
		}
	},
}

// codeWildcardCredentials reports handler responses that send
// Access-Control-Allow-Origin: * together with
// Access-Control-Allow-Credentials: true (behind proxy integrations, where
// the function's headers reach the browser).
func codeWildcardCredentials(p *diag.Pass, api *apimodel.API) {
	if api.Cors != nil {
		return // the CORS configuration replaces the function's headers
	}
	seen := map[*apimodel.Function]bool{}
	check := func(fn *apimodel.Function, res *apimodel.Resource, m *apimodel.Method, r *apimodel.Route) {
		if fn == nil || seen[fn] {
			return
		}
		for _, cr := range fn.Responses {
			if cr.AllowOriginValue != "*" || cr.AllowCredentials != apimodel.TriYes || !strings.HasPrefix(cr.Status, "2") {
				continue
			}
			pr := proveActual(p, api, res, m, r, apimodel.Success, withCredentials, cors.WildcardOriginNotAllowed)
			if pr == nil {
				return
			}
			seen[fn] = true
			reportAPI(p, api, cr.Source, fmt.Sprintf("function %s of %s returns Access-Control-Allow-Origin \"*\" with Access-Control-Allow-Credentials: true: browsers block every credentialed request (%s)", fn.ID, apiName(api), fn.Parser), pr.evidence()...)
			return
		}
	}
	for _, res := range api.Resources {
		for _, m := range res.Methods {
			if m.HTTPMethod != "OPTIONS" && m.Integration != nil && m.Integration.Type.IsProxy() {
				check(m.Integration.Function, res, m, nil)
			}
		}
	}
	for _, r := range api.Routes {
		if r.Integration != nil {
			check(r.Integration.Function, nil, nil, r)
		}
	}
	if api.Kind == apimodel.FunctionURL {
		check(api.Function, nil, nil, nil)
	}
}
