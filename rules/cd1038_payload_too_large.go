package rules

import (
	"fmt"

	"github.com/corsdoctor/corsdoctor/diag"
	"github.com/corsdoctor/corsdoctor/evidence"
)

// CD1038 fires when the request body is over a size limit (413) and the
// layer that refused it added no CORS headers.
var cd1038 = &diag.Rule{
	ID:       "CD1038",
	Needs:    diag.NeedsExchanges,
	Name:     "payload-too-large-not-cors",
	Severity: diag.Error,
	Rank:     7,
	Since:    "0.2.0",
	Title:    "Not a CORS problem: the request body is too large (413) and the refusal has no CORS headers",
	Doc: `A proxy or gateway in front of the application refused the body for its size and
answered 413 itself, before the application could add CORS headers: nginx
(client_max_body_size, 1 MB by default), API Gateway (10 MB), Lambda (6 MB synchronous
payload). The browser shows a CORS error; the upload is simply too big for that layer.
Two changes: raise the limit where uploads need it, and put CORS headers on the layer's
error responses so the page can read the 413 next time (nginx add_header ... always).

Before:  POST /upload (8 MB) -> 413 Request Entity Too Large (nginx, no CORS headers)
After:   client_max_body_size 50m;  add_header Access-Control-Allow-Origin $cors_origin always;`,
	Fix: map[diag.Platform]string{
		diag.Generic:    "Raise the body size limit of the layer that answered 413 (see its Server header) to what uploads need, and make it add CORS headers to its error responses; for large files, upload straight to storage with a presigned URL.",
		diag.Nginx:      "In the server or location block: client_max_body_size 50m; (default 1m), and add 'always' to the CORS add_header lines (add_header Access-Control-Allow-Origin $cors_origin always;) so the 413 and other error pages carry them.",
		diag.APIGwREST:  "API Gateway payloads are limited to 10 MB (Lambda to 6 MB): upload large files to S3 with a presigned URL instead of through the API, and add CORS headers to the DEFAULT_4XX gateway response.",
		diag.APIGwHTTP:  "API Gateway payloads are limited to 10 MB (Lambda to 6 MB): upload large files to S3 with a presigned URL instead of through the API.",
		diag.LambdaURL:  "Lambda's synchronous payload limit is 6 MB: upload large files to S3 with a presigned URL instead.",
		diag.Express:    "Raise the body parser's limit: app.use(express.json({ limit: '10mb' })) (default 100kb), and register cors() before it so the 413 carries CORS headers.",
		diag.CloudFront: "CloudFront limits request bodies too; upload large files to S3 with a presigned URL.",
	},
	Check: func(p *diag.Pass) {
		for i, ex := range p.Exchanges() {
			if !blockedOnActual(ex) {
				continue
			}
			rec := recognised(ex)
			if rec == nil || rec.Kind != evidence.KindTooLarge {
				continue
			}
			r := failedResponse(ex)
			d := fmt.Sprintf("the %s was refused for its size: %s without CORS headers, so the browser reports a CORS error instead of the %d", ex.Result.Method, statusName(r.Status), r.Status)
			if s := header(r, "Server"); s != "" {
				d += "; the answer came from " + s + " (Server header), in front of the application"
			}
			p.Report(i, loc(ex), d, statusEvidence(r, hopKind(ex, false))...)
		}
	},
}
