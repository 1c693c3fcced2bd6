package browser

import (
	"bufio"
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/corsdoctor/corsdoctor/cors"
)

func TestParseHostRules(t *testing.T) {
	t.Parallel()
	rules, err := parseHostRules([]string{"MAP api.example.test 127.0.0.1", "map app.example.test:80 127.0.0.1:8080", "MAP [::1]:443 [::1]:8443"})
	if err != nil {
		t.Fatal(err)
	}
	p := &proxy{rules: rules}
	for _, tc := range []struct{ in, want string }{
		{"api.example.test:8080", "127.0.0.1:8080"},
		{"API.example.test:443", "127.0.0.1:443"},
		{"app.example.test:80", "127.0.0.1:8080"},
		{"app.example.test:81", "app.example.test:81"},
		{"[::1]:443", "[::1]:8443"},
		{"other.test:80", "other.test:80"},
	} {
		if got := p.resolve(tc.in); got != tc.want {
			t.Errorf("resolve(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
	for _, bad := range []string{"EXCLUDE a.test", "MAP a.test", "MAP a b c"} {
		if _, err := parseHostRules([]string{bad}); err == nil || !strings.Contains(err.Error(), "MAP host") {
			t.Errorf("parseHostRules(%q) error = %v, want the expected form", bad, err)
		}
	}
}

// rawServer answers every connection with resp, byte for byte, after
// reading the request head.
func rawServer(t *testing.T, resp string) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				br := bufio.NewReader(c)
				for {
					l, err := br.ReadString('\n')
					if err != nil || l == "\r\n" {
						break
					}
				}
				io.WriteString(c, resp)
			}()
		}
	}()
	return ln.Addr().String()
}

