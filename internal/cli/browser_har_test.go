package cli

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/corsdoctor/corsdoctor/collect/browser"
	"github.com/corsdoctor/corsdoctor/collect/har"
)

// TestBrowserHAR: --har writes the run as a HAR that `corsdoctor har`
// reads back to Chromium's verdict, redacted unless --show-secrets.
func TestBrowserHAR(t *testing.T) {
	if _, err := browser.FindChromium(); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("CI=true and Chromium is missing: %v", err)
		}
		t.Skipf("skipping: %v", err)
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Access-Control-Allow-Origin", "http://app.example.test")
		if r.Method == http.MethodOptions {
			w.Header().Set("Access-Control-Allow-Headers", "authorization")
			w.WriteHeader(http.StatusNoContent)
			return
		}
		w.Write([]byte("[]"))
	}))
	defer srv.Close()
	const secret = "eyJhbGciOiJIUzI1NiJ9.har-secret"
	for _, tc := range []struct {
		desc  string
		flags []string
		shown bool
	}{
		{desc: "redacted", shown: false},
		{desc: "show secrets", flags: []string{"--show-secrets"}, shown: true},
	} {
		t.Run(tc.desc, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "run.har")
			args := append([]string{"browser", srv.URL + "/items", "--origin", "http://app.example.test",
				"-H", "Authorization: Bearer " + secret, "--har", path}, tc.flags...)
			out, errOut, code := run(t, "", args...)
			if code != ExitOK {
				t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", code, out, errOut)
			}
			b, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if got := bytes.Contains(b, []byte(secret)); got != tc.shown {
				t.Errorf("HAR holds the token: %v, want %v", got, tc.shown)
			}
			f, err := har.Read(bytes.NewReader(b), "run.har")
			if err != nil {
				t.Fatal(err)
			}
			exs, sum := har.Exchanges(f)
			if !strings.HasPrefix(f.Creator, "WebInspector") || len(exs) != 1 || sum.Preflights != 1 {
				t.Fatalf("creator %q, %d exchanges, summary %+v:\n%s", f.Creator, len(exs), sum, b)
			}
			if ex := exs[0]; !ex.Result.Allowed || ex.Recorded.PreflightEntry == 0 || ex.Request.Origin != "http://app.example.test" {
				t.Errorf("allowed %v (%s), preflight entry %d, origin %q", ex.Result.Allowed, ex.Result.Error, ex.Recorded.PreflightEntry, ex.Request.Origin)
			}
		})
	}
}
