package cors

import (
	"fmt"
	"strings"
	"testing"
)

// verdict is what a case pins about a Result.
type verdict struct {
	Allowed bool
	Stage   Stage
	Error   ErrorName
	Param   string
	Firefox FirefoxCode
	// Console is ConsoleMessage(), character for character.
	Console string
}

func verdictOf(r *Result) verdict {
	return verdict{r.Allowed, r.Stage, r.Error, r.FailedParameter, r.Firefox, r.ConsoleMessage()}
}

type evalCase struct {
	desc string
	src  string
	req  Request
	hops []Hop
	want verdict
	// contains, when set, replaces the exact Console comparison: for
	// refusal texts not pinned by a Chromium source.
	contains string
	// ff, when set, is the exact Firefox console line.
	ff    string
	check func(t *testing.T, r *Result)
}

// Request and response builders shared by the tables.
func getReq(c Credentials) Request { return Request{Origin: appOrigin, URL: apiURL, Credentials: c} }

func xhrGet(c Credentials) Request {
	return Request{Origin: appOrigin, URL: apiURL, Credentials: c, Initiator: InitiatorXHR}
}

// putReq is the usual preflighted request: ACRM PUT,
// ACRH content-type,x-request-id.
func putReq(c Credentials) Request {
	return Request{Origin: appOrigin, URL: apiURL, Method: "PUT", Credentials: c,
		Body: BodySimple, Headers: hs("Content-Type: application/json", "X-Request-Id: 42")}
}

func okPreflight(extra ...string) *Response {
	return resp(204, append([]string{
		"Access-Control-Allow-Origin: " + appOrigin,
		"Access-Control-Allow-Methods: GET, PUT, DELETE",
		"Access-Control-Allow-Headers: Content-Type, X-Request-Id",
		"Access-Control-Max-Age: 7200",
	}, extra...)...)
}

func okActual(extra ...string) *Response {
	return resp(200, append([]string{"Access-Control-Allow-Origin: " + appOrigin}, extra...)...)
}

func one(r *Response) []Hop   { return []Hop{{Response: r}} }
func pf(p, r *Response) []Hop { return []Hop{{Preflight: p, Response: r}} }
func wantWarning(c WarningCode) func(*testing.T, *Result) {
	return func(t *testing.T, r *Result) {
		t.Helper()
		if !hasWarning(r, c) {
			t.Errorf("warnings %v lack %s", r.Warnings, c)
		}
	}
}

const (
	corsDisabledText = "Cross origin requests are only supported for protocol schemes: chrome, chrome-experimental-site-token-provider, chrome-extension, chrome-untrusted, data, http, https, isolated-app."
	wildcardText     = "The value of the 'Access-Control-Allow-Origin' header in the response must not be the wildcard '*' when the request's credentials mode is 'include'."
	missingText      = "No 'Access-Control-Allow-Origin' header is present on the requested resource."
	statusText       = "It does not have HTTP ok status."
)

func mismatchText(v string) string {
	return "The 'Access-Control-Allow-Origin' header has a value '" + v + "' that is not equal to the supplied origin."
}

func credsText(v string) string {
	return "The value of the 'Access-Control-Allow-Credentials' header in the response is '" + v + "' which must be 'true' when the request's credentials mode is 'include'."
}

