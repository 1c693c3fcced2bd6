package cors

import (
	"net/http"
	"strings"
	"testing"
)

func TestParseEngine(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		in   string
		want Engine
	}{
		{"chromium", Chromium}, {"Chrome", Chromium}, {"edge", Chromium}, {"", Chromium},
		{"firefox", Firefox}, {"GECKO", Firefox}, {" webkit ", WebKit}, {"Safari", WebKit},
	} {
		got, err := ParseEngine(tc.in)
		if err != nil || got != tc.want {
			t.Errorf("ParseEngine(%q) = %q, %v; want %q", tc.in, got, err, tc.want)
		}
	}
	if _, err := ParseEngine("opera"); err == nil || !strings.Contains(err.Error(), "chromium, firefox or webkit") {
		t.Errorf("ParseEngine(opera) error = %v", err)
	}
	var e Engine
	if err := e.UnmarshalText([]byte("safari")); err != nil || e != WebKit {
		t.Errorf("UnmarshalText(safari) = %q, %v", e, err)
	}
	if b, _ := Chromium.MarshalText(); string(b) != "chromium" {
		t.Errorf("Chromium.MarshalText() = %q", b)
	}
	for e, want := range map[Engine]string{Chromium: "Chrome", Firefox: "Firefox", WebKit: "Safari"} {
		if e.Browser() != want {
			t.Errorf("%s.Browser() = %q", e, e.Browser())
		}
	}
}

// TestMaxAgeFor pins each engine's parsing of Access-Control-Max-Age
// (sources beside maxAgeFor).
func TestMaxAgeFor(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		v                         string // "-" for absent
		chromium, firefox, webkit int
	}{
		{"-", 5, 5, 5},
		{"", 5, 5, 5},
		{"0", 0, 0, 0},
		{"600", 600, 600, 600},
		{"601", 601, 601, 600},
		{"7200", 7200, 7200, 600},
		{"86400", 7200, 86400, 600},
		{"99999999999999999999", 5, 86400, 600},
		{"-1", 0, 0, 0},
		{"+60", 60, 0, 60},
		{"60s", 5, 0, 5},
		{" 60", 60, 60, 60}, // the header value is trimmed first
	} {
		h := http.Header{}
		if tc.v != "-" {
			h.Set(HeaderMaxAge, tc.v)
		}
		for e, want := range map[Engine]int{Chromium: tc.chromium, Firefox: tc.firefox, WebKit: tc.webkit} {
			if got := MaxAgeFor(e, h); got != want {
				t.Errorf("%s: Access-Control-Max-Age %q gives %d s, want %d", e, tc.v, got, want)
			}
		}
	}
	for e, want := range map[Engine]int{Chromium: 7200, Firefox: 86400, WebKit: 600} {
		if MaxAgeCap(e) != want {
			t.Errorf("MaxAgeCap(%s) = %d", e, MaxAgeCap(e))
		}
	}
}

func TestSafelistPerEngine(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, value               string
		chromium, firefox, webkit bool
	}{
		{"DPR", "2", true, false, false},
		{"Save-Data", "on", true, false, false},
		{"Intervention", "x", true, false, false},
		{"Accept", "text/é", true, false, true},
		{"Content-Type", "text/plain; charset=é", true, false, true},
		{"Accept-Language", "fr", true, true, true},
		{"DPR", strings.Repeat("1", 129), false, false, false},
	} {
		for e, want := range map[Engine]bool{Chromium: tc.chromium, Firefox: tc.firefox, WebKit: tc.webkit} {
			if got := IsSafelistedRequestHeaderFor(e, tc.name, tc.value); got != want {
				t.Errorf("%s: %s: %q safelisted %v, want %v", e, tc.name, tc.value, got, want)
			}
		}
	}
	// A value over 128 bytes of a client hint is a plain unsafe name
	// outside Chromium.
	if c := safelistCheckFor(Firefox, "DPR", strings.Repeat("1", 129)); c != ReasonHeaderName {
		t.Errorf("Firefox DPR 129 bytes: %d", c)
	}
}