// TestProxyRelaysRawBytes: header values a Go client would refuse
// (control bytes), repeated lines and odd spellings reach the browser
// exactly as the server sent them, and are recorded as lines.
func TestProxyRelaysRawBytes(t *testing.T) {
	t.Parallel()
	const resp = "HTTP/1.1 200 OK\r\nAccess-Control-Allow-Origin: http://app.test\x01\r\nx-dup: 1\r\nX-Dup: 2\r\nbroken line\r\nContent-Length: 2\r\n\r\nok"
	addr := rawServer(t, resp)
	p, err := startProxy(Config{HostRules: []string{"MAP api.test " + addr}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer p.close()
	c, err := net.Dial("tcp", p.Addr())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	io.WriteString(c, "GET http://api.test/x?y=1 HTTP/1.1\r\nHost: api.test\r\nOrigin: http://app.test\r\n\r\n")
	c.SetReadDeadline(time.Now().Add(10 * time.Second))
	got, err := io.ReadAll(c)
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != resp {
		t.Errorf("the browser got\n%q\nwant\n%q", got, resp)
	}
	recs := p.since(0)
	if len(recs) != 1 {
		t.Fatalf("%d records, want 1", len(recs))
	}
	r := recs[0]
	if r.URL != "http://api.test/x?y=1" || r.Method != "GET" || r.Status != 200 || r.Sent.Get("Origin") != "http://app.test" {
		t.Errorf("record %+v", r)
	}
	if got := r.Header["Access-Control-Allow-Origin"]; len(got) != 1 || got[0] != "http://app.test\x01" {
		t.Errorf("recorded ACAO %q", got)
	}
	if got := r.Header["X-Dup"]; len(got) != 2 {
		t.Errorf("recorded X-Dup %q, want two lines", got)
	}
}

// TestProxyPlaysOriginsAndVerifiesTLS: a played https origin gets the blank
// page through CONNECT; a forwarded https host is verified, and accepted
// through TrustSPKI only.
func TestProxyPlaysOriginsAndVerifiesTLS(t *testing.T) {
	t.Parallel()
	up := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Access-Control-Allow-Origin", "*")
		io.WriteString(w, "api")
	}))
	defer up.Close()
	rule := "MAP api.test " + up.Listener.Addr().String()
	client := func(p *proxy) *http.Client {
		pu, _ := url.Parse("http://" + p.Addr())
		return &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{Proxy: http.ProxyURL(pu),
			TLSClientConfig: &tls.Config{InsecureSkipVerify: true}}} // the browser's acceptInsecureCerts
	}
	p, err := startProxy(Config{HostRules: []string{rule}, TrustSPKI: []string{SPKIHash(up.Certificate())}}, []string{"https://app.test", "null"})
	if err != nil {
		t.Fatal(err)
	}
	defer p.close()
	c := client(p)
	for _, u := range []string{"https://app.test" + PagePath, "http://" + NullHost + PagePath + "?sandbox=1"} {
		resp, err := c.Get(u)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 || !strings.Contains(string(body), "corsdoctor") {
			t.Errorf("%s: %d %q", u, resp.StatusCode, body)
		}
	}
	resp, err := c.Get("https://api.test/items")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if string(body) != "api" || resp.Header.Get("Access-Control-Allow-Origin") != "*" {
		t.Errorf("forwarded: %d %q %v", resp.StatusCode, body, resp.Header)
	}
	if recs := p.since(0); len(recs) != 1 || recs[0].URL != "https://api.test/items" || recs[0].Status != 200 {
		t.Errorf("records %+v, want the API request only", recs)
	}

	// Without TrustSPKI the test certificate fails verification, as it
	// would in a browser: the connection is dropped, nothing is relayed.
	q, err := startProxy(Config{HostRules: []string{rule}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer q.close()
	if resp, err := client(q).Get("https://api.test/items"); err == nil {
		resp.Body.Close()
		t.Fatalf("an unverified server was relayed: %d", resp.StatusCode)
	}
	if recs := q.since(0); len(recs) != 1 || recs[0].Err == "" || recs[0].Status != 0 {
		t.Errorf("records %+v, want one failed exchange", recs)
	}
}

func TestHopsOf(t *testing.T) {
	t.Parallel()
	page := http.Header{"Origin": {"http://app.test"}}
	pfHeader := http.Header{"Origin": {"http://app.test"}, "Access-Control-Request-Method": {"PUT"}}
	recs := []proxyRecord{
		{Method: "GET", URL: "https://update.example/v1", Sent: http.Header{"User-Agent": {"x"}}}, // the browser's own
		{Method: "OPTIONS", URL: "http://api.test/a", Sent: pfHeader, Status: 204, Header: http.Header{}},
		{Method: "PUT", URL: "http://api.test/a", Sent: page, Status: 307, Header: http.Header{"Location": {"http://api.test/b"}}},
		{Method: "PUT", URL: "http://api.test/b", Sent: page, Status: 200, Header: http.Header{}},
		{Method: "OPTIONS", URL: "http://api.test/c", Sent: http.Header{"Referer": {"http://app.test/"}}, Status: 200}, // an actual OPTIONS request
	}
	hops := hopsOf(recs)
	if len(hops) != 3 {
		t.Fatalf("%d hops, want 3: %+v", len(hops), hops)
	}
	if hops[0].Preflight == nil || hops[0].Actual == nil || hops[0].Actual.Status != 307 {
		t.Errorf("hop 0 %+v", hops[0])
	}
	if hops[1].Preflight != nil || hops[1].Actual == nil || hops[1].URL != "http://api.test/b" {
		t.Errorf("hop 1 %+v", hops[1])
	}
	if hops[2].Preflight != nil || hops[2].Actual == nil || hops[2].Actual.Method != "OPTIONS" {
		t.Errorf("hop 2 %+v", hops[2])
	}
	if v, _ := hops[0].Preflight.RequestHeader(cors.HeaderRequestMethod); v != "PUT" {
		t.Errorf("preflight request headers %v", hops[0].Preflight.RequestHeaders)
	}
}

func TestReadRawHead(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		desc, in string
		status   int
		header   http.Header
		errHas   string
	}{
		{desc: "plain", in: "HTTP/1.1 204 No Content\r\nA: 1\r\n\r\n", status: 204, header: http.Header{"A": {"1"}}},
		{desc: "interim response first", in: "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nB:  x \r\n\r\nbody", status: 200, header: http.Header{"B": {"x"}}},
		{desc: "lenient lines", in: "HTTP/1.0 302 Found\nLocation: /x\nno colon\nbad name: v\n\n", status: 302, header: http.Header{"Location": {"/x"}}},
		{desc: "not HTTP", in: "SSH-2.0-OpenSSH\r\n\r\n", errHas: "malformed status line"},
		{desc: "truncated", in: "HTTP/1.1 200 OK\r\nA: 1\r\n", errHas: "response head"},
	} {
		t.Run(tc.desc, func(t *testing.T) {
			raw, status, h, err := readRawHead(bufio.NewReader(strings.NewReader(tc.in)))
			if tc.errHas != "" {
				if err == nil || !strings.Contains(err.Error(), tc.errHas) {
					t.Fatalf("error %v, want %q", err, tc.errHas)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if status != tc.status || !headerEqual(h, tc.header) || !strings.HasPrefix(tc.in, string(raw)) {
				t.Errorf("status %d header %v raw %q", status, h, raw)
			}
		})
	}
}

func headerEqual(a, b http.Header) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if strings.Join(v, "\n") != strings.Join(b[k], "\n") {
			return false
		}
	}
	return true
}

// FuzzReadRawHead: any input gives a head or an error, never a panic, and
// the raw head is a prefix of the input.
func FuzzReadRawHead(f *testing.F) {
	for _, s := range []string{"HTTP/1.1 200 OK\r\n\r\n", "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 204 x\r\nA:b\r\n\r\n", "HTTP/1.1 x\r\n", "", "\n\n"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		raw, _, _, err := readRawHead(bufio.NewReader(strings.NewReader(in)))
		if err == nil && !bytes.HasPrefix([]byte(in), raw) {
			t.Fatalf("raw head %q is not a prefix of the input", raw)
		}
	})
}

