package browser

import (
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/corsdoctor/corsdoctor/cors"
)

// TestCredentialGuard: the page sets X-Api-Key for 127.0.0.1, which
// redirects to 127.0.0.2. Chromium would forward the key there (after a
// preflight 127.0.0.2 grants); the run must not, must keep the headers
// that are not credentials, and must record the hop as withheld.
func TestCredentialGuard(t *testing.T) {
	b := chromiumOrSkip(t)
	var mu sync.Mutex
	var seen []http.Header
	grant := func(w http.ResponseWriter, r *http.Request) bool {
		h := w.Header()
		h.Set("Access-Control-Allow-Origin", r.Header.Get("Origin"))
		if r.Method == http.MethodOptions {
			h.Set("Access-Control-Allow-Headers", r.Header.Get("Access-Control-Request-Headers"))
			w.WriteHeader(http.StatusNoContent)
			return true
		}
		return false
	}
	ln, err := net.Listen("tcp", "127.0.0.2:0")
	if err != nil {
		t.Skipf("127.0.0.2: %v", err)
	}
	other := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if grant(w, r) {
			return
		}
		mu.Lock()
		seen = append(seen, r.Header.Clone())
		mu.Unlock()
		w.Write([]byte("collected"))
	}))
	other.Listener.Close()
	other.Listener = ln
	other.Start()
	defer other.Close()
	home := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if grant(w, r) {
			return
		}
		http.Redirect(w, r, other.URL+"/collect", http.StatusFound)
	}))
	defer home.Close()

	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	obs, err := b.Run(ctx, Request{Origin: appOrigin, URL: home.URL + "/start",
		Headers: []cors.Header{{Name: "X-Api-Key", Value: "k3y-s3cr3t"}, {Name: "X-Trace", Value: "t1"}}})
	if err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(seen) == 0 {
		t.Fatalf("the redirect target got no request; observation %+v", obs)
	}
	for _, h := range seen {
		if v := h.Get("X-Api-Key"); v != "" {
			t.Errorf("X-Api-Key leaked to the other host: %q", v)
		}
		if h.Get("X-Trace") != "t1" {
			t.Errorf("a header that is not a credential was dropped: %v", h)
		}
	}
	if len(obs.Withheld) != 1 || !strings.HasPrefix(obs.Withheld[0].URL, other.URL) || strings.Join(obs.Withheld[0].Headers, ",") != "X-Api-Key" {
		t.Errorf("withheld = %+v", obs.Withheld)
	}

	// A run without credentials is not intercepted, and the tab works
	// after the guarded run.
	obs, err = b.Run(ctx, Request{Origin: appOrigin, URL: apiURL("/t/echo?acao=*")})
	if err != nil || !obs.Allowed || len(obs.Withheld) != 0 {
		t.Fatalf("after the guarded run: %v, %+v", err, obs)
	}
}
