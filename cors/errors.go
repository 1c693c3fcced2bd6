package cors

import (
	"fmt"
	"strings"
)

// ErrorName is a Chromium network::mojom::CorsError, spelled as the
// DevTools protocol's Network.CorsError enum spells it (the mojom name
// without its "k"). These are the names DevTools shows and
// Network.loadingFailed reports in corsErrorStatus.corsError.
type ErrorName string

// The CorsError values the engine can return, and the rest of the current
// enum for completeness (services/network/public/mojom/cors.mojom).
const (
	DisallowedByMode                     ErrorName = "DisallowedByMode"
	InvalidResponse                      ErrorName = "InvalidResponse"
	WildcardOriginNotAllowed             ErrorName = "WildcardOriginNotAllowed"
	MissingAllowOriginHeader             ErrorName = "MissingAllowOriginHeader"
	MultipleAllowOriginValues            ErrorName = "MultipleAllowOriginValues"
	InvalidAllowOriginValue              ErrorName = "InvalidAllowOriginValue"
	AllowOriginMismatch                  ErrorName = "AllowOriginMismatch"
	InvalidAllowCredentials              ErrorName = "InvalidAllowCredentials"
	CorsDisabledScheme                   ErrorName = "CorsDisabledScheme"
	PreflightInvalidStatus               ErrorName = "PreflightInvalidStatus"
	PreflightDisallowedRedirect          ErrorName = "PreflightDisallowedRedirect"
	PreflightWildcardOriginNotAllowed    ErrorName = "PreflightWildcardOriginNotAllowed"
	PreflightMissingAllowOriginHeader    ErrorName = "PreflightMissingAllowOriginHeader"
	PreflightMultipleAllowOriginValues   ErrorName = "PreflightMultipleAllowOriginValues"
	PreflightInvalidAllowOriginValue     ErrorName = "PreflightInvalidAllowOriginValue"
	PreflightAllowOriginMismatch         ErrorName = "PreflightAllowOriginMismatch"
	PreflightInvalidAllowCredentials     ErrorName = "PreflightInvalidAllowCredentials"
	InvalidAllowMethodsPreflightResponse ErrorName = "InvalidAllowMethodsPreflightResponse"
	InvalidAllowHeadersPreflightResponse ErrorName = "InvalidAllowHeadersPreflightResponse"
	MethodDisallowedByPreflightResponse  ErrorName = "MethodDisallowedByPreflightResponse"
	HeaderDisallowedByPreflightResponse  ErrorName = "HeaderDisallowedByPreflightResponse"
	RedirectContainsCredentials          ErrorName = "RedirectContainsCredentials"
	InsecureLocalNetwork                 ErrorName = "InsecureLocalNetwork"
	InvalidLocalNetworkAccess            ErrorName = "InvalidLocalNetworkAccess"
	LocalNetworkAccessPermissionDenied   ErrorName = "LocalNetworkAccessPermissionDenied"
	NoCorsRedirectModeNotFollow          ErrorName = "NoCorsRedirectModeNotFollow"
)

// ErrorNames lists every CorsError name the engine can return.
var ErrorNames = []ErrorName{
	DisallowedByMode, WildcardOriginNotAllowed, MissingAllowOriginHeader,
	MultipleAllowOriginValues, InvalidAllowOriginValue, AllowOriginMismatch,
	InvalidAllowCredentials, CorsDisabledScheme, PreflightInvalidStatus,
	PreflightDisallowedRedirect, PreflightWildcardOriginNotAllowed,
	PreflightMissingAllowOriginHeader, PreflightMultipleAllowOriginValues,
	PreflightInvalidAllowOriginValue, PreflightAllowOriginMismatch,
	PreflightInvalidAllowCredentials, InvalidAllowMethodsPreflightResponse,
	InvalidAllowHeadersPreflightResponse, MethodDisallowedByPreflightResponse,
	HeaderDisallowedByPreflightResponse, RedirectContainsCredentials,
}