// accessTests: the CORS check on the actual response (Fetch § CORS check;
// Chromium CheckAccess in cors.cc).
var accessTests = []evalCase{
	{
		desc: "ACAO exact match", src: srcCORSCheck,
		req: getReq(""), hops: one(okActual()),
		want: verdict{Allowed: true},
	},
	{
		desc: "ACAO * without credentials", src: srcCredTable,
		req: getReq(CredentialsOmit), hops: one(resp(200, "Access-Control-Allow-Origin: *")),
		want: verdict{Allowed: true},
	},
	{
		desc: "ACAO * with ACAC true and credentials omit", src: srcCredTable,
		req: getReq(CredentialsOmit), hops: one(resp(200, "Access-Control-Allow-Origin: *", "Access-Control-Allow-Credentials: true")),
		want: verdict{Allowed: true},
	},
	{
		desc: "ACAO * with credentials include", src: srcCredTable,
		req: getReq(CredentialsInclude), hops: one(resp(200, "Access-Control-Allow-Origin: *")),
		want: verdict{Stage: StageActual, Error: WildcardOriginNotAllowed, Firefox: FFNotSupportingCredentials,
			Console: fetchPrefix + wildcardText},
		ff: "Cross-Origin Request Blocked: The Same Origin Policy disallows reading the remote resource at ‘https://api.example.com/items’. (Reason: Credential is not supported if the CORS header ‘Access-Control-Allow-Origin’ is ‘*’).",
	},
	{
		desc: "ACAO * with ACAC true and credentials include", src: srcCredTable,
		req: getReq(CredentialsInclude), hops: one(resp(200, "Access-Control-Allow-Origin: *", "Access-Control-Allow-Credentials: true")),
		want: verdict{Stage: StageActual, Error: WildcardOriginNotAllowed, Firefox: FFNotSupportingCredentials,
			Console: fetchPrefix + wildcardText},
	},
	{
		desc: "ACAO * with credentials, XHR suffix", src: srcCrErrorString,
		req: xhrGet(CredentialsInclude), hops: one(resp(200, "Access-Control-Allow-Origin: *")),
		want: verdict{Stage: StageActual, Error: WildcardOriginNotAllowed, Firefox: FFNotSupportingCredentials,
			Console: xhrPrefix + wildcardText + xhrCreds},
	},
	{
		desc: "ACAO missing", src: srcCORSCheck,
		req: getReq(""), hops: one(resp(200)),
		want: verdict{Stage: StageActual, Error: MissingAllowOriginHeader, Firefox: FFMissingAllowOrigin,
			Console: fetchPrefix + missingText},
		ff: ffPrefixAPI + "(Reason: CORS header ‘Access-Control-Allow-Origin’ missing). Status code: 200.",
	},
	{
		desc: "ACAO missing on a 502 gateway response", src: srcAppendixA,
		req: getReq(""), hops: one(resp(502, "Content-Type: application/json")),
		want: verdict{Stage: StageActual, Error: MissingAllowOriginHeader, Firefox: FFMissingAllowOrigin,
			Console: fetchPrefix + missingText},
		ff: ffPrefixAPI + "(Reason: CORS header ‘Access-Control-Allow-Origin’ missing). Status code: 502.",
	},
	{
		desc: "ACAO missing, XHR has no suffix", src: srcCrErrorString,
		req: xhrGet(""), hops: one(resp(404)),
		want: verdict{Stage: StageActual, Error: MissingAllowOriginHeader, Firefox: FFMissingAllowOrigin,
			Console: xhrPrefix + missingText},
	},
	{
		desc: "ACAO trailing slash", src: srcCredTable,
		req: getReq(""), hops: one(resp(200, "Access-Control-Allow-Origin: https://app.example.com/")),
		want: verdict{Stage: StageActual, Error: AllowOriginMismatch, Param: "https://app.example.com/", Firefox: FFAllowOriginNotMatchingOrigin,
			Console: fetchPrefix + mismatchText("https://app.example.com/") + withValue},
		ff: ffPrefixAPI + "(Reason: CORS header ‘Access-Control-Allow-Origin’ does not match ‘https://app.example.com/’).",
	},
	{
		desc: "ACAO trailing slash, XHR has no suffix", src: srcCrErrorString,
		req: xhrGet(""), hops: one(resp(200, "Access-Control-Allow-Origin: https://app.example.com/")),
		want: verdict{Stage: StageActual, Error: AllowOriginMismatch, Param: "https://app.example.com/", Firefox: FFAllowOriginNotMatchingOrigin,
			Console: xhrPrefix + mismatchText("https://app.example.com/")},
	},
	{
		desc: "ACAO host case differs", src: srcWPTOriginHTM,
		req: getReq(""), hops: one(resp(200, "Access-Control-Allow-Origin: https://APP.example.com")),
		want: verdict{Stage: StageActual, Error: AllowOriginMismatch, Param: "https://APP.example.com", Firefox: FFAllowOriginNotMatchingOrigin,
			Console: fetchPrefix + mismatchText("https://APP.example.com") + withValue},
	},
	{
		desc: "ACAO explicit default port", src: srcCORSCheck,
		req: getReq(""), hops: one(resp(200, "Access-Control-Allow-Origin: https://app.example.com:443")),
		want: verdict{Stage: StageActual, Error: AllowOriginMismatch, Param: "https://app.example.com:443", Firefox: FFAllowOriginNotMatchingOrigin,
			Console: fetchPrefix + mismatchText("https://app.example.com:443") + withValue},
	},
	{
		desc: "ACAO other port", src: srcWPTOrigin,
		req: getReq(""), hops: one(resp(200, "Access-Control-Allow-Origin: https://app.example.com:8443")),
		want: verdict{Stage: StageActual, Error: AllowOriginMismatch, Param: "https://app.example.com:8443", Firefox: FFAllowOriginNotMatchingOrigin,
			Console: fetchPrefix + mismatchText("https://app.example.com:8443") + withValue},
	},
	{
		desc: "ACAO other scheme", src: srcWPTOrigin,
		req: getReq(""), hops: one(resp(200, "Access-Control-Allow-Origin: http://app.example.com")),
		want: verdict{Stage: StageActual, Error: AllowOriginMismatch, Param: "http://app.example.com", Firefox: FFAllowOriginNotMatchingOrigin,
			Console: fetchPrefix + mismatchText("http://app.example.com") + withValue},
	},
	{
		desc: "ACAO other subdomain", src: srcWPTOrigin,
		req: getReq(""), hops: one(resp(200, "Access-Control-Allow-Origin: https://www.example.com")),
		want: verdict{Stage: StageActual, Error: AllowOriginMismatch, Param: "https://www.example.com", Firefox: FFAllowOriginNotMatchingOrigin,
			Console: fetchPrefix + mismatchText("https://www.example.com") + withValue},
	},
	{
		desc: "ACAO null for a real origin", src: srcCrCors,
		req: getReq(""), hops: one(resp(200, "Access-Control-Allow-Origin: null")),
		want: verdict{Stage: StageActual, Error: AllowOriginMismatch, Param: "null", Firefox: FFAllowOriginNotMatchingOrigin,
			Console: fetchPrefix + mismatchText("null") + withValue},
	},
	{
		desc: "ACAO null for an opaque origin", src: srcWPTDataURL,
		req: Request{Origin: Null, URL: apiURL}, hops: one(resp(200, "Access-Control-Allow-Origin: null")),
		want: verdict{Allowed: true},
	},
	{
		desc: "ACAO * for an opaque origin", src: srcWPTDataURL,
		req: Request{Origin: Null, URL: apiURL}, hops: one(resp(200, "Access-Control-Allow-Origin: *")),
		want: verdict{Allowed: true},
	},
	{
		desc: "ACAO origin for an opaque origin", src: srcWPTDataURL,
		req: Request{Origin: Null, URL: apiURL}, hops: one(okActual()),
		want: verdict{Stage: StageActual, Error: AllowOriginMismatch, Param: appOrigin, Firefox: FFAllowOriginNotMatchingOrigin,
			Console: "Access to fetch at 'https://api.example.com/items' from origin 'null' has been blocked by CORS policy: " + mismatchText(appOrigin) + withValue},
	},
	{
		desc: "ACAO two origins with a comma in one line", src: srcAppendixA,
		req: getReq(""), hops: one(resp(200, "Access-Control-Allow-Origin: https://a.com,https://b.com")),
		want: verdict{Stage: StageActual, Error: MultipleAllowOriginValues, Param: "https://a.com,https://b.com", Firefox: FFAllowOriginNotMatchingOrigin,
			Console: fetchPrefix + "The 'Access-Control-Allow-Origin' header contains multiple values 'https://a.com,https://b.com', but only one is allowed." + withValue},
		ff: ffPrefixAPI + "(Reason: CORS header ‘Access-Control-Allow-Origin’ does not match ‘https://a.com,https://b.com’).",
	},
	{
		desc: "ACAO two origins with a space in one line", src: srcWPTMultiple,
		req: getReq(""), hops: one(resp(200, "Access-Control-Allow-Origin: https://app.example.com https://b.com")),
		want: verdict{Stage: StageActual, Error: MultipleAllowOriginValues, Param: "https://app.example.com https://b.com", Firefox: FFAllowOriginNotMatchingOrigin,
			Console: fetchPrefix + "The 'Access-Control-Allow-Origin' header contains multiple values 'https://app.example.com https://b.com', but only one is allowed." + withValue},
	},
	{
		desc: "ACAO two header lines, same value", src: srcAppendixA,
		req: getReq(""), hops: one(resp(200, "Access-Control-Allow-Origin: "+appOrigin, "Access-Control-Allow-Origin: "+appOrigin)),
		want: verdict{Stage: StageActual, Error: MultipleAllowOriginValues, Param: "https://app.example.com, https://app.example.com", Firefox: FFMultipleAllowOriginNotAllowed,
			Console: fetchPrefix + "The 'Access-Control-Allow-Origin' header contains multiple values 'https://app.example.com, https://app.example.com', but only one is allowed." + withValue},
		ff: ffPrefixAPI + "(Reason: Multiple CORS header ‘Access-Control-Allow-Origin’ not allowed).",
	},
	{
		desc: "ACAO two header lines, * and origin", src: srcCrCors,
		req: getReq(""), hops: one(resp(200, "Access-Control-Allow-Origin: *", "Access-Control-Allow-Origin: "+appOrigin)),
		want: verdict{Stage: StageActual, Error: MultipleAllowOriginValues, Param: "*, https://app.example.com", Firefox: FFMultipleAllowOriginNotAllowed,
			Console: fetchPrefix + "The 'Access-Control-Allow-Origin' header contains multiple values '*, https://app.example.com', but only one is allowed." + withValue},
	},
	{
		desc: "ACAO two origins, XHR has no suffix", src: srcCrErrorString,
		req: xhrGet(""), hops: one(resp(200, "Access-Control-Allow-Origin: https://a.com,https://b.com")),
		want: verdict{Stage: StageActual, Error: MultipleAllowOriginValues, Param: "https://a.com,https://b.com", Firefox: FFAllowOriginNotMatchingOrigin,
			Console: xhrPrefix + "The 'Access-Control-Allow-Origin' header contains multiple values 'https://a.com,https://b.com', but only one is allowed."},
	},
	{
		desc: "ACAO empty value", src: srcWPTOrigin,
		req: getReq(""), hops: one(resp(200, "Access-Control-Allow-Origin: ")),
		want: verdict{Stage: StageActual, Error: InvalidAllowOriginValue, Firefox: FFAllowOriginNotMatchingOrigin,
			Console: fetchPrefix + "The 'Access-Control-Allow-Origin' header contains the invalid value ''." + withValue},
	},
	{
		desc: "ACAO without scheme", src: srcCrCors,
		req: getReq(""), hops: one(resp(200, "Access-Control-Allow-Origin: app.example.com")),
		want: verdict{Stage: StageActual, Error: InvalidAllowOriginValue, Param: "app.example.com", Firefox: FFAllowOriginNotMatchingOrigin,
			Console: fetchPrefix + "The 'Access-Control-Allow-Origin' header contains the invalid value 'app.example.com'." + withValue},
	},
	{
		desc: "ACAO invalid, XHR has no suffix", src: srcCrErrorString,
		req: xhrGet(""), hops: one(resp(200, "Access-Control-Allow-Origin: app.example.com")),
		want: verdict{Stage: StageActual, Error: InvalidAllowOriginValue, Param: "app.example.com", Firefox: FFAllowOriginNotMatchingOrigin,
			Console: xhrPrefix + "The 'Access-Control-Allow-Origin' header contains the invalid value 'app.example.com'."},
	},
	{
		desc: "ACAO surrounding whitespace is trimmed", src: srcCORSCheck,
		req: getReq(""), hops: one(resp(200, "Access-Control-Allow-Origin:  \thttps://app.example.com \t")),
		want: verdict{Allowed: true},
	},
	{
		// The error name is the one observed in Chromium 156 (a byte that
		// is not UTF-8 makes GURL invalid; collect/browser, see
		// chromium_vectors_test.go); the hint escaping is cors_error_string.cc.
		desc: "ACAO non-ASCII byte is escaped in the hint", src: srcCrErrorString,
		req: getReq(""), hops: one(resp(200, "Access-Control-Allow-Origin: https://app.ex\xe4mple.com")),
		want: verdict{Stage: StageActual, Error: InvalidAllowOriginValue, Param: "https://app.ex\xe4mple.com", Firefox: FFAllowOriginNotMatchingOrigin,
			Console: fetchPrefix + `The 'Access-Control-Allow-Origin' header contains the invalid value 'https://app.ex\u00E4mple.com'.` + withValue},
	},
	{
		desc: "any status is readable with a passing CORS check", src: "wpt cors/status.htm",
		req: getReq(""), hops: one(okActual()),
		want: verdict{Allowed: true},
	},
	{
		desc: "403 actual response with ACAO is readable", src: "wpt cors/status.htm",
		req: getReq(""), hops: one(&Response{Status: 403, Header: okActual().Header}),
		want: verdict{Allowed: true},
	},

	// Access-Control-Allow-Credentials, only read with credentials include.
	{
		desc: "ACAC true with credentials", src: srcWPTCookies,
		req: getReq(CredentialsInclude), hops: one(okActual("Access-Control-Allow-Credentials: true")),
		want: verdict{Allowed: true},
	},
	{
		desc: "ACAC True is not true", src: srcCredTable,
		req: getReq(CredentialsInclude), hops: one(okActual("Access-Control-Allow-Credentials: True")),
		want: verdict{Stage: StageActual, Error: InvalidAllowCredentials, Param: "True", Firefox: FFMissingAllowCredentials,
			Console: fetchPrefix + credsText("True")},
		ff: ffPrefixAPI + "(Reason: expected ‘true’ in CORS header ‘Access-Control-Allow-Credentials’).",
	},
	{
		desc: "ACAC absent with credentials", src: srcCORSCheck,
		req: getReq(CredentialsInclude), hops: one(okActual()),
		want: verdict{Stage: StageActual, Error: InvalidAllowCredentials, Firefox: FFMissingAllowCredentials,
			Console: fetchPrefix + credsText("")},
	},
	{
		desc: "ACAC twice is true, true", src: srcCORSCheck,
		req: getReq(CredentialsInclude), hops: one(okActual("Access-Control-Allow-Credentials: true", "Access-Control-Allow-Credentials: true")),
		want: verdict{Stage: StageActual, Error: InvalidAllowCredentials, Param: "true, true", Firefox: FFMissingAllowCredentials,
			Console: fetchPrefix + credsText("true, true")},
	},
	{
		desc: "ACAC quoted", src: srcCORSCheck,
		req: getReq(CredentialsInclude), hops: one(okActual(`Access-Control-Allow-Credentials: "true"`)),
		want: verdict{Stage: StageActual, Error: InvalidAllowCredentials, Param: `"true"`, Firefox: FFMissingAllowCredentials,
			Console: fetchPrefix + credsText(`"true"`)},
	},
	{
		desc: "ACAC ignored without credentials", src: srcCORSCheck,
		req: getReq(CredentialsSameOrigin), hops: one(okActual("Access-Control-Allow-Credentials: false")),
		want: verdict{Allowed: true},
	},
	{
		desc: "ACAC absent, XHR withCredentials suffix", src: srcCrErrorString,
		req: xhrGet(CredentialsInclude), hops: one(okActual()),
		want: verdict{Stage: StageActual, Error: InvalidAllowCredentials, Firefox: FFMissingAllowCredentials,
			Console: xhrPrefix + credsText("") + xhrCreds},
	},
}

