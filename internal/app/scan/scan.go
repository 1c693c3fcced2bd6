// Package scan is corsdoctor scan's use case: it validates the options,
// streams targets (arguments, an OpenAPI document, a file) through the
// scanner (collect/scan), judges each result with the CD3xxx rules,
// writes records as they complete (text or JSON Lines), groups findings
// into problems (--html, --sarif) and reads back an interrupted run's
// records (--resume). List scans a small list in-process (the web UI).
package scan

import (
	"bufio"
	"context"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/corsdoctor/corsdoctor/collect/scan"
	"github.com/corsdoctor/corsdoctor/cors"
	"github.com/corsdoctor/corsdoctor/diag"
	"github.com/corsdoctor/corsdoctor/evidence"
	"github.com/corsdoctor/corsdoctor/internal/app"
	"github.com/corsdoctor/corsdoctor/internal/redact"
	"github.com/corsdoctor/corsdoctor/report"
	"github.com/corsdoctor/corsdoctor/rules"
)

// Options say what to scan and how (scan's flags).
type Options struct {
	Targets     []string
	Input       string
	OpenAPI     string
	Concurrency int
	Rate        string
	PerHostRate string
	Timeout     time.Duration
	Retries     int
	Headers     []string
	Trusted     []string
	JSON        bool
	HTML        string
	SARIF       string
	Output      string
	Resume      string
	ShowSecrets bool
	NoProgress  bool
	Rules       []string
	Insecure    bool
	Thorough    bool
	Resolve     []string
	CACert      string

	// Transport, when set, replaces the scanner's transport (tests).
	Transport *http.Transport
}

// IO is where Run reads targets ("-i -") and writes the report, the
// warnings, the progress line and the summary.
type IO struct {
	In     io.Reader
	Out    io.Writer
	ErrOut io.Writer
	// ErrTTY turns the progress line on (unless NoProgress).
	ErrTTY bool
	// Now is the clock (time.Now when nil).
	Now func() time.Time
}

// Summary counts what Run did.
type Summary struct {
	Scanned, Vulnerable, Failed, Invalid, Skipped, Interrupted, Requests int64
	Elapsed                                                              time.Duration
}

// parseRate reads "R", "R/s" or "R/m".
func parseRate(flag, s string) (float64, error) {
	if s == "" {
		return 0, nil
	}
	num, unit, _ := strings.Cut(strings.TrimSpace(s), "/")
	r, err := strconv.ParseFloat(num, 64)
	if err != nil || r <= 0 {
		return 0, app.WithHint(app.Usagef("%s: invalid rate %q", flag, s), "write requests per second, e.g. "+flag+" 20/s")
	}
	switch unit {
	case "", "s":
	case "m", "min":
		r /= 60
	default:
		return 0, app.Usagef("%s: unknown unit %q in %q (want /s or /m)", flag, unit, s)
	}
	return r, nil
}

// Config is the scanner's configuration and the rules that judge its
// results.
type Config struct {
	scan.Config
	Rules []*diag.Rule
}

