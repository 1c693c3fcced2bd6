package corstest_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"testing"

	chicors "github.com/go-chi/cors"
	"github.com/gorilla/handlers"
	jub0bs "github.com/jub0bs/cors"
	rscors "github.com/rs/cors"

	"github.com/corsdoctor/corsdoctor/cors"
	"github.com/corsdoctor/corsdoctor/corstest"
	"github.com/corsdoctor/corsdoctor/internal/golden"
)

const app = "https://app.example.com"

// api is the application behind the CORS middleware: it answers every
// method with JSON and an X-Request-Id the page may want to read.
var api = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("X-Request-Id", "r-1")
	fmt.Fprint(w, `{"ok":true}`)
})

// fakeT records what a failing assertion reports, so the tests can check
// that corstest fails when it must (a real *testing.T would fail this
// test instead).
type fakeT struct {
	testing.TB
	mu     sync.Mutex
	errors []string
	fatal  bool
}

func (f *fakeT) Helper() {}
func (f *fakeT) Error(a ...any) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.errors = append(f.errors, fmt.Sprint(a...))
}
func (f *fakeT) Errorf(format string, a ...any) { f.Error(fmt.Sprintf(format, a...)) }
func (f *fakeT) Fatalf(format string, a ...any) {
	f.Error(fmt.Sprintf(format, a...))
	f.fatal = true
}
func (f *fakeT) failed() string { return strings.Join(f.errors, "\n") }

func mustJub0bs(t *testing.T, cfg jub0bs.Config) http.Handler {
	t.Helper()
	mw, err := jub0bs.NewMiddleware(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return mw.Wrap(api)
}

// auth is an authentication middleware that rejects requests without an
// Authorization header, preflights included.
func auth(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") == "" {
			http.Error(w, "unauthorized", http.StatusUnauthorized)
			return
		}
		next.ServeHTTP(w, r)
	})
}

var putJSON = corstest.Request{Origin: app, Method: "PUT", URL: "/items/1",
	Headers: http.Header{"Content-Type": {"application/json"}, "Authorization": {"Bearer t0ken"}}, Body: `{"a":1}`}