// preflightTests: the preflight decision, the preflight response check
// in Chromium's order (redirect > ACAO/ACAC > status > ACAM parse > ACAH
// parse > method > headers) and the actual check after it.
var preflightTests = []evalCase{
	{
		desc: "PUT with JSON and X-Request-Id passes", src: srcPreflightFetch,
		req: putReq(""), hops: pf(okPreflight(), okActual()),
		want: verdict{Allowed: true},
		check: func(t *testing.T, r *Result) {
			if !r.PreflightSent || r.MaxAge != 7200 || len(r.Warnings) != 0 {
				t.Errorf("PreflightSent %v, MaxAge %d, warnings %v", r.PreflightSent, r.MaxAge, r.Warnings)
			}
		},
	},
	{
		desc: "403 preflight without ACAO", src: srcCrCors,
		req: putReq(""), hops: pf(resp(403, "Content-Type: application/json"), nil),
		want: verdict{Stage: StagePreflight, Error: PreflightMissingAllowOriginHeader, Firefox: FFMissingAllowOrigin,
			Console: fetchPrefix + pfPrefix + missingText},
		// Observed in Firefox 153.8 (collect/browser differential suite):
		// the preflight channel's CheckRequestApproved runs before the
		// preflight listener's status check, so the missing header wins.
		ff: ffPrefixAPI + "(Reason: CORS header ‘Access-Control-Allow-Origin’ missing). Status code: 403.",
	},
	{
		desc: "REST API without OPTIONS: 403 Missing Authentication Token", src: srcAppendixA,
		req: putReq(""), hops: pf(resp(403, "x-amzn-ErrorType: MissingAuthenticationTokenException"), nil),
		want: verdict{Stage: StagePreflight, Error: PreflightMissingAllowOriginHeader, Firefox: FFMissingAllowOrigin,
			Console: fetchPrefix + pfPrefix + missingText},
	},
	{
		desc: "404 preflight with ACAO", src: srcCrCors,
		req: putReq(""), hops: pf(resp(404, "Access-Control-Allow-Origin: "+appOrigin), nil),
		want: verdict{Stage: StagePreflight, Error: PreflightInvalidStatus, Firefox: FFPreflightDidNotSucceed,
			Console: fetchPrefix + pfPrefix + statusText},
		ff: ffPrefixAPI + "(Reason: CORS preflight response did not succeed). Status code: 404.",
	},
	{
		desc: "authorizer 401 with ACAO from a gateway response", src: srcAppendixA,
		req: putReq(""), hops: pf(resp(401, "Access-Control-Allow-Origin: *"), nil),
		want: verdict{Stage: StagePreflight, Error: PreflightInvalidStatus, Firefox: FFPreflightDidNotSucceed,
			Console: fetchPrefix + pfPrefix + statusText},
	},
	{
		desc: "XHR 401 preflight from localhost", src: "cors-semantics.md §2.3 example 3",
		req:  Request{Origin: "http://localhost:3000", URL: apiURL, Method: "PUT", Initiator: InitiatorXHR},
		hops: pf(resp(401, "Access-Control-Allow-Origin: http://localhost:3000"), nil),
		want: verdict{Stage: StagePreflight, Error: PreflightInvalidStatus, Firefox: FFPreflightDidNotSucceed,
			Console: "Access to XMLHttpRequest at 'https://api.example.com/items' from origin 'http://localhost:3000' has been blocked by CORS policy: Response to preflight request doesn't pass access control check: It does not have HTTP ok status."},
	},
	{
		desc: "200 preflight without ACAO", src: srcCrCors,
		req: putReq(""), hops: pf(resp(200, "Access-Control-Allow-Methods: PUT"), nil),
		want: verdict{Stage: StagePreflight, Error: PreflightMissingAllowOriginHeader, Firefox: FFMissingAllowOrigin,
			Console: fetchPrefix + pfPrefix + missingText},
		ff: ffPrefixAPI + "(Reason: CORS header ‘Access-Control-Allow-Origin’ missing). Status code: 200.",
	},
	{
		desc: "301 preflight with ACAO", src: srcWPTPfRedirect,
		req: putReq(""), hops: pf(resp(301, "Location: https://api.example.com/items/", "Access-Control-Allow-Origin: "+appOrigin), nil),
		want: verdict{Stage: StagePreflight, Error: PreflightDisallowedRedirect, Firefox: FFExternalRedirectNotAllowed,
			Console: fetchPrefix + pfPrefix + "Redirect is not allowed for a preflight request."},
		ff: ffPrefixAPI + "(Reason: CORS request external redirect not allowed).",
	},
	{
		desc: "302 preflight without ACAO: redirect wins", src: srcAppendixA,
		req: putReq(""), hops: pf(resp(302, "Location: https://login.example.com/"), nil),
		want: verdict{Stage: StagePreflight, Error: PreflightDisallowedRedirect, Firefox: FFMissingAllowOrigin,
			Console: fetchPrefix + pfPrefix + "Redirect is not allowed for a preflight request."},
	},
	{
		desc: "preflight with two ACAO lines (gateway and backend)", src: srcAppendixA,
		req: putReq(""), hops: pf(okPreflight("Access-Control-Allow-Origin: https://app.example.com/"), nil),
		want: verdict{Stage: StagePreflight, Error: PreflightMultipleAllowOriginValues, Param: "https://app.example.com, https://app.example.com/", Firefox: FFMultipleAllowOriginNotAllowed,
			Console: fetchPrefix + pfPrefix + "The 'Access-Control-Allow-Origin' header contains multiple values 'https://app.example.com, https://app.example.com/', but only one is allowed." + withValue},
	},
	{
		desc: "preflight ACAO mismatch", src: srcCrCors,
		req:  putReq(""),
		hops: pf(resp(204, "Access-Control-Allow-Origin: https://app.example.com/", "Access-Control-Allow-Methods: PUT"), nil),
		want: verdict{Stage: StagePreflight, Error: PreflightAllowOriginMismatch, Param: "https://app.example.com/", Firefox: FFAllowOriginNotMatchingOrigin,
			Console: fetchPrefix + pfPrefix + mismatchText("https://app.example.com/") + withValue},
	},
	{
		desc: "preflight ACAO * with credentials", src: srcCrCors,
		req: putReq(CredentialsInclude), hops: pf(resp(204, "Access-Control-Allow-Origin: *", "Access-Control-Allow-Credentials: true"), nil),
		want: verdict{Stage: StagePreflight, Error: PreflightWildcardOriginNotAllowed, Firefox: FFNotSupportingCredentials,
			Console: fetchPrefix + pfPrefix + wildcardText},
	},
	{
		desc: "preflight ACAO list", src: srcCrCors,
		req: putReq(""), hops: pf(resp(204, "Access-Control-Allow-Origin: https://a.com,https://b.com"), nil),
		want: verdict{Stage: StagePreflight, Error: PreflightMultipleAllowOriginValues, Param: "https://a.com,https://b.com", Firefox: FFAllowOriginNotMatchingOrigin,
			Console: fetchPrefix + pfPrefix + "The 'Access-Control-Allow-Origin' header contains multiple values 'https://a.com,https://b.com', but only one is allowed." + withValue},
	},
	{
		desc: "preflight ACAO empty", src: srcCrCors,
		req: putReq(""), hops: pf(resp(204, "Access-Control-Allow-Origin:"), nil),
		want: verdict{Stage: StagePreflight, Error: PreflightInvalidAllowOriginValue, Firefox: FFAllowOriginNotMatchingOrigin,
			Console: fetchPrefix + pfPrefix + "The 'Access-Control-Allow-Origin' header contains the invalid value ''." + withValue},
	},
	{
		desc: "preflight without ACAC, credentials include", src: srcAppendixA,
		req: putReq(CredentialsInclude), hops: pf(okPreflight(), nil),
		want: verdict{Stage: StagePreflight, Error: PreflightInvalidAllowCredentials, Firefox: FFMissingAllowCredentials,
			Console: fetchPrefix + pfPrefix + credsText("")},
	},
	{
		desc: "preflight ACAC without credentials mode include is ignored", src: srcPreflightFetch,
		req: putReq(CredentialsSameOrigin), hops: pf(okPreflight("Access-Control-Allow-Credentials: nope"), okActual()),
		want: verdict{Allowed: true},
	},
	{
		desc: "credentialed preflight and actual pass", src: srcWPTCookies,
		req:  putReq(CredentialsInclude),
		hops: pf(okPreflight("Access-Control-Allow-Credentials: true"), okActual("Access-Control-Allow-Credentials: true")),
		want: verdict{Allowed: true},
	},
	{
		desc: "ACAM with a space inside an item", src: srcWPTValidation,
		req: putReq(""), hops: pf(resp(204, "Access-Control-Allow-Origin: "+appOrigin, "Access-Control-Allow-Methods: PUT, Bad method name",
			"Access-Control-Allow-Headers: Content-Type, X-Request-Id"), nil),
		want: verdict{Stage: StagePreflight, Error: InvalidAllowMethodsPreflightResponse, Firefox: FFInvalidAllowMethod,
			Console: fetchPrefix + "Cannot parse Access-Control-Allow-Methods response header field in preflight response."},
		ff: ffPrefixAPI + "(Reason: invalid token ‘Bad method name’ in CORS header ‘Access-Control-Allow-Methods’).",
	},
	{
		desc: "ACAH with a space inside an item", src: srcWPTValidation,
		req: putReq(""), hops: pf(resp(204, "Access-Control-Allow-Origin: "+appOrigin, "Access-Control-Allow-Methods: PUT",
			"Access-Control-Allow-Headers: header name with space"), nil),
		want: verdict{Stage: StagePreflight, Error: InvalidAllowHeadersPreflightResponse, Firefox: FFInvalidAllowHeader,
			Console: fetchPrefix + "Cannot parse Access-Control-Allow-Headers response header field in preflight response."},
		ff: ffPrefixAPI + "(Reason: invalid token ‘header name with space’ in CORS header ‘Access-Control-Allow-Headers’).",
	},
	{
		desc: "bad status beats bad ACAM", src: srcCrPreflight,
		req: putReq(""), hops: pf(resp(500, "Access-Control-Allow-Origin: "+appOrigin, "Access-Control-Allow-Methods: a b"), nil),
		want: verdict{Stage: StagePreflight, Error: PreflightInvalidStatus, Firefox: FFPreflightDidNotSucceed,
			Console: fetchPrefix + pfPrefix + statusText},
	},
	{
		desc: "bad ACAM beats bad ACAH", src: srcCrPreflightRes,
		req: putReq(""), hops: pf(resp(204, "Access-Control-Allow-Origin: "+appOrigin, "Access-Control-Allow-Methods: a b", "Access-Control-Allow-Headers: c d"), nil),
		want: verdict{Stage: StagePreflight, Error: InvalidAllowMethodsPreflightResponse, Firefox: FFInvalidAllowMethod,
			Console: fetchPrefix + "Cannot parse Access-Control-Allow-Methods response header field in preflight response."},
	},
	{
		desc: "bad ACAH beats a disallowed method", src: srcCrPreflightRes,
		req: putReq(""), hops: pf(resp(204, "Access-Control-Allow-Origin: "+appOrigin, "Access-Control-Allow-Methods: GET", "Access-Control-Allow-Headers: c d"), nil),
		want: verdict{Stage: StagePreflight, Error: InvalidAllowHeadersPreflightResponse, Firefox: FFInvalidAllowHeader,
			Console: fetchPrefix + "Cannot parse Access-Control-Allow-Headers response header field in preflight response."},
	},
	{
		desc: "disallowed method beats disallowed header", src: srcCrPreflight,
		req: putReq(""), hops: pf(resp(204, "Access-Control-Allow-Origin: "+appOrigin, "Access-Control-Allow-Methods: GET, POST"), nil),
		want: verdict{Stage: StagePreflight, Error: MethodDisallowedByPreflightResponse, Param: "PUT", Firefox: FFMethodNotFound,
			Console: fetchPrefix + "Method PUT is not allowed by Access-Control-Allow-Methods in preflight response."},
		ff: ffPrefixAPI + "(Reason: Did not find method in CORS header ‘Access-Control-Allow-Methods’).",
	},
	{
		desc: "patch with ACAM GET,PATCH", src: srcAppendixA,
		req:  Request{Origin: appOrigin, URL: apiURL, Method: "patch"},
		hops: pf(resp(204, "Access-Control-Allow-Origin: "+appOrigin, "Access-Control-Allow-Methods: GET,PATCH"), nil),
		want: verdict{Stage: StagePreflight, Error: MethodDisallowedByPreflightResponse, Param: "patch", Firefox: FFMethodNotFound,
			Console: fetchPrefix + "Method patch is not allowed by Access-Control-Allow-Methods in preflight response."},
	},
	{
		desc: "patch with ACAM patch", src: srcWPTStar,
		req:  Request{Origin: appOrigin, URL: apiURL, Method: "patch"},
		hops: pf(resp(204, "Access-Control-Allow-Origin: "+appOrigin, "Access-Control-Allow-Methods: patch"), okActual()),
		want: verdict{Allowed: true},
	},
	{
		desc: "PATCH with ACAM patch", src: srcWPTStar,
		req:  Request{Origin: appOrigin, URL: apiURL, Method: "PATCH"},
		hops: pf(resp(204, "Access-Control-Allow-Origin: "+appOrigin, "Access-Control-Allow-Methods: patch"), nil),
		want: verdict{Stage: StagePreflight, Error: MethodDisallowedByPreflightResponse, Param: "PATCH", Firefox: FFMethodNotFound,
			Console: fetchPrefix + "Method PATCH is not allowed by Access-Control-Allow-Methods in preflight response."},
	},
	{
		desc: "put is sent as PUT and ACAM put does not match", src: srcWPTStar,
		req:  Request{Origin: appOrigin, URL: apiURL, Method: "put"},
		hops: pf(resp(204, "Access-Control-Allow-Origin: "+appOrigin, "Access-Control-Allow-Methods: put"), nil),
		want: verdict{Stage: StagePreflight, Error: MethodDisallowedByPreflightResponse, Param: "PUT", Firefox: FFMethodNotFound,
			Console: fetchPrefix + "Method PUT is not allowed by Access-Control-Allow-Methods in preflight response."},
	},
	{
		desc: "ACAM * without credentials", src: srcWPTStar,
		req:  Request{Origin: appOrigin, URL: apiURL, Method: "DELETE"},
		hops: pf(resp(204, "Access-Control-Allow-Origin: *", "Access-Control-Allow-Methods: *"), resp(200, "Access-Control-Allow-Origin: *")),
		want: verdict{Allowed: true},
	},
	{
		desc: "ACAM * with credentials is a literal", src: srcWPTStar,
		req:  Request{Origin: appOrigin, URL: apiURL, Method: "DELETE", Credentials: CredentialsInclude},
		hops: pf(resp(204, "Access-Control-Allow-Origin: "+appOrigin, "Access-Control-Allow-Credentials: true", "Access-Control-Allow-Methods: *"), nil),
		want: verdict{Stage: StagePreflight, Error: MethodDisallowedByPreflightResponse, Param: "DELETE", Firefox: FFMethodNotFound,
			Console: fetchPrefix + "Method DELETE is not allowed by Access-Control-Allow-Methods in preflight response."},
	},
	{
		desc: "ACAM absent for DELETE", src: srcPreflightFetch,
		req:  Request{Origin: appOrigin, URL: apiURL, Method: "delete"},
		hops: pf(resp(204, "Access-Control-Allow-Origin: "+appOrigin), nil),
		want: verdict{Stage: StagePreflight, Error: MethodDisallowedByPreflightResponse, Param: "DELETE", Firefox: FFMethodNotFound,
			Console: fetchPrefix + "Method DELETE is not allowed by Access-Control-Allow-Methods in preflight response."},
	},
	{
		desc: "stream body POST needs no ACAM", src: srcPreflightFetch,
		req:  Request{Origin: appOrigin, URL: apiURL, Method: "POST", Body: BodyStream},
		hops: pf(resp(204, "Access-Control-Allow-Origin: "+appOrigin), okActual()),
		want: verdict{Allowed: true},
	},
	{
		desc: "x-request-id missing from an API Gateway mock list", src: srcAppendixA,
		req: Request{Origin: appOrigin, URL: apiURL, Headers: hs("X-Request-Id: 1")},
		hops: pf(resp(200, "Access-Control-Allow-Origin: "+appOrigin, "Access-Control-Allow-Methods: GET,OPTIONS",
			"Access-Control-Allow-Headers: Content-Type,X-Amz-Date,Authorization,X-Api-Key,X-Amz-Security-Token"), nil),
		want: verdict{Stage: StagePreflight, Error: HeaderDisallowedByPreflightResponse, Param: "x-request-id", Firefox: FFMissingAllowHeaderFromPreflight,
			Console: fetchPrefix + "Request header field x-request-id is not allowed by Access-Control-Allow-Headers in preflight response."},
		ff: ffPrefixAPI + "(Reason: header ‘x-request-id’ is not allowed according to header ‘Access-Control-Allow-Headers’ from CORS preflight response).",
	},
	{
		desc: "ACAH compares names case-insensitively", src: srcWPTAllowHeaders,
		req:  Request{Origin: appOrigin, URL: apiURL, Headers: hs("x-request-id: 1")},
		hops: pf(resp(204, "Access-Control-Allow-Origin: "+appOrigin, "Access-Control-Allow-Headers: X-REQUEST-ID"), okActual()),
		want: verdict{Allowed: true},
	},
	{
		desc: "ACAH list starting with commas", src: srcWPTCommaList,
		req:  Request{Origin: appOrigin, URL: apiURL, Headers: hs("X-Request-Id: 1")},
		hops: pf(resp(204, "Access-Control-Allow-Origin: "+appOrigin, "Access-Control-Allow-Headers: ,,x-request-id,"), okActual()),
		want: verdict{Allowed: true},
	},
	{
		desc: "ACAH * without credentials", src: srcWPTStar,
		req:  Request{Origin: appOrigin, URL: apiURL, Headers: hs("X-Request-Id: 1", "X-Other: 2")},
		hops: pf(resp(204, "Access-Control-Allow-Origin: *", "Access-Control-Allow-Headers: *"), resp(200, "Access-Control-Allow-Origin: *")),
		want: verdict{Allowed: true},
	},
	{
		desc: "ACAH * with credentials is a literal", src: srcWPTStar,
		req: Request{Origin: appOrigin, URL: apiURL, Headers: hs("X-Request-Id: 1"), Credentials: CredentialsInclude},
		hops: pf(resp(204, "Access-Control-Allow-Origin: "+appOrigin, "Access-Control-Allow-Credentials: true",
			"Access-Control-Allow-Headers: *"), nil),
		want: verdict{Stage: StagePreflight, Error: HeaderDisallowedByPreflightResponse, Param: "x-request-id", Firefox: FFMissingAllowHeaderFromPreflight,
			Console: fetchPrefix + "Request header field x-request-id is not allowed by Access-Control-Allow-Headers in preflight response."},
	},
	{
		desc: "Authorization covered by ACAH * in Chromium, with a warning", src: srcCrFeatures,
		req:   Request{Origin: appOrigin, URL: apiURL, Headers: hs("Authorization: Bearer t")},
		hops:  pf(resp(204, "Access-Control-Allow-Origin: *", "Access-Control-Allow-Headers: *"), resp(200, "Access-Control-Allow-Origin: *")),
		want:  verdict{Allowed: true},
		check: wantWarning(WarnAuthorizationCoveredByWildcard),
	},
	{
		desc: "Authorization listed next to *", src: srcPreflightFetch,
		req:  Request{Origin: appOrigin, URL: apiURL, Headers: hs("Authorization: Bearer t")},
		hops: pf(resp(204, "Access-Control-Allow-Origin: *", "Access-Control-Allow-Headers: *, Authorization"), resp(200, "Access-Control-Allow-Origin: *")),
		want: verdict{Allowed: true},
		check: func(t *testing.T, r *Result) {
			if hasWarning(r, WarnAuthorizationCoveredByWildcard) {
				t.Errorf("unexpected %s warning", WarnAuthorizationCoveredByWildcard)
			}
		},
	},
	{
		desc: "Authorization not listed", src: "cors-semantics.md §2.3 example 2",
		req:  Request{Origin: appOrigin, URL: apiURL, Headers: hs("Authorization: Bearer t")},
		hops: pf(resp(204, "Access-Control-Allow-Origin: "+appOrigin, "Access-Control-Allow-Headers: Content-Type"), nil),
		want: verdict{Stage: StagePreflight, Error: HeaderDisallowedByPreflightResponse, Param: "authorization", Firefox: FFMissingAllowHeaderFromPreflight,
			Console: "Access to fetch at 'https://api.example.com/items' from origin 'https://app.example.com' has been blocked by CORS policy: Request header field authorization is not allowed by Access-Control-Allow-Headers in preflight response."},
	},
	{
		desc: "preflight passes, actual 502 without ACAO", src: srcAppendixA,
		req: putReq(""), hops: pf(okPreflight(), resp(502)),
		want: verdict{Stage: StageActual, Error: MissingAllowOriginHeader, Firefox: FFMissingAllowOrigin,
			Console: fetchPrefix + missingText},
		ff: ffPrefixAPI + "(Reason: CORS header ‘Access-Control-Allow-Origin’ missing). Status code: 502.",
	},
	{
		desc: "preflight response missing: assumed to pass", src: srcPreflightFetch,
		req: putReq(""), hops: one(okActual()),
		want:  verdict{Allowed: true},
		check: wantWarning(WarnPreflightMissing),
	},
	{
		desc: "preflight given for a simple request is ignored", src: srcWPTNoPreflight,
		req: getReq(""), hops: pf(resp(500), okActual()),
		want:  verdict{Allowed: true},
		check: wantWarning(WarnPreflightNotSent),
	},
	{
		desc: "short Max-Age warns", src: srcCrPreflightRes,
		req: putReq(""), hops: pf(okPreflight("Access-Control-Max-Age: 60"), okActual()),
		want: verdict{Allowed: true},
		check: func(t *testing.T, r *Result) {
			// Two Max-Age lines join into "7200, 60", which does not parse.
			if r.MaxAge != 5 || !hasWarning(r, WarnShortMaxAge) {
				t.Errorf("MaxAge %d, warnings %v", r.MaxAge, r.Warnings)
			}
		},
	},
	{
		desc: "no actual response: incomplete, not blocked", src: srcPreflightFetch,
		req: putReq(""), hops: pf(okPreflight(), nil),
		want: verdict{},
		check: func(t *testing.T, r *Result) {
			if r.Blocked() || r.Incomplete != "response to the actual request at https://api.example.com/items" {
				t.Errorf("Blocked %v, Incomplete %q", r.Blocked(), r.Incomplete)
			}
		},
	},
}

