package lab

import (
	"context"
	"errors"
	"net/http/httptest"
	"os"
	"testing"
	"time"

	"github.com/corsdoctor/corsdoctor/collect/browser"
	"github.com/corsdoctor/corsdoctor/cors"
)

// TestChromiumAgrees runs every lab case in real headless Chromium: the
// browser's verdict must be the catalogue's, and the engine must agree
// with Chromium on the exact responses it received (browser.Compare).
// check's verdicts equal the catalogue's (internal/cli TestDemo), so this
// also shows check agreeing with Chromium on the lab. Skipped without
// Chromium, except in CI (CI=true), where it fails.
func TestChromiumAgrees(t *testing.T) {
	if testing.Short() {
		t.Skip("starts Chromium")
	}
	srv := httptest.NewServer(Handler())
	defer srv.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	b, err := browser.Start(ctx, browser.Config{Origins: []string{DevOrigin, ProdOrigin, StagingOrigin}})
	if errors.Is(err, browser.ErrNoChromium) && os.Getenv("CI") != "true" {
		t.Skipf("Chromium not installed: %v", err)
	}
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	for _, c := range Catalogue() {
		req := browser.Request{Origin: c.Origin, URL: srv.URL + c.Path, Method: c.Method, Body: c.Body, HasBody: c.Body != "", Expose: c.Expose, Headers: c.RequestHeaders()}
		if c.Credentials {
			req.Credentials = cors.CredentialsInclude
		}
		obs, err := b.Run(ctx, req)
		if err != nil {
			t.Errorf("%s: %v", c.Path, err)
			continue
		}
		got := Blocked
		if obs.Allowed {
			got = Allowed
		}
		if got != c.Verdict {
			t.Errorf("%s: Chromium %s (%s), the lab expects %s", c.Path, got, obs.CorsError, c.Verdict)
		}
		if _, ds := browser.Compare(obs); len(ds) > 0 {
			t.Errorf("%s: engine and Chromium disagree: %v", c.Path, ds)
		}
	}
}
