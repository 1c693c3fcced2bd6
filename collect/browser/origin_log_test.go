package browser

import (
	"bytes"
	"crypto/tls"
	"log"
	"net"
	"strings"
	"sync"
	"testing"
	"time"
)

type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// TestOriginServerLogs: what the page server logs (a broken handshake,
// a connection dropped before the HTTP/2 preface) goes to the debug
// output, never to the process's standard error (the standard logger),
// where it printed a stray "http2: server: error reading preface" line.
// Not parallel: it swaps the standard logger's output.
func TestOriginServerLogs(t *testing.T) {
	var std lockedBuffer
	prev := log.Writer()
	log.SetOutput(&std)
	defer log.SetOutput(prev)
	for _, debug := range []*lockedBuffer{{}, nil} {
		var w *lockedBuffer
		var s *originServer
		var err error
		if debug != nil {
			w = debug
			s, err = serveOrigin("https://app.example.com", w)
		} else {
			s, err = serveOrigin("https://app.example.com", nil)
		}
		if err != nil {
			t.Fatal(err)
		}
		f := strings.Fields(s.rule) // MAP host:port 127.0.0.1:PORT
		addr := f[len(f)-1]
		// A TLS client that speaks HTTP/2 and hangs up before the
		// preface, then one that sends garbage instead of a handshake.
		c, err := tls.Dial("tcp", addr, &tls.Config{InsecureSkipVerify: true, NextProtos: []string{"h2"}}) //nolint:gosec // test
		if err == nil {
			c.Write([]byte("not a preface"))
			c.Close()
		}
		raw, err := net.Dial("tcp", addr)
		if err == nil {
			raw.Write([]byte("GET / HTTP/1.1\r\n\r\n"))
			raw.Close()
		}
		if w != nil {
			deadline := time.Now().Add(30 * time.Second)
			for !strings.Contains(w.String(), "corsdoctor: origin server https://app.example.com: ") && time.Now().Before(deadline) {
				time.Sleep(10 * time.Millisecond)
			}
			if !strings.Contains(w.String(), "corsdoctor: origin server https://app.example.com: ") {
				t.Errorf("debug output = %q", w.String())
			}
		} else {
			time.Sleep(100 * time.Millisecond) // give a stray line the time to appear
		}
		s.close()
	}
	if got := std.String(); got != "" {
		t.Errorf("the origin server wrote to the standard logger: %q", got)
	}
}
