package scan

import (
	"context"
	"crypto/x509"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/corsdoctor/corsdoctor/cors"
	"github.com/corsdoctor/corsdoctor/evidence"
)

// Config configures a Scanner. Zero values get the defaults noted.
type Config struct {
	// Concurrency bounds the targets scanned at once (default 20). The
	// probes of one target are sent one after the other over a reused
	// connection.
	Concurrency int
	// Rate bounds requests per second overall; PerHostRate per host
	// (host:port). 0 means unlimited.
	Rate        float64
	PerHostRate float64
	// Timeout bounds each request, connection to last header byte
	// (default 10 s).
	Timeout time.Duration
	// Retries of a transient network error (default 2; -1 for none),
	// with exponential Backoff (default 100 ms).
	Retries int
	Backoff time.Duration
	// Header is sent with every probe (cookies, authorization: what the
	// user passed with --header).
	Header http.Header
	// Trusted are the legitimate front-end origins (--trusted-origin).
	Trusted []string
	// Thorough sends every probe of every class (--thorough) instead of
	// skipping the probes earlier answers make redundant and keeping to
	// the most frequent hosting domains and special characters.
	Thorough bool
	// Insecure skips TLS certificate verification (--insecure: targets
	// with self-signed certificates).
	Insecure bool
	// RootCAs, when set, are the certificate authorities trusted for
	// https targets instead of the system's (--cacert).
	RootCAs *x509.CertPool
	// Resolve maps "host:port" to the "address:port" to connect to
	// instead of resolving host (--resolve); the Host header, TLS server
	// name and certificate check still use host.
	Resolve map[string]string
	// Transport replaces the default transport (tests).
	Transport *http.Transport
}

// Adaptive probe budgets for the classes with many candidate origins
// (--thorough sends them all).
const (
	adaptiveSpecialChars = 2
	adaptiveThirdParty   = 3
)

// Result is the outcome for one target: its probes as an exchange and the
// number of requests sent. The scanner only collects: the findings come
// from the CD3xxx rules run over Exchange (see RunJudged).
type Result struct {
	Target   Target
	Exchange *evidence.Exchange
	Requests int
	// Err is set when the target could not be scanned to the end; the
	// probes sent before the failure are kept.
	Err      error
	Duration time.Duration
}

// Scanner scans targets. It is safe to call Run once at a time.
type Scanner struct {
	cfg Config
	c   *client
}

// New returns a Scanner; see Config for defaults.
func New(cfg Config) *Scanner {
	if cfg.Concurrency <= 0 {
		cfg.Concurrency = 20
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = 10 * time.Second
	}
	switch {
	case cfg.Retries == 0:
		cfg.Retries = 2
	case cfg.Retries < 0:
		cfg.Retries = 0
	}
	if cfg.Backoff <= 0 {
		cfg.Backoff = 100 * time.Millisecond
	}
	return &Scanner{cfg: cfg, c: newClient(&cfg)}
}

// Close releases idle connections.
func (s *Scanner) Close() { s.c.hc.CloseIdleConnections() }

// Run scans the targets next yields (called from one goroutine, one at a
// time, so targets are never all in memory) with bounded concurrency and
// calls emit for each result as it completes (never concurrently). When
// ctx is cancelled, targets already started finish with a cancellation
// error and no new target is started; Run returns ctx's error then.
// Every target next yields gets exactly one emit.
func (s *Scanner) Run(ctx context.Context, next func() (Target, bool), emit func(*Result)) error {
	return RunJudged(ctx, s, next, func(*Result) struct{} { return struct{}{} }, func(r *Result, _ struct{}) { emit(r) })
}

