// Package lab is corsdoctor's embedded failing API: one endpoint per CORS
// failure pattern seen in the field (API Gateway, Lambda, FastAPI, Django,
// Express, nginx, CloudFront), plus correctly configured endpoints for
// contrast. Responses imitate the platform they reproduce (API Gateway's
// x-amzn-RequestId, x-amz-apigw-id, x-amzn-ErrorType; uvicorn's Server
// header; Express's X-Powered-By; CloudFront's X-Cache) so platform
// detection and platform-specific fixes are exercised.
//
// The catalogue is Go data (Catalogue): each Case names its path, the
// request a page makes (method, headers, origin, credentials), the
// verdict a browser reaches and the rule corsdoctor should diagnose.
// `corsdoctor demo` and the tests are driven by it.
package lab

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/corsdoctor/corsdoctor/cors"
)

// Verdicts a case expects, as report.Verdict spells them.
const (
	Allowed = "ALLOWED"
	Blocked = "BLOCKED"
)

// Origins used by the catalogue.
const (
	DevOrigin     = "http://localhost:5173"
	ProdOrigin    = "https://app.example.com"
	StagingOrigin = "https://staging.example.com"
	AdminOrigin   = "https://admin.example.com"
)

// Case is one lab endpoint and the request a page makes to it.
type Case struct {
	// Path is the endpoint's path on the lab server.
	Path string
	// Group is the section of the index page.
	Group string
	// Title is the failure the endpoint reproduces, in a few words.
	Title string
	// Description says what the server does wrong (or right).
	Description string
	// RealWorld names where the pattern comes from (issue threads, docs).
	RealWorld string
	// Platform is the server platform the responses imitate (a
	// diag.Platform name).
	Platform string

	// The page's request.
	Method      string
	Headers     []string // "Name: value"
	Body        string
	Origin      string
	Credentials bool
	Expose      []string
	// AlsoOrigins are further origins checked together with Origin
	// ("works in dev, fails in prod"); the expectation is about Origin.
	AlsoOrigins []string

	// Verdict is what a browser decides for Origin: Allowed or Blocked.
	Verdict string
	// Rule is the rule ID corsdoctor must rank first; empty means no
	// finding at all.
	Rule string
	// Engines are the verdicts of the browsers that decide otherwise
	// than Verdict (Chromium's), by engine: the Browsers group's
	// failures that happen in some browsers only. Firefox and Safari are
	// expected to reach Verdict unless listed (see EngineVerdict).
	Engines map[cors.Engine]string

	handler http.HandlerFunc
}

// Contrast reports whether the case is a correctly configured endpoint:
// allowed in every browser, with nothing to diagnose.
func (c *Case) Contrast() bool {
	if c.Verdict != Allowed || c.Rule != "" {
		return false
	}
	for _, v := range c.Engines {
		if v != Allowed {
			return false
		}
	}
	return true
}

// EngineVerdict is what the browser of engine e decides for Origin when
// the lab is served at base ("http://127.0.0.1:8080"). ok is false when
// the case says nothing about that browser: Safari blocks every request
// from an https page to an http lab as mixed content, loopback included
// (Chrome and Firefox exempt loopback), whatever the server does; a case
// about that (the Browsers group) lists WebKit in Engines.
func (c *Case) EngineVerdict(e cors.Engine, base string) (verdict string, ok bool) {
	if v, ok := c.Engines[e]; ok {
		return v, true
	}
	if e == cors.WebKit && strings.HasPrefix(c.Origin, "https:") && strings.HasPrefix(base, "http:") {
		return "", false
	}
	return c.Verdict, true
}

// Catalogue returns every lab case, in index order.
func Catalogue() []Case {
	out := make([]Case, len(catalogue))
	copy(out, catalogue)
	return out
}

// Lookup returns the case with that path.
func Lookup(path string) (Case, bool) {
	for _, c := range catalogue {
		if c.Path == path {
			return c, true
		}
	}
	return Case{}, false
}

// Handler returns the lab's HTTP handler: the index page at "/", every
// case at its path, and per-group fallbacks for unknown paths (the
// behaviour check's error-path probe observes).
func Handler() http.Handler {
	st := &state{counters: map[string]int{}}
	mux := http.NewServeMux()
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/" {
			index(w, r)
			return
		}
		fallback(w, r)
	})
	for _, c := range catalogue {
		h := c.handler
		if h == nil {
			continue
		}
		mux.HandleFunc(c.PathOnly(), func(w http.ResponseWriter, r *http.Request) {
			st.serve(w, r, h)
		})
	}
	return mux
}

type stateKey struct{}

// state holds per-server counters (the intermittent endpoints).
type state struct {
	mu       sync.Mutex
	counters map[string]int
}

func (s *state) serve(w http.ResponseWriter, r *http.Request, h http.HandlerFunc) {
	h(w, r.WithContext(context.WithValue(r.Context(), stateKey{}, s)))
}

// next increments and returns the counter for key.
func next(r *http.Request, key string) int {
	s, ok := r.Context().Value(stateKey{}).(*state)
	if !ok {
		return 1
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.counters[key]++
	return s.counters[key]
}

// Server is a running lab.
type Server struct {
	srv *http.Server
	ln  net.Listener
	URL string
}

// Start listens on addr (e.g. "127.0.0.1:0") and serves the lab in the
// background.
func Start(addr string) (*Server, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("lab: listen %s: %w", addr, err)
	}
	s := &Server{
		srv: &http.Server{Handler: Handler(), ReadHeaderTimeout: 10 * time.Second},
		ln:  ln,
		URL: "http://" + ln.Addr().String(),
	}
	// Serve returns http.ErrServerClosed after Close; nothing else can
	// fail on a listener we own.
	go s.srv.Serve(ln) //nolint:errcheck

	return s, nil
}

// Close stops the server.
func (s *Server) Close() error {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	return s.srv.Shutdown(ctx)
}

// Serve serves the lab on ln until ctx is done.
func Serve(ctx context.Context, ln net.Listener) error {
	srv := &http.Server{Handler: Handler(), ReadHeaderTimeout: 10 * time.Second}
	go func() {
		<-ctx.Done()
		sctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		_ = srv.Shutdown(sctx)
	}()
	err := srv.Serve(ln)
	if errors.Is(err, http.ErrServerClosed) {
		return nil
	}
	return err
}

// otherHost swaps 127.0.0.1 and localhost in a Host header, giving a
// different origin on the same server (for cross-origin redirects).
func otherHost(host string) string {
	h, port, err := net.SplitHostPort(host)
	if err != nil {
		h, port = host, ""
	}
	switch {
	case h == "localhost":
		h = "127.0.0.1"
	default:
		h = "localhost"
	}
	if port == "" {
		return h
	}
	return net.JoinHostPort(h, port)
}

func hasPrefix(p, prefix string) bool { return strings.HasPrefix(p, prefix) }
