package cors

import (
	"strings"
	"testing"
)

// safelistTests pins IsCorsSafelistedHeader (cors.cc), which follows
// Fetch § CORS-safelisted request-header plus Chromium's extra names.
// code is the reason the engine gives when the pair is not safelisted.
var safelistTests = []struct {
	desc  string
	src   string
	name  string
	value string
	code  ReasonCode
}{
	// Accept: any value without a CORS-unsafe request-header byte.
	{"accept */*", srcWPTNoPreflight, "Accept", "*/*", ReasonNone},
	{"accept list with q", srcSafelist, "accept", "text/html, application/json;q=0.9", ReasonNone},
	{"accept tab is not unsafe", srcUnsafeByte, "Accept", "a\tb", ReasonNone},
	{"accept double quote", srcWPTNotSafe, "Accept", `"`, ReasonUnsafeByte},
	{"accept (", srcUnsafeByte, "Accept", "a(b", ReasonUnsafeByte},
	{"accept )", srcUnsafeByte, "Accept", "a)b", ReasonUnsafeByte},
	{"accept colon", srcUnsafeByte, "Accept", "a:b", ReasonUnsafeByte},
	{"accept <", srcUnsafeByte, "Accept", "a<b", ReasonUnsafeByte},
	{"accept >", srcUnsafeByte, "Accept", "a>b", ReasonUnsafeByte},
	{"accept ?", srcUnsafeByte, "Accept", "a?b", ReasonUnsafeByte},
	{"accept @", srcUnsafeByte, "Accept", "a@b", ReasonUnsafeByte},
	{"accept [", srcUnsafeByte, "Accept", "a[b", ReasonUnsafeByte},
	{"accept backslash", srcUnsafeByte, "Accept", `a\b`, ReasonUnsafeByte},
	{"accept ]", srcUnsafeByte, "Accept", "a]b", ReasonUnsafeByte},
	{"accept {", srcUnsafeByte, "Accept", "a{b", ReasonUnsafeByte},
	{"accept }", srcUnsafeByte, "Accept", "a}b", ReasonUnsafeByte},
	{"accept DEL", srcUnsafeByte, "Accept", "a\x7fb", ReasonUnsafeByte},
	{"accept control byte", srcUnsafeByte, "Accept", "a\x01b", ReasonUnsafeByte},
	{"accept vertical tab", srcUnsafeByte, "Accept", "a\x0bb", ReasonUnsafeByte},
	{"accept 128 bytes", srcSafelist, "Accept", strings.Repeat("a", 128), ReasonNone},
	{"accept 129 bytes", srcWPTNotSafe, "Accept", strings.Repeat("a", 129), ReasonValueTooLong},
	{"accept latin-1 byte", srcUnsafeByte, "Accept", "text/\xe9", ReasonNone},

	// Accept-Language and Content-Language: a closed byte set.
	{"accept-language fr", srcWPTNoPreflight, "Accept-Language", "fr", ReasonNone},
	{"accept-language q list", srcSafelist, "Accept-Language", "en-US,en;q=0.9, *", ReasonNone},
	{"accept-language @", srcWPTNotSafe, "Accept-Language", "@", ReasonLanguageValue},
	{"accept-language underscore", srcSafelist, "Accept-Language", "fr_FR", ReasonLanguageValue},
	{"accept-language tab", srcSafelist, "Accept-Language", "fr\tFR", ReasonLanguageValue},
	{"accept-language slash", srcSafelist, "accept-language", "en/US", ReasonLanguageValue},
	{"accept-language latin-1", srcSafelist, "Accept-Language", "fran\xe7ais", ReasonLanguageValue},
	{"accept-language 129 bytes", srcWPTNotSafe, "Accept-Language", strings.Repeat("a", 129), ReasonValueTooLong},
	{"content-language fr", srcWPTNoPreflight, "Content-Language", "fr", ReasonNone},
	{"content-language all allowed bytes", srcSafelist, "Content-Language", "azAZ09 *,-.;=", ReasonNone},
	{"content-language colon", srcSafelist, "Content-Language", "en:US", ReasonLanguageValue},
	{"content-language quote", srcSafelist, "CONTENT-LANGUAGE", `"fr"`, ReasonLanguageValue},

	// Content-Type: parse a MIME type; three essences; parameters allowed.
	{"content-type text/plain", srcWPTNoPreflight, "Content-Type", "text/plain", ReasonNone},
	{"content-type urlencoded", srcWPTNoPreflight, "Content-Type", "application/x-www-form-urlencoded", ReasonNone},
	{"content-type multipart", srcWPTSafelist, "Content-Type", "multipart/form-data", ReasonNone},
	{"content-type charset param", srcWPTNoPreflight, "Content-Type", "text/plain;charset=utf-8", ReasonNone},
	{"content-type mixed case essence", srcWPTNoPreflight, "Content-Type", "Text/Plain;charset=utf-8", ReasonNone},
	{"content-type upper case", srcSafelist, "content-type", "TEXT/PLAIN", ReasonNone},
	{"content-type empty parameters", srcWPTSafelist, "Content-Type", "text/plain;", ReasonNone},
	{"content-type garbage parameter", srcWPTSafelist, "Content-Type", "text/plain;garbage", ReasonNone},
	{"content-type boundary", srcSafelist, "Content-Type", "multipart/form-data; boundary=----x", ReasonNone},
	{"content-type space before slash", srcWPTSafelist, "Content-Type", "text /plain", ReasonContentType},
	{"content-type tabs around slash", srcWPTSafelist, "Content-Type", "text\t/\tplain", ReasonContentType},
	{"content-type control bytes in parameter", srcWPTSafelist, "Content-Type", "text/plain;garbage\x01\x02", ReasonUnsafeByte},
	{"content-type trailing comma", srcWPTSafelist, "Content-Type", "text/plain,", ReasonContentType},
	{"content-type leading comma", srcWPTSafelist, "Content-Type", ",text/plain", ReasonContentType},
	{"content-type two essences", srcWPTSafelist, "Content-Type", "text/plain,text/plain", ReasonContentType},
	{"content-type plain then other", srcWPTSafelist, "Content-Type", "text/plain,x/x", ReasonContentType},
	{"content-type vertical tab", srcWPTSafelist, "Content-Type", "text/plain\x0b", ReasonUnsafeByte},
	{"content-type form feed", srcWPTSafelist, "Content-Type", "text/plain\x0c", ReasonUnsafeByte},
	{"content-type www-form-urlencoded typo", srcWPTSafelist, "Content-Type", "application/www-form-urlencoded", ReasonContentType},
	{"content-type DEL in parameter", srcWPTSafelist, "Content-Type", "application/x-www-form-urlencoded;\x7f", ReasonUnsafeByte},
	{"content-type quote in parameter", srcWPTSafelist, "Content-Type", `multipart/form-data;"`, ReasonUnsafeByte},
	{"content-type json", srcAppendixA, "Content-Type", "application/json", ReasonContentType},
	{"content-type text/html", srcWPTNotSafe, "Content-Type", "text/html", ReasonContentType},
	{"content-type no subtype", srcSafelist, "Content-Type", "text", ReasonContentType},
	{"content-type empty", srcSafelist, "Content-Type", "", ReasonContentType},
	{"content-type long parameter", srcWPTNotSafe, "Content-Type", "text/plain; long=" + strings.Repeat("0", 114), ReasonValueTooLong},
	{"content-type 128 bytes", srcSafelist, "Content-Type", "text/plain; long=" + strings.Repeat("0", 111), ReasonNone},

	// Range: only bytes=N- and bytes=N-M, N <= M, no whitespace, one range.
	{"range bytes=100-200", srcWPTSafelist, "Range", "bytes=100-200", ReasonNone},
	{"range bytes=200-", srcWPTSafelist, "Range", "bytes=200-", ReasonNone},
	{"range bytes=0-0", srcSafelist, "Range", "bytes=0-0", ReasonNone},
	{"range upper-case unit", srcChromium156, "Range", "BYTES=0-1", ReasonRange},
	{"range capitalized unit", srcChromium156, "Range", "Bytes=0-1", ReasonRange},
	{"range leading zeros", srcChromium156, "Range", "bytes=00-01", ReasonNone},
	{"range no unit", srcWPTSafelist, "Range", "100-200", ReasonRange},
	{"range other unit", srcWPTSafelist, "Range", "MB=100-200", ReasonRange},
	{"range space before =", srcWPTSafelist, "Range", "bytes =100-200", ReasonRange},
	{"range tab before =", srcWPTSafelist, "Range", "bytes\t=100-200", ReasonRange},
	{"range spaces after =", srcWPTSafelist, "Range", "bytes=  100-200", ReasonRange},
	{"range tabs after =", srcWPTSafelist, "Range", "bytes=\t\t100-200", ReasonRange},
	{"range space tab after =", srcWPTSafelist, "Range", "bytes= \t100-200", ReasonRange},
	{"range space before dash", srcWPTSafelist, "Range", "bytes=100 -200", ReasonRange},
	{"range tab before dash", srcWPTSafelist, "Range", "bytes=100\t-200", ReasonRange},
	{"range space after dash", srcWPTSafelist, "Range", "bytes=100- 200", ReasonRange},
	{"range tab after dash", srcWPTSafelist, "Range", "bytes=100-\t200", ReasonRange},
	{"range trailing garbage", srcWPTSafelist, "Range", "bytes=100-200hello", ReasonRange},
	{"range letters", srcWPTSafelist, "Range", "bytes=abc-def", ReasonRange},
	{"range multi-range", srcWPTSafelist, "Range", "bytes=100-200,300-400", ReasonRange},
	{"range suffix bytes=-200", srcWPTSafelist, "Range", "bytes=-200", ReasonRange},
	{"range suffix bytes=-500", srcSafelist, "Range", "bytes=-500", ReasonRange},
	{"range start after end", srcWPTSafelist, "Range", "bytes=200-100", ReasonRange},
	// The WPT vector is 129 bytes long, so the 128-byte rule fires first.
	{"range 61-digit positions", srcWPTSafelist, "Range", "bytes=1" + strings.Repeat("0", 60) + "-2" + strings.Repeat("0", 60), ReasonValueTooLong},
	{"range 20-digit position", srcChromium156, "Range", "bytes=99999999999999999999-", ReasonRange},
	{"range 2^63-2", srcChromium156, "Range", "bytes=9223372036854775806-", ReasonNone},
	{"range end 2^63-2", srcChromium156, "Range", "bytes=0-9223372036854775806", ReasonNone},
	{"range 2^63-1", srcChromium156, "Range", "bytes=9223372036854775807-", ReasonRange},
	{"range end 2^63-1", srcChromium156, "Range", "bytes=0-9223372036854775807", ReasonRange},
	{"range beyond int64", srcCrHTTPUtil, "Range", "bytes=9223372036854775808-", ReasonRange},
	{"range space instead of =", srcWPTSafelist, "Range", "bytes 100-200", ReasonRange},
	{"range spaces around =", srcWPTSafelist, "Range", "bytes = 100-200", ReasonRange},
	{"range leading comma", srcWPTSafelist, "Range", ",bytes=100-200", ReasonRange},
	{"range comma after =", srcWPTSafelist, "Range", "bytes=,100-200", ReasonRange},
	{"range bytes 0- with space", srcWPTNotSafe, "Range", "bytes 0-", ReasonRange},

	// Chromium-only safelisted names (divergence from Fetch).
	{"dpr integer", srcWPTClientHints, "DPR", "2", ReasonNone},
	{"dpr decimal", srcCrCors, "dpr", "2.5", ReasonNone},
	{"dpr trailing dot", srcCrCors, "DPR", "2.", ReasonClientHintValue},
	{"dpr leading dot", srcCrCors, "DPR", ".5", ReasonClientHintValue},
	{"dpr two dots", srcCrCors, "DPR", "1.2.3", ReasonClientHintValue},
	{"dpr letters", srcCrCors, "DPR", "abc", ReasonClientHintValue},
	{"device-memory", srcWPTClientHints, "Device-Memory", "8", ReasonNone},
	{"downlink", srcCrCors, "Downlink", "1.5", ReasonNone},
	{"width", srcWPTClientHints, "Width", "1200", ReasonNone},
	{"width decimal", srcCrCors, "Width", "12.5", ReasonClientHintValue},
	{"viewport-width", srcWPTClientHints, "Viewport-Width", "800", ReasonNone},
	{"viewport-width empty", srcCrCors, "Viewport-Width", "", ReasonClientHintValue},
	{"rtt", srcCrCors, "RTT", "150", ReasonNone},
	{"ect 4g", srcCrCors, "ECT", "4g", ReasonNone},
	{"ect slow-2g", srcCrCors, "ect", "slow-2g", ReasonNone},
	{"ect 5g", srcCrCors, "ECT", "5g", ReasonClientHintValue},
	{"save-data on", srcWPTClientHints, "Save-Data", "on", ReasonNone},
	{"save-data ON", srcCrCors, "Save-Data", "ON", ReasonNone},
	{"save-data off", srcCrCors, "Save-Data", "off", ReasonClientHintValue},
	{"intervention any value", srcCrCors, "Intervention", "<https://www.chromestatus.com/feature/1>; level=\"warning\"", ReasonNone},
	{"dpr 129 bytes", srcCrCors, "DPR", strings.Repeat("1", 129), ReasonValueTooLong},

	// Names that are never safelisted.
	{"authorization", srcWPTNotSafe, "Authorization", "Bearer x", ReasonHeaderName},
	{"custom header", srcWPTNotSafe, "test", "1", ReasonHeaderName},
	{"x-request-id", srcAppendixA, "X-Request-Id", "abc", ReasonHeaderName},
	{"cache-control", srcSafelist, "Cache-Control", "no-cache", ReasonHeaderName},
	{"last-event-id (no longer safelisted)", srcCrCors, "Last-Event-ID", "abc123", ReasonHeaderName},
	{"unknown name with long value", srcSafelist, "X-Long", strings.Repeat("a", 200), ReasonHeaderName},
}

