package rules

import (
	"fmt"
	"strings"

	"github.com/corsdoctor/corsdoctor/apimodel"
	"github.com/corsdoctor/corsdoctor/diag"
)

// CD2014 fires when one Access-Control-Allow-Origin value lists several
// origins.
var cd2014 = &diag.Rule{
	ID: "CD2014", Needs: diag.NeedsAPIs, Name: "several-origins-in-one-value", Severity: diag.Error, Rank: 213, Since: "0.1.0",
	Title: "Several origins in one Access-Control-Allow-Origin value",
	Doc: `Access-Control-Allow-Origin takes exactly one origin (or "*"). A list such as
'https://a.example.com,https://b.example.com' matches no origin at all: Chrome says
"The 'Access-Control-Allow-Origin' header contains multiple values ..., but only one
is allowed". SAM's AllowOrigin and REST static mappings cannot express a list
(serverless/serverless#2476, aws/serverless-application-model#3769).

Before:  AllowOrigin: "'https://a.example.com,https://b.example.com'"
After:   one static origin, or an HTTP API (AllowOrigins list), or a proxy function that echoes an allowed Origin`,
	Fix: map[diag.Platform]string{
		diag.Generic:   "Send one origin: pick the request's Origin from an allowlist and echo it (with Vary: Origin).",
		diag.APIGwREST: "A static REST mapping can carry one origin only. For several origins use a proxy integration whose code echoes an allowed Origin, or a DEFAULT gateway/integration mapping per environment.",
		diag.APIGwHTTP: "Put each origin in its own AllowOrigins item.",
	},
	Check: func(p *diag.Pass) {
		for _, api := range p.APIs() {
			report := func(o string, v apimodel.Value, where string) {
				if !strings.ContainsAny(strings.TrimSpace(o), ", ") {
					return
				}
				first := intendedOrigin(strings.FieldsFunc(o, func(r rune) bool { return r == ',' || r == ' ' })[0])
				var ev []string
				if len(api.Resources) > 0 || len(api.Routes) > 0 || api.Kind == apimodel.FunctionURL {
					pr := proveAnyWith(p, api, withOrigin(first), originErrorsFor(where)...)
					if pr == nil {
						return
					}
					ev = pr.evidence()
				}
				if where == "allowOrigins" {
					reportAPI(p, api, v.Source, fmt.Sprintf("allowOrigins item %q of %s lists several origins in one string: it matches no origin; give each origin its own item", o, apiName(api)), ev...)
					return
				}
				reportAPI(p, api, v.Source, fmt.Sprintf("%s of %s sends Access-Control-Allow-Origin %q: one header value with several origins matches none", where, apiName(api), o), ev...)
			}
			originValues(api, report)
			if sc := api.SAMCors; sc != nil && sc.AllowOrigin != nil && !sc.AllowOrigin.Unknown {
				s := strings.Trim(strings.TrimSpace(sc.AllowOrigin.S), "'")
				if len(api.Resources) == 0 {
					report(s, *sc.AllowOrigin, "SAM Cors.AllowOrigin")
				}
			}
		}
	},
}