// preflightTwin maps an access-check error to the kPreflight… value
// Chromium reports when the check fails on a preflight response.
func preflightTwin(e ErrorName) ErrorName {
	switch e {
	case WildcardOriginNotAllowed:
		return PreflightWildcardOriginNotAllowed
	case MissingAllowOriginHeader:
		return PreflightMissingAllowOriginHeader
	case MultipleAllowOriginValues:
		return PreflightMultipleAllowOriginValues
	case InvalidAllowOriginValue:
		return PreflightInvalidAllowOriginValue
	case AllowOriginMismatch:
		return PreflightAllowOriginMismatch
	case InvalidAllowCredentials:
		return PreflightInvalidAllowCredentials
	}
	return e
}

// accessTwin is the inverse of preflightTwin.
func accessTwin(e ErrorName) ErrorName {
	if strings.HasPrefix(string(e), "Preflight") {
		switch e {
		case PreflightInvalidStatus, PreflightDisallowedRedirect,
			PreflightMissingAllowPrivateNetwork, PreflightInvalidAllowPrivateNetwork:
			return e
		}
		return ErrorName(strings.TrimPrefix(string(e), "Preflight"))
	}
	return e
}

// AccessError is the access-check error a preflight error is the
// preflight twin of (PreflightAllowOriginMismatch gives
// AllowOriginMismatch); any other error is returned as it is.
func (e ErrorName) AccessError() ErrorName { return accessTwin(e) }

// IsPreflightError reports whether Chromium prefixes the console detail
// with "Response to preflight request doesn't pass access control check: "
// (cors_error_string.cc IsPreflightError). The ACAM/ACAH errors come from
// the preflight too but get no prefix.
func (e ErrorName) IsPreflightError() bool {
	switch e {
	case PreflightWildcardOriginNotAllowed, PreflightMissingAllowOriginHeader,
		PreflightMultipleAllowOriginValues, PreflightInvalidAllowOriginValue,
		PreflightAllowOriginMismatch, PreflightInvalidAllowCredentials,
		PreflightInvalidStatus, PreflightDisallowedRedirect,
		PreflightMissingAllowPrivateNetwork, PreflightInvalidAllowPrivateNetwork:
		return true
	}
	return false
}

const (
	fetchSuffix = " Have the server send the header with a valid value."
	xhrSuffix   = " The credentials mode of requests initiated by the XMLHttpRequest is controlled by the withCredentials attribute."
	// corsSchemes is SchemeRegistry::ListOfCorsEnabledURLSchemes() as
	// Chromium 156.0.8078.79 prints it (observed with corsdoctor browser;
	// embedder-dependent, older builds lack chrome-experimental-site-token-provider).
	corsSchemes = "chrome, chrome-experimental-site-token-provider, chrome-extension, chrome-untrusted, data, http, https, isolated-app"
)

