package cors

import (
	"strings"
	"testing"
)

// TestErrorNamesCovered checks that every CorsError the engine can return
// is produced by at least one conformance case above, so each has its
// console line pinned character for character.
func TestErrorNamesCovered(t *testing.T) {
	t.Parallel()
	seen := map[ErrorName]bool{}
	for _, table := range evalTables {
		for _, tt := range table {
			r := Evaluate(&tt.req, tt.hops...)
			if r.Error != "" {
				seen[r.Error] = true
			}
		}
	}
	for _, e := range ErrorNames {
		if !seen[e] {
			t.Errorf("no conformance case produces %s", e)
		}
	}
	for e := range seen {
		found := false
		for _, n := range ErrorNames {
			found = found || n == e
		}
		if !found {
			t.Errorf("engine returned %s, which ErrorNames does not list", e)
		}
	}
}

// detailTests pins cors_error_string.cc GetErrorStringForConsoleMessage
// for every CorsError value, fetch and XHR (cors-semantics §2.3).
var detailTests = []struct {
	err   ErrorName
	hint  string
	fetch string // detail for fetch(), after the common prefix
	xhr   string // detail for XMLHttpRequest
}{
	{DisallowedByMode, "", "Cross origin requests are not allowed by request mode.", ""},
	{InvalidResponse, "", "The response is invalid.", ""},
	{WildcardOriginNotAllowed, "", wildcardText, wildcardText + xhrCreds},
	{PreflightWildcardOriginNotAllowed, "", pfPrefix + wildcardText, pfPrefix + wildcardText + xhrCreds},
	{MissingAllowOriginHeader, "", missingText, ""},
	{PreflightMissingAllowOriginHeader, "", pfPrefix + missingText, ""},
	{MultipleAllowOriginValues, "https://a.com, https://b.com",
		"The 'Access-Control-Allow-Origin' header contains multiple values 'https://a.com, https://b.com', but only one is allowed." + withValue,
		"The 'Access-Control-Allow-Origin' header contains multiple values 'https://a.com, https://b.com', but only one is allowed."},
	{PreflightMultipleAllowOriginValues, "https://a.com, https://b.com",
		pfPrefix + "The 'Access-Control-Allow-Origin' header contains multiple values 'https://a.com, https://b.com', but only one is allowed." + withValue,
		pfPrefix + "The 'Access-Control-Allow-Origin' header contains multiple values 'https://a.com, https://b.com', but only one is allowed."},
	{InvalidAllowOriginValue, "example.com",
		"The 'Access-Control-Allow-Origin' header contains the invalid value 'example.com'." + withValue,
		"The 'Access-Control-Allow-Origin' header contains the invalid value 'example.com'."},
	{PreflightInvalidAllowOriginValue, "example.com",
		pfPrefix + "The 'Access-Control-Allow-Origin' header contains the invalid value 'example.com'." + withValue,
		pfPrefix + "The 'Access-Control-Allow-Origin' header contains the invalid value 'example.com'."},
	{AllowOriginMismatch, "https://app.example.com/", mismatchText("https://app.example.com/") + withValue, mismatchText("https://app.example.com/")},
	{PreflightAllowOriginMismatch, "https://app.example.com/", pfPrefix + mismatchText("https://app.example.com/") + withValue, pfPrefix + mismatchText("https://app.example.com/")},
	{InvalidAllowCredentials, "", credsText(""), credsText("") + xhrCreds},
	{PreflightInvalidAllowCredentials, "True", pfPrefix + credsText("True"), pfPrefix + credsText("True") + xhrCreds},
	{CorsDisabledScheme, "", corsDisabledText, ""},
	{PreflightInvalidStatus, "", pfPrefix + statusText, ""},
	{PreflightDisallowedRedirect, "", pfPrefix + "Redirect is not allowed for a preflight request.", ""},
	{InvalidAllowMethodsPreflightResponse, "", "Cannot parse Access-Control-Allow-Methods response header field in preflight response.", ""},
	{InvalidAllowHeadersPreflightResponse, "", "Cannot parse Access-Control-Allow-Headers response header field in preflight response.", ""},
	{MethodDisallowedByPreflightResponse, "patch", "Method patch is not allowed by Access-Control-Allow-Methods in preflight response.", ""},
	{HeaderDisallowedByPreflightResponse, "x-request-id", "Request header field x-request-id is not allowed by Access-Control-Allow-Headers in preflight response.", ""},
	{RedirectContainsCredentials, "", "Redirect location '' contains a username and password, which is disallowed for cross-origin requests.", ""},
}

