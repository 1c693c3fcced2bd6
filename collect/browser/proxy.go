package browser

import (
	"bufio"
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/corsdoctor/corsdoctor/cors"
)

// proxy is the loopback HTTP proxy Firefox and WebKit are pointed at.
// Chromium maps hosts with --host-resolver-rules and reports its traffic
// through the DevTools protocol; the other two have neither, so the proxy
// does both jobs:
//
//   - it plays the page origins: a request for PagePath on a played origin
//     (http, or https through CONNECT with a throw-away certificate the
//     browser accepts because the session sets acceptInsecureCerts) gets
//     the blank page, as the origin servers do for Chromium;
//   - it maps hosts as Config.HostRules say ("MAP host[:port] ip[:port]")
//     and forwards everything else to its real address, and relays the
//     response byte for byte (on a connection of its own, so the browser
//     sees "Connection: close"), redirects not followed;
//   - it records every request the browser sent and the response it got,
//     which is what an Observation's hops hold.
//
// Upstream TLS is verified as a browser would (system roots, or
// Config.RootCAs): the browser only trusts the proxy's certificates
// because the proxy checked the real ones.
type proxy struct {
	ln      net.Listener
	srv     *http.Server
	origins map[string]bool // played origins (serialized)
	rules   []hostRule
	upTLS   *tls.Config // verifies the real servers
	extra   func(origin string, w http.ResponseWriter, r *http.Request) bool

	certMu sync.Mutex
	certs  map[string]*tls.Certificate

	mu      sync.Mutex
	guard   *credentialGuard // the run's, see setGuard
	records []*proxyRecord
	conns   map[net.Conn]struct{}
	closed  bool
}

// record is one request the browser sent through the proxy.
type proxyRecord struct {
	Method string
	URL    string
	// Sent are the request headers as the browser sent them.
	Sent   http.Header
	Status int
	Header http.Header
	Err    string
	done   bool
}

// hostRule is one "MAP pattern target" rule of Config.HostRules.
type hostRule struct {
	host, port string // pattern; port "" matches any
	to, toPort string // target; toPort "" keeps the port
}

// parseHostRules reads Chromium-style MAP rules: "MAP host[:port]
// ip[:port]". Other rule kinds are refused.
func parseHostRules(rules []string) ([]hostRule, error) {
	var out []hostRule
	for _, r := range rules {
		f := strings.Fields(r)
		if len(f) != 3 || !strings.EqualFold(f[0], "MAP") {
			return nil, fmt.Errorf("host rule %q: want \"MAP host[:port] address[:port]\"", r)
		}
		var hr hostRule
		hr.host, hr.port = splitHostPortLoose(f[1])
		hr.to, hr.toPort = splitHostPortLoose(f[2])
		out = append(out, hr)
	}
	return out, nil
}

// splitHostPortLoose splits "host:port", "[v6]:port" or "host".
func splitHostPortLoose(s string) (host, port string) {
	if h, p, err := net.SplitHostPort(s); err == nil {
		return strings.ToLower(h), p
	}
	return strings.ToLower(strings.Trim(s, "[]")), ""
}

// resolve applies the host rules to an authority "host:port".
func (p *proxy) resolve(authority string) string {
	host, port, err := net.SplitHostPort(authority)
	if err != nil {
		return authority
	}
	host = strings.ToLower(host)
	for _, r := range p.rules {
		if r.host == host && (r.port == "" || r.port == port) {
			if r.toPort != "" {
				port = r.toPort
			}
			return net.JoinHostPort(r.to, port)
		}
	}
	return authority
}

// startProxy listens on a free loopback port.
func startProxy(cfg Config, origins []string) (*proxy, error) {
	rules, err := parseHostRules(cfg.HostRules)
	if err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("proxy: listen on loopback: %w", err)
	}
	p := &proxy{ln: ln, origins: map[string]bool{}, rules: rules, certs: map[string]*tls.Certificate{}, conns: map[net.Conn]struct{}{}}
	for _, o := range origins {
		canon, err := CheckOrigin(o)
		if err != nil {
			ln.Close()
			return nil, err
		}
		if canon == cors.Null {
			canon = "http://" + NullHost
		}
		p.origins[canon] = true
	}
	p.upTLS = upstreamTLS(cfg)
	p.srv = &http.Server{Handler: http.HandlerFunc(p.serveProxy), ReadHeaderTimeout: 30 * time.Second,
		ConnState: p.track}
	go p.srv.Serve(ln)
	return p, nil
}

