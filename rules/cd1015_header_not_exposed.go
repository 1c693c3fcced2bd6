package rules

import (
	"fmt"
	"net/http"

	"github.com/corsdoctor/corsdoctor/cors"
	"github.com/corsdoctor/corsdoctor/diag"
)

// CD1015 fires when a response header the page wants to read is not exposed.
var cd1015 = &diag.Rule{
	ID:       "CD1015",
	Needs:    diag.NeedsExchanges,
	Name:     "header-not-exposed",
	Severity: diag.Warning,
	Rank:     70,
	Since:    "0.1.0",
	Title:    "A response header is visible in DevTools but not to JavaScript",
	Doc: `JavaScript can read only the CORS-safelisted response headers (Cache-Control,
Content-Language, Content-Length, Content-Type, Expires, Last-Modified, Pragma) and those
named in Access-Control-Expose-Headers. DevTools shows all headers, so
response.headers.get('X-Total-Count') returning null looks like a bug in the client.
'*' exposes all headers only for requests without credentials; Set-Cookie is never exposed.

Before:  X-Total-Count: 42                       (get() returns null)
After:   Access-Control-Expose-Headers: X-Total-Count`,
	Fix: map[diag.Platform]string{
		diag.Generic:    "Add the header to Access-Control-Expose-Headers on the actual response.",
		diag.LambdaURL:  "Function URL CORS: --cors '{\"ExposeHeaders\":[\"x-total-count\"]}'",
		diag.GoPlatform: "rs/cors: ExposedHeaders: []string{\"X-Total-Count\"}; jub0bs/cors: ResponseHeaders: []string{\"X-Total-Count\"}.",
		diag.APIGwREST:  "Map method.response.header.Access-Control-Expose-Headers = \"'X-Total-Count'\" in the integration responses (proxy integrations: return it from the backend); redeploy.",
		diag.APIGwHTTP:  "aws apigatewayv2 update-api --api-id {{api_id}} --cors-configuration ExposeHeaders=x-total-count",
		diag.FastAPI:    "CORSMiddleware(..., expose_headers=['X-Total-Count'])",
		diag.Django:     "CORS_EXPOSE_HEADERS = ['X-Total-Count']",
		diag.Express:    "cors({ exposedHeaders: ['X-Total-Count'] })",
		diag.Nginx:      "add_header Access-Control-Expose-Headers 'X-Total-Count' always;",
	},
	Check: func(p *diag.Pass) {
		for i, ex := range p.Exchanges() {
			if !ex.Result.Allowed || len(ex.Expose) == 0 {
				continue
			}
			final := ex.Final()
			if final == nil {
				continue
			}
			for _, name := range ex.Expose {
				if !ex.Result.CrossOrigin || cors.Readable(final.Header, name, ex.Result.Credentials) {
					continue
				}
				_, present := final.Header[http.CanonicalHeaderKey(name)]
				d := fmt.Sprintf("the page cannot read response header %s: it is not CORS-safelisted and not in Access-Control-Expose-Headers", name)
				if !present {
					d += " (and this response does not carry it at all)"
				}
				if ex.Result.Credentials == cors.CredentialsInclude && containsStar(header(final, cors.HeaderExposeHeaders)) {
					d += "; '*' does not expose headers on credentialed requests"
				}
				p.Report(i, loc(ex), d, corsLines(final, "response", cors.HeaderExposeHeaders)...)
			}
		}
	},
}
