package cli

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync/atomic"
	"time"

	"github.com/spf13/cobra"

	"github.com/corsdoctor/corsdoctor/collect/accesslog"
	"github.com/corsdoctor/corsdoctor/diag"
	"github.com/corsdoctor/corsdoctor/evidence"
	"github.com/corsdoctor/corsdoctor/internal/termsafe"
	"github.com/corsdoctor/corsdoctor/report"
	"github.com/corsdoctor/corsdoctor/rules"
)

// LogsOptions are logs' parsed flags.
type LogsOptions struct {
	App      *App
	Files    []string
	Format   string
	Since    string
	Until    string
	DeployAt []string
	Window   time.Duration
	JSON     bool
	Insights bool
	// AccessLogFormat is a stage's access-log format for --insights.
	AccessLogFormat string
	Workers         int
	NoProgress      bool
	HTML            HTMLFlag
}

// NewCmdLogs builds `corsdoctor logs`.
func NewCmdLogs(app *App, runF func(*LogsOptions) error) *cobra.Command {
	opts := &LogsOptions{App: app}
	cmd := &cobra.Command{
		Use:   "logs [FILE|GLOB|-]... [flags]",
		Short: "Find CORS failure patterns in API Gateway, ALB, CloudFront and nginx access logs",
		Long: `logs reads access logs in one streaming pass (any size, .gz included, files in
parallel) and reports what a CORS incident looks like from the server: OPTIONS preflights
and their failure rate, 4xx/5xx by method, route and page origin per minute and when each
started, routes that alternate between success and failure, and the error rate before and
after each deployment (--deploy-at). Then it diagnoses (rules CD4001-CD4006).

Formats (detected per file unless --format is given): API Gateway JSON access logs
($context variables), CloudWatch Logs exports (event wrappers, 'aws logs
filter-log-events' output, S3 exports), common log format (API Gateway's CLF template,
Apache), nginx combined, ALB and CloudFront standard logs. With no FILE, or '-', standard
input is read. Malformed lines are counted and the first 10 shown; they never stop the run.

--insights prints the same aggregation as a CloudWatch Logs Insights query instead, for log
groups too large to download ('corsdoctor aws' runs the same query for you);
--access-log-format gives it the stage's access-log format (JSON, CLF, CSV or XML) so the
query reads exactly the fields it names.

Exit codes: 0 no finding, 1 findings (warnings or errors), 2 unreadable input or usage error.`,
		Example: `  corsdoctor logs access-2026-11-20*.log.gz --deploy-at 2026-11-20T14:02:00Z
  aws logs filter-log-events --log-group-name API-Gateway-Execution-Logs_abc/prod > events.json
  corsdoctor logs events.json --json
  zcat alb/*.log.gz | corsdoctor logs --format alb --since 2026-11-20T13:00:00Z
  corsdoctor logs --insights`,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Files = args
			if runF != nil {
				return runF(opts)
			}
			return runLogs(opts)
		},
	}
	fs := cmd.Flags()
	opts.HTML.Register(fs)
	fs.StringVar(&opts.Format, "format", "auto", "log format: auto, apigw-json, clf, alb, cloudfront, nginx, cwl-events")
	fs.StringVar(&opts.Since, "since", "", "keep records at or after this time (RFC 3339, '2006-01-02 15:04', or a duration before now such as 2h)")
	fs.StringVar(&opts.Until, "until", "", "keep records before this time (same forms as --since)")
	fs.StringArrayVar(&opts.DeployAt, "deploy-at", nil, "a deployment time to compare error rates around (repeatable)")
	fs.DurationVar(&opts.Window, "window", 30*time.Minute, "span before and after each --deploy-at")
	fs.BoolVar(&opts.JSON, "json", false, "print the JSON report (docs/json.md, with a \"logs\" section)")
	fs.BoolVar(&opts.Insights, "insights", false, "print the CloudWatch Logs Insights query computing this aggregation, and exit")
	fs.StringVar(&opts.AccessLogFormat, "access-log-format", "", "with --insights: the stage's access-log format (its AccessLogSettings.Format: JSON, CLF, CSV or XML); the query reads the fields it names")
	fs.IntVar(&opts.Workers, "workers", 0, "files read in parallel (default: the number of CPUs)")
	fs.BoolVar(&opts.NoProgress, "no-progress", false, "no progress line on standard error (shown only when it is a terminal and the input is over 100 MB)")
	return cmd
}