func TestSafelistedRequestHeader(t *testing.T) {
	t.Parallel()
	for _, tt := range safelistTests {
		t.Run(tt.desc, func(t *testing.T) {
			t.Parallel()
			if got := safelistCheck(tt.name, tt.value); got != tt.code {
				t.Errorf("safelistCheck(%q, %q) = %d, want %d (%s)", tt.name, tt.value, got, tt.code, tt.src)
			}
			want := tt.code == ReasonNone
			if got := IsSafelistedRequestHeader(tt.name, tt.value); got != want {
				t.Errorf("IsSafelistedRequestHeader(%q, %q) = %v, want %v (%s)", tt.name, tt.value, got, want, tt.src)
			}
			// A safelisted header alone never needs a preflight on a
			// simple request; an unsafe one always does, named in ACRH.
			p := PlanRequest(&Request{Origin: appOrigin, URL: apiURL, Method: "POST", Headers: []Header{{tt.name, tt.value}}})
			if p.Required == want {
				t.Errorf("PlanRequest with %s: %q: Required = %v, want %v (%s)", tt.name, tt.value, p.Required, !want, tt.src)
			}
			if !want && p.RequestHeaders != strings.ToLower(tt.name) {
				t.Errorf("RequestHeaders = %q, want %q", p.RequestHeaders, strings.ToLower(tt.name))
			}
		})
	}
}

