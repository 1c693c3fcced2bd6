package cli

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/corsdoctor/corsdoctor/collect/probe"
	"github.com/corsdoctor/corsdoctor/cors"
	"github.com/corsdoctor/corsdoctor/internal/app/check"
	"github.com/corsdoctor/corsdoctor/report"
)

// CheckOptions are check's parsed flags.
type CheckOptions struct {
	App         *App
	URL         string
	Origins     []string
	Request     RequestFlags
	Repeat      int
	Timeout     time.Duration
	Insecure    bool
	ForceActual bool
	// Browser also runs the request in real headless Chromium.
	Browser bool
	// Engine is --browser-engine.
	Engine EngineFlag
	// browserRun replaces the Chromium run (tests).
	browserRun check.BrowserRun
	// Transport replaces the network transport (tests).
	Transport http.RoundTripper
	HTML      HTMLFlag
	// pasted is the --curl/--fetch request, read by spec.
	pasted *pasted
}

// NewCmdCheck builds `corsdoctor check`.
func NewCmdCheck(app *App, runF func(*CheckOptions) error) *cobra.Command {
	opts := &CheckOptions{App: app}
	cmd := &cobra.Command{
		Use:   "check URL --origin ORIGIN [--origin ORIGIN ...] [flags]",
		Short: "Probe a live API the way a browser does, name the cause of a CORS failure and the fix",
		Long: `check sends what Chromium sends for a page at --origin calling URL: the OPTIONS
preflight when one is needed (with Access-Control-Request-Method/-Headers, browser-like
Accept, User-Agent and Sec-Fetch-* headers, never cookies or Authorization), then the
actual request with your headers and body, following redirects as fetch() does. It
evaluates every response with corsdoctor's Chromium-faithful engine and prints the
verdict, the exact console message, the cause, the evidence (the offending header
marked), the fix for the detected platform, and a curl command for each request.

To diagnose, it also sends: the same request to a sibling path that does not exist
(error responses need CORS headers too), the request without its Authorization or API
key, and --repeat copies (intermittent answers, caches). Give --origin several times to
compare environments ("works in dev, fails in prod").

Exit codes: 0 every origin allowed, 1 any origin blocked (or blocked on a repeat),
2 usage or network error (the other origins still get their result).`,
		Example: `  corsdoctor check https://api.example.com/items --origin https://app.example.com

  corsdoctor check https://api.example.com/items --origin http://localhost:3000 \
    --origin https://app.example.com -X PUT -H 'Content-Type: application/json' \
    -H 'Authorization: Bearer TOKEN' --data '{"name":"x"}'

  corsdoctor check https://api.example.com/me --origin https://app.example.com \
    --credentials -H 'Cookie: session=abc' --expose X-Request-Id --json

  # the request as DevTools copies it (Copy as cURL / PowerShell / fetch)
  pbpaste | corsdoctor check --curl -`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) == 0 && (opts.Request.Curl != "" || opts.Request.Fetch != "") {
				return nil // the URL comes from the paste
			}
			if len(args) != 1 {
				return WithHint(Usagef("check takes exactly one URL, got %d", len(args)), "corsdoctor check https://api.example.com/items --origin https://app.example.com")
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) > 0 {
				opts.URL = args[0]
			}
			if runF != nil {
				return runF(opts)
			}
			return runCheck(cmd.Context(), opts)
		},
	}
	fs := cmd.Flags()
	fs.StringArrayVar(&opts.Origins, "origin", nil, "the page's origin, e.g. https://app.example.com (required; repeat to compare environments)")
	fs.IntVar(&opts.Repeat, "repeat", 3, "send the request this many more times to detect intermittent answers and caches (0 disables)")
	fs.DurationVar(&opts.Timeout, "timeout", probe.DefaultTimeout, "timeout of each request: connect, TLS handshake and response")
	fs.BoolVar(&opts.Insecure, "insecure", false, "do not verify TLS certificates (self-signed test servers); browsers never do this")
	fs.BoolVar(&opts.ForceActual, "force-actual", false, "also send the actual request after a failed preflight, to show what the server would answer")
	fs.BoolVar(&opts.Browser, "browser", false, "also run the request in real headless Chromium and show both verdicts side by side")
	opts.Request.Register(fs)
	opts.HTML.Register(fs)
	opts.Engine.Register(fs)
	return cmd
}

