package cors_test

import (
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/corsdoctor/corsdoctor/cors"
)

// Chromium outcomes kept as vectors and replayed against package cors
// offline (STYLE.md). Every vector here was observed in real headless
// Chromium 156.0.8078.79 by the differential test of collect/browser
// (go test ./collect/browser -run TestDifferential): the responses are the
// ones Chromium received, the expectations what it reported through
// DevTools (Network.loadingFailed corsErrorStatus, Log.entryAdded).
//
// chromiumVectors are hand-picked cases where the engine was wrong before
// a fix, or where Chromium's behaviour is surprising. testdata/chromium/
// observed.json holds the whole differential run, rewritten with
// go test ./collect/browser -run TestDifferential -record.

type chromiumVector struct {
	desc    string
	req     cors.Request
	hops    []cors.Hop
	allowed bool
	err     cors.ErrorName
	param   string
	console string
	// paramOneOf, when set, replaces the exact param check: Chromium names
	// one of these (see the Authorization vector below).
	paramOneOf []string
	// netFailure is set when Chromium failed the last hop at the network
	// level and DevTools reported no response for it: the engine may only
	// say it needs that response.
	netFailure bool
}

var chromiumVectors = []chromiumVector{
	{
		// Before the fix the engine took "http://[bad" for a valid URL
		// and reported AllowOriginMismatch.
		desc: "chromium: simple/GET/acao-garbage/omit",
		req:  cors.Request{Origin: "http://app.example.test", URL: "http://api.example.test:8080/s/102?hop=0", Method: "GET", Credentials: "omit"},
		hops: []cors.Hop{
			{Response: &cors.Response{URL: "http://api.example.test:8080/s/102?hop=0", Status: 200, Header: http.Header{"Access-Control-Allow-Origin": {"http://[bad"}, "Content-Length": {"2"}, "Content-Type": {"text/plain; charset=utf-8"}}}},
		},
		allowed: false, err: "InvalidAllowOriginValue", param: "http://[bad",
		console: "Access to fetch at 'http://api.example.test:8080/s/102?hop=0' from origin 'http://app.example.test' has been blocked by CORS policy: The 'Access-Control-Allow-Origin' header contains the invalid value 'http://[bad'. Have the server send the header with a valid value.",
	},
	{
		desc: "chromium: preflight/acao-garbage/omit",
		req:  cors.Request{Origin: "http://app.example.test", URL: "http://api.example.test:8080/s/415?hop=0", Method: "PUT", Credentials: "omit"},
		hops: []cors.Hop{
			{Preflight: &cors.Response{URL: "http://api.example.test:8080/s/415?hop=0", Status: 204, Header: http.Header{"Access-Control-Allow-Methods": {"PUT"}, "Access-Control-Allow-Origin": {"http://[bad"}}}},
		},
		allowed: false, err: "PreflightInvalidAllowOriginValue", param: "http://[bad",
		console: "Access to fetch at 'http://api.example.test:8080/s/415?hop=0' from origin 'http://app.example.test' has been blocked by CORS policy: Response to preflight request doesn't pass access control check: The 'Access-Control-Allow-Origin' header contains the invalid value 'http://[bad'. Have the server send the header with a valid value.",
	},
	{
		// The URL parser removes a tab inside the value: a valid URL, so
		// a mismatch (the engine said InvalidAllowOriginValue).
		desc:    "chromium: bytes/acao-\"http://app\\texample.test\"",
		req:     cors.Request{Origin: "http://app.example.test", URL: "http://api.example.test:8080/s/4?hop=0", Method: "GET"},
		hops:    []cors.Hop{{Response: &cors.Response{URL: "http://api.example.test:8080/s/4?hop=0", Status: 200, Header: http.Header{"Access-Control-Allow-Origin": {"http://app\texample.test"}}}}},
		allowed: false, err: "AllowOriginMismatch", param: "http://app\texample.test",
		console: `Access to fetch at 'http://api.example.test:8080/s/4?hop=0' from origin 'http://app.example.test' has been blocked by CORS policy: The 'Access-Control-Allow-Origin' header has a value 'http://app\u0009example.test' that is not equal to the supplied origin. Have the server send the header with a valid value.`,
	},
	{
		// DEL is a forbidden host code point (the engine said
		// AllowOriginMismatch).
		desc:    "chromium: bytes/acao-\"http://app.example.test\\x7f\"",
		req:     cors.Request{Origin: "http://app.example.test", URL: "http://api.example.test:8080/s/8?hop=0", Method: "GET"},
		hops:    []cors.Hop{{Response: &cors.Response{URL: "http://api.example.test:8080/s/8?hop=0", Status: 200, Header: http.Header{"Access-Control-Allow-Origin": {"http://app.example.test\x7f"}}}}},
		allowed: false, err: "InvalidAllowOriginValue", param: "http://app.example.test\x7f",
		console: `Access to fetch at 'http://api.example.test:8080/s/8?hop=0' from origin 'http://app.example.test' has been blocked by CORS policy: The 'Access-Control-Allow-Origin' header contains the invalid value 'http://app.example.test\u007F'. Have the server send the header with a valid value.`,
	},
	{
		// A Latin-1 byte that is not UTF-8 makes GURL invalid (the engine
		// said AllowOriginMismatch); the UTF-8 "\u00e4" is a valid IDNA
		// host and a mismatch. DevTools cannot carry the raw byte in
		// headersText, so this case is written from the console line and
		// corsErrorStatus Chromium reported.
		desc:    "chromium: bytes/acao-latin1",
		req:     cors.Request{Origin: "http://app.example.test", URL: "http://api.example.test:8080/s/0?hop=0", Method: "GET"},
		hops:    []cors.Hop{{Response: &cors.Response{URL: "http://api.example.test:8080/s/0?hop=0", Status: 200, Header: http.Header{"Access-Control-Allow-Origin": {"https://app.ex\xe4mple.com"}}}}},
		allowed: false, err: "InvalidAllowOriginValue", param: "https://app.ex\xe4mple.com",
		console: `Access to fetch at 'http://api.example.test:8080/s/0?hop=0' from origin 'http://app.example.test' has been blocked by CORS policy: The 'Access-Control-Allow-Origin' header contains the invalid value 'https://app.ex\u00E4mple.com'. Have the server send the header with a valid value.`,
	},
	{
		desc:    "chromium: bytes/acao-utf8",
		req:     cors.Request{Origin: "http://app.example.test", URL: "http://api.example.test:8080/s/2?hop=0", Method: "GET"},
		hops:    []cors.Hop{{Response: &cors.Response{URL: "http://api.example.test:8080/s/2?hop=0", Status: 200, Header: http.Header{"Access-Control-Allow-Origin": {"http://app.ex\u00e4mple.com"}}}}},
		allowed: false, err: "AllowOriginMismatch", param: "http://app.ex\u00e4mple.com",
		console: `Access to fetch at 'http://api.example.test:8080/s/2?hop=0' from origin 'http://app.example.test' has been blocked by CORS policy: The 'Access-Control-Allow-Origin' header has a value 'http://app.ex\u00C3\u00A4mple.com' that is not equal to the supplied origin. Have the server send the header with a valid value.`,
	},
	{
		// When several request headers are missing from
		// Access-Control-Allow-Headers, Chromium names the first in the
		// order of Blink's HTTPHeaderMap, a hash table: neither the order
		// the page set them nor alphabetical. Here it names x-custom, not
		// authorization, whichever order fetch() got them in. The
		// engine names the alphabetically first; the verdict and the
		// CorsError agree.
		desc: "chromium: preflight/acah-\"x-other\"/omit",
		req: cors.Request{Origin: "http://app.example.test", URL: "http://api.example.test:8080/s/448?hop=0", Method: "GET", Credentials: "omit",
			Headers: []cors.Header{{Name: "X-Custom", Value: "1"}, {Name: "Authorization", Value: "Bearer t"}}},
		hops: []cors.Hop{
			{Preflight: &cors.Response{URL: "http://api.example.test:8080/s/448?hop=0", Status: 204, Header: http.Header{"Access-Control-Allow-Headers": {"x-other"}, "Access-Control-Allow-Origin": {"http://app.example.test"}}}},
		},
		allowed: false, err: "HeaderDisallowedByPreflightResponse", paramOneOf: []string{"x-custom", "authorization"},
	},
	{
		// Before the fix the engine forced a preflight for any XHR with
		// xhr.upload listeners; Chromium only does when send() has a body
		// (xml_http_request.cc "if (http_body && upload_)"), and XHR drops
		// the body of a GET.
		desc: "chromium: xhr/upload-listeners/get",
		req: cors.Request{Origin: "http://app.example.test", URL: "http://api.example.test:8080/s/80?hop=0", Method: "GET",
			Initiator: "xhr", UploadListeners: true},
		hops: []cors.Hop{
			{Response: &cors.Response{URL: "http://api.example.test:8080/s/80?hop=0", Status: 200, Header: http.Header{"Access-Control-Allow-Origin": {"http://app.example.test"}, "Content-Length": {"2"}, "Content-Type": {"text/plain; charset=utf-8"}}}},
		},
		allowed: true,
	},
	{
		// Before the fix the engine followed an https API's redirect to
		// http:// from a secure page; Chromium's renderer blocks it as
		// mixed content (net::ERR_ABORTED), naming the redirect target.
		desc: "chromium: secure/tls-redirect-to-http/same",
		req:  cors.Request{Origin: "https://secure.example.test", URL: "https://api.example.test:8443/s/16?hop=0", Method: "GET"},
		hops: []cors.Hop{
			{Response: &cors.Response{URL: "https://api.example.test:8443/s/16?hop=0", Status: 302, Header: http.Header{"Access-Control-Allow-Origin": {"*"}, "Location": {"http://api.example.test:8080/s/16?hop=1"}}}},
		},
		allowed: false,
		console: "Mixed Content: The page at 'https://secure.example.test/__corsdoctor/page' was loaded over HTTPS, but requested an insecure resource 'http://api.example.test:8080/s/16?hop=1'. This request has been blocked; the content must be served over HTTPS.",
	},
	{
		// A cross-origin 307 of a preflighted PUT: Chromium sends the
		// second preflight with Origin: null, so the page's own origin
		// in Access-Control-Allow-Origin no longer matches.
		desc: "chromium: redirect/preflighted/cross/allow-http://app.example.test",
		req: cors.Request{Origin: "http://app.example.test", URL: "http://api.example.test:8080/s/568?hop=0", Method: "PUT",
			Headers: []cors.Header{{Name: "X-Custom", Value: "1"}}},
		hops: []cors.Hop{
			{
				Preflight: &cors.Response{URL: "http://api.example.test:8080/s/568?hop=0", Status: 204, Header: http.Header{"Access-Control-Allow-Headers": {"x-custom"}, "Access-Control-Allow-Methods": {"PUT"}, "Access-Control-Allow-Origin": {"http://app.example.test"}}},
				Response:  &cors.Response{URL: "http://api.example.test:8080/s/568?hop=0", Status: 307, Header: http.Header{"Access-Control-Allow-Origin": {"http://app.example.test"}, "Location": {"http://other.example.test:8080/s/568?hop=1"}}},
			},
			{Preflight: &cors.Response{URL: "http://other.example.test:8080/s/568?hop=1", Status: 204, Header: http.Header{"Access-Control-Allow-Headers": {"x-custom"}, "Access-Control-Allow-Methods": {"PUT"}, "Access-Control-Allow-Origin": {"http://app.example.test"}}}},
		},
		allowed: false, err: "PreflightAllowOriginMismatch", param: "http://app.example.test",
		console: "Access to fetch at 'http://other.example.test:8080/s/568?hop=1' (redirected from 'http://api.example.test:8080/s/568?hop=0') from origin 'http://app.example.test' has been blocked by CORS policy: Response to preflight request doesn't pass access control check: The 'Access-Control-Allow-Origin' header has a value 'http://app.example.test' that is not equal to the supplied origin. Have the server send the header with a valid value.",
	},
}