func TestPlanPerEngine(t *testing.T) {
	t.Parallel()
	dup := Request{Origin: "https://app.example.com", URL: "https://api.example.com/x",
		Headers: []Header{{"X-A", "1"}, {"x-a", "2"}, {"X-B", "3"}}}
	for e, want := range map[Engine]string{Chromium: "x-a,x-b", Firefox: "x-a,x-a,x-b", WebKit: "x-a,x-b"} {
		r := dup
		r.Engine = e
		if got := PlanRequest(&r).RequestHeaders; got != want {
			t.Errorf("%s: Access-Control-Request-Headers %q, want %q", e, got, want)
		}
	}
	// A header set more than once: Chromium, WebKit and Firefox's
	// XMLHttpRequest (setRequestHeader combines) check the combined value;
	// Firefox's fetch() checks every value alone, lists the name once per
	// value and has no 1024-byte total (InternalHeaders::GetUnsafeHeaders).
	// Observed with corsdoctor browser --engine all in Chromium 156,
	// Firefox ESR 153.8 and WebKitGTK 2.50.6.
	for _, tc := range []struct {
		desc    string
		headers []Header
		ini     Initiator
		want    map[Engine]string
	}{
		{"Accept twice, 100 bytes each", repeatHeaders(2, "Accept", 100), InitiatorFetch, map[Engine]string{Chromium: "accept", Firefox: "", WebKit: "accept"}},
		{"Accept twice, 100 bytes each, XHR", repeatHeaders(2, "Accept", 100), InitiatorXHR, map[Engine]string{Chromium: "accept", Firefox: "accept", WebKit: "accept"}},
		{"Accept 9 times, 1080 bytes", repeatHeaders(9, "Accept", 120), InitiatorFetch, map[Engine]string{Chromium: "accept", Firefox: "", WebKit: "accept"}},
		{"X-A and x-a, XHR", []Header{{"X-A", "1"}, {"x-a", "2"}}, InitiatorXHR, map[Engine]string{Chromium: "x-a", Firefox: "x-a", WebKit: "x-a"}},
	} {
		for e, want := range tc.want {
			r := Request{Origin: "https://app.example.com", URL: "https://api.example.com/x", Headers: tc.headers, Initiator: tc.ini, Engine: e}
			p := PlanRequest(&r)
			if p.RequestHeaders != want || p.Required != (want != "") {
				t.Errorf("%s, %s: preflight %v, Access-Control-Request-Headers %q, want %q", tc.desc, e, p.Required, p.RequestHeaders, want)
			}
		}
	}
	upload := Request{Origin: "https://app.example.com", URL: "https://api.example.com/x", Initiator: InitiatorXHR, UploadListeners: true}
	for e, want := range map[Engine]bool{Chromium: false, Firefox: true, WebKit: true} {
		r := upload
		r.Engine = e
		p := PlanRequest(&r)
		if p.Required != want {
			t.Errorf("%s: XHR GET with upload listeners: preflight %v, want %v", e, p.Required, want)
		}
		if want && (len(p.Reasons(&r)) != 1 || p.Reasons(&r)[0].Code != ReasonUploadListeners) {
			t.Errorf("%s: reasons %v", e, p.Reasons(&r))
		}
	}
}

// TestRedirectPerEngine: a POST with JSON, 303 to a cross-origin URL,
// then GET. Chromium sends the GET alone; Firefox preflights it with no
// headers and the page's Origin; WebKit preflights it with the first
// request's headers and Origin null.
func TestRedirectPerEngine(t *testing.T) {
	t.Parallel()
	req := Request{Origin: "https://app.example.com", URL: "https://api.example.com/a", Method: "POST", Body: BodySimple,
		Headers: []Header{{"Content-Type", "application/json"}}}
	allowAll := &Response{Status: 204, Header: http.Header{
		"Access-Control-Allow-Origin": {"*"}, "Access-Control-Allow-Methods": {"*"}, "Access-Control-Allow-Headers": {"*"}}}
	for _, tc := range []struct {
		e         Engine
		preflight bool
		acrh      string
		origin    string
	}{
		{Chromium, false, "", Null},
		{Firefox, true, "", "https://app.example.com"},
		{WebKit, true, "content-type", Null},
	} {
		r := req
		r.Engine = tc.e
		var f Fetch
		f.Start(&r)
		f.ReceivePreflight(allowAll)
		f.Receive(&Response{Status: 303, Header: http.Header{"Location": {"https://other.example.com/b"}, "Access-Control-Allow-Origin": {"*"}}})
		if f.NeedsPreflight() != tc.preflight {
			t.Fatalf("%s: preflight after the 303: %v, want %v", tc.e, f.NeedsPreflight(), tc.preflight)
		}
		if !tc.preflight {
			continue
		}
		hs := f.PreflightHeaders()
		var acrm, acrh, origin string
		for _, h := range hs {
			switch h.Name {
			case HeaderRequestMethod:
				acrm = h.Value
			case HeaderRequestHeaders:
				acrh = h.Value
			case HeaderOrigin:
				origin = h.Value
			}
		}
		if acrm != "GET" || acrh != tc.acrh || origin != tc.origin {
			t.Errorf("%s: preflight %s [%s] Origin %s, want GET [%s] Origin %s", tc.e, acrm, acrh, origin, tc.acrh, tc.origin)
		}
		if reasons := f.Plan().Reasons(&r); len(reasons) == 0 || reasons[0].Code != ReasonRedirectPreflighted && tc.acrh == "" {
			t.Errorf("%s: reasons %v", tc.e, reasons)
		}
	}
}