// Config validates the options into the scanner's configuration; a bad
// value is an app.UsageError naming its flag.
func (o *Options) Config() (Config, error) {
	cfg := Config{Config: scan.Config{Concurrency: o.Concurrency, Timeout: o.Timeout, Retries: o.Retries, Transport: o.Transport,
		Insecure: o.Insecure, Thorough: o.Thorough}}
	if o.Concurrency < 1 || o.Concurrency > 10000 {
		return cfg, app.Usagef("-c: concurrency %d out of range 1-10000", o.Concurrency)
	}
	if o.Timeout <= 0 {
		return cfg, app.Usagef("--timeout: must be positive")
	}
	switch {
	case o.Retries < 0 || o.Retries > 10:
		return cfg, app.Usagef("--retries: %d out of range 0-10", o.Retries)
	case o.Retries == 0:
		cfg.Retries = -1
	}
	var err error
	if cfg.Rate, err = parseRate("--rate", o.Rate); err != nil {
		return cfg, err
	}
	if cfg.PerHostRate, err = parseRate("--per-host-rate", o.PerHostRate); err != nil {
		return cfg, err
	}
	cfg.Header = http.Header{}
	for _, h := range o.Headers {
		name, value, err := evidence.ParseHeaderFlag(h)
		if err != nil {
			return cfg, app.Usagef("-H: %v", err)
		}
		if strings.EqualFold(name, "Origin") {
			return cfg, app.WithHint(app.Usagef("-H: Origin is set by the scan for each probe"), "use --trusted-origin to name a legitimate origin")
		}
		cfg.Header.Add(name, value)
	}
	for _, t := range o.Trusted {
		origin, err := cors.ParseOrigin(t)
		if err != nil {
			e := app.Usagef("--trusted-origin: %v", err)
			var oe *cors.OriginError
			if errors.As(err, &oe) && oe.Suggest != "" {
				return cfg, app.WithHint(e, "use --trusted-origin "+oe.Suggest)
			}
			return cfg, e
		}
		if origin == cors.Null {
			return cfg, app.Usagef("--trusted-origin: null is never a legitimate origin to trust")
		}
		cfg.Trusted = append(cfg.Trusted, origin)
	}
	if cfg.Resolve, err = ParseResolve(o.Resolve); err != nil {
		return cfg, err
	}
	if o.CACert != "" {
		b, err := os.ReadFile(o.CACert)
		if err != nil {
			return cfg, app.Usagef("--cacert: %v", err)
		}
		cfg.RootCAs = x509.NewCertPool()
		if !cfg.RootCAs.AppendCertsFromPEM(b) {
			return cfg, app.Usagef("--cacert: %s: no PEM certificate in it", o.CACert)
		}
	}
	sel, err := diag.Select(rules.For(diag.NeedsScanProbes), o.Rules)
	if err != nil {
		return cfg, app.WithHint(app.Usagef("--rules: %v", err), "scan runs the CD3xxx rules; see docs/rules.md")
	}
	if len(sel) == 0 {
		return cfg, app.Usagef("--rules: no rule selected")
	}
	cfg.Rules = sel
	return cfg, nil
}

// ParseResolve reads --resolve HOST:PORT:ADDR values (ADDR an IP
// address, IPv6 in brackets) into the scanner's host:port -> addr:port
// map.
func ParseResolve(vals []string) (map[string]string, error) {
	if len(vals) == 0 {
		return nil, nil
	}
	m := make(map[string]string, len(vals))
	for _, v := range vals {
		host, rest, ok1 := strings.Cut(v, ":")
		port, addr, ok2 := strings.Cut(rest, ":")
		addr = strings.TrimSuffix(strings.TrimPrefix(addr, "["), "]")
		n, err := strconv.Atoi(port)
		switch {
		case !ok1 || !ok2 || host == "":
			return nil, app.WithHint(app.Usagef("--resolve: %q is not HOST:PORT:ADDR", v), "e.g. --resolve api.example.test:443:127.0.0.1")
		case err != nil || n < 1 || n > 65535:
			return nil, app.Usagef("--resolve: invalid port %q in %q", port, v)
		case net.ParseIP(addr) == nil:
			return nil, app.Usagef("--resolve: %q in %q is not an IP address", addr, v)
		}
		m[strings.ToLower(net.JoinHostPort(host, port))] = net.JoinHostPort(addr, port)
	}
	return m, nil
}

