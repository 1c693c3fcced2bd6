package cli

import (
	"bufio"
	"context"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/corsdoctor/corsdoctor/collect/scan"
	"github.com/corsdoctor/corsdoctor/cors"
	"github.com/corsdoctor/corsdoctor/diag"
	"github.com/corsdoctor/corsdoctor/evidence"
	"github.com/corsdoctor/corsdoctor/internal/redact"
	"github.com/corsdoctor/corsdoctor/internal/termsafe"
	"github.com/corsdoctor/corsdoctor/report"
	"github.com/corsdoctor/corsdoctor/rules"
)

// ScanOptions are scan's parsed flags.
type ScanOptions struct {
	App         *App
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

	// ctx, when set, replaces the command's context (tests interrupt
	// a scan through it).
	ctx context.Context
	// transport, when set, replaces the scanner's transport (tests).
	transport *http.Transport
}

// NewCmdScan builds `corsdoctor scan`.
func NewCmdScan(app *App, runF func(*ScanOptions) error) *cobra.Command {
	opts := &ScanOptions{App: app}
	cmd := &cobra.Command{
		Use:   "scan [TARGET...] [-i FILE|-] [--openapi SPEC] [flags]",
		Short: "Audit live endpoints for CORS security misconfigurations, proving each finding",
		Long: `scan sends each target the requests a browser would send from attacker-controlled
pages (an arbitrary origin, null, look-alikes of the origins the server trusts,
third-party hosting domains) and reports every origin the browser would let read the
response, with the exact request sent, the response lines that show it, and the CORS
engine's verdict. The target's own origin and --trusted-origin values are learned
first, so correct allowlists are not reported.

The attacker chooses the page: for an http target that is not loopback the probes
come from plain-http pages (an https page could not read it: mixed content). The
probes adapt to the answers (reflection needs no look-alike, a server without CORS
only its preflight); --thorough sends every probe of every class.

A TARGET is a URL, or "METHOD URL". GET and HEAD targets are requested with GET/HEAD;
any other method is only preflighted (OPTIONS), never sent. Redirects are never
followed, and only the targets given are contacted.

Targets are streamed: -i reads one per line ('#' comments allowed; invalid lines are
reported with their line number and skipped). Results are printed as they complete;
--json prints one JSON object per target per line (JSON Lines), which --resume reads
back to skip finished targets after an interruption.

Exit codes: 0 no findings, 1 findings, 2 usage or input error, or targets that could
not be scanned (and no findings). See docs/scan.md.`,
		Example: `  corsdoctor scan https://api.example.com/me --trusted-origin https://app.example.com
  corsdoctor scan -i urls.txt -c 50 --per-host-rate 20/s --json -o results.jsonl
  corsdoctor scan -i urls.txt --json -o results.jsonl --resume results.jsonl
  corsdoctor scan --openapi openapi.yaml -H 'Cookie: session=...' --html scan.html`,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Targets = args
			if opts.ctx == nil {
				opts.ctx = cmd.Context()
			}
			if runF != nil {
				return runF(opts)
			}
			return runScan(opts)
		},
	}
	fs := cmd.Flags()
	fs.StringVarP(&opts.Input, "input", "i", "", "file with one target per line ('-' for standard input)")
	fs.StringVar(&opts.OpenAPI, "openapi", "", "OpenAPI 3 or Swagger 2 document (JSON or YAML): scan every server x path x method")
	fs.IntVarP(&opts.Concurrency, "concurrency", "c", 20, "targets scanned at once")
	fs.StringVar(&opts.Rate, "rate", "", "at most R requests per second overall, e.g. 200/s (default unlimited)")
	fs.StringVar(&opts.PerHostRate, "per-host-rate", "", "at most R requests per second to each host, e.g. 10/s (default unlimited)")
	fs.DurationVar(&opts.Timeout, "timeout", 10*time.Second, "time limit for each request, connection to response headers")
	fs.IntVar(&opts.Retries, "retries", 2, "retries of a request after a connection reset or refusal (timeouts are not retried)")
	fs.StringArrayVarP(&opts.Headers, "header", "H", nil, "header sent with every request, 'Name: value' (repeatable), e.g. a session cookie")
	fs.StringArrayVar(&opts.Trusted, "trusted-origin", nil, "a legitimate front-end origin of the targets (repeatable); its look-alikes are tried")
	fs.BoolVar(&opts.JSON, "json", false, "print JSON Lines: one object per target, as results arrive")
	fs.StringVar(&opts.HTML, "html", "", "also write an HTML report of the findings to FILE")
	fs.StringVar(&opts.SARIF, "sarif", "", "also write the findings as SARIF 2.1.0 to FILE (GitHub code scanning)")
	fs.StringVarP(&opts.Output, "output", "o", "", "write the report to FILE instead of standard output (appended to when it is the --resume file)")
	fs.StringVar(&opts.Resume, "resume", "", "skip targets that already have a record in FILE (the --json output of an interrupted scan)")
	fs.BoolVar(&opts.ShowSecrets, "show-secrets", false, "print Authorization, Cookie, API keys and tokens instead of redacting them")
	fs.BoolVar(&opts.NoProgress, "no-progress", false, "no progress line on standard error (shown only when it is a terminal)")
	fs.BoolVar(&opts.Insecure, "insecure", false, "do not verify TLS certificates (targets with self-signed certificates)")
	fs.StringVar(&opts.CACert, "cacert", "", "PEM file of the certificate authorities to trust for https targets instead of the system's")
	fs.StringArrayVar(&opts.Resolve, "resolve", nil, "connect to ADDR for HOST:PORT instead of resolving HOST, 'HOST:PORT:ADDR' (repeatable), as curl --resolve")
	fs.BoolVar(&opts.Thorough, "thorough", false, "send every probe of every class (24-63 requests per target) instead of adapting to the answers")
	fs.StringSliceVar(&opts.Rules, "rules", []string{"all"}, "rules to run: all, IDs, or -ID to leave one out (all,-CD3014)")
	return cmd
}