var forbiddenTests = []struct {
	desc  string
	src   string
	name  string
	value string
	want  bool
}{
	{"accept-charset", srcForbidden, "Accept-Charset", "utf-8", true},
	{"accept-encoding", srcForbidden, "Accept-Encoding", "gzip", true},
	{"acrh", srcForbidden, "Access-Control-Request-Headers", "x", true},
	{"acrm", srcForbidden, "Access-Control-Request-Method", "PUT", true},
	{"connection", srcForbidden, "Connection", "close", true},
	{"content-length", srcForbidden, "Content-Length", "3", true},
	{"cookie", srcForbidden, "Cookie", "a=b", true},
	{"cookie2", srcForbidden, "Cookie2", "a=b", true},
	{"date", srcForbidden, "Date", "now", true},
	{"dnt", srcForbidden, "DNT", "1", true},
	{"expect", srcForbidden, "Expect", "100-continue", true},
	{"host", srcForbidden, "Host", "evil.example", true},
	{"keep-alive", srcForbidden, "Keep-Alive", "300", true},
	{"origin", srcForbidden, "Origin", "https://evil.example", true},
	{"referer", srcForbidden, "Referer", "https://x/", true},
	{"set-cookie", srcForbidden, "Set-Cookie", "a=b", true},
	{"te", srcForbidden, "TE", "trailers", true},
	{"trailer", srcForbidden, "Trailer", "x", true},
	{"transfer-encoding", srcForbidden, "Transfer-Encoding", "chunked", true},
	{"upgrade", srcForbidden, "Upgrade", "websocket", true},
	{"via", srcForbidden, "Via", "1.1 x", true},
	{"mixed case", srcForbidden, "cOoKiE", "a=b", true},
	{"proxy- prefix", srcForbidden, "Proxy-Authorization", "Basic x", true},
	{"sec- prefix", srcForbidden, "Sec-Fetch-Mode", "cors", true},
	{"sec-ch client hint", srcForbidden, "Sec-CH-UA", "x", true},
	{"x-http-method-override TRACE", srcForbidden, "X-HTTP-Method-Override", "TRACE", true},
	{"x-http-method list with track", srcForbidden, "X-HTTP-Method", "GET, track", true},
	{"x-method-override connect", srcForbidden, "X-Method-Override", "connect", true},
	{"x-http-method-override GET", srcForbidden, "X-HTTP-Method-Override", "GET", false},
	{"user-agent (chromium)", srcCrHTTPUtil, "User-Agent", "bot/1.0", true},
	{"acr-private-network (chromium)", srcCrHTTPUtil, "Access-Control-Request-Private-Network", "true", true},
	{"authorization is allowed", srcForbidden, "Authorization", "Bearer x", false},
	{"range is allowed", srcForbidden, "Range", "bytes=0-", false},
	{"custom is allowed", srcForbidden, "X-Request-Id", "1", false},
	{"proxy without dash", srcForbidden, "Proxyx", "1", false},
}

