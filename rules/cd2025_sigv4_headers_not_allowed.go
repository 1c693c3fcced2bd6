package rules

import (
	"fmt"
	"strings"

	"github.com/corsdoctor/corsdoctor/apimodel"
	"github.com/corsdoctor/corsdoctor/cors"
	"github.com/corsdoctor/corsdoctor/diag"
)

// CD2025 fires when IAM-authorized routes or function URLs do not allow
// the headers a browser sends when it signs requests with SigV4.
var cd2025 = &diag.Rule{
	ID: "CD2025", Needs: diag.NeedsAPIs, Name: "sigv4-headers-not-allowed", Severity: diag.Error, Rank: 213, Since: "0.2.0",
	Title: "AWS_IAM routes do not allow the SigV4 request headers",
	Doc: `A page calls an AWS_IAM-authorized REST or HTTP API route, or a function URL
with AuthType AWS_IAM, by signing each request with Signature Version 4 (aws4fetch,
the AWS SDK, Amplify, with credentials from a Cognito identity pool): it sends
Authorization, X-Amz-Date and, with temporary credentials, X-Amz-Security-Token
(some signers add X-Amz-Content-Sha256). None is CORS-safelisted, so every such
request is preflighted, and the preflight fails unless Access-Control-Allow-Headers
lists them all: "Request header field x-amz-date is not allowed by
Access-Control-Allow-Headers in preflight response".

Before:  AllowHeaders: [content-type]
After:   AllowHeaders: [authorization, content-type, x-amz-date, x-amz-security-token, x-amz-content-sha256]`,
	Fix: map[diag.Platform]string{
		diag.Generic:   "Allow Authorization, X-Amz-Date, X-Amz-Security-Token (and X-Amz-Content-Sha256) in Access-Control-Allow-Headers.",
		diag.APIGwREST: "Map method.response.header.Access-Control-Allow-Headers to 'Content-Type,X-Amz-Date,Authorization,X-Api-Key,X-Amz-Security-Token,X-Amz-Content-Sha256' on the OPTIONS integration response, then redeploy.",
		diag.APIGwHTTP: awsFix("aws apigatewayv2 update-api --api-id {{api_id}} --cors-configuration AllowHeaders=authorization,content-type,x-amz-date,x-amz-security-token,x-amz-content-sha256", "CorsConfiguration.AllowHeaders: [authorization, content-type, x-amz-date, x-amz-security-token, x-amz-content-sha256]", "cors_configuration { allow_headers = [\"authorization\", \"content-type\", \"x-amz-date\", \"x-amz-security-token\", \"x-amz-content-sha256\"] }"),
		diag.LambdaURL: awsFix("aws lambda update-function-url-config --function-name FN --cors AllowHeaders=authorization,content-type,x-amz-date,x-amz-security-token,x-amz-content-sha256", "Cors.AllowHeaders: [authorization, content-type, x-amz-date, x-amz-security-token, x-amz-content-sha256]", "cors { allow_headers = [\"authorization\", \"content-type\", \"x-amz-date\", \"x-amz-security-token\", \"x-amz-content-sha256\"] }"),
	},
	Check: func(p *diag.Pass) {
		for _, api := range p.APIs() {
			var pr *proof
			where := ""
			switch api.Kind {
			case apimodel.FunctionURL:
				if api.Cors == nil || !isIAM(api.AuthType) {
					continue
				}
				pr, where = proveRoute(p, api, nil, apimodel.Success, func(r *cors.Request) *cors.Request {
					r.Method, r.Headers = "GET", r.Headers[:0]
					for _, h := range sigV4Headers {
						r.Headers = append(r.Headers, cors.Header{Name: h, Value: "signed"})
					}
					return r
				}), "function URL (AuthType AWS_IAM)"
			case apimodel.HTTP:
				if api.Cors == nil {
					continue
				}
				for _, r := range api.Routes {
					if pr == nil && isIAM(r.AuthorizationType) {
						pr, where = proveRoute(p, api, r, apimodel.Success, nil), "route "+r.Key+" (AWS_IAM)"
					}
				}
			case apimodel.REST:
				for _, res := range api.Resources {
					if res.Method("OPTIONS") == nil {
						continue // no preflight answer at all: CD2001
					}
					for _, m := range res.Methods {
						if pr == nil && m.HTTPMethod != "OPTIONS" && isIAM(m.AuthorizationType) {
							pr, where = proveMethod(p, api, res, m, apimodel.Success, nil), m.HTTPMethod+" "+res.Path+" (AWS_IAM)"
						}
					}
				}
			}
			if pr == nil || pr.res.Error != cors.HeaderDisallowedByPreflightResponse || !containsFold(sigV4Headers, pr.res.FailedParameter) {
				continue
			}
			loc := api.Source
			if api.Cors != nil {
				loc = api.Cors.Source
				if len(api.Cors.AllowHeaders) > 0 {
					loc = api.Cors.AllowHeaders[0].Source
				}
			} else if res := api.FindResource(pathOf(pr.req.URL)); res != nil {
				if ir := optionsResponse(res.Method("OPTIONS")); ir != nil {
					loc = ir.Source
					if v, ok := ir.Header("Access-Control-Allow-Headers"); ok {
						loc = v.Source
					}
				}
			}
			reportAPI(p, api, loc, fmt.Sprintf("%s of %s is signed with SigV4 by the browser (%s), and the preflight does not allow %s: every signed request fails",
				where, apiName(api), strings.Join(sigV4Headers, ", "), pr.res.FailedParameter), pr.evidence()...)
		}
	},
}

// pathOf returns the path of an absolute URL.
func pathOf(u string) string {
	if i := strings.Index(u, "://"); i >= 0 {
		u = u[i+3:]
		if j := strings.IndexByte(u, '/'); j >= 0 {
			return u[j:]
		}
		return "/"
	}
	return u
}
