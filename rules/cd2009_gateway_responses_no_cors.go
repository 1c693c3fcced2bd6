package rules

import (
	"fmt"
	"strings"

	"github.com/corsdoctor/corsdoctor/apimodel"
	"github.com/corsdoctor/corsdoctor/cors"
	"github.com/corsdoctor/corsdoctor/diag"
	"github.com/corsdoctor/corsdoctor/evidence"
)

// gatewayTypesShown are the gateway responses a browser hits most often.
var gatewayTypesShown = []string{"UNAUTHORIZED", "ACCESS_DENIED", "MISSING_AUTHENTICATION_TOKEN", "THROTTLED", "INTEGRATION_TIMEOUT", "INTEGRATION_FAILURE"}

// CD2009 fires when a REST API that serves browsers leaves its error
// gateway responses without CORS headers.
var cd2009 = &diag.Rule{
	ID: "CD2009", Needs: diag.NeedsAPIs, Name: "gateway-responses-no-cors", Severity: diag.Warning, Rank: 208, Since: "0.1.0",
	Title: "Gateway responses (DEFAULT_4XX/DEFAULT_5XX, UNAUTHORIZED, ...) carry no CORS headers",
	Doc: `When API Gateway itself answers (authorizer denies, expired token, throttling,
missing route, integration timeout), it sends a gateway response. By default those
carry no Access-Control-Allow-Origin, so every auth, throttling or timeout error
shows up in the browser as a CORS error and the page cannot read the status
(serverless/serverless#6176, aws/serverless-application-model#717, #840).

Before:  (no GatewayResponses)
After:   DEFAULT_4XX and DEFAULT_5XX with gatewayresponse.header.Access-Control-Allow-Origin`,
	Fix: map[diag.Platform]string{
		diag.Generic: "Add Access-Control-Allow-Origin (and -Headers) to the DEFAULT_4XX and DEFAULT_5XX gateway responses, then redeploy.",
		diag.APIGwREST: awsFix(
			"aws apigateway put-gateway-response --rest-api-id {{api_id}} --response-type DEFAULT_4XX --response-parameters '{\"gatewayresponse.header.Access-Control-Allow-Origin\":\"'\"'\"'https://app.example.com'\"'\"'\"}' (same for DEFAULT_5XX); create-deployment",
			"AWS::ApiGateway::GatewayResponse with ResponseType DEFAULT_4XX / DEFAULT_5XX and ResponseParameters gatewayresponse.header.Access-Control-Allow-Origin: \"'https://app.example.com'\"; SAM: GatewayResponses: {DEFAULT_4XX: {ResponseParameters: {Headers: {Access-Control-Allow-Origin: \"'https://app.example.com'\"}}}}",
			"aws_api_gateway_gateway_response (response_type = \"DEFAULT_4XX\", response_parameters = { \"gatewayresponse.header.Access-Control-Allow-Origin\" = \"'https://app.example.com'\" }) and add it to the deployment triggers"),
	},
	Check: func(p *diag.Pass) {
		for _, api := range p.APIs() {
			if api.Kind != apimodel.REST || !corsEnabled(api) || gatewayResponsesUnread(p, api) {
				continue
			}
			var bad []string
			for _, t := range gatewayTypesShown {
				g := api.EffectiveGatewayResponse(t)
				if g == nil {
					bad = append(bad, t)
					continue
				}
				if _, ok := g.Header("Access-Control-Allow-Origin"); !ok {
					bad = append(bad, t+" (customized as "+g.Type+" without the header)")
				}
			}
			if len(bad) == 0 {
				continue
			}
			// A request that meets one of those responses and whose
			// preflight (if any) passes: a plain GET/POST that lost its
			// token (401 from the authorizer) or is throttled (429), else
			// the request a page sends when the API's preflight works.
			var pr *proof
			for _, res := range api.Resources {
				for _, m := range res.Methods {
					if pr != nil || m.HTTPMethod != "GET" && m.HTTPMethod != "POST" {
						continue
					}
					sc := apimodel.Throttled
					if m.Authorized() == apimodel.TriYes {
						sc = apimodel.Unauthorized
					}
					req := &cors.Request{Origin: originFor(p, api), Method: m.HTTPMethod}
					req.URL = simulatedRequest(api, req.Origin, simRoute{method: m.HTTPMethod, path: res.Path}).URL
					if x := simulate(api, res.Path, req, sc); x.blocked() && x.res.Stage == cors.StageActual {
						pr = x
					}
				}
			}
			for _, res := range api.Resources {
				for _, m := range res.Methods {
					if pr == nil && m.HTTPMethod != "OPTIONS" {
						if x := proveMethod(p, api, res, m, apimodel.Throttled, nil); x != nil && x.res.Stage == cors.StageActual {
							pr = x
						}
					}
				}
			}
			if pr == nil || pr.res.Stage != cors.StageActual {
				continue // a failing preflight is another rule's finding
			}
			loc := api.Source
			if g := api.GatewayResponses["DEFAULT_4XX"]; g != nil {
				loc = g.Source
			}
			reportAPI(p, api, loc, fmt.Sprintf("%s answers errors it generates itself without Access-Control-Allow-Origin: %s; auth failures, throttling and timeouts reach the page as CORS errors",
				apiName(api), strings.Join(bad, ", ")), pr.evidence()...)
		}
	},
}

// gatewayResponsesUnread reports whether aws diagnose could not read the
// live API's gateway responses: their absence from the model is then no
// defect (CD2100 reports the gap).
func gatewayResponsesUnread(p *diag.Pass, api *apimodel.API) bool {
	pb := playbook(p)
	return pb != nil && pb.GapFor(evidence.GapGatewayResponses) != nil && liveAPI(p, pb) == api
}
