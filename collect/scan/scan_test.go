package scan

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"regexp"
	"runtime"
	"slices"
	"sort"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/corsdoctor/corsdoctor/bench/scantarget"
	"github.com/corsdoctor/corsdoctor/cors"
	"github.com/corsdoctor/corsdoctor/diag"
	"github.com/corsdoctor/corsdoctor/evidence"
	"github.com/corsdoctor/corsdoctor/rules"
)

func newTarget(t testing.TB, cfg scantarget.Config) (*scantarget.Server, string) {
	t.Helper()
	st := scantarget.New(cfg)
	srv := httptest.NewServer(st)
	t.Cleanup(func() {
		st.Close()
		srv.CloseClientConnections()
		srv.Close()
	})
	return st, srv.URL
}

// judge runs the CD3xxx rules over a result, as the command does.
func judge(r *Result) []diag.Finding {
	if r.Exchange == nil {
		return nil
	}
	return diag.Run(rules.For(diag.NeedsScanProbes), &diag.Input{Exchanges: []*evidence.Exchange{r.Exchange}})
}

func ruleIDs(fs []diag.Finding) []string {
	ids := []string{}
	for _, f := range fs {
		if !slices.Contains(ids, f.RuleID) {
			ids = append(ids, f.RuleID)
		}
	}
	sort.Strings(ids)
	return ids
}

// setup is one way of serving the bench target: the attacker's page
// scheme it implies and the scanner configuration that reaches it.
type setup struct {
	name, page, base string
	cfg              Config
}

const namedHost = "api.example.test"

