package rules

import (
	"fmt"

	"github.com/corsdoctor/corsdoctor/cors"
	"github.com/corsdoctor/corsdoctor/diag"
	"github.com/corsdoctor/corsdoctor/evidence"
)

// CD1030 fires when the preflight passes with CORS headers but the
// successful actual response has none: CORS is configured for OPTIONS only.
var cd1030 = &diag.Rule{
	ID:       "CD1030",
	Needs:    diag.NeedsExchanges,
	Name:     "cors-only-on-preflight",
	Severity: diag.Error,
	Rank:     9,
	Since:    "0.1.0",
	Title:    "CORS headers are only on the preflight: the actual response has none",
	Doc: `The OPTIONS preflight passed, so something answers preflights correctly, but the
actual response (a success) carries no Access-Control-Allow-Origin. Typical on API
Gateway REST APIs with a Lambda or HTTP proxy integration: "Enable CORS" (or
serverless cors: true, SAM Cors) creates a MOCK OPTIONS method with the headers, but
integration responses are disabled for proxy integrations, so the backend must return
Access-Control-Allow-Origin itself (serverless/serverless#4681, aws/serverless-
application-model#387). Same with a proxy (nginx) answering OPTIONS while the
application never sets the headers.

Before:  OPTIONS -> 200 with Access-Control-Allow-*      GET -> 200 (none)
After:   GET -> 200 with Access-Control-Allow-Origin (returned by the backend)`,
	Fix: map[diag.Platform]string{
		diag.Generic:    "Set Access-Control-Allow-Origin (and Vary: Origin, Access-Control-Allow-Credentials when used) on the actual responses too, in the application or in the layer that answers OPTIONS.",
		diag.APIGwREST:  "Proxy integration (AWS_PROXY / HTTP_PROXY): the backend must return the header, e.g. Python return {'statusCode': 200, 'headers': {'Access-Control-Allow-Origin': origin, 'Vary': 'Origin'}, 'body': ...}; non-proxy: add Access-Control-Allow-Origin to the method response and map it in the integration response of every status; redeploy the stage.",
		diag.LambdaPy:   "Return the CORS headers from every handler response: {'statusCode': 200, 'headers': {'Access-Control-Allow-Origin': origin, 'Vary': 'Origin'}, 'body': json.dumps(data)}",
		diag.LambdaNode: "Return the CORS headers from every handler response: { statusCode: 200, headers: { 'Access-Control-Allow-Origin': origin, Vary: 'Origin' }, body: JSON.stringify(data) }",
		diag.Nginx:      "Add the add_header Access-Control-Allow-Origin $cors_origin always; line to the location that proxies the actual request, not only to the OPTIONS branch.",
		diag.Express:    "app.options('/path', cors()) only answers preflights: use app.use(cors(opts)) so actual responses get the headers too.",
	},
	Check: func(p *diag.Pass) {
		blocked(p, func(i int, ex *evidence.Exchange) {
			r := ex.Final()
			pf := ex.Preflight()
			if r == nil || pf == nil || r.Status >= 400 || !ex.Result.PreflightSent || ex.Result.Stage != cors.StageActual {
				return
			}
			if header(pf, cors.HeaderAllowOrigin) == "" {
				return
			}
			d := fmt.Sprintf("the preflight passed with Access-Control-Allow-Origin: %s, but the %d response to %s has no Access-Control-Allow-Origin: CORS is configured for OPTIONS only", header(pf, cors.HeaderAllowOrigin), r.Status, ex.Result.Method)
			ev := append(corsLines(pf, "preflight response (OPTIONS)", ""), corsLines(r, "response", "")...)
			p.Report(i, loc(ex), d, ev...)
		}, cors.MissingAllowOriginHeader)
	},
}
