package rules

import (
	"fmt"
	"strings"

	"github.com/corsdoctor/corsdoctor/apimodel"
	"github.com/corsdoctor/corsdoctor/diag"
)

// originProblem explains why an allowed-origin entry can never match a
// browser's Origin header, or "".
func originProblem(o string) string {
	if o == "*" || o == "null" || o == "" {
		return ""
	}
	scheme, rest, ok := strings.Cut(o, "://")
	if !ok {
		return "no scheme (write https://" + o + ")"
	}
	if scheme != strings.ToLower(scheme) {
		return "upper-case scheme (browsers send " + strings.ToLower(scheme) + "://)"
	}
	if rest == "*" {
		return ""
	}
	if strings.HasSuffix(rest, "/") {
		return "trailing slash (origins never end in \"/\")"
	}
	if i := strings.IndexAny(rest, "/?#"); i >= 0 {
		return "a path (" + rest[i:] + "); an origin is scheme://host[:port] only"
	}
	host := rest
	if h, _, ok := strings.Cut(rest, ":"); ok && !strings.HasPrefix(rest, "[") {
		host = h
	}
	if host != strings.ToLower(host) {
		return "upper-case host (browsers send it lower-case and the comparison is byte for byte)"
	}
	if strings.HasSuffix(rest, ":443") && scheme == "https" || strings.HasSuffix(rest, ":80") && scheme == "http" {
		return "default port (browsers omit it from Origin)"
	}
	return ""
}

// CD2010 fires for allowed origins that can never match.
var cd2010 = &diag.Rule{
	ID: "CD2010", Needs: diag.NeedsAPIs, Name: "malformed-allowed-origin", Severity: diag.Error, Rank: 209, Since: "0.1.0",
	Title: "Allowed origin is malformed (path, trailing slash, no scheme, upper case, default port)",
	Doc: `Browsers send Origin as scheme://host[:port], lower-case, without a path,
trailing slash or default port, and compare it byte for byte with
Access-Control-Allow-Origin (HTTP API and function URLs compare with allowOrigins).
"https://app.example.com/" or "app.example.com" never match.

Before:  AllowOrigins: ["https://app.example.com/"]
After:   AllowOrigins: ["https://app.example.com"]`,
	Fix: map[diag.Platform]string{
		diag.Generic:   "Write each origin as scheme://host[:port]: lower case, no path, no trailing slash, no default port.",
		diag.APIGwREST: "Correct the static value of the Access-Control-Allow-Origin mapping (\"'https://app.example.com'\") in the integration or gateway response, then redeploy.",
		diag.APIGwHTTP: awsFix("aws apigatewayv2 update-api --api-id {{api_id}} --cors-configuration AllowOrigins=https://app.example.com", "CorsConfiguration.AllowOrigins: [https://app.example.com]", "cors_configuration { allow_origins = [\"https://app.example.com\"] }"),
		diag.LambdaURL: awsFix("aws lambda update-function-url-config --function-name FN --cors AllowOrigins=https://app.example.com", "AWS::Lambda::Url Cors.AllowOrigins: [https://app.example.com]", "aws_lambda_function_url cors { allow_origins = [\"https://app.example.com\"] }"),
	},
	Check: func(p *diag.Pass) {
		for _, api := range p.APIs() {
			originValues(api, func(o string, v apimodel.Value, where string) {
				if strings.ContainsAny(o, ", ") {
					return // CD2014
				}
				why := originProblem(o)
				if where == "allowOrigins" && (strings.HasPrefix(why, "upper-case") || strings.HasPrefix(why, "default port")) {
					// API Gateway and Lambda compare allowOrigins with
					// the request's Origin and echo the request's value;
					// how they treat case and ports is not documented.
					why = ""
				}
				if why != "" {
					pr := proveAnyWith(p, api, withOrigin(intendedOrigin(o)), originErrorsFor(where)...)
					if pr == nil {
						return
					}
					reportAPI(p, api, v.Source, fmt.Sprintf("allowed origin %q (%s of %s) has %s, so it never matches a browser's Origin", o, where, apiName(api), why), pr.evidence()...)
				}
			})
		}
	},
}
