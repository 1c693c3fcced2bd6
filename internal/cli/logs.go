package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"time"

	"github.com/spf13/cobra"

	"github.com/corsdoctor/corsdoctor/collect/accesslog"
	"github.com/corsdoctor/corsdoctor/internal/app/logs"
	"github.com/corsdoctor/corsdoctor/report"
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

// Progress line of logs: shown on a terminal once the input is over
// progressMinBytes (known from the files' sizes, or read so far from
// standard input), refreshed every progressEvery.
var (
	progressMinBytes int64 = 100 << 20
	progressEvery          = 250 * time.Millisecond
)

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
	lo := logs.Options{Files: opts.Files, Stdin: app.IO.In, Scan: accesslog.Options{Format: format, Window: opts.Window, Workers: opts.Workers},
		ProgressMin: progressMinBytes, ProgressEvery: progressEvery}
	if !opts.NoProgress && app.IO.ErrTTY {
		lo.Progress = app.IO.ErrOut
	}
	if lo.Scan.Since, err = parseTimeFlag("--since", opts.Since, now()); err != nil {
		return err
	}
	if lo.Scan.Until, err = parseTimeFlag("--until", opts.Until, now()); err != nil {
		return err
	}
	for _, d := range opts.DeployAt {
		t, err := parseTimeFlag("--deploy-at", d, now())
		if err != nil {
			return err
		}
		lo.Scan.Deploys = append(lo.Scan.Deploys, t)
	}
	res, err := logs.Run(context.Background(), lo)
	if err != nil {
		return err
	}
	if opts.JSON {
		err = writeJSON(app.IO.Out, report.NewLogsDocument(res.Stats, res.Findings))
	} else {
		err = report.LogsText(app.IO.Out, res.Stats, res.Findings)
	}
	if err != nil {
		return err
	}
	if err := opts.HTML.WritePage(app, report.LogsPage(res.Stats, res.Findings), report.HTMLOptions{}); err != nil {
		return err
	}
	return res.Err()
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

// writeJSON writes v indented, like report.JSON.
func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}

func plural(n int, one, many string) string { return report.Plural(n, one, many) }
