package cors

import (
	"fmt"
	"slices"
	"strings"
	"testing"
)

// maxAgeTests pins preflight_result.cc ParseAccessControlMaxAge: absent or
// unparsable 5 s, negative 0, capped at 7200 s.
var maxAgeTests = []struct {
	desc  string
	src   string
	lines []string
	want  int
}{
	{"absent", srcCrPreflightRes, nil, 5},
	{"zero", srcCrPreflightRes, []string{"Access-Control-Max-Age: 0"}, 0},
	{"negative", srcCrPreflightRes, []string{"Access-Control-Max-Age: -1"}, 0},
	{"600", srcCrPreflightRes, []string{"Access-Control-Max-Age: 600"}, 600},
	{"7199", srcCrPreflightRes, []string{"Access-Control-Max-Age: 7199"}, 7199},
	{"cap 7200", srcCrPreflightRes, []string{"Access-Control-Max-Age: 7200"}, 7200},
	{"one day capped", srcCrPreflightRes, []string{"Access-Control-Max-Age: 86400"}, 7200},
	{"surrounding whitespace", srcCrPreflightRes, []string{"Access-Control-Max-Age:  60 "}, 60},
	{"letters", srcCrPreflightRes, []string{"Access-Control-Max-Age: abc"}, 5},
	{"decimal", srcCrPreflightRes, []string{"Access-Control-Max-Age: 5.5"}, 5},
	{"empty", srcCrPreflightRes, []string{"Access-Control-Max-Age: "}, 5},
	{"beyond int64", srcCrPreflightRes, []string{"Access-Control-Max-Age: 99999999999999999999"}, 5},
	{"two lines", srcPreflightFetch, []string{"Access-Control-Max-Age: 60", "Access-Control-Max-Age: 120"}, 5},
}

func TestMaxAge(t *testing.T) {
	t.Parallel()
	for _, tt := range maxAgeTests {
		t.Run(tt.desc, func(t *testing.T) {
			t.Parallel()
			h := hdr(tt.lines...)
			if got := MaxAge(h); got != tt.want {
				t.Errorf("MaxAge(%v) = %d, want %d (%s)", h, got, tt.want, tt.src)
			}
			p := okPreflight()
			delete(p.Header, "Access-Control-Max-Age")
			for k, v := range h {
				p.Header[k] = v
			}
			r := Evaluate(&Request{Origin: appOrigin, URL: apiURL, Method: "PUT"}, Hop{Preflight: p, Response: okActual()})
			if !r.Allowed || r.MaxAge != tt.want {
				t.Errorf("Evaluate: Allowed %v, MaxAge %d, want %d", r.Allowed, r.MaxAge, tt.want)
			}
			if short := hasWarning(&r, WarnShortMaxAge); short != (tt.want < 600) {
				t.Errorf("ShortMaxAge warning %v for %d s", short, tt.want)
			}
		})
	}
	r := Evaluate(&Request{Origin: appOrigin, URL: apiURL}, Hop{Response: okActual()})
	if r.MaxAge != -1 {
		t.Errorf("MaxAge without a preflight = %d, want -1", r.MaxAge)
	}
}

// rewriteTests pins Fetch § HTTP-redirect fetch step 12 (method and body
// rewriting) and step 13 (Authorization removal), as the live driver
// sees them through Fetch.
var rewriteTests = []struct {
	desc     string
	src      string
	method   string
	status   int
	location string
	headers  []Header
	// after the redirect
	wantMethod  string
	wantHeaders []string
	wantWarn    WarningCode
}{
	{"301 POST becomes GET", srcRedirect, "POST", 301, "/items/2",
		hs("Content-Type: text/plain", "Content-Language: fr", "Accept: */*"), "GET", []string{"Accept"}, ""},
	{"302 POST becomes GET", srcRedirect, "POST", 302, "/items/2",
		hs("Content-Type: text/plain"), "GET", nil, ""},
	{"303 PUT becomes GET", srcRedirect, "PUT", 303, "/items/2",
		hs("Content-Type: application/json", "X-Request-Id: 1"), "GET", []string{"X-Request-Id"}, ""},
	{"303 HEAD stays HEAD", srcRedirect, "HEAD", 303, "/items/2", nil, "HEAD", nil, ""},
	{"301 PUT stays PUT", srcRedirect, "PUT", 301, "/items/2",
		hs("Content-Type: application/json"), "PUT", []string{"Content-Type"}, ""},
	{"307 POST stays POST", srcRedirect, "POST", 307, "/items/2",
		hs("Content-Type: text/plain"), "POST", []string{"Content-Type"}, ""},
	{"308 DELETE stays DELETE", srcRedirect, "DELETE", 308, "/items/2", nil, "DELETE", nil, ""},
	{"Authorization kept on a same-origin hop", srcRedirect, "GET", 302, "/items/2",
		hs("Authorization: Bearer t"), "GET", []string{"Authorization"}, ""},
	{"Authorization dropped on a cross-origin hop", srcRedirect, "GET", 302, api2URL,
		hs("Authorization: Bearer t", "X-Request-Id: 1"), "GET", []string{"X-Request-Id"}, WarnAuthorizationDropped},
}

