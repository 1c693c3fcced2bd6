package rules

import (
	"fmt"

	"github.com/corsdoctor/corsdoctor/apimodel"
	"github.com/corsdoctor/corsdoctor/cors"
	"github.com/corsdoctor/corsdoctor/diag"
)

// CD2026 fires when a proxy function sets Access-Control-Allow-Origin on
// its success responses but returns errors, or lets exceptions escape,
// without it.
var cd2026 = &diag.Rule{
	ID: "CD2026", Needs: diag.NeedsAPIs, Name: "code-error-path-no-allow-origin", Severity: diag.Warning, Rank: 208, Since: "0.2.0",
	Title: "Handler's error responses lack Access-Control-Allow-Origin",
	Doc: `Behind a Lambda proxy integration (and a function URL or HTTP API without a
CORS configuration) every response the function returns must carry
Access-Control-Allow-Origin, errors included: the 400 for a bad input, the 404, the
500 from a catch block. Without it the page gets "No 'Access-Control-Allow-Origin'
header is present" instead of the error, and cannot show why. An exception that
escapes the handler is worse: Lambda answers 502 with no headers at all.

corsdoctor reads the handler next to the template (Go with go/ast, JavaScript and
TypeScript with a parser, Python and Java with a token scan; see lint.md) and
follows its return and throw/raise statements.

Before:  if (!id) return { statusCode: 400, body: "missing id" };
After:   if (!id) return { statusCode: 400, headers: corsHeaders, body: "missing id" };`,
	Fix: map[diag.Platform]string{
		diag.Generic:    "Return the same CORS headers on every response, errors included, and catch exceptions at the top of the handler to answer them with those headers.",
		diag.LambdaPy:   "Build every response with one helper that adds Access-Control-Allow-Origin (and Vary: Origin); wrap the handler body in try/except and return a 500 from the helper.",
		diag.LambdaNode: "Build every response with one helper that adds Access-Control-Allow-Origin (and Vary: Origin); wrap the handler in try/catch and return a 500 from the helper (or use middy's http-cors, which covers errors).",
	},
	Check: func(p *diag.Pass) {
		seen := map[*apimodel.Function]bool{}
		check := func(api *apimodel.API, what string, fn *apimodel.Function, res *apimodel.Resource, m *apimodel.Method, r *apimodel.Route) {
			if fn == nil || seen[fn] || fn.SetsAllowOrigin != apimodel.TriYes {
				return
			}
			var bad *apimodel.CodeResponse
			for _, cr := range fn.Responses {
				if (cr.Thrown || cr.IsError()) && cr.AllowOrigin != apimodel.TriYes {
					bad = cr
					break
				}
			}
			if bad == nil {
				return
			}
			sc := apimodel.CodeError
			if bad.Thrown {
				sc = apimodel.BackendError
			}
			pr := proveActual(p, api, res, m, r, sc, nil, cors.MissingAllowOriginHeader)
			if pr == nil {
				return
			}
			seen[fn] = true
			kind := "returns " + bad.Status
			if bad.Thrown {
				kind = "lets an exception escape (Lambda answers 502)"
			}
			reportAPI(p, api, bad.Source, fmt.Sprintf("function %s behind %s of %s sets Access-Control-Allow-Origin on its success responses but %s without it: the page sees a CORS error instead of the error (%s)",
				fn.ID, what, apiName(api), kind, fn.Parser), pr.evidence()...)
		}
		for _, api := range p.APIs() {
			switch api.Kind {
			case apimodel.REST:
				if !corsEnabled(api) {
					continue
				}
				for _, res := range api.Resources {
					for _, m := range res.Methods {
						if m.HTTPMethod != "OPTIONS" && m.Integration != nil && m.Integration.Type.IsProxy() {
							check(api, m.HTTPMethod+" "+res.Path, m.Integration.Function, res, m, nil)
						}
					}
				}
			case apimodel.HTTP:
				if api.Cors != nil {
					continue // API Gateway adds the configured headers to every response
				}
				for _, r := range api.Routes {
					if r.Integration != nil {
						check(api, "route "+r.Key, r.Integration.Function, nil, nil, r)
					}
				}
			case apimodel.FunctionURL:
				if api.Cors == nil {
					check(api, "the function URL", api.Function, nil, nil, nil)
				}
			}
		}
	},
}
