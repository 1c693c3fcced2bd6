package browser

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/corsdoctor/corsdoctor/cors"
)

// The tests share one Chromium (STYLE.md: one shared Chromium, pages from
// httptest). The scenario server plays three hosts through host rules:
// the page origin http://app.example.test (port 80 mapped), and the API
// hosts api.example.test and other.example.test on its real port.
const (
	appHost   = "app.example.test"
	appOrigin = "http://" + appHost
	apiHost   = "api.example.test"
	otherHost = "other.example.test"
)

var shared struct {
	once    sync.Once
	srvOnce sync.Once
	engMu   sync.Mutex
	engines map[cors.Engine]Driver
	engErr  map[cors.Engine]error
	b       *Browser
	err     error
	srv     *httptest.Server
	tls     *httptest.Server
	port    int
	tlsPort int
	skipMsg string
}

// scenarioHandler is set by the differential test before any request.
var scenarioHandler http.Handler = http.NotFoundHandler()

func TestMain(m *testing.M) {
	code := m.Run()
	if shared.b != nil {
		shared.b.Close()
	}
	for _, d := range shared.engines {
		d.Close()
	}
	if shared.srv != nil {
		shared.srv.Close()
		shared.tls.Close()
	}
	os.Exit(code)
}

// startServers starts the scenario servers once: plain and TLS, both
// playing the page origin (PagePath), the echo and hang endpoints and the
// scenario table.
func startServers() {
	shared.srvOnce.Do(func() {
		mux := http.NewServeMux()
		mux.Handle(PagePath, PageHandler())
		mux.HandleFunc("/t/echo", echoHandler)
		mux.HandleFunc("/t/hang", func(w http.ResponseWriter, r *http.Request) {
			select {
			case <-r.Context().Done():
			case <-time.After(5 * time.Minute):
			}
		})
		mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) { scenarioHandler.ServeHTTP(w, r) })
		shared.srv = httptest.NewServer(mux)
		shared.port = shared.srv.Listener.Addr().(*net.TCPAddr).Port
		shared.tls = httptest.NewTLSServer(mux)
		shared.tlsPort = shared.tls.Listener.Addr().(*net.TCPAddr).Port
	})
}

// testConfig is the browser configuration every engine's tests share:
// the page origin app.example.test (port 80) and the API hosts on the
// scenario server, "null" and an https origin played by corsdoctor.
func testConfig() Config {
	return Config{
		Origins: []string{"null", "https://secure.example.test"},
		HostRules: []string{
			fmt.Sprintf("MAP %s:80 127.0.0.1:%d", appHost, shared.port),
			fmt.Sprintf("MAP %s 127.0.0.1", apiHost),
			fmt.Sprintf("MAP %s 127.0.0.1", otherHost),
		},
		TrustSPKI: []string{SPKIHash(shared.tls.Certificate())},
	}
}

// chromiumOrSkip returns the shared browser, skipping the test when no
// Chromium is installed, or failing it when CI=true.
func chromiumOrSkip(t testing.TB) *Browser {
	t.Helper()
	shared.once.Do(func() {
		if _, err := FindChromium(); err != nil {
			shared.err = err
			return
		}
		startServers()
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		shared.b, shared.err = Start(ctx, testConfig())
	})
	if shared.err != nil {
		if errors.Is(shared.err, ErrNoChromium) {
			if os.Getenv("CI") == "true" {
				t.Fatalf("CI=true and Chromium is missing: %v", shared.err)
			}
			t.Skipf("skipping browser test: %v", shared.err)
		}
		t.Fatalf("start chromium: %v", shared.err)
	}
	return shared.b
}

// engineOrSkip returns the shared Firefox or WebKit, started on first
// use; a missing browser skips the test, or fails it when CI=true.
func engineOrSkip(t testing.TB, e cors.Engine) Driver {
	t.Helper()
	if e == cors.Chromium {
		return chromiumOrSkip(t)
	}
	shared.engMu.Lock()
	defer shared.engMu.Unlock()
	if shared.engines == nil {
		shared.engines = map[cors.Engine]Driver{}
		shared.engErr = map[cors.Engine]error{}
	}
	if d, ok := shared.engines[e]; ok {
		return d
	}
	err, tried := shared.engErr[e]
	if !tried {
		startServers()
		ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
		var d Driver
		d, err = StartEngine(ctx, e, testConfig())
		cancel()
		shared.engErr[e] = err
		if err == nil {
			shared.engines[e] = d
			return d
		}
	}
	if IsNoBrowser(err) {
		if os.Getenv("CI") == "true" {
			t.Fatalf("CI=true and %s is missing: %v", e, err)
		}
		t.Skipf("skipping %s test: %v", e, err)
	}
	t.Fatalf("start %s: %v", e, err)
	return nil
}

func apiURL(path string) string {
	return fmt.Sprintf("http://%s:%d%s", apiHost, shared.port, path)
}

func otherURL(path string) string {
	return fmt.Sprintf("http://%s:%d%s", otherHost, shared.port, path)
}

// echoHandler answers with ?acao=... as Access-Control-Allow-Origin (for
// OPTIONS too, allowing every method and header) and exposes the Origin
// it saw in X-Seen-Origin.
func echoHandler(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	if v, ok := r.URL.Query()["acao"]; ok {
		h["Access-Control-Allow-Origin"] = v
	}
	if r.Method == http.MethodOptions {
		h.Set("Access-Control-Allow-Methods", r.Header.Get("Access-Control-Request-Method"))
		if v := r.Header.Get("Access-Control-Request-Headers"); v != "" {
			h.Set("Access-Control-Allow-Headers", v)
		}
		w.WriteHeader(http.StatusNoContent)
		return
	}
	h.Set("X-Seen-Origin", r.Header.Get("Origin"))
	h.Set("Access-Control-Expose-Headers", "X-Seen-Origin")
	w.Write([]byte("ok"))
}

func tlsURL(path string) string {
	return fmt.Sprintf("https://%s:%d%s", apiHost, shared.tlsPort, path)
}
