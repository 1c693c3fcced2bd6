// Package hostile is a loopback HTTP server that misbehaves on purpose,
// for the fault-injection tests of check, scan, browser and serve: what
// an attacker's or a broken server can send, each behaviour on its own
// path. It speaks raw HTTP/1.1 over TCP (one request per connection), so
// it can send what net/http would refuse to: control characters in the
// reason phrase, header lines without a colon, endless headers.
//
//	/ok            a correct CORS endpoint (the reference)
//	/ctl           terminal control sequences in the reason phrase (ESC,
//	               BEL, BS, CR), and C1 controls and bidi overrides in
//	               header values (HTTP allows them as obs-text)
//	/big-header    Access-Control-Allow-Origin: the origin followed by ?n=
//	               bytes (default 200 KiB), under the 256 KiB cap
//	/huge-headers  1 MiB of headers, over every cap
//	/malformed     a header line without a colon
//	/drip          the status line, then one byte of header every 100 ms
//	/reset         a TCP reset instead of a response
//	/loop          a redirect to itself, forever
//	/cross-host    a redirect to /collect on the other host (127.0.0.2)
//	/collect       a CORS answer; what it receives is recorded
//	/gzip-bomb     Content-Encoding: gzip, 4 GiB of zeros in 4 MiB
//
// Preflights (OPTIONS with Access-Control-Request-Method) of every path
// but /huge-headers, /malformed, /drip and /reset are granted: origin
// echoed, credentials allowed, the requested method and headers allowed,
// so the misbehaviour reaches the actual request.
package hostile

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"crypto/tls"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// Request is one request the server received.
type Request struct {
	Host   string // the listener's address (127.0.0.1:port or 127.0.0.2:port)
	Method string
	Path   string
	Header http.Header
}

// Server is the hostile server: two plain listeners on two loopback
// hosts, and two TLS ones.
type Server struct {
	// URL is http://127.0.0.1:PORT; OtherURL http://127.0.0.2:PORT, another
	// host for cookies and credentials.
	URL, OtherURL string
	// TLSURL serves the same paths over TLS with a certificate nobody
	// trusts; BadTLSURL is an https URL whose port speaks plain HTTP.
	TLSURL, BadTLSURL string

	mu       sync.Mutex
	received []Request
	// BombWritten counts the compressed bytes of /gzip-bomb written
	// before the client hung up.
	BombWritten atomic.Int64

	lns  []net.Listener
	tls  *httptest.Server
	done chan struct{}
	wg   sync.WaitGroup
}

// Start starts the server; it stops when the test ends. A test that
// cannot listen on 127.0.0.2 is skipped.
func Start(t testing.TB) *Server {
	t.Helper()
	s := &Server{done: make(chan struct{})}
	main, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	other, err := net.Listen("tcp", "127.0.0.2:0")
	if err != nil {
		main.Close()
		t.Skipf("127.0.0.2 is not available: %v", err)
	}
	plain, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s.lns = []net.Listener{main, other, plain}
	s.URL = "http://" + main.Addr().String()
	s.OtherURL = "http://" + other.Addr().String()
	s.BadTLSURL = "https://" + plain.Addr().String()
	for _, ln := range s.lns {
		s.wg.Add(1)
		go s.serve(ln)
	}
	// The TLS server presents a certificate nobody trusts: a correct
	// client refuses it before sending any request.
	s.tls = httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Access-Control-Allow-Origin", "*")
		io.WriteString(w, "reached over untrusted TLS")
	}))
	s.tls.TLS = &tls.Config{}
	s.tls.Config.ErrorLog = log.New(io.Discard, "", 0)
	s.tls.StartTLS()
	s.TLSURL = s.tls.URL
	t.Cleanup(s.Close)
	return s
}

// Close stops every listener and waits for the connections to end.
func (s *Server) Close() {
	select {
	case <-s.done:
		return
	default:
	}
	close(s.done)
	for _, ln := range s.lns {
		ln.Close()
	}
	s.tls.Close()
	s.wg.Wait()
}

// Received returns the requests received so far.
func (s *Server) Received() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Request(nil), s.received...)
}

// ReceivedOn returns the requests received by the listener of url (URL
// or OtherURL).
func (s *Server) ReceivedOn(url string) []Request {
	host := strings.TrimPrefix(strings.TrimPrefix(url, "http://"), "https://")
	var out []Request
	for _, r := range s.Received() {
		if r.Host == host {
			out = append(out, r)
		}
	}
	return out
}

func (s *Server) serve(ln net.Listener) {
	defer s.wg.Done()
	for {
		c, err := ln.Accept()
		if err != nil {
			return
		}
		s.wg.Add(1)
		go func() {
			defer s.wg.Done()
			defer c.Close()
			stop := make(chan struct{})
			defer close(stop)
			go func() {
				select {
				case <-s.done:
					c.Close()
				case <-stop:
				}
			}()
			s.handle(c, ln.Addr().String())
		}()
	}
}

