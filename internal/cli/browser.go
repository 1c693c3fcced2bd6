package cli

import (
	"context"
	"errors"
	"time"

	"github.com/spf13/cobra"

	"github.com/corsdoctor/corsdoctor/collect/browser"
	"github.com/corsdoctor/corsdoctor/cors"
	appbrowser "github.com/corsdoctor/corsdoctor/internal/app/browser"
)

// BrowserOptions are browser's parsed flags.
type BrowserOptions struct {
	App     *App
	URL     string
	Origin  string
	Request RequestFlags
	Timeout time.Duration
	// MethodSet is true when -X was given (--data alone means POST).
	MethodSet bool
	// Observe runs the request in Chromium; nil means a real headless
	// Chromium (tests replace it).
	Observe func(ctx context.Context, cfg browser.Config, req browser.Request) (*browser.Observation, error)
	// ObserveEngine runs the request in Firefox or WebKit; nil means the
	// real browser (tests replace it).
	ObserveEngine func(ctx context.Context, e cors.Engine, cfg browser.Config, req browser.Request) (*browser.Observation, error)
	// Engine is --engine: chromium, firefox, webkit or all.
	Engine string
	HTML   HTMLFlag
	// HAR is the file that receives the run as a HAR (--har).
	HAR string
}

// NewCmdBrowser builds `corsdoctor browser`.
func NewCmdBrowser(app *App, runF func(*BrowserOptions) error) *cobra.Command {
	opts := &BrowserOptions{App: app}
	cmd := &cobra.Command{
		Use:   "browser URL --origin ORIGIN [flags]",
		Short: "Run the request in real headless Chromium and report what the browser did",
		Long: `browser confirms a verdict in a real browser. It starts headless Chromium,
serves a blank page as --origin from a local loopback server (the origin's host is
mapped to it inside Chromium only, so any origin works, https and "null" included),
runs the same fetch() (or XMLHttpRequest with --initiator xhr) from that page
against URL, and reports what Chromium did:
allowed or blocked, the CorsError and failed parameter DevTools reports, the console
message, every request sent (preflight included) with the response headers as
received, and the headers JavaScript could read.

It then runs corsdoctor's engine on the very responses Chromium received; any
difference is a corsdoctor bug and is printed with what to attach to a bug report.

Chromium is found at $CHROME_PATH, /usr/bin/chromium or on PATH.`,
		Example: `  corsdoctor browser https://api.example.com/items --origin https://app.example.com

  corsdoctor browser https://api.example.com/items --origin http://localhost:3000 \
    -X PUT -H 'Content-Type: application/json' --data '{"a":1}' --credentials --json

  corsdoctor browser --fetch "$(pbpaste)"`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) == 0 && (opts.Request.Curl != "" || opts.Request.Fetch != "") {
				return nil // the URL comes from the paste
			}
			if len(args) != 1 {
				return WithHint(Usagef("browser: want exactly one URL, got %d arguments", len(args)),
					"corsdoctor browser https://api.example.com/items --origin https://app.example.com")
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) > 0 {
				opts.URL = args[0]
			}
			opts.MethodSet = cmd.Flags().Changed("request")
			if runF != nil {
				return runF(opts)
			}
			return runBrowser(cmd.Context(), opts)
		},
	}
	fs := cmd.Flags()
	fs.StringVar(&opts.Origin, "origin", "", "the page's origin, e.g. https://app.example.com or null (required)")
	fs.DurationVar(&opts.Timeout, "timeout", 15*time.Second, "give up after this long (browser start included)")
	opts.Request.Register(fs)
	opts.HTML.Register(fs)
	fs.StringVar(&opts.HAR, "har", "", "also write what Chromium did to `FILE` as a HAR, like DevTools' Export HAR (redacted unless --show-secrets)")
	fs.StringVar(&opts.Engine, "engine", "chromium", "the browser: chromium, firefox (Firefox ESR, WebDriver BiDi), webkit (WebKitGTK, WebKitWebDriver under Xvfb) or all, one after the other")
	return cmd
}

func runBrowser(ctx context.Context, opts *BrowserOptions) error {
	if ctx == nil {
		ctx = context.Background()
	}
	app := opts.App
	pst, err := opts.Request.loadPaste(app)
	if err != nil {
		return err
	}
	if pst != nil {
		opts.URL, opts.Origin = pst.Target(opts.URL, opts.Origin)
		opts.MethodSet = true // the paste's method, or -X
		if pst.Cookie != "" {
			pst.Notes = append(pst.Notes, "paste: the browser's cookies are not replayed: Chromium runs with a fresh profile")
		}
	}
	rawURL, err := ParseURL("URL", opts.URL)
	if err != nil {
		return err
	}
	if opts.Origin == "" {
		if pst != nil {
			return WithHint(Usagef("--origin: missing page origin"), missingOriginHint)
		}
		return WithHint(Usagef("--origin: missing page origin"), "add --origin https://your-app.example.com")
	}
	origin, err := browser.CheckOrigin(opts.Origin)
	if err != nil {
		var oe *browser.OriginError
		if errors.As(err, &oe) && oe.Suggest != "" {
			return WithHint(Usagef("--origin: %s: %s", oe.Origin, oe.Reason), oe.Suggest)
		}
		return Usagef("--origin: %v", err)
	}
	if cors.SameOrigin(rawURL, origin) {
		return WithHint(Usagef("URL %s is same-origin with %s: CORS does not apply, and corsdoctor would have to serve the page at the API's own address", rawURL, origin),
			"give the origin of the page that calls this API, e.g. --origin http://localhost:3000")
	}
	if opts.Timeout <= 0 {
		return Usagef("--timeout: must be positive, got %s", opts.Timeout)
	}
	f := &opts.Request
	if f.Body == "stream" {
		return WithHint(Usagef("--body stream: browser sends a string body only"), "use corsdoctor explain --body stream for that case")
	}
	if f.Data != "" && !opts.MethodSet {
		f.Method = "POST" // as curl -d does
	}
	creq, body, err := f.Build(rawURL, origin)
	if err != nil {
		return err
	}
	if creq.Initiator == cors.InitiatorXHR {
		switch {
		case creq.Credentials == cors.CredentialsOmit:
			return WithHint(Usagef("--credentials-mode omit: XMLHttpRequest has no omit mode"), "drop it (withCredentials = false is same-origin), or use --credentials")
		case creq.Mode != cors.ModeCORS:
			return Usagef("--mode %s: XMLHttpRequest always uses mode cors", creq.Mode)
		}
	}
	req := browser.Request{Origin: origin, URL: rawURL, Method: creq.Method, Headers: creq.Headers,
		Credentials: creq.Credentials, Mode: creq.Mode, Expose: f.Expose,
		Initiator: creq.Initiator, UploadListeners: creq.UploadListeners}
	if body != nil {
		req.HasBody, req.Body = true, string(body)
	}
	var notes []string
	if pst != nil {
		notes = pst.Notes
	}
	return appbrowser.Run(ctx, appbrowser.Options{Request: req, Cors: creq, Expose: f.Expose, Platform: f.Platform,
		Engine: opts.Engine, Timeout: opts.Timeout, ShowSecrets: f.ShowSecrets, JSON: f.JSON, HTML: opts.HTML.Path, HAR: opts.HAR,
		Notes: notes, ChromePath: app.Getenv("CHROME_PATH"), FirefoxPath: app.Getenv("FIREFOX_PATH"),
		Observe: opts.Observe, ObserveEngine: opts.ObserveEngine}, appbrowser.IO{Out: app.IO.Out, ErrOut: app.IO.ErrOut})
}
