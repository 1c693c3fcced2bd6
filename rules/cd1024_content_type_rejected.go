package rules

import (
	"fmt"

	"github.com/corsdoctor/corsdoctor/diag"
)

// CD1024 fires when the server rejects the request's Content-Type (415)
// without CORS headers.
var cd1024 = &diag.Rule{
	ID:       "CD1024",
	Needs:    diag.NeedsExchanges,
	Name:     "content-type-rejected",
	Severity: diag.Error,
	Rank:     7,
	Since:    "0.1.0",
	Title:    "Not a CORS problem: the server rejects the Content-Type (415) and the error has no CORS headers",
	Doc: `The server answered 415 Unsupported Media Type: it does not accept the body's
Content-Type. A common trigger is a workaround for a CORS preflight: switching to
Content-Type: text/plain (a "simple" type, no preflight) for a JSON API that only
accepts application/json; or, on API Gateway REST, a request template/passthrough
behaviour of NEVER with an unmapped content type. The 415 carries no CORS headers, so
the browser reports CORS and hides the real status.

Fix: send the Content-Type the API expects (application/json triggers a preflight,
so the preflight must be handled), and add CORS headers to error responses.`,
	Fix: map[diag.Platform]string{
		diag.Generic:   "Send the Content-Type the API accepts (usually application/json, and handle its preflight), or accept the type the page sends; add CORS headers to 415 responses so the page can see the error.",
		diag.APIGwREST: "Add a mapping template for the content type in the integration request (or set passthroughBehavior WHEN_NO_MATCH), add CORS headers to the UNSUPPORTED_MEDIA_TYPE gateway response (or DEFAULT_4XX), and redeploy.",
		diag.FastAPI:   "FastAPI parses JSON bodies only with Content-Type: application/json; send that header from the page (CORSMiddleware handles the preflight).",
		diag.Express:   "express.json() only parses application/json: send that Content-Type, or add express.text()/express.json({ type: ['application/json', 'text/plain'] }).",
	},
	Check: func(p *diag.Pass) {
		for i, ex := range p.Exchanges() {
			if !blockedOnActual(ex) {
				continue
			}
			r := ex.Final()
			if r == nil || r.Status != 415 && errorType(r) != "UnsupportedMediaTypeException" {
				continue
			}
			ct := ""
			for _, h := range ex.Request.Headers {
				if http1Equal(h.Name, "content-type") {
					ct = h.Value
				}
			}
			d := fmt.Sprintf("the server answered %s: it does not accept the request's body type", statusName(r.Status))
			if ct != "" {
				d = fmt.Sprintf("the server answered %s to Content-Type: %s", statusName(r.Status), ct)
				if isSimpleContentType(ct) {
					d += "; this type avoids the preflight, but the API expects another one (usually application/json)"
				}
			}
			d += "; the 415 has no CORS headers, so the browser reports a CORS error instead"
			p.Report(i, loc(ex), d, statusEvidence(r, "response")...)
		}
	},
}