// TestMiddlewares runs corstest against the CORS middlewares Go users
// have, correctly configured and with their known pitfalls, and checks
// the verdict Chromium would reach, the CorsError and corsdoctor's cause.
// Each pitfall names the middleware behaviour it comes from (source read
// at the version in go.mod).
func TestMiddlewares(t *testing.T) {
	t.Parallel()
	type tc struct {
		desc    string
		h       http.Handler
		req     corstest.Request
		allowed bool
		err     cors.ErrorName
		cause   string // a rule ID the message must name
	}
	// What pinpoint must find the configuration rejects.
	rejected := map[string]string{
		"rs/cors Default allows GET, POST, HEAD only (allowedMethods default): PUT fails":                                                            "method PUT",
		"rs/cors Default allows Accept, Content-Type, X-Requested-With only: Authorization fails":                                                    "header authorization",
		"gorilla CORS() allows Accept, Accept-Language, Content-Language, Origin only (defaultCorsHeaders): Content-Type: application/json gets 403": "header content-type",
		"gorilla CORS() allows GET, HEAD, POST only: PUT gets 405":                                                                                   "method PUT",
		"go-chi upper-cases Access-Control-Allow-Methods: fetch with method 'patch' fails":                                                           "method patch (PATCH is allowed: methods are case-sensitive)",
		"go-chi default headers are Origin, Accept, Content-Type: Authorization fails":                                                               "header authorization",
		"jub0bs without Authorization in RequestHeaders":                                                                                             "header authorization",
		"jub0bs methods are case-sensitive, as in Fetch: PATCH does not allow 'patch'":                                                               "method patch (PATCH is allowed: methods are case-sensitive)",
	}
	with := func(r corstest.Request, f func(*corstest.Request)) corstest.Request { f(&r); return r }
	cases := []tc{
		// rs/cors v1.11.1
		{"rs/cors Default: simple GET from any origin", rscors.Default().Handler(api), corstest.Request{Origin: app, URL: "/items"}, true, "", ""},
		{"rs/cors Default allows GET, POST, HEAD only (allowedMethods default): PUT fails", rscors.Default().Handler(api),
			corstest.Request{Origin: app, Method: "PUT", URL: "/items/1"}, false, cors.PreflightMissingAllowOriginHeader, ""},
		{"rs/cors Default allows Accept, Content-Type, X-Requested-With only: Authorization fails", rscors.Default().Handler(api),
			with(putJSON, func(r *corstest.Request) { r.Method = "POST" }), false, cors.PreflightMissingAllowOriginHeader, ""},
		{"rs/cors AllowedOrigins * with AllowCredentials: Access-Control-Allow-Origin: * refused for credentials",
			rscors.New(rscors.Options{AllowedOrigins: []string{"*"}, AllowCredentials: true}).Handler(api),
			corstest.Request{Origin: app, URL: "/me", Credentials: cors.CredentialsInclude, Cookie: "sid=1"}, false, cors.WildcardOriginNotAllowed, "CD1006"},
		{"rs/cors allowed origin with a trailing slash never matches",
			rscors.New(rscors.Options{AllowedOrigins: []string{app + "/"}}).Handler(api),
			corstest.Request{Origin: app, URL: "/items"}, false, cors.MissingAllowOriginHeader, ""},
		{"rs/cors configured for the request", rscors.New(rscors.Options{AllowedOrigins: []string{app}, AllowedMethods: []string{"PUT"},
			AllowedHeaders: []string{"Authorization", "Content-Type"}, AllowCredentials: true, ExposedHeaders: []string{"X-Request-Id"}}).Handler(api),
			with(putJSON, func(r *corstest.Request) {
				r.Credentials, r.Cookie, r.Expose = cors.CredentialsInclude, "sid=1", []string{"X-Request-Id"}
			}), true, "", ""},
		{"rs/cors behind an auth middleware: the preflight carries no Authorization and gets 401",
			auth(rscors.New(rscors.Options{AllowedOrigins: []string{app}, AllowedMethods: []string{"PUT"}, AllowedHeaders: []string{"Authorization", "Content-Type"}}).Handler(api)),
			putJSON, false, cors.PreflightMissingAllowOriginHeader, "CD1003"},
		{"rs/cors in front of the auth middleware: allowed", rscors.New(rscors.Options{AllowedOrigins: []string{app}, AllowedMethods: []string{"PUT"},
			AllowedHeaders: []string{"Authorization", "Content-Type"}}).Handler(auth(api)), putJSON, true, "", ""},

		// gorilla/handlers v1.5.2
		{"gorilla CORS() allows Accept, Accept-Language, Content-Language, Origin only (defaultCorsHeaders): Content-Type: application/json gets 403",
			handlers.CORS()(api), corstest.Request{Origin: app, Method: "POST", URL: "/items", Headers: http.Header{"Content-Type": {"application/json"}}, Body: "{}"},
			false, cors.PreflightMissingAllowOriginHeader, ""},
		{"gorilla CORS() allows GET, HEAD, POST only: PUT gets 405", handlers.CORS(handlers.AllowedHeaders([]string{"Content-Type"}))(api),
			corstest.Request{Origin: app, Method: "PUT", URL: "/items/1"}, false, cors.PreflightMissingAllowOriginHeader, ""},
		{"gorilla AllowCredentials without AllowedOrigins answers *", handlers.CORS(handlers.AllowCredentials())(api),
			corstest.Request{Origin: app, URL: "/me", Credentials: cors.CredentialsInclude}, false, cors.WildcardOriginNotAllowed, "CD1006"},
		{"gorilla configured for the request", handlers.CORS(handlers.AllowedOrigins([]string{app}), handlers.AllowedMethods([]string{"PUT"}),
			handlers.AllowedHeaders([]string{"Content-Type", "Authorization"}))(api), putJSON, true, "", ""},

		// go-chi/cors v1.2.2
		{"go-chi upper-cases Access-Control-Allow-Methods: fetch with method 'patch' fails",
			chicors.Handler(chicors.Options{AllowedOrigins: []string{app}, AllowedMethods: []string{"PATCH"}})(api),
			corstest.Request{Origin: app, Method: "patch", URL: "/items/1"}, false, cors.MethodDisallowedByPreflightResponse, "CD1008"},
		{"go-chi with method 'PATCH' as written", chicors.Handler(chicors.Options{AllowedOrigins: []string{app}, AllowedMethods: []string{"PATCH"}})(api),
			corstest.Request{Origin: app, Method: "PATCH", URL: "/items/1"}, true, "", ""},
		{"go-chi default headers are Origin, Accept, Content-Type: Authorization fails",
			chicors.Handler(chicors.Options{AllowedOrigins: []string{app}, AllowedMethods: []string{"PUT"}})(api), putJSON, false, cors.PreflightMissingAllowOriginHeader, ""},
		{"go-chi wildcard subdomain pattern matches a subdomain", chicors.Handler(chicors.Options{AllowedOrigins: []string{"https://*.example.com"}})(api),
			corstest.Request{Origin: app, URL: "/items"}, true, "", ""},
		{"go-chi wildcard subdomain pattern does not match another site", chicors.Handler(chicors.Options{AllowedOrigins: []string{"https://*.example.com"}})(api),
			corstest.Request{Origin: "https://example.com.evil.test", URL: "/items"}, false, cors.MissingAllowOriginHeader, ""},

		// jub0bs/cors v0.14.0
		{"jub0bs configured for the request", mustJub0bs(t, jub0bs.Config{Origins: []string{app}, Methods: []string{"PUT"}, RequestHeaders: []string{"Authorization", "Content-Type"},
			Credentialed: true, ResponseHeaders: []string{"X-Request-Id"}}),
			with(putJSON, func(r *corstest.Request) { r.Credentials, r.Expose = cors.CredentialsInclude, []string{"X-Request-Id"} }), true, "", ""},
		{"jub0bs without Authorization in RequestHeaders", mustJub0bs(t, jub0bs.Config{Origins: []string{app}, Methods: []string{"PUT"}, RequestHeaders: []string{"Content-Type"}}),
			putJSON, false, cors.PreflightMissingAllowOriginHeader, ""},
		{"jub0bs methods are case-sensitive, as in Fetch: PATCH does not allow 'patch'", mustJub0bs(t, jub0bs.Config{Origins: []string{app}, Methods: []string{"PATCH"}}),
			corstest.Request{Origin: app, Method: "patch", URL: "/items/1"}, false, cors.PreflightMissingAllowOriginHeader, ""},
	}
	for _, c := range cases {
		t.Run(c.desc, func(t *testing.T) {
			t.Parallel()
			ft := &fakeT{}
			var res *corstest.Result
			if c.allowed {
				res = corstest.Allowed(ft, c.h, c.req)
				if len(ft.errors) > 0 {
					t.Fatalf("Allowed failed:\n%s", ft.failed())
				}
				// The opposite assertion must fail, with the diagnosis.
				ft2 := &fakeT{}
				corstest.Blocked(ft2, c.h, c.req)
				if !strings.Contains(ft2.failed(), "want blocked, but Chromium allows it") {
					t.Errorf("Blocked on an allowed request reported %q", ft2.failed())
				}
				return
			}
			var want []cors.ErrorName
			if c.err != "" {
				want = append(want, c.err)
			}
			res = corstest.Blocked(ft, c.h, c.req, want...)
			if len(ft.errors) > 0 {
				t.Fatalf("Blocked failed:\n%s", ft.failed())
			}
			ft2 := &fakeT{}
			corstest.Allowed(ft2, c.h, c.req)
			msg := ft2.failed()
			for _, part := range []string{"want allowed, but Chromium blocks it", "CorsError: " + string(res.Error), "console: " + res.ConsoleMessage()} {
				if !strings.Contains(msg, part) {
					t.Errorf("failure message lacks %q:\n%s", part, msg)
				}
			}
			if c.cause != "" && !strings.Contains(msg, "cause: "+c.cause) {
				t.Errorf("failure message does not name %s:\n%s", c.cause, msg)
			}
			if !strings.Contains(msg, "fix") {
				t.Errorf("failure message has no fix:\n%s", msg)
			}
			if got := strings.Join(res.Rejected, ", "); got != rejected[c.desc] {
				t.Errorf("Rejected = %q, want %q", got, rejected[c.desc])
			}
			if rejected[c.desc] != "" && (strings.Contains(msg, "CD1002") || strings.Contains(msg, "CD1003")) {
				t.Errorf("the message keeps a routing/auth cause the variants disprove:\n%s", msg)
			}
		})
	}
}