// Addr is the proxy's "127.0.0.1:port".
func (p *proxy) Addr() string { return p.ln.Addr().String() }

func (p *proxy) track(c net.Conn, s http.ConnState) {
	p.mu.Lock()
	defer p.mu.Unlock()
	switch s {
	case http.StateNew:
		p.conns[c] = struct{}{}
	case http.StateClosed, http.StateHijacked:
		delete(p.conns, c)
	}
}

func (p *proxy) close() {
	p.mu.Lock()
	p.closed = true
	conns := p.conns
	p.conns = map[net.Conn]struct{}{}
	p.mu.Unlock()
	p.srv.Close()
	for c := range conns {
		c.Close()
	}
}

// upstreamTLS verifies servers as a browser does (cfg.RootCAs or the
// system roots, the request's host name), and, like Chromium's
// --ignore-certificate-errors-spki-list, also accepts a certificate
// whose public key hash is in cfg.TrustSPKI.
func upstreamTLS(cfg Config) *tls.Config {
	trusted := map[string]bool{}
	for _, s := range cfg.TrustSPKI {
		trusted[s] = true
	}
	c := &tls.Config{RootCAs: cfg.RootCAs, MinVersion: tls.VersionTLS12}
	if len(trusted) == 0 {
		return c
	}
	c.InsecureSkipVerify = true // verified below, by the same rules plus TrustSPKI
	c.VerifyConnection = func(cs tls.ConnectionState) error {
		if len(cs.PeerCertificates) == 0 {
			return errors.New("no server certificate")
		}
		leaf := cs.PeerCertificates[0]
		if trusted[SPKIHash(leaf)] {
			return nil
		}
		inter := x509.NewCertPool()
		for _, ic := range cs.PeerCertificates[1:] {
			inter.AddCert(ic)
		}
		_, err := leaf.Verify(x509.VerifyOptions{Roots: cfg.RootCAs, Intermediates: inter, DNSName: cs.ServerName})
		return err
	}
	return c
}

// setGuard installs the credential guard of the run starting (nil: none).
func (p *proxy) setGuard(g *credentialGuard) {
	p.mu.Lock()
	p.guard = g
	p.mu.Unlock()
}

// mark returns the position from which since returns records.
func (p *proxy) mark() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return len(p.records)
}

// since returns copies of the records from mark on.
func (p *proxy) since(mark int) []proxyRecord {
	p.mu.Lock()
	defer p.mu.Unlock()
	var out []proxyRecord
	for _, r := range p.records[min(mark, len(p.records)):] {
		out = append(out, *r)
	}
	return out
}

// pending reports whether a request from mark on still waits for its
// response.
func (p *proxy) pending(mark int) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, r := range p.records[min(mark, len(p.records)):] {
		if !r.done {
			return true
		}
	}
	return false
}

func (p *proxy) add(r *proxyRecord) {
	p.mu.Lock()
	p.records = append(p.records, r)
	p.mu.Unlock()
}

func (p *proxy) finish(r *proxyRecord, status int, h http.Header, err error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	r.Status, r.Header, r.done = status, h, true
	if err != nil {
		r.Err = err.Error()
	}
}

// serveProxy handles the proxy protocol: CONNECT for https, absolute
// URLs for http.
func (p *proxy) serveProxy(w http.ResponseWriter, r *http.Request) {
	if r.Method == http.MethodConnect {
		p.connect(w, r)
		return
	}
	if r.URL.Scheme != "http" || r.URL.Host == "" {
		http.Error(w, "corsdoctor proxy: absolute http URL expected", http.StatusBadRequest)
		return
	}
	authority := r.URL.Host
	if _, _, err := net.SplitHostPort(authority); err != nil {
		authority = net.JoinHostPort(strings.Trim(authority, "[]"), "80")
	}
	p.handle(w, r, "http", authority)
}