func (s *Server) handle(c net.Conn, host string) {
	c.SetDeadline(time.Now().Add(2 * time.Minute))
	br := bufio.NewReader(c)
	req, err := http.ReadRequest(br)
	if err != nil {
		if s.isPlain(host) {
			// A TLS ClientHello is not HTTP: answer in plain text.
			io.WriteString(c, "HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n")
		}
		return
	}
	s.mu.Lock()
	s.received = append(s.received, Request{Host: host, Method: req.Method, Path: req.URL.Path, Header: req.Header.Clone()})
	s.mu.Unlock()
	if s.isPlain(host) {
		// An https:// URL on this port: whatever arrives, answer in
		// plain HTTP (the client meant to start a TLS handshake).
		io.WriteString(c, "HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n")
		return
	}
	origin := req.Header.Get("Origin")
	if origin == "" {
		origin = "*"
	}
	cors := "Access-Control-Allow-Origin: " + origin + "\r\nAccess-Control-Allow-Credentials: true\r\nVary: Origin\r\n"
	path := req.URL.Path
	if req.Method == http.MethodOptions && req.Header.Get("Access-Control-Request-Method") != "" {
		switch path {
		case "/huge-headers", "/malformed", "/drip", "/reset":
		default:
			allow := cors + "Access-Control-Allow-Methods: " + req.Header.Get("Access-Control-Request-Method") + "\r\n"
			if h := req.Header.Get("Access-Control-Request-Headers"); h != "" {
				allow += "Access-Control-Allow-Headers: " + h + "\r\n"
			}
			write(c, "HTTP/1.1 204 No Content\r\n"+allow+"Connection: close\r\n\r\n")
			return
		}
	}
	switch path {
	case "/ok", "/collect":
		write(c, "HTTP/1.1 200 OK\r\n"+cors+"Content-Length: 2\r\nConnection: close\r\n\r\nok")
	case "/ctl":
		// The reason phrase is not parsed by clients: anything goes.
		write(c, "HTTP/1.1 200 OK\x1b]0;owned\x07\x1b[2J\x1b[H\b\b\rALLOWED\r\n"+
			"Access-Control-Allow-Origin: https://evil.example\u009b2J\u202egnp.\r\n"+
			"X-Note: \u202eexe.txt\u009d\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
	case "/big-header":
		n := 200 << 10
		if v, err := strconv.Atoi(req.URL.Query().Get("n")); err == nil && v > 0 && v < 16<<20 {
			n = v
		}
		write(c, "HTTP/1.1 200 OK\r\nAccess-Control-Allow-Origin: "+origin+strings.Repeat("b", n)+"\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
	case "/huge-headers":
		var b strings.Builder
		b.WriteString("HTTP/1.1 200 OK\r\n")
		for i := 0; b.Len() < 1<<20; i++ {
			fmt.Fprintf(&b, "X-Filler-%d: %s\r\n", i, strings.Repeat("f", 1000))
		}
		b.WriteString("Content-Length: 0\r\nConnection: close\r\n\r\n")
		write(c, b.String())
	case "/malformed":
		write(c, "HTTP/1.1 200 OK\r\nAccess-Control-Allow-Or\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
	case "/drip":
		write(c, "HTTP/1.1 200 OK\r\n")
		for {
			select {
			case <-s.done:
				return
			case <-time.After(100 * time.Millisecond):
			}
			if _, err := c.Write([]byte{'X'}); err != nil {
				return
			}
		}
	case "/reset":
		if tc, ok := c.(*net.TCPConn); ok {
			tc.SetLinger(0) // close sends RST
		}
	case "/loop":
		write(c, "HTTP/1.1 302 Found\r\n"+cors+"Location: /loop\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
	case "/cross-host":
		write(c, "HTTP/1.1 302 Found\r\n"+cors+"Location: "+s.OtherURL+"/collect\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
	case "/gzip-bomb":
		write(c, "HTTP/1.1 200 OK\r\n"+cors+"Content-Encoding: gzip\r\nContent-Type: text/plain\r\nConnection: close\r\n\r\n")
		member := bombMember()
		for i := 0; i < bombMembers; i++ {
			n, err := c.Write(member)
			s.BombWritten.Add(int64(n))
			if err != nil {
				return
			}
		}
	default:
		write(c, "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
	}
}

func (s *Server) isPlain(host string) bool {
	return "https://"+host == s.BadTLSURL
}

func write(c net.Conn, s string) { c.Write([]byte(s)) } //nolint:errcheck // the client may hang up: that is its right

// The gzip bomb: bombMembers gzip members of 16 MiB of zeros each (a
// gzip stream may hold several members), 4 GiB in about 4 MiB.
const bombMembers = 256

// BombSize is the compressed size of /gzip-bomb's body.
func BombSize() int64 { return int64(len(bombMember())) * bombMembers }

var bomb struct {
	once sync.Once
	b    []byte
}

func bombMember() []byte {
	bomb.once.Do(func() {
		var buf bytes.Buffer
		zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
		zeros := make([]byte, 1<<20)
		for i := 0; i < 16; i++ {
			zw.Write(zeros)
		}
		zw.Close()
		bomb.b = buf.Bytes()
	})
	return bomb.b
}