func TestParseConsoleLine(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		in                  string
		ok                  bool
		source, level, text string
	}{
		{"CONSOLE SECURITY ERROR Origin http://a is not allowed by Access-Control-Allow-Origin. Status code: 200", true, "SECURITY", "ERROR", "Origin http://a is not allowed by Access-Control-Allow-Origin. Status code: 200"},
		{"http://a/page:1:35: CONSOLE LOG hello", true, "CONSOLEAPI", "LOG", "hello"},
		{"https://a/w:33:24: CONSOLE SECURITY WARN [blocked] The page at x", true, "SECURITY", "WARN", "[blocked] The page at x"},
		{"CONSOLE JS ERROR Fetch API cannot load http://b/ due to access control checks.", true, "JS", "ERROR", "Fetch API cannot load http://b/ due to access control checks."},
		{"(MiniBrowser:1): Gtk-WARNING **: cannot open display", false, "", "", ""},
		{"", false, "", "", ""},
	} {
		l, ok := parseConsoleLine(tc.in)
		if ok != tc.ok || l.Source != tc.source || l.Level != tc.level || l.Text != tc.text {
			t.Errorf("parseConsoleLine(%q) = %+v, %v", tc.in, l, ok)
		}
	}
}

func FuzzParseConsoleLine(f *testing.F) {
	for _, s := range []string{"CONSOLE JS ERROR x", "a:1:2: CONSOLE LOG y", "CONSOLE", ": CONSOLE A B C D"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		if l, ok := parseConsoleLine(in); ok && !strings.HasSuffix(in, l.Text) {
			t.Fatalf("text %q is not the end of %q", l.Text, in)
		}
	})
}

func TestMissingEngines(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("FIREFOX_PATH", filepath.Join(dir, "firefox"))
	t.Setenv("WEBKIT_WEBDRIVER", filepath.Join(dir, "WebKitWebDriver"))
	for _, tc := range []struct {
		e       cors.Engine
		is      error
		install string
	}{
		{cors.Firefox, ErrNoFirefox, "firefox-esr"},
		{cors.WebKit, ErrNoWebKit, "webkit2gtk-driver xvfb"},
	} {
		_, err := StartEngine(context.Background(), tc.e, Config{})
		var nb *NoBrowserError
		if !errors.Is(err, tc.is) || !errors.As(err, &nb) || !strings.Contains(nb.Install, tc.install) || !IsNoBrowser(err) {
			t.Errorf("%s: error %v, want %v with an install command", tc.e, err, tc.is)
		}
	}
	_, err := StartFirefox(context.Background(), Config{ExecPath: filepath.Join(dir, "nope")})
	if !errors.Is(err, ErrNoFirefox) {
		t.Errorf("StartFirefox with a missing ExecPath: %v", err)
	}
}

func TestFirefoxPrefs(t *testing.T) {
	t.Parallel()
	prefs := firefoxPrefs("127.0.0.1:4321")
	for _, want := range []string{
		`user_pref("network.proxy.type", 1);`,
		`user_pref("network.proxy.http", "127.0.0.1");`,
		`user_pref("network.proxy.ssl_port", 4321);`,
		`user_pref("network.proxy.allow_hijacking_localhost", true);`,
		`user_pref("dom.security.https_first", false);`,
	} {
		if !strings.Contains(prefs, want) {
			t.Errorf("prefs lack %s", want)
		}
	}
}

// TestProxyCredentialGuard: the secret headers the user gave for the
// URL's host do not reach another host (Firefox and WebKit runs get the
// guard Chromium runs have).
func TestProxyCredentialGuard(t *testing.T) {
	t.Parallel()
	var seen []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		seen = append(seen, r.Host+" "+r.Header.Get("X-Api-Key"))
	}))
	defer srv.Close()
	addr := srv.Listener.Addr().String()
	p, err := startProxy(Config{HostRules: []string{"MAP api.test " + addr, "MAP evil.test " + addr}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer p.close()
	g := newCredentialGuard(Request{URL: "http://api.test/items", Headers: []cors.Header{{Name: "X-Api-Key", Value: "k"}}})
	p.setGuard(g)
	pu, _ := url.Parse("http://" + p.Addr())
	c := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{Proxy: http.ProxyURL(pu)}}
	for _, u := range []string{"http://api.test/items", "http://evil.test/steal"} {
		req, _ := http.NewRequest("GET", u, nil)
		req.Header.Set("X-Api-Key", "k")
		resp, err := c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
	}
	if len(seen) != 2 || seen[0] != "api.test k" || seen[1] != "evil.test " {
		t.Errorf("the servers saw %q", seen)
	}
	if w := g.withheld(); len(w) != 1 || w[0].URL != "http://evil.test/steal" || w[0].Headers[0] != "X-Api-Key" {
		t.Errorf("withheld %+v", w)
	}
	if recs := p.since(0); len(recs) != 2 || recs[1].Sent.Get("X-Api-Key") != "" {
		t.Errorf("records %+v", recs)
	}
}
