package rules

import (
	"fmt"
	"net/url"
	"strings"

	"github.com/corsdoctor/corsdoctor/cors"
	"github.com/corsdoctor/corsdoctor/diag"
	"github.com/corsdoctor/corsdoctor/evidence"
)

// CD1005 fires on several Access-Control-Allow-Origin values.
var cd1005 = &diag.Rule{
	ID:       "CD1005",
	Needs:    diag.NeedsExchanges,
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
			items := splitOrigins(ex.Result.FailedParameter)
			twoLayers := lines > 1 || repeats(items) || contains(items, "*") && len(items) > 1
			layers := layerNames(ex)
			switch {
			case lines > 1:
				d += fmt.Sprintf("; the response has %d separate Access-Control-Allow-Origin lines, so two layers both add CORS headers", lines)
			case twoLayers:
				d += "; the values repeat or mix * with an origin, which a single configuration does not produce: two layers each add the header (the browser joins the lines with \", \")"
			default:
				d += "; one layer put its whole list of allowed origins in the header instead of the one that asked"
			}
			switch {
			case twoLayers && ex.Platform == evidence.PlatformLambdaURL:
				d += ": the function URL's CORS configuration and the function's own headers"
			case twoLayers && len(layers) > 1:
				d += ": " + strings.Join(layers, " and ")
			case !twoLayers && samLocal(ex):
				d += ": sam local start-api returns CorsConfiguration AllowOrigins joined with commas (aws-sam-cli issue 3719); the deployed API answers with the matching origin"
			case !twoLayers && ex.Platform == evidence.PlatformAPIGwREST:
				d += ": an API Gateway mapping or SAM Cors AllowOrigin holds the comma-separated list (\"'https://a,https://b'\"), which API Gateway returns verbatim"
			case !twoLayers && len(layers) > 0:
				d += " (" + layers[0] + ")"
			}
			p.Report(i, loc(ex), d, exchangeEvidence(ex, cors.HeaderAllowOrigin)...)
		}, cors.MultipleAllowOriginValues, cors.PreflightMultipleAllowOriginValues)
	},
}

func splitOrigins(v string) []string {
	var out []string
	for _, f := range strings.FieldsFunc(v, func(r rune) bool { return r == ',' || r == ' ' }) {
		out = append(out, f)
	}
	return out
}

func repeats(items []string) bool {
	seen := map[string]bool{}
	for _, it := range items {
		if seen[it] {
			return true
		}
		seen[it] = true
	}
	return false
}

// layerNames names the layers the detection saw, with their evidence:
// "express (X-Powered-By: Express)", "nginx (Server: nginx)".
func layerNames(ex *evidence.Exchange) []string {
	d := ex.Detection
	if d == nil || d.Platform == "" {
		return nil
	}
	out := []string{d.Platform + " (" + strings.Join(d.Signals, ", ") + ")"}
	for _, l := range d.Also {
		out = append(out, l.Platform+" ("+strings.Join(l.Signals, ", ")+")")
	}
	return out
}

// samLocal recognises sam local start-api: Werkzeug (it is a Flask app)
// serving on a loopback address.
func samLocal(ex *evidence.Exchange) bool {
	u, err := url.Parse(ex.Request.URL)
	if err != nil || addressSpace(u.Hostname()) != "loopback" {
		return false
	}
	for _, r := range ex.Responses() {
		if strings.Contains(strings.ToLower(header(r, "Server")), "werkzeug") {
			return true
		}
	}
	return false
}
