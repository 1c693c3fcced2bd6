package rules

import (
	"fmt"
	"strings"

	"github.com/corsdoctor/corsdoctor/apimodel"
	"github.com/corsdoctor/corsdoctor/diag"
)

// CD2012 fires when any origin is reflected or scheme-wildcarded on an API
// that allows credentials: any site can read authenticated responses.
var cd2012 = &diag.Rule{
	ID: "CD2012", Needs: diag.NeedsAPIs, Name: "reflected-origin-with-credentials", Severity: diag.Error, Rank: 211, Since: "0.1.0",
	Title: "Any origin is reflected (or https://* allowed) while credentials are allowed",
	Doc: `Mapping Access-Control-Allow-Origin to method.request.header.origin (echo the
request's Origin), or allowing "https://*" / "http://*" on an HTTP API, together with
Access-Control-Allow-Credentials: true lets any website read your users'
authenticated responses. It is the usual unsafe "fix" for CD2011.

Before:  ACAO = method.request.header.origin, ACAC 'true'
After:   ACAO from an allowlist (non-proxy: one static origin; proxy: the function checks the Origin against a list)`,
	Fix: map[diag.Platform]string{
		diag.Generic:   "Return Access-Control-Allow-Origin only for origins on an allowlist.",
		diag.APIGwREST: "Do not map method.request.header.origin into Access-Control-Allow-Origin; use a static trusted origin, or a proxy integration whose code checks the Origin against an allowlist.",
		diag.APIGwHTTP: "List exact origins in CorsConfiguration.AllowOrigins instead of https://* when AllowCredentials is true.",
	},
	Check: func(p *diag.Pass) {
		for _, api := range p.APIs() {
			credLoc, cred := credentialsAllowed(api)
			if !cred {
				continue
			}
			if api.Cors != nil {
				for _, v := range api.Cors.AllowOrigins {
					if s := strings.TrimSpace(v.S); !v.Unknown && strings.Contains(s, "*") && s != "*" {
						reportAPI(p, api, v.Source, fmt.Sprintf("%s allows %q with credentials (%s): every matching site can read authenticated responses", apiName(api), s, credLoc))
					}
				}
			}
			seen := map[string]bool{}
			check := func(params map[string]apimodel.Value, prefix, where string) {
				for _, k := range apimodel.SortedKeys(params) {
					v := params[k]
					if strings.EqualFold(k, prefix+"Access-Control-Allow-Origin") && strings.EqualFold(strings.TrimSpace(v.S), "method.request.header.origin") && !seen[v.Source.String()] {
						seen[v.Source.String()] = true
						reportAPI(p, api, v.Source, fmt.Sprintf("%s reflects the request's Origin into Access-Control-Allow-Origin (%s) and allows credentials (%s): any website can read authenticated responses", apiName(api), where, credLoc))
					}
				}
			}
			for _, res := range api.Resources {
				for _, m := range res.Methods {
					if m.Integration != nil {
						for _, ir := range m.Integration.Responses {
							check(ir.ResponseParameters, "method.response.header.", m.HTTPMethod+" "+res.Path)
						}
					}
				}
			}
		}
	},
}
