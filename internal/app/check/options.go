package check

import (
	"net/http"
	"strings"
	"time"

	"github.com/corsdoctor/corsdoctor/cors"
	"github.com/corsdoctor/corsdoctor/internal/app"
	"github.com/corsdoctor/corsdoctor/internal/app/request"
)

// Options say what to check (check's flags, parsed; the web UI's form).
type Options struct {
	URL     string
	Origins []string
	Request request.Options
	Repeat  int
	Timeout time.Duration
	// Insecure skips TLS verification; ForceActual sends the actual
	// request after a failed preflight.
	Insecure, ForceActual bool
	// Engine is --browser-engine.
	Engine string
	// Transport replaces the network transport (tests).
	Transport http.RoundTripper
	// OriginHint is the hint when no origin is given ("" names the
	// command with --origin).
	OriginHint string
}

// Spec validates the options and builds the check.
func (opts *Options) Spec() (Spec, error) {
	u, err := request.ParseURL("URL", opts.URL)
	if err != nil {
		return Spec{}, err
	}
	if len(opts.Origins) == 0 {
		hint := opts.OriginHint
		if hint == "" {
			hint = "corsdoctor check " + opts.URL + " --origin https://your-app.example.com"
		}
		return Spec{}, app.WithHint(app.Usagef("--origin: missing page origin"), hint)
	}
	var origins []string
	seen := map[string]bool{}
	for _, o := range opts.Origins {
		po, err := request.ParseOrigin(o)
		if err != nil {
			return Spec{}, err
		}
		if !seen[po] {
			seen[po] = true
			origins = append(origins, po)
		}
	}
	if opts.Repeat < 0 || opts.Repeat > 100 {
		return Spec{}, app.Usagef("--repeat: %d out of range (0 to 100)", opts.Repeat)
	}
	if opts.Timeout <= 0 {
		return Spec{}, app.Usagef("--timeout: must be positive, got %s", opts.Timeout)
	}
	req, body, err := opts.Request.Build(u, origins[0])
	if err != nil {
		return Spec{}, err
	}
	engines, err := app.ParseEngine(opts.Engine, cors.Chromium)
	if err != nil {
		return Spec{}, err
	}
	req.Engine = engines.Primary
	// With --credentials, a Cookie given with -H is the browser's cookie
	// jar: send it as the credential. Without, it is a header the page's
	// script sets, which Chromium drops silently (a forbidden header name)
	// and sends the request anyway: do the same (the engine drops it and
	// CD1016 reports it), with a warning.
	var cookie []string
	var warnings []string
	if req.Credentials == cors.CredentialsInclude {
		kept := req.Headers[:0:0]
		for _, h := range req.Headers {
			if strings.EqualFold(h.Name, "Cookie") {
				cookie = append(cookie, h.Value)
				continue
			}
			kept = append(kept, h)
		}
		req.Headers = kept
	} else {
		for _, h := range req.Headers {
			if strings.EqualFold(h.Name, "Cookie") {
				warnings = append(warnings, "-H 'Cookie: ...' without --credentials: a page cannot set Cookie (forbidden header), so the browser drops it and sends the request without cookies; add --credentials to send the cookie as the browser's own (credentials: 'include')")
				break
			}
		}
	}
	return Spec{
		URL: u, Origins: origins, Request: req, Body: body, Cookie: strings.Join(cookie, "; "),
		Expose: opts.Request.Expose, Platform: opts.Request.Platform, Repeat: opts.Repeat,
		Timeout: opts.Timeout, Insecure: opts.Insecure, ForceActual: opts.ForceActual,
		ShowSecrets: opts.Request.ShowSecrets, Transport: opts.Transport, Warnings: warnings,
		Engines: engines.Others, ShowEngines: engines.Show,
	}, nil
}
