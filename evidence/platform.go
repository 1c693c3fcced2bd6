package evidence

import (
	"net/http"
	"strings"
)

// Platform names returned by DetectPlatform; they are the values of
// diag.Platform (package diag imports evidence, so the names are repeated
// here as plain strings).
const (
	PlatformAPIGwREST  = "apigw-rest"
	PlatformAPIGwHTTP  = "apigw-http"
	PlatformLambdaURL  = "lambda-url"
	PlatformFastAPI    = "fastapi"
	PlatformDjango     = "django"
	PlatformExpress    = "express"
	PlatformGo         = "go"
	PlatformNginx      = "nginx"
	PlatformCloudFront = "cloudfront"
)

// Detection is a detected platform and the response headers that gave it away.
type Detection struct {
	Platform string
	// Signals are the headers (or body markers) that identified the
	// platform, e.g. "x-amz-apigw-id".
	Signals []string
}

// DetectPlatform guesses the server platform from response headers, the
// most specific first: API Gateway REST (x-amz-apigw-id, with
// x-amzn-RequestId), HTTP API (apigw-requestid), Lambda function URLs
// (x-amzn-RequestId without the API Gateway ids), then application
// frameworks (Server: uvicorn/hypercorn → fastapi, gunicorn → django,
// X-Powered-By: Express → express, Go's default "404 page not found"
// body → go), then nginx (Server: nginx) and CloudFront (x-amz-cf-id, Via
// ... CloudFront). Nil responses are skipped. The zero Detection means
// nothing was recognised.
func DetectPlatform(rs ...*Response) Detection {
	type cand struct {
		plat string
		sig  string
	}
	best, bestRank := cand{}, 1<<30
	consider := func(rank int, plat, sig string) {
		if rank < bestRank {
			best, bestRank = cand{plat, sig}, rank
		}
	}
	var sigs = map[string][]string{}
	for _, r := range rs {
		if r == nil {
			continue
		}
		h := r.Header
		add := func(rank int, plat, sig string) {
			consider(rank, plat, sig)
			for _, s := range sigs[plat] {
				if s == sig {
					return
				}
			}
			sigs[plat] = append(sigs[plat], sig)
		}
		hasReqID := has(h, "X-Amzn-Requestid") || has(h, "X-Amz-Requestid")
		switch {
		case has(h, "X-Amz-Apigw-Id"):
			add(0, PlatformAPIGwREST, "x-amz-apigw-id")
			if hasReqID {
				add(0, PlatformAPIGwREST, "x-amzn-RequestId")
			}
		case has(h, "Apigw-Requestid"):
			add(1, PlatformAPIGwHTTP, "apigw-requestid")
		case hasReqID && strings.HasPrefix(h.Get("X-Amzn-Errortype"), "MissingAuthenticationToken"):
			// Gateway error responses of REST APIs sometimes lack x-amz-apigw-id.
			add(0, PlatformAPIGwREST, "x-amzn-ErrorType: MissingAuthenticationTokenException")
		case hasReqID && !has(h, "X-Amz-Cf-Id"):
			add(2, PlatformLambdaURL, "x-amzn-RequestId without API Gateway ids")
		}
		server := strings.ToLower(h.Get("Server"))
		powered := strings.ToLower(h.Get("X-Powered-By"))
		switch {
		case strings.Contains(server, "uvicorn") || strings.Contains(server, "hypercorn"):
			add(3, PlatformFastAPI, "Server: "+h.Get("Server"))
		case strings.Contains(server, "gunicorn") || strings.Contains(server, "wsgiserver"):
			add(3, PlatformDjango, "Server: "+h.Get("Server"))
		case strings.Contains(powered, "express"):
			add(3, PlatformExpress, "X-Powered-By: "+h.Get("X-Powered-By"))
		case server == "" && r.Status == http.StatusNotFound && strings.HasPrefix(string(r.Body), "404 page not found"):
			add(4, PlatformGo, "Go net/http 404 body")
		case strings.HasPrefix(server, "nginx") || strings.HasPrefix(server, "openresty"):
			add(5, PlatformNginx, "Server: "+h.Get("Server"))
		}
		if strings.Contains(powered, "express") {
			add(3, PlatformExpress, "X-Powered-By: "+h.Get("X-Powered-By"))
		}
		if has(h, "X-Amz-Cf-Id") || strings.Contains(strings.ToLower(h.Get("Via")), "cloudfront") {
			add(6, PlatformCloudFront, "x-amz-cf-id")
		}
	}
	if best.plat == "" {
		return Detection{}
	}
	return Detection{Platform: best.plat, Signals: sigs[best.plat]}
}

func has(h http.Header, canonical string) bool {
	_, ok := h[canonical]
	if ok {
		return true
	}
	// Keys built by hand may not be canonical.
	for k := range h {
		if strings.EqualFold(k, canonical) {
			return true
		}
	}
	return false
}

// Responses returns every response of the exchange: preflights, actual
// responses and those of the extra probes, in order.
func (ex *Exchange) Responses() []*Response {
	var out []*Response
	add := func(hs []Hop) {
		for _, h := range hs {
			if h.Preflight != nil {
				out = append(out, h.Preflight)
			}
			if h.Response != nil {
				out = append(out, h.Response)
			}
		}
	}
	add(ex.Hops)
	for _, p := range ex.Probes {
		add(p.Hops)
	}
	return out
}
