package browser

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

	"github.com/corsdoctor/corsdoctor/collect/browser"
	"github.com/corsdoctor/corsdoctor/cors"
	"github.com/corsdoctor/corsdoctor/diag"
	"github.com/corsdoctor/corsdoctor/evidence"
	"github.com/corsdoctor/corsdoctor/internal/app"
	"github.com/corsdoctor/corsdoctor/internal/redact"
	"github.com/corsdoctor/corsdoctor/internal/termsafe"
	"github.com/corsdoctor/corsdoctor/report"
	"github.com/corsdoctor/corsdoctor/rules"
)

// Options say what to run in which browsers (browser's flags, parsed).
type Options struct {
	// Request is the page's request; Cors the same request as the
	// engine sees it.
	Request browser.Request
	Cors    cors.Request
	// Expose and Platform are --expose and --platform.
	Expose   []string
	Platform string
	// Engine is --engine: chromium, firefox, webkit or all.
	Engine      string
	Timeout     time.Duration
	ShowSecrets bool
	JSON        bool
	// HTML and HAR are files that receive the report and the HAR export.
	HTML, HAR string
	// Notes are printed under the result (how a paste was read).
	Notes []string
	// ChromePath and FirefoxPath are the browsers' executables ("" finds
	// them).
	ChromePath, FirefoxPath string
	// Observe runs the request in Chromium; nil means a real headless
	// Chromium (tests replace it).
	Observe func(ctx context.Context, cfg browser.Config, req browser.Request) (*browser.Observation, error)
	// ObserveEngine runs the request in Firefox or WebKit; nil means the
	// real browser (tests replace it).
	ObserveEngine func(ctx context.Context, e cors.Engine, cfg browser.Config, req browser.Request) (*browser.Observation, error)
}

// IO is where Run writes the report and the bug reports.
type IO struct{ Out, ErrOut io.Writer }

// Result is what the browsers did and what corsdoctor concluded: one
// result, with a browser section per engine run.
type Result struct {
	Doc      report.Document
	Sections []*report.Browser
	runs     []engineRun
}

// Observe runs the request in each browser of opts.Engine, compares each
// with corsdoctor's engine and diagnoses what the first received.
func Observe(ctx context.Context, opts Options) (*Result, error) {
	if ctx == nil {
		ctx = context.Background()
	}
	req, creq := opts.Request, opts.Cors
	cfg := browser.Config{Origins: []string{req.Origin}, ExecPath: opts.ChromePath}
	engines, err := parseEngines(opts.Engine)
	if err != nil {
		return nil, err
	}
	if opts.HAR != "" && (len(engines) != 1 || engines[0] != cors.Chromium) {
		return nil, app.WithHint(app.Usagef("--har: the HAR export is Chromium's (it is built from DevTools events)"), "drop --har, or use --engine chromium")
	}
	var runs []engineRun
	for _, e := range engines {
		r, err := opts.observeIn(ctx, e, cfg, req)
		if err != nil {
			return nil, err
		}
		runs = append(runs, r)
	}
	primary := runs[0]
	obs := primary.obs
	if opts.HAR != "" {
		if err := WriteHAR(opts.HAR, obs, opts.ShowSecrets); err != nil {
			return nil, err
		}
	}
	creq.Engine = primary.engine
	ex := ExchangeOf(obs, creq, opts.Expose, opts.Platform)
	ex.Result = primary.res
	for _, r := range runs[1:] {
		ex.Engines = append(ex.Engines, evidence.EngineResult{Engine: r.engine, Result: r.res, Hops: ExchangeOf(r.obs, creq, opts.Expose, opts.Platform).Hops})
	}
	ex.Identify(opts.Platform)
	in := &diag.Input{Exchanges: []*evidence.Exchange{ex}}
	findings := diag.Run(rules.All(), in)
	ropt := report.Options{ShowSecrets: opts.ShowSecrets, Engines: len(runs) > 1}
	doc := report.NewDocument(in.Exchanges, findings, ropt)
	var sections []*report.Browser
	for _, r := range runs {
		sections = append(sections, engineSection(r, opts.ShowSecrets))
	}
	doc.Results[0].Browser = sections[0]
	if len(sections) > 1 {
		doc.Results[0].Browsers = sections
	}
	return &Result{Doc: doc, Sections: sections, runs: runs}, nil
}

