package rules

import (
	"fmt"
	"sort"
	"strings"

	"github.com/corsdoctor/corsdoctor/apimodel"
	"github.com/corsdoctor/corsdoctor/diag"
)

// CD2019 fires when the routes of one API disagree on CORS settings.
var CD2019 = register(&diag.Rule{
	ID: "CD2019", Name: "inconsistent-cors", Severity: diag.Warning, Rank: 218, Since: "0.1.0",
	Title: "CORS settings differ between the resources and methods of one API",
	Doc: `When one resource or method allows a different origin, different headers or
credentials than the others, the page works on most routes and fails on one: the
classic "only POST fails" incident. The finding shows the settings side by side.

Before:  OPTIONS /items and GET /items: 'https://app.example.com'
         POST /items: 'https://old.example.com'      (only POST fails)
After:   the same allowed origin, headers and credentials on every route and method

Only values that are static in the definition are compared (proxy integrations set
theirs in code).`,
	Fix: map[diag.Platform]string{
		diag.Generic:   "Use one CORS setting for the whole API (one origin allowlist, one header list, one credentials choice).",
		diag.APIGwREST: "Make the Access-Control-Allow-* mappings identical across OPTIONS methods and integration responses (a shared YAML anchor, CDK defaultCorsPreflightOptions, or a Terraform module), then redeploy.",
	},
	Check: func(p *diag.Pass) {
		for _, api := range p.APIs() {
			if api.Kind != apimodel.REST {
				continue
			}
			for _, h := range []string{"Access-Control-Allow-Origin", "Access-Control-Allow-Headers", "Access-Control-Allow-Credentials"} {
				byValue := map[string][]string{}
				var first apimodel.Value
				for _, res := range api.Resources {
					for _, m := range res.Methods {
						if h == "Access-Control-Allow-Headers" && m.HTTPMethod != "OPTIONS" {
							continue
						}
						// The success response of every non-proxy method:
						// OPTIONS answers the preflight, the others the
						// actual request.
						ir := optionsResponse(m)
						if ir == nil {
							continue
						}
						v, ok := ir.Header(h)
						if !ok || v.Unknown {
							continue
						}
						norm := strings.ToLower(strings.ReplaceAll(v.S, " ", ""))
						if h == "Access-Control-Allow-Headers" {
							items, _ := staticList(apimodel.Value{S: norm})
							sort.Strings(items)
							norm = strings.Join(items, ",")
						}
						if len(byValue) == 0 {
							first = v
						}
						byValue[norm] = append(byValue[norm], fmt.Sprintf("%-28s %s  (%s)", m.HTTPMethod+" "+res.Path, v.S, v.Source))
					}
				}
				if len(byValue) < 2 {
					continue
				}
				var ev []string
				for _, k := range apimodel.SortedKeys(byValue) {
					ev = append(ev, byValue[k]...)
				}
				reportAPI(p, api, first.Source, fmt.Sprintf("the methods of %s answer with %d different %s values: routes with the odd value fail in the browser while the others work",
					apiName(api), len(byValue), h), ev...)
			}
		}
	},
})