// redirectTests: Fetch § HTTP-redirect fetch and Chromium
// CorsURLLoader::OnReceiveRedirect / CheckRedirectLocation / CheckTainted.
var redirectTests = []evalCase{
	{
		desc: "cors to same cors keeps the origin", src: srcWPTRedirect,
		req: getReq(""),
		hops: []Hop{{Response: resp(302, "Location: /items/2", "Access-Control-Allow-Origin: *")},
			{Response: okActual()}},
		want: verdict{Allowed: true},
		check: func(t *testing.T, r *Result) {
			if r.Tainted || len(r.Redirects) != 1 || r.Redirects[0] != "https://api.example.com/items/2" {
				t.Errorf("Tainted %v, Redirects %v", r.Tainted, r.Redirects)
			}
		},
	},
	{
		desc: "cors to another cors taints the origin", src: srcWPTRedirect,
		req: getReq(""),
		hops: []Hop{{Response: resp(301, "Location: "+api2URL, "Access-Control-Allow-Origin: *")},
			{Response: okActual()}},
		want: verdict{Stage: StageActual, Error: AllowOriginMismatch, Param: appOrigin, Firefox: FFAllowOriginNotMatchingOrigin,
			Console: "Access to fetch at 'https://api2.example.com/items' (redirected from 'https://api.example.com/items') from origin 'https://app.example.com' has been blocked by CORS policy: " +
				mismatchText(appOrigin) + withValue},
		check: func(t *testing.T, r *Result) {
			if !r.Tainted || !hasWarning(r, WarnTaintedOrigin) {
				t.Errorf("Tainted %v, warnings %v", r.Tainted, r.Warnings)
			}
		},
	},
	{
		desc: "cors to another cors allowed by ACAO null", src: srcWPTRedirect,
		req: getReq(""),
		hops: []Hop{{Response: resp(307, "Location: "+api2URL, "Access-Control-Allow-Origin: *")},
			{Response: resp(200, "Access-Control-Allow-Origin: null")}},
		want: verdict{Allowed: true},
	},
	{
		desc: "cors to another cors allowed by ACAO *", src: srcWPTRedirect,
		req: getReq(""),
		hops: []Hop{{Response: resp(308, "Location: "+api2URL, "Access-Control-Allow-Origin: *")},
			{Response: resp(200, "Access-Control-Allow-Origin: *")}},
		want: verdict{Allowed: true},
	},
	{
		desc: "same origin to cors keeps the origin", src: srcWPTRedirect,
		req: Request{Origin: appOrigin, URL: appOrigin + "/redirect"},
		hops: []Hop{{Response: resp(302, "Location: "+apiURL)},
			{Response: okActual()}},
		want: verdict{Allowed: true},
		check: func(t *testing.T, r *Result) {
			if r.Tainted || !r.CrossOrigin {
				t.Errorf("Tainted %v, CrossOrigin %v", r.Tainted, r.CrossOrigin)
			}
		},
	},
	{
		desc: "cors to same origin taints and stays cors", src: srcWPTRedirect,
		req: getReq(""),
		hops: []Hop{{Response: resp(302, "Location: "+appOrigin+"/x", "Access-Control-Allow-Origin: *")},
			{Response: resp(200)}},
		want: verdict{Stage: StageActual, Error: MissingAllowOriginHeader, Firefox: FFMissingAllowOrigin,
			Console: "Access to fetch at 'https://app.example.com/x' (redirected from 'https://api.example.com/items') from origin 'https://app.example.com' has been blocked by CORS policy: " + missingText},
	},
	{
		desc: "cors to same origin allowed by ACAO null", src: srcWPTRedirect,
		req: getReq(""),
		hops: []Hop{{Response: resp(303, "Location: "+appOrigin+"/x", "Access-Control-Allow-Origin: *")},
			{Response: resp(200, "Access-Control-Allow-Origin: null")}},
		want: verdict{Allowed: true},
	},
	{
		desc: "redirect response without ACAO", src: srcCORSCheck,
		req:  getReq(""),
		hops: one(resp(302, "Location: "+api2URL)),
		want: verdict{Stage: StageRedirect, Error: MissingAllowOriginHeader, Firefox: FFMissingAllowOrigin,
			Console: fetchPrefix + missingText},
	},
	{
		desc: "Location with user:password", src: srcWPTRedirCreds,
		req:  getReq(""),
		hops: one(resp(302, "Location: https://user:password@api2.example.com/items", "Access-Control-Allow-Origin: *")),
		want: verdict{Stage: StageRedirect, Error: RedirectContainsCredentials, Firefox: FFDidNotSucceed,
			Console: fetchPrefix + "Redirect location '' contains a username and password, which is disallowed for cross-origin requests."},
	},
	{
		desc: "Location with user:", src: srcWPTRedirCreds,
		req:  getReq(""),
		hops: one(resp(302, "Location: https://user:@api.example.com/items", "Access-Control-Allow-Origin: *")),
		want: verdict{Stage: StageRedirect, Error: RedirectContainsCredentials, Firefox: FFDidNotSucceed,
			Console: fetchPrefix + "Redirect location '' contains a username and password, which is disallowed for cross-origin requests."},
	},
	{
		desc: "Location with :password", src: srcWPTRedirCreds,
		req:  getReq(""),
		hops: one(resp(302, "Location: https://:password@api2.example.com/items", "Access-Control-Allow-Origin: *")),
		want: verdict{Stage: StageRedirect, Error: RedirectContainsCredentials, Firefox: FFDidNotSucceed,
			Console: fetchPrefix + "Redirect location '' contains a username and password, which is disallowed for cross-origin requests."},
	},
	{
		desc: "same origin to cross origin Location with credentials", src: srcCrCors,
		req:  Request{Origin: appOrigin, URL: appOrigin + "/r"},
		hops: one(resp(302, "Location: https://u:p@api.example.com/items")),
		want: verdict{Stage: StageRedirect, Error: RedirectContainsCredentials, Firefox: FFDidNotSucceed,
			Console: "Access to fetch at 'https://app.example.com/r' from origin 'https://app.example.com' has been blocked by CORS policy: Redirect location '' contains a username and password, which is disallowed for cross-origin requests."},
	},
	{
		desc: "same origin Location with credentials is followed", src: srcRedirect,
		req:  Request{Origin: appOrigin, URL: appOrigin + "/r"},
		hops: []Hop{{Response: resp(302, "Location: https://u:p@app.example.com/x")}, {Response: resp(200)}},
		want: verdict{Allowed: true},
	},
	{
		desc: "empty userinfo is not credentials", src: srcCrCors,
		req:  getReq(""),
		hops: []Hop{{Response: resp(302, "Location: https://@api.example.com/x", "Access-Control-Allow-Origin: *")}, {Response: okActual()}},
		want: verdict{Allowed: true},
	},
	{
		desc: "redirect to ftp:", src: srcChromium156,
		req:  getReq(""),
		hops: one(resp(302, "Location: ftp://api.example.com/items", "Access-Control-Allow-Origin: *")),
		want: verdict{Stage: StageRedirect, Error: CorsDisabledScheme, Firefox: FFRequestNotHTTP,
			Console: "Access to fetch at 'ftp://api.example.com/items' (redirected from 'https://api.example.com/items') from origin 'https://app.example.com' has been blocked by CORS policy: " + corsDisabledText},
		ff: "Cross-Origin Request Blocked: The Same Origin Policy disallows reading the remote resource at ftp://api.example.com/items. (Reason: CORS request not http).",
	},
	{
		desc: "redirect to wss:", src: srcChromium156,
		req:  getReq(""),
		hops: one(resp(307, "Location: wss://api.example.com/socket", "Access-Control-Allow-Origin: *")),
		want: verdict{Stage: StageRedirect, Error: CorsDisabledScheme, Firefox: FFRequestNotHTTP,
			Console: "Access to fetch at 'wss://api.example.com/socket' (redirected from 'https://api.example.com/items') from origin 'https://app.example.com' has been blocked by CORS policy: " + corsDisabledText},
	},
	{
		desc: "redirect to data: is unsafe", src: srcChromium156,
		req:  getReq(""),
		hops: one(resp(302, "Location: data:text/plain,hi", "Access-Control-Allow-Origin: *")),
		want: verdict{Stage: StageRedirect}, contains: "net::ERR_UNSAFE_REDIRECT",
	},
	{
		desc: "redirect to file: is unsafe", src: srcChromium156,
		req:  getReq(""),
		hops: one(resp(302, "Location: file:///etc/hostname", "Access-Control-Allow-Origin: *")),
		want: verdict{Stage: StageRedirect}, contains: "net::ERR_UNSAFE_REDIRECT",
	},
	{
		desc: "redirect to chrome: is unsafe", src: srcChromium156,
		req:  getReq(""),
		hops: one(resp(302, "Location: chrome://version", "Access-Control-Allow-Origin: *")),
		want: verdict{Stage: StageRedirect}, contains: "net::ERR_UNSAFE_REDIRECT",
	},
	{
		desc: "preflight after redirect passes with ACAO null", src: srcWPTRedirPf,
		req: putReq(""),
		hops: []Hop{
			{Preflight: okPreflight(), Response: resp(307, "Location: "+api2URL, "Access-Control-Allow-Origin: "+appOrigin)},
			{Preflight: resp(204, "Access-Control-Allow-Origin: null", "Access-Control-Allow-Methods: PUT", "Access-Control-Allow-Headers: content-type, x-request-id"),
				Response: resp(200, "Access-Control-Allow-Origin: null")},
		},
		want: verdict{Allowed: true},
		check: func(t *testing.T, r *Result) {
			if !r.Tainted || r.URL != api2URL || r.InitialURL != apiURL {
				t.Errorf("Tainted %v, URL %q, InitialURL %q", r.Tainted, r.URL, r.InitialURL)
			}
		},
	},
	{
		desc: "preflight after redirect expects Origin null", src: srcWPTRedirPf,
		req: putReq(""),
		hops: []Hop{
			{Preflight: okPreflight(), Response: resp(307, "Location: "+api2URL, "Access-Control-Allow-Origin: "+appOrigin)},
			{Preflight: okPreflight(), Response: okActual()},
		},
		want: verdict{Stage: StagePreflight, Error: PreflightAllowOriginMismatch, Param: appOrigin, Firefox: FFAllowOriginNotMatchingOrigin,
			Console: "Access to fetch at 'https://api2.example.com/items' (redirected from 'https://api.example.com/items') from origin 'https://app.example.com' has been blocked by CORS policy: " +
				pfPrefix + mismatchText(appOrigin) + withValue},
	},
	{
		desc: "stream body is not replayed after 307", src: srcRedirect,
		req: Request{Origin: appOrigin, URL: apiURL, Method: "POST", Body: BodyStream},
		hops: []Hop{{Preflight: resp(204, "Access-Control-Allow-Origin: *"),
			Response: resp(307, "Location: /items/2", "Access-Control-Allow-Origin: *")}},
		// Fetch § HTTP-redirect fetch step 11 is a network error; the net::
		// error Chromium names is not pinned (UNVERIFIED).
		want: verdict{Stage: StageRedirect}, contains: "net::ERR_",
		check: func(t *testing.T, r *Result) {
			if r.NetError == "" {
				t.Errorf("NetError %q, console %q", r.NetError, r.ConsoleMessage())
			}
		},
	},
	{
		desc: "stream body may follow 303", src: srcRedirect,
		req: Request{Origin: appOrigin, URL: apiURL, Method: "POST", Body: BodyStream},
		hops: []Hop{{Preflight: resp(204, "Access-Control-Allow-Origin: *"),
			Response: resp(303, "Location: /items/2", "Access-Control-Allow-Origin: *")},
			{Response: resp(200, "Access-Control-Allow-Origin: *")}},
		want: verdict{Allowed: true},
	},
	{
		desc: "20 redirects are followed", src: srcRedirect,
		req: getReq(""), hops: redirectChain(20),
		want: verdict{Allowed: true},
	},
	{
		desc: "21 redirects fail", src: srcCrLoader,
		req: getReq(""), hops: redirectChain(21),
		// The net error line's exact format is not pinned by a Chromium
		// source (cors-semantics §2.4, UNVERIFIED): only its error name is.
		want: verdict{Stage: StageRedirect, Firefox: FFDidNotSucceed}, contains: "net::ERR_TOO_MANY_REDIRECTS",
		check: func(t *testing.T, r *Result) {
			if r.NetError != "net::ERR_TOO_MANY_REDIRECTS" {
				t.Errorf("NetError %q, console %q", r.NetError, r.ConsoleMessage())
			}
		},
	},
}