// LogsDocument is the JSON report of corsdoctor logs: the shared
// document (no per-request results) plus the aggregate and findings.
type LogsDocument struct {
	report.Document
	Logs     *evidence.LogStats `json:"logs"`
	Findings []report.Finding   `json:"findings"`
}

func runLogs(opts *LogsOptions) error {
	app := opts.App
	if opts.AccessLogFormat != "" && !opts.Insights {
		return WithHint(Usagef("--access-log-format applies to --insights only"), "corsdoctor logs --insights --access-log-format \"$(aws apigateway get-stage --rest-api-id ID --stage-name STAGE --query accessLogSettings.format --output text)\"")
	}
	if opts.Insights {
		var io accesslog.InsightsOptions
		if opts.AccessLogFormat != "" {
			f, err := accesslog.InsightsFieldsFromFormat(opts.AccessLogFormat)
			if err != nil {
				return WithHint(Usagef("--access-log-format: %v", err), "give the stage's format as API Gateway stores it, e.g. '{\"httpMethod\":\"$context.httpMethod\",\"resourcePath\":\"$context.resourcePath\",\"status\":\"$context.status\"}'")
			}
			io.Fields = f
		}
		_, err := fmt.Fprintln(app.IO.Out, accesslog.InsightsQuery(io))
		return err
	}
	format, err := accesslog.ParseFormat(opts.Format)
	if err != nil {
		return WithHint(Usagef("--format: %v", err), "leave --format out to detect the format of each file")
	}
	now := time.Now
	if app.Now != nil {
		now = app.Now
	}
	so := accesslog.Options{Format: format, Window: opts.Window, Workers: opts.Workers}
	if so.Since, err = parseTimeFlag("--since", opts.Since, now()); err != nil {
		return err
	}
	if so.Until, err = parseTimeFlag("--until", opts.Until, now()); err != nil {
		return err
	}
	for _, d := range opts.DeployAt {
		t, err := parseTimeFlag("--deploy-at", d, now())
		if err != nil {
			return err
		}
		so.Deploys = append(so.Deploys, t)
	}
	inputs, err := app.logInputs(opts.Files)
	if err != nil {
		return err
	}
	var read atomic.Int64
	so.Read = &read
	stop := logsProgress(app, inputs, &read, opts.NoProgress)
	st, err := accesslog.Scan(inputs, so)
	stop()
	if err != nil {
		return Usagef("%v", err)
	}
	in := &diag.Input{Logs: st}
	findings := diag.Run(rules.For(diag.NeedsAccessLogs), in)
	if opts.JSON {
		doc := LogsDocument{Document: report.NewDocument(nil, nil, report.Options{}), Logs: st, Findings: []report.Finding{}}
		for _, f := range findings {
			doc.Findings = append(doc.Findings, report.NewFinding(f, report.Options{}))
		}
		err = writeJSON(app.IO.Out, doc)
	} else {
		err = LogsText(app.IO.Out, st, findings)
	}
	if err != nil {
		return err
	}
	if err := opts.HTML.WritePage(app, LogsPage(st, findings), report.HTMLOptions{}); err != nil {
		return err
	}
	if st.Records == 0 && st.Lines > 0 {
		// Nothing could be read: not a clean result (docs/exit-codes.md).
		return WithHint(Usagef("no line of %d could be read as %s", st.Lines, strings.Join(st.Formats, ", ")),
			"name the log format with --format, or check that the file is an access log")
	}
	for _, f := range findings {
		if f.Severity >= diag.Warning {
			return ErrFindings
		}
	}
	return nil
}