// setups serves a bench target three ways: on http://127.0.0.1 (loopback
// is potentially trustworthy: https attacker pages), and under the host
// name api.example.test, which the scanner's dialer maps to loopback,
// over http (http attacker pages) and over https with a throw-away
// certificate the scanner trusts. The http front end trusted by the
// http target is http://app.example.com.
func setups(t testing.TB, cfg scantarget.Config) []setup {
	t.Helper()
	_, loop := newTarget(t, cfg)
	cfgHTTP := cfg
	cfgHTTP.Trusted = "http://app.example.com"
	plain, err := scantarget.ServeNamed(scantarget.New(cfgHTTP), namedHost, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(plain.Close)
	cert, err := scantarget.NewCert(namedHost)
	if err != nil {
		t.Fatal(err)
	}
	tlsSrv, err := scantarget.ServeNamed(scantarget.New(cfg), namedHost, cert)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(tlsSrv.Close)
	return []setup{
		{"loopback-http", "https", loop, Config{Trusted: []string{scantarget.TrustedOrigin}}},
		{"named-http", "http", plain.URL, Config{Trusted: []string{cfgHTTP.Trusted}, Resolve: plain.Resolve}},
		{"named-https", "https", tlsSrv.URL, Config{Trusted: []string{scantarget.TrustedOrigin}, Resolve: tlsSrv.Resolve, RootCAs: cert.Pool}},
	}
}

// TestPolicies scans every bench policy over http on loopback, http on a
// host name and https on a host name: vulnerable ones raise exactly
// their rules, correct ones nothing, and every proof names the
// attacker's page when the target is http.
func TestPolicies(t *testing.T) {
	for _, su := range setups(t, scantarget.Config{}) {
		t.Run(su.name, func(t *testing.T) {
			cfg := su.cfg
			cfg.Timeout = 5 * time.Second
			s := New(cfg)
			defer s.Close()
			for _, p := range scantarget.Policies {
				t.Run(p.Name, func(t *testing.T) {
					tg, err := ParseTarget(su.base + "/p/" + p.Name)
					if err != nil {
						t.Fatal(err)
					}
					if got := PageScheme(tg.URL); got != su.page {
						t.Fatalf("PageScheme(%s) = %s, want %s", tg.URL, got, su.page)
					}
					r := s.Scan(context.Background(), tg)
					if r.Err != nil {
						t.Fatalf("scan error: %v", r.Err)
					}
					fs := judge(r)
					got := ruleIDs(fs)
					want := append([]string{}, p.RulesFor(su.page)...)
					sort.Strings(want)
					if !slices.Equal(got, want) {
						for _, f := range fs {
							t.Logf("%s %s: %s", f.RuleID, f.Severity, f.Detail)
						}
						t.Fatalf("rules = %v, want %v (%d requests)", got, want, r.Requests)
					}
					for _, f := range fs {
						proof := strings.Join(f.Evidence, "\n")
						if len(f.Evidence) < 3 || !strings.HasPrefix(f.Evidence[0], "request sent:") || !strings.Contains(proof, "verdict") {
							t.Errorf("%s: evidence lacks request, response or verdict: %q", f.RuleID, f.Evidence)
						}
						if strings.HasPrefix(su.base, "http:") && f.RuleID != "CD3014" && !strings.Contains(proof, "attacker's page: ") {
							t.Errorf("%s: the proof does not say which page the attacker uses: %q", f.RuleID, f.Evidence)
						}
						if su.page == "http" && f.RuleID != "CD3012" && strings.Contains(proof, "Origin: https://") {
							t.Errorf("%s: an https attacker page against an http target: %q", f.RuleID, f.Evidence)
						}
					}
					t.Logf("%s: %d requests, rules %v", p.Name, r.Requests, got)
				})
			}
		})
	}
}

// TestMixedContentGap: the reason an https attacker page finds nothing on
// a plain-http target. The engine blocks it as mixed content on a host
// name and lets it through on loopback, which is why the loopback tests
// never showed the gap; the scan attacks the named target from an http
// page and finds the reflection.
func TestMixedContentGap(t *testing.T) {
	echo := func(u string) cors.Result {
		req := cors.Request{Origin: ArbitraryOrigin, URL: u, Credentials: cors.CredentialsInclude}
		return cors.Evaluate(&req, cors.Hop{Response: &cors.Response{Status: 200, Header: http.Header{
			"Access-Control-Allow-Origin": {ArbitraryOrigin}, "Access-Control-Allow-Credentials": {"true"}}}})
	}
	if r := echo("http://api.example.test/p/reflect-creds"); r.Allowed || !strings.HasPrefix(r.Script, "Mixed Content:") {
		t.Fatalf("https page to an http host name: %+v, want mixed content", r)
	}
	if r := echo("http://127.0.0.1:8080/p/reflect-creds"); !r.Allowed {
		t.Fatalf("https page to http loopback: %+v, want allowed (potentially trustworthy)", r)
	}
	su := setups(t, scantarget.Config{})[1]
	s := New(su.cfg)
	defer s.Close()
	tg, _ := ParseTarget(su.base + "/p/reflect-creds")
	r := s.Scan(context.Background(), tg)
	fs := judge(r)
	if len(fs) == 0 || fs[0].RuleID != "CD3001" || fs[0].Severity != diag.Error || !strings.Contains(fs[0].Detail, ArbitraryHTTPOrigin) {
		t.Fatalf("findings %+v, want CD3001 error from %s", fs, ArbitraryHTTPOrigin)
	}
}

// TestRunOneResultPerTarget cancels a run midway: every target next
// yielded still gets exactly one result, and no goroutine is left.
func TestRunOneResultPerTarget(t *testing.T) {
	before := runtime.NumGoroutine()
	t.Run("run", func(t *testing.T) {
		_, base := newTarget(t, scantarget.Config{Latency: 5 * time.Millisecond})
		s := New(Config{Concurrency: 3, Timeout: 2 * time.Second})
		defer s.Close()
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		yielded := map[string]int{}
		i := 0
		next := func() (Target, bool) {
			if i == 200 {
				return Target{}, false
			}
			tg, _ := ParseTarget(fmt.Sprintf("%s/e/%d", base, i))
			i++
			yielded[tg.URL]++
			return tg, true
		}
		got := map[string]int{}
		interrupted := 0
		err := s.Run(ctx, next, func(r *Result) {
			got[r.Target.URL]++
			if r.Err != nil && errors.Is(r.Err, context.Canceled) {
				interrupted++
			}
			if len(got) == 20 {
				cancel()
			}
		})
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("Run = %v, want context.Canceled", err)
		}
		if len(got) != len(yielded) {
			t.Fatalf("%d targets yielded, %d got results", len(yielded), len(got))
		}
		for u, n := range got {
			if n != 1 || yielded[u] != 1 {
				t.Errorf("%s: %d results, yielded %d times", u, n, yielded[u])
			}
		}
		if interrupted == 0 {
			t.Error("no result carries the cancellation")
		}
	})
	deadline := time.Now().Add(2 * time.Second)
	for runtime.NumGoroutine() > before && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if n := runtime.NumGoroutine(); n > before {
		buf := make([]byte, 1<<16)
		t.Errorf("goroutines: %d before, %d after\n%s", before, n, buf[:runtime.Stack(buf, true)])
	}
}