// scanRecord is one line of --json output.
type scanRecord struct {
	Target   string           `json:"target"`
	Method   string           `json:"method"`
	Input    string           `json:"input,omitempty"`
	Status   string           `json:"status"`
	Error    string           `json:"error,omitempty"`
	Note     string           `json:"note,omitempty"`
	Requests int              `json:"requests"`
	Findings []report.Finding `json:"findings"`
}

// Record statuses.
const (
	statusClean      = "clean"
	statusVulnerable = "vulnerable"
	statusError      = "error"
)

// parseRate reads "R", "R/s" or "R/m".
func parseRate(flag, s string) (float64, error) {
	if s == "" {
		return 0, nil
	}
	num, unit, _ := strings.Cut(strings.TrimSpace(s), "/")
	r, err := strconv.ParseFloat(num, 64)
	if err != nil || r <= 0 {
		return 0, WithHint(Usagef("%s: invalid rate %q", flag, s), "write requests per second, e.g. "+flag+" 20/s")
	}
	switch unit {
	case "", "s":
	case "m", "min":
		r /= 60
	default:
		return 0, Usagef("%s: unknown unit %q in %q (want /s or /m)", flag, unit, s)
	}
	return r, nil
}

// scanConfig is the scanner's configuration and the rules that judge its
// results.
type scanConfig struct {
	scan.Config
	Rules []*diag.Rule
}