// connect terminates TLS for the CONNECT target with a throw-away
// certificate and serves the requests inside as https.
func (p *proxy) connect(w http.ResponseWriter, r *http.Request) {
	authority := r.Host
	if _, _, err := net.SplitHostPort(authority); err != nil {
		authority = net.JoinHostPort(authority, "443")
	}
	hj, ok := w.(http.Hijacker)
	if !ok {
		http.Error(w, "corsdoctor proxy: cannot hijack", http.StatusInternalServerError)
		return
	}
	conn, buf, err := hj.Hijack()
	if err != nil {
		return
	}
	if _, err := conn.Write([]byte("HTTP/1.1 200 Connection Established\r\n\r\n")); err != nil {
		conn.Close()
		return
	}
	host, _, _ := net.SplitHostPort(authority)
	tconn := tls.Server(&bufferedConn{Conn: conn, r: buf.Reader}, &tls.Config{
		MinVersion: tls.VersionTLS12,
		NextProtos: []string{"http/1.1"},
		GetCertificate: func(hello *tls.ClientHelloInfo) (*tls.Certificate, error) {
			return p.cert(host)
		},
	})
	srv := &http.Server{
		Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			p.handle(w, r, "https", authority)
		}),
		ReadHeaderTimeout: 30 * time.Second,
	}
	l := newOneConnListener(tconn)
	srv.ConnState = func(c net.Conn, s http.ConnState) {
		if s == http.StateClosed || s == http.StateHijacked {
			l.Close()
		}
	}
	p.mu.Lock()
	closed := p.closed
	if !closed {
		p.conns[tconn] = struct{}{}
	}
	p.mu.Unlock()
	if closed {
		tconn.Close()
		return
	}
	go func() {
		// Serve returns when the connection is closed or hijacked; a
		// hijacking handler owns the connection and closes it when the
		// relayed response is written.
		srv.Serve(l)
		p.mu.Lock()
		delete(p.conns, tconn)
		p.mu.Unlock()
	}()
}

// cert returns the throw-away certificate for host, made once.
func (p *proxy) cert(host string) (*tls.Certificate, error) {
	p.certMu.Lock()
	defer p.certMu.Unlock()
	if c, ok := p.certs[host]; ok {
		return c, nil
	}
	c, _, err := selfSigned(host)
	if err != nil {
		return nil, err
	}
	p.certs[host] = &c
	return &c, nil
}

// handle serves one request for scheme://authority: the page of a played
// origin, or the real server's answer, relayed byte for byte.
func (p *proxy) handle(w http.ResponseWriter, r *http.Request, scheme, authority string) {
	origin := scheme + "://" + defaultPortless(scheme, authority)
	if p.extra != nil && strings.HasPrefix(r.URL.Path, "/__corsdoctor/") && p.extra(origin, w, r) {
		return
	}
	if p.origins[origin] {
		pageMux().ServeHTTP(w, r)
		return
	}
	if r.URL.Path == "/favicon.ico" {
		http.NotFound(w, r)
		return
	}
	rec := &proxyRecord{Method: r.Method, URL: scheme + "://" + defaultPortless(scheme, authority) + r.URL.RequestURI()}
	p.mu.Lock()
	guard := p.guard
	p.mu.Unlock()
	// The secret headers the user gave stay on their host (see
	// credentialGuard); the record keeps what was sent.
	guard.filter(rec.URL, r.Header)
	rec.Sent = r.Header.Clone()
	if rec.Sent == nil {
		rec.Sent = http.Header{}
	}
	p.add(rec)
	up, err := p.dial(r.Context(), scheme, authority)
	if err != nil {
		p.finish(rec, 0, nil, err)
		abort(w)
		return
	}
	defer up.Close()
	// The request goes out as the browser sent it, on a connection of its
	// own (Connection: close), so that the response can be relayed as raw
	// bytes: a parser (Go's included) would refuse or rewrite what the
	// browser has to judge, such as control bytes in a header value.
	out := &http.Request{Method: r.Method, URL: &url.URL{Path: r.URL.Path, RawPath: r.URL.RawPath, RawQuery: r.URL.RawQuery},
		Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1, Header: http.Header{}, Host: r.Host,
		Body: r.Body, ContentLength: r.ContentLength, Close: true}
	if out.URL.Path == "" {
		out.URL.Path = "/"
	}
	for k, vs := range r.Header {
		if !hopByHop(k) {
			out.Header[k] = append([]string(nil), vs...)
		}
	}
	if r.ContentLength == 0 {
		out.Body = nil
	}
	if _, ok := out.Header["User-Agent"]; !ok {
		out.Header["User-Agent"] = []string{""} // do not let Go add its own
	}
	if err := out.Write(up); err != nil {
		p.finish(rec, 0, nil, err)
		abort(w)
		return
	}
	br := bufio.NewReaderSize(up, 64<<10)
	head, status, hdr, err := readRawHead(br)
	if err != nil {
		p.finish(rec, 0, nil, err)
		abort(w)
		return
	}
	p.finish(rec, status, hdr, nil)
	hj, ok := w.(http.Hijacker)
	if !ok {
		return
	}
	conn, bw, err := hj.Hijack()
	if err != nil {
		return
	}
	defer conn.Close()
	bw.Write(head)
	bw.Flush()
	io.Copy(conn, br)
}

