package lab

import (
	"net/http"
	"strings"
)

// reply is a canned response. Header values may use {origin} (the
// request's Origin, whatever it is: a deliberately reflecting server) or
// {allowed-origin} (the request's Origin when it is on the lab's
// allowlist, as a correct CORS middleware does). The header is left out
// when the request has no Origin, or one off the allowlist.
type reply struct {
	Status int
	Header []string
	Body   string
}

// Platform header sets, with fixed ids so output stays deterministic.
var platformHeaders = map[string][]string{
	"apigw-rest": {"Content-Type: application/json", "x-amzn-RequestId: 5f1c2a9e-6b1d-4c1e-9a51-2f6d1b0c7e11", "x-amz-apigw-id: Zq3fKHcDoAMEbXw="},
	"apigw-http": {"Content-Type: application/json", "apigw-requestid: Zq3fKjOboAMEV-g="},
	"lambda-url": {"Content-Type: application/json", "x-amzn-RequestId: 7d2e4b10-9c3f-4d8a-b1e2-0f9a8c7d6e5f", "X-Amzn-Trace-Id: Root=1-6740a1b2-3c4d5e6f7a8b9c0d1e2f3a4b"},
	"fastapi":    {"Content-Type: application/json", "Server: uvicorn"},
	"django":     {"Content-Type: application/json", "Server: gunicorn", "X-Frame-Options: DENY", "Referrer-Policy: same-origin", "X-Content-Type-Options: nosniff"},
	"express":    {"Content-Type: application/json; charset=utf-8", "X-Powered-By: Express"},
	"nginx":      {"Content-Type: application/json", "Server: nginx/1.27.3"},
	"cloudfront": {"Content-Type: application/json", "Via: 1.1 5e2f1c0a9b8d7e6f.cloudfront.net (CloudFront)", "X-Amz-Cf-Pop: FRA56-P1", "X-Amz-Cf-Id: 3nP7sK2vQ9xL0mR4tY6uW8zA1bC3dE5fG7hJ9kL1mN3pQ5rS7tU9vw=="},
	"go":         {"Content-Type: application/json"},
	"s3":         {"Server: AmazonS3", "x-amz-request-id: 7QJ3E1XY2ZK4", "x-amz-id-2: Zm9vYmFyYmF6cXV4cXV1eA=="},
	"spring":     {"X-Content-Type-Options: nosniff", "X-XSS-Protection: 0", "Cache-Control: no-cache, no-store, max-age=0, must-revalidate", "Vary: Origin, Access-Control-Request-Method, Access-Control-Request-Headers"},
}

// write sends rep as platform plat would.
func write(w http.ResponseWriter, r *http.Request, plat string, rep reply) {
	h := w.Header()
	for _, line := range platformHeaders[plat] {
		k, v, _ := strings.Cut(line, ":")
		h.Set(strings.TrimSpace(k), strings.TrimSpace(v))
	}
	origin := r.Header.Get("Origin")
	for _, line := range rep.Header {
		k, v, _ := strings.Cut(line, ":")
		k, v = strings.TrimSpace(k), strings.TrimSpace(v)
		if strings.Contains(v, "{allowed-origin}") {
			if !allowlisted(origin) {
				continue
			}
			v = strings.ReplaceAll(v, "{allowed-origin}", origin)
		}
		if strings.Contains(v, "{origin}") {
			if origin == "" {
				continue
			}
			v = strings.ReplaceAll(v, "{origin}", origin)
		}
		h.Add(k, v)
	}
	status := rep.Status
	if status == 0 {
		status = http.StatusOK
	}
	w.WriteHeader(status)
	if r.Method != http.MethodHead && rep.Body != "" && status != http.StatusNoContent && status != http.StatusNotModified {
		_, _ = w.Write([]byte(rep.Body))
	}
}

// static answers OPTIONS with pre (when non-nil, else with actual) and
// every other method with actual.
func static(plat string, pre *reply, actual reply) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodOptions && pre != nil {
			write(w, r, plat, *pre)
			return
		}
		write(w, r, plat, actual)
	}
}

// Common header sets.
var (
	echoOrigin = []string{"Access-Control-Allow-Origin: {allowed-origin}", "Vary: Origin"}
	goodPre    = reply{Status: 204, Header: []string{
		"Access-Control-Allow-Origin: {allowed-origin}", "Vary: Origin",
		"Access-Control-Allow-Methods: GET, POST, PUT, PATCH, DELETE",
		"Access-Control-Allow-Headers: content-type, authorization, x-request-id",
		"Access-Control-Max-Age: 7200",
	}}
	// apigwMockPre is what API Gateway's "Enable CORS" MOCK OPTIONS returns.
	apigwMockPre = reply{Status: 200, Header: []string{
		"Access-Control-Allow-Origin: *",
		"Access-Control-Allow-Methods: DELETE,GET,HEAD,OPTIONS,PATCH,POST,PUT",
		"Access-Control-Allow-Headers: Content-Type,X-Amz-Date,Authorization,X-Api-Key,X-Amz-Security-Token",
	}, Body: "{}"}
	okBody = `{"items":[{"id":1,"name":"first"}]}`
)

func pre(r reply) *reply { return &r }

func with(base reply, extra ...string) reply {
	base.Header = append(append([]string(nil), base.Header...), extra...)
	return base
}

// fallback answers unknown paths as the group's platform would: API
// Gateway REST with 403 Missing Authentication Token (no CORS headers),
// everything else through a CORS middleware (headers on the 404 too).
func fallback(w http.ResponseWriter, r *http.Request) {
	p := r.URL.Path
	switch {
	case hasPrefix(p, "/aws/rest/"):
		write(w, r, "apigw-rest", reply{Status: 403, Header: []string{"x-amzn-ErrorType: MissingAuthenticationTokenException"}, Body: `{"message":"Missing Authentication Token"}`})
	case r.Method == http.MethodOptions:
		write(w, r, "", goodPre)
	default:
		write(w, r, "", reply{Status: 404, Header: append([]string{"Content-Type: application/json"}, echoOrigin...), Body: `{"detail":"Not Found"}`})
	}
}

// allowlisted reports whether a correctly configured lab endpoint trusts
// the origin: the catalogue's page origins, nothing else (so a security
// scan of the correct endpoints finds nothing).
func allowlisted(origin string) bool {
	switch origin {
	case DevOrigin, ProdOrigin, StagingOrigin, AdminOrigin:
		return true
	}
	return false
}
