package rules

import (
	"fmt"
	"strings"

	"github.com/corsdoctor/corsdoctor/apimodel"
	"github.com/corsdoctor/corsdoctor/cors"
	"github.com/corsdoctor/corsdoctor/diag"
)

// CD2018 fires when binaryMediaTypes */* breaks MOCK OPTIONS integrations.
var cd2018 = &diag.Rule{
	ID: "CD2018", Needs: diag.NeedsAPIs, Name: "binary-media-breaks-mock-options", Severity: diag.Error, Rank: 217, Since: "0.1.0",
	Title: "binaryMediaTypes \"*/*\" breaks the MOCK OPTIONS integration",
	Doc: `With binaryMediaTypes containing */*, every request body is treated as binary,
and the MOCK integration behind OPTIONS cannot apply its {"statusCode": 200}
template: API Gateway answers the preflight 500 ("Execution failed due to
configuration error: Unable to transform request") without CORS headers
(clebert/aws-simple#167, serverless/serverless PR #4895, aws/aws-cdk PR #30984).

Before:  BinaryMediaTypes: ["*/*"]; OPTIONS MOCK integration without ContentHandling
After:   OPTIONS integration ContentHandling: CONVERT_TO_TEXT (or narrow binaryMediaTypes)`,
	Fix: map[diag.Platform]string{
		diag.Generic: "Set contentHandling CONVERT_TO_TEXT on the OPTIONS MOCK integrations, or list specific binary media types instead of */*.",
		diag.APIGwREST: awsFix("aws apigateway update-integration --rest-api-id {{api_id}} --resource-id RES --http-method OPTIONS --patch-operations op=replace,path=/contentHandling,value=CONVERT_TO_TEXT; create-deployment",
			"Integration.ContentHandling: CONVERT_TO_TEXT on the OPTIONS AWS::ApiGateway::Method (or BinaryMediaTypes without */*)",
			"content_handling = \"CONVERT_TO_TEXT\" on the OPTIONS aws_api_gateway_integration"),
	},
	Check: func(p *diag.Pass) {
		for _, api := range p.APIs() {
			var star *apimodel.Value
			for i, v := range api.BinaryMediaTypes {
				if !v.Unknown && strings.TrimSpace(v.S) == "*/*" {
					star = &api.BinaryMediaTypes[i]
				}
			}
			if star == nil {
				continue
			}
			var broken []string
			for _, res := range api.Resources {
				m := res.Method("OPTIONS")
				if m == nil || m.Integration == nil || m.Integration.Type != apimodel.Mock || m.Integration.ContentHandling == "CONVERT_TO_TEXT" {
					continue
				}
				broken = append(broken, res.Path)
			}
			if len(broken) == 0 {
				continue
			}
			pr := proveMethod(p, api, api.Resource(broken[0]), firstOther(api.Resource(broken[0])), apimodel.Success, forcePreflight).failsWith(cors.PreflightInvalidStatus, cors.PreflightMissingAllowOriginHeader)
			if pr == nil {
				continue
			}
			if len(broken) > 5 {
				broken = append(broken[:5], fmt.Sprintf("... (%d more)", len(broken)-5))
			}
			reportAPI(p, api, star.Source, fmt.Sprintf("%s declares binaryMediaTypes \"*/*\" and its MOCK OPTIONS methods (%s) have no ContentHandling CONVERT_TO_TEXT: preflights fail with 500 \"Unable to transform request\"",
				apiName(api), strings.Join(broken, ", ")), pr.evidence()...)
		}
	},
}
