// Package corstest asserts, in Go unit tests, what a browser does with a
// cross-origin request to your server: give it your http.Handler (or the
// URL of an httptest.Server), the page's origin and the request the page
// makes, and it sends the OPTIONS preflight and the actual request exactly
// as Chromium would (the same engine and request sequence as corsdoctor
// check: Access-Control-Request-* values, Sec-Fetch-* headers, redirects
// followed as fetch() follows them), evaluates every response with
// corsdoctor's Chromium-faithful engine, and fails the test with
// corsdoctor's diagnosis when the verdict is not the one expected: the
// CorsError DevTools shows, the console line character for character, the
// cause and the fix.
//
//	func TestCORS(t *testing.T) {
//		h := newRouter() // your handler, CORS middleware included
//		corstest.Allowed(t, h, corstest.Request{
//			Origin:  "https://app.example.com",
//			Method:  "PUT",
//			URL:     "/items/1",
//			Headers: http.Header{"Content-Type": {"application/json"}},
//		})
//		corstest.Blocked(t, h, corstest.Request{Origin: "https://evil.example", URL: "/items/1"})
//	}
//
// A handler is called in-process: no network, no listener. The package
// depends on the standard library and corsdoctor's engine and rules only.
//
// See https://github.com/corsdoctor/corsdoctor/blob/main/docs/corstest.md
// for the failure message and the middleware pitfalls it catches.
package corstest

import (
	"context"
	"crypto/tls"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/corsdoctor/corsdoctor/collect/probe"
	"github.com/corsdoctor/corsdoctor/cors"
	"github.com/corsdoctor/corsdoctor/diag"
	"github.com/corsdoctor/corsdoctor/evidence"
	"github.com/corsdoctor/corsdoctor/rules"
)

// DefaultBase is the scheme and host given to a Request URL that is a path
// ("/items") when the target is an http.Handler.
const DefaultBase = "https://api.example.test"

// Request is the request a page at Origin makes.
type Request struct {
	// Origin is the page's origin, e.g. "https://app.example.com", or
	// "null" (required).
	Origin string
	// URL is the URL passed to fetch(): absolute, or a path resolved
	// against the target's URL (DefaultBase for a handler). Default "/".
	URL string
	// Method as the page writes it; "patch" stays "patch" (only DELETE,
	// GET, HEAD, OPTIONS, POST and PUT are upper-cased). Default GET.
	Method string
	// Headers the page sets. Forbidden headers (Cookie, Origin, ...) are
	// dropped as the browser drops them; use Cookie for cookies.
	Headers http.Header
	// Body is the request body, sent as a string body.
	Body string
	// Credentials is the fetch credentials mode; default same-origin.
	// cors.CredentialsInclude is fetch's credentials: 'include' and
	// XMLHttpRequest's withCredentials = true.
	Credentials cors.Credentials
	// Cookie is the cookie the browser holds for the API; it is sent with
	// credentialed actual requests only, never with a preflight.
	Cookie string
	// Mode is the request mode; default cors.
	Mode cors.Mode
	// Initiator is fetch (default) or XMLHttpRequest; it changes the
	// console text.
	Initiator cors.Initiator
	// Expose lists response headers the page's JavaScript reads: Allowed
	// also fails when one of them is not readable.
	Expose []string
	// Platform selects the fixes in failure messages; default "go" (see
	// corsdoctor's docs/rules.md for the others).
	Platform string
}

// Result is what the browser did with the request.
type Result struct {
	// Result is the engine's verdict: Allowed, Error (Chromium's
	// CorsError), FailedParameter, Stage, Plan, console text.
	cors.Result
	// Exchange holds the request and every response, preflight included.
	Exchange *evidence.Exchange
	// Findings is corsdoctor's diagnosis, most likely cause first.
	Findings []diag.Finding
	// Readable tells, for every response header and Expose name, whether
	// the page's JavaScript can read it.
	Readable map[string]bool
	// Err is set when the request could not be made (no response).
	Err string
	// Rejected says what the server's CORS configuration rejects when the
	// preflight failed, found by resending the preflight with one element
	// at a time: "method PUT", "header authorization". Empty when every
	// variant fails alike (routing, authentication, the origin).
	Rejected []string
}

