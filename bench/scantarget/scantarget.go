// Package scantarget is a loopback HTTP server for exercising and
// benchmarking `corsdoctor scan`: a configurable number of endpoints with a
// mix of correct and vulnerable CORS policies, an optional per-response
// latency, and misbehaving endpoints (connection reset, never answers, slow
// headers, 10 MB of headers or body, redirect loops, invalid HTTP).
//
// Every policy lives at /p/<policy> and, for bulk runs, at /e/<n>, which
// serves policy Policies[n % len(Policies)]. Faults live at /fault/<name>.
// The legitimate front-end origin of every policy is TrustedOrigin.
package scantarget

import (
	"fmt"
	"io"
	"net"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// TrustedOrigin is the front end every allowlist policy trusts, unless
// Config.Trusted names another (an http front end for an http API).
const TrustedOrigin = "https://app.example.com"

// Policy is one CORS behaviour an endpoint can have.
type Policy struct {
	Name string
	// Vulnerable is true when a correct scanner must report it; Rules
	// lists the rule IDs it must raise.
	Vulnerable bool
	Rules      []string
	// HTTPPageRules, when not nil, replaces Rules for targets whose
	// attacker pages are plain http (an http target on a host name; see
	// scan.PageScheme).
	HTTPPageRules []string
	// allow decides the Access-Control-Allow-Origin for a request origin
	// given the target's own origin and the trusted front end: "" for
	// none.
	allow func(origin, self, trusted string) string
	creds bool
	// noVary drops Vary: Origin from echoed responses.
	noVary bool
	// noCORS: the server knows nothing of CORS (no Vary either).
	noCORS bool
	// sensitive marks the response as user data (Set-Cookie, private).
	sensitive bool
	// preflight, when set, answers OPTIONS with these extra headers
	// whatever allow says (a separate preflight handler).
	preflight func(origin string) http.Header
	maxAge    string
	methods   string
}

// RulesFor returns the rules a scan must raise for the policy when the
// attacker's pages have scheme page ("http" or "https").
func (p Policy) RulesFor(page string) []string {
	if page == "http" && p.HTTPPageRules != nil {
		return p.HTTPPageRules
	}
	return p.Rules
}

func exact(extra ...string) func(string, string, string) string {
	return func(o, self, trusted string) string {
		if o == self || o == trusted {
			return o
		}
		for _, a := range extra {
			if o == a {
				return o
			}
		}
		return ""
	}
}

func reflect(o, _, _ string) string { return o }

// schemeOf is "https://" or "http://" as origin starts.
func schemeOf(origin string) string {
	s, _, _ := strings.Cut(origin, "://")
	return s + "://"
}

// unescapedDot compiles the trusted origin into a regexp with its dots
// left unescaped, the mistake CD3006 is about (compiled once per origin).
func unescapedDot(trusted string) *regexp.Regexp {
	if re, ok := dotREs.Load(trusted); ok {
		return re.(*regexp.Regexp)
	}
	re := regexp.MustCompile("^" + trusted + "$")
	dotREs.Store(trusted, re)
	return re
}

var dotREs sync.Map

var hostRE = regexp.MustCompile(`^(https?)://([a-z0-9.-]+)`)

// Policies are the endpoint behaviours, correct ones first. Every
// allowlist is written against the trusted origin's scheme, as a real
// one is.
var Policies = []Policy{
	{Name: "ok", allow: exact(), creds: true},
	{Name: "ok-public", allow: func(string, string, string) string { return "*" }},
	{Name: "ok-none", allow: func(string, string, string) string { return "" }, noCORS: true},
	{Name: "ok-static", allow: func(_, _, trusted string) string { return trusted }, creds: true},
	{Name: "reflect", Vulnerable: true, Rules: []string{"CD3001"}, allow: reflect},
	{Name: "reflect-creds", Vulnerable: true, Rules: []string{"CD3001"}, allow: reflect, creds: true, methods: "GET, POST, PUT, DELETE"},
	// preflight-reflect: no CORS on the response itself, but the OPTIONS
	// handler echoes any origin and grants PUT and DELETE with
	// credentials: the page cannot read, it can write.
	{Name: "preflight-reflect", Vulnerable: true, Rules: []string{"CD3001"}, allow: func(string, string, string) string { return "" }, noCORS: true,
		preflight: func(o string) http.Header {
			return http.Header{"Access-Control-Allow-Origin": {o}, "Access-Control-Allow-Credentials": {"true"},
				"Access-Control-Allow-Methods": {"GET, POST, PUT, DELETE"}, "Vary": {"Origin"}}
		}},
	{Name: "null", Vulnerable: true, Rules: []string{"CD3002"}, allow: exact("null"), creds: true},
	{Name: "suffix", Vulnerable: true, Rules: []string{"CD3003"}, creds: true, allow: func(o, self, trusted string) string {
		if o == self || strings.HasPrefix(o, schemeOf(trusted)) && strings.HasSuffix(o, "example.com") {
			return o
		}
		return ""
	}},
	{Name: "prefix", Vulnerable: true, Rules: []string{"CD3004"}, creds: true, allow: func(o, self, trusted string) string {
		if o == self || strings.HasPrefix(o, trusted) {
			return o
		}
		return ""
	}},
	{Name: "substring", Vulnerable: true, Rules: []string{"CD3005"}, creds: true, allow: func(o, self, _ string) string {
		if o == self || strings.Contains(o, "example.com") {
			return o
		}
		return ""
	}},
	{Name: "unescaped-dot", Vulnerable: true, Rules: []string{"CD3006"}, creds: true, allow: func(o, self, trusted string) string {
		if o == self || unescapedDot(trusted).MatchString(o) {
			return o
		}
		return ""
	}},
	{Name: "subdomain", Vulnerable: true, Rules: []string{"CD3007"}, creds: true, allow: func(o, self, trusted string) string {
		if o == self || o == trusted || strings.HasPrefix(o, schemeOf(trusted)) && strings.HasSuffix(o, ".example.com") {
			return o
		}
		return ""
	}},
	// http: the https front end's plain-http twin is trusted too. For
	// targets attacked from http pages the class does not apply (every
	// attacker page is http, and the network attacker reads the http
	// target's traffic directly): no finding.
	{Name: "http", Vulnerable: true, Rules: []string{"CD3008"}, HTTPPageRules: []string{}, creds: true,
		allow: func(o, self, trusted string) string {
			if o == self || o == trusted || o == "http://"+strings.TrimPrefix(trusted, "https://") {
				return o
			}
			return ""
		}},
	{Name: "third-party", Vulnerable: true, Rules: []string{"CD3009"}, creds: true, allow: func(o, self, trusted string) string {
		if o == self || o == trusted || strings.HasSuffix(o, ".github.io") || strings.HasSuffix(o, ".netlify.app") || strings.HasSuffix(o, ".herokuapp.com") {
			return o
		}
		return ""
	}},
	{Name: "special-char", Vulnerable: true, Rules: []string{"CD3010"}, creds: true, allow: func(o, self, trusted string) string {
		// Extracts the host with a regexp that stops at the first
		// character it does not expect, then compares it.
		if o == self {
			return o
		}
		m, t := hostRE.FindStringSubmatch(o), hostRE.FindStringSubmatch(trusted)
		if m != nil && t != nil && m[1] == t[1] && m[2] == t[2] {
			return o
		}
		return ""
	}},
	{Name: "wildcard-sensitive", Vulnerable: true, Rules: []string{"CD3011"}, allow: func(string, string, string) string { return "*" }, sensitive: true},
	{Name: "private-network", Vulnerable: true, Rules: []string{"CD3012"}, allow: exact(), creds: true,
		preflight: func(o string) http.Header {
			return http.Header{"Access-Control-Allow-Origin": {o}, "Access-Control-Allow-Private-Network": {"true"},
				"Access-Control-Allow-Methods": {"GET"}, "Vary": {"Origin"}}
		}},
	{Name: "preflight-cache", Vulnerable: true, Rules: []string{"CD3013"}, allow: func(string, string, string) string { return "*" },
		methods: "*", maxAge: "86400"},
	{Name: "no-vary", Vulnerable: true, Rules: []string{"CD3014"}, allow: exact(), creds: true, noVary: true},
}

// WildMix is a target list's composition as scanners meet it: of every
// 60 targets, 30 send no CORS headers, 6 have a correct CORS policy
// (allowlist, public *, one fixed origin) and 24 (40%) are vulnerable,
// every class at least once and the frequent ones (reflection, null,
// * on private data, missing Vary, any subdomain) more often. The names
// come interleaved, as in a real list.
func WildMix() []string {
	mix := map[string]int{"ok-none": 30, "ok": 2, "ok-public": 2, "ok-static": 2,
		"reflect-creds": 3, "reflect": 3, "null": 2, "wildcard-sensitive": 2, "no-vary": 2, "subdomain": 2}
	for _, p := range Policies {
		if p.Vulnerable && mix[p.Name] == 0 {
			mix[p.Name] = 1
		}
	}
	var out []string
	for left := true; left; {
		left = false
		for _, p := range Policies { // policy order: deterministic
			if mix[p.Name] > 0 {
				mix[p.Name]--
				out = append(out, p.Name)
				left = true
			}
		}
	}
	return out
}

// PolicyByName returns the named policy.
func PolicyByName(name string) (Policy, bool) {
	for _, p := range Policies {
		if p.Name == name {
			return p, true
		}
	}
	return Policy{}, false
}

// Faults are the misbehaving endpoints under /fault/.
var Faults = []string{"reset", "hang", "slow-headers", "big-headers", "big-body", "redirect-loop", "invalid-http"}

// Config configures a Server.
type Config struct {
	// Latency is added before every response.
	Latency time.Duration
	// SlowHeaders is how long /fault/slow-headers waits before its
	// status line (default 30 s).
	SlowHeaders time.Duration
	// Trusted is the front-end origin the allowlists trust (default
	// TrustedOrigin).
	Trusted string
	// RecordTimes keeps the arrival time of every request per Host, for
	// PeakRates.
	RecordTimes bool
}

// Server is the target. Use it as an http.Handler; Close releases the
// connections the hang fault holds.
type Server struct {
	cfg      Config
	requests atomic.Int64
	closed   chan struct{}
	once     sync.Once

	timesMu sync.Mutex
	times   map[string][]time.Time
}

// New returns a Server.
func New(cfg Config) *Server {
	if cfg.SlowHeaders == 0 {
		cfg.SlowHeaders = 30 * time.Second
	}
	if cfg.Trusted == "" {
		cfg.Trusted = TrustedOrigin
	}
	return &Server{cfg: cfg, closed: make(chan struct{}), times: map[string][]time.Time{}}
}

// ResetTimes forgets the recorded arrival times.
func (s *Server) ResetTimes() {
	s.timesMu.Lock()
	defer s.timesMu.Unlock()
	clear(s.times)
}

// PeakRates returns, for every Host the server was asked for, the most
// requests that arrived within any window of length w (RecordTimes).
func (s *Server) PeakRates(w time.Duration) map[string]int {
	s.timesMu.Lock()
	defer s.timesMu.Unlock()
	out := make(map[string]int, len(s.times))
	for host, ts := range s.times {
		peak, j := 0, 0
		for i := range ts { // arrival order is time order
			for ts[i].Sub(ts[j]) >= w {
				j++
			}
			peak = max(peak, i-j+1)
		}
		out[host] = peak
	}
	return out
}

// Requests returns how many requests the server has received.
func (s *Server) Requests() int64 { return s.requests.Load() }

// Close ends the hanging handlers.
func (s *Server) Close() { s.once.Do(func() { close(s.closed) }) }

func (s *Server) sleep(d time.Duration) bool {
	if d <= 0 {
		return true
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-s.closed:
		return false
	}
}

// ServeHTTP serves /p/<policy>, /e/<n> and /fault/<name>.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.requests.Add(1)
	if s.cfg.RecordTimes {
		s.timesMu.Lock()
		s.times[r.Host] = append(s.times[r.Host], time.Now())
		s.timesMu.Unlock()
	}
	path := r.URL.Path
	switch {
	case strings.HasPrefix(path, "/fault/"):
		s.fault(w, r, strings.TrimPrefix(path, "/fault/"))
		return
	case strings.HasPrefix(path, "/p/"):
		p, ok := PolicyByName(strings.TrimPrefix(path, "/p/"))
		if !ok {
			http.NotFound(w, r)
			return
		}
		s.serve(w, r, p)
	case strings.HasPrefix(path, "/e/"):
		n, err := strconv.Atoi(strings.TrimPrefix(path, "/e/"))
		if err != nil || n < 0 {
			http.NotFound(w, r)
			return
		}
		s.serve(w, r, Policies[n%len(Policies)])
	default:
		http.NotFound(w, r)
	}
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request, p Policy) {
	if !s.sleep(s.cfg.Latency) {
		return
	}
	self := "http://" + r.Host
	if r.TLS != nil {
		self = "https://" + r.Host
	}
	origin := r.Header.Get("Origin")
	h := w.Header()
	if r.Method == http.MethodOptions && r.Header.Get("Access-Control-Request-Method") != "" {
		if p.preflight != nil {
			for k, v := range p.preflight(origin) {
				h[k] = v
			}
			w.WriteHeader(http.StatusNoContent)
			return
		}
		s.cors(h, p, origin, self)
		if h.Get("Access-Control-Allow-Origin") != "" {
			m := p.methods
			if m == "" {
				m = "GET, POST"
			}
			h.Set("Access-Control-Allow-Methods", m)
			age := p.maxAge
			if age == "" {
				age = "600"
			}
			h.Set("Access-Control-Max-Age", age)
		}
		w.WriteHeader(http.StatusNoContent)
		return
	}
	s.cors(h, p, origin, self)
	h.Set("Content-Type", "application/json")
	body := `{"items":[1,2,3]}`
	if p.sensitive {
		h.Set("Cache-Control", "private, no-store")
		h.Set("Set-Cookie", "session=abc123; Path=/; HttpOnly")
		body = `{"user":{"email":"alice@example.com","api_key":"k-123"}}`
	}
	io.WriteString(w, body)
}