func TestForbiddenRequestHeader(t *testing.T) {
	t.Parallel()
	for _, tt := range forbiddenTests {
		t.Run(tt.desc, func(t *testing.T) {
			t.Parallel()
			if got := IsForbiddenRequestHeader(tt.name, tt.value); got != tt.want {
				t.Errorf("IsForbiddenRequestHeader(%q, %q) = %v, want %v (%s)", tt.name, tt.value, got, tt.want, tt.src)
			}
			if !tt.want {
				return
			}
			// A forbidden header is dropped: it never appears in ACRH and
			// is reported as a warning.
			req := &Request{Origin: appOrigin, URL: apiURL, Headers: []Header{{tt.name, tt.value}}}
			if p := PlanRequest(req); p.Required || p.RequestHeaders != "" {
				t.Errorf("forbidden %s caused a preflight: %+v", tt.name, p)
			}
			r := Evaluate(req, Hop{Response: resp(200, "Access-Control-Allow-Origin: *")})
			if !hasWarning(&r, WarnForbiddenHeader) {
				t.Errorf("no %s warning for %s", WarnForbiddenHeader, tt.name)
			}
		})
	}
}

func hasWarning(r *Result, c WarningCode) bool {
	for _, w := range r.Warnings {
		if w.Code == c {
			return true
		}
	}
	return false
}

