package rules

import (
	"fmt"

	"github.com/corsdoctor/corsdoctor/cors"
	"github.com/corsdoctor/corsdoctor/diag"
)

// CD1014 reports a short or missing Access-Control-Max-Age.
var cd1014 = &diag.Rule{
	ID:       "CD1014",
	Needs:    diag.NeedsExchanges,
	Name:     "preflight-max-age",
	Severity: diag.Info,
	Rank:     90,
	Since:    "0.1.0",
	Title:    "Preflight results are cached briefly: an extra round trip per request",
	Doc: `Without Access-Control-Max-Age the browser caches a preflight result for 5
seconds, so almost every request costs an extra OPTIONS round trip (and, on API Gateway,
an extra billed request). Each browser caps the value: Chromium 7200 s, Firefox 86400 s,
WebKit 600 s.

Before:  (no Access-Control-Max-Age)
After:   Access-Control-Max-Age: 7200`,
	Fix: map[diag.Platform]string{
		diag.Generic:    "Send Access-Control-Max-Age: 7200 on preflight responses (Chromium's cap; Firefox honours up to 86400, Safari 600).",
		diag.LambdaURL:  "Function URL CORS: --cors '{\"MaxAge\":7200}' (Lambda caps it at 86400).",
		diag.GoPlatform: "rs/cors: MaxAge: 7200; jub0bs/cors: MaxAgeInSeconds: 7200.",
		diag.APIGwREST:  "Map method.response.header.Access-Control-Max-Age = \"'7200'\" in the OPTIONS integration response (declare it in the method response); redeploy.",
		diag.APIGwHTTP:  "aws apigatewayv2 update-api --api-id {{api_id}} --cors-configuration MaxAge=7200",
		diag.FastAPI:    "CORSMiddleware(..., max_age=7200)  (the default is 600)",
		diag.Django:     "CORS_PREFLIGHT_MAX_AGE = 7200",
		diag.Express:    "cors({ maxAge: 7200 })",
		diag.Nginx:      "add_header Access-Control-Max-Age 7200;",
	},
	Check: func(p *diag.Pass) {
		for i, ex := range p.Exchanges() {
			for _, w := range ex.Result.Warnings {
				if w.Code != cors.WarnShortMaxAge {
					continue
				}
				pf := ex.Preflight()
				v := header(pf, cors.HeaderMaxAge)
				d := fmt.Sprintf("the preflight has no Access-Control-Max-Age, so Chromium caches it for %d s: nearly every %s costs an extra OPTIONS round trip", ex.Result.MaxAge, ex.Result.Method)
				if v != "" {
					d = fmt.Sprintf("Access-Control-Max-Age is %q, so Chromium caches the preflight for %d s: most requests cost an extra OPTIONS round trip", v, ex.Result.MaxAge)
				}
				if pf != nil && pf.Duration > 0 {
					d += fmt.Sprintf(" (the preflight took %s here)", pf.Duration.Round(1e5))
				}
				p.Report(i, loc(ex), d, corsLines(pf, "preflight response (OPTIONS)", cors.HeaderMaxAge)...)
			}
		}
	},
}