// Progress line of logs: shown on a terminal once the input is over
// progressMinBytes (known from the files' sizes, or read so far from
// standard input), refreshed every progressEvery.
var (
	progressMinBytes int64 = 100 << 20
	progressEvery          = 250 * time.Millisecond
)

// logsProgress starts the progress line; the returned stop clears it.
func logsProgress(app *App, inputs []accesslog.Input, read *atomic.Int64, off bool) (stop func()) {
	if off || !app.IO.ErrTTY {
		return func() {}
	}
	var total int64
	known := true
	for _, in := range inputs {
		total += in.Size
		known = known && in.Size > 0
	}
	if known && total <= progressMinBytes {
		return func() {}
	}
	start := time.Now()
	line := func() string {
		n := read.Load()
		el := time.Since(start).Seconds()
		rate := float64(n) / 1e6 / max(el, 0.001)
		if known {
			return fmt.Sprintf("corsdoctor: read %s of %s (%.0f%%), %.0f MB/s", mb(n), mb(total), 100*float64(n)/float64(total), rate)
		}
		return fmt.Sprintf("corsdoctor: read %s, %.0f MB/s", mb(n), rate)
	}
	quit, done := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(done)
		t := time.NewTicker(progressEvery)
		defer t.Stop()
		shown := known
		if known {
			fmt.Fprint(app.IO.ErrOut, "\r\x1b[K"+line())
		}
		for {
			select {
			case <-quit:
				if shown {
					fmt.Fprint(app.IO.ErrOut, "\r\x1b[K")
				}
				return
			case <-t.C:
				if known || read.Load() > progressMinBytes {
					fmt.Fprint(app.IO.ErrOut, "\r\x1b[K"+line())
					shown = true
				}
			}
		}
	}()
	return func() {
		close(quit)
		<-done
	}
}

// mb renders a byte count in MB (10^6) or GB.
func mb(n int64) string {
	if n >= 10e9 {
		return fmt.Sprintf("%.1f GB", float64(n)/1e9)
	}
	return fmt.Sprintf("%.0f MB", float64(n)/1e6)
}

// logInputs expands files and globs; no file or "-" is standard input.
func (a *App) logInputs(args []string) ([]accesslog.Input, error) {
	if len(args) == 0 {
		args = []string{"-"}
	}
	var out []accesslog.Input
	stdin := false
	for _, arg := range args {
		if arg == "-" {
			if stdin {
				return nil, Usagef("standard input ('-') given twice")
			}
			stdin = true
			in := a.IO.In
			out = append(out, accesslog.Input{Name: "<stdin>", Open: func() (io.ReadCloser, error) { return io.NopCloser(in), nil }})
			continue
		}
		names := []string{arg}
		if strings.ContainsAny(arg, "*?[") {
			m, err := filepath.Glob(arg)
			if err != nil {
				return nil, Usagef("%s: bad pattern: %v", arg, err)
			}
			if len(m) == 0 {
				return nil, WithHint(Usagef("%s: no file matches", arg), "check the path; quote the pattern to let corsdoctor expand it")
			}
			names = m
		}
		for _, n := range names {
			fi, err := os.Stat(n)
			if err != nil {
				return nil, Usagef("%v", err)
			}
			if fi.IsDir() {
				return nil, WithHint(Usagef("%s: is a directory", n), "pass the files, e.g. "+filepath.Join(n, "*.log.gz"))
			}
			out = append(out, accesslog.Input{Name: n, Size: fi.Size(), Open: func() (io.ReadCloser, error) { return os.Open(n) }})
		}
	}
	return out, nil
}