func (o *ScanOptions) config() (scanConfig, error) {
	cfg := scanConfig{Config: scan.Config{Concurrency: o.Concurrency, Timeout: o.Timeout, Retries: o.Retries, Transport: o.transport,
		Insecure: o.Insecure, Thorough: o.Thorough}}
	if o.Concurrency < 1 || o.Concurrency > 10000 {
		return cfg, Usagef("-c: concurrency %d out of range 1-10000", o.Concurrency)
	}
	if o.Timeout <= 0 {
		return cfg, Usagef("--timeout: must be positive")
	}
	switch {
	case o.Retries < 0 || o.Retries > 10:
		return cfg, Usagef("--retries: %d out of range 0-10", o.Retries)
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
			return cfg, Usagef("-H: %v", err)
		}
		if strings.EqualFold(name, "Origin") {
			return cfg, WithHint(Usagef("-H: Origin is set by the scan for each probe"), "use --trusted-origin to name a legitimate origin")
		}
		cfg.Header.Add(name, value)
	}
	for _, t := range o.Trusted {
		origin, err := cors.ParseOrigin(t)
		if err != nil {
			e := Usagef("--trusted-origin: %v", err)
			var oe *cors.OriginError
			if errors.As(err, &oe) && oe.Suggest != "" {
				return cfg, WithHint(e, "use --trusted-origin "+oe.Suggest)
			}
			return cfg, e
		}
		if origin == cors.Null {
			return cfg, Usagef("--trusted-origin: null is never a legitimate origin to trust")
		}
		cfg.Trusted = append(cfg.Trusted, origin)
	}
	if cfg.Resolve, err = parseResolve(o.Resolve); err != nil {
		return cfg, err
	}
	if o.CACert != "" {
		b, err := os.ReadFile(o.CACert)
		if err != nil {
			return cfg, Usagef("--cacert: %v", err)
		}
		cfg.RootCAs = x509.NewCertPool()
		if !cfg.RootCAs.AppendCertsFromPEM(b) {
			return cfg, Usagef("--cacert: %s: no PEM certificate in it", o.CACert)
		}
	}
	sel, err := diag.Select(rules.For(diag.NeedsScanProbes), o.Rules)
	if err != nil {
		return cfg, WithHint(Usagef("--rules: %v", err), "scan runs the CD3xxx rules; see docs/rules.md")
	}
	if len(sel) == 0 {
		return cfg, Usagef("--rules: no rule selected")
	}
	cfg.Rules = sel
	return cfg, nil
}

// parseResolve reads --resolve HOST:PORT:ADDR values (ADDR an IP
// address, IPv6 in brackets) into the scanner's host:port -> addr:port
// map.
func parseResolve(vals []string) (map[string]string, error) {
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
			return nil, WithHint(Usagef("--resolve: %q is not HOST:PORT:ADDR", v), "e.g. --resolve api.example.test:443:127.0.0.1")
		case err != nil || n < 1 || n > 65535:
			return nil, Usagef("--resolve: invalid port %q in %q", port, v)
		case net.ParseIP(addr) == nil:
			return nil, Usagef("--resolve: %q in %q is not an IP address", addr, v)
		}
		m[strings.ToLower(net.JoinHostPort(host, port))] = net.JoinHostPort(addr, port)
	}
	return m, nil
}