func TestConsoleDetail(t *testing.T) {
	t.Parallel()
	for _, tt := range detailTests {
		t.Run(string(tt.err), func(t *testing.T) {
			t.Parallel()
			xhr := tt.xhr
			if xhr == "" {
				xhr = tt.fetch
			}
			for _, c := range []struct {
				init   Initiator
				prefix string
				want   string
			}{{InitiatorFetch, fetchPrefix, tt.fetch}, {InitiatorXHR, xhrPrefix, xhr}} {
				r := Result{Origin: appOrigin, URL: apiURL, InitialURL: apiURL, Initiator: c.init,
					Error: tt.err, FailedParameter: tt.hint, Stage: StageActual}
				if got := r.ConsoleMessage(); got != c.prefix+c.want {
					t.Errorf("%s %s\n got  %q\n want %q (%s)", c.init, tt.err, got, c.prefix+c.want, srcCrErrorString)
				}
			}
			if Explain(tt.err).Cause == "" || Explain(tt.err).Fix == "" {
				t.Errorf("Explain(%s) is empty", tt.err)
			}
		})
	}
}

func TestDetailTestsCoverErrorNames(t *testing.T) {
	t.Parallel()
	have := map[ErrorName]bool{}
	for _, tt := range detailTests {
		have[tt.err] = true
	}
	for _, e := range ErrorNames {
		if !have[e] {
			t.Errorf("detailTests lacks %s", e)
		}
	}
}

// TestIsPreflightError pins the exact set that gets the "Response to
// preflight request doesn't pass access control check: " prefix; the
// ACAM/ACAH errors come from the preflight but get none.
func TestIsPreflightError(t *testing.T) {
	t.Parallel()
	want := map[ErrorName]bool{
		PreflightWildcardOriginNotAllowed: true, PreflightMissingAllowOriginHeader: true,
		PreflightMultipleAllowOriginValues: true, PreflightInvalidAllowOriginValue: true,
		PreflightAllowOriginMismatch: true, PreflightInvalidAllowCredentials: true,
		PreflightInvalidStatus: true, PreflightDisallowedRedirect: true,
	}
	all := append([]ErrorName{InvalidResponse, InsecureLocalNetwork, InvalidLocalNetworkAccess,
		LocalNetworkAccessPermissionDenied, NoCorsRedirectModeNotFollow}, ErrorNames...)
	for _, e := range all {
		if got := e.IsPreflightError(); got != want[e] {
			t.Errorf("%s.IsPreflightError() = %v, want %v (%s)", e, got, want[e], srcCrErrorString)
		}
	}
}

func TestConsoleMessageForms(t *testing.T) {
	t.Parallel()
	tests := []struct {
		desc string
		src  string
		r    Result
		want string
	}{
		{
			desc: "redirected from", src: "cors-semantics.md §2.3 example 4",
			r: Result{Origin: appOrigin, URL: "https://b.example/x", InitialURL: "https://a.example/x",
				Error: MissingAllowOriginHeader, Stage: StageActual},
			want: "Access to fetch at 'https://b.example/x' (redirected from 'https://a.example/x') from origin 'https://app.example.com' has been blocked by CORS policy: No 'Access-Control-Allow-Origin' header is present on the requested resource.",
		},
		{
			desc: "URLs are canonicalized", src: srcCrErrorString,
			r: Result{Origin: appOrigin, URL: "HTTPS://API.example.com:443", InitialURL: "https://api.example.com/#top",
				Error: MissingAllowOriginHeader},
			want: "Access to fetch at 'https://api.example.com/' from origin 'https://app.example.com' has been blocked by CORS policy: No 'Access-Control-Allow-Origin' header is present on the requested resource.",
		},
		{
			desc: "hint with a tab and a latin-1 byte", src: srcCrErrorString,
			r: Result{Origin: appOrigin, URL: apiURL, InitialURL: apiURL, Error: HeaderDisallowedByPreflightResponse,
				FailedParameter: "x-\t\xe9"},
			want: fetchPrefix + `Request header field x-\u0009\u00E9 is not allowed by Access-Control-Allow-Headers in preflight response.`,
		},
		{
			desc: "opaque origin", src: srcCrErrorString,
			r:    Result{Origin: Null, URL: apiURL, InitialURL: apiURL, Error: MissingAllowOriginHeader, Initiator: InitiatorXHR},
			want: "Access to XMLHttpRequest at 'https://api.example.com/items' from origin 'null' has been blocked by CORS policy: No 'Access-Control-Allow-Origin' header is present on the requested resource.",
		},
		{desc: "allowed prints nothing", src: srcCrErrorString, r: Result{Allowed: true, Error: MissingAllowOriginHeader}},
		{desc: "incomplete prints nothing", src: srcCrErrorString, r: Result{Incomplete: "x", Error: MissingAllowOriginHeader}},
		{desc: "script refusal prints the script line", src: srcCrFetchManager, r: Result{Script: "TypeError: x"}, want: "TypeError: x"},
	}
	for _, tt := range tests {
		t.Run(tt.desc, func(t *testing.T) {
			t.Parallel()
			if got := tt.r.ConsoleMessage(); got != tt.want {
				t.Errorf("\n got  %q\n want %q (%s)", got, tt.want, tt.src)
			}
		})
	}
}