var methodTests = []struct {
	desc       string
	src        string
	in         string
	normalized string
	safelisted bool
	forbidden  bool
}{
	{"delete", srcMethods, "delete", "DELETE", false, false},
	{"get", srcWPTReqStructure, "get", "GET", true, false},
	{"Get", srcMethods, "Get", "GET", true, false},
	{"head", srcMethods, "head", "HEAD", true, false},
	{"options", srcMethods, "options", "OPTIONS", false, false},
	{"post", srcMethods, "post", "POST", true, false},
	{"put", srcMethods, "put", "PUT", false, false},
	{"PUT", srcMethods, "PUT", "PUT", false, false},
	{"patch stays patch", srcMethods, "patch", "patch", false, false},
	{"Patch stays Patch", srcMethods, "Patch", "Patch", false, false},
	{"PATCH", srcMethods, "PATCH", "PATCH", false, false},
	{"custom NEW", srcWPTPreflight, "NEW", "NEW", false, false},
	{"connect", srcMethods, "connect", "connect", false, true},
	{"TRACE", srcMethods, "TRACE", "TRACE", false, true},
	{"Track", srcMethods, "Track", "Track", false, true},
}

func TestMethods(t *testing.T) {
	t.Parallel()
	for _, tt := range methodTests {
		t.Run(tt.desc, func(t *testing.T) {
			t.Parallel()
			got := NormalizeMethod(tt.in)
			if got != tt.normalized {
				t.Errorf("NormalizeMethod(%q) = %q, want %q (%s)", tt.in, got, tt.normalized, tt.src)
			}
			if s := IsSafelistedMethod(got); s != tt.safelisted {
				t.Errorf("IsSafelistedMethod(%q) = %v, want %v", got, s, tt.safelisted)
			}
			if f := IsForbiddenMethod(tt.in); f != tt.forbidden {
				t.Errorf("IsForbiddenMethod(%q) = %v, want %v", tt.in, f, tt.forbidden)
			}
		})
	}
	// Safelisted methods compare byte for byte (Fetch § methods): the
	// engine only sees normalized methods, but the predicate is exact.
	for _, m := range []string{"get", "Head", "post", "PUT", ""} {
		if IsSafelistedMethod(m) {
			t.Errorf("IsSafelistedMethod(%q) = true, want false (%s)", m, srcMethods)
		}
	}
}

