package rules

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/corsdoctor/corsdoctor/cors"
	"github.com/corsdoctor/corsdoctor/evidence"
)

// Helpers for the live-probe rules (CD1019-CD1049).

// finalOf returns the last actual response of hops, or nil.
func finalOf(hs []evidence.Hop) *evidence.Response {
	for i := len(hs) - 1; i >= 0; i-- {
		if hs[i].Response != nil {
			return hs[i].Response
		}
	}
	return nil
}

// preflightOf returns the last preflight response of hops, or nil.
func preflightOf(hs []evidence.Hop) *evidence.Response {
	for i := len(hs) - 1; i >= 0; i-- {
		if hs[i].Preflight != nil {
			return hs[i].Preflight
		}
	}
	return nil
}

// blockedOnActual reports whether the exchange is blocked because the
// final actual response failed the CORS check.
func blockedOnActual(ex *evidence.Exchange) bool {
	r := &ex.Result
	return r.Blocked() && ex.Err == "" && r.Stage == cors.StageActual && r.Error != ""
}

// cacheSignalHeaders are response headers through which caches and CDNs
// announce themselves.
var cacheSignalHeaders = []string{"Age", "X-Cache", "Cf-Cache-Status", "X-Amz-Cf-Pop", "Via", "Cache-Status", "X-Cache-Status", "X-Served-By", "X-Proxy-Cache"}

// cacheSignals lists the cache headers of r as "Name: value".
func cacheSignals(r *evidence.Response) []string {
	if r == nil {
		return nil
	}
	var out []string
	for _, k := range cacheSignalHeaders {
		if v := r.Header.Get(k); v != "" {
			out = append(out, k+": "+v)
		}
	}
	return out
}

// cacheHit reports whether r says it was served from a cache.
func cacheHit(r *evidence.Response) bool {
	if r == nil {
		return false
	}
	if n, err := strconv.Atoi(strings.TrimSpace(r.Header.Get("Age"))); err == nil && n > 0 {
		return true
	}
	for _, k := range []string{"X-Cache", "Cf-Cache-Status", "Cache-Status", "X-Cache-Status", "X-Proxy-Cache"} {
		v := strings.ToLower(r.Header.Get(k))
		if strings.Contains(v, "hit") || strings.Contains(v, "stale") {
			return true
		}
	}
	return false
}

// varies reports whether Vary lists name (or *).
func varies(r *evidence.Response, name string) bool {
	for _, v := range r.Header.Values(cors.HeaderVary) {
		for _, item := range strings.Split(v, ",") {
			item = strings.TrimSpace(item)
			if item == "*" || strings.EqualFold(item, name) {
				return true
			}
		}
	}
	return false
}

// errorType returns API Gateway's x-amzn-ErrorType without the
// ":http://internal.amazon.com/..." suffix it sometimes carries.
func errorType(r *evidence.Response) string {
	et := header(r, "x-amzn-errortype")
	et, _, _ = strings.Cut(et, ":")
	return strings.TrimSpace(et)
}

// bodySnippet returns the gist of a response body, clipped: an HTML
// page's title (or its text without tags), else the first line.
func bodySnippet(r *evidence.Response) string {
	if r == nil || len(r.Body) == 0 {
		return ""
	}
	s := strings.TrimSpace(bodySnippetN(r, 4096))
	if strings.HasPrefix(s, "<") {
		ls := strings.ToLower(s)
		if i := strings.Index(ls, "<title>"); i >= 0 {
			if j := strings.Index(ls[i:], "</title>"); j > 0 {
				s = s[i+len("<title>") : i+j]
			}
		} else {
			s = evidence.StripTags(s)
		}
	}
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		s = s[:i]
	}
	s = strings.TrimSpace(s)
	if len(s) > 120 {
		s = s[:117] + "..."
	}
	return s
}

// statusEvidence is the evidence block of a response plus its body's
// first line and the API Gateway error type, when present.
func statusEvidence(r *evidence.Response, kind string) []string {
	out := corsLines(r, kind, "")
	if et := header(r, "x-amzn-errortype"); et != "" {
		out = append(out, "  x-amzn-ErrorType: "+et)
	}
	if b := bodySnippet(r); b != "" {
		out = append(out, "  body: "+b)
	}
	return out
}

// addressSpace classifies a host or IP as Chromium's Local Network
// Access does: "loopback", "local" (private, link-local) or "public".
func addressSpace(host string) string {
	host = strings.TrimSuffix(strings.Trim(host, "[]"), ".")
	lh := strings.ToLower(host)
	if lh == "localhost" || strings.HasSuffix(lh, ".localhost") {
		return "loopback"
	}
	if s := cors.AddressSpaceOf(host); s != "" {
		return string(s)
	}
	if strings.HasSuffix(lh, ".local") || strings.HasSuffix(lh, ".internal") || strings.HasSuffix(lh, ".lan") || strings.HasSuffix(lh, ".home.arpa") {
		return "local"
	}
	return "public"
}

func spaceRank(s string) int {
	switch s {
	case "loopback":
		return 0
	case "local":
		return 1
	}
	return 2
}

// statusName renders "404 Not Found".
func statusName(code int) string {
	if t := http.StatusText(code); t != "" {
		return fmt.Sprintf("%d %s", code, t)
	}
	return strconv.Itoa(code)
}

func http1Equal(a, b string) bool { return strings.EqualFold(a, b) }

// isSimpleContentType reports whether a Content-Type value is one of the
// three CORS-safelisted types (no preflight).
func isSimpleContentType(v string) bool {
	mt, _, _ := strings.Cut(v, ";")
	switch strings.ToLower(strings.TrimSpace(mt)) {
	case "text/plain", "application/x-www-form-urlencoded", "multipart/form-data":
		return true
	}
	return false
}

// forceActualNote describes the --force-actual probe, when check sent
// one: what the actual request got although the preflight failed.
func forceActualNote(ex *evidence.Exchange) string {
	for _, pr := range ex.Probes {
		if pr.Purpose != "force-actual" || pr.Err != "" {
			continue
		}
		r := finalOf(pr.Hops)
		if r == nil {
			return ""
		}
		verdict := "and would pass the CORS check: only the preflight stands in the way"
		if !pr.Result.Allowed {
			verdict = "and would still fail the CORS check (" + string(pr.Result.Error) + ")"
		}
		return fmt.Sprintf("; sent anyway (--force-actual), the %s got %s %s", pr.Result.Method, statusName(r.Status), verdict)
	}
	return ""
}
