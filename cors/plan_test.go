package cors

import (
	"slices"
	"strconv"
	"strings"
	"testing"
)

// planTests pins the preflight decision (Fetch § main fetch step 5;
// Chromium NeedsPreflight in cors_url_loader.cc) and the exact
// Access-Control-Request-Method / -Headers values
// (preflight_controller.cc CreateAccessControlRequestHeadersHeader).
var planTests = []struct {
	desc    string
	src     string
	req     Request
	cross   bool
	want    bool   // preflight required
	method  string // ACRM
	acrh    string
	reasons []ReasonCode
}{
	{
		desc: "simple GET", src: srcWPTNoPreflight,
		req:   Request{Origin: appOrigin, URL: apiURL},
		cross: true, method: "GET",
	},
	{
		desc: "same origin PUT with custom header", src: srcMainFetch,
		req:   Request{Origin: appOrigin, URL: appOrigin + "/x", Method: "PUT", Headers: hs("X-Foo: 1")},
		cross: false, method: "PUT",
	},
	{
		desc: "same origin with explicit default port", src: srcMainFetch,
		req:   Request{Origin: appOrigin, URL: "https://APP.example.com:443/x", Method: "DELETE"},
		cross: false, method: "DELETE",
	},
	{
		desc: "other port is cross origin", src: srcWPTOrigin,
		req:   Request{Origin: appOrigin, URL: "https://app.example.com:8443/x"},
		cross: true, method: "GET",
	},
	{
		desc: "opaque origin is cross origin with everything", src: srcWPTDataURL,
		req:   Request{Origin: Null, URL: apiURL},
		cross: true, method: "GET",
	},
	{
		desc: "lower-case get is normalized and safelisted", src: srcMethods,
		req:   Request{Origin: appOrigin, URL: apiURL, Method: "get"},
		cross: true, method: "GET",
	},
	{
		desc: "POST text/plain needs no preflight", src: srcWPTNoPreflight,
		req:   Request{Origin: appOrigin, URL: apiURL, Method: "POST", Body: BodySimple, Headers: hs("Content-Type: text/plain;charset=UTF-8")},
		cross: true, method: "POST",
	},
	{
		desc: "HEAD with safelisted headers", src: srcWPTNoPreflight,
		req:   Request{Origin: appOrigin, URL: apiURL, Method: "HEAD", Headers: hs("Accept: */*", "Accept-Language: fr", "Content-Language: fr")},
		cross: true, method: "HEAD",
	},
	{
		desc: "value whitespace is normalized first", src: srcSafelist,
		req:   Request{Origin: appOrigin, URL: apiURL, Method: "POST", Headers: hs("Content-Type:   text/plain \t")},
		cross: true, method: "POST",
	},
	{
		desc: "patch stays patch", src: srcMethods,
		req:   Request{Origin: appOrigin, URL: apiURL, Method: "patch"},
		cross: true, want: true, method: "patch",
		reasons: []ReasonCode{ReasonMethod},
	},
	{
		desc: "delete becomes DELETE", src: srcMethods,
		req:   Request{Origin: appOrigin, URL: apiURL, Method: "delete"},
		cross: true, want: true, method: "DELETE",
		reasons: []ReasonCode{ReasonMethod},
	},
	{
		desc: "custom method NEW", src: srcWPTPreflight,
		req:   Request{Origin: appOrigin, URL: apiURL, Method: "NEW"},
		cross: true, want: true, method: "NEW",
		reasons: []ReasonCode{ReasonMethod},
	},
	{
		desc: "POST application/json", src: srcAppendixA,
		req:   Request{Origin: appOrigin, URL: apiURL, Method: "POST", Body: BodySimple, Headers: hs("Content-Type: application/json")},
		cross: true, want: true, method: "POST", acrh: "content-type",
		reasons: []ReasonCode{ReasonContentType},
	},
	{
		desc: "names lower-cased, sorted, de-duplicated, no spaces", src: srcWPTSorted,
		req: Request{Origin: appOrigin, URL: apiURL, Method: "PUT", Headers: hs(
			"X-B: 1", "x-a: 2", "Content-Type: application/json", "X-A: 3", "Authorization: Bearer t")},
		cross: true, want: true, method: "PUT", acrh: "authorization,content-type,x-a,x-b",
		reasons: []ReasonCode{ReasonMethod, ReasonHeaderName, ReasonHeaderName, ReasonContentType, ReasonHeaderName},
	},
	{
		desc: "upper-case names are lower-cased", src: srcWPTLowercase,
		req:   Request{Origin: appOrigin, URL: apiURL, Headers: hs("X-CUSTOM-HEADER: x")},
		cross: true, want: true, method: "GET", acrh: "x-custom-header",
		reasons: []ReasonCode{ReasonHeaderName},
	},
	{
		desc: "safelisted headers are left out of ACRH", src: srcWPTPreflight,
		req:   Request{Origin: appOrigin, URL: apiURL, Method: "PUT", Headers: hs("Accept: */*", "X-Test: 1", "Content-Language: fr")},
		cross: true, want: true, method: "PUT", acrh: "x-test",
		reasons: []ReasonCode{ReasonMethod, ReasonHeaderName},
	},
	{
		desc: "forbidden header dropped, custom kept", src: srcForbidden,
		req:   Request{Origin: appOrigin, URL: apiURL, Headers: hs("Cookie: a=b", "X-Foo: 1")},
		cross: true, want: true, method: "GET", acrh: "x-foo",
		reasons: []ReasonCode{ReasonHeaderName},
	},
	{
		desc: "forbidden header alone needs nothing", src: srcForbidden,
		req:   Request{Origin: appOrigin, URL: apiURL, Headers: hs("Cookie: a=b", "Sec-Fetch-Mode: navigate")},
		cross: true, method: "GET",
	},
	{
		desc: "User-Agent dropped by Chromium", src: srcCrHTTPUtil,
		req:   Request{Origin: appOrigin, URL: apiURL, Headers: hs("User-Agent: bot/1.0")},
		cross: true, method: "GET",
	},
	{
		desc: "Range suffix needs a preflight", src: srcSafelist,
		req:   Request{Origin: appOrigin, URL: apiURL, Headers: hs("Range: bytes=-500")},
		cross: true, want: true, method: "GET", acrh: "range",
		reasons: []ReasonCode{ReasonRange},
	},
	{
		desc: "DPR client hint needs no preflight in Chromium", src: srcWPTClientHints,
		req:   Request{Origin: appOrigin, URL: apiURL, Headers: hs("DPR: 2", "Save-Data: on", "Viewport-Width: 800")},
		cross: true, method: "GET",
	},
	{
		desc: "ReadableStream body forces a preflight", src: srcRequestCtor,
		req:   Request{Origin: appOrigin, URL: apiURL, Method: "POST", Body: BodyStream},
		cross: true, want: true, method: "POST",
		reasons: []ReasonCode{ReasonStreamBody},
	},
	{
		desc: "upload listeners force a preflight", src: srcWPTUpload,
		req:   Request{Origin: appOrigin, URL: apiURL, Method: "POST", Body: BodySimple, UploadListeners: true, Initiator: InitiatorXHR},
		cross: true, want: true, method: "POST",
		reasons: []ReasonCode{ReasonUploadListeners},
	},
	{
		desc: "stream body and unsafe method", src: srcMainFetch,
		req:   Request{Origin: appOrigin, URL: apiURL, Method: "PUT", Body: BodyStream},
		cross: true, want: true, method: "PUT",
		reasons: []ReasonCode{ReasonStreamBody, ReasonMethod},
	},
	{
		desc: "exactly 1024 bytes of safelisted values", src: srcUnsafeNames,
		req: Request{Origin: appOrigin, URL: apiURL, Headers: []Header{{"Accept", strings.Repeat("a", 128)}, {"Accept-Language", strings.Repeat("b", 128)},
			{"Content-Language", strings.Repeat("c", 128)}, {"Content-Type", "text/plain;" + strings.Repeat("d", 117)},
			{"Intervention", strings.Repeat("e", 128)}, {"DPR", strings.Repeat("1", 128)}, {"Width", strings.Repeat("2", 128)}, {"RTT", strings.Repeat("3", 128)}}},
		cross: true, method: "GET",
	},
	{
		desc: "more than 1024 bytes of safelisted values", src: srcCrCorsUtil,
		req: Request{Origin: appOrigin, URL: apiURL, Headers: []Header{{"Accept", strings.Repeat("a", 128)}, {"Accept-Language", strings.Repeat("b", 128)},
			{"Content-Language", strings.Repeat("c", 128)}, {"Content-Type", "text/plain;" + strings.Repeat("d", 117)},
			{"Intervention", strings.Repeat("e", 128)}, {"DPR", strings.Repeat("1", 128)}, {"Width", strings.Repeat("2", 128)}, {"RTT", strings.Repeat("3", 128)},
			{"Save-Data", "on"}}},
		cross: true, want: true, method: "GET", acrh: "accept,accept-language,content-language,content-type,dpr,intervention,rtt,save-data,width",
		reasons: []ReasonCode{ReasonTotalSize, ReasonTotalSize, ReasonTotalSize, ReasonTotalSize, ReasonTotalSize, ReasonTotalSize, ReasonTotalSize, ReasonTotalSize, ReasonTotalSize},
	},
	{
		// A header set several times is one header whose values are
		// joined by ", " (Fetch § combine; Blink sends one line, observed
		// in Chromium 156 and WebKitGTK 2.50.6: Accept set twice with 100
		// bytes each is preflighted). The combined value is checked.
		desc: "a header set twice is checked combined", src: srcCombine,
		req:   Request{Origin: appOrigin, URL: apiURL, Headers: repeatHeaders(2, "Accept", 100)},
		cross: true, want: true, method: "GET", acrh: "accept",
		reasons: []ReasonCode{ReasonValueTooLong},
	},
	{
		desc: "combined values too long, with an unsafe name", src: srcCombine,
		req: Request{Origin: appOrigin, URL: apiURL, Headers: append(repeatHeaders(9, "Content-Language", 120),
			Header{"X-Z", "1"})},
		cross: true, want: true, method: "GET", acrh: "content-language,x-z",
		reasons: []ReasonCode{ReasonValueTooLong, ReasonHeaderName},
	},
	{
		desc: "no-cors never preflights", src: srcNoCORS,
		req:   Request{Origin: appOrigin, URL: apiURL, Mode: ModeNoCORS, Method: "POST", Headers: hs("X-Foo: 1")},
		cross: true, method: "POST",
	},
	{
		desc: "empty method is GET", src: srcRequestCtor,
		req:   Request{Origin: appOrigin, URL: apiURL, Method: ""},
		cross: true, method: "GET",
	},
}

