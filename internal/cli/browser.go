package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/corsdoctor/corsdoctor/collect/browser"
	"github.com/corsdoctor/corsdoctor/cors"
	"github.com/corsdoctor/corsdoctor/diag"
	"github.com/corsdoctor/corsdoctor/evidence"
	appbrowser "github.com/corsdoctor/corsdoctor/internal/app/browser"
	"github.com/corsdoctor/corsdoctor/internal/redact"
	"github.com/corsdoctor/corsdoctor/internal/termsafe"
	"github.com/corsdoctor/corsdoctor/report"
	"github.com/corsdoctor/corsdoctor/rules"
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
		opts.URL, opts.Origin = pst.target(opts.URL, opts.Origin)
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
	cfg := browser.Config{Origins: []string{origin}}
	if p := app.Getenv("CHROME_PATH"); p != "" {
		cfg.ExecPath = p
	}
	engines, err := browserEngines(opts.Engine)
	if err != nil {
		return err
	}
	if opts.HAR != "" && (len(engines) != 1 || engines[0] != cors.Chromium) {
		return WithHint(Usagef("--har: the HAR export is Chromium's (it is built from DevTools events)"), "drop --har, or use --engine chromium")
	}
	var runs []engineRun
	for _, e := range engines {
		r, err := opts.observeIn(ctx, e, cfg, req)
		if err != nil {
			return err
		}
		runs = append(runs, r)
	}
	primary := runs[0]
	obs := primary.obs
	if opts.HAR != "" {
		if err := writeBrowserHAR(opts.HAR, obs, f.ShowSecrets); err != nil {
			return err
		}
	}
	creq.Engine = primary.engine
	ex := appbrowser.ExchangeOf(obs, creq, f.Expose, f.Platform)
	ex.Result = primary.res
	for _, r := range runs[1:] {
		ex.Engines = append(ex.Engines, evidence.EngineResult{Engine: r.engine, Result: r.res, Hops: appbrowser.ExchangeOf(r.obs, creq, f.Expose, f.Platform).Hops})
	}
	ex.Identify(f.Platform)
	in := &diag.Input{Exchanges: []*evidence.Exchange{ex}}
	findings := diag.Run(rules.All(), in)
	ropt := report.Options{ShowSecrets: f.ShowSecrets, Engines: len(runs) > 1}
	doc := report.NewDocument(in.Exchanges, findings, ropt)
	var sections []*report.Browser
	for _, r := range runs {
		sections = append(sections, engineSection(r, f.ShowSecrets))
	}
	doc.Results[0].Browser = sections[0]
	if len(sections) > 1 {
		doc.Results[0].Browsers = sections
	}
	if f.JSON {
		err = report.JSON(app.IO.Out, doc)
	} else {
		for i, s := range sections {
			if err == nil && i > 0 {
				_, err = io.WriteString(app.IO.Out, "\n")
			}
			if err == nil {
				err = report.BrowserText(app.IO.Out, s)
			}
		}
		if err == nil {
			_, err = io.WriteString(app.IO.Out, "\ncorsdoctor's explanation:\n\n")
		}
		if err == nil {
			err = report.Text(app.IO.Out, doc, report.TextOptions{Notes: pst.notes(len(doc.Results))})
		}
	}
	if err != nil {
		return err
	}
	if err := opts.HTML.WriteDocument(app, doc, report.HTMLOptions{Title: "corsdoctor browser"}); err != nil {
		return err
	}
	for _, r := range runs {
		if len(r.ds) == 0 {
			continue
		}
		text := browser.BugReport(r.obs, r.ds)
		if !f.ShowSecrets {
			text = redact.Text(text)
		}
		for _, line := range strings.Split(strings.TrimRight(text, "\n"), "\n") {
			termsafe.Fprintf(app.IO.ErrOut, "corsdoctor: bug: %s\n", line)
		}
	}
	if b := doc.Results[0].Browser; b.NetworkFailure() && !anyResponse(b) {
		hint := "check the URL, and that the server is up and reachable from this machine"
		if b.NetError == "net::ERR_UNSAFE_PORT" {
			hint = "Chromium never connects to this port (a restricted port such as 1, 25 or 6000); serve the API on another port"
		}
		return WithHint(Usagef("the browser could not reach %s: %s", obs.Request.URL, b.NetError), hint)
	}
	for _, r := range runs {
		if !r.obs.Allowed {
			return ErrFindings
		}
	}
	return nil
}

// engineRun is one browser's run of the request and the engine's
// comparison.
type engineRun struct {
	engine cors.Engine
	obs    *browser.Observation
	res    cors.Result
	ds     []browser.Disagreement
}