// TestNoRedirectFollowed: a redirect to another host is evidence, never
// followed.
func TestNoRedirectFollowed(t *testing.T) {
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		t.Errorf("the scan followed a redirect to %s", r.URL)
	}))
	defer other.Close()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Access-Control-Allow-Origin", r.Header.Get("Origin"))
		http.Redirect(w, r, other.URL+"/x", http.StatusFound)
	}))
	defer srv.Close()
	s := New(Config{})
	defer s.Close()
	tg, _ := ParseTarget(srv.URL + "/r")
	r := s.Scan(context.Background(), tg)
	if r.Err != nil {
		t.Fatal(r.Err)
	}
	for _, f := range judge(r) {
		if f.RuleID == "CD3001" {
			t.Errorf("a redirect response proves no read access, got %s", f.Detail)
		}
	}
}

// TestRetries: a reset connection is retried twice, a timeout never.
func TestRetries(t *testing.T) {
	_, base := newTarget(t, scantarget.Config{SlowHeaders: 5 * time.Second})
	s := New(Config{Timeout: 200 * time.Millisecond, Backoff: time.Millisecond})
	defer s.Close()
	for _, tc := range []struct {
		path     string
		requests int
	}{{"/fault/reset", 3}, {"/fault/hang", 1}, {"/fault/slow-headers", 1}} {
		tg, _ := ParseTarget(base + tc.path)
		r := s.Scan(context.Background(), tg)
		if r.Err == nil || r.Requests != tc.requests {
			t.Errorf("%s: err %v, %d requests; want an error after %d", tc.path, r.Err, r.Requests, tc.requests)
		}
	}
}

func TestRateLimits(t *testing.T) {
	_, base := newTarget(t, scantarget.Config{})
	for _, cfg := range []Config{{PerHostRate: 20, Concurrency: 4}, {Rate: 20, Concurrency: 4}} {
		s := New(cfg)
		start := time.Now()
		n := 0
		for i := 0; i < 4; i++ {
			tg, _ := ParseTarget(base + "/p/reflect")
			n += s.Scan(context.Background(), tg).Requests
		}
		s.Close()
		// 8 requests at 20/s with a burst of 3 take at least (8-3)/20 s.
		if el := time.Since(start); el < 200*time.Millisecond {
			t.Errorf("%+v: %d requests took %s; the rate was not applied", cfg, n, el)
		}
	}
}

// TestHTTP2Reuse: over TLS the probes of a target share one HTTP/2
// connection; --insecure accepts a self-signed certificate.
func TestHTTP2Reuse(t *testing.T) {
	var conns atomic.Int64
	srv := httptest.NewUnstartedServer(scantarget.New(scantarget.Config{}))
	srv.EnableHTTP2 = true
	srv.Config.ErrorLog = log.New(io.Discard, "", 0) // the refused handshake
	srv.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			conns.Add(1)
		}
	}
	srv.StartTLS()
	defer srv.Close()
	tg, _ := ParseTarget(srv.URL + "/p/ok")

	strict := New(Config{Retries: -1})
	defer strict.Close()
	if r := strict.Scan(context.Background(), tg); r.Err == nil || !strings.Contains(r.Err.Error(), "certificate") {
		t.Fatalf("self-signed certificate accepted without --insecure: %v", r.Err)
	}
	conns.Store(0)
	s := New(Config{Insecure: true, Trusted: []string{scantarget.TrustedOrigin}})
	defer s.Close()
	r := s.Scan(context.Background(), tg)
	if r.Err != nil {
		t.Fatal(r.Err)
	}
	if proto := r.Exchange.Probes[0].Hops[0].Response.Proto; proto != "HTTP/2.0" {
		t.Errorf("proto %s, want HTTP/2.0", proto)
	}
	if n := conns.Load(); n != 1 || r.Requests < 10 {
		t.Errorf("%d requests over %d connections, want one connection", r.Requests, n)
	}
}