// parseTimeFlag reads RFC 3339, "2006-01-02 15:04[:05]" (UTC) or a
// duration before now.
func parseTimeFlag(flag, v string, now time.Time) (time.Time, error) {
	if v == "" {
		return time.Time{}, nil
	}
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05", "2006-01-02 15:04:05", "2006-01-02T15:04", "2006-01-02 15:04", "2006-01-02"} {
		if t, err := time.Parse(layout, v); err == nil {
			return t.UTC(), nil
		}
	}
	if d, err := time.ParseDuration(v); err == nil && d > 0 {
		return now.Add(-d).UTC(), nil
	}
	return time.Time{}, WithHint(Usagef("%s: bad time %q", flag, v), "use RFC 3339 (2026-11-20T14:02:00Z), '2026-11-20 14:02' (UTC) or a duration such as 2h")
}

// LogsText renders the aggregate and findings for a terminal.
func LogsText(w io.Writer, st *evidence.LogStats, findings []diag.Finding) error {
	ew := &textWriter{w: w}
	span := ""
	if !st.First.IsZero() {
		span = fmt.Sprintf(", %s to %s", st.First.Format("2006-01-02 15:04:05"), st.Last.Format("2006-01-02 15:04:05 UTC"))
	}
	ew.f("%s records in %s %s (%s)%s\n", count(st.Records), count(int64(len(st.Files))), plural(len(st.Files), "file", "files"), strings.Join(st.Formats, ", "), span)
	if st.Filtered > 0 {
		ew.f("%s records outside --since/--until skipped\n", count(st.Filtered))
	}
	if st.Malformed > 0 {
		ew.f("%s malformed %s skipped", count(st.Malformed), plural(int(min(st.Malformed, 2)), "line", "lines"))
		if st.Malformed > int64(len(st.Bad)) {
			ew.f(" (first %d shown)", len(st.Bad))
		}
		ew.f(":\n")
		for _, b := range st.Bad {
			ew.f("  %s\n", b)
		}
	}
	for _, t := range st.Truncated {
		ew.f("warning: %s\n", t)
	}

	// Preflights.
	var pre []evidence.RouteStats
	var preTotal, preFailed int64
	for _, r := range st.Routes {
		if r.Method == "OPTIONS" {
			pre = append(pre, r)
			preTotal += r.Total
			preFailed += r.Failed()
		}
	}
	ew.f("\nPreflights (OPTIONS): %s requests, %s failed (%s)\n", count(preTotal), count(preFailed), pctOf(preFailed, preTotal))
	for _, r := range pre {
		ew.f("  %-32s %10s  %6s failed  %s\n", r.Route, count(r.Total), pctOf(r.Failed(), r.Total), failedStatuses(r))
	}

	// Routes.
	ew.f("\nRequests by method and route:\n")
	ew.f("  %-7s %-28s %10s %8s %8s %7s  %-19s %s\n", "METHOD", "ROUTE", "TOTAL", "4XX", "5XX", "FAIL%", "FIRST FAILURE", "FLIPS")
	for i, r := range st.Routes {
		if i == 25 {
			ew.f("  ... %d more routes (--json for all)\n", len(st.Routes)-25)
			break
		}
		first := "-"
		if !r.FirstError.IsZero() {
			first = r.FirstError.Format("2006-01-02 15:04:05")
		}
		ew.f("  %-7s %-28s %10s %8s %8s %7s  %-19s %d\n", r.Method, r.Route, count(r.Total), count(r.Client), count(r.Server), pctOf(r.Failed(), r.Total), first, r.Flips)
	}

	// Error series.
	if len(st.Series) > 0 {
		ew.f("\nErrors by method, route and origin (per minute, top 10):\n")
		for i, s := range st.Series {
			if i == 10 {
				ew.f("  ... %d more series (--json for all)\n", len(st.Series)-10)
				break
			}
			origin := ""
			if s.Origin != "" {
				origin = " from " + s.Origin
			}
			ew.f("  %s %s %s%s: %s %s, started %s", s.Class, s.Method, s.Route, origin, count(s.Count), plural(int(min(s.Count, 2)), "error", "errors"), s.Started.Format("2006-01-02 15:04:05"))
			if s.StartedAt.File != "" {
				ew.f(" (%s)", s.StartedAt)
			}
			ew.f("\n    %s\n", minuteLine(s.PerMinute))
		}
	}

	// Deployments.
	for _, d := range st.Deploys {
		ew.f("\nDeployment %s: error rate %s (%s/%s) in the %s before, %s (%s/%s) after\n", d.At.Format("2006-01-02 15:04:05 UTC"),
			pctOf(d.Before.Errors, d.Before.Total), count(d.Before.Errors), count(d.Before.Total), shortDuration(st.Window),
			pctOf(d.After.Errors, d.After.Total), count(d.After.Errors), count(d.After.Total))
		for i, r := range d.Routes {
			if i == 10 {
				break
			}
			ew.f("  %-7s %-28s %7s -> %7s\n", r.Method, r.Route, pctOf(r.Before.Errors, r.Before.Total), pctOf(r.After.Errors, r.After.Total))
		}
	}

	if len(findings) > 0 {
		ew.f("\nDiagnosis (most likely first):\n")
		for i, f := range findings {
			ew.f("%d. %s %s %s: %s\n", i+1, f.Severity, f.RuleID, f.Name, f.Title)
			if f.Location != (evidence.Source{}) {
				ew.f("   at %s\n", f.Location)
			}
			ew.f("   %s\n", f.Detail)
			for _, e := range f.Evidence {
				ew.f("     | %s\n", e)
			}
			plat := ""
			if f.Platform != "" && f.Platform != diag.Generic {
				plat = " (" + string(f.Platform) + ")"
			}
			ew.f("   fix%s: %s\n", plat, f.Fix)
		}
	} else {
		ew.f("\nNo CORS-related failure pattern found.\n")
	}
	return ew.err
}