// Run observes the request (Observe) and writes the report: each
// browser's section then corsdoctor's explanation (or JSON), the --html
// report and, on standard error, a bug report for every disagreement
// with the engine. The error is app.ErrFindings when a browser blocked
// the request, an app.UsageError when it could not reach the URL.
func Run(ctx context.Context, opts Options, env IO) error {
	res, err := Observe(ctx, opts)
	if err != nil {
		return err
	}
	doc, sections, runs := res.Doc, res.Sections, res.runs
	var notes map[int][]string
	if len(opts.Notes) > 0 {
		notes = map[int][]string{0: opts.Notes}
	}
	if opts.JSON {
		err = report.JSON(env.Out, doc)
	} else {
		for i, s := range sections {
			if err == nil && i > 0 {
				_, err = io.WriteString(env.Out, "\n")
			}
			if err == nil {
				err = report.BrowserText(env.Out, s)
			}
		}
		if err == nil {
			_, err = io.WriteString(env.Out, "\ncorsdoctor's explanation:\n\n")
		}
		if err == nil {
			err = report.Text(env.Out, doc, report.TextOptions{Notes: notes})
		}
	}
	if err != nil {
		return err
	}
	if opts.HTML != "" {
		if err := app.WriteHTML(opts.HTML, func(w io.Writer) error {
			return report.HTML(w, doc, report.HTMLOptions{Title: "corsdoctor browser"})
		}); err != nil {
			return err
		}
	}
	for _, r := range runs {
		if len(r.ds) == 0 {
			continue
		}
		text := browser.BugReport(r.obs, r.ds)
		if !opts.ShowSecrets {
			text = redact.Text(text)
		}
		for _, line := range strings.Split(strings.TrimRight(text, "\n"), "\n") {
			termsafe.Fprintf(env.ErrOut, "corsdoctor: bug: %s\n", line)
		}
	}
	if b := doc.Results[0].Browser; b.NetworkFailure() && !anyResponse(b) {
		hint := "check the URL, and that the server is up and reachable from this machine"
		if b.NetError == "net::ERR_UNSAFE_PORT" {
			hint = "Chromium never connects to this port (a restricted port such as 1, 25 or 6000); serve the API on another port"
		}
		return app.WithHint(app.Usagef("the browser could not reach %s: %s", res.runs[0].obs.Request.URL, b.NetError), hint)
	}
	for _, r := range runs {
		if !r.obs.Allowed {
			return app.ErrFindings
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

// parseEngines reads --engine.
func parseEngines(v string) ([]cors.Engine, error) {
	if v == "all" {
		return cors.Engines, nil
	}
	e, err := cors.ParseEngine(v)
	if err != nil {
		return nil, app.WithHint(app.Usagef("--engine: %v", err), "use --engine chromium, firefox, webkit or all")
	}
	return []cors.Engine{e}, nil
}

// observeIn runs the request in the browser of engine e, within
// --timeout, and compares it with the engine.
func (opts *Options) observeIn(ctx context.Context, e cors.Engine, cfg browser.Config, req browser.Request) (engineRun, error) {
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
		if e == cors.Firefox {
			cfg.ExecPath = opts.FirefoxPath
		}
		obs, err = observeEngine(ctx, e, cfg, req)
	}
	if err != nil {
		var nc *browser.NoChromiumError
		var nb *browser.NoBrowserError
		switch {
		case errors.As(err, &nc):
			return engineRun{}, app.WithHint(app.Usagef("%v", err), "install Chromium: "+nc.Install)
		case errors.As(err, &nb):
			return engineRun{}, app.WithHint(app.Usagef("%v", err), "install it: "+nb.Install)
		case errors.Is(err, context.DeadlineExceeded):
			return engineRun{}, app.WithHint(app.Usagef("%v", err), fmt.Sprintf("the browser did not finish within --timeout %s; raise it, or check that the URL answers", opts.Timeout))
		}
		return engineRun{}, app.Usagef("%v", err)
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

// engineSection is Section with what differs for Firefox and
// WebKit: every console line, and, for WebKit under WebDriver, which
// cannot read its console, the engine's lines for the responses
// received.
func engineSection(r engineRun, showSecrets bool) *report.Browser {
	b := Section(r.obs, r.ds, showSecrets)
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