func runScan(opts *ScanOptions) error {
	app := opts.App
	if len(opts.Targets) == 0 && opts.Input == "" && opts.OpenAPI == "" {
		return WithHint(Usagef("no targets"), "give URLs as arguments, a file with -i FILE (or -i - for standard input), or --openapi SPEC")
	}
	cfg, err := opts.config()
	if err != nil {
		return err
	}
	if opts.Input == "-" && opts.OpenAPI == "-" {
		return Usagef("-i and --openapi cannot both read standard input")
	}
	if opts.Resume != "" && opts.Output != "" && sameFile(opts.Output, opts.Resume) && !opts.JSON {
		return WithHint(Usagef("--resume appends to %s, which needs --json records", opts.Output), "add --json")
	}
	var args []scan.Target
	for i, a := range opts.Targets {
		t, err := scan.ParseTarget(a)
		if err != nil {
			return Usagef("argument %d: %v", i+1, err)
		}
		args = append(args, t)
	}
	var spec []scan.Target
	if opts.OpenAPI != "" {
		b, display, err := app.readInput(opts.OpenAPI)
		if err != nil {
			return Usagef("--openapi: %v", err)
		}
		baseURL := ""
		if len(args) > 0 {
			baseURL = args[0].URL
			args = args[1:]
		}
		if spec, err = scan.ReadOpenAPI(b, display, baseURL); err != nil {
			return Usagef("--openapi: %v", err)
		}
	}
	done := map[string]bool{}
	var prev resumeCounts
	if opts.Resume != "" {
		if done, prev, err = readResume(opts.Resume); err != nil {
			return Usagef("--resume: %v", err)
		}
	}
	var in io.Reader
	inName := opts.Input
	if opts.Input == "-" {
		in, inName = app.IO.In, "<stdin>"
	} else if opts.Input != "" {
		f, err := os.Open(opts.Input)
		if err != nil {
			return Usagef("-i: %v", err)
		}
		defer f.Close()
		in = f
	}
	out := app.IO.Out
	if opts.Output != "" {
		f, err := openOutput(opts.Output, opts.Resume)
		if err != nil {
			return Usagef("-o: %v", err)
		}
		defer f.Close()
		out = f
	}
	var html, sarif *os.File
	if opts.HTML != "" {
		if html, err = os.Create(opts.HTML); err != nil {
			return Usagef("--html: %v", err)
		}
		defer html.Close()
	}
	if opts.SARIF != "" {
		if sarif, err = os.Create(opts.SARIF); err != nil {
			return Usagef("--sarif: %v", err)
		}
		defer sarif.Close()
	}

	base := opts.ctx
	if base == nil {
		base = context.Background()
	}
	ctx, stop := signal.NotifyContext(base, os.Interrupt, syscall.SIGTERM)
	defer stop()
	// After the first signal, a second one ends the process at once.
	context.AfterFunc(ctx, stop)
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()

	w := &scanWriter{opts: opts, out: bufio.NewWriterSize(out, 64<<10), errOut: app.IO.ErrOut, html: html != nil, sarif: sarif != nil,
		tty: app.IO.ErrTTY && !opts.NoProgress, cancel: cancel, problems: newScanProblems(maxReportFindings, html != nil), prev: prev}
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
	start := app.Now()
	stopProgress := w.progress(w.tty, start, app.Now)
	runErr := scan.RunJudged(ctx, s, next, cfg.judge, w.emit)
	stopProgress()
	var readErr error
	if runErr == nil {
		readErr = <-readDone
	}
	if !opts.JSON && w.err == nil {
		w.err = writeScanProblems(w.out, w.problems)
	}
	if err := w.out.Flush(); err != nil && w.err == nil {
		w.err = err
	}
	if w.err != nil {
		return fmt.Errorf("writing the report: %w", w.err)
	}
	if html != nil {
		page := w.problems.page(w.scanned.Load(), w.vulnerable.Load())
		if err := report.HTMLPage(html, page, report.HTMLOptions{Title: "corsdoctor scan"}); err != nil {
			return fmt.Errorf("--html: %w", err)
		}
	}
	if sarif != nil {
		if err := report.SARIF(sarif, w.problems.sarif(), cfg.Rules, report.SARIFOptions{Fingerprint: scanFingerprint}); err != nil {
			return fmt.Errorf("--sarif: %w", err)
		}
	}
	if n := w.problems.dropped; n > 0 && (html != nil || sarif != nil) {
		w.warn(fmt.Errorf("--html/--sarif: only the first %d problems are included (%d more findings are in the --json output)", maxReportFindings, n))
	}
	elapsed := app.Now().Sub(start)
	w.summary(elapsed)
	if readErr != nil {
		return Usagef("-i: %v", readErr)
	}
	if runErr != nil {
		n := w.interrupted.Load()
		hint := "rerun the same command with --json -o FILE --resume FILE to continue where it stopped"
		if opts.Resume != "" {
			hint = "rerun the same command to continue where it stopped"
		}
		return WithHint(Usagef("interrupted: %d started targets were not finished and have no record", n), hint)
	}
	// The exit code is the whole result's: the records of the --resume
	// file count as much as this run's.
	switch {
	case w.vulnerable.Load() > 0 || prev.vulnerable > 0:
		return ErrFindings
	case w.invalid.Load() > 0:
		return Usagef("%d invalid target lines were skipped", w.invalid.Load())
	case w.failed.Load() > 0 || prev.failed > 0:
		return Usagef("%d targets could not be scanned", w.failed.Load()+int64(prev.failed))
	}
	return nil
}

// openOutput opens -o FILE; when it is also the --resume file, it is
// appended to, after ending a line cut short by the interruption.
func openOutput(name, resume string) (*os.File, error) {
	if resume == "" || !sameFile(name, resume) {
		return os.Create(name)
	}
	f, err := os.OpenFile(name, os.O_RDWR|os.O_APPEND|os.O_CREATE, 0o644)
	if err != nil {
		return nil, err
	}
	if st, err := f.Stat(); err == nil && st.Size() > 0 {
		last := make([]byte, 1)
		if _, err := f.ReadAt(last, st.Size()-1); err == nil && last[0] != '\n' {
			if _, err := f.Write([]byte{'\n'}); err != nil {
				f.Close()
				return nil, err
			}
		}
	}
	return f, nil
}

func sameFile(a, b string) bool {
	if a == b {
		return true
	}
	sa, err1 := os.Stat(a)
	sb, err2 := os.Stat(b)
	return err1 == nil && err2 == nil && os.SameFile(sa, sb)
}

