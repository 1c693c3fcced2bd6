package rules

import (
	"fmt"

	"github.com/corsdoctor/corsdoctor/apimodel"
	"github.com/corsdoctor/corsdoctor/diag"
	"github.com/corsdoctor/corsdoctor/evidence"
)

// CD2003 fires when the OPTIONS method requires an API key.
var cd2003 = &diag.Rule{
	ID: "CD2003", Needs: diag.NeedsAPIs, Name: "options-api-key", Severity: diag.Error, Rank: 202, Since: "0.1.0",
	Title: "OPTIONS preflight requires an API key",
	Doc: `The preflight never carries X-Api-Key (the browser builds it, without the
page's custom headers), so an OPTIONS method with ApiKeyRequired answers 403
Forbidden and the browser blocks the real request. SAM copies ApiKeyRequired to the
OPTIONS methods it generates unless Auth.AddApiKeyRequiredToCorsPreflight is false.

Before:  OPTIONS /items  ApiKeyRequired: true
After:   OPTIONS /items  ApiKeyRequired: false`,
	Fix: map[diag.Platform]string{
		diag.Generic: "Do not require an API key on OPTIONS; keep it on the actual methods.",
		diag.APIGwREST: awsFix(
			"aws apigateway update-method --rest-api-id {{api_id}} --resource-id RES --http-method OPTIONS --patch-operations op=replace,path=/apiKeyRequired,value=false; create-deployment",
			"ApiKeyRequired: false on the OPTIONS method; in SAM Auth.AddApiKeyRequiredToCorsPreflight: false",
			"api_key_required = false on the OPTIONS aws_api_gateway_method"),
	},
	Check: func(p *diag.Pass) {
		for _, api := range p.APIs() {
			var g byLoc
			proofs := map[evidence.Source]*proof{}
			for _, res := range api.Resources {
				if m := res.Method("OPTIONS"); m != nil && m.APIKeyRequired == apimodel.TriYes {
					pr := proveMethod(p, api, res, firstOther(res), apimodel.Success, forcePreflight)
					if pr == nil {
						continue
					}
					if proofs[m.Source] == nil {
						proofs[m.Source] = pr
					}
					g.add(m.Source, "OPTIONS "+res.Path)
				}
			}
			g.each(func(loc evidence.Source, items string) {
				reportAPI(p, api, loc, fmt.Sprintf("%s of %s %s an API key; preflights never carry X-Api-Key, so API Gateway answers 403", items, apiName(api), verb(items, "requires", "require")), proofs[loc].evidence()...)
			})
		}
	},
}