// detail returns the text after the common prefix, as
// cors_error_string.cc GetErrorStringForConsoleMessage builds it. hint
// must already be encoded with EncodeHint.
func detail(e ErrorName, hint string, init Initiator) string {
	base := accessTwin(e)
	var s string
	switch base {
	case DisallowedByMode:
		s = "Cross origin requests are not allowed by request mode."
	case InvalidResponse:
		s = "The response is invalid."
	case WildcardOriginNotAllowed:
		s = "The value of the 'Access-Control-Allow-Origin' header in the response must not be the wildcard '*' when the request's credentials mode is 'include'."
		if init == InitiatorXHR {
			s += xhrSuffix
		}
	case MissingAllowOriginHeader:
		s = "No 'Access-Control-Allow-Origin' header is present on the requested resource."
	case MultipleAllowOriginValues:
		s = "The 'Access-Control-Allow-Origin' header contains multiple values '" + hint + "', but only one is allowed."
		if init == InitiatorFetch {
			s += fetchSuffix
		}
	case InvalidAllowOriginValue:
		s = "The 'Access-Control-Allow-Origin' header contains the invalid value '" + hint + "'."
		if init == InitiatorFetch {
			s += fetchSuffix
		}
	case AllowOriginMismatch:
		s = "The 'Access-Control-Allow-Origin' header has a value '" + hint + "' that is not equal to the supplied origin."
		if init == InitiatorFetch {
			s += fetchSuffix
		}
	case InvalidAllowCredentials:
		s = "The value of the 'Access-Control-Allow-Credentials' header in the response is '" + hint + "' which must be 'true' when the request's credentials mode is 'include'."
		if init == InitiatorXHR {
			s += xhrSuffix
		}
	case CorsDisabledScheme:
		s = "Cross origin requests are only supported for protocol schemes: " + corsSchemes + "."
	case PreflightInvalidStatus:
		s = "It does not have HTTP ok status."
	case PreflightDisallowedRedirect:
		s = "Redirect is not allowed for a preflight request."
	case InvalidAllowMethodsPreflightResponse:
		s = "Cannot parse Access-Control-Allow-Methods response header field in preflight response."
	case InvalidAllowHeadersPreflightResponse:
		s = "Cannot parse Access-Control-Allow-Headers response header field in preflight response."
	case MethodDisallowedByPreflightResponse:
		s = "Method " + hint + " is not allowed by Access-Control-Allow-Methods in preflight response."
	case HeaderDisallowedByPreflightResponse:
		s = "Request header field " + hint + " is not allowed by Access-Control-Allow-Headers in preflight response."
	case RedirectContainsCredentials:
		s = "Redirect location '" + hint + "' contains a username and password, which is disallowed for cross-origin requests."
	}
	return s
}

// EncodeHint escapes a failed parameter as Chromium's EncodeHint does:
// bytes outside printable ASCII become \uXXXX (upper-case hex, Latin-1).
func EncodeHint(s string) string {
	clean := true
	for i := 0; i < len(s); i++ {
		if s[i] < 0x20 || s[i] > 0x7e {
			clean = false
			break
		}
	}
	if clean {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < 0x20 || c > 0x7e {
			fmt.Fprintf(&b, "\\u%04X", c)
			continue
		}
		b.WriteByte(c)
	}
	return b.String()
}

// FirefoxCode is a Firefox CORS error code as MDN documents it.
type FirefoxCode string

// Firefox codes (mdn/content files/en-us/web/http/guides/cors/errors/).
const (
	FFDisabled                        FirefoxCode = "CORSDisabled"
	FFDidNotSucceed                   FirefoxCode = "CORSDidNotSucceed"
	FFOriginHeaderNotAdded            FirefoxCode = "CORSOriginHeaderNotAdded"
	FFExternalRedirectNotAllowed      FirefoxCode = "CORSExternalRedirectNotAllowed"
	FFRequestNotHTTP                  FirefoxCode = "CORSRequestNotHttp"
	FFMissingAllowOrigin              FirefoxCode = "CORSMissingAllowOrigin"
	FFMultipleAllowOriginNotAllowed   FirefoxCode = "CORSMultipleAllowOriginNotAllowed"
	FFAllowOriginNotMatchingOrigin    FirefoxCode = "CORSAllowOriginNotMatchingOrigin"
	FFNotSupportingCredentials        FirefoxCode = "CORSNotSupportingCredentials"
	FFMethodNotFound                  FirefoxCode = "CORSMethodNotFound"
	FFMissingAllowCredentials         FirefoxCode = "CORSMissingAllowCredentials"
	FFPreflightDidNotSucceed          FirefoxCode = "CORSPreflightDidNotSucceed"
	FFInvalidAllowMethod              FirefoxCode = "CORSInvalidAllowMethod"
	FFInvalidAllowHeader              FirefoxCode = "CORSInvalidAllowHeader"
	FFMissingAllowHeaderFromPreflight FirefoxCode = "CORSMissingAllowHeaderFromPreflight"
)

