package rules

import (
	"fmt"
	"strings"

	"github.com/corsdoctor/corsdoctor/diag"
)

// CD1028 fires when the same request is allowed for one origin and
// blocked for another: "works in dev, fails in prod".
var cd1028 = &diag.Rule{
	ID:       "CD1028",
	Needs:    diag.NeedsExchanges,
	Name:     "environments-differ",
	Severity: diag.Error,
	Rank:     2,
	Since:    "0.1.0",
	Title:    "Works from one origin, blocked from another: the allowlist misses an environment",
	Doc: `The same request was checked from several origins (--origin given more than
once) and the verdicts differ. This is the "works in dev, fails in prod" pattern: the
server's allowlist was written for one environment (http://localhost:3000) and the
others (staging, production, a preview deployment) were never added, or each
environment's configuration lists a different set. The finding on each blocked origin
names the origins that work; the other findings give the exact mismatch. It ranks
first because the comparison is direct evidence: the same request, from another origin,
passes.`,
	Fix: map[diag.Platform]string{
		diag.Generic:    "Add every environment's exact origin (scheme, host, port) to the allowlist, from configuration per environment rather than hard-coded, and check them all with corsdoctor check --origin A --origin B ...",
		diag.LambdaURL:  "Function URL CORS: list every environment's origin: --cors '{\"AllowOrigins\":[\"{{origin}}\",\"https://staging.example.com\",\"http://localhost:3000\"]}'",
		diag.GoPlatform: "Read the allowlist from configuration per environment: cors.Options{AllowedOrigins: strings.Split(os.Getenv(\"CORS_ORIGINS\"), \",\")}.",
		diag.APIGwREST:  "Map Access-Control-Allow-Origin per request (proxy integration: pick the request's Origin from an allowlist in the backend), or use one stage per environment with its own origin in the integration responses and gateway responses; redeploy.",
		diag.APIGwHTTP:  "aws apigatewayv2 update-api --api-id {{api_id}} --cors-configuration AllowOrigins={{origin}},https://staging.example.com,http://localhost:3000",
		diag.FastAPI:    "CORSMiddleware(allow_origins=settings.cors_origins) with one entry per environment (or allow_origin_regex for preview deployments).",
		diag.Django:     "CORS_ALLOWED_ORIGINS = env.list('CORS_ALLOWED_ORIGINS') with every environment's origin.",
		diag.Express:    "cors({ origin: process.env.CORS_ORIGINS.split(',') }) with every environment's origin.",
	},
	Check: func(p *diag.Pass) {
		exs := p.Exchanges()
		for i, ex := range exs {
			if !ex.Result.Blocked() || ex.Err != "" {
				continue
			}
			var ok []string
			for j, o := range exs {
				if j != i && o.Err == "" && o.Result.Allowed && o.Request.URL == ex.Request.URL &&
					o.Result.Method == ex.Result.Method && o.Request.Origin != ex.Request.Origin {
					ok = append(ok, o.Request.Origin)
				}
			}
			if len(ok) == 0 {
				continue
			}
			d := fmt.Sprintf("%s %s is allowed from %s but blocked from %s: the server's CORS configuration does not cover this origin", ex.Result.Method, ex.Request.URL, strings.Join(ok, ", "), ex.Request.Origin)
			p.Report(i, loc(ex), d)
		}
	},
}