// Run scans the targets of opts, streaming records to env.Out as they
// complete. The error is app.ErrFindings when a target (of this run or
// of the --resume file) is vulnerable, an app.UsageError for bad options
// or input, targets that could not be scanned, or an interruption (ctx,
// SIGINT, SIGTERM), and nil when every target is clean.
func Run(ctx context.Context, opts Options, env IO) (*Summary, error) {
	if env.Now == nil {
		env.Now = time.Now
	}
	if len(opts.Targets) == 0 && opts.Input == "" && opts.OpenAPI == "" {
		return nil, app.WithHint(app.Usagef("no targets"), "give URLs as arguments, a file with -i FILE (or -i - for standard input), or --openapi SPEC")
	}
	cfg, err := opts.Config()
	if err != nil {
		return nil, err
	}
	if opts.Input == "-" && opts.OpenAPI == "-" {
		return nil, app.Usagef("-i and --openapi cannot both read standard input")
	}
	if opts.Resume != "" && opts.Output != "" && sameFile(opts.Output, opts.Resume) && !opts.JSON {
		return nil, app.WithHint(app.Usagef("--resume appends to %s, which needs --json records", opts.Output), "add --json")
	}
	var args []scan.Target
	for i, a := range opts.Targets {
		t, err := scan.ParseTarget(a)
		if err != nil {
			return nil, app.Usagef("argument %d: %v", i+1, err)
		}
		args = append(args, t)
	}
	var spec []scan.Target
	if opts.OpenAPI != "" {
		b, display, err := app.ReadInput(env.In, opts.OpenAPI)
		if err != nil {
			return nil, app.Usagef("--openapi: %v", err)
		}
		baseURL := ""
		if len(args) > 0 {
			baseURL = args[0].URL
			args = args[1:]
		}
		if spec, err = scan.ReadOpenAPI(b, display, baseURL); err != nil {
			return nil, app.Usagef("--openapi: %v", err)
		}
	}
	done := map[string]bool{}
	var prev resumeCounts
	if opts.Resume != "" {
		if done, prev, err = readResume(opts.Resume); err != nil {
			return nil, app.Usagef("--resume: %v", err)
		}
	}
	var in io.Reader
	inName := opts.Input
	if opts.Input == "-" {
		in, inName = env.In, "<stdin>"
	} else if opts.Input != "" {
		f, err := os.Open(opts.Input)
		if err != nil {
			return nil, app.Usagef("-i: %v", err)
		}
		defer f.Close()
		in = f
	}
	out := env.Out
	if opts.Output != "" {
		f, err := openOutput(opts.Output, opts.Resume)
		if err != nil {
			return nil, app.Usagef("-o: %v", err)
		}
		defer f.Close()
		out = f
	}
	var html, sarif *os.File
	if opts.HTML != "" {
		if html, err = os.Create(opts.HTML); err != nil {
			return nil, app.Usagef("--html: %v", err)
		}
		defer html.Close()
	}
	if opts.SARIF != "" {
		if sarif, err = os.Create(opts.SARIF); err != nil {
			return nil, app.Usagef("--sarif: %v", err)
		}
		defer sarif.Close()
	}

	if ctx == nil {
		ctx = context.Background()
	}
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	// After the first signal, a second one ends the process at once.
	context.AfterFunc(ctx, stop)
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()

	w := &writer{opts: &opts, out: bufio.NewWriterSize(out, 64<<10), errOut: env.ErrOut, html: html != nil, sarif: sarif != nil,
		tty: env.ErrTTY && !opts.NoProgress, cancel: cancel, problems: report.NewScanProblems(maxReportFindings, html != nil), prev: prev}
	// Targets: arguments, then the spec, then the input file, streamed
	// through a small channel so the file is never held in memory.
	targets := make(chan scan.Target, 64)
	// readDone carries the reader's error; it is sent before targets is
	// closed, so once next has seen the end it is ready.
	readDone := make(chan error, 1)
	go func() {
		defer close(targets)
		var err error
		defer func() { readDone <- err }()
		send := func(t scan.Target) bool {
			if done[t.Key()] || done[t.Method+" "+redact.URL(t.URL)] {
				w.skipped.Add(1)
				return true
			}
			select {
			case targets <- t:
				return true
			case <-ctx.Done():
				return false
			}
		}
		for _, t := range append(args, spec...) {
			if !send(t) {
				return
			}
		}
		if in != nil {
			err = scan.ReadTargets(in, inName, send, func(err error) {
				w.invalid.Add(1)
				w.warn(err)
			})
		}
	}()
	next := func() (scan.Target, bool) {
		select {
		case t, ok := <-targets:
			return t, ok
		case <-ctx.Done():
			// The reader may be blocked on a terminal: do not wait.
			return scan.Target{}, false
		}
	}
	s := scan.New(cfg.Config)
	defer s.Close()
	start := env.Now()
	stopProgress := w.progress(w.tty, start, env.Now)
	runErr := scan.RunJudged(ctx, s, next, cfg.judge, w.emit)
	stopProgress()
	var readErr error
	if runErr == nil {
		readErr = <-readDone
	}
	if !opts.JSON && w.err == nil {
		w.err = w.problems.Text(w.out)
	}
	if err := w.out.Flush(); err != nil && w.err == nil {
		w.err = err
	}
	if w.err != nil {
		return nil, fmt.Errorf("writing the report: %w", w.err)
	}
	if html != nil {
		page := w.problems.Page(w.scanned.Load(), w.vulnerable.Load())
		if err := report.HTMLPage(html, page, report.HTMLOptions{Title: "corsdoctor scan"}); err != nil {
			return nil, fmt.Errorf("--html: %w", err)
		}
	}
	if sarif != nil {
		if err := report.SARIF(sarif, w.problems.SARIF(), cfg.Rules, report.SARIFOptions{Fingerprint: report.ScanFingerprint}); err != nil {
			return nil, fmt.Errorf("--sarif: %w", err)
		}
	}
	if n := w.problems.Dropped; n > 0 && (html != nil || sarif != nil) {
		w.warn(fmt.Errorf("--html/--sarif: only the first %d problems are included (%d more findings are in the --json output)", maxReportFindings, n))
	}
	elapsed := env.Now().Sub(start)
	w.summary(elapsed)
	sum := &Summary{Scanned: w.scanned.Load(), Vulnerable: w.vulnerable.Load(), Failed: w.failed.Load(), Invalid: w.invalid.Load(),
		Skipped: w.skipped.Load(), Interrupted: w.interrupted.Load(), Requests: w.requests.Load(), Elapsed: elapsed}
	if readErr != nil {
		return sum, app.Usagef("-i: %v", readErr)
	}
	if runErr != nil {
		hint := "rerun the same command with --json -o FILE --resume FILE to continue where it stopped"
		if opts.Resume != "" {
			hint = "rerun the same command to continue where it stopped"
		}
		return sum, app.WithHint(app.Usagef("interrupted: %d started targets were not finished and have no record", sum.Interrupted), hint)
	}
	// The exit code is the whole result's: the records of the --resume
	// file count as much as this run's.
	switch {
	case sum.Vulnerable > 0 || prev.vulnerable > 0:
		return sum, app.ErrFindings
	case sum.Invalid > 0:
		return sum, app.Usagef("%d invalid target lines were skipped", sum.Invalid)
	case sum.Failed > 0 || prev.failed > 0:
		return sum, app.Usagef("%d targets could not be scanned", sum.Failed+int64(prev.failed))
	}
	return sum, nil
}

// maxReportFindings bounds the problems (findings grouped across
// targets) kept in memory for the text summary, --html and --sarif,
// which are written at the end.
const maxReportFindings = 20000

// judge runs the rules over one scanned target, on the scanner's worker
// goroutine: the collector only collects, every verdict is a rule's.
func (c Config) judge(r *scan.Result) []diag.Finding {
	if r.Exchange == nil || len(c.Rules) == 0 {
		return nil
	}
	return diag.Run(c.Rules, &diag.Input{Exchanges: []*evidence.Exchange{r.Exchange}})
}
