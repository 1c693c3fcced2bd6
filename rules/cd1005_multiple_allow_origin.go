package rules

import (
	"fmt"

	"github.com/corsdoctor/corsdoctor/cors"
	"github.com/corsdoctor/corsdoctor/diag"
	"github.com/corsdoctor/corsdoctor/evidence"
)

// CD1005 fires on several Access-Control-Allow-Origin values.
var CD1005 = register(&diag.Rule{
	ID:       "CD1005",
	Name:     "multiple-allow-origin",
	Severity: diag.Error,
	Rank:     40,
	Since:    "0.1.0",
	Title:    "Access-Control-Allow-Origin holds several values",
	Doc: `Access-Control-Allow-Origin takes exactly one origin (or *). Two causes:
a list in one header ("https://a.com,https://b.com", often from a configuration
that accepts a comma-separated list), or two layers each adding the header (a proxy
or API Gateway mapping plus the application; aws-lambda-go-api-proxy merging headers
and multiValueHeaders), which the browser sees as "*, *".

Before:  Access-Control-Allow-Origin: https://a.example, https://b.example
After:   Access-Control-Allow-Origin: https://a.example      (the one that asked)`,
	Fix: map[diag.Platform]string{
		diag.Generic:    "Send one value: echo the request's Origin when it is in your allowlist; make exactly one layer (proxy or application) responsible for CORS headers.",
		diag.LambdaURL:  "Let one layer set CORS: either the function URL's CORS configuration or the function's own headers, not both; return exactly one origin (the request's, when allowed).",
		diag.GoPlatform: "Set the header once, from one middleware (rs/cors or jub0bs/cors), and remove hand-written w.Header().Set/Add(\"Access-Control-Allow-Origin\", ...) calls and proxy-level headers.",
		diag.Express:    "Use a single cors() middleware and remove res.header('Access-Control-Allow-Origin', ...) calls; cors({ origin: [list] }) echoes the one matching origin.",
		diag.APIGwREST:  "With a proxy integration the backend's headers pass through; remove the integration-response/gateway-response mapping that adds a second Access-Control-Allow-Origin, or remove it from the backend; redeploy.",
		diag.APIGwHTTP:  "With a CorsConfiguration, API Gateway ignores backend CORS headers; remove the header from the Lambda or drop the API-level configuration, not both.",
		diag.Nginx:      "Use proxy_hide_header Access-Control-Allow-Origin; when nginx adds the header itself, or stop adding it in nginx.",
		diag.CloudFront: "Remove the CORS settings from either the response headers policy (with origin override off) or the origin.",
	},
	Check: func(p *diag.Pass) {
		blocked(p, func(i int, ex *evidence.Exchange) {
			r := failedResponse(ex)
			lines := 0
			if r != nil {
				lines = len(r.Header.Values(cors.HeaderAllowOrigin))
			}
			d := fmt.Sprintf("Access-Control-Allow-Origin is %q: only one origin is allowed", ex.Result.FailedParameter)
			if lines > 1 {
				d += fmt.Sprintf("; the response has %d separate Access-Control-Allow-Origin lines, so two layers (proxy/gateway and application) both add CORS headers", lines)
			} else {
				d += "; the server put a list of origins in one header"
			}
			p.Report(i, loc(ex), d, exchangeEvidence(ex, cors.HeaderAllowOrigin)...)
		}, cors.MultipleAllowOriginValues, cors.PreflightMultipleAllowOriginValues)
	},
})