var pageURL = regexp.MustCompile(`^Mixed Content: The page at '[^']*'`)

func checkChromium(t *testing.T, v chromiumVector) {
	t.Helper()
	res := cors.Evaluate(&v.req, v.hops...)
	if err := cors.NarrationAgrees(&res); err != nil {
		t.Errorf("Checks: %v", err)
	}
	if v.netFailure && res.Incomplete != "" && !res.Allowed {
		return
	}
	if res.Allowed != v.allowed || res.Incomplete != "" {
		t.Errorf("allowed = %t (incomplete %q), Chromium %t", res.Allowed, res.Incomplete, v.allowed)
	}
	if res.Error != v.err {
		t.Errorf("error = %q, Chromium %q", res.Error, v.err)
	}
	switch {
	case len(v.paramOneOf) > 0:
		found := false
		for _, p := range v.paramOneOf {
			found = found || p == res.FailedParameter
		}
		if !found {
			t.Errorf("failed parameter = %q, want one of %q", res.FailedParameter, v.paramOneOf)
		}
	default:
		if res.FailedParameter != v.param {
			t.Errorf("failed parameter = %q, Chromium %q", res.FailedParameter, v.param)
		}
		// A mixed-content line names the page URL (Chromium's page was
		// /__corsdoctor/page); the engine knows only the origin.
		if got := res.ConsoleMessage(); v.console != "" && pageURL.ReplaceAllString(got, "") != pageURL.ReplaceAllString(v.console, "") {
			t.Errorf("console:\n got %s\nwant %s", got, v.console)
		}
	}
}

