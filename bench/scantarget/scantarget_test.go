package scantarget

import (
	"context"
	"crypto/tls"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

func get(t *testing.T, url, origin string) *http.Response {
	t.Helper()
	req, _ := http.NewRequest("GET", url, nil)
	if origin != "" {
		req.Header.Set("Origin", origin)
	}
	c := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }, Timeout: 2 * time.Second}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp
}

func TestServer(t *testing.T) {
	st := New(Config{})
	srv := httptest.NewServer(st)
	defer srv.Close()
	defer st.Close()
	for _, tc := range []struct {
		desc, path, origin string
		status             int
		acao               string
	}{
		{"allowlist, trusted", "/p/ok", TrustedOrigin, 200, TrustedOrigin},
		{"allowlist, attacker", "/p/ok", "https://evil.example", 200, ""},
		{"reflect", "/p/reflect", "https://evil.example", 200, "https://evil.example"},
		{"bulk endpoint 4 is policy 4", "/e/4", "https://evil.example", 200, "https://evil.example"},
		{"bulk endpoint wraps", "/e/" + itoa(len(Policies)), TrustedOrigin, 200, TrustedOrigin},
		{"unknown policy", "/p/nope", "", 404, ""},
		{"unknown path", "/x", "", 404, ""},
		{"redirect loop", "/fault/redirect-loop", "", 302, ""},
	} {
		t.Run(tc.desc, func(t *testing.T) {
			resp := get(t, srv.URL+tc.path, tc.origin)
			if resp.StatusCode != tc.status || resp.Header.Get("Access-Control-Allow-Origin") != tc.acao {
				t.Fatalf("%d %q, want %d %q", resp.StatusCode, resp.Header.Get("Access-Control-Allow-Origin"), tc.status, tc.acao)
			}
		})
	}
	if st.Requests() != 8 {
		t.Errorf("Requests() = %d, want 8", st.Requests())
	}
	for _, p := range Policies {
		if p.Vulnerable != (len(p.Rules) > 0) || strings.HasPrefix(p.Name, "ok") == p.Vulnerable {
			t.Errorf("%s: Vulnerable %v with rules %v", p.Name, p.Vulnerable, p.Rules)
		}
	}
}

func itoa(n int) string { return strconv.Itoa(n) }

func TestTrustedFrontEnd(t *testing.T) {
	st := New(Config{Trusted: "http://app.example.com"})
	srv := httptest.NewServer(st)
	defer srv.Close()
	defer st.Close()
	for _, tc := range []struct{ path, origin, acao string }{
		{"/p/ok", "http://app.example.com", "http://app.example.com"},
		{"/p/ok", TrustedOrigin, ""},
		{"/p/unescaped-dot", "http://appxexample.com", "http://appxexample.com"},
		{"/p/suffix", "http://evil-example.com", "http://evil-example.com"},
		{"/p/suffix", "https://evil-example.com", ""},
		{"/p/special-char", "http://app.example.com_.evil.net", "http://app.example.com_.evil.net"},
		{"/p/ok-none", "http://app.example.com", ""},
	} {
		resp := get(t, srv.URL+tc.path, tc.origin)
		if got := resp.Header.Get("Access-Control-Allow-Origin"); got != tc.acao {
			t.Errorf("%s from %s: ACAO %q, want %q", tc.path, tc.origin, got, tc.acao)
		}
		if tc.path == "/p/ok-none" && resp.Header.Get("Vary") != "" {
			t.Errorf("ok-none sends Vary %q: it knows nothing of CORS", resp.Header.Get("Vary"))
		}
	}
}

func TestServeNamedTLS(t *testing.T) {
	cert, err := NewCert("api.example.test")
	if err != nil {
		t.Fatal(err)
	}
	n, err := ServeNamed(New(Config{}), "api.example.test", cert)
	if err != nil {
		t.Fatal(err)
	}
	defer n.Close()
	dial := func(ctx context.Context, network, addr string) (net.Conn, error) {
		return (&net.Dialer{}).DialContext(ctx, network, n.Resolve[addr])
	}
	for _, trusted := range []bool{true, false} {
		tr := &http.Transport{DialContext: dial, TLSClientConfig: &tls.Config{}}
		if trusted {
			tr.TLSClientConfig.RootCAs = cert.Pool
		}
		resp, err := (&http.Client{Transport: tr, Timeout: 5 * time.Second}).Get(n.URL + "/p/ok")
		switch {
		case trusted && (err != nil || resp.StatusCode != 200):
			t.Fatalf("with the throw-away CA: %v", err)
		case !trusted && err == nil:
			t.Fatal("the certificate was accepted without its CA")
		}
		if resp != nil {
			resp.Body.Close()
		}
	}
	if !strings.HasPrefix(n.URL, "https://api.example.test:") {
		t.Errorf("URL %s", n.URL)
	}
	if _, err := NewCert(); err == nil {
		t.Error("a certificate without a name")
	}
}

func TestPeakRates(t *testing.T) {
	st := New(Config{RecordTimes: true})
	srv := httptest.NewServer(st)
	defer srv.Close()
	defer st.Close()
	for i := 0; i < 5; i++ {
		get(t, srv.URL+"/p/ok", "")
	}
	host := strings.TrimPrefix(srv.URL, "http://")
	if got := st.PeakRates(time.Hour); got[host] != 5 {
		t.Fatalf("PeakRates = %v, want 5 for %s", got, host)
	}
	if got := st.PeakRates(time.Nanosecond); got[host] != 1 {
		t.Fatalf("PeakRates(1ns) = %v, want 1", got)
	}
	st.ResetTimes()
	if got := st.PeakRates(time.Hour); len(got) != 0 {
		t.Fatalf("after ResetTimes: %v", got)
	}
}

func TestWildMix(t *testing.T) {
	mix := WildMix()
	n := map[bool]int{}
	none := 0
	for _, name := range mix {
		p, ok := PolicyByName(name)
		if !ok {
			t.Fatalf("unknown policy %s", name)
		}
		n[p.Vulnerable]++
		if name == "ok-none" {
			none++
		}
	}
	if len(mix) != 60 || n[true] != 24 || none != 30 {
		t.Fatalf("%d targets, %d vulnerable, %d without CORS; want 60, 24, 30", len(mix), n[true], none)
	}
	for _, p := range Policies {
		if !slices.Contains(mix, p.Name) {
			t.Errorf("%s is not in the mix", p.Name)
		}
	}
}