func TestRedirectRewrite(t *testing.T) {
	t.Parallel()
	for _, tt := range rewriteTests {
		t.Run(tt.desc, func(t *testing.T) {
			t.Parallel()
			req := &Request{Origin: appOrigin, URL: apiURL, Method: tt.method, Headers: tt.headers}
			if tt.method == "POST" || tt.method == "PUT" {
				req.Body = BodySimple
			}
			var f Fetch
			f.Start(req)
			if f.NeedsPreflight() {
				f.ReceivePreflight(resp(204, "Access-Control-Allow-Origin: "+appOrigin, "Access-Control-Allow-Methods: *", "Access-Control-Allow-Headers: *"))
			}
			if f.NeedsPreflight() || f.Done() {
				t.Fatalf("preflight did not pass: %+v", f.Result())
			}
			f.Receive(resp(tt.status, "Location: "+tt.location, "Access-Control-Allow-Origin: *"))
			if f.Done() {
				t.Fatalf("redirect ended the fetch: %+v", f.Result())
			}
			if f.Method() != tt.wantMethod {
				t.Errorf("Method() = %q, want %q (%s)", f.Method(), tt.wantMethod, tt.src)
			}
			var names []string
			for _, h := range f.Headers() {
				names = append(names, h.Name)
			}
			if !slices.Equal(names, tt.wantHeaders) {
				t.Errorf("Headers() = %v, want %v (%s)", names, tt.wantHeaders, tt.src)
			}
			r := f.Result()
			if tt.wantWarn != "" && !hasWarning(&r, tt.wantWarn) {
				t.Errorf("warnings %v lack %s", r.Warnings, tt.wantWarn)
			}
		})
	}
}

// originHeaderTests pins the Origin header after redirects (WPT
// fetch/api/cors/cors-redirect.any.js; Chromium CorsURLLoader::CheckTainted,
// the "tainted origin flag").
var originHeaderTests = []struct {
	desc  string
	src   string
	start string
	hops  []string // Location of each redirect
	want  []string // Origin header before each request, start included
}{
	{"cors to same cors", srcWPTRedirect, apiURL, []string{"https://api.example.com/other"}, []string{appOrigin, appOrigin}},
	{"cors to another cors", srcWPTRedirect, apiURL, []string{"https://api.example.com:8443/x"}, []string{appOrigin, Null}},
	{"same origin to cors", srcWPTRedirect, appOrigin + "/r", []string{apiURL}, []string{appOrigin, appOrigin}},
	{"cors to same origin", srcWPTRedirect, apiURL, []string{appOrigin + "/x"}, []string{appOrigin, Null}},
	{"same origin to cors to cors", srcWPTRedirect, appOrigin + "/r", []string{apiURL, api2URL}, []string{appOrigin, appOrigin, Null}},
	{"null stays null", srcWPTRedirect, apiURL, []string{api2URL, apiURL, appOrigin + "/x"}, []string{appOrigin, Null, Null, Null}},
}

func TestOriginHeaderAfterRedirect(t *testing.T) {
	t.Parallel()
	for _, tt := range originHeaderTests {
		t.Run(tt.desc, func(t *testing.T) {
			t.Parallel()
			var f Fetch
			f.Start(&Request{Origin: appOrigin, URL: tt.start})
			got := []string{f.OriginHeader()}
			for _, loc := range tt.hops {
				f.Receive(resp(302, "Location: "+loc, "Access-Control-Allow-Origin: *"))
				if f.Done() {
					t.Fatalf("redirect to %s ended the fetch: %+v", loc, f.Result())
				}
				got = append(got, f.OriginHeader())
				if f.URL() != loc {
					t.Errorf("URL() = %q, want %q", f.URL(), loc)
				}
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("Origin headers %v, want %v (%s)", got, tt.want, tt.src)
			}
			f.Receive(resp(200, "Access-Control-Allow-Origin: *"))
			if r := f.Result(); !r.Allowed {
				t.Errorf("final response with ACAO * blocked: %s", r.ConsoleMessage())
			}
		})
	}
}