// writeJSON writes v indented, like report.JSON.
func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}

// shortDuration renders 30m0s as 30m and 1h0m0s as 1h.
func shortDuration(d time.Duration) string {
	s := d.String()
	if strings.HasSuffix(s, "m0s") {
		s = strings.TrimSuffix(s, "0s")
	}
	if strings.HasSuffix(s, "h0m") {
		s = strings.TrimSuffix(s, "0m")
	}
	return s
}

type textWriter struct {
	w   io.Writer
	err error
}

func (t *textWriter) f(format string, a ...any) {
	if t.err == nil {
		_, t.err = termsafe.Fprintf(t.w, format, a...)
	}
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// count renders 1234567 as "1,234,567".
func count(n int64) string {
	s := fmt.Sprint(n)
	if n < 0 {
		return s
	}
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return b.String()
}

func pctOf(n, total int64) string {
	if total == 0 {
		return "0.0%"
	}
	return fmt.Sprintf("%.1f%%", 100*float64(n)/float64(total))
}

func failedStatuses(r evidence.RouteStats) string {
	var ss []int
	for s := range r.Statuses {
		if s >= 400 || s < 200 || s > 299 {
			ss = append(ss, s)
		}
	}
	sort.Ints(ss)
	var parts []string
	for _, s := range ss {
		parts = append(parts, fmt.Sprintf("%d×%s", s, count(r.Statuses[s])))
	}
	var ts []string
	for t := range r.Errors {
		ts = append(ts, t)
	}
	sort.Strings(ts)
	if len(ts) > 0 {
		parts = append(parts, "("+strings.Join(ts, ", ")+")")
	}
	return strings.Join(parts, " ")
}

// minuteLine renders the first minutes of a series: "14:02 12, 14:03 40, ...".
func minuteLine(ms []evidence.MinuteCount) string {
	var parts []string
	for i, m := range ms {
		if i == 8 {
			parts = append(parts, fmt.Sprintf("... (%d minutes)", len(ms)))
			break
		}
		parts = append(parts, fmt.Sprintf("%s %s", m.Minute.Format("15:04"), count(m.Count)))
	}
	if len(parts) == 0 {
		return "(no timestamps)"
	}
	return strings.Join(parts, ", ")
}
