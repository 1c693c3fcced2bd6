package rules

import (
	"fmt"

	"github.com/corsdoctor/corsdoctor/cors"
	"github.com/corsdoctor/corsdoctor/diag"
	"github.com/corsdoctor/corsdoctor/evidence"
)

// CD1020 fires when an extra probe (a path that does not exist, the
// request without credentials) gets an error response without CORS
// headers, even though the request itself may work.
var cd1020 = &diag.Rule{
	ID:       "CD1020",
	Needs:    diag.NeedsExchanges,
	Name:     "error-path-without-cors",
	Severity: diag.Warning,
	Rank:     50,
	Since:    "0.1.0",
	Title:    "Error responses lack CORS headers: the next failure will look like a CORS error",
	Doc: `check also sends requests that should fail: the same request to a sibling path
that does not exist, and the request without its Authorization or API key. Their 4xx
responses must carry Access-Control-Allow-Origin too, or every future error (an expired
token, a typo in a path, a throttled call) reaches the page as a CORS error with no
status, and users report "CORS is broken" instead of the real cause.

Before:  GET /corsdoctor-missing-7f3a -> 404, no Access-Control-Allow-Origin
After:   GET /corsdoctor-missing-7f3a -> 404 with Access-Control-Allow-Origin`,
	Fix: map[diag.Platform]string{
		diag.Generic:   "Add the CORS headers to error responses too (4xx and 5xx): apply CORS in the outermost layer.",
		diag.APIGwREST: "Configure gateway responses DEFAULT_4XX and DEFAULT_5XX with gatewayresponse.header.Access-Control-Allow-Origin (console: Gateway responses > Default 4XX > Edit > add header), then redeploy the stage.",
		diag.Nginx:     "Add 'always' to the add_header lines so nginx also sends them on 4xx/5xx: add_header Access-Control-Allow-Origin $cors_origin always;",
		diag.Express:   "Register cors() before routers, the 404 fallthrough and the error handler.",
		diag.FastAPI:   "Return errors through exception handlers (HTTPException, @app.exception_handler) so CORSMiddleware decorates them; unhandled exceptions produce a 500 without CORS headers.",
	},
	Check: func(p *diag.Pass) {
		for i, ex := range p.Exchanges() {
			if ex.Err != "" {
				continue
			}
			// When the request itself got an error response without CORS
			// headers, CD1019 already says so; the probes add nothing.
			if f := ex.Final(); blockedOnActual(ex) && ex.Result.Error == cors.MissingAllowOriginHeader && f != nil && f.Status >= 400 {
				continue
			}
			for _, pr := range ex.Probes {
				if pr.Purpose != "error-path" && pr.Purpose != "no-auth" || pr.Err != "" {
					continue
				}
				what := "a path that does not exist"
				if pr.Purpose == evidence.PurposeNoAuth {
					what = "the same request without its credentials (Authorization, X-Api-Key)"
				}
				res := &pr.Result
				if !res.Blocked() {
					continue
				}
				switch {
				case res.Stage == cors.StagePreflight && res.PreflightStatus >= 400 && res.Error == cors.PreflightMissingAllowOriginHeader:
					r := preflightOf(pr.Hops)
					p.Report(i, loc(ex), fmt.Sprintf("the preflight for %s (OPTIONS %s) got %s without CORS headers", what, pr.Request.URL, statusName(res.PreflightStatus)), statusEvidence(r, "preflight response (OPTIONS)")...)
				case res.Stage == cors.StageActual && res.Error == cors.MissingAllowOriginHeader && res.Status >= 400:
					r := finalOf(pr.Hops)
					p.Report(i, loc(ex), fmt.Sprintf("%s (%s %s) got %s without Access-Control-Allow-Origin: the page would see a CORS error instead of the %d", what, res.Method, pr.Request.URL, statusName(res.Status), res.Status), statusEvidence(r, "response")...)
				}
			}
		}
	},
}