// TestJub0bsRejectsInsecureConfig: jub0bs/cors refuses at construction
// what rs/cors and gorilla accept (AllowCredentials with *), so there is
// nothing for corstest to catch there.
func TestJub0bsRejectsInsecureConfig(t *testing.T) {
	t.Parallel()
	if _, err := jub0bs.NewMiddleware(jub0bs.Config{Origins: []string{"*"}, Credentialed: true}); err == nil {
		t.Fatal("jub0bs/cors accepted * with credentials")
	}
}

func TestExposeMissing(t *testing.T) {
	t.Parallel()
	h := mustJub0bs(t, jub0bs.Config{Origins: []string{app}})
	ft := &fakeT{}
	res := corstest.Allowed(ft, h, corstest.Request{Origin: app, URL: "/items", Expose: []string{"X-Request-Id", "Content-Type"}})
	if !strings.Contains(ft.failed(), "cannot read X-Request-Id (not safelisted, not in Access-Control-Expose-Headers)") {
		t.Errorf("message %q", ft.failed())
	}
	if !res.Allowed || res.Readable["x-request-id"] || !res.Readable["content-type"] {
		t.Errorf("allowed %v, readable %v", res.Allowed, res.Readable)
	}
}

func TestRunTable(t *testing.T) {
	t.Parallel()
	h := rscors.New(rscors.Options{AllowedOrigins: []string{app}, AllowedMethods: []string{"GET", "DELETE"}}).Handler(api)
	corstest.Run(t, h, []corstest.Case{
		{Request: corstest.Request{Origin: app, URL: "/items"}, Allowed: true},
		{Request: corstest.Request{Origin: app, Method: "DELETE", URL: "/items/1"}, Allowed: true},
		{Name: "other origin", Request: corstest.Request{Origin: "https://evil.example", URL: "/items"}, Error: cors.MissingAllowOriginHeader},
		{Name: "PUT not allowed", Request: corstest.Request{Origin: app, Method: "PUT", URL: "/items/1"}},
	})
}