// resumeCounts are the outcomes recorded in a --resume file.
type resumeCounts struct{ vulnerable, failed int }

// readResume collects the targets recorded in a previous --json output,
// and counts their outcomes. Lines that are not complete records (an
// interrupted write) are ignored, so their targets are scanned again. A
// missing file is an empty one.
func readResume(name string) (map[string]bool, resumeCounts, error) {
	done := map[string]bool{}
	var counts resumeCounts
	f, err := os.Open(name)
	if errors.Is(err, os.ErrNotExist) {
		return done, counts, nil
	}
	if err != nil {
		return nil, counts, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64<<10), 16<<20)
	for sc.Scan() {
		var r struct {
			Target string `json:"target"`
			Method string `json:"method"`
			Status string `json:"status"`
		}
		if json.Unmarshal(sc.Bytes(), &r) != nil || r.Target == "" || r.Status == "" {
			continue
		}
		key := r.Method + " " + r.Target
		if !done[key] {
			switch r.Status {
			case statusVulnerable:
				counts.vulnerable++
			case statusError:
				counts.failed++
			}
		}
		done[key] = true
	}
	if err := sc.Err(); err != nil {
		return nil, counts, fmt.Errorf("%s: %w", name, err)
	}
	return done, counts, nil
}

// maxReportFindings bounds the problems (findings grouped across
// targets) kept in memory for the text summary, --html and --sarif,
// which are written at the end.
const maxReportFindings = 20000

// judge runs the rules over one scanned target, on the scanner's worker
// goroutine: the collector only collects, every verdict is a rule's.
func (c scanConfig) judge(r *scan.Result) []diag.Finding {
	if r.Exchange == nil || len(c.Rules) == 0 {
		return nil
	}
	return diag.Run(c.Rules, &diag.Input{Exchanges: []*evidence.Exchange{r.Exchange}})
}

// scanWriter prints results as they arrive and keeps the counts.
type scanWriter struct {
	opts   *ScanOptions
	out    *bufio.Writer
	errOut io.Writer
	errMu  sync.Mutex
	err    error
	html   bool
	tty    bool // the progress line is on
	// cancel stops the scan when the report cannot be written.
	cancel context.CancelFunc
	// prev counts the records of the --resume file.
	prev resumeCounts

	sarif bool
	// problems groups the findings across targets (text summary, --html,
	// --sarif).
	problems *scanProblems

	scanned, vulnerable, failed, invalid, skipped, interrupted, requests atomic.Int64
}

func (w *scanWriter) warn(err error) {
	w.errMu.Lock()
	defer w.errMu.Unlock()
	if w.tty {
		fmt.Fprint(w.errOut, "\r\x1b[K")
	}
	termsafe.Fprintf(w.errOut, "corsdoctor: warning: %v\n", err)
}

// emit writes one result and its findings; it runs on one goroutine.
func (w *scanWriter) emit(r *scan.Result, findings []diag.Finding) {
	w.requests.Add(int64(r.Requests))
	if r.Err != nil && errors.Is(r.Err, context.Canceled) {
		// Interrupted: no record, so --resume scans it again.
		w.interrupted.Add(1)
		return
	}
	w.scanned.Add(1)
	rec := scanRecordOf(r, findings, w.opts.ShowSecrets)
	if rec.Status == statusError {
		w.failed.Add(1)
	}
	if len(findings) > 0 {
		w.vulnerable.Add(1)
	}
	// Group the findings: the text output proves a problem once and
	// points back to it for the other places; --html and --sarif list
	// problems. JSON Lines alone needs no grouping.
	seen := make([]string, len(findings))
	for i, f := range rec.Findings {
		if w.opts.JSON && !w.html && !w.sarif {
			break
		}
		var sf *diag.Finding
		if w.sarif {
			d := sarifFinding(findings[i], r.Target, w.opts.ShowSecrets)
			sf = &d
		}
		seen[i] = w.problems.add(r.Target, f, sf)
	}
	if w.err != nil {
		return
	}
	if w.opts.JSON {
		b, err := json.Marshal(rec)
		if err != nil {
			w.err = err
			return
		}
		b = append(b, '\n')
		_, w.err = w.out.Write(b)
	} else {
		w.err = writeScanText(w.out, rec, seen)
	}
	if w.err == nil {
		// Each record reaches the file whole as soon as it is known.
		w.err = w.out.Flush()
	}
	if w.err != nil && w.cancel != nil {
		w.cancel() // nobody reads the results any more
	}
}

