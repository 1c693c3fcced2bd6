package probe

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/corsdoctor/corsdoctor/cors"
)

// corsServer answers preflights and actual requests with CORS headers and
// records every request.
type recorder struct {
	mu   sync.Mutex
	reqs []*http.Request
}

func (rc *recorder) handler(w http.ResponseWriter, r *http.Request) {
	rc.mu.Lock()
	rc.reqs = append(rc.reqs, r.Clone(context.Background()))
	rc.mu.Unlock()
	h := w.Header()
	if o := r.Header.Get("Origin"); o != "" {
		h.Set("Access-Control-Allow-Origin", o)
		h.Set("Vary", "Origin")
		h.Set("Access-Control-Allow-Credentials", "true")
	}
	if r.Method == http.MethodOptions {
		h.Set("Access-Control-Allow-Methods", "GET, PUT")
		h.Set("Access-Control-Allow-Headers", "content-type, authorization")
		h.Set("Access-Control-Max-Age", "7200")
		w.WriteHeader(204)
		return
	}
	fmt.Fprint(w, `{"ok":true}`)
}

func (rc *recorder) byMethod(m string) []*http.Request {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	var out []*http.Request
	for _, r := range rc.reqs {
		if r.Method == m {
			out = append(out, r)
		}
	}
	return out
}

func putJSON(url string) cors.Request {
	return cors.Request{
		Origin: "http://localhost:5173", URL: url, Method: "PUT", Body: cors.BodySimple,
		Credentials: cors.CredentialsInclude,
		Headers:     []cors.Header{{Name: "Content-Type", Value: "application/json"}, {Name: "Authorization", Value: "Bearer secret-token-123456"}},
	}
}

func TestPreflightAsChromium(t *testing.T) {
	t.Parallel()
	rc := &recorder{}
	srv := httptest.NewServer(http.HandlerFunc(rc.handler))
	defer srv.Close()
	p := New(Options{Cookie: "session=abc", NoExtra: true})
	defer p.Close()
	res := p.Probe(context.Background(), putJSON(srv.URL+"/items"), []byte(`{"a":1}`))
	if res.Exchange.Err != "" || !res.Exchange.Result.Allowed {
		t.Fatalf("want allowed, got err=%q result=%+v", res.Exchange.Err, res.Exchange.Result)
	}
	pre := rc.byMethod("OPTIONS")
	if len(pre) != 1 {
		t.Fatalf("want 1 preflight, got %d", len(pre))
	}
	for _, tc := range []struct{ desc, name, want string }{
		{"origin", "Origin", "http://localhost:5173"},
		{"method", "Access-Control-Request-Method", "PUT"},
		{"headers sorted lower-case", "Access-Control-Request-Headers", "authorization,content-type"},
		{"accept", "Accept", "*/*"},
		{"fetch mode", "Sec-Fetch-Mode", "cors"},
		{"fetch dest", "Sec-Fetch-Dest", "empty"},
		{"fetch site", "Sec-Fetch-Site", "cross-site"},
		{"no cookie", "Cookie", ""},
		{"no authorization", "Authorization", ""},
		{"no content-type", "Content-Type", ""},
	} {
		if got := pre[0].Header.Get(tc.name); got != tc.want {
			t.Errorf("preflight %s: %s = %q, want %q", tc.desc, tc.name, got, tc.want)
		}
	}
	if ua := pre[0].Header.Get("User-Agent"); !strings.Contains(ua, "Chrome/") {
		t.Errorf("preflight User-Agent %q is not Chrome's", ua)
	}
	act := rc.byMethod("PUT")
	if len(act) != 1 {
		t.Fatalf("want 1 actual request, got %d", len(act))
	}
	for name, want := range map[string]string{
		"Authorization": "Bearer secret-token-123456", "Cookie": "session=abc",
		"Content-Type": "application/json", "Origin": "http://localhost:5173",
	} {
		if got := act[0].Header.Get(name); got != want {
			t.Errorf("actual %s = %q, want %q", name, got, want)
		}
	}
}

func TestConnectionReused(t *testing.T) {
	t.Parallel()
	var conns atomic.Int32
	rc := &recorder{}
	srv := httptest.NewUnstartedServer(http.HandlerFunc(rc.handler))
	srv.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			conns.Add(1)
		}
	}
	srv.Start()
	defer srv.Close()
	p := New(Options{Repeat: 3})
	defer p.Close()
	res := p.Probe(context.Background(), putJSON(srv.URL+"/items"), []byte(`{}`))
	if res.Exchange.Err != "" {
		t.Fatal(res.Exchange.Err)
	}
	// preflight + actual, error-path (2), no-auth (2), 3 repeats (6).
	if n := len(res.Sent); n != 12 {
		t.Errorf("sent %d requests, want 12", n)
	}
	if n := conns.Load(); n != 1 {
		t.Errorf("%d TCP connections for preflight, actual, probes and repeats; want 1", n)
	}
}