// MDN returns the MDN page that documents the code.
func (c FirefoxCode) MDN() string {
	if c == "" {
		return ""
	}
	return "https://developer.mozilla.org/en-US/docs/Web/HTTP/Guides/CORS/Errors/" + string(c)
}

const ffPrefix = "Cross-Origin Request Blocked: The Same Origin Policy disallows reading the remote resource at "

// firefoxMessage renders security.properties text for code (U+2018/U+2019
// quotes as Firefox prints them). status is "" when Firefox has none.
func firefoxMessage(c FirefoxCode, url, param string) string {
	switch c {
	case FFDisabled:
		return ffPrefix + url + ". (Reason: CORS disabled)."
	case FFDidNotSucceed:
		return ffPrefix + url + ". (Reason: CORS request did not succeed). Status code: " + param + "."
	case FFOriginHeaderNotAdded:
		return ffPrefix + url + ". (Reason: CORS header ‘Origin’ cannot be added)."
	case FFExternalRedirectNotAllowed:
		return ffPrefix + url + ". (Reason: CORS request external redirect not allowed)."
	case FFRequestNotHTTP:
		return ffPrefix + url + ". (Reason: CORS request not http)."
	case FFMissingAllowOrigin:
		return ffPrefix + url + ". (Reason: CORS header ‘Access-Control-Allow-Origin’ missing). Status code: " + param + "."
	case FFMultipleAllowOriginNotAllowed:
		return ffPrefix + url + ". (Reason: Multiple CORS header ‘Access-Control-Allow-Origin’ not allowed)."
	case FFAllowOriginNotMatchingOrigin:
		return ffPrefix + url + ". (Reason: CORS header ‘Access-Control-Allow-Origin’ does not match ‘" + param + "’)."
	case FFNotSupportingCredentials:
		return ffPrefix + "‘" + url + "’. (Reason: Credential is not supported if the CORS header ‘Access-Control-Allow-Origin’ is ‘*’)."
	case FFMethodNotFound:
		return ffPrefix + url + ". (Reason: Did not find method in CORS header ‘Access-Control-Allow-Methods’)."
	case FFMissingAllowCredentials:
		return ffPrefix + url + ". (Reason: expected ‘true’ in CORS header ‘Access-Control-Allow-Credentials’)."
	case FFPreflightDidNotSucceed:
		return ffPrefix + url + ". (Reason: CORS preflight response did not succeed). Status code: " + param + "."
	case FFInvalidAllowMethod:
		return ffPrefix + url + ". (Reason: invalid token ‘" + param + "’ in CORS header ‘Access-Control-Allow-Methods’)."
	case FFInvalidAllowHeader:
		return ffPrefix + url + ". (Reason: invalid token ‘" + param + "’ in CORS header ‘Access-Control-Allow-Headers’)."
	case FFMissingAllowHeaderFromPreflight:
		return ffPrefix + url + ". (Reason: header ‘" + param + "’ is not allowed according to header ‘Access-Control-Allow-Headers’ from CORS preflight response)."
	}
	return ""
}

// Explanation is the cause of a CorsError in plain words and the generic
// fix. Platform-specific fixes live in package rules.
type Explanation struct {
	Cause string
	Fix   string
}