// Do performs the request against target and returns what the browser
// did, without asserting anything. target is an http.Handler (called
// in-process), an *httptest.Server (its client, TLS included) or a base
// URL string such as server.URL.
func Do(target any, req Request) (*Result, error) {
	base, rt, err := transport(target)
	if err != nil {
		return nil, err
	}
	creq, err := req.engineRequest(base)
	if err != nil {
		return nil, err
	}
	p := probe.New(probe.Options{Transport: rt, NoExtra: true, Repeat: -1, Cookie: req.Cookie, Timeout: 30 * time.Second})
	defer p.Close()
	var body []byte
	if req.Body != "" {
		body = []byte(req.Body)
	}
	run := p.Probe(context.Background(), creq, body)
	ex := run.Exchange
	ex.Expose = req.Expose
	ex.Platform = req.Platform
	if ex.Platform == "" {
		ex.Platform = string(diag.GoPlatform)
	}
	res := &Result{Result: ex.Result, Exchange: ex, Err: ex.Err}
	if ex.Err == "" {
		res.Findings = diag.Run(rules.All(), &diag.Input{Exchanges: []*evidence.Exchange{ex}})
		if last := lastResponse(ex); last != nil {
			res.Readable = cors.ReadableHeaders(&ex.Result, last.Header, req.Expose)
		}
		if !res.Allowed && res.Stage == cors.StagePreflight && ex.Preflight() != nil {
			res.Rejected = pinpoint(rt, creq)
		}
	}
	return res, nil
}

// Allowed fails the test unless the browser lets the page read the
// response (and every Expose header), and returns the result.
func Allowed(t testing.TB, target any, req Request) *Result {
	t.Helper()
	res, err := Do(target, req)
	if err != nil {
		t.Fatalf("corstest: %v", err)
		return nil
	}
	if msg := res.notAllowed(); msg != "" {
		t.Error(res.Message("allowed", msg))
	}
	return res
}

// Blocked fails the test unless the browser blocks the response, and
// returns the result; with want, the CorsError must also be one of them
// (cors.ErrorName values such as cors.AllowOriginMismatch).
func Blocked(t testing.TB, target any, req Request, want ...cors.ErrorName) *Result {
	t.Helper()
	res, err := Do(target, req)
	if err != nil {
		t.Fatalf("corstest: %v", err)
		return nil
	}
	if msg := res.notBlocked(want); msg != "" {
		t.Error(res.Message("blocked", msg))
	}
	return res
}

// Case is one row of a table run by Run.
type Case struct {
	// Name names the subtest; default "METHOD URL from ORIGIN".
	Name string
	Request
	// Allowed is the expected verdict.
	Allowed bool
	// Error, when set on a blocked case, is the expected CorsError.
	Error cors.ErrorName
}

// Run runs each case as a subtest of t with Allowed or Blocked.
func Run(t *testing.T, target any, cases []Case) {
	t.Helper()
	for _, c := range cases {
		name := c.Name
		if name == "" {
			m := c.Method
			if m == "" {
				m = "GET"
			}
			u := c.URL
			if u == "" {
				u = "/"
			}
			name = m + " " + u + " from " + c.Origin
		}
		t.Run(name, func(t *testing.T) {
			t.Helper()
			if c.Allowed {
				Allowed(t, target, c.Request)
				return
			}
			var want []cors.ErrorName
			if c.Error != "" {
				want = append(want, c.Error)
			}
			Blocked(t, target, c.Request, want...)
		})
	}
}

func (r *Result) notAllowed() string {
	switch {
	case r.Err != "":
		return "the request failed: " + quoteText(r.Err)
	case r.Incomplete != "":
		return "the verdict is incomplete: " + r.Incomplete
	case !r.Allowed:
		return "Chromium blocks it"
	}
	var unreadable []string
	for _, name := range r.Exchange.Expose {
		if !r.Readable[strings.ToLower(name)] {
			unreadable = append(unreadable, name)
		}
	}
	if len(unreadable) > 0 {
		return "the page's JavaScript cannot read " + strings.Join(unreadable, ", ") + " (not safelisted, not in Access-Control-Expose-Headers)"
	}
	return ""
}

func (r *Result) notBlocked(want []cors.ErrorName) string {
	switch {
	case r.Err != "":
		return "the request failed: " + quoteText(r.Err)
	case r.Allowed:
		return "Chromium allows it"
	case r.Incomplete != "":
		return "the verdict is incomplete: " + r.Incomplete
	}
	if len(want) == 0 {
		return ""
	}
	for _, w := range want {
		if r.Error == w {
			return ""
		}
	}
	names := make([]string, len(want))
	for i, w := range want {
		names[i] = string(w)
	}
	return fmt.Sprintf("blocked with %s, want %s", r.Error, strings.Join(names, " or "))
}

