package rules

import (
	"fmt"
	"strings"

	"github.com/corsdoctor/corsdoctor/apimodel"
	"github.com/corsdoctor/corsdoctor/diag"
)

// CD2006 fires when an integration response maps a CORS header that the
// method response for that status does not declare.
var cd2006 = &diag.Rule{
	ID: "CD2006", Needs: diag.NeedsAPIs, Name: "method-response-undeclared", Severity: diag.Error, Rank: 205, Since: "0.1.0",
	Title: "Integration response maps a CORS header the method response does not declare",
	Doc: `API Gateway only returns a header from an integration response mapping when the
method response for the same status declares it (method.response.header.NAME: true).
Deploying an undeclared mapping fails ("Invalid mapping expression specified"), and a
method response for the status that is missing altogether means the status is not
returned as configured.

Before:  MethodResponses: [{StatusCode: 200}]
After:   MethodResponses: [{StatusCode: 200, ResponseParameters: {method.response.header.Access-Control-Allow-Origin: true}}]`,
	Fix: map[diag.Platform]string{
		diag.Generic: "Declare every mapped header in the method response of the same status code.",
		diag.APIGwREST: awsFix(
			"aws apigateway put-method-response --rest-api-id {{api_id}} --resource-id RES --http-method METHOD --status-code 200 --response-parameters method.response.header.Access-Control-Allow-Origin=false",
			"add method.response.header.NAME: true to MethodResponses[].ResponseParameters for that StatusCode",
			"add \"method.response.header.NAME\" = true to response_parameters of the aws_api_gateway_method_response for that status_code"),
	},
	Check: func(p *diag.Pass) {
		eachMethod(p, func(api *apimodel.API, res *apimodel.Resource, m *apimodel.Method) {
			if m.Integration == nil || m.Integration.Type.IsProxy() || m.MethodResponses == nil && api.Format == "aws" {
				return
			}
			for _, ir := range m.Integration.Responses {
				var missing []string
				mr := m.MethodResponses[ir.StatusCode]
				for _, k := range apimodel.SortedKeys(ir.ResponseParameters) {
					h, ok := strings.CutPrefix(k, "method.response.header.")
					if !ok || !strings.HasPrefix(strings.ToLower(h), "access-control-") {
						continue
					}
					if mr == nil || !mr.Declares(h) {
						missing = append(missing, h)
					}
				}
				if len(missing) == 0 {
					continue
				}
				what := "the " + ir.StatusCode + " method response does not declare " + strings.Join(missing, ", ")
				if mr == nil {
					what = "there is no " + ir.StatusCode + " method response declaring " + strings.Join(missing, ", ")
				}
				reportAPI(p, api, ir.Source, fmt.Sprintf("%s %s of %s maps CORS headers for status %s, but %s: the deployment fails or the headers are not returned",
					m.HTTPMethod, res.Path, apiName(api), ir.StatusCode, what))
			}
		})
	},
}
