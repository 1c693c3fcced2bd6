package cors

import (
	"net/http"
	"sort"
	"strings"
)

// safelistedResponseHeaders are always readable by the page (Fetch §
// CORS-safelisted response-header name).
var safelistedResponseHeaders = [...]string{
	"cache-control", "content-language", "content-length", "content-type",
	"expires", "last-modified", "pragma",
}

// IsSafelistedResponseHeader reports whether the page can read the header
// without Access-Control-Expose-Headers.
func IsSafelistedResponseHeader(name string) bool {
	for _, n := range safelistedResponseHeaders {
		if equalFold(name, n) {
			return true
		}
	}
	return false
}

// Readable reports whether JavaScript can read response header name from a
// CORS response with these headers (Fetch § CORS filtered response;
// Blink cors.cc ExtractCorsExposedHeaderNamesList: any non-token item
// empties the whole list; "*" exposes everything except Set-Cookie when
// credentials are not included).
func Readable(h http.Header, name string, cred Credentials) bool {
	if equalFold(name, "set-cookie") || equalFold(name, "set-cookie2") {
		return false
	}
	if IsSafelistedResponseHeader(name) {
		return true
	}
	aceh, _ := get(h, HeaderExposeHeaders)
	if _, bad := firstNonToken(aceh); bad {
		return false
	}
	if cred != CredentialsInclude && listContains(aceh, "*") {
		return true
	}
	return listContainsFold(aceh, name)
}

// ReadableHeaders maps every header name of the response, plus the names
// asked about in extra, to whether the page's JavaScript can read it.
// Names are lower-cased. A same-origin (basic) response exposes all but
// Set-Cookie; an opaque one exposes nothing.
func ReadableHeaders(r *Result, h http.Header, extra []string) map[string]bool {
	out := map[string]bool{}
	names := make([]string, 0, len(h)+len(extra))
	for k := range h {
		names = append(names, k)
	}
	names = append(names, extra...)
	sort.Strings(names)
	for _, n := range names {
		ln := strings.ToLower(n)
		switch {
		case !r.Allowed || r.Opaque:
			out[ln] = false
		case !r.CrossOrigin:
			_, present := h[http.CanonicalHeaderKey(n)]
			out[ln] = present && ln != "set-cookie" && ln != "set-cookie2"
		default:
			out[ln] = Readable(h, n, r.Credentials)
		}
	}
	return out
}