func TestEncodeHint(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, want string }{
		{"", ""},
		{"x-request-id", "x-request-id"},
		{"a b ~", "a b ~"},
		{"a\tb", `a\u0009b`},
		{"\x00", `\u0000`},
		{"\x7f", `\u007F`},
		{"caf\xe9", `caf\u00E9`},
		{"\xff", `\u00FF`},
	}
	for _, tt := range tests {
		if got := EncodeHint(tt.in); got != tt.want {
			t.Errorf("EncodeHint(%q) = %q, want %q (%s)", tt.in, got, tt.want, srcCrErrorString)
		}
	}
}

// TestFirefoxMessages pins security.properties for every code, with the
// request URL and parameter Firefox substitutes (cors-semantics §3.1).
func TestFirefoxMessages(t *testing.T) {
	t.Parallel()
	const pre = "Cross-Origin Request Blocked: The Same Origin Policy disallows reading the remote resource at "
	const u = "https://api.example.com/items"
	tests := []struct {
		code  FirefoxCode
		param string
		want  string
	}{
		{FFDisabled, "", pre + u + ". (Reason: CORS disabled)."},
		{FFDidNotSucceed, "(null)", pre + u + ". (Reason: CORS request did not succeed). Status code: (null)."},
		{FFOriginHeaderNotAdded, "", pre + u + ". (Reason: CORS header ‘Origin’ cannot be added)."},
		{FFExternalRedirectNotAllowed, "", pre + u + ". (Reason: CORS request external redirect not allowed)."},
		{FFRequestNotHTTP, "", pre + u + ". (Reason: CORS request not http)."},
		{FFMissingAllowOrigin, "403", pre + u + ". (Reason: CORS header ‘Access-Control-Allow-Origin’ missing). Status code: 403."},
		{FFMultipleAllowOriginNotAllowed, "", pre + u + ". (Reason: Multiple CORS header ‘Access-Control-Allow-Origin’ not allowed)."},
		{FFAllowOriginNotMatchingOrigin, "https://a.com, https://b.com", pre + u + ". (Reason: CORS header ‘Access-Control-Allow-Origin’ does not match ‘https://a.com, https://b.com’)."},
		{FFNotSupportingCredentials, "", pre + "‘" + u + "’. (Reason: Credential is not supported if the CORS header ‘Access-Control-Allow-Origin’ is ‘*’)."},
		{FFMethodNotFound, "", pre + u + ". (Reason: Did not find method in CORS header ‘Access-Control-Allow-Methods’)."},
		{FFMissingAllowCredentials, "", pre + u + ". (Reason: expected ‘true’ in CORS header ‘Access-Control-Allow-Credentials’)."},
		{FFPreflightDidNotSucceed, "405", pre + u + ". (Reason: CORS preflight response did not succeed). Status code: 405."},
		{FFInvalidAllowMethod, "a b", pre + u + ". (Reason: invalid token ‘a b’ in CORS header ‘Access-Control-Allow-Methods’)."},
		{FFInvalidAllowHeader, "c d", pre + u + ". (Reason: invalid token ‘c d’ in CORS header ‘Access-Control-Allow-Headers’)."},
		{FFMissingAllowHeaderFromPreflight, "x-request-id", pre + u + ". (Reason: header ‘x-request-id’ is not allowed according to header ‘Access-Control-Allow-Headers’ from CORS preflight response)."},
	}
	for _, tt := range tests {
		r := Result{Firefox: tt.code, firefoxURL: u, firefoxParam: tt.param}
		if got := r.FirefoxMessage(); got != tt.want {
			t.Errorf("%s\n got  %q\n want %q (%s)", tt.code, got, tt.want, srcFFProperties)
		}
		if !strings.HasSuffix(tt.code.MDN(), "/Web/HTTP/Guides/CORS/Errors/"+string(tt.code)) {
			t.Errorf("%s.MDN() = %q", tt.code, tt.code.MDN())
		}
	}
	if (&Result{}).FirefoxMessage() != "" || FirefoxCode("").MDN() != "" {
		t.Error("empty code must give empty message and link")
	}
}