// dial connects to the real server of scheme://authority (after the host
// rules), with TLS verified as a browser verifies it.
func (p *proxy) dial(ctx context.Context, scheme, authority string) (net.Conn, error) {
	d := &net.Dialer{Timeout: 10 * time.Second}
	addr := p.resolve(authority)
	conn, err := d.DialContext(ctx, "tcp", addr)
	if err != nil {
		return nil, err
	}
	if scheme != "https" {
		return conn, nil
	}
	host, _, _ := net.SplitHostPort(authority)
	cfg := p.upTLS.Clone()
	cfg.ServerName = host
	cfg.NextProtos = []string{"http/1.1"}
	tc := tls.Client(conn, cfg)
	hctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := tc.HandshakeContext(hctx); err != nil {
		conn.Close()
		return nil, err
	}
	return tc, nil
}

// maxHead bounds a response head.
const maxHead = 1 << 20

// readRawHead reads a response head (status line to the empty line) as
// raw bytes and parses it leniently, as a browser does: a line without a
// colon is skipped and values keep every byte. 1xx interim responses are
// relayed and skipped.
func readRawHead(br *bufio.Reader) (raw []byte, status int, h http.Header, err error) {
	for {
		var head []byte
		h = http.Header{}
		first := true
		for {
			line, err := br.ReadSlice('\n')
			if err != nil && err != bufio.ErrBufferFull {
				return nil, 0, nil, fmt.Errorf("response head: %w", err)
			}
			head = append(head, line...)
			if len(head) > maxHead {
				return nil, 0, nil, errors.New("response head larger than 1 MiB")
			}
			if err == bufio.ErrBufferFull {
				continue
			}
			text := strings.TrimRight(string(line), "\r\n")
			if first {
				first = false
				f := strings.Fields(text)
				if len(f) < 2 || !strings.HasPrefix(f[0], "HTTP/") {
					return nil, 0, nil, fmt.Errorf("malformed status line %q", text)
				}
				if status, err = strconv.Atoi(f[1]); err != nil {
					return nil, 0, nil, fmt.Errorf("malformed status line %q", text)
				}
				continue
			}
			if text == "" {
				break
			}
			name, value, ok := strings.Cut(text, ":")
			name = strings.TrimRight(name, " \t")
			if !ok || name == "" || strings.ContainsAny(name, " \t") {
				continue
			}
			key := http.CanonicalHeaderKey(name)
			h[key] = append(h[key], strings.Trim(value, " \t"))
		}
		raw = append(raw, head...)
		if status >= 200 || status == 101 {
			return raw, status, h, nil
		}
	}
}

// abort closes the browser's connection without an answer, as the real
// server's failure would look to a browser connected directly.
func abort(w http.ResponseWriter) {
	if hj, ok := w.(http.Hijacker); ok {
		if c, _, err := hj.Hijack(); err == nil {
			c.Close()
			return
		}
	}
	panic(http.ErrAbortHandler)
}

