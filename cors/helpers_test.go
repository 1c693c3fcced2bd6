package cors

import (
	"net/http"
	"net/textproto"
	"strings"
)

// Sources named by the conformance tables. A case names the Fetch
// standard section, the WPT file it mirrors or the Chromium file whose
// behaviour it pins.
const (
	srcMethods        = "fetch#methods"
	srcSafelist       = "fetch#cors-safelisted-request-header"
	srcUnsafeByte     = "fetch#cors-unsafe-request-header-byte"
	srcUnsafeNames    = "fetch#cors-unsafe-request-header-names"
	srcForbidden      = "fetch#forbidden-request-header"
	srcMainFetch      = "fetch#concept-main-fetch"
	srcPreflightFetch = "fetch#cors-preflight-fetch"
	srcCORSCheck      = "fetch#concept-cors-check"
	srcCredTable      = "fetch#cors-protocol-and-credentials"
	srcRedirect       = "fetch#concept-http-redirect-fetch"
	srcExpose         = "fetch#cors-safelisted-response-header-name"
	srcOriginHeader   = "fetch#origin-header"
	srcRequestCtor    = "fetch#dom-request"
	srcNoCORS         = "fetch#concept-filtered-response-opaque"

	srcCrCors         = "chromium services/network/public/cpp/cors/cors.cc"
	srcCrCorsUtil     = "chromium services/network/cors/cors_util.cc"
	srcCombine        = "fetch#concept-header-list-combine; observed in Chromium 156 and WebKitGTK 2.50.6 (corsdoctor browser --engine all)"
	srcCrPreflight    = "chromium services/network/cors/preflight_controller.cc"
	srcCrPreflightRes = "chromium services/network/cors/preflight_result.cc"
	srcCrLoader       = "chromium services/network/cors/cors_url_loader.cc"
	srcCrErrorString  = "chromium third_party/blink/renderer/platform/loader/cors/cors_error_string.cc"
	srcCrBlinkCors    = "chromium third_party/blink/renderer/platform/loader/cors/cors.cc"
	srcCrHTTPUtil     = "chromium net/http/http_util.cc"
	srcCrFetchManager = "chromium third_party/blink/renderer/core/fetch/fetch_manager.cc"
	srcCrFeatures     = "chromium services/network/public/cpp/features.cc"
	srcFFProperties   = "firefox dom/locales/en-US/chrome/security/security.properties"
	srcFFListener     = "firefox netwerk/protocol/http/nsCORSListenerProxy.cpp"
	srcMixedContent   = "w3c mixed-content#should-block-fetch"
	// srcChromium156 marks behaviour observed in headless Chromium
	// 156.0.8078.79 with corsdoctor browser against a loopback server.
	srcChromium156     = "observed chromium 156.0.8078.79 (corsdoctor browser)"
	srcAppendixA       = "cors-semantics.md Appendix A"
	srcWPTSafelist     = "wpt cors/cors-safelisted-request-header.any.js"
	srcWPTNotSafe      = "wpt fetch/api/cors/cors-preflight-not-cors-safelisted.any.js"
	srcWPTNoPreflight  = "wpt fetch/api/cors/cors-no-preflight.any.js"
	srcWPTPreflight    = "wpt fetch/api/cors/cors-preflight.any.js"
	srcWPTStar         = "wpt fetch/api/cors/cors-preflight-star.any.js"
	srcWPTStatus       = "wpt fetch/api/cors/cors-preflight-status.any.js"
	srcWPTValidation   = "wpt fetch/api/cors/cors-preflight-response-validation.any.js"
	srcWPTPfRedirect   = "wpt fetch/api/cors/cors-preflight-redirect.any.js"
	srcWPTRedirPf      = "wpt fetch/api/cors/cors-redirect-preflight.any.js"
	srcWPTRedirect     = "wpt fetch/api/cors/cors-redirect.any.js"
	srcWPTRedirCreds   = "wpt fetch/api/cors/cors-redirect-credentials.any.js"
	srcWPTOrigin       = "wpt fetch/api/cors/cors-origin.any.js"
	srcWPTCookies      = "wpt fetch/api/cors/cors-cookies.any.js"
	srcWPTExposeStar   = "wpt fetch/api/cors/cors-expose-star.sub.any.js"
	srcWPTFiltering    = "wpt fetch/api/cors/cors-filtering.sub.any.js"
	srcWPTMultiple     = "wpt fetch/api/cors/cors-multiple-origins.sub.any.js"
	srcWPTDataURL      = "wpt fetch/api/cors/data-url-iframe.html"
	srcWPTClientHints  = "wpt cors/client-hint-request-headers.htm"
	srcWPTOriginHTM    = "wpt cors/origin.htm"
	srcWPTAllowHeaders = "wpt cors/allow-headers.htm"
	srcWPTExposeParse  = "wpt cors/access-control-expose-headers-parsing.window.js"
	srcWPTUpload       = "wpt xhr/event-upload-progress.htm"
	srcWPTLowercase    = "wpt xhr/access-control-preflight-request-header-lowercase.htm"
	srcWPTSorted       = "wpt xhr/access-control-preflight-request-header-sorted.htm"
	srcWPTReqStructure = "wpt fetch/api/request/request-structure.any.js"
	srcWPTCommaList    = "wpt xhr/allow-lists-starting-with-comma.htm"
)

// The page and API used by most cases.
const (
	appOrigin = "https://app.example.com"
	apiURL    = "https://api.example.com/items"
	api2URL   = "https://api2.example.com/items"

	// Common console prefixes (cors_error_string.cc).
	fetchPrefix = "Access to fetch at 'https://api.example.com/items' from origin 'https://app.example.com' has been blocked by CORS policy: "
	xhrPrefix   = "Access to XMLHttpRequest at 'https://api.example.com/items' from origin 'https://app.example.com' has been blocked by CORS policy: "
	pfPrefix    = "Response to preflight request doesn't pass access control check: "
	withValue   = " Have the server send the header with a valid value."
	xhrCreds    = " The credentials mode of requests initiated by the XMLHttpRequest is controlled by the withCredentials attribute."

	ffPrefixAPI = "Cross-Origin Request Blocked: The Same Origin Policy disallows reading the remote resource at https://api.example.com/items. "
)

// hdr builds a response header from "Name: value" lines; repeated names
// stay separate lines, as net/http keeps them.
func hdr(lines ...string) http.Header {
	h := http.Header{}
	for _, l := range lines {
		name, value, _ := strings.Cut(l, ":")
		k := textproto.CanonicalMIMEHeaderKey(strings.TrimSpace(name))
		h[k] = append(h[k], strings.TrimLeft(value, " "))
	}
	return h
}

// resp builds a response from a status and header lines.
func resp(status int, lines ...string) *Response {
	return &Response{Status: status, Header: hdr(lines...)}
}

// hs builds a request header list from "Name: value" lines.
func hs(lines ...string) []Header {
	out := make([]Header, 0, len(lines))
	for _, l := range lines {
		name, value, _ := strings.Cut(l, ":")
		out = append(out, Header{Name: name, Value: strings.TrimLeft(value, " ")})
	}
	return out
}
