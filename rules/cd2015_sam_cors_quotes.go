package rules

import (
	"fmt"
	"strings"

	"github.com/corsdoctor/corsdoctor/apimodel"
	"github.com/corsdoctor/corsdoctor/diag"
)

// CD2015 fires for SAM Cors values without the inner single quotes.
var cd2015 = &diag.Rule{
	ID: "CD2015", Needs: diag.NeedsAPIs, Name: "sam-cors-quotes", Severity: diag.Error, Rank: 214, Since: "0.1.0",
	Title: "SAM Cors value lacks the inner single quotes SAM requires",
	Doc: `AWS::Serverless::Api Cors values are copied verbatim into API Gateway response
mappings, where a literal must be single-quoted: AllowOrigin: "'*'" (double quotes
for YAML, single quotes for API Gateway). Without them the deployment fails with
"Invalid mapping expression specified" or the value is read as a mapping expression
(aws/aws-sam-cli#1432, aws/serverless-application-model#1172). With !Sub write
!Sub "'${Origin}'".

Before:  AllowOrigin: "*"
After:   AllowOrigin: "'*'"`,
	Fix: map[diag.Platform]string{
		diag.Generic:   "Wrap each SAM Cors value in single quotes inside the YAML string: AllowOrigin: \"'https://app.example.com'\".",
		diag.APIGwREST: "SAM: Cors: {AllowOrigin: \"'https://app.example.com'\", AllowHeaders: \"'content-type,authorization'\", AllowMethods: \"'GET,POST,OPTIONS'\", MaxAge: \"'600'\"}",
	},
	Check: func(p *diag.Pass) {
		for _, api := range p.APIs() {
			sc := api.SAMCors
			if sc == nil {
				continue
			}
			for _, f := range []struct {
				name string
				v    *apimodel.Value
			}{{"AllowOrigin", sc.AllowOrigin}, {"AllowMethods", sc.AllowMethods}, {"AllowHeaders", sc.AllowHeaders}, {"MaxAge", sc.MaxAge}} {
				if f.v == nil {
					continue
				}
				s := strings.TrimSpace(f.v.S)
				if f.v.Unknown {
					// !Sub "'${Origin}'" keeps its quotes in the expression.
					if strings.Contains(f.v.Expr, "Sub") && !strings.Contains(f.v.Expr, "'") {
						reportAPI(p, api, f.v.Source, fmt.Sprintf("SAM Cors.%s of %s is %s without inner single quotes; write !Sub \"'${...}'\"", f.name, apiName(api), f.v.Expr))
					}
					continue
				}
				if _, ok := f.v.Static(); ok {
					continue
				}
				reportAPI(p, api, f.v.Source, fmt.Sprintf("SAM Cors.%s of %s is %q without inner single quotes; SAM needs \"'%s'\"", f.name, apiName(api), s, s))
			}
		}
	},
}