// TestSiblingsLearned: without --trusted-origin, the registrable domain
// and its www host are tried as legitimate origins, so a look-alike of
// www.example.com is found for a target on api.example.com.
func TestSiblingsLearned(t *testing.T) {
	re := regexp.MustCompile(`^http://www.example.com$`) // unescaped dot
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if o := r.Header.Get("Origin"); re.MatchString(o) {
			w.Header().Set("Access-Control-Allow-Origin", o)
			w.Header().Set("Access-Control-Allow-Credentials", "true")
		}
		w.Header().Set("Vary", "Origin")
	}))
	defer srv.Close()
	_, port, _ := net.SplitHostPort(srv.Listener.Addr().String())
	// Without --trusted-origin, and with one the allowlist does not
	// hold: the siblings are still learned.
	for _, trusted := range [][]string{nil, {"https://app.example.com"}} {
		s := New(Config{Trusted: trusted, Resolve: map[string]string{"api.example.com:" + port: srv.Listener.Addr().String()}})
		tg, _ := ParseTarget("http://api.example.com:" + port + "/me")
		r := s.Scan(context.Background(), tg)
		s.Close()
		if r.Err != nil {
			t.Fatal(r.Err)
		}
		if got := ruleIDs(judge(r)); !slices.Equal(got, []string{"CD3006"}) {
			t.Fatalf("trusted %v: rules %v, want [CD3006] (http://wwwxexample.com:%s)", trusted, got, port)
		}
	}
}

// TestPerHostRateHolds: with many workers and targets spread over ten
// hosts, no host ever gets more than its rate (plus the limiter's burst)
// within any second. An upper bound only: a slow machine only lowers
// the rates.
func TestPerHostRateHolds(t *testing.T) {
	st := scantarget.New(scantarget.Config{RecordTimes: true})
	defer st.Close()
	var bases []string
	for i := 0; i < 10; i++ {
		srv := httptest.NewServer(st)
		defer srv.Close()
		bases = append(bases, srv.URL)
	}
	const rate = 20.0
	s := New(Config{PerHostRate: rate, Concurrency: 50, Timeout: 10 * time.Second})
	defer s.Close()
	i := 0
	next := func() (Target, bool) {
		if i == 10*len(bases) {
			return Target{}, false
		}
		tg, _ := ParseTarget(fmt.Sprintf("%s/p/ok-none?i=%d", bases[i%len(bases)], i))
		i++
		return tg, true
	}
	requests := 0
	if err := s.Run(context.Background(), next, func(r *Result) {
		if r.Err != nil {
			t.Errorf("%s: %v", r.Target.URL, r.Err)
		}
		requests += r.Requests
	}); err != nil {
		t.Fatal(err)
	}
	peaks := st.PeakRates(time.Second)
	if len(peaks) != len(bases) || int(st.Requests()) != requests {
		t.Fatalf("%d hosts seen, %d requests received, %d sent", len(peaks), st.Requests(), requests)
	}
	// rate + burst, and half a second of slack for requests the loaded
	// machine delivered late, bunched with later ones; without the
	// limit, 50 workers send hundreds a second.
	limit := int(rate) + burst(rate) + int(rate/2)
	for host, n := range peaks {
		if n > limit {
			t.Errorf("%s got %d requests within one second; --per-host-rate %v/s allows %d", host, n, rate, limit)
		}
	}
	t.Logf("peak requests per host per second: %v", peaks)
}