// repeatHeaders returns n headers named name with values of size bytes.
func repeatHeaders(n int, name string, size int) []Header {
	out := make([]Header, n)
	for i := range out {
		out[i] = Header{name, strings.Repeat("a", size)}
	}
	return out
}

func TestPlanRequest(t *testing.T) {
	t.Parallel()
	for _, tt := range planTests {
		t.Run(tt.desc, func(t *testing.T) {
			t.Parallel()
			p := PlanRequest(&tt.req)
			if p.CrossOrigin != tt.cross || p.Required != tt.want || p.Method != tt.method || p.RequestHeaders != tt.acrh {
				t.Errorf("PlanRequest = {cross %v, required %v, ACRM %q, ACRH %q}, want {%v, %v, %q, %q} (%s)",
					p.CrossOrigin, p.Required, p.Method, p.RequestHeaders, tt.cross, tt.want, tt.method, tt.acrh, tt.src)
			}
			var codes []ReasonCode
			for _, r := range p.Reasons(&tt.req) {
				codes = append(codes, r.Code)
				if r.String() == "" {
					t.Errorf("reason %d has no text", r.Code)
				}
			}
			if !slices.Equal(codes, tt.reasons) {
				t.Errorf("Reasons = %v, want %v (%s)", codes, tt.reasons, tt.src)
			}
			if got := strings.Join(p.UnsafeHeaders(), ","); got != tt.acrh {
				t.Errorf("UnsafeHeaders = %q, want %q", got, tt.acrh)
			}
			// The live driver sends exactly these preflight headers.
			var f Fetch
			f.Start(&tt.req)
			if f.NeedsPreflight() != (tt.want && tt.req.Mode != ModeNoCORS) {
				t.Errorf("Fetch.NeedsPreflight = %v, want %v", f.NeedsPreflight(), tt.want)
			}
			if tt.want {
				want := []Header{{"Accept", "*/*"}, {HeaderRequestMethod, tt.method}}
				if tt.acrh != "" {
					want = append(want, Header{HeaderRequestHeaders, tt.acrh})
				}
				want = append(want, Header{HeaderOrigin, tt.req.Origin})
				if got := f.PreflightHeaders(); !slices.Equal(got, want) {
					t.Errorf("PreflightHeaders = %v, want %v (%s)", got, want, srcCrPreflight)
				}
			}
		})
	}
}