func TestBlockedWrongError(t *testing.T) {
	t.Parallel()
	ft := &fakeT{}
	corstest.Blocked(ft, rscors.Default().Handler(api), corstest.Request{Origin: app, Method: "PUT"}, cors.AllowOriginMismatch)
	if !strings.Contains(ft.failed(), "blocked with PreflightMissingAllowOriginHeader, want AllowOriginMismatch") {
		t.Errorf("message %q", ft.failed())
	}
}

// TestTargets: a handler in-process, an httptest.Server (plain and TLS)
// and a URL string give the same verdict.
func TestTargets(t *testing.T) {
	t.Parallel()
	h := rscors.New(rscors.Options{AllowedOrigins: []string{app}, AllowedMethods: []string{"PUT"}, AllowedHeaders: []string{"Content-Type", "Authorization"}}).Handler(api)
	srv := httptest.NewServer(h)
	defer srv.Close()
	tls := httptest.NewTLSServer(h)
	defer tls.Close()
	for name, target := range map[string]any{"handler": h, "server": srv, "tls server": tls, "url": srv.URL} {
		res := corstest.Allowed(t, target, putJSON)
		if res == nil || !res.Plan.Required || res.Plan.RequestHeaders != "authorization,content-type" {
			t.Errorf("%s: %+v", name, res)
		}
	}
}

// TestWhatTheServerSees: the preflight carries what Chromium sends and no
// credentials; the cookie goes with the credentialed actual request only.
func TestWhatTheServerSees(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	var seen []string
	h := rscors.New(rscors.Options{AllowedOrigins: []string{app}, AllowedMethods: []string{"PUT"}, AllowedHeaders: []string{"Content-Type", "Authorization"}, AllowCredentials: true}).Handler(
		http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			mu.Lock()
			seen = append(seen, r.Method+" cookie="+r.Header.Get("Cookie")+" auth="+r.Header.Get("Authorization")+" tls="+fmt.Sprint(r.TLS != nil))
			mu.Unlock()
		}))
	spy := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodOptions {
			mu.Lock()
			seen = append(seen, "OPTIONS acrm="+r.Header.Get("Access-Control-Request-Method")+" acrh="+r.Header.Get("Access-Control-Request-Headers")+
				" origin="+r.Header.Get("Origin")+" cookie="+r.Header.Get("Cookie")+" mode="+r.Header.Get("Sec-Fetch-Mode"))
			mu.Unlock()
		}
		h.ServeHTTP(w, r)
	})
	req := putJSON
	req.Credentials, req.Cookie = cors.CredentialsInclude, "sid=abc"
	corstest.Allowed(t, spy, req)
	want := []string{"OPTIONS acrm=PUT acrh=authorization,content-type origin=" + app + " cookie= mode=cors", "PUT cookie=sid=abc auth=Bearer t0ken tls=true"}
	if strings.Join(seen, "\n") != strings.Join(want, "\n") {
		t.Errorf("server saw:\n%s\nwant:\n%s", strings.Join(seen, "\n"), strings.Join(want, "\n"))
	}
}