// scanRecordOf converts one scanner result into its record: the status,
// the error, the redirect note and the findings with their proof,
// redacted unless showSecrets. It is the only conversion: the text,
// --json, --html and --sarif outputs and the web UI's Scan page all start
// from it.
func scanRecordOf(r *scan.Result, findings []diag.Finding, showSecrets bool) scanRecord {
	rec := scanRecord{Target: r.Target.URL, Method: r.Target.Method, Input: r.Target.Location(), Requests: r.Requests,
		Findings: report.FindingsFromDiag(findings, report.Options{ShowSecrets: showSecrets})}
	rec.Note = redirectNote(r)
	switch {
	case r.Err != nil:
		rec.Status, rec.Error = statusError, r.Err.Error()
	case len(findings) > 0:
		rec.Status = statusVulnerable
	default:
		rec.Status = statusClean
	}
	if !showSecrets {
		// --resume matches the redacted target too (resumeKeys).
		rec.Target, rec.Note, rec.Error = redact.URL(rec.Target), redact.Text(rec.Note), redact.Text(rec.Error)
	}
	return rec
}

// scanPage is the findings report of a scan in the web UI: the findings,
// as records carry them, grouped into problems as --html does.
func scanPage(findings []report.Finding, scanned, vulnerable int64, dropped int) report.Page {
	ps := newScanProblems(maxReportFindings, true)
	for _, f := range findings {
		ps.add(scan.Target{URL: f.Location}, f, nil)
	}
	ps.dropped += dropped
	return ps.page(scanned, vulnerable)
}

// scanList scans a list of targets in-process (the web UI) and returns
// one record per target, in the order given. Targets a cancelled ctx
// stopped have status "error" with the context's error; the records of
// finished targets are kept, and the context's error is returned too.
func scanList(ctx context.Context, cfg scanConfig, targets []scan.Target, showSecrets bool) ([]scanRecord, error) {
	pos := make(map[string][]int, len(targets))
	for i, t := range targets {
		pos[t.Key()] = append(pos[t.Key()], i)
	}
	recs := make([]scanRecord, len(targets))
	i := 0
	next := func() (scan.Target, bool) {
		if i == len(targets) {
			return scan.Target{}, false
		}
		i++
		return targets[i-1], true
	}
	s := scan.New(cfg.Config)
	defer s.Close()
	err := scan.RunJudged(ctx, s, next, cfg.judge, func(r *scan.Result, findings []diag.Finding) {
		q := pos[r.Target.Key()]
		if len(q) == 0 {
			return
		}
		pos[r.Target.Key()] = q[1:]
		recs[q[0]] = scanRecordOf(r, findings, showSecrets)
	})
	// Targets never handed to the scanner (ctx ended first) still get
	// their record.
	reason := "not scanned"
	if err != nil {
		reason = err.Error()
	}
	for _, q := range pos {
		for _, j := range q {
			recs[j] = scanRecord{Target: targets[j].URL, Method: targets[j].Method, Input: targets[j].Location(),
				Status: statusError, Error: reason, Findings: []report.Finding{}}
		}
	}
	return recs, err
}

// sarifFinding anchors a finding at its target's input line (SARIF
// locations are files) and carries the proof in the message, redacted.
func sarifFinding(f diag.Finding, t scan.Target, showSecrets bool) diag.Finding {
	f.Detail = t.Key() + ": " + f.Detail + "\n" + strings.Join(f.Evidence, "\n")
	if !showSecrets {
		f.Detail = redact.Text(f.Detail)
	}
	u := t.URL
	if !showSecrets {
		u = redact.URL(u)
	}
	f.Location = evidence.Source{File: t.File, Line: t.Line, URL: u}
	if t.File == "" {
		f.Location.File = u // a target given as an argument
	}
	return f
}