func runCheck(ctx context.Context, opts *CheckOptions) error {
	app := opts.App
	spec, err := opts.spec()
	if err != nil {
		return err
	}
	spec.Now = app.Now
	for _, w := range spec.Warnings {
		fmt.Fprintf(app.IO.ErrOut, "corsdoctor: warning: %s\n", w)
	}
	out := check.Run(ctx, spec)
	if opts.pasted != nil {
		for i := range out.Exchanges {
			out.Notes[i] = append(append([]string{}, opts.pasted.Notes...), out.Notes[i]...)
		}
	}
	var browserLines []string
	if opts.Browser {
		if ctx == nil {
			ctx = context.Background()
		}
		run := opts.browserRun
		if run == nil {
			r, closeBrowser, err := check.StartBrowser(ctx, app.Getenv("CHROME_PATH"), spec.Origins)
			if err != nil {
				return err
			}
			defer closeBrowser()
			run = r
		}
		if browserLines, err = check.InBrowser(ctx, spec, out, run, app.IO.ErrOut); err != nil {
			return Usagef("--browser: %v", err)
		}
	}
	if opts.Request.JSON {
		err = report.JSON(app.IO.Out, out.Doc)
	} else {
		if len(out.Doc.Results) > 1 {
			if err = report.OriginTable(app.IO.Out, out.Doc); err == nil {
				_, err = fmt.Fprintln(app.IO.Out)
			}
		}
		if err == nil {
			err = report.Text(app.IO.Out, out.Doc, report.TextOptions{Curl: out.Curl, Notes: out.Notes})
		}
		if err == nil && opts.Browser {
			err = report.BrowserSideBySide(app.IO.Out, browserLines, out.Doc)
		}
	}
	if err != nil {
		return err
	}
	if err := opts.HTML.WriteDocument(app, out.Doc, report.HTMLOptions{Title: "corsdoctor check"}); err != nil {
		return err
	}
	return check.Exit(out.Exchanges, spec.ShowEngines)
}

// spec validates the flags and builds the check.
func (opts *CheckOptions) spec() (check.Spec, error) {
	if err := opts.applyPaste(); err != nil {
		return check.Spec{}, err
	}
	u, err := ParseURL("URL", opts.URL)
	if err != nil {
		return check.Spec{}, err
	}
	if len(opts.Origins) == 0 {
		if opts.pasted != nil {
			return check.Spec{}, WithHint(Usagef("--origin: missing page origin"), missingOriginHint)
		}
		return check.Spec{}, WithHint(Usagef("--origin: missing page origin"), "corsdoctor check "+opts.URL+" --origin https://your-app.example.com")
	}
	var origins []string
	seen := map[string]bool{}
	for _, o := range opts.Origins {
		po, err := ParseOriginFlag(o)
		if err != nil {
			return check.Spec{}, err
		}
		if !seen[po] {
			seen[po] = true
			origins = append(origins, po)
		}
	}
	if opts.Repeat < 0 || opts.Repeat > 100 {
		return check.Spec{}, Usagef("--repeat: %d out of range (0 to 100)", opts.Repeat)
	}
	if opts.Timeout <= 0 {
		return check.Spec{}, Usagef("--timeout: must be positive, got %s", opts.Timeout)
	}
	req, body, err := opts.Request.Build(u, origins[0])
	if err != nil {
		return check.Spec{}, err
	}
	engines, err := opts.Engine.parse(cors.Chromium)
	if err != nil {
		return check.Spec{}, err
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
	return check.Spec{
		URL: u, Origins: origins, Request: req, Body: body, Cookie: strings.Join(cookie, "; "),
		Expose: opts.Request.Expose, Platform: opts.Request.Platform, Repeat: opts.Repeat,
		Timeout: opts.Timeout, Insecure: opts.Insecure, ForceActual: opts.ForceActual,
		ShowSecrets: opts.Request.ShowSecrets, Transport: opts.Transport, Warnings: warnings,
		Engines: engines.Others, ShowEngines: engines.Show,
	}, nil
}