// Message is the failure message for an expectation ("allowed" or
// "blocked") the result does not meet: the request, the verdict,
// Chromium's CorsError and console line, the responses' CORS headers, and
// corsdoctor's cause and fix.
func (r *Result) Message(want, why string) string {
	var b strings.Builder
	ex := r.Exchange
	req := ex.Request
	fmt.Fprintf(&b, "corstest: %s %s from origin %s (credentials %s): want %s, but %s\n",
		cors.NormalizeMethod(req.Method), req.URL, req.Origin, credentialsOf(req), want, why)
	if r.Error != "" {
		fmt.Fprintf(&b, "  CorsError: %s", r.Error)
		if r.FailedParameter != "" {
			fmt.Fprintf(&b, " (failed parameter %s)", quote(r.FailedParameter))
		}
		b.WriteString("\n")
	}
	if c := r.ConsoleMessage(); c != "" && !r.Allowed {
		fmt.Fprintf(&b, "  console: %s\n", quoteText(c))
	}
	plan := r.Plan
	if plan.Required {
		fmt.Fprintf(&b, "  preflight: OPTIONS %s\n", req.URL)
		fmt.Fprintf(&b, "    Access-Control-Request-Method: %s\n", plan.Method)
		if plan.RequestHeaders != "" {
			fmt.Fprintf(&b, "    Access-Control-Request-Headers: %s\n", plan.RequestHeaders)
		}
		if pf := ex.Preflight(); pf != nil {
			writeResponse(&b, pf)
		} else {
			b.WriteString("    (not sent)\n")
		}
	} else {
		b.WriteString("  preflight: not required (simple request)\n")
	}
	if last := lastResponse(ex); last != nil {
		fmt.Fprintf(&b, "  actual request: %s %s\n", cors.NormalizeMethod(req.Method), last.URL)
		writeResponse(&b, last)
	} else if !r.Allowed && r.Stage != "" && r.Err == "" {
		fmt.Fprintf(&b, "  actual request: not sent (the browser stopped at the %s)\n", r.Stage)
	}
	specific := len(r.Rejected) > 0
	if specific {
		fmt.Fprintf(&b, "  the server's CORS configuration rejects: %s\n", quoteText(strings.Join(r.Rejected, ", ")))
		b.WriteString("    (a preflight asking for it alone fails while other preflights pass)\n")
		b.WriteString("    fix: allow it in the CORS middleware: rs/cors and go-chi/cors Options.AllowedMethods / AllowedHeaders, gorilla handlers.AllowedMethods / handlers.AllowedHeaders, jub0bs/cors Config.Methods / RequestHeaders; methods are compared as the page writes them (\"patch\" is not \"PATCH\")\n")
	}
	shown := 0
	for _, f := range r.Findings {
		if shown == 3 || f.Severity < diag.Warning {
			continue
		}
		if specific && (f.RuleID == "CD1002" || f.RuleID == "CD1003") {
			// Routing and authentication reject every preflight; the
			// variants above show this one is rejected for what it asks.
			continue
		}
		shown++
		fmt.Fprintf(&b, "  cause: %s %s: %s\n", f.RuleID, f.Name, quoteText(f.Title))
		if f.Detail != "" {
			fmt.Fprintf(&b, "    %s\n", quoteText(f.Detail))
		}
		if f.Fix != "" {
			label := "fix"
			if f.Platform != "" {
				label += " (" + string(f.Platform) + ")"
			}
			lines := strings.Split(f.Fix, "\n")
			for i, l := range lines {
				lines[i] = quoteText(l)
			}
			fmt.Fprintf(&b, "    %s: %s\n", label, strings.Join(lines, "\n      "))
		}
	}
	if shown == 0 && r.Error != "" && !specific {
		e := r.Explanation()
		if e.Cause != "" {
			fmt.Fprintf(&b, "  cause: %s\n", e.Cause)
		}
		if e.Fix != "" {
			fmt.Fprintf(&b, "    fix: %s\n", e.Fix)
		}
	}
	return strings.TrimRight(b.String(), "\n")
}

func credentialsOf(req cors.Request) cors.Credentials {
	if req.Credentials == "" {
		return cors.CredentialsSameOrigin
	}
	return req.Credentials
}

// writeResponse prints a response's status and CORS headers.
func writeResponse(b *strings.Builder, r *evidence.Response) {
	fmt.Fprintf(b, "    -> %s\n", quoteText(r.StatusLine()))
	var names []string
	for k := range r.Header {
		if cors.IsCORSHeader(k) || k == "Vary" || k == "Location" {
			names = append(names, k)
		}
	}
	sort.Strings(names)
	if len(names) == 0 {
		b.WriteString("       (no Access-Control-* headers)\n")
	}
	for _, k := range names {
		for _, v := range r.Header[k] {
			fmt.Fprintf(b, "       %s: %s\n", k, quoteText(v))
		}
	}
}