// Explain returns the plain explanation of a CorsError.
func Explain(e ErrorName) Explanation {
	switch accessTwin(e) {
	case DisallowedByMode:
		return Explanation{"The request was made with mode \"same-origin\" to another origin.", "Use mode \"cors\" (the default) for cross-origin requests."}
	case InvalidResponse:
		return Explanation{"The preflight failed at the network level (connection reset, empty response, TLS error).", "Make the server answer OPTIONS requests with a complete HTTP response."}
	case WildcardOriginNotAllowed:
		return Explanation{"The response allows any origin with Access-Control-Allow-Origin: *, but the request carries credentials (cookies or HTTP auth), and browsers refuse '*' for credentialed requests.", "Echo the one allowed origin that sent the request (checked against an allowlist) in Access-Control-Allow-Origin, add Access-Control-Allow-Credentials: true and Vary: Origin; or send the request without credentials."}
	case MissingAllowOriginHeader:
		return Explanation{"The response has no Access-Control-Allow-Origin header at all: the server, or whatever answered in its place (a gateway, proxy, auth layer or error handler), did not apply CORS to this response.", "Make every response to this origin carry Access-Control-Allow-Origin, including errors and, for preflights, the OPTIONS response."}
	case MultipleAllowOriginValues:
		return Explanation{"Access-Control-Allow-Origin holds more than one value: either a list of origins in one header, or two layers (proxy and application) each adding the header.", "Send exactly one origin: pick the request's Origin from your allowlist and echo it; make sure only one layer adds CORS headers."}
	case InvalidAllowOriginValue:
		return Explanation{"Access-Control-Allow-Origin is not a valid origin (for example it lacks the scheme, or is empty).", "Send the full origin, scheme included, exactly as the browser sends it in the Origin header, e.g. https://app.example.com."}
	case AllowOriginMismatch:
		return Explanation{"Access-Control-Allow-Origin names a different origin than the page's: the comparison is byte for byte, so scheme, host, port, case and a trailing slash all count.", "Echo the page's origin exactly as sent in the Origin header (no trailing slash, same scheme and port), from an allowlist."}
	case InvalidAllowCredentials:
		return Explanation{"The request includes credentials, but the response does not say Access-Control-Allow-Credentials: true (exactly, lower case).", "Add Access-Control-Allow-Credentials: true to the response (and to the preflight response), or stop sending credentials."}
	case CorsDisabledScheme:
		return Explanation{"The URL's scheme does not support CORS (only http and https do for pages).", "Request the resource over http or https."}
	case PreflightInvalidStatus:
		return Explanation{"The OPTIONS preflight was answered with a status outside 200-299 (typically 401/403 from authentication, or 404/405 because no route handles OPTIONS).", "Answer OPTIONS preflights with 200 or 204 before authentication and routing run."}
	case PreflightDisallowedRedirect:
		return Explanation{"The preflight was answered with a redirect (often http to https, or a missing trailing slash); browsers never follow redirects for preflights.", "Request the final URL directly, and make the server answer OPTIONS at that URL without redirecting."}
	case InvalidAllowMethodsPreflightResponse:
		return Explanation{"Access-Control-Allow-Methods holds an item that is not a method token (a space inside a name, quotes, a slash).", "Send a comma-separated list of method names, e.g. GET, POST, PUT, DELETE."}
	case InvalidAllowHeadersPreflightResponse:
		return Explanation{"Access-Control-Allow-Headers holds an item that is not a header-name token.", "Send a comma-separated list of header names, e.g. Content-Type, Authorization."}
	case MethodDisallowedByPreflightResponse:
		return Explanation{"The request's method is not listed in the preflight's Access-Control-Allow-Methods. Methods compare case-sensitively, and only DELETE, GET, HEAD, OPTIONS, POST and PUT are upper-cased by the browser: 'patch' stays 'patch'.", "List the method in Access-Control-Allow-Methods exactly as the browser sends it (use PATCH in your code, not patch)."}
	case HeaderDisallowedByPreflightResponse:
		return Explanation{"The request sets a header that the preflight's Access-Control-Allow-Headers does not list.", "Add the header name to Access-Control-Allow-Headers (names compare case-insensitively), or stop sending it."}
	case RedirectContainsCredentials:
		return Explanation{"A cross-origin redirect points at a URL with a user name or password in it.", "Redirect to a URL without credentials; authenticate with headers instead."}
	}
	return Explanation{}
}
