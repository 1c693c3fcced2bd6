package rules

import (
	"fmt"
	"strings"

	"github.com/corsdoctor/corsdoctor/apimodel"
	"github.com/corsdoctor/corsdoctor/diag"
)

// CD2013 fires when an HTTP API / function URL CORS configuration does not
// allow the request headers its callers must send.
var CD2013 = register(&diag.Rule{
	ID: "CD2013", Name: "allow-headers-missing", Severity: diag.Warning, Rank: 212, Since: "0.1.0",
	Title: "CORS AllowHeaders lacks authorization or content-type",
	Doc: `Routes with JWT or Lambda authorizers need the browser to send Authorization,
which always triggers a preflight; the preflight fails ("Request header field
authorization is not allowed by Access-Control-Allow-Headers") unless AllowHeaders
lists it. Per the Fetch standard a wildcard "*" never covers Authorization; Chromium
and Firefox still accept it today with a deprecation warning
(AuthorizationCoveredByWildcard), so configurations relying on it are on borrowed
time. JSON bodies (Content-Type: application/json) need content-type.

Before:  AllowHeaders: ["x-requested-with"]
After:   AllowHeaders: ["authorization", "content-type"]`,
	Fix: map[diag.Platform]string{
		diag.Generic:   "Add authorization and content-type to the allowed headers.",
		diag.APIGwHTTP: awsFix("aws apigatewayv2 update-api --api-id ID --cors-configuration AllowHeaders=authorization,content-type,...", "CorsConfiguration.AllowHeaders: [authorization, content-type]", "cors_configuration { allow_headers = [\"authorization\", \"content-type\"] }"),
		diag.LambdaURL: awsFix("aws lambda update-function-url-config --function-name FN --cors AllowHeaders=authorization,content-type", "AWS::Lambda::Url Cors.AllowHeaders: [authorization, content-type]", "aws_lambda_function_url cors { allow_headers = [\"authorization\", \"content-type\"] }"),
	},
	Check: func(p *diag.Pass) {
		for _, api := range p.APIs() {
			c := api.Cors
			if c == nil {
				continue
			}
			var hs []string
			for _, v := range c.AllowHeaders {
				if v.Unknown {
					hs = nil
					goto next
				}
				hs = append(hs, strings.TrimSpace(v.S))
			}
			{
				authed := ""
				for _, r := range api.Routes {
					t := strings.ToUpper(r.AuthorizationType.S)
					if !r.AuthorizationType.Unknown && (t == "JWT" || t == "CUSTOM") {
						authed = r.Key
						break
					}
				}
				var missing []string
				if authed != "" && !containsFold(hs, "authorization") {
					why := "route " + authed + " uses an authorizer, so the page sends Authorization"
					if containsFold(hs, "*") {
						why += " (the Fetch standard says \"*\" never covers Authorization; Chromium and Firefox still accept it with a deprecation warning, and will stop)"
					}
					missing = append(missing, "authorization: "+why)
				}
				if len(hs) > 0 && !containsFold(hs, "*") && !containsFold(hs, "content-type") {
					missing = append(missing, "content-type: JSON request bodies send Content-Type: application/json, which is not safelisted")
				}
				if len(missing) == 0 {
					continue
				}
				loc := c.Source
				if len(c.AllowHeaders) > 0 {
					loc = c.AllowHeaders[0].Source
				}
				reportAPI(p, api, loc, fmt.Sprintf("CORS AllowHeaders of %s is [%s] and lacks %s", apiName(api), strings.Join(hs, ", "), strings.Join(missing, "; ")))
			}
		next:
		}
	},
})

var _ = apimodel.REST