// quoteText escapes control characters a handler may have put in a
// header, so the test log stays one line per header.
func quoteText(s string) string {
	if strings.IndexFunc(s, func(r rune) bool { return r < 0x20 || r == 0x7f }) < 0 {
		return s
	}
	q := fmt.Sprintf("%q", s)
	return q[1 : len(q)-1]
}

func quote(s string) string { return `"` + quoteText(s) + `"` }

func lastResponse(ex *evidence.Exchange) *evidence.Response {
	for i := len(ex.Hops) - 1; i >= 0; i-- {
		if ex.Hops[i].Response != nil {
			return ex.Hops[i].Response
		}
	}
	return nil
}

// engineRequest validates req and builds the engine's request.
func (req Request) engineRequest(base string) (cors.Request, error) {
	if req.Origin == "" {
		return cors.Request{}, fmt.Errorf("Request.Origin is empty: give the page's origin, e.g. https://app.example.com")
	}
	origin, err := cors.ParseOrigin(req.Origin)
	if err != nil {
		return cors.Request{}, fmt.Errorf("Request.Origin: %v", err)
	}
	u := req.URL
	if u == "" {
		u = "/"
	}
	if strings.HasPrefix(u, "/") {
		u = strings.TrimSuffix(base, "/") + u
	}
	if !strings.HasPrefix(u, "http://") && !strings.HasPrefix(u, "https://") {
		return cors.Request{}, fmt.Errorf("Request.URL %q: want a path (/items) or an http(s) URL", u)
	}
	m := req.Method
	if m == "" {
		m = http.MethodGet
	}
	out := cors.Request{Origin: origin, URL: u, Method: m, Credentials: req.Credentials, Mode: req.Mode, Initiator: req.Initiator, Body: cors.BodyNone}
	if req.Body != "" {
		out.Body = cors.BodySimple
	}
	names := make([]string, 0, len(req.Headers))
	for k := range req.Headers {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		if !cors.IsToken(k) {
			return cors.Request{}, fmt.Errorf("Request.Headers: invalid header name %q", k)
		}
		for _, v := range req.Headers[k] {
			out.Headers = append(out.Headers, cors.Header{Name: k, Value: v})
		}
	}
	if req.Cookie != "" && credentialsOf(out) != cors.CredentialsInclude {
		return cors.Request{}, fmt.Errorf("Request.Cookie is set but Credentials is not cors.CredentialsInclude: the browser would not send it")
	}
	return out, nil
}

// transport returns the base URL and round tripper for a target.
func transport(target any) (string, http.RoundTripper, error) {
	switch t := target.(type) {
	case *httptest.Server:
		return t.URL, t.Client().Transport, nil
	case http.Handler:
		return DefaultBase, handlerTransport{t}, nil
	case string:
		if !strings.HasPrefix(t, "http://") && !strings.HasPrefix(t, "https://") {
			return "", nil, fmt.Errorf("target %q: want an http(s) URL, an *httptest.Server or an http.Handler", t)
		}
		return t, nil, nil
	case nil:
		return "", nil, fmt.Errorf("target is nil: want an http.Handler, an *httptest.Server or a URL")
	}
	return "", nil, fmt.Errorf("target of type %T: want an http.Handler, an *httptest.Server or a URL", target)
}

// tlsState marks in-process https requests as TLS for handlers that
// check r.TLS.
var tlsState = &tls.ConnectionState{Version: tls.VersionTLS13, HandshakeComplete: true}

// handlerTransport serves requests with a handler, in-process.
type handlerTransport struct{ h http.Handler }

func (t handlerTransport) RoundTrip(r *http.Request) (resp *http.Response, err error) {
	sr := r.Clone(r.Context())
	sr.RequestURI = r.URL.RequestURI()
	sr.RemoteAddr = "192.0.2.1:51234"
	if sr.Host == "" {
		sr.Host = r.URL.Host
	}
	if sr.Body == nil {
		sr.Body = http.NoBody
	}
	if r.URL.Scheme == "https" {
		sr.TLS = tlsState
	}
	rec := httptest.NewRecorder()
	defer func() {
		if v := recover(); v != nil {
			if v == http.ErrAbortHandler {
				resp, err = nil, fmt.Errorf("the handler aborted the response")
				return
			}
			// probe keeps the last ": "-separated part of an error.
			resp, err = nil, fmt.Errorf("the handler panicked (%s)", strings.ReplaceAll(fmt.Sprint(v), ": ", " - "))
		}
	}()
	t.h.ServeHTTP(rec, sr)
	res := rec.Result()
	res.Request = r
	return res, nil
}