func hopByHop(name string) bool {
	switch http.CanonicalHeaderKey(name) {
	case "Connection", "Proxy-Connection", "Keep-Alive", "Proxy-Authorization", "Proxy-Authenticate", "Te", "Trailer", "Transfer-Encoding", "Upgrade":
		return true
	}
	return false
}

// defaultPortless drops the scheme's default port from an authority.
func defaultPortless(scheme, authority string) string {
	host, port, err := net.SplitHostPort(authority)
	if err != nil {
		return strings.ToLower(authority)
	}
	if scheme == "http" && port == "80" || scheme == "https" && port == "443" {
		port = ""
	}
	host = strings.ToLower(host)
	if strings.Contains(host, ":") {
		host = "[" + host + "]"
	}
	if port == "" {
		return host
	}
	return host + ":" + port
}

// pageURLFor is the URL of the blank page of a played origin.
func pageURLFor(origin string) string {
	if origin == cors.Null {
		return "http://" + NullHost + PagePath + "?sandbox=1"
	}
	return origin + PagePath
}

// bufferedConn reads first what the hijacked server had buffered.
type bufferedConn struct {
	net.Conn
	r *bufio.Reader
}

func (c *bufferedConn) Read(b []byte) (int, error) { return c.r.Read(b) }

// oneConnListener hands out one connection, then blocks until closed.
type oneConnListener struct {
	conn   net.Conn
	once   sync.Once
	closed chan struct{}
	first  chan net.Conn
}

func newOneConnListener(c net.Conn) *oneConnListener {
	l := &oneConnListener{conn: c, closed: make(chan struct{}), first: make(chan net.Conn, 1)}
	l.first <- c
	return l
}

func (l *oneConnListener) Accept() (net.Conn, error) {
	select {
	case c := <-l.first:
		return c, nil
	case <-l.closed:
		return nil, net.ErrClosed
	}
}

func (l *oneConnListener) Close() error {
	l.once.Do(func() { close(l.closed) })
	return nil
}

func (l *oneConnListener) Addr() net.Addr { return l.conn.LocalAddr() }

// hopsOf turns proxy records into the hops of an Observation: a CORS
// preflight (OPTIONS with Access-Control-Request-Method) opens a hop, the
// actual request to the same URL completes it.
func hopsOf(recs []proxyRecord) []Hop {
	var hops []Hop
	for i := range recs {
		r := &recs[i]
		// A browser's own background request (update checks, remote
		// settings) carries neither Origin nor Referer; the page's do.
		if r.Sent.Get("Origin") == "" && r.Sent.Get("Referer") == "" {
			continue
		}
		ex := &Exchange{URL: r.URL, Method: r.Method, RequestHeaders: sentHeaders(r.Sent), Status: r.Status, Header: r.Header, Error: r.Err}
		if ex.Header == nil && ex.Status != 0 {
			ex.Header = http.Header{}
		}
		isPreflight := r.Method == http.MethodOptions && r.Sent.Get(cors.HeaderRequestMethod) != ""
		n := len(hops)
		switch {
		case isPreflight:
			hops = append(hops, Hop{URL: r.URL, Preflight: ex})
		case n > 0 && hops[n-1].Actual == nil && hops[n-1].URL == r.URL:
			hops[n-1].Actual = ex
		default:
			hops = append(hops, Hop{URL: r.URL, Actual: ex})
		}
	}
	return hops
}

// sentHeaders lists request headers sorted by name, as Chromium's
// observations do.
func sentHeaders(h http.Header) []cors.Header {
	var out []cors.Header
	for _, k := range sortedHeaderKeys(h) {
		for _, v := range h[k] {
			out = append(out, cors.Header{Name: k, Value: v})
		}
	}
	return out
}

func sortedHeaderKeys(h http.Header) []string {
	ks := make([]string, 0, len(h))
	for k := range h {
		ks = append(ks, k)
	}
	for i := 1; i < len(ks); i++ {
		for j := i; j > 0 && strings.ToLower(ks[j]) < strings.ToLower(ks[j-1]); j-- {
			ks[j], ks[j-1] = ks[j-1], ks[j]
		}
	}
	return ks
}
