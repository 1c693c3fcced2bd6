package cli

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/corsdoctor/corsdoctor/collect/browser"
	"github.com/corsdoctor/corsdoctor/collect/har"
	"github.com/corsdoctor/corsdoctor/cors"
	appbrowser "github.com/corsdoctor/corsdoctor/internal/app/browser"
	appexplain "github.com/corsdoctor/corsdoctor/internal/app/explain"
	"github.com/corsdoctor/corsdoctor/lab"
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

// TestBrowserHARLab: every lab endpoint run in real Chromium and written
// with browser --har's writer (redacted, as by default): corsdoctor's
// reading of each HAR reaches the verdict Chromium recorded. Skipped
// without Chromium, except in CI.
func TestBrowserHARLab(t *testing.T) {
	if testing.Short() {
		t.Skip("starts Chromium")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	b, err := browser.Start(ctx, browser.Config{Origins: []string{lab.DevOrigin, lab.ProdOrigin, lab.StagingOrigin}})
	if errors.Is(err, browser.ErrNoChromium) && os.Getenv("CI") != "true" {
		t.Skipf("Chromium not installed: %v", err)
	}
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	srv := httptest.NewServer(lab.Handler())
	defer srv.Close()
	dir := t.TempDir()
	for i, c := range lab.Catalogue() {
		req := browser.Request{Origin: c.Origin, URL: srv.URL + c.Path, Method: c.Method, Body: c.Body, HasBody: c.Body != "", Expose: c.Expose, Headers: c.RequestHeaders()}
		if c.Credentials {
			req.Credentials = cors.CredentialsInclude
		}
		obs, err := b.Run(ctx, req)
		if err != nil {
			t.Errorf("%s: %v", c.Path, err)
			continue
		}
		path := filepath.Join(dir, fmt.Sprintf("%02d.har", i))
		if err := appbrowser.WriteHAR(path, obs, false); err != nil {
			t.Fatalf("%s: %v", c.Path, err)
		}
		raw, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		f, err := har.Read(bytes.NewReader(raw), path)
		if err != nil {
			t.Fatalf("%s: %v", c.Path, err)
		}
		exs, _ := har.Exchanges(f)
		if len(exs) != 1 {
			t.Errorf("%s: %d exchanges in the HAR, want 1", c.Path, len(exs))
			continue
		}
		ex := exs[0]
		if ex.Result.Allowed != obs.Allowed {
			t.Errorf("%s: the HAR reads %s (%s %s), Chromium recorded allowed=%v (%s)", c.Path, appexplain.Verdict(&ex.Result), ex.Result.Incomplete, ex.Result.Stage, obs.Allowed, obs.CorsError)
		}
	}
}
