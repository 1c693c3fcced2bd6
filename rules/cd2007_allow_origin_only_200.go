package rules

import (
	"fmt"
	"strings"

	"github.com/corsdoctor/corsdoctor/apimodel"
	"github.com/corsdoctor/corsdoctor/diag"
)

// CD2007 fires when a non-proxy method maps Access-Control-Allow-Origin on
// its success response but not on its error responses.
var cd2007 = &diag.Rule{
	ID: "CD2007", Needs: diag.NeedsAPIs, Name: "allow-origin-only-on-success", Severity: diag.Warning, Rank: 206, Since: "0.1.0",
	Title: "Non-proxy method maps Access-Control-Allow-Origin only on its success response",
	Doc: `"Enable CORS" adds Access-Control-Allow-Origin to the 200 integration response
of non-proxy methods only. Every other integration response (400, 404, 500
selection patterns) returns without it, so the page sees a CORS error instead of the
real error status and message.

Before:  200 -> ACAO '*';  400 -> (none);  500 -> (none)
After:   every integration response maps ACAO`,
	Fix: map[diag.Platform]string{
		diag.Generic: "Map Access-Control-Allow-Origin on every integration response of the method, not only 200.",
		diag.APIGwREST: awsFix(
			"aws apigateway put-method-response / put-integration-response for each error status with method.response.header.Access-Control-Allow-Origin; create-deployment",
			"add method.response.header.Access-Control-Allow-Origin to every IntegrationResponses entry and MethodResponses entry",
			"add the header to response_parameters of every aws_api_gateway_integration_response and aws_api_gateway_method_response of the method"),
	},
	Check: func(p *diag.Pass) {
		eachMethod(p, func(api *apimodel.API, res *apimodel.Resource, m *apimodel.Method) {
			if m.HTTPMethod == "OPTIONS" || m.Integration == nil || m.Integration.Type.IsProxy() || m.Integration.Type == apimodel.Mock {
				return
			}
			var with bool
			var without []string
			for _, ir := range m.Integration.Responses {
				if _, ok := ir.Header("Access-Control-Allow-Origin"); ok {
					with = true
				} else {
					without = append(without, ir.StatusCode)
				}
			}
			if !with || len(without) == 0 {
				return
			}
			ev := []string{}
			if pr := proveActual(p, api, res, m, nil, apimodel.BackendError, nil, missingOrigin...); pr != nil {
				ev = pr.evidence()
			} else {
				// The simulation maps backend errors to the 5xx
				// integration response; a 4xx pattern needs its own
				// request, so show the mapping instead.
				for _, ir := range m.Integration.Responses {
					if _, ok := ir.Header("Access-Control-Allow-Origin"); !ok {
						ev = append(ev, fmt.Sprintf("integration response %s (pattern %q) maps no Access-Control-Allow-Origin: the browser blocks that response (MissingAllowOriginHeader)", ir.StatusCode, ir.StatusPattern))
					}
				}
			}
			reportAPI(p, api, m.Source, fmt.Sprintf("%s %s of %s maps Access-Control-Allow-Origin on some integration responses but not on %s: those errors reach the page as CORS failures",
				m.HTTPMethod, res.Path, apiName(api), strings.Join(without, ", ")), ev...)
		})
	},
}
