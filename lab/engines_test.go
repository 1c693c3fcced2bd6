package lab

import (
	"context"
	"net/http/httptest"
	"os"
	"testing"
	"time"

	"github.com/corsdoctor/corsdoctor/collect/browser"
	"github.com/corsdoctor/corsdoctor/cors"
)

// TestEnginesAgree runs every lab case in real Firefox ESR and WebKitGTK,
// as TestChromiumAgrees does in Chromium, against the catalogue's
// expectation for that browser (Case.EngineVerdict: the Browsers group's
// failures in some browsers only).
func TestEnginesAgree(t *testing.T) {
	if testing.Short() {
		t.Skip("starts Firefox and WebKit")
	}
	for _, e := range []cors.Engine{cors.Firefox, cors.WebKit} {
		t.Run(e.String(), func(t *testing.T) {
			t.Parallel()
			browserAgrees(t, e)
		})
	}
}

// browserAgrees runs every lab case in the real browser of engine e: its
// verdict must be the catalogue's for e, and corsdoctor's engine must
// agree with the browser on the exact responses it received
// (browser.Compare). Skipped without the browser, except in CI (CI=true),
// where it fails.
func browserAgrees(t *testing.T, e cors.Engine) {
	srv := httptest.NewServer(Handler())
	defer srv.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	d, err := browser.StartEngine(ctx, e, browser.Config{Origins: []string{DevOrigin, ProdOrigin, StagingOrigin}})
	if browser.IsNoBrowser(err) && os.Getenv("CI") != "true" {
		t.Skipf("%s not installed: %v", e.Browser(), err)
	}
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	ran := 0
	for _, c := range Catalogue() {
		want, ok := c.EngineVerdict(e, srv.URL)
		if !ok {
			continue
		}
		req := browser.Request{Origin: c.Origin, URL: srv.URL + c.Path, Method: c.Method, Body: c.Body, HasBody: c.Body != "", Expose: c.Expose, Headers: c.RequestHeaders()}
		if c.Credentials {
			req.Credentials = cors.CredentialsInclude
		}
		obs, err := d.Run(ctx, req)
		if err != nil {
			t.Errorf("%s: %v", c.Path, err)
			continue
		}
		ran++
		got := Blocked
		if obs.Allowed {
			got = Allowed
		}
		if got != want {
			why := obs.CorsError
			if why == "" {
				why = obs.Console
			}
			t.Errorf("%s: %s %s (%s), the lab expects %s", c.Path, d.Version(), got, why, want)
		}
		if _, ds := browser.Compare(obs); len(ds) > 0 {
			t.Errorf("%s: engine and %s disagree: %v", c.Path, d.Version(), ds)
		}
	}
	if ran == 0 {
		t.Error("no lab case ran")
	}
	t.Logf("%s: %d lab cases", d.Version(), ran)
}
