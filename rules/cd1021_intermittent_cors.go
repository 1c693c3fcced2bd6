package rules

import (
	"fmt"
	"strings"

	"github.com/corsdoctor/corsdoctor/cors"
	"github.com/corsdoctor/corsdoctor/diag"
	"github.com/corsdoctor/corsdoctor/evidence"
)

// CD1021 fires when identical requests (the request and its --repeat
// copies) get different CORS answers.
var cd1021 = &diag.Rule{
	ID:       "CD1021",
	Needs:    diag.NeedsExchanges,
	Name:     "intermittent-cors",
	Severity: diag.Error,
	Rank:     3,
	Since:    "0.1.0",
	Title:    "Identical requests get different CORS answers: a CDN, proxy or one bad instance",
	Doc: `check sends the same request several times (--repeat, default 3). When the
verdict or the Access-Control-Allow-Origin value changes between identical requests,
something between the browser and the application decides: a CDN or proxy cache serving
a response stored for another origin (no Vary: Origin, Origin not in the cache key), a
proxy stripping headers on some paths, or one instance of a load-balanced service
deployed with a different configuration. This is the "intermittent, sometimes passes"
row of the quick-diagnosis table.

Before:  #1 Access-Control-Allow-Origin: https://app.example.com
         #2 (no Access-Control-Allow-Origin)     X-Cache: Hit from cloudfront
After:   every response carries the right value, and Vary: Origin`,
	Fix: map[diag.Platform]string{
		diag.Generic:    "Make every layer agree: send Vary: Origin with per-origin Access-Control-Allow-Origin values, include Origin in the cache key (or do not cache these responses), and check that every instance behind the load balancer runs the same CORS configuration.",
		diag.CloudFront: "Add Origin to the cache key and forward it (cache policy + origin request policy, e.g. the managed CORS-S3Origin / CORS-CustomOrigin policies), or attach a response headers policy with CORS so CloudFront sets the headers itself; then invalidate the cached objects.",
		diag.APIGwREST:  "If stage caching is enabled, add the Origin header to the cache key (method request header + caching enabled for it) or disable caching for this method; check that every stage/deployment behind a custom domain has the same CORS setup.",
		diag.Nginx:      "With proxy_cache, add $http_origin to proxy_cache_key and pass Vary: Origin; make sure every location sets the headers with 'always'.",
	},
	Check: func(p *diag.Pass) {
		for i, ex := range p.Exchanges() {
			if ex.Err != "" {
				continue
			}
			type attempt struct {
				allowed bool
				acao    string
				resp    *evidence.Response
			}
			first := attempt{ex.Result.Allowed, acaoOf(ex.Hops), ex.Final()}
			atts := []attempt{first}
			for _, pr := range ex.Probes {
				if pr.Purpose == evidence.PurposeRepeat && pr.Err == "" {
					atts = append(atts, attempt{pr.Result.Allowed, acaoOf(pr.Hops), finalOf(pr.Hops)})
				}
			}
			if len(atts) < 2 {
				continue
			}
			differ, verdicts := false, false
			for _, a := range atts[1:] {
				if a.allowed != first.allowed {
					verdicts = true
				}
				if a.acao != first.acao {
					differ = true
				}
			}
			if !differ && !verdicts {
				continue
			}
			blockedN := 0
			var ev []string
			cached := false
			for n, a := range atts {
				if !a.allowed {
					blockedN++
				}
				v := "allowed"
				if !a.allowed {
					v = "blocked"
				}
				acao := a.acao
				if acao == "" {
					acao = "(none)"
				}
				line := fmt.Sprintf("#%d %s, Access-Control-Allow-Origin: %s", n+1, v, acao)
				if a.resp != nil {
					line = fmt.Sprintf("#%d %d %s, Access-Control-Allow-Origin: %s", n+1, a.resp.Status, v, acao)
					if cs := cacheSignals(a.resp); len(cs) > 0 {
						line += "  [" + strings.Join(cs, "; ") + "]"
					}
					cached = cached || cacheHit(a.resp)
				}
				ev = append(ev, line)
			}
			d := fmt.Sprintf("%d identical requests from %s got different CORS answers (%d of %d blocked)", len(atts), ex.Result.Origin, blockedN, len(atts))
			var statuses []string
			seen := map[int]bool{}
			for _, a := range atts {
				if a.resp != nil && !seen[a.resp.Status] {
					seen[a.resp.Status] = true
					statuses = append(statuses, fmt.Sprint(a.resp.Status))
				}
			}
			switch {
			case len(statuses) > 1:
				d += fmt.Sprintf("; the status changed too (%s): some attempts got an error response without CORS headers (throttling, an unhealthy instance)", strings.Join(statuses, ", "))
			case cached:
				d += "; some responses came from a cache: a CDN or proxy caches or strips the CORS headers"
			default:
				d += ": a CDN or proxy caches or strips CORS headers, or one server instance is configured differently"
			}
			p.Report(i, loc(ex), d, ev...)
		}
	},
}

// acaoOf returns the Access-Control-Allow-Origin of the final response
// of hops, all lines joined.
func acaoOf(hs []evidence.Hop) string {
	return header(finalOf(hs), cors.HeaderAllowOrigin)
}
