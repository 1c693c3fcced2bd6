package cors

import (
	"fmt"
	"strings"
	"testing"
)

// narrationAgrees is the contract of Checks: the narration reaches the
// Result's verdict. A blocked Result has exactly one failed check, whose
// Error and Stage are the Result's and which every later check follows
// skipped; an allowed or incomplete one has none; every check has a
// state and a reason; the checks of one stage come in the engine's
// order.
func narrationAgrees(r *Result) error {
	cs := r.Checks()
	if cs == nil {
		return fmt.Errorf("Checks() = nil for a Result of Evaluate")
	}
	fail := -1
	for i, c := range cs {
		switch c.State {
		case CheckPass, CheckSkip:
		case CheckFail:
			if fail >= 0 {
				return fmt.Errorf("two failed checks: %s and %s", cs[fail].Name, c.Name)
			}
			fail = i
		default:
			return fmt.Errorf("check %d (%s) has state %q", i, c.Name, c.State)
		}
		if c.Reason == "" {
			return fmt.Errorf("check %d (%s, %s) has no reason", i, c.Name, c.State)
		}
		if c.Name == "" || c.Stage == StageNone {
			return fmt.Errorf("check %d has no name or stage: %+v", i, c)
		}
		if i > 0 && c.Hop < cs[i-1].Hop {
			return fmt.Errorf("check %d (%s) is on hop %d after hop %d", i, c.Name, c.Hop, cs[i-1].Hop)
		}
		if fail >= 0 && i > fail && c.State != CheckSkip {
			return fmt.Errorf("check %d (%s) is %s after the failed %s", i, c.Name, c.State, cs[fail].Name)
		}
	}
	switch {
	case r.Blocked() && fail < 0:
		return fmt.Errorf("blocked (%s at %s) but no check failed", r.Error, r.Stage)
	case !r.Blocked() && fail >= 0:
		return fmt.Errorf("not blocked but %s failed", cs[fail].Name)
	case fail >= 0 && (cs[fail].Error != r.Error || cs[fail].Stage != r.Stage):
		return fmt.Errorf("the failed check %s says %s at %s; the Result %s at %s", cs[fail].Name, cs[fail].Error, cs[fail].Stage, r.Error, r.Stage)
	}
	// The engine's preflight order (docs/engines.md, preflight-check-order).
	order := map[string]int{CheckRedirect: 0, CheckAllowOrigin: 1, CheckAllowCredentials: 2, CheckStatus: 3, CheckAllowPrivateNetwork: 4, CheckAllowMethods: 5, CheckAllowHeaders: 6}
	if r.Engine == WebKit {
		order[CheckStatus] = -1
	}
	for i := 1; i < len(cs); i++ {
		a, b := cs[i-1], cs[i]
		if a.Stage == StagePreflight && b.Stage == StagePreflight && a.Hop == b.Hop && order[a.Name] > order[b.Name] &&
			!(a.State == CheckFail && b.State == CheckSkip) && !(a.State == CheckSkip && b.State == CheckSkip) {
			return fmt.Errorf("%s comes before %s in %s's preflight", a.Name, b.Name, r.Engine.label())
		}
	}
	return nil
}

// NarrationAgrees exposes the contract to the external tests.
func NarrationAgrees(r *Result) error { return narrationAgrees(r) }

func names(cs []Check) string {
	var b strings.Builder
	for i, c := range cs {
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "%s/%d %s %s", c.Stage, c.Hop, c.Name, c.State)
	}
	return b.String()
}