// redirectNote says when the target answered with a redirect, which the
// scan records but never follows.
func redirectNote(r *scan.Result) string {
	if r.Exchange == nil || len(r.Exchange.Probes) == 0 || len(r.Exchange.Probes[0].Hops) == 0 {
		return ""
	}
	resp := r.Exchange.Probes[0].Hops[0].Response
	if resp == nil || resp.Status < 300 || resp.Status > 399 {
		return ""
	}
	loc := resp.Header.Get("Location")
	if loc == "" {
		return ""
	}
	return fmt.Sprintf("answers %d with Location: %s (not followed; scan that URL to audit it)", resp.Status, loc)
}

// writeScanText renders one record for a terminal. seen[i], when set,
// names the target whose output already proved finding i's problem:
// the finding is then one line pointing there.
func writeScanText(out io.Writer, rec scanRecord, seen []string) error {
	tw := &scanTextWriter{w: out}
	tw.printf("%s\n", scanStatusLine(rec))
	if rec.Note != "" {
		tw.printf("  note: %s\n", rec.Note)
	}
	for i, f := range rec.Findings {
		if i < len(seen) && seen[i] != "" {
			tw.printf("  %s %s %s: the same problem as %s (proof above)\n", f.ID, f.Severity, f.Name, seen[i])
			continue
		}
		tw.printf("  %s %s %s: %s\n", f.ID, f.Severity, f.Name, f.Title)
		tw.printf("    %s\n", f.Detail)
		for _, e := range f.Evidence {
			tw.printf("    %s\n", e)
		}
		tw.printf("    fix: %s\n", f.Fix)
	}
	return tw.err
}

// scanStatusLine is a record's first text line: status, method, target.
func scanStatusLine(rec scanRecord) string {
	switch rec.Status {
	case statusError:
		return fmt.Sprintf("ERROR      %s %s: %s", rec.Method, rec.Target, rec.Error)
	case statusVulnerable:
		return fmt.Sprintf("VULNERABLE %s %s (%d requests)", rec.Method, rec.Target, rec.Requests)
	default:
		return fmt.Sprintf("ok         %s %s (%d requests)", rec.Method, rec.Target, rec.Requests)
	}
}

type scanTextWriter struct {
	w   io.Writer
	err error
}

func (e *scanTextWriter) printf(format string, a ...any) {
	if e.err == nil {
		_, e.err = termsafe.Fprintf(e.w, format, a...)
	}
}

// progress shows a status line on standard error until the returned stop
// is called.
func (w *scanWriter) progress(on bool, start time.Time, now func() time.Time) (stop func()) {
	if !on {
		return func() {}
	}
	quit := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		t := time.NewTicker(250 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-quit:
				w.errMu.Lock()
				fmt.Fprint(w.errOut, "\r\x1b[K")
				w.errMu.Unlock()
				return
			case <-t.C:
				el := now().Sub(start).Seconds()
				w.errMu.Lock()
				fmt.Fprintf(w.errOut, "\r\x1b[Kscanned %d targets, %d vulnerable, %d failed, %d requests (%.0f/s)",
					w.scanned.Load(), w.vulnerable.Load(), w.failed.Load(), w.requests.Load(), float64(w.requests.Load())/max(el, 0.001))
				w.errMu.Unlock()
			}
		}
	}()
	return func() {
		close(quit)
		wg.Wait()
	}
}

func (w *scanWriter) summary(elapsed time.Duration) {
	w.errMu.Lock()
	defer w.errMu.Unlock()
	sec := max(elapsed.Seconds(), 0.001)
	perTarget := 0.0
	if n := w.scanned.Load() + w.interrupted.Load(); n > 0 {
		perTarget = float64(w.requests.Load()) / float64(n)
	}
	fmt.Fprintf(w.errOut, "corsdoctor: scanned %d targets with %d requests (%.1f per target) in %s (%.0f requests/s): %d vulnerable, %d failed",
		w.scanned.Load(), w.requests.Load(), perTarget, elapsed.Round(time.Millisecond), float64(w.requests.Load())/sec, w.vulnerable.Load(), w.failed.Load())
	if n := w.invalid.Load(); n > 0 {
		fmt.Fprintf(w.errOut, ", %d invalid lines skipped", n)
	}
	if n := w.skipped.Load(); n > 0 {
		fmt.Fprintf(w.errOut, ", %d already in --resume file (which holds %d vulnerable, %d failed)", n, w.prev.vulnerable, w.prev.failed)
	}
	fmt.Fprintln(w.errOut)
}