var parseListTests = []struct {
	desc  string
	src   string
	in    string
	items []string
	bad   string
	ok    bool
}{
	{"empty", srcPreflightFetch, "", nil, "", true},
	{"one", srcPreflightFetch, "PUT", []string{"PUT"}, "", true},
	{"comma space", srcPreflightFetch, "GET, PUT", []string{"GET", "PUT"}, "", true},
	{"no space", srcPreflightFetch, "content-type,x-a", []string{"content-type", "x-a"}, "", true},
	{"empty items skipped", srcWPTCommaList, ",,a, ,b,", []string{"a", "b"}, "", true},
	{"tabs trimmed", srcPreflightFetch, "\tx-a\t,\tx-b", []string{"x-a", "x-b"}, "", true},
	{"star", srcWPTStar, "*", []string{"*"}, "", true},
	{"space inside", srcWPTValidation, "GET, Bad method name", []string{"GET"}, "Bad method name", false},
	{"quoted", srcCrPreflightRes, `"x-a"`, nil, `"x-a"`, false},
	{"slash", srcCrPreflightRes, "a/b", nil, "a/b", false},
	{"only commas", srcPreflightFetch, " , , ", nil, "", true},
}

func TestParseList(t *testing.T) {
	t.Parallel()
	for _, tt := range parseListTests {
		t.Run(tt.desc, func(t *testing.T) {
			t.Parallel()
			items, bad, ok := ParseList(tt.in)
			if ok != tt.ok || bad != tt.bad || strings.Join(items, "|") != strings.Join(tt.items, "|") {
				t.Errorf("ParseList(%q) = %q, %q, %v; want %q, %q, %v (%s)", tt.in, items, bad, ok, tt.items, tt.bad, tt.ok, tt.src)
			}
		})
	}
}

func FuzzParseList(f *testing.F) {
	for _, tt := range parseListTests {
		f.Add(tt.in)
	}
	f.Fuzz(func(t *testing.T, in string) {
		items, bad, ok := ParseList(in)
		for _, it := range items {
			if !IsToken(it) {
				t.Fatalf("ParseList(%q) item %q is not a token", in, it)
			}
		}
		if ok != (bad == "") {
			t.Fatalf("ParseList(%q): ok %v with bad %q", in, ok, bad)
		}
		// Reference split: on ",", items trimmed of HTTP whitespace, empty
		// items skipped (net::HttpUtil::ValuesIterator); stop at the first
		// item that is not a token.
		var ref []string
		var refBad string
		for _, it := range strings.Split(in, ",") {
			if it = strings.Trim(it, " \t\r\n"); it == "" {
				continue
			}
			if !IsToken(it) {
				refBad = it
				break
			}
			ref = append(ref, it)
		}
		if strings.Join(ref, "\x00") != strings.Join(items, "\x00") || refBad != bad {
			t.Fatalf("ParseList(%q) = %q, %q; reference split %q, %q", in, items, bad, ref, refBad)
		}
		if !ok {
			return
		}
		for _, sep := range []string{",", ", ", " ,\t"} {
			again, _, ok2 := ParseList(strings.Join(items, sep))
			if !ok2 || strings.Join(again, ",") != strings.Join(items, ",") {
				t.Fatalf("round trip of %q with %q: %q, %v", items, sep, again, ok2)
			}
		}
	})
}

func FuzzSafelist(f *testing.F) {
	for _, tt := range safelistTests {
		f.Add(tt.name, tt.value)
	}
	f.Fuzz(func(t *testing.T, name, value string) {
		ok := IsSafelistedRequestHeader(name, value)
		if ok && len(value) > 128 {
			t.Fatalf("%q: %d-byte value safelisted", name, len(value))
		}
		if ok != IsSafelistedRequestHeader(asciiUpper(name), value) {
			t.Fatalf("name case changed the verdict for %q: %q", name, value)
		}
		r := Reason{Code: safelistCheck(name, value), Header: name, Value: value}
		if ok != (r.Code == ReasonNone) || ok != (r.String() == "") {
			t.Fatalf("%q: %q: safelisted %v, reason %d %q", name, value, ok, r.Code, r)
		}
	})
}

func asciiUpper(s string) string {
	b := []byte(s)
	for i, c := range b {
		if c >= 'a' && c <= 'z' {
			b[i] = c - 'a' + 'A'
		}
	}
	return string(b)
}
