package cli

import (
	"bytes"
	"context"
	"os"
	"strings"
	"testing"

	"github.com/corsdoctor/corsdoctor/collect/browser"
	"github.com/corsdoctor/corsdoctor/collect/probe"
)

// TestCheckBrowserFlag checks that --browser reaches the options.
func TestCheckBrowserFlag(t *testing.T) {
	t.Parallel()
	var got *CheckOptions
	app := NewApp(&IO{In: strings.NewReader(""), Out: &bytes.Buffer{}, ErrOut: &bytes.Buffer{}})
	cmd := NewCmdCheck(app, func(o *CheckOptions) error { got = o; return nil })
	cmd.SetArgs([]string{"https://api.example.com/x", "--origin", "https://a.example", "--browser"})
	if err := cmd.Execute(); err != nil {
		t.Fatal(err)
	}
	if !got.Browser {
		t.Fatal("--browser not parsed")
	}
}

// TestCheckBrowserSideBySide runs check --browser against the lab in real
// Chromium: the probe and the browser agree on the verdict and the
// CorsError, and both sections are printed.
func TestCheckBrowserSideBySide(t *testing.T) {
	if _, err := browser.FindChromium(); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("CI=true and Chromium is missing: %v", err)
		}
		t.Skipf("skipping: %v", err)
	}
	base := labServer(t)
	var out, errOut bytes.Buffer
	app := NewApp(&IO{In: strings.NewReader(""), Out: &out, ErrOut: &errOut})
	app.Now = fixedNow
	opts := &CheckOptions{App: app, URL: base + "/app/trailing-slash", Origins: []string{"https://app.example.com", "http://localhost:5173"},
		Repeat: 0, Timeout: probe.DefaultTimeout, Browser: true}
	opts.Request.Method = "GET"
	err := runCheck(context.Background(), opts)
	if ExitCode(err) != ExitFindings {
		t.Fatalf("exit %d (%v), want 1; stderr: %s", ExitCode(err), err, errOut.String())
	}
	s := out.String()
	for _, want := range []string{
		"Real Chromium, side by side with the probe:",
		"https://app.example.com: probe BLOCKED (AllowOriginMismatch), Chromium BLOCKED (AllowOriginMismatch): agree",
		"http://localhost:5173: probe BLOCKED (AllowOriginMismatch), Chromium BLOCKED (AllowOriginMismatch): agree",
		"corsdoctor's engine agrees with Chromium on these responses.",
	} {
		if !strings.Contains(s, want) {
			t.Errorf("output lacks %q:\n%s", want, s)
		}
	}
	if strings.Contains(errOut.String(), "corsdoctor: bug:") {
		t.Errorf("engine disagreed with Chromium:\n%s", errOut.String())
	}
}
