package probe

import (
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/corsdoctor/corsdoctor/cors"
	"github.com/corsdoctor/corsdoctor/evidence"
)

// otherHost starts a server on 127.0.0.2: another host than 127.0.0.1
// for cookies and credentials (same machine, loopback only).
func otherHost(t *testing.T, h http.Handler) *httptest.Server {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.2:0")
	if err != nil {
		t.Skipf("127.0.0.2 not available: %v", err)
	}
	srv := httptest.NewUnstartedServer(h)
	srv.Listener.Close()
	srv.Listener = ln
	srv.Start()
	t.Cleanup(srv.Close)
	return srv
}

// TestCredentialsStayOnTheirHost: a redirect from 127.0.0.1 to
// 127.0.0.2 must not carry the Cookie or the API key the user gave for
// 127.0.0.1 (a browser's cookie jar is per host), and the result says
// the hop went without them. A same-host redirect keeps them.
func TestCredentialsStayOnTheirHost(t *testing.T) {
	t.Parallel()
	other := &recorder{}
	os := otherHost(t, allowAll(other, ""))
	home := &recorder{}
	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch {
		case r.URL.Path == "/away" && r.Method != http.MethodOptions:
			allowAll(home, os.URL+"/collect").ServeHTTP(w, r)
		case r.URL.Path == "/stay" && r.Method != http.MethodOptions:
			allowAll(home, "/final").ServeHTTP(w, r)
		default:
			allowAll(home, "").ServeHTTP(w, r)
		}
	}))
	t.Cleanup(hs.Close)

	for _, tc := range []struct {
		path     string
		leakFree bool
	}{
		{"/away", true},
		{"/stay", false},
	} {
		p := New(Options{Cookie: "session=s3cr3t-cookie", NoExtra: true, Repeat: -1})
		req := cors.Request{Origin: "https://app.example.com", URL: hs.URL + tc.path, Method: "GET", Credentials: cors.CredentialsInclude,
			Headers: []cors.Header{{Name: "X-Api-Key", Value: "k3y-123"}, {Name: "X-Trace", Value: "t1"}}}
		res := p.Probe(context.Background(), req, nil)
		p.Close()
		var warned []string
		for _, w := range res.Exchange.Result.Warnings {
			if w.Code == evidence.WarnCredentialsWithheld {
				warned = append(warned, w.Message)
			}
		}
		if !tc.leakFree {
			if len(warned) > 0 {
				t.Errorf("%s: same-host redirect warned %q", tc.path, warned)
			}
			for _, r := range home.byMethod("GET") {
				if r.URL.Path == "/final" && (r.Header.Get("Cookie") == "" || r.Header.Get("X-Api-Key") == "") {
					t.Errorf("%s: same-host hop lost the credentials: %v", tc.path, r.Header)
				}
			}
			continue
		}
		for _, r := range other.byMethod("GET") {
			if c := r.Header.Get("Cookie"); c != "" {
				t.Errorf("cookie leaked to %s: %q", r.Host, c)
			}
			if k := r.Header.Get("X-Api-Key"); k != "" {
				t.Errorf("API key leaked to %s: %q", r.Host, k)
			}
			if r.Header.Get("X-Trace") != "t1" {
				t.Errorf("a header that is not a credential was dropped: %v", r.Header)
			}
		}
		if len(other.byMethod("GET")) == 0 {
			t.Fatalf("the redirect was not followed; sent %+v", res.Sent)
		}
		sawCookie := false
		for _, r := range home.byMethod("GET") {
			sawCookie = sawCookie || r.Header.Get("Cookie") == "session=s3cr3t-cookie"
		}
		if !sawCookie {
			t.Error("the host the cookie was given for did not get it")
		}
		if len(warned) != 1 || !strings.Contains(warned[0], "Cookie, X-Api-Key not sent to "+os.URL+"/collect") {
			t.Errorf("warning = %q", warned)
		}
		last := res.Sent[len(res.Sent)-1]
		if strings.Join(last.Withheld, ",") != "Cookie,X-Api-Key" {
			t.Errorf("Sent.Withheld = %v", last.Withheld)
		}
	}
}

// allowAll grants every CORS request with credentials, records it, and
// redirects actual requests to location when set.
func allowAll(rc *recorder, location string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rc.mu.Lock()
		rc.reqs = append(rc.reqs, r.Clone(context.Background()))
		rc.mu.Unlock()
		h := w.Header()
		h.Set("Access-Control-Allow-Origin", r.Header.Get("Origin"))
		h.Set("Access-Control-Allow-Credentials", "true")
		if r.Method == http.MethodOptions {
			h.Set("Access-Control-Allow-Headers", r.Header.Get("Access-Control-Request-Headers"))
			w.WriteHeader(http.StatusNoContent)
			return
		}
		if location != "" {
			h.Set("Location", location)
			w.WriteHeader(http.StatusFound)
		}
	})
}

func TestCredentialHost(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		given, u string
		want     bool
	}{
		{"http://127.0.0.1:8080/a", "http://127.0.0.1:9090/b", true}, // cookies ignore ports
		{"https://API.example.com/a", "https://api.example.com/b", true},
		{"https://api.example.com/a", "http://api.example.com/b", false}, // downgrade
		{"http://api.example.com/a", "https://api.example.com/b", true},
		{"https://api.example.com/a", "https://evil.example.com/b", false},
		{"https://api.example.com/a", "https://api.example.com.evil.test/b", false},
		{"https://api.example.com/a", "%zz", false},
	} {
		if got := evidence.CredentialHost(tc.given, tc.u); got != tc.want {
			t.Errorf("credentialHost(%q, %q) = %v", tc.given, tc.u, got)
		}
	}
}
