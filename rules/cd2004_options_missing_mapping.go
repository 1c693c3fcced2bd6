package rules

import (
	"fmt"
	"strings"

	"github.com/corsdoctor/corsdoctor/apimodel"
	"github.com/corsdoctor/corsdoctor/diag"
)

// CD2004 fires when a non-proxy OPTIONS integration response lacks one of
// the Access-Control-Allow-* mappings the resource's methods need.
var cd2004 = &diag.Rule{
	ID: "CD2004", Needs: diag.NeedsAPIs, Name: "options-missing-header-mapping", Severity: diag.Error, Rank: 203, Since: "0.1.0",
	Title: "OPTIONS integration response lacks an Access-Control-Allow-* mapping",
	Doc: `A MOCK (or other non-proxy) OPTIONS method only returns the headers its
integration response maps. Without Access-Control-Allow-Origin the preflight fails
outright; without Access-Control-Allow-Methods, PUT/PATCH/DELETE fail ("Method PUT is
not allowed by Access-Control-Allow-Methods"); without Access-Control-Allow-Headers,
requests with Authorization or Content-Type: application/json fail.

Before:  responseParameters: {method.response.header.Access-Control-Allow-Origin: "'*'"}
After:   + method.response.header.Access-Control-Allow-Methods: "'GET,PUT,OPTIONS'"
         + method.response.header.Access-Control-Allow-Headers: "'Content-Type,Authorization'"`,
	Fix: map[diag.Platform]string{
		diag.Generic: "Map Access-Control-Allow-Origin, Access-Control-Allow-Methods and Access-Control-Allow-Headers in the OPTIONS integration response (and declare them in the 200 method response).",
		diag.APIGwREST: awsFix(
			"aws apigateway put-integration-response --rest-api-id {{api_id}} --resource-id RES --http-method OPTIONS --status-code 200 --response-parameters '{\"method.response.header.Access-Control-Allow-Methods\":\"'\"'\"'GET,PUT,OPTIONS'\"'\"'\"}' (declare the header first with put-method-response); create-deployment",
			"add the missing method.response.header.Access-Control-Allow-* keys to Integration.IntegrationResponses[].ResponseParameters and MethodResponses[].ResponseParameters of the OPTIONS method",
			"add the keys to response_parameters of the OPTIONS aws_api_gateway_integration_response and aws_api_gateway_method_response"),
	},
	Check: func(p *diag.Pass) {
		var g grouper
		defer g.flush(p)
		eachMethod(p, func(api *apimodel.API, res *apimodel.Resource, m *apimodel.Method) {
			if m.HTTPMethod != "OPTIONS" {
				return
			}
			ir := optionsResponse(m)
			if ir == nil {
				return
			}
			need := []string{"Access-Control-Allow-Origin"}
			for _, o := range res.Methods {
				if o.HTTPMethod != "OPTIONS" && o.HTTPMethod != "GET" && o.HTTPMethod != "HEAD" && o.HTTPMethod != "POST" {
					need = append(need, "Access-Control-Allow-Methods")
					break
				}
			}
			need = append(need, "Access-Control-Allow-Headers")
			var missing []string
			for _, h := range need {
				if _, ok := ir.Header(h); !ok {
					missing = append(missing, h)
				}
			}
			if len(missing) == 0 {
				return
			}
			// A request that needs the missing headers: the resource's
			// method with a JSON body (Access-Control-Allow-Headers).
			pr := proveMethod(p, api, res, firstOther(res), apimodel.Success, forcePreflight)
			if pr == nil {
				return
			}
			var have []string
			for _, k := range apimodel.SortedKeys(ir.ResponseParameters) {
				have = append(have, "  "+k+" = "+ir.ResponseParameters[k].String())
			}
			if len(have) == 0 {
				have = []string{"  (no response parameters)"}
			}
			miss := strings.Join(missing, ", ")
			g.add(api, ir.Source, miss, "OPTIONS "+res.Path, func(paths string) string {
				return fmt.Sprintf("%s of %s %s %s, so the preflight response lacks %s", paths, apiName(api), verb(paths, "does not map", "do not map"), miss, plural(len(missing), "that header", "those headers"))
			}, append(append([]string{"integration response " + ir.StatusCode + ":"}, have...), pr.evidence()...)...)
		})
	},
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
