package scan

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"sort"
	"sync"
	"time"

	"github.com/corsdoctor/corsdoctor/cors"
	"github.com/corsdoctor/corsdoctor/diag"
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
	// Rules turn probes into findings (rules.Family("CD3")).
	Rules []*diag.Rule
	// Insecure skips TLS certificate verification (--insecure: targets
	// with self-signed certificates).
	Insecure bool
	// Transport replaces the default transport (tests).
	Transport *http.Transport
}

// Result is the outcome for one target: its probes as an exchange, the
// findings, and the number of requests sent.
type Result struct {
	Target   Target
	Exchange *evidence.Exchange
	Findings []diag.Finding
	Requests int
	// Err is set when the target could not be scanned to the end; the
	// findings proven before the failure are kept.
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
	jobs := make(chan Target)
	results := make(chan *Result, s.cfg.Concurrency)
	var wg sync.WaitGroup
	for i := 0; i < s.cfg.Concurrency; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for t := range jobs {
				results <- s.Scan(ctx, t)
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
				results <- &Result{Target: t, Err: ctx.Err()}
				return
			}
		}
	}()
	go func() {
		wg.Wait()
		close(results)
	}()
	for r := range results {
		emit(r)
	}
	return ctx.Err()
}

// Scan scans one target.
func (s *Scanner) Scan(ctx context.Context, t Target) *Result {
	start := time.Now()
	st := &state{s: s, ctx: ctx, t: t, sent: map[string]bool{}}
	st.ex = &evidence.Exchange{
		Request: cors.Request{URL: t.URL, Method: t.Method, Origin: ArbitraryOrigin, Credentials: cors.CredentialsInclude},
		Source:  evidence.Source{URL: t.URL},
	}
	err := st.run()
	res := &Result{Target: t, Exchange: st.ex, Requests: st.requests, Err: err}
	if err != nil {
		st.ex.Err = err.Error()
	}
	if len(s.cfg.Rules) > 0 {
		res.Findings = diag.Run(s.cfg.Rules, &diag.Input{Exchanges: []*evidence.Exchange{st.ex}})
	}
	for i := range st.ex.Probes {
		for _, h := range st.ex.Probes[i].Hops {
			if h.Response != nil {
				h.Response.Body = nil
			}
			if h.Preflight != nil {
				h.Preflight.Body = nil
			}
		}
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
	// arbACAO is what the arbitrary origin got: an origin echoed to every
	// probe with the same value is a static policy, not an echo.
	arbACAO string
}

// preflightOnly is true for targets whose method is not GET or HEAD: the
// scan never sends them (it could change data), only their preflight.
func (st *state) preflightOnly() bool { return st.t.Method != "GET" && st.t.Method != "HEAD" }

// errStop ends a scan early without being an error.
var errStop = errors.New("stop")

func (st *state) run() error {
	arb, err := st.probe(KindArbitrary, ArbitraryOrigin)
	if err != nil {
		return err
	}
	st.arbACAO = acao(arb)
	if !st.echoed(arb) {
		if err := st.variants(); err != nil {
			return err
		}
	}
	if !st.preflightOnly() {
		if _, err := st.probe(KindPreflight, ArbitraryOrigin); err != nil {
			return err
		}
	}
	return nil
}

// variants learns the legitimate origins (the target's own, the trusted
// ones), then tries attacker look-alikes of every origin the server
// echoes, skipping those an earlier answer makes redundant.
func (st *state) variants() error {
	var bases []base
	self, err := cors.OriginOf(st.t.URL)
	if err != nil {
		return err
	}
	legit := append([]string{self}, st.s.cfg.Trusted...)
	for i, o := range legit {
		kind := KindTrusted
		if i == 0 {
			kind = KindSelf
		}
		if st.sent[o] {
			continue
		}
		p, err := st.probe(kind, o)
		if err != nil {
			return err
		}
		if st.echoed(p) {
			if b, ok := parseBase(o); ok {
				bases = append(bases, b)
			}
		}
	}
	if sb, ok := parseBase(self); ok {
		for _, o := range sb.siblings() {
			if st.sent[o] {
				continue
			}
			p, err := st.probe(KindSibling, o)
			if err != nil {
				return err
			}
			if st.echoed(p) {
				if b, ok := parseBase(o); ok {
					bases = append(bases, b)
				}
			}
		}
	}
	if _, err := st.probe(KindNull, cors.Null); err != nil {
		return err
	}
	if len(bases) == 0 {
		// No origin is echoed: a fixed policy (none, *, one origin)
		// that no look-alike can change.
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
	// Trusted bases first: they are what the allowlist was written for.
	sort.SliceStable(bases, func(i, j int) bool { return bases[i].origin != self && bases[j].origin == self })
	for _, b := range bases {
		prefix, err := try(KindPrefix, b.prefix())
		if err != nil {
			return err
		}
		suffix, substring := false, false
		if b.rd != "" && !rds[b.rd] {
			rds[b.rd] = true
			if suffix, err = try(KindSuffix, b.suffix()); err != nil {
				return err
			}
			if prefix && suffix {
				if substring, err = try(KindSubstring, b.substring()); err != nil {
					return err
				}
			}
			if !suffix {
				if _, err = try(KindSubdomain, b.subdomain()); err != nil {
					return err
				}
				if _, err = try(KindDot, b.dot()); err != nil {
					return err
				}
			}
		}
		if !substring {
			if _, err = try(KindHTTP, b.http()); err != nil {
				return err
			}
		}
		if !prefix && !specialDone && !isIPv6(b.host) {
			specialDone = true
			for _, c := range SpecialChars {
				ok, err := try(KindSpecialChar, b.special(c))
				if err != nil {
					return err
				}
				if ok {
					break
				}
			}
		}
	}
	for _, o := range ThirdPartyOrigins {
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
	preflight := k == KindPreflight || st.preflightOnly()
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
		if k == KindPreflight || k == KindArbitrary {
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