func TestRedirectsFollowedByTheEngine(t *testing.T) {
	t.Parallel()
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		w.Header().Set("Access-Control-Allow-Origin", "*")
		if r.URL.Path == "/old" {
			http.Redirect(w, r, "/new", http.StatusTemporaryRedirect)
			return
		}
		fmt.Fprint(w, "ok")
	}))
	defer srv.Close()
	p := New(Options{NoExtra: true})
	res := p.Probe(context.Background(), cors.Request{Origin: "https://app.example.com", URL: srv.URL + "/old", Method: "GET"}, nil)
	ex := res.Exchange
	if !ex.Result.Allowed || len(ex.Hops) != 2 || len(ex.Result.Redirects) != 1 {
		t.Fatalf("want 2 hops and an allowed result, got %d hops, %+v", len(ex.Hops), ex.Result)
	}
	if ex.Hops[0].Response.Status != 307 {
		t.Errorf("first hop status %d, want 307 (the client must not follow redirects itself)", ex.Hops[0].Response.Status)
	}
}

func TestPreflightRedirectNotFollowed(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, r.URL.Path+"/", http.StatusMovedPermanently)
	}))
	defer srv.Close()
	p := New(Options{NoExtra: true})
	res := p.Probe(context.Background(), putJSON(srv.URL+"/items"), []byte(`{}`))
	if got := res.Exchange.Result.Error; got != cors.PreflightDisallowedRedirect {
		t.Fatalf("error %q, want %q", got, cors.PreflightDisallowedRedirect)
	}
	if len(res.Sent) != 1 {
		t.Errorf("sent %d requests after a redirected preflight, want 1", len(res.Sent))
	}
}

func TestBodyLimit(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Access-Control-Allow-Origin", "*")
		_, _ = w.Write(make([]byte, 1<<20))
	}))
	defer srv.Close()
	res := New(Options{NoExtra: true}).Probe(context.Background(), cors.Request{Origin: "https://app.example.com", URL: srv.URL, Method: "GET"}, nil)
	if n := len(res.Exchange.Final().Body); n != MaxBody {
		t.Errorf("read %d body bytes, want %d", n, MaxBody)
	}
}

func TestForceActual(t *testing.T) {
	t.Parallel()
	var puts atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodOptions {
			w.WriteHeader(http.StatusMethodNotAllowed)
			return
		}
		puts.Add(1)
		w.WriteHeader(500)
	}))
	defer srv.Close()
	for _, tc := range []struct {
		desc  string
		force bool
		want  int32
	}{{"without --force-actual", false, 0}, {"with --force-actual", true, 1}} {
		puts.Store(0)
		res := New(Options{ForceActual: tc.force, NoExtra: !tc.force}).Probe(context.Background(), putJSON(srv.URL+"/x"), []byte(`{}`))
		if got := puts.Load(); got != tc.want {
			t.Errorf("%s: %d actual requests, want %d", tc.desc, got, tc.want)
		}
		if tc.force {
			found := false
			for _, pr := range res.Exchange.Probes {
				if pr.Purpose == "force-actual" && pr.Hops[0].Response.Status == 500 {
					found = true
				}
			}
			if !found {
				t.Errorf("%s: no force-actual probe with the 500", tc.desc)
			}
		}
	}
}

func TestNetworkErrors(t *testing.T) {
	t.Parallel()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	refused := "http://" + ln.Addr().String() + "/items"
	ln.Close()
	tlsSrv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Access-Control-Allow-Origin", "*")
	}))
	tlsSrv.Config.ErrorLog = log.New(io.Discard, "", 0)
	tlsSrv.StartTLS()
	defer tlsSrv.Close()
	for _, tc := range []struct {
		desc     string
		url      string
		insecure bool
		code     string
		msg      string
	}{
		{"refused port", refused, false, "net::ERR_CONNECTION_REFUSED", "connection refused"},
		{"self-signed certificate", tlsSrv.URL, false, "net::ERR_CERT_AUTHORITY_INVALID", "--insecure"},
		{"self-signed with --insecure", tlsSrv.URL, true, "", ""},
	} {
		t.Run(tc.desc, func(t *testing.T) {
			res := New(Options{Insecure: tc.insecure, Timeout: 2 * time.Second}).Probe(context.Background(),
				cors.Request{Origin: "https://app.example.com", URL: tc.url, Method: "GET"}, nil)
			ex := res.Exchange
			if tc.code == "" {
				if ex.Err != "" || !ex.Result.Allowed {
					t.Fatalf("want allowed, got %q", ex.Err)
				}
				return
			}
			if ex.Result.NetError != tc.code || !strings.Contains(ex.Err, tc.msg) {
				t.Errorf("got %s %q, want %s containing %q", ex.Result.NetError, ex.Err, tc.code, tc.msg)
			}
			if ex.Result.Allowed || ex.Result.Incomplete != "" {
				t.Errorf("a network error must be a final, not allowed result: %+v", ex.Result)
			}
			if len(ex.Probes) != 0 {
				t.Errorf("no probes after a network error, got %d", len(ex.Probes))
			}
		})
	}
}