func TestChecks(t *testing.T) {
	t.Parallel()
	put := func(e Engine, c Credentials) Request {
		return Request{Origin: appOrigin, URL: apiURL, Method: "PUT", Headers: hs("Content-Type: application/json"), Credentials: c, Engine: e}
	}
	get := func(e Engine) Request { return Request{Origin: appOrigin, URL: apiURL, Engine: e} }
	acao := "Access-Control-Allow-Origin: " + appOrigin
	goodPF := resp(204, acao, "Access-Control-Allow-Methods: PUT", "Access-Control-Allow-Headers: content-type")
	tests := []struct {
		desc string
		req  Request
		hops []Hop
		// want lists stage/hop name state for every check.
		want string
		// seen is the header value the failed check read.
		seen string
	}{
		{desc: "simple request allowed", req: get(Chromium), hops: []Hop{{Response: resp(200, acao)}},
			want: "actual/0 Access-Control-Allow-Origin pass"},
		{desc: "simple request without ACAO", req: get(Chromium), hops: []Hop{{Response: resp(200)}},
			want: "actual/0 Access-Control-Allow-Origin fail"},
		{desc: "same-origin request: no CORS check", req: Request{Origin: appOrigin, URL: appOrigin + "/x"}, hops: []Hop{{Response: resp(200)}},
			want: "actual/0 Access-Control-Allow-Origin skip"},
		{desc: "no-cors: opaque, not checked", req: Request{Origin: appOrigin, URL: apiURL, Mode: ModeNoCORS}, hops: []Hop{{Response: resp(200)}},
			want: "actual/0 Access-Control-Allow-Origin skip"},
		{desc: "credentials: ACAC checked after ACAO", req: Request{Origin: appOrigin, URL: apiURL, Credentials: CredentialsInclude},
			hops: []Hop{{Response: resp(200, acao, "Access-Control-Allow-Credentials: yes")}},
			want: "actual/0 Access-Control-Allow-Origin pass, actual/0 Access-Control-Allow-Credentials fail", seen: "yes"},
		{desc: "preflight passes", req: put(Chromium, ""), hops: []Hop{{Preflight: goodPF, Response: resp(200, acao)}},
			want: "preflight/0 redirect pass, preflight/0 Access-Control-Allow-Origin pass, preflight/0 status pass, preflight/0 Access-Control-Allow-Methods pass, preflight/0 Access-Control-Allow-Headers pass, actual/0 Access-Control-Allow-Origin pass"},
		{desc: "preflight missing: skipped, actual checked", req: put(Chromium, ""), hops: []Hop{{Response: resp(200, acao)}},
			want: "preflight/0 redirect skip, preflight/0 Access-Control-Allow-Origin skip, preflight/0 status skip, preflight/0 Access-Control-Allow-Methods skip, preflight/0 Access-Control-Allow-Headers skip, actual/0 Access-Control-Allow-Origin pass"},
		{desc: "actual response missing", req: get(Chromium), hops: nil,
			want: "actual/0 Access-Control-Allow-Origin skip"},
		// preflight-check-order: a 403 without CORS headers.
		{desc: "403 preflight, Chromium: ACAO first", req: put(Chromium, ""), hops: []Hop{{Preflight: resp(403)}},
			want: "preflight/0 redirect pass, preflight/0 Access-Control-Allow-Origin fail, preflight/0 status skip, preflight/0 Access-Control-Allow-Methods skip, preflight/0 Access-Control-Allow-Headers skip, actual/0 Access-Control-Allow-Origin skip"},
		{desc: "403 preflight, Firefox: ACAO first", req: put(Firefox, ""), hops: []Hop{{Preflight: resp(403)}},
			want: "preflight/0 redirect pass, preflight/0 Access-Control-Allow-Origin fail, preflight/0 status skip, preflight/0 Access-Control-Allow-Methods skip, preflight/0 Access-Control-Allow-Headers skip, actual/0 Access-Control-Allow-Origin skip"},
		{desc: "403 preflight, WebKit: status first", req: put(WebKit, ""), hops: []Hop{{Preflight: resp(403)}},
			want: "preflight/0 status fail, preflight/0 Access-Control-Allow-Origin skip, preflight/0 Access-Control-Allow-Methods skip, preflight/0 Access-Control-Allow-Headers skip, actual/0 Access-Control-Allow-Origin skip", seen: "403"},
		// Chromium parses both lists before the method check; Firefox
		// checks the method before it parses Allow-Headers.
		{desc: "bad ACAH and method not allowed, Chromium: ACAH", req: put(Chromium, ""),
			hops: []Hop{{Preflight: resp(204, acao, "Access-Control-Allow-Methods: GET", "Access-Control-Allow-Headers: a b")}},
			want: "preflight/0 redirect pass, preflight/0 Access-Control-Allow-Origin pass, preflight/0 status pass, preflight/0 Access-Control-Allow-Methods skip, preflight/0 Access-Control-Allow-Headers fail, actual/0 Access-Control-Allow-Origin skip", seen: "a b"},
		{desc: "bad ACAH and method not allowed, Firefox: method", req: put(Firefox, ""),
			hops: []Hop{{Preflight: resp(204, acao, "Access-Control-Allow-Methods: GET", "Access-Control-Allow-Headers: a b")}},
			want: "preflight/0 redirect pass, preflight/0 Access-Control-Allow-Origin pass, preflight/0 status pass, preflight/0 Access-Control-Allow-Methods fail, preflight/0 Access-Control-Allow-Headers skip, actual/0 Access-Control-Allow-Origin skip", seen: "GET"},
		{desc: "header not allowed", req: put(Chromium, CredentialsInclude),
			hops: []Hop{{Preflight: resp(204, acao, "Access-Control-Allow-Credentials: true", "Access-Control-Allow-Methods: PUT", "Access-Control-Allow-Headers: x-other")}},
			want: "preflight/0 redirect pass, preflight/0 Access-Control-Allow-Origin pass, preflight/0 Access-Control-Allow-Credentials pass, preflight/0 status pass, preflight/0 Access-Control-Allow-Methods pass, preflight/0 Access-Control-Allow-Headers fail, actual/0 Access-Control-Allow-Origin skip, actual/0 Access-Control-Allow-Credentials skip", seen: "x-other"},
		{desc: "redirected preflight", req: put(Chromium, ""), hops: []Hop{{Preflight: resp(301, acao, "Location: /elsewhere")}},
			want: "preflight/0 redirect fail, preflight/0 Access-Control-Allow-Origin skip, preflight/0 status skip, preflight/0 Access-Control-Allow-Methods skip, preflight/0 Access-Control-Allow-Headers skip, actual/0 Access-Control-Allow-Origin skip", seen: "/elsewhere"},
		// Per hop: the redirect response is checked, then followed.
		{desc: "redirect followed", req: get(Chromium),
			hops: []Hop{{Response: resp(302, acao, "Location: https://api.example.com/next")}, {Response: resp(200, acao)}},
			want: "redirect/0 Access-Control-Allow-Origin pass, redirect/0 redirect pass, actual/1 Access-Control-Allow-Origin pass"},
		{desc: "redirect response without ACAO", req: get(Chromium),
			hops: []Hop{{Response: resp(302, "Location: https://api.example.com/next")}, {Response: resp(200, acao)}},
			want: "redirect/0 Access-Control-Allow-Origin fail, redirect/0 redirect skip"},
		{desc: "redirect to a URL with credentials", req: get(Chromium),
			hops: []Hop{{Response: resp(302, acao, "Location: https://user:pw@api.example.com/next")}},
			want: "redirect/0 Access-Control-Allow-Origin pass, redirect/0 redirect fail"},
		{desc: "refused before sending", req: Request{Origin: appOrigin, URL: "ftp://api.example.com/"},
			want: "request/0 request fail"},
		{desc: "same-origin mode", req: Request{Origin: appOrigin, URL: apiURL, Mode: ModeSameOrigin},
			want: "request/0 request fail"},
	}
	for _, tt := range tests {
		t.Run(tt.desc, func(t *testing.T) {
			t.Parallel()
			r := Evaluate(&tt.req, tt.hops...)
			if err := narrationAgrees(&r); err != nil {
				t.Fatalf("%v\n%s", err, names(r.Checks()))
			}
			cs := r.Checks()
			if got := names(cs); got != tt.want {
				t.Errorf("checks\n got  %s\n want %s", got, tt.want)
			}
			if tt.seen != "" {
				for _, c := range cs {
					if c.State == CheckFail && c.Value != tt.seen {
						t.Errorf("the failed %s read %q, want %q", c.Name, c.Value, tt.seen)
					}
				}
			}
			// The streaming Fetch narrates the same checks.
			var f Fetch
			f.Start(&tt.req)
			for i := 0; !f.Done() && i < len(tt.hops); i++ {
				if tt.hops[i].Preflight != nil {
					f.ReceivePreflight(tt.hops[i].Preflight)
				}
				if tt.hops[i].Response != nil {
					f.Receive(tt.hops[i].Response)
				}
			}
			fr := f.Result()
			if fr.Incomplete == "" && r.Incomplete == "" {
				if got := names(fr.Checks()); got != tt.want {
					t.Errorf("Fetch checks\n got  %s\n want %s", got, tt.want)
				}
			}
		})
	}
}