func (s *Server) cors(h http.Header, p Policy, origin, self string) {
	if origin == "" || p.noCORS {
		return
	}
	acao := p.allow(origin, self, s.cfg.Trusted)
	if acao == "" {
		if !p.noVary && p.allow("x", self, s.cfg.Trusted) != "*" {
			h.Add("Vary", "Origin")
		}
		return
	}
	h.Set("Access-Control-Allow-Origin", acao)
	if p.creds && acao != "*" {
		h.Set("Access-Control-Allow-Credentials", "true")
	}
	if acao != "*" && !p.noVary {
		h.Add("Vary", "Origin")
	}
}

func (s *Server) fault(w http.ResponseWriter, r *http.Request, name string) {
	switch name {
	case "reset":
		if c := hijack(w); c != nil {
			if tc, ok := c.(*net.TCPConn); ok {
				tc.SetLinger(0) // RST instead of FIN
			}
			c.Close()
		}
	case "hang":
		c := hijack(w)
		if c == nil {
			return
		}
		<-s.closed
		c.Close()
	case "slow-headers":
		if s.sleep(s.cfg.SlowHeaders) {
			w.WriteHeader(http.StatusOK)
		}
	case "big-headers":
		c := hijack(w)
		if c == nil {
			return
		}
		defer c.Close()
		fmt.Fprintf(c, "HTTP/1.1 200 OK\r\nAccess-Control-Allow-Origin: *\r\nX-Big: ")
		chunk := strings.Repeat("a", 64<<10)
		for i := 0; i < 160; i++ { // 10 MB
			if _, err := io.WriteString(c, chunk); err != nil {
				return
			}
		}
		io.WriteString(c, "\r\nContent-Length: 0\r\n\r\n")
	case "big-body":
		w.Header().Set("Access-Control-Allow-Origin", "*")
		w.Header().Set("Content-Length", strconv.Itoa(10<<20))
		chunk := make([]byte, 64<<10)
		for i := 0; i < 160; i++ {
			if _, err := w.Write(chunk); err != nil {
				return
			}
		}
	case "redirect-loop":
		http.Redirect(w, r, r.URL.Path, http.StatusFound)
	case "invalid-http":
		if c := hijack(w); c != nil {
			io.WriteString(c, "HTTP/9 banana\r\n\x00\x01garbage\r\n\r\n")
			c.Close()
		}
	default:
		http.NotFound(w, r)
	}
}

func hijack(w http.ResponseWriter) net.Conn {
	hj, ok := w.(http.Hijacker)
	if !ok {
		return nil
	}
	c, _, err := hj.Hijack()
	if err != nil {
		return nil
	}
	return c
}
