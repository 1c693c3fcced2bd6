package rules

import (
	"fmt"
	"strings"

	"github.com/corsdoctor/corsdoctor/cors"
	"github.com/corsdoctor/corsdoctor/diag"
	"github.com/corsdoctor/corsdoctor/evidence"
)

// CD1029 fires when a blocked response was served from a cache: the CDN
// or proxy stored a response made for another origin, or one without
// CORS headers.
var cd1029 = &diag.Rule{
	ID:       "CD1029",
	Needs:    diag.NeedsExchanges,
	Name:     "cached-cors-response",
	Severity: diag.Error,
	Rank:     4,
	Since:    "0.1.0",
	Title:    "A CDN or proxy served a cached response with the wrong CORS headers",
	Doc: `The blocked response says it came from a cache (Age, X-Cache: Hit, CF-Cache-Status:
HIT, Cache-Status: hit) and its Access-Control-Allow-Origin is missing or names another
origin. The cache key does not include the Origin header: the first request (from
another origin, or without Origin at all, e.g. an <img> tag or curl) was stored and is
now served to everyone (PRX/Infrastructure#412, expressjs/cors#239, GSA/api.data.gov#397).

Before:  X-Cache: Hit from cloudfront
         Access-Control-Allow-Origin: https://admin.example.com
After:   Origin in the cache key, Vary: Origin from the origin server`,
	Fix: map[diag.Platform]string{
		diag.Generic:    "Include Origin in the cache key (or Vary: Origin honoured by the cache), or let the cache set the CORS headers itself; then purge the cached objects.",
		diag.CloudFront: "Use a cache policy whose cache key includes the Origin header (or the managed CORS-CustomOrigin/CORS-S3Origin origin request policy plus a cache policy that keys on Origin), or attach a response headers policy with CORS; then create an invalidation.",
		diag.APIGwREST:  "Stage caching keys on the method's cache key parameters only: add method.request.header.Origin as a cache key parameter (or disable caching for this method), then flush the stage cache: aws apigateway flush-stage-cache --rest-api-id {{api_id}} --stage-name {{stage}}",
		diag.Nginx:      "proxy_cache_key \"$scheme$proxy_host$request_uri$http_origin\"; and send Vary: Origin from the upstream.",
	},
	Check: func(p *diag.Pass) {
		blocked(p, func(i int, ex *evidence.Exchange) {
			r := ex.Final()
			if ex.Result.Stage != cors.StageActual || !cacheHit(r) {
				return
			}
			got := header(r, cors.HeaderAllowOrigin)
			d := fmt.Sprintf("the response was served from a cache (%s) ", strings.Join(cacheSignals(r), "; "))
			if got == "" {
				d += "without Access-Control-Allow-Origin: the cache stored a response to a request without Origin (or for which the server sent no CORS headers) and serves it to this page"
			} else {
				d += fmt.Sprintf("with Access-Control-Allow-Origin: %s, made for another origin than %s: Origin is not part of the cache key", got, ex.Result.Origin)
			}
			// The cache that served it is the layer to fix: CloudFront in
			// front of S3 or an app is named by the detection.
			plat := diag.Platform(ex.Platform)
			if ex.Detection != nil && ex.Detection.Has(evidence.PlatformCloudFront) && (header(r, "x-cache") != "" || header(r, "via") != "") {
				plat = diag.CloudFront
			}
			pl, fix := fixFor(p.Rule.Fix, plat)
			p.ReportFixText(i, loc(ex), pl, fix, d, corsLines(r, "response", cors.HeaderAllowOrigin)...)
		}, cors.AllowOriginMismatch, cors.MissingAllowOriginHeader)
	},
}