func TestChecksFailReason(t *testing.T) {
	t.Parallel()
	req := Request{Origin: appOrigin, URL: apiURL}
	for _, e := range Engines {
		req.Engine = e
		r := Evaluate(&req, Hop{Response: resp(200, "Access-Control-Allow-Origin: https://other.example")})
		cs := r.Checks()
		if len(cs) != 1 || cs[0].State != CheckFail || cs[0].Value != "https://other.example" || !cs[0].Present {
			t.Fatalf("%s: %+v", e, cs)
		}
		want := r.ConsoleMessage()
		if e == Chromium {
			want = "The 'Access-Control-Allow-Origin' header has a value 'https://other.example' that is not equal to the supplied origin. Have the server send the header with a valid value."
		}
		if cs[0].Reason != want {
			t.Errorf("%s: reason %q, want %q", e, cs[0].Reason, want)
		}
	}
}

func TestChecksStaleInputs(t *testing.T) {
	t.Parallel()
	req := Request{Origin: appOrigin, URL: apiURL}
	h := resp(200, "Access-Control-Allow-Origin: "+appOrigin)
	r := Evaluate(&req, Hop{Response: h})
	if r.Checks() == nil {
		t.Fatal("no checks")
	}
	h.Header.Del("Access-Control-Allow-Origin")
	if cs := r.Checks(); cs != nil {
		t.Errorf("the response changed since Evaluate, yet Checks narrates %s", names(cs))
	}
	var zero Result
	if zero.Checks() != nil {
		t.Error("a zero Result has checks")
	}
}

