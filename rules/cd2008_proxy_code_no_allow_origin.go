package rules

import (
	"fmt"

	"github.com/corsdoctor/corsdoctor/apimodel"
	"github.com/corsdoctor/corsdoctor/diag"
)

// CD2008 fires when a proxy integration's function code never sets
// Access-Control-Allow-Origin although the API expects browser calls.
var cd2008 = &diag.Rule{
	ID: "CD2008", Needs: diag.NeedsAPIs, Name: "proxy-code-no-allow-origin", Severity: diag.Error, Rank: 207, Since: "0.1.0",
	Title: "Proxy integration's function never sets Access-Control-Allow-Origin",
	Doc: `With a Lambda or HTTP proxy integration there is no integration response: API
Gateway passes the backend's headers through, so "Enable CORS", SAM Cors and
serverless cors: true only cover OPTIONS. The function itself must return
Access-Control-Allow-Origin on every response (serverless/serverless#4681,
aws/serverless-application-model#387). This check is textual: the function's code
(inline ZipFile/InlineCode, or the handler file found in the repository, Python and
Node.js) never mentions the header or a CORS library.

Before:  return {"statusCode": 200, "body": body}
After:   return {"statusCode": 200, "headers": {"Access-Control-Allow-Origin": origin}, "body": body}`,
	Fix: map[diag.Platform]string{
		diag.Generic:    "Return Access-Control-Allow-Origin (and Vary: Origin) from the function on every response, including errors.",
		diag.APIGwREST:  "Proxy integrations return the backend's headers unchanged: set Access-Control-Allow-Origin in the Lambda response (headers), or switch the resource to a non-proxy integration with mapped headers.",
		diag.APIGwHTTP:  "Configure CORS on the HTTP API (CorsConfiguration / cors_configuration): API Gateway then adds the headers itself and ignores the backend's.",
		diag.LambdaPy:   "return {'statusCode': 200, 'headers': {'Access-Control-Allow-Origin': origin_if_allowed, 'Vary': 'Origin'}, 'body': ...}",
		diag.LambdaNode: "return { statusCode: 200, headers: { 'Access-Control-Allow-Origin': allowedOrigin, Vary: 'Origin' }, body }",
	},
	Check: func(p *diag.Pass) {
		type key struct {
			api *apimodel.API
			fn  string
		}
		seen := map[key]bool{}
		check := func(api *apimodel.API, what string, in *apimodel.Integration, loc apimodel.Value, prove func() *proof) {
			if in == nil || !in.Type.IsProxy() || in.Function == nil || in.Function.SetsAllowOrigin != apimodel.TriNo {
				return
			}
			k := key{api, in.Function.ID}
			if seen[k] {
				return
			}
			pr := prove()
			if pr == nil {
				return
			}
			seen[k] = true
			code := in.Function.CodePath
			if code == "" {
				code = "its inline code"
			}
			reportAPI(p, api, loc.Source, fmt.Sprintf("%s of %s is a proxy integration to function %s, and %s never sets Access-Control-Allow-Origin: the actual responses reach the browser without it",
				what, apiName(api), in.Function.ID, code), append([]string{"function source: " + in.Function.Source.String()}, pr.evidence()...)...)
		}
		for _, api := range p.APIs() {
			switch api.Kind {
			case apimodel.REST:
				if !corsEnabled(api) {
					continue
				}
				for _, res := range api.Resources {
					for _, m := range res.Methods {
						if m.HTTPMethod != "OPTIONS" {
							res, m := res, m
							check(api, m.HTTPMethod+" "+res.Path, m.Integration, apimodel.Value{Source: m.Source}, func() *proof {
								return proveActual(p, api, res, m, nil, apimodel.Success, nil, missingOrigin...)
							})
						}
					}
				}
			case apimodel.HTTP:
				// Without a CORS configuration the API is meant for
				// browsers only when some function behind it sets
				// Access-Control-Allow-Origin or front-end code calls
				// it; otherwise it serves servers and this is no defect.
				if api.Cors != nil || !codeSetsOrigin(api) && len(api.Clients) == 0 {
					continue
				}
				for _, r := range api.Routes {
					r := r
					check(api, "route "+r.Key, r.Integration, apimodel.Value{Source: r.Source}, func() *proof {
						return proveActual(p, api, nil, nil, r, apimodel.Success, nil, missingOrigin...)
					})
				}
			}
		}
	},
}