// redirectChain returns n same-origin redirects on the API followed by a
// final response.
func redirectChain(n int) []Hop {
	hops := make([]Hop, 0, n+1)
	for i := 1; i <= n; i++ {
		hops = append(hops, Hop{Response: resp(302, fmt.Sprintf("Location: /r%d", i), "Access-Control-Allow-Origin: *")})
	}
	return append(hops, Hop{Response: okActual()})
}

// requestTests: refusals before anything is sent.
var requestTests = []evalCase{
	{
		desc: "forbidden method CONNECT", src: srcMethods,
		req:  Request{Origin: appOrigin, URL: apiURL, Method: "CONNECT"},
		want: verdict{Stage: StageRequest}, contains: "'CONNECT' HTTP method is unsupported",
	},
	{
		desc: "forbidden method trace", src: srcMethods,
		req:  Request{Origin: appOrigin, URL: apiURL, Method: "trace", Initiator: InitiatorXHR},
		want: verdict{Stage: StageRequest}, contains: "XMLHttpRequest",
	},
	{
		desc: "method that is not a token", src: srcRequestCtor,
		req:  Request{Origin: appOrigin, URL: apiURL, Method: "GE T"},
		want: verdict{Stage: StageRequest}, contains: "is not a valid HTTP method",
	},
	{
		desc: "GET with a body", src: srcRequestCtor,
		req:  Request{Origin: appOrigin, URL: apiURL, Method: "GET", Body: BodySimple},
		want: verdict{Stage: StageRequest}, contains: "Request with GET/HEAD method cannot have body.",
	},
	{
		desc: "HEAD with a stream body", src: srcRequestCtor,
		req:  Request{Origin: appOrigin, URL: apiURL, Method: "head", Body: BodyStream},
		want: verdict{Stage: StageRequest}, contains: "cannot have body",
	},
	{
		desc: "URL with credentials", src: srcRequestCtor,
		req:  Request{Origin: appOrigin, URL: "https://user:pw@api.example.com/items"},
		want: verdict{Stage: StageRequest}, contains: "includes credentials",
	},
	{
		desc: "URL with an empty userinfo", src: srcRequestCtor,
		req:  Request{Origin: appOrigin, URL: "https://@api.example.com/items"},
		hops: one(okActual()),
		want: verdict{Allowed: true},
	},
	{
		desc: "unparsable URL", src: srcRequestCtor,
		req:  Request{Origin: appOrigin, URL: "api.example.com/items"},
		want: verdict{Stage: StageRequest}, contains: "Failed to parse URL",
	},
	{
		desc: "non-HTTP scheme", src: srcCrFetchManager,
		req: Request{Origin: appOrigin, URL: "ftp://api.example.com/items"},
		want: verdict{Stage: StageRequest, Error: CorsDisabledScheme, Firefox: FFRequestNotHTTP,
			Console: `Fetch API cannot load ftp://api.example.com/items. URL scheme "ftp" is not supported.`},
		ff: "Cross-Origin Request Blocked: The Same Origin Policy disallows reading the remote resource at ftp://api.example.com/items. (Reason: CORS request not http).",
	},
	{
		desc: "mode same-origin to another origin", src: srcCrFetchManager,
		req: Request{Origin: appOrigin, URL: apiURL, Mode: ModeSameOrigin},
		want: verdict{Stage: StageRequest, Error: DisallowedByMode,
			Console: `Fetch API cannot load https://api.example.com/items. Request mode is "same-origin" but the URL's origin is not same as the request origin https://app.example.com.`},
	},
	{
		desc: "mode same-origin to the same origin", src: srcMainFetch,
		req:  Request{Origin: appOrigin, URL: appOrigin + "/x", Mode: ModeSameOrigin},
		hops: one(resp(200)),
		want: verdict{Allowed: true},
	},
	{
		desc: "no-cors with PUT", src: srcRequestCtor,
		req:  Request{Origin: appOrigin, URL: apiURL, Mode: ModeNoCORS, Method: "put"},
		want: verdict{Stage: StageRequest}, contains: "'PUT' is unsupported in no-cors mode",
	},
	{
		desc: "no-cors GET is opaque, not blocked", src: srcNoCORS,
		req:  Request{Origin: appOrigin, URL: apiURL, Mode: ModeNoCORS},
		hops: one(resp(200)),
		want: verdict{Allowed: true},
		check: func(t *testing.T, r *Result) {
			if !r.Opaque || !hasWarning(r, WarnOpaqueResponse) {
				t.Errorf("Opaque %v, warnings %v", r.Opaque, r.Warnings)
			}
		},
	},
	{
		desc: "mixed content: https page, http API", src: srcMixedContent,
		req: Request{Origin: appOrigin, URL: "http://api.example.com/items"},
		// Chrome names the page URL, which a Request does not carry; only
		// the blocked resource is pinned.
		want: verdict{Stage: StageRequest}, contains: "requested an insecure resource 'http://api.example.com/items'",
	},
	{
		desc: "http://localhost is not mixed content", src: srcMixedContent,
		req:  Request{Origin: appOrigin, URL: "http://localhost:8080/items"},
		hops: one(okActual()),
		want: verdict{Allowed: true},
	},
	{
		desc: "http://127.0.0.1 is not mixed content", src: srcMixedContent,
		req:  Request{Origin: appOrigin, URL: "http://127.0.0.1:8080/items"},
		hops: one(okActual()),
		want: verdict{Allowed: true},
	},
	{
		desc: "http://[::1] is not mixed content", src: srcMixedContent,
		req:  Request{Origin: appOrigin, URL: "http://[::1]:8080/items"},
		hops: one(okActual()),
		want: verdict{Allowed: true},
	},
	{
		desc: "http page to http API is fine", src: srcMixedContent,
		req:  Request{Origin: "http://localhost:3000", URL: "http://api.example.com/items"},
		hops: one(resp(200, "Access-Control-Allow-Origin: http://localhost:3000")),
		want: verdict{Allowed: true},
	},
	{
		desc: "header name that is not a token", src: srcRequestCtor,
		req:  Request{Origin: appOrigin, URL: apiURL, Headers: hs("Bad Name: 1")},
		want: verdict{Stage: StageRequest}, contains: "Invalid name",
	},
	{
		desc: "header value with a newline", src: srcRequestCtor,
		req:  Request{Origin: appOrigin, URL: apiURL, Headers: []Header{{"X-A", "1\r\nX-B: 2"}}},
		want: verdict{Stage: StageRequest}, contains: "Invalid value",
	},
}

