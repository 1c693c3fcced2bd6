package check

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/corsdoctor/corsdoctor/collect/browser"
	"github.com/corsdoctor/corsdoctor/cors"
	"github.com/corsdoctor/corsdoctor/internal/app"
	appbrowser "github.com/corsdoctor/corsdoctor/internal/app/browser"
	"github.com/corsdoctor/corsdoctor/internal/redact"
	"github.com/corsdoctor/corsdoctor/internal/termsafe"
)

// BrowserRun runs one request in a started Chromium (tests replace it).
type BrowserRun func(ctx context.Context, req browser.Request) (*browser.Observation, error)

// InBrowser runs the check's request from every origin in one real
// Chromium, attaches what the browser did to each result, and returns
// one line per origin comparing the probe's verdict with Chromium's.
// Engine disagreements are written to errOut as corsdoctor bugs.
func InBrowser(ctx context.Context, spec Spec, out *Outcome, run BrowserRun, errOut io.Writer) ([]string, error) {
	var lines []string
	for i, origin := range spec.Origins {
		if cors.SameOrigin(spec.URL, origin) {
			lines = append(lines, fmt.Sprintf("%s: same-origin with the URL, not run in the browser", origin))
			continue
		}
		req := browser.Request{Origin: origin, URL: spec.URL, Method: spec.Request.Method, Headers: spec.Request.Headers,
			Credentials: spec.Request.Credentials, Mode: spec.Request.Mode, Expose: spec.Expose,
			Initiator: spec.Request.Initiator, UploadListeners: spec.Request.UploadListeners}
		if spec.Body != nil {
			req.HasBody, req.Body = true, string(spec.Body)
		}
		obs, err := run(ctx, req)
		if err != nil {
			return lines, err
		}
		res, ds := browser.Compare(obs)
		if i < len(out.Doc.Results) {
			out.Doc.Results[i].Browser = appbrowser.Section(obs, ds, spec.ShowSecrets)
		}
		probeRes := out.Exchanges[i].Result
		verdict := func(allowed bool, e cors.ErrorName) string {
			if allowed {
				return "ALLOWED"
			}
			if e == "" {
				return "BLOCKED"
			}
			return "BLOCKED (" + string(e) + ")"
		}
		pv, bv := verdict(probeRes.Allowed, probeRes.Error), verdict(obs.Allowed, res.Error)
		agree := "agree"
		if pv != bv {
			agree = "DIFFER: the server answered the browser differently than the probe (caches, rate limits, cookies the fresh browser profile lacks), or this is a corsdoctor bug"
		}
		lines = append(lines, fmt.Sprintf("%s: probe %s, Chromium %s: %s", origin, pv, bv, agree))
		if len(ds) > 0 {
			text := browser.BugReport(obs, ds)
			if !spec.ShowSecrets {
				text = redact.Text(text)
			}
			for _, l := range strings.Split(strings.TrimRight(text, "\n"), "\n") {
				termsafe.Fprintf(errOut, "corsdoctor: bug: %s\n", l)
			}
		}
	}
	return lines, nil
}

// StartBrowser starts Chromium (execPath, or found on the system when
// empty) serving the check's origins and returns the run function and a
// closer that always kills the browser.
func StartBrowser(ctx context.Context, execPath string, origins []string) (BrowserRun, func(), error) {
	cfg := browser.Config{}
	for _, o := range origins {
		if o != cors.Null {
			cfg.Origins = append(cfg.Origins, o)
		}
	}
	cfg.ExecPath = execPath
	b, err := browser.Start(ctx, cfg)
	if err != nil {
		var nc *browser.NoChromiumError
		if errors.As(err, &nc) {
			return nil, nil, app.WithHint(app.Usagef("--browser: %v", err), "install Chromium: "+nc.Install+", or run check without --browser")
		}
		return nil, nil, app.Usagef("--browser: %v", err)
	}
	return b.Run, func() { _ = b.Close() }, nil
}