func TestRedirect(t *testing.T) {
	t.Parallel()
	mux := http.NewServeMux()
	mux.HandleFunc("/old", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/new", http.StatusTemporaryRedirect)
	})
	mux.Handle("/new", api)
	h := rscors.New(rscors.Options{AllowedOrigins: []string{app}}).Handler(mux)
	res := corstest.Allowed(t, h, corstest.Request{Origin: app, URL: "/old"})
	if len(res.Redirects) != 1 || res.Redirects[0] != corstest.DefaultBase+"/new" {
		t.Errorf("redirects %v", res.Redirects)
	}
}

func TestBadInput(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		target any
		req    corstest.Request
		want   string
	}{
		{api, corstest.Request{}, "Request.Origin is empty"},
		{api, corstest.Request{Origin: app + "/"}, "Request.Origin: "},
		{api, corstest.Request{Origin: app, URL: "ftp://x/"}, "want a path"},
		{api, corstest.Request{Origin: app, Headers: http.Header{"Bad Name": {"1"}}}, "invalid header name"},
		{api, corstest.Request{Origin: app, Cookie: "a=1"}, "Credentials is not cors.CredentialsInclude"},
		{nil, corstest.Request{Origin: app}, "target is nil"},
		{42, corstest.Request{Origin: app}, "target of type int"},
		{"example.com", corstest.Request{Origin: app}, "want an http(s) URL"},
	} {
		_, err := corstest.Do(c.target, c.req)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("Do(%v, %+v) error %v, want %q", c.target, c.req, err, c.want)
		}
		ft := &fakeT{}
		corstest.Allowed(ft, c.target, c.req)
		if !ft.fatal {
			t.Errorf("Allowed did not fail fatally on %q", c.want)
		}
	}
}

func TestHandlerPanics(t *testing.T) {
	t.Parallel()
	ft := &fakeT{}
	corstest.Allowed(ft, http.HandlerFunc(func(http.ResponseWriter, *http.Request) { panic("boom") }), corstest.Request{Origin: app})
	if !strings.Contains(ft.failed(), "the handler panicked (boom)") {
		t.Errorf("message %q", ft.failed())
	}
}

// TestMessageGolden pins the failure message docs/corstest.md shows, and
// checks that control characters from a handler are escaped.
func TestMessageGolden(t *testing.T) {
	t.Parallel()
	ft := &fakeT{}
	corstest.Allowed(ft, auth(rscors.New(rscors.Options{AllowedOrigins: []string{app}, AllowedMethods: []string{"PUT"}, AllowedHeaders: []string{"Authorization", "Content-Type"}}).Handler(api)), putJSON)
	golden.Check(t, "testdata/auth-before-cors.golden", []byte(ft.failed()+"\n"))

	ft = &fakeT{}
	corstest.Allowed(ft, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header()["Access-Control-Allow-Origin"] = []string{app + "\x1b[31m"}
	}), corstest.Request{Origin: app})
	if strings.Contains(ft.failed(), "\x1b") || !strings.Contains(ft.failed(), `\x1b[31m`) {
		t.Errorf("control characters not escaped:\n%s", ft.failed())
	}
}

// TestDocsShowTheMessage keeps the failure message docs/corstest.md
// shows equal to what corstest prints for that case.
func TestDocsShowTheMessage(t *testing.T) {
	t.Parallel()
	b, err := os.ReadFile("../docs/corstest.md")
	if err != nil {
		t.Fatal(err)
	}
	doc := string(b)
	const marker = "`ExampleResult_Message`, which runs in `go test`):\n\n```text\n"
	i := strings.Index(doc, marker)
	if i < 0 {
		t.Fatal("docs/corstest.md has no message block after the ExampleResult_Message line")
	}
	shown := doc[i+len(marker):]
	shown = shown[:strings.Index(shown, "```")]
	res, err := corstest.Do(newRouter(), corstest.Request{Origin: "https://app.example.com", Method: "PUT", URL: "/items/1",
		Headers: http.Header{"Content-Type": {"application/json"}, "Authorization": {"Bearer t0ken"}}})
	if err != nil {
		t.Fatal(err)
	}
	if got := res.Message("allowed", "Chromium blocks it") + "\n"; got != shown {
		t.Errorf("docs/corstest.md shows another message; update it to:\n%s", got)
	}
}