// browserEngines reads --engine.
func browserEngines(v string) ([]cors.Engine, error) {
	if v == "all" {
		return cors.Engines, nil
	}
	e, err := cors.ParseEngine(v)
	if err != nil {
		return nil, WithHint(Usagef("--engine: %v", err), "use --engine chromium, firefox, webkit or all")
	}
	return []cors.Engine{e}, nil
}

// observeIn runs the request in the browser of engine e, within
// --timeout, and compares it with the engine.
func (opts *BrowserOptions) observeIn(ctx context.Context, e cors.Engine, cfg browser.Config, req browser.Request) (engineRun, error) {
	ctx, cancel := context.WithTimeout(ctx, opts.Timeout)
	defer cancel()
	var (
		obs *browser.Observation
		err error
	)
	switch {
	case e == cors.Chromium && opts.Observe != nil:
		obs, err = opts.Observe(ctx, cfg, req)
	case e == cors.Chromium:
		obs, err = observeChromium(ctx, cfg, req)
	case opts.ObserveEngine != nil:
		obs, err = opts.ObserveEngine(ctx, e, cfg, req)
	default:
		cfg.ExecPath = ""
		if p := opts.App.Getenv("FIREFOX_PATH"); p != "" && e == cors.Firefox {
			cfg.ExecPath = p
		}
		obs, err = observeEngine(ctx, e, cfg, req)
	}
	if err != nil {
		var nc *browser.NoChromiumError
		var nb *browser.NoBrowserError
		switch {
		case errors.As(err, &nc):
			return engineRun{}, WithHint(Usagef("%v", err), "install Chromium: "+nc.Install)
		case errors.As(err, &nb):
			return engineRun{}, WithHint(Usagef("%v", err), "install it: "+nb.Install)
		case errors.Is(err, context.DeadlineExceeded):
			return engineRun{}, WithHint(Usagef("%v", err), fmt.Sprintf("the browser did not finish within --timeout %s; raise it, or check that the URL answers", opts.Timeout))
		}
		return engineRun{}, Usagef("%v", err)
	}
	res, ds := browser.Compare(obs)
	return engineRun{engine: e, obs: obs, res: res, ds: ds}, nil
}

// observeEngine is observeChromium for Firefox and WebKit.
func observeEngine(ctx context.Context, e cors.Engine, cfg browser.Config, req browser.Request) (*browser.Observation, error) {
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	return browser.ObserveEngine(ctx, e, cfg, req)
}

// engineSection is browserSection with what differs for Firefox and
// WebKit: every console line, and, for WebKit under WebDriver, which
// cannot read its console, the engine's lines for the responses
// received.
func engineSection(r engineRun, showSecrets bool) *report.Browser {
	b := appbrowser.Section(r.obs, r.ds, showSecrets)
	if r.engine == cors.Chromium {
		return b
	}
	text := func(s string) string {
		if showSecrets {
			return s
		}
		return redact.Text(s)
	}
	b.Engine = r.engine.String()
	b.ConsoleLines = nil
	notes := b.Notes[:0]
	for _, n := range b.Notes {
		if !strings.Contains(n, "Local Network Access") { // Chromium's check only
			notes = append(notes, n)
		}
	}
	b.Notes = notes
	if r.obs.ConsoleRead {
		for _, c := range r.obs.ConsoleAll {
			if c.Level == "error" || c.Level == "warn" || c.Level == "warning" {
				b.ConsoleLines = append(b.ConsoleLines, text(c.Text))
			}
		}
	} else {
		for _, l := range r.res.ConsoleLines() {
			b.ConsoleLines = append(b.ConsoleLines, text(l))
		}
		b.ConsoleFromEngine = len(b.ConsoleLines) > 0
		b.Notes = append(b.Notes, "WebKit runs WebDriver sessions in an ephemeral data store and shows their console to no client: the console lines are corsdoctor's WebKit engine's for the responses WebKit received (the differential suite checks them against WebKitGTK's real output, docs/engines.md)")
	}
	if len(b.ConsoleLines) > 0 {
		b.ConsoleMessage = b.ConsoleLines[0]
	}
	b.Notes = append(b.Notes, "the request went through corsdoctor's loopback proxy (it plays the page origin and records every exchange; the browser saw Connection: close)")
	return b
}

// anyResponse reports whether the browser received any response.
func anyResponse(b *report.Browser) bool {
	for _, r := range b.Requests {
		if r.Status != 0 {
			return true
		}
	}
	return false
}

// observeChromium starts Chromium, runs one request and always closes it.
// Ctrl-C and SIGTERM cancel the run, so the deferred Close still kills
// the browser and removes its profile.
func observeChromium(ctx context.Context, cfg browser.Config, req browser.Request) (*browser.Observation, error) {
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	return browser.Observe(ctx, cfg, req)
}
