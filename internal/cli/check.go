package cli

import (
	"context"
	"net/http"
	"time"

	"github.com/spf13/cobra"

	"github.com/corsdoctor/corsdoctor/collect/probe"
	"github.com/corsdoctor/corsdoctor/internal/app/check"
	"github.com/corsdoctor/corsdoctor/internal/app/request"
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
	pasted *request.Pasted
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
	ro := check.ReportOptions{JSON: opts.Request.JSON, HTML: opts.HTML.Path, Browser: opts.Browser, BrowserRun: opts.browserRun,
		ChromePath: app.Getenv("CHROME_PATH")}
	if opts.pasted != nil {
		ro.Notes = opts.pasted.Notes
	}
	return check.Report(ctx, spec, ro, check.IO{Out: app.IO.Out, ErrOut: app.IO.ErrOut})
}

// spec reads the paste and validates the flags into the check.
func (opts *CheckOptions) spec() (check.Spec, error) {
	if err := opts.applyPaste(); err != nil {
		return check.Spec{}, err
	}
	co := check.Options{URL: opts.URL, Origins: opts.Origins, Request: opts.Request.Options, Repeat: opts.Repeat, Timeout: opts.Timeout,
		Insecure: opts.Insecure, ForceActual: opts.ForceActual, Engine: opts.Engine.Value, Transport: opts.Transport}
	if opts.pasted != nil {
		co.OriginHint = missingOriginHint
	}
	return co.Spec()
}