// RunJudged is Run with a judge: judge(r) runs on the worker goroutine
// that scanned the target, so judging (the rules) runs in parallel, and
// its value reaches emit with the result. After judge returns, response
// bodies are dropped from r (memory stays bounded by the targets in
// flight). A target ctx stopped before it started gets a result with
// Err set and a nil Exchange, judged too.
func RunJudged[V any](ctx context.Context, s *Scanner, next func() (Target, bool), judge func(*Result) V, emit func(*Result, V)) error {
	type judged struct {
		r *Result
		v V
	}
	jobs := make(chan Target)
	results := make(chan judged, s.cfg.Concurrency)
	finish := func(r *Result) judged {
		v := judge(r)
		r.dropBodies()
		return judged{r, v}
	}
	var wg sync.WaitGroup
	for i := 0; i < s.cfg.Concurrency; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for t := range jobs {
				results <- finish(s.Scan(ctx, t))
			}
		}()
	}
	go func() {
		defer close(jobs)
		for ctx.Err() == nil {
			t, ok := next()
			if !ok {
				return
			}
			select {
			case jobs <- t:
			case <-ctx.Done():
				// Not started: report it as not scanned, so the
				// one-record-per-target contract holds.
				results <- finish(&Result{Target: t, Err: ctx.Err()})
				return
			}
		}
	}()
	go func() {
		wg.Wait()
		close(results)
	}()
	for j := range results {
		emit(j.r, j.v)
	}
	return ctx.Err()
}

// dropBodies forgets the response bodies (kept for the judge: the
// sensitivity heuristics read them).
func (r *Result) dropBodies() {
	if r.Exchange == nil {
		return
	}
	for i := range r.Exchange.Probes {
		for _, h := range r.Exchange.Probes[i].Hops {
			if h.Response != nil {
				h.Response.Body = nil
			}
			if h.Preflight != nil {
				h.Preflight.Body = nil
			}
		}
	}
}

// Scan scans one target.
func (s *Scanner) Scan(ctx context.Context, t Target) *Result {
	start := time.Now()
	page := PageScheme(t.URL)
	arb := ArbitraryOrigin
	if page == "http" {
		arb = ArbitraryHTTPOrigin
	}
	st := &state{s: s, ctx: ctx, t: t, sent: map[string]bool{}, page: page, arb: arb}
	st.ex = &evidence.Exchange{
		Request: cors.Request{URL: t.URL, Method: t.Method, Origin: arb, Credentials: cors.CredentialsInclude},
		Source:  evidence.Source{URL: t.URL},
	}
	err := st.run()
	res := &Result{Target: t, Exchange: st.ex, Requests: st.requests, Err: err}
	if err != nil {
		st.ex.Err = err.Error()
	}
	res.Duration = time.Since(start)
	return res
}

// state is one target's scan in progress.
type state struct {
	s        *Scanner
	ctx      context.Context
	t        Target
	ex       *evidence.Exchange
	requests int
	sent     map[string]bool
	// page is the attacker's page scheme (PageScheme); arb the unrelated
	// origin with that scheme.
	page, arb string
	// arbACAO is what the arbitrary origin got: an origin echoed to every
	// probe with the same value is a static policy, not an echo.
	arbACAO string
	// cors is set once any response carried a CORS response header or
	// Vary: Origin.
	cors bool
	// space is the target's address space, from the first response's
	// remote address ("" when unknown, e.g. through a proxy).
	space cors.AddressSpace
}

// preflightOnly is true for targets whose method is not GET or HEAD: the
// scan never sends them (it could change data), only their preflight.
func (st *state) preflightOnly() bool { return st.t.Method != "GET" && st.t.Method != "HEAD" }

func (st *state) run() error {
	arb, err := st.probe(KindArbitrary, st.arb)
	if err != nil {
		return err
	}
	st.arbACAO = acao(arb)
	if r := probeResponse(arb); r != nil {
		if h, _, err := net.SplitHostPort(r.RemoteAddr); err == nil {
			st.space = cors.AddressSpaceOf(h)
		}
	}
	// An echo of the unrelated origin proves reflection, and every other
	// origin probe would only repeat it (the rules report reflection as
	// the root cause of any look-alike it implies).
	if st.s.cfg.Thorough || !st.echoed(arb) {
		if err := st.variants(); err != nil {
			return err
		}
	}
	if !st.preflightOnly() {
		if _, err := st.probe(KindPreflight, st.arb); err != nil {
			return err
		}
	}
	// Only a secure page may ask for private network access (Chromium
	// refuses it from http pages: InsecureLocalNetwork), so when the
	// probes above came from an http page, the private network preflight
	// of a private or loopback target comes from the https one.
	if st.page == "http" && st.space.MorePrivateThan(cors.AddressSpacePublic) {
		if _, err := st.probe(KindPrivateNetwork, ArbitraryOrigin); err != nil {
			return err
		}
	}
	return nil
}