func TestDescribeError(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		desc string
		err  error
		kind string
	}{
		{"dns", &net.DNSError{Err: "no such host", Name: "api.example.invalid", IsNotFound: true}, "dns"},
		{"reset", &net.OpError{Op: "read", Err: syscall.ECONNRESET}, "reset"},
		{"timeout", context.DeadlineExceeded, "timeout"},
		{"other", errors.New("boom"), "other"},
	} {
		if got := DescribeError(tc.err, time.Second); got.Kind != tc.kind || got.Message == "" || !strings.HasPrefix(got.Code, "net::") {
			t.Errorf("%s: got %+v, want kind %s", tc.desc, got, tc.kind)
		}
	}
}

func TestHTTP2WhenOffered(t *testing.T) {
	t.Parallel()
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Access-Control-Allow-Origin", "*")
	}))
	srv.EnableHTTP2 = true
	srv.StartTLS()
	defer srv.Close()
	res := New(Options{Insecure: true, NoExtra: true}).Probe(context.Background(), cors.Request{Origin: "https://app.example.com", URL: srv.URL, Method: "GET"}, nil)
	if res.Exchange.Err != "" {
		t.Fatal(res.Exchange.Err)
	}
	if got := res.Exchange.Final().Proto; got != "HTTP/2" {
		t.Errorf("proto %q, want HTTP/2", got)
	}
}

func TestCurlRedaction(t *testing.T) {
	t.Parallel()
	s := Sent{Method: "PUT", URL: "https://api.example.com/items", Body: []byte(`{"token":"x"}`), Header: http.Header{
		"Authorization": {"Bearer secret-token-123456"}, "Cookie": {"session=abc"}, "X-Api-Key": {"k-123"}, "Origin": {"https://app.example.com"},
	}}
	for _, tc := range []struct {
		desc   string
		show   bool
		want   []string
		absent []string
	}{
		{"redacted", false, []string{"-X PUT", "'Authorization: Bearer [redacted]'", "'X-Api-Key: [redacted]'", "'Cookie: session=[redacted]'"}, []string{"secret-token", "abc", "k-123"}},
		{"--show-secrets", true, []string{"secret-token-123456", "session=abc", "k-123"}, nil},
	} {
		got := s.Curl(tc.show)
		for _, w := range tc.want {
			if !strings.Contains(got, w) {
				t.Errorf("%s: %s lacks %s", tc.desc, got, w)
			}
		}
		for _, a := range tc.absent {
			if strings.Contains(got, a) {
				t.Errorf("%s: %s leaks %s", tc.desc, got, a)
			}
		}
	}
}

func TestSiblingURL(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ in, want string }{
		{"https://api.example.com/prod/items?x=1", "https://api.example.com/prod/corsdoctor-missing-7f3a"},
		{"https://api.example.com", "https://api.example.com/corsdoctor-missing-7f3a"},
		{"https://api.example.com/items/", "https://api.example.com/items/corsdoctor-missing-7f3a"},
	} {
		if got := siblingURL(tc.in); got != tc.want {
			t.Errorf("siblingURL(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestFetchSite(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ target, origin, want string }{
		{"https://api.example.com/x", "https://app.example.com", "same-site"},
		{"https://api.example.com/x", "https://api.example.com", "same-origin"},
		{"https://api.other.com/x", "https://app.example.com", "cross-site"},
		{"http://127.0.0.1:8080/x", "http://localhost:5173", "cross-site"},
		{"https://api.example.com/x", "null", "cross-site"},
	} {
		if got := fetchSite(tc.target, tc.origin); got != tc.want {
			t.Errorf("fetchSite(%s, %s) = %s, want %s", tc.target, tc.origin, got, tc.want)
		}
	}
}

func TestStringBodyContentType(t *testing.T) {
	t.Parallel()
	rc := &recorder{}
	srv := httptest.NewServer(http.HandlerFunc(rc.handler))
	defer srv.Close()
	req := cors.Request{Origin: "http://localhost:5173", URL: srv.URL + "/items", Method: "POST", Body: cors.BodySimple}
	res := New(Options{NoExtra: true}).Probe(context.Background(), req, []byte("hello"))
	if res.Exchange.Result.PreflightSent {
		t.Error("a text/plain POST needs no preflight")
	}
	posts := rc.byMethod("POST")
	if len(posts) != 1 || posts[0].Header.Get("Content-Type") != "text/plain;charset=UTF-8" {
		t.Fatalf("want one POST with fetch's default Content-Type, got %d", len(posts))
	}
}