// TestFetchPreflightAfterRedirect drives the re-run preflight by hand: a
// cross-origin hop taints the origin and the new preflight carries
// Origin: null (WPT fetch/api/cors/cors-redirect-preflight.any.js).
func TestFetchPreflightAfterRedirect(t *testing.T) {
	t.Parallel()
	req := putReq("")
	var f Fetch
	f.Start(&req)
	if !f.NeedsPreflight() || f.URL() != apiURL {
		t.Fatalf("first hop: NeedsPreflight %v, URL %q", f.NeedsPreflight(), f.URL())
	}
	f.ReceivePreflight(okPreflight())
	f.Receive(resp(307, "Location: "+api2URL, "Access-Control-Allow-Origin: "+appOrigin))
	if !f.NeedsPreflight() || f.URL() != api2URL {
		t.Fatalf("second hop: NeedsPreflight %v, URL %q", f.NeedsPreflight(), f.URL())
	}
	want := []Header{{"Accept", "*/*"}, {HeaderRequestMethod, "PUT"},
		{HeaderRequestHeaders, "content-type,x-request-id"}, {HeaderOrigin, Null}}
	if got := f.PreflightHeaders(); !slices.Equal(got, want) {
		t.Errorf("PreflightHeaders = %v, want %v (%s)", got, want, srcWPTRedirPf)
	}
	if p := f.Plan(); p.Method != "PUT" || p.RequestHeaders != "content-type,x-request-id" {
		t.Errorf("Plan = %+v", p)
	}
}

func TestFetchIgnoresOutOfOrderCalls(t *testing.T) {
	t.Parallel()
	var f Fetch
	req := getReq("")
	f.Start(&req)
	f.ReceivePreflight(okPreflight()) // no preflight is due: ignored
	if f.Result().PreflightSent {
		t.Error("unexpected preflight accepted")
	}
	f.Receive(okActual())
	f.Receive(resp(500)) // after the verdict: ignored
	if r := f.Result(); !r.Allowed || r.Status != 200 {
		t.Errorf("Allowed %v, Status %d", r.Allowed, r.Status)
	}
}

// exposeTests pins Fetch § CORS filtered response and Blink's
// ExtractCorsExposedHeaderNamesList.
var exposeTests = []struct {
	desc string
	src  string
	aceh []string
	cred Credentials
	name string
	want bool
}{
	{"cache-control", srcExpose, nil, "", "Cache-Control", true},
	{"content-language", srcExpose, nil, "", "Content-Language", true},
	{"content-length", srcExpose, nil, "", "Content-Length", true},
	{"content-type", srcExpose, nil, "", "content-type", true},
	{"expires", srcExpose, nil, "", "Expires", true},
	{"last-modified", srcExpose, nil, "", "Last-Modified", true},
	{"pragma", srcExpose, nil, "", "Pragma", true},
	{"etag needs ACEH", srcWPTFiltering, nil, "", "ETag", false},
	{"date needs ACEH", srcWPTFiltering, nil, "", "Date", false},
	{"listed", srcWPTFiltering, []string{"X-Request-Id, ETag"}, "", "ETag", true},
	{"listed case-insensitively", srcWPTFiltering, []string{"x-request-id"}, "", "X-Request-Id", true},
	{"listed on a second line", srcWPTFiltering, []string{"ETag", "X-Request-Id"}, "", "X-Request-Id", true},
	{"not listed", srcWPTFiltering, []string{"ETag"}, "", "X-Request-Id", false},
	{"* without credentials", srcWPTExposeStar, []string{"*"}, "", "X-Request-Id", true},
	{"* with credentials is a literal", srcWPTExposeStar, []string{"*"}, CredentialsInclude, "X-Request-Id", false},
	{"* and a name with credentials", srcWPTExposeStar, []string{"*, X-Request-Id"}, CredentialsInclude, "X-Request-Id", true},
	{"set-cookie never with *", srcWPTExposeStar, []string{"*"}, "", "Set-Cookie", false},
	{"set-cookie never when listed", srcExpose, []string{"Set-Cookie"}, "", "Set-Cookie", false},
	{"set-cookie2 never", srcExpose, []string{"Set-Cookie2"}, "", "Set-Cookie2", false},
	{"a non-token item empties the list", srcCrBlinkCors, []string{"X-Request-Id, bad header"}, "", "X-Request-Id", false},
	{"safelisted stays readable with a broken list", srcCrBlinkCors, []string{"bad header"}, "", "Content-Type", true},
	{"empty items tolerated", srcWPTExposeParse, []string{", X-Request-Id ,,"}, "", "X-Request-Id", true},
}

func TestReadable(t *testing.T) {
	t.Parallel()
	for _, tt := range exposeTests {
		t.Run(tt.desc, func(t *testing.T) {
			t.Parallel()
			lines := []string{"Access-Control-Allow-Origin: " + appOrigin}
			for _, v := range tt.aceh {
				lines = append(lines, "Access-Control-Expose-Headers: "+v)
			}
			h := hdr(lines...)
			if got := Readable(h, tt.name, tt.cred); got != tt.want {
				t.Errorf("Readable(%v, %q, %q) = %v, want %v (%s)", h, tt.name, tt.cred, got, tt.want, tt.src)
			}
		})
	}
}

