package cors

import (
	"net/http"
	"strings"
	"testing"
)

// FuzzEvaluate drives the whole algorithm with random requests and
// responses. Invariants: no panic; a verdict is either allowed or carries
// exactly the reason it is not (an Error, a Script refusal, a NetError,
// or Incomplete); the console line is printed iff the browser blocked;
// a CORS error that is not a refusal before sending prints Chromium's
// "Access to …" line.
func FuzzEvaluate(f *testing.F) {
	type seed struct {
		method, hname, hvalue, acao, acam, acah string
		status, actual                          int
		flags                                   uint8
	}
	seeds := []seed{
		{"PUT", "Content-Type", "application/json", appOrigin, "PUT", "Content-Type", 204, 200, 0},
		{"GET", "X-Request-Id", "1", "*", "*", "*", 200, 200, 1},
		{"patch", "Authorization", "Bearer t", appOrigin, "GET,PATCH", "*", 204, 200, 0},
		{"DELETE", "", "", "", "", "", 403, 403, 0},
		{"POST", "Content-Type", "text/plain", "null", "", "", 200, 302, 4},
		{"GET", "Range", "bytes=0-", appOrigin + "/", "", "", 200, 200, 2},
		{"CONNECT", "X", "y", "*", "", "", 200, 200, 0},
		{"GET", "Bad Name", "v", "*", "", "", 200, 200, 0},
		{"OPTIONS", "X-A", "1\r\n", "a b", "a b", "c d", 301, 200, 3},
		{"", "DPR", "2.5", "https://a.com,https://b.com", "", "", 204, 200, 8},
		{"PUT", "Content-Type", "application/json", appOrigin, "PUT", "Content-Type", 204, 200, 16},
		{"get", "Accept", strings.Repeat("a", 129), "", "", "", 0, 0, 32},
	}
	for _, tt := range preflightTests {
		var h Header
		if len(tt.req.Headers) > 0 {
			h = tt.req.Headers[0]
		}
		if len(tt.hops) > 0 && tt.hops[0].Preflight != nil {
			p := tt.hops[0].Preflight
			acao, _ := get(p.Header, HeaderAllowOrigin)
			acam, _ := get(p.Header, HeaderAllowMethods)
			acah, _ := get(p.Header, HeaderAllowHeaders)
			seeds = append(seeds, seed{tt.req.Method, h.Name, h.Value, acao, acam, acah, p.Status, 200, 0})
		}
	}
	for _, s := range seeds {
		f.Add(s.method, s.hname, s.hvalue, s.acao, s.acam, s.acah, s.status, s.actual, s.flags)
	}
	f.Fuzz(func(t *testing.T, method, hname, hvalue, acao, acam, acah string, status, actual int, flags uint8) {
		req := Request{Origin: appOrigin, URL: apiURL, Method: method}
		if hname != "" {
			req.Headers = []Header{{hname, hvalue}, {"X-Fuzz", hvalue}}
		}
		if flags&1 != 0 {
			req.Credentials = CredentialsInclude
		}
		if flags&2 != 0 {
			req.Initiator = InitiatorXHR
		}
		if flags&4 != 0 {
			req.Body = BodyStream
		}
		if flags&8 != 0 {
			req.Origin = Null
		}
		if flags&16 != 0 {
			req.Mode = ModeNoCORS
		}
		preflight := &Response{Status: status, Header: http.Header{}}
		final := &Response{Status: actual, Header: http.Header{}}
		for _, r := range []*Response{preflight, final} {
			if acao != "" || flags&64 != 0 {
				r.Header[HeaderAllowOrigin] = []string{acao}
			}
			r.Header[HeaderAllowCredentials] = []string{"true"}
		}
		preflight.Header[HeaderAllowMethods] = []string{acam}
		preflight.Header[HeaderAllowHeaders] = []string{acah}
		preflight.Header[HeaderLocation] = []string{acah}
		final.Header[HeaderLocation] = []string{"/next"}
		hops := []Hop{{Preflight: preflight, Response: final}}
		if flags&32 != 0 {
			hops = nil // everything missing
		}

		r := Evaluate(&req, hops...)
		reasons := r.Error != "" || r.Script != "" || r.NetError != "" || r.Incomplete != ""
		if r.Allowed == reasons {
			t.Fatalf("Allowed %v with Error %q, Script %q, NetError %q, Incomplete %q",
				r.Allowed, r.Error, r.Script, r.NetError, r.Incomplete)
		}
		msg := r.ConsoleMessage()
		if (msg != "") != r.Blocked() {
			t.Fatalf("Blocked %v but console %q", r.Blocked(), msg)
		}
		if r.Blocked() && r.Stage == StageNone {
			t.Fatalf("blocked without a stage: %+v", r)
		}
		if r.Error != "" && r.Script == "" && !strings.HasPrefix(msg, "Access to ") {
			t.Fatalf("CORS error %s printed %q", r.Error, msg)
		}
		if r.Error != "" && r.Error.IsPreflightError() != strings.Contains(msg, pfPrefix) {
			t.Fatalf("%s: preflight prefix mismatch in %q", r.Error, msg)
		}
		if rh := ReadableHeaders(&r, final.Header, nil); len(rh) != len(final.Header) {
			t.Fatalf("ReadableHeaders = %v for %v", rh, final.Header)
		}
		if p := r.Plan; p.RequestHeaders != "" {
			for _, n := range p.UnsafeHeaders() {
				if n != strings.ToLower(n) || !IsToken(n) {
					t.Fatalf("ACRH item %q", n)
				}
			}
		}
	})
}