func TestReasonText(t *testing.T) {
	t.Parallel()
	tests := []struct {
		desc string
		r    Reason
		want string
	}{
		{"none", Reason{}, ""},
		{"method", Reason{Code: ReasonMethod, Value: "PUT"}, "method PUT is not a CORS-safelisted method (GET, HEAD, POST)"},
		{"name", Reason{Code: ReasonHeaderName, Header: "X-Request-Id"}, "header X-Request-Id is not a CORS-safelisted request header"},
		{"too long", Reason{Code: ReasonValueTooLong, Header: "Accept", Value: strings.Repeat("a", 129)}, "header Accept has a value of 129 bytes; safelisted values are at most 128 bytes"},
		{"content type", Reason{Code: ReasonContentType, Header: "Content-Type", Value: "application/json"}, `Content-Type "application/json" is not application/x-www-form-urlencoded, multipart/form-data or text/plain`},
		{"range", Reason{Code: ReasonRange, Header: "Range", Value: "bytes=-500"}, `Range "bytes=-500" is not a single bytes=N- or bytes=N-M range`},
		{"total", Reason{Code: ReasonTotalSize, Header: "Accept", Value: strconv.Itoa(1152)}, "safelisted header values add up to 1152 bytes, more than the 1024 allowed, so header Accept needs a preflight"},
		{"stream", Reason{Code: ReasonStreamBody}, "the request body is a ReadableStream, which always needs a preflight"},
		{"upload", Reason{Code: ReasonUploadListeners}, "XMLHttpRequest has event listeners on xhr.upload, which always needs a preflight"},
	}
	for _, tt := range tests {
		t.Run(tt.desc, func(t *testing.T) {
			t.Parallel()
			if got := tt.r.String(); got != tt.want {
				t.Errorf("String() = %q, want %q", got, tt.want)
			}
			b, err := tt.r.MarshalText()
			if err != nil || string(b) != tt.want {
				t.Errorf("MarshalText() = %q, %v", b, err)
			}
		})
	}
	for c := ReasonMethod; c <= ReasonUploadListeners; c++ {
		if (Reason{Code: c, Header: "H", Value: "v"}).String() == "" {
			t.Errorf("ReasonCode %d has no text", c)
		}
	}
}