func TestReadableHeaders(t *testing.T) {
	t.Parallel()
	h := hdr("Access-Control-Allow-Origin: "+appOrigin, "Access-Control-Expose-Headers: X-Request-Id",
		"Content-Type: application/json", "X-Request-Id: 1", "ETag: \"x\"", "Set-Cookie: a=b")
	tests := []struct {
		desc string
		src  string
		r    Result
		want map[string]bool
	}{
		{"cors response", srcWPTFiltering, Result{Allowed: true, CrossOrigin: true},
			map[string]bool{"access-control-allow-origin": false, "access-control-expose-headers": false,
				"content-type": true, "x-request-id": true, "etag": false, "set-cookie": false, "cache-control": true}},
		{"blocked response", srcCORSCheck, Result{CrossOrigin: true, Error: MissingAllowOriginHeader},
			map[string]bool{"access-control-allow-origin": false, "access-control-expose-headers": false,
				"content-type": false, "x-request-id": false, "etag": false, "set-cookie": false, "cache-control": false}},
		{"opaque response", srcNoCORS, Result{Allowed: true, CrossOrigin: true, Opaque: true},
			map[string]bool{"access-control-allow-origin": false, "access-control-expose-headers": false,
				"content-type": false, "x-request-id": false, "etag": false, "set-cookie": false, "cache-control": false}},
		{"same-origin response", "fetch#concept-filtered-response-basic", Result{Allowed: true},
			map[string]bool{"access-control-allow-origin": true, "access-control-expose-headers": true,
				"content-type": true, "x-request-id": true, "etag": true, "set-cookie": false, "cache-control": false}},
	}
	for _, tt := range tests {
		t.Run(tt.desc, func(t *testing.T) {
			t.Parallel()
			got := ReadableHeaders(&tt.r, h, []string{"Cache-Control"})
			if fmt.Sprint(got) != fmt.Sprint(tt.want) {
				t.Errorf("ReadableHeaders\n got  %v\n want %v (%s)", got, tt.want, tt.src)
			}
		})
	}
}

// TestIsCORSHeader keeps the header-name helper honest.
func TestIsCORSHeader(t *testing.T) {
	t.Parallel()
	for _, n := range []string{"Access-Control-Allow-Origin", "access-control-max-age", "Origin", "VARY"} {
		if !IsCORSHeader(n) {
			t.Errorf("IsCORSHeader(%q) = false", n)
		}
	}
	for _, n := range []string{"Content-Type", "X-Access-Control", ""} {
		if IsCORSHeader(n) {
			t.Errorf("IsCORSHeader(%q) = true", n)
		}
	}
	if !strings.HasPrefix(HeaderAllowPrivateNetwork, "Access-Control-") {
		t.Error("HeaderAllowPrivateNetwork misspelt")
	}
}

// TestManyRequestHeaders exercises header lists longer than the 64 names
// the preflight check tracks in one pass.
func TestManyRequestHeaders(t *testing.T) {
	t.Parallel()
	var req []Header
	var allow []string
	for i := range 70 {
		n := fmt.Sprintf("X-H%02d", i)
		req = append(req, Header{n, "1"})
		allow = append(allow, n)
	}
	req = append(req, Header{"X-Zz", "1"})
	r := &Request{Origin: appOrigin, URL: apiURL, Headers: req}
	for _, tt := range []struct {
		desc  string
		acah  string
		err   ErrorName
		param string
	}{
		{"all listed", strings.Join(append(allow, "x-zz"), ", "), "", ""},
		{"last one missing", strings.Join(allow, ","), HeaderDisallowedByPreflightResponse, "x-zz"},
		{"first one missing", strings.Join(append(allow[1:], "X-ZZ"), ","), HeaderDisallowedByPreflightResponse, "x-h00"},
		{"one past 64 missing", strings.Join(append(append(allow[:66:66], allow[67:]...), "x-zz"), ","), HeaderDisallowedByPreflightResponse, "x-h66"},
	} {
		res := Evaluate(r, Hop{Preflight: resp(204, "Access-Control-Allow-Origin: "+appOrigin, "Access-Control-Allow-Headers: "+tt.acah), Response: okActual()})
		if res.Error != tt.err || res.FailedParameter != tt.param || res.Allowed != (tt.err == "") {
			t.Errorf("%s: Error %s %q, Allowed %v; want %s %q (%s)", tt.desc, res.Error, res.FailedParameter, res.Allowed, tt.err, tt.param, srcCrPreflightRes)
		}
	}
}
