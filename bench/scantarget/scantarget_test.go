package scantarget

import (
	"io"
	"net/http"
	"net/http/httptest"
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