// evalTables lists every Evaluate table, for the coverage check.
var evalTables = [][]evalCase{accessTests, preflightTests, redirectTests, requestTests}

func runEval(t *testing.T, cases []evalCase) {
	t.Helper()
	for _, tt := range cases {
		t.Run(tt.desc, func(t *testing.T) {
			t.Parallel()
			r := Evaluate(&tt.req, tt.hops...)
			got := verdictOf(&r)
			want := tt.want
			if tt.contains != "" {
				if !strings.Contains(got.Console, tt.contains) {
					t.Errorf("console %q does not contain %q (%s)", got.Console, tt.contains, tt.src)
				}
				want.Console = got.Console
			}
			if got != want {
				t.Errorf("%s\n got  %+v\n want %+v", tt.src, got, want)
			}
			if tt.ff != "" {
				if ff := r.FirefoxMessage(); ff != tt.ff {
					t.Errorf("FirefoxMessage()\n got  %q\n want %q (%s)", ff, tt.ff, srcFFProperties)
				}
			}
			if r.Firefox != "" && r.Firefox.MDN() != "https://developer.mozilla.org/en-US/docs/Web/HTTP/Guides/CORS/Errors/"+string(r.Firefox) {
				t.Errorf("MDN() = %q", r.Firefox.MDN())
			}
			if tt.check != nil {
				tt.check(t, &r)
			}
			if err := narrationAgrees(&r); err != nil {
				t.Errorf("Checks: %v\n%s", err, names(r.Checks()))
			}
		})
	}
}

func TestAccessCheck(t *testing.T)  { t.Parallel(); runEval(t, accessTests) }
func TestPreflight(t *testing.T)    { t.Parallel(); runEval(t, preflightTests) }
func TestRedirects(t *testing.T)    { t.Parallel(); runEval(t, redirectTests) }
func TestRequestStage(t *testing.T) { t.Parallel(); runEval(t, requestTests) }
