package scan

import (
	"bytes"
	"strings"
	"testing"
	"time"
)

// TestParseResolve: host names are matched case-insensitively, IPv6
// addresses come in brackets.
func TestParseResolve(t *testing.T) {
	t.Parallel()
	m, err := ParseResolve([]string{"API.example.test:8443:[::1]", "b.example:80:10.0.0.2"})
	if err != nil || m["api.example.test:8443"] != "[::1]:8443" || m["b.example:80"] != "10.0.0.2:80" {
		t.Fatalf("ParseResolve = %v, %v", m, err)
	}
}

func TestProgress(t *testing.T) {
	var buf bytes.Buffer
	w := &writer{errOut: &buf}
	w.requests.Add(30)
	w.scanned.Add(3)
	start := time.Now()
	stop := w.progress(true, start, time.Now)
	// Wait for the first tick (every 250 ms) without assuming when it
	// comes: a loaded machine may take longer (hang guard: 30 s).
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		w.errMu.Lock()
		drawn := strings.Contains(buf.String(), "scanned 3 targets")
		w.errMu.Unlock()
		if drawn {
			break
		}
	}
	stop()
	if s := buf.String(); !strings.Contains(s, "scanned 3 targets") || !strings.HasSuffix(s, "\r\x1b[K") {
		t.Fatalf("progress output %q", s)
	}
	buf.Reset()
	w.progress(false, start, time.Now)()
	if buf.Len() != 0 {
		t.Fatalf("progress drawn without a terminal: %q", buf.String())
	}
}