// variants learns the legitimate origins (the trusted ones, the target's
// own, its siblings), then tries attacker look-alikes of every origin the
// server echoes. The adaptive scan skips what an earlier answer decides:
// no look-alike for a server that sent no CORS header to any of these
// origins, none for a fixed policy, no probe whose class a looser class
// already passed; --thorough sends everything.
func (st *state) variants() error {
	thorough := st.s.cfg.Thorough
	var bases []base
	self, err := cors.OriginOf(st.t.URL)
	if err != nil {
		return err
	}
	type legit struct {
		kind   Kind
		origin string
	}
	// Trusted origins first: they are what an allowlist was written for.
	// The target's own origin and its siblings are tried after them, by
	// the adaptive scan only when the trusted origins taught nothing: a
	// trusted origin echoed gives the bases; no CORS header at all, or
	// the unrelated origin's Access-Control-Allow-Origin for the trusted
	// ones too (a fixed policy), is the server's answer for everyone.
	var legits []legit
	for _, o := range st.s.cfg.Trusted {
		legits = append(legits, legit{KindTrusted, o})
	}
	trusted := len(legits)
	legits = append(legits, legit{KindSelf, self})
	if sb, ok := parseBase(self, st.page); ok {
		for _, o := range sb.siblings() {
			legits = append(legits, legit{KindSibling, o})
		}
	}
	fixed := true // every legitimate origin got the unrelated origin's answer
	for i, l := range legits {
		if i == trusted && trusted > 0 && !thorough && (len(bases) > 0 || !st.cors || fixed && st.arbACAO != "") {
			break
		}
		if st.sent[l.origin] {
			continue
		}
		p, err := st.probe(l.kind, l.origin)
		if err != nil {
			return err
		}
		if acao(p) != st.arbACAO {
			fixed = false
		}
		if st.echoed(p) {
			if b, ok := parseBase(l.origin, st.page); ok {
				bases = append(bases, b)
			}
		}
	}
	if !thorough {
		if !st.cors {
			// No CORS header for any of these origins: CORS is not
			// configured, only the preflight can still grant something.
			return nil
		}
		if len(bases) == 0 && st.arbACAO != "" {
			// A fixed policy (*, one origin for everyone): no other
			// origin, null included, gets a different answer.
			return nil
		}
	}
	if _, err := st.probe(KindNull, cors.Null); err != nil {
		return err
	}
	if len(bases) == 0 && !thorough {
		// Origin-dependent but none of the legitimate origins is
		// echoed: no base to build look-alikes of.
		return nil
	}
	try := func(k Kind, origin string) (bool, error) {
		if origin == "" || st.sent[origin] {
			return false, nil
		}
		p, err := st.probe(k, origin)
		if err != nil {
			return false, err
		}
		return st.echoed(p), nil
	}
	rds := map[string]bool{}
	specialDone := false
	for _, b := range bases {
		prefix, err := try(KindPrefix, b.prefix())
		if err != nil {
			return err
		}
		suffix, substring := false, false
		if b.rd != "" && (thorough || !rds[b.rd]) {
			rds[b.rd] = true
			if suffix, err = try(KindSuffix, b.suffix()); err != nil {
				return err
			}
			// substring is looser than prefix and suffix: only a server
			// passing both can be a "contains" check.
			if thorough || prefix && suffix {
				if substring, err = try(KindSubstring, b.substring()); err != nil {
					return err
				}
			}
			// suffix (and substring) imply any subdomain and the
			// unescaped dot.
			if thorough || !suffix && !substring {
				if _, err = try(KindSubdomain, b.subdomain()); err != nil {
					return err
				}
				if _, err = try(KindDot, b.dot()); err != nil {
					return err
				}
			}
		}
		if thorough || !substring {
			if _, err = try(KindHTTP, b.http()); err != nil {
				return err
			}
		}
		// prefix and substring imply the special characters.
		if thorough || !prefix && !substring && !specialDone && !isIPv6(b.host) {
			specialDone = true
			chars := SpecialChars
			if !thorough {
				chars = chars[:adaptiveSpecialChars]
			}
			for _, c := range chars {
				if isIPv6(b.host) {
					break
				}
				ok, err := try(KindSpecialChar, b.special(c))
				if err != nil {
					return err
				}
				if ok && !thorough {
					break
				}
			}
		}
	}
	n := adaptiveThirdParty
	if thorough {
		n = 0
	}
	for _, o := range thirdParty(st.page, n) {
		if _, err := try(KindThirdParty, o); err != nil {
			return err
		}
	}
	return nil
}