func TestChromiumVectors(t *testing.T) {
	t.Parallel()
	up := cors.Request{Origin: "http://app.example.test", URL: "http://api.example.test/x", Method: "GET", Initiator: "xhr", UploadListeners: true}
	if cors.PlanRequest(&up).Required {
		t.Error("an XHR GET with upload listeners plans a preflight; Chromium 156 sends none")
	}
	for _, v := range chromiumVectors {
		t.Run(v.desc, func(t *testing.T) {
			t.Parallel()
			checkChromium(t, v)
		})
	}
}

// vectorRequest is the request of a recorded vector, as collect/browser's
// differential test writes it.
type vectorRequest struct {
	Desc        string        `json:"desc"`
	Origin      string        `json:"origin"`
	URL         string        `json:"url"`
	Method      string        `json:"method"`
	Headers     []cors.Header `json:"headers"`
	Body        bool          `json:"body"`
	Credentials string        `json:"credentials"`
	Mode        string        `json:"mode"`
	Initiator   string        `json:"initiator"`
	Upload      bool          `json:"upload_listeners"`
}

// vectorFile is the JSON form collect/browser's differential test writes.
type vectorFile struct {
	vectorRequest
	Hops []struct {
		Preflight *vectorResponse `json:"preflight"`
		Response  *vectorResponse `json:"response"`
	} `json:"hops"`
	Chromium struct {
		Allowed         bool   `json:"allowed"`
		CorsError       string `json:"cors_error"`
		FailedParameter string `json:"failed_parameter"`
		Console         string `json:"console"`
		NetError        string `json:"net_error"`
		PreflightSent   bool   `json:"preflight_sent"`
		Readable        string `json:"readable"`
	} `json:"chromium"`
}

