package rules

import (
	"fmt"
	"strings"

	"github.com/corsdoctor/corsdoctor/apimodel"
	"github.com/corsdoctor/corsdoctor/cors"
	"github.com/corsdoctor/corsdoctor/diag"
)

// CD2027 fires when front-end code in the repository sends a request
// header the API's preflight does not allow.
var cd2027 = &diag.Rule{
	ID: "CD2027", Needs: diag.NeedsAPIs, Name: "client-header-not-allowed", Severity: diag.Error, Rank: 209, Since: "0.2.0",
	Title: "Front-end code sends a request header the API does not allow",
	Doc: `lint reads the JavaScript and TypeScript next to the infrastructure code for the
requests the page makes (fetch(url, {headers}), axios, XMLHttpRequest
setRequestHeader) and simulates each API route with those headers. A custom header
the preflight does not allow (x-amz-meta-* for an upload, x-request-id,
x-tenant-id...) blocks the request: "Request header field x-amz-meta-owner is not
allowed by Access-Control-Allow-Headers in preflight response". The finding points
at the call in the front-end code and shows the simulation.

Before:  fetch(url, {method: "PUT", headers: {"x-amz-meta-owner": id}})  with AllowHeaders [content-type]
After:   AllowHeaders [content-type, x-amz-meta-owner]`,
	Fix: map[diag.Platform]string{
		diag.Generic:   "Allow the header in Access-Control-Allow-Headers (or stop sending it).",
		diag.APIGwREST: "Add the header to the OPTIONS integration response's method.response.header.Access-Control-Allow-Headers ('Content-Type,...,x-amz-meta-owner'), then redeploy.",
		diag.APIGwHTTP: awsFix("aws apigatewayv2 update-api --api-id {{api_id}} --cors-configuration AllowHeaders=content-type,x-amz-meta-owner", "CorsConfiguration.AllowHeaders: [content-type, x-amz-meta-owner]", "cors_configuration { allow_headers = [\"content-type\", \"x-amz-meta-owner\"] }"),
		diag.LambdaURL: awsFix("aws lambda update-function-url-config --function-name FN --cors AllowHeaders=content-type,x-amz-meta-owner", "Cors.AllowHeaders: [content-type, x-amz-meta-owner]", "cors { allow_headers = [\"content-type\", \"x-amz-meta-owner\"] }"),
	},
	Check: func(p *diag.Pass) {
		for _, api := range p.APIs() {
			if len(api.Clients) == 0 || !corsEnabled(api) && api.Kind == apimodel.REST {
				continue
			}
			reported := map[string]bool{}
			for _, c := range api.Clients {
				for _, rt := range routesOf(api) {
					req := simulatedRequest(api, originFor(p, api), rt)
					for _, h := range c.Headers {
						if !requestHas(req, h) {
							req.Headers = append(req.Headers, cors.Header{Name: h, Value: "x"})
						}
					}
					if c.Credentials {
						req = withCredentials(req)
					}
					pr := simulate(api, rt.path, req, apimodel.Success).failsWith(cors.HeaderDisallowedByPreflightResponse)
					if pr == nil || !containsFold(c.Headers, pr.res.FailedParameter) || reported[strings.ToLower(pr.res.FailedParameter)] {
						continue
					}
					reported[strings.ToLower(pr.res.FailedParameter)] = true
					reportAPI(p, api, c.Source, fmt.Sprintf("this request sends %s, which %s %s %s does not allow in its preflight: the browser blocks the request", pr.res.FailedParameter, apiName(api), rt.method, rt.path), pr.evidence()...)
					break
				}
			}
		}
	},
}