func isIPv6(h string) bool {
	for i := 0; i < len(h); i++ {
		if h[i] == ':' {
			return true
		}
	}
	return false
}

func acao(p *evidence.Probe) string {
	r := probeResponse(p)
	if r == nil {
		return ""
	}
	v := r.Header.Values(cors.HeaderAllowOrigin)
	if len(v) != 1 {
		return ""
	}
	return v[0]
}

// echoed reports whether the server answered the probe's origin with that
// same origin, and not because it sends one fixed value to everyone.
func (st *state) echoed(p *evidence.Probe) bool {
	a := acao(p)
	if a == "" || a != p.Request.Origin {
		return false
	}
	return p.Purpose == KindArbitrary.Purpose() || a != st.arbACAO
}

func probeResponse(p *evidence.Probe) *evidence.Response {
	if len(p.Hops) == 0 {
		return nil
	}
	if p.Hops[0].Response != nil {
		return p.Hops[0].Response
	}
	return p.Hops[0].Preflight
}

// corsSignal reports whether a response carries any CORS response header
// or Vary: Origin (the server looks at Origin).
func corsSignal(r *evidence.Response) bool {
	for k := range r.Header {
		if strings.HasPrefix(k, "Access-Control-") {
			return true
		}
	}
	for _, v := range r.Header.Values("Vary") {
		if strings.Contains(strings.ToLower(v), "origin") || strings.Contains(v, "*") {
			return true
		}
	}
	return false
}

// probe sends the request a page at origin would make (or its preflight)
// and records it with the engine's verdict for a credentialed request.
func (st *state) probe(k Kind, origin string) (*evidence.Probe, error) {
	st.sent[origin] = true
	t := st.t
	h := make(http.Header, len(st.s.cfg.Header)+4)
	for name, vs := range st.s.cfg.Header {
		h[name] = append([]string(nil), vs...)
	}
	if h.Get("User-Agent") == "" {
		h.Set("User-Agent", UserAgent)
	}
	h.Set("Origin", origin)
	w := &wire{method: t.Method, url: t.URL, header: h}
	preflight := k == KindPreflight || k == KindPrivateNetwork || st.preflightOnly()
	if preflight {
		w.method = http.MethodOptions
		m := t.Method
		if k == KindPreflight {
			m = "PUT"
		}
		h.Set(cors.HeaderRequestMethod, m)
		if m == "POST" {
			// A simple POST needs no preflight; probe the one a JSON
			// call makes.
			h.Set(cors.HeaderRequestHeaders, "content-type")
		}
		if k == KindPreflight || k == KindPrivateNetwork || k == KindArbitrary {
			h.Set(cors.HeaderRequestPrivateNetwork, "true")
		}
	}
	u, _ := url.Parse(t.URL)
	p := evidence.Probe{Purpose: k.Purpose(), Sent: w.lines(u)}
	p.Request = cors.Request{Origin: origin, URL: t.URL, Method: t.Method, Credentials: cors.CredentialsInclude}
	if k == KindPreflight {
		p.Request.Method = "PUT"
	} else if preflight && t.Method == "POST" {
		p.Request.Headers = []cors.Header{{Name: "Content-Type", Value: "application/json"}}
	}
	start := time.Now()
	resp, n, err := st.s.c.do(st.ctx, w)
	st.requests += n
	p.Duration = time.Since(start)
	if err != nil {
		p.Err = err.Error()
		st.ex.Probes = append(st.ex.Probes, p)
		return nil, err
	}
	if !st.cors && corsSignal(resp) {
		st.cors = true
	}
	hop := evidence.Hop{URL: t.URL}
	if preflight {
		hop.Preflight = resp
	} else {
		hop.Response = resp
	}
	p.Hops = []evidence.Hop{hop}
	p.Result = cors.Evaluate(&p.Request, evidence.CORSHops(p.Hops)...)
	st.ex.Probes = append(st.ex.Probes, p)
	return &st.ex.Probes[len(st.ex.Probes)-1], nil
}