type vectorResponse struct {
	URL    string              `json:"url"`
	Status int                 `json:"status"`
	Header map[string][]string `json:"header"`
}

func (r *vectorResponse) response() *cors.Response {
	if r == nil {
		return nil
	}
	return &cors.Response{URL: r.URL, Status: r.Status, Header: http.Header(r.Header)}
}

// disallowedHeaders lists the request headers the preflight response of
// the first hop does not allow: the candidates Chromium may name.
func disallowedHeaders(req *cors.Request, pf *cors.Response) []string {
	if pf == nil {
		return nil
	}
	allowed, _, _ := cors.ParseList(strings.Join(pf.Header.Values(cors.HeaderAllowHeaders), ","))
	var out []string
	for _, name := range cors.PlanRequest(req).UnsafeHeaders() {
		ok := false
		for _, a := range allowed {
			ok = ok || strings.EqualFold(a, name)
		}
		if !ok {
			out = append(out, name)
		}
	}
	return out
}

func TestChromiumObserved(t *testing.T) {
	t.Parallel()
	data, err := os.ReadFile(filepath.Join("testdata", "chromium", "observed.json"))
	if err != nil {
		t.Fatalf("read the recorded Chromium vectors: %v", err)
	}
	var vs []vectorFile
	if err := json.Unmarshal(data, &vs); err != nil {
		t.Fatalf("testdata/chromium/observed.json: %v", err)
	}
	if len(vs) < 300 {
		t.Fatalf("only %d recorded vectors", len(vs))
	}
	for _, f := range vs {
		body := cors.BodyNone
		if f.Body {
			body = cors.BodySimple
		}
		v := chromiumVector{
			desc: "chromium: " + f.Desc,
			req: cors.Request{Origin: f.Origin, URL: f.URL, Method: f.Method, Headers: f.Headers, Body: body,
				Credentials: cors.Credentials(f.Credentials), Mode: cors.Mode(f.Mode),
				Initiator: cors.Initiator(f.Initiator), UploadListeners: f.Upload},
			allowed: f.Chromium.Allowed, err: cors.ErrorName(f.Chromium.CorsError),
			param: f.Chromium.FailedParameter, console: f.Chromium.Console,
			netFailure: f.Chromium.NetError != "" && f.Chromium.CorsError == "",
		}
		for _, h := range f.Hops {
			v.hops = append(v.hops, cors.Hop{Preflight: h.Preflight.response(), Response: h.Response.response()})
		}
		if v.err == cors.HeaderDisallowedByPreflightResponse && len(v.hops) > 0 {
			if cands := disallowedHeaders(&v.req, v.hops[0].Preflight); len(cands) > 1 {
				sort.Strings(cands)
				v.paramOneOf = cands
			}
		}
		if f.Mode == string(cors.ModeNoCORS) || v.err == "" && !v.allowed {
			// Refused before any request: the CorsError is not reported
			// by the network service; only the verdict is compared.
			v.err = cors.Evaluate(&v.req, v.hops...).Error
		}
		t.Run(v.desc, func(t *testing.T) {
			checkChromium(t, v)
		})
	}
}
