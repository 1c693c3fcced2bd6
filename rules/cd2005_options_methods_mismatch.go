package rules

import (
	"fmt"
	"strings"

	"github.com/corsdoctor/corsdoctor/apimodel"
	"github.com/corsdoctor/corsdoctor/diag"
)

// CD2005 fires when the static Access-Control-Allow-Methods of an OPTIONS
// method omits a method the resource serves.
var cd2005 = &diag.Rule{
	ID: "CD2005", Needs: diag.NeedsAPIs, Name: "options-methods-mismatch", Severity: diag.Error, Rank: 204, Since: "0.1.0",
	Title: "OPTIONS Access-Control-Allow-Methods omits a method of the resource",
	Doc: `Access-Control-Allow-Methods in the preflight answer must list every
non-safelisted method the page uses on that resource. A method added later (DELETE
next to GET/PUT) but not to the OPTIONS mapping fails with "Method DELETE is not
allowed by Access-Control-Allow-Methods in preflight response".

Before:  methods GET, PUT, DELETE; ACAM 'GET,PUT,OPTIONS'
After:   ACAM 'GET,PUT,DELETE,OPTIONS'`,
	Fix: map[diag.Platform]string{
		diag.Generic: "List every method of the resource in the OPTIONS Access-Control-Allow-Methods value.",
		diag.APIGwREST: awsFix(
			"aws apigateway update-integration-response --rest-api-id {{api_id}} --resource-id RES --http-method OPTIONS --status-code 200 --patch-operations op=replace,path=/responseParameters/method.response.header.Access-Control-Allow-Methods,value=\"'GET,PUT,DELETE,OPTIONS'\"; create-deployment",
			"update method.response.header.Access-Control-Allow-Methods in the OPTIONS IntegrationResponses (SAM: Cors.AllowMethods)",
			"update response_parameters of the OPTIONS aws_api_gateway_integration_response"),
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
			v, ok := ir.Header("Access-Control-Allow-Methods")
			if !ok {
				return
			}
			allowed, ok := staticList(v)
			if !ok || containsFold(allowed, "*") {
				return
			}
			var missing []string
			for _, o := range res.Methods {
				switch o.HTTPMethod {
				case "", "OPTIONS", "GET", "HEAD", "POST":
					// "": an event without its Method (found by FuzzIaCRules).
					continue
				case "ANY":
					for _, x := range []string{"PUT", "PATCH", "DELETE"} {
						if !containsFold(allowed, x) {
							missing = append(missing, x+" (via ANY)")
						}
					}
					continue
				}
				if !containsFold(allowed, o.HTTPMethod) {
					missing = append(missing, o.HTTPMethod)
				}
			}
			if len(missing) == 0 {
				return
			}
			m0 := res.Method(strings.Fields(missing[0])[0])
			if m0 == nil {
				m0 = res.Method("ANY")
			}
			pr := proveMethod(p, api, res, m0, apimodel.Success, nil)
			if pr == nil {
				return
			}
			miss := strings.Join(missing, ", ")
			g.add(api, v.Source, miss, "OPTIONS "+res.Path, func(paths string) string {
				return fmt.Sprintf("%s of %s %s %s, but the resource also serves %s: browsers block those requests at the preflight", paths, apiName(api), verb(paths, "allows", "allow"), v.S, miss)
			}, append([]string{methodsList(res)}, pr.evidence()...)...)
		})
	},
}