func BenchmarkChecks(b *testing.B) {
	req := benchReq
	r := Evaluate(&req, Hop{Preflight: &benchBlockedPreflight, Response: &benchActual})
	b.ReportAllocs()
	for b.Loop() {
		if len(r.Checks()) == 0 {
			b.Fatal("no checks")
		}
	}
}

// TestChecksNetworkError: a prober's verdict for a response that never
// came (Result.NetError) narrates that response as the failed check.
func TestChecksNetworkError(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		desc  string
		req   Request
		pf    *Response
		stage Stage
		want  string
	}{
		{"preflight refused", Request{Origin: appOrigin, URL: apiURL, Method: "PUT"}, nil, StagePreflight,
			"preflight/0 response fail, preflight/0 redirect skip, preflight/0 Access-Control-Allow-Origin skip, preflight/0 status skip, preflight/0 Access-Control-Allow-Methods skip, actual/0 Access-Control-Allow-Origin skip"},
		{"actual request refused", Request{Origin: appOrigin, URL: apiURL, Method: "PUT"}, resp(204, "Access-Control-Allow-Origin: *", "Access-Control-Allow-Methods: PUT"), StageActual,
			"preflight/0 redirect pass, preflight/0 Access-Control-Allow-Origin pass, preflight/0 status pass, preflight/0 Access-Control-Allow-Methods pass, actual/0 response fail, actual/0 Access-Control-Allow-Origin skip"},
	} {
		t.Run(tt.desc, func(t *testing.T) {
			var f Fetch
			f.Start(&tt.req)
			if tt.pf != nil {
				f.ReceivePreflight(tt.pf)
			}
			r := f.Result()
			r.Allowed, r.Incomplete, r.Stage, r.NetError = false, "", tt.stage, "net::ERR_CONNECTION_REFUSED"
			if err := narrationAgrees(&r); err != nil {
				t.Fatalf("%v\n%s", err, names(r.Checks()))
			}
			cs := r.Checks()
			if got := names(cs); got != tt.want {
				t.Errorf("checks\n got  %s\n want %s", got, tt.want)
			}
			for _, c := range cs {
				if c.State == CheckFail && !strings.Contains(c.Reason, "net::ERR_CONNECTION_REFUSED") {
					t.Errorf("the failed check says %q", c.Reason)
				}
			}
		})
	}
}
