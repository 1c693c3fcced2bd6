package cli

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"runtime/debug"

	"github.com/spf13/cobra"

	"github.com/corsdoctor/corsdoctor/diag"
	"github.com/corsdoctor/corsdoctor/evidence"
	"github.com/corsdoctor/corsdoctor/internal/app/lint"
	"github.com/corsdoctor/corsdoctor/internal/termsafe"
	"github.com/corsdoctor/corsdoctor/report"
)

// LintOptions are lint's parsed flags.
type LintOptions struct {
	App    *App
	Format string
	FailOn string
	// Origins are the --origin values as given (Lint.Origins once valid).
	Origins []string
	HTML    HTMLFlag
	Lint    lint.Options
}

// NewCmdLint builds `corsdoctor lint`.
func NewCmdLint(app *App, runF func(*LintOptions) error) *cobra.Command {
	opts := &LintOptions{App: app}
	cmd := &cobra.Command{
		Use:   "lint PATH... [flags]",
		Short: "Find CORS mistakes in CloudFormation/SAM, CDK, OpenAPI, Serverless and Terraform before they deploy",
		Long: `lint reads infrastructure code (files or directories; formats detected by
content): CloudFormation and SAM templates (YAML with !Ref/!Sub/!GetAtt tags, or
JSON), CDK output (cdk.out/*.template.json), OpenAPI 3 / Swagger 2 exports with API
Gateway extensions, serverless.yml, and Terraform modules (.tf). Every API is
translated into one model of its CORS behaviour and checked by the CD20xx rules, the
same rules 'corsdoctor aws' runs on live APIs.

With --origin, lint also simulates each route as API Gateway would answer it and
predicts the browser's verdict (rule CD2050).

Suppress a finding with a comment on its line or the line above:
  # corsdoctor:ignore CD2009 internal API, no browser clients
or in a config file (--config):
  rules: [all, -CD2021]
  ignore:
    - {rule: CD2009, path: "legacy/*", reason: "no browser clients"}
Suppressions need a reason; unused ones are reported.

Exit status: 0 no findings at or above --fail-on, 1 findings, 2 usage error or a
file that could not be parsed (the other files are still linted).`,
		Example: `  corsdoctor lint template.yaml
  corsdoctor lint . --format sarif > corsdoctor.sarif
  corsdoctor lint infra/ --origin https://app.example.com --fail-on warning`,
		Args: cobra.ArbitraryArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Lint.Paths = args
			if runF != nil {
				return runF(opts)
			}
			return runLint(opts)
		},
	}
	fs := cmd.Flags()
	fs.StringVar(&opts.Format, "format", "text", "output format: text, json or sarif")
	opts.HTML.Register(fs)
	fs.StringVar(&opts.FailOn, "fail-on", "error", "exit 1 when a finding has at least this severity: error, warning or info")
	fs.StringArrayVar(&opts.Origins, "origin", nil, "page origin to predict browser verdicts for (repeatable)")
	fs.StringVar(&opts.Lint.Config, "config", "", "config file (YAML): rules selection and suppressions")
	fs.StringSliceVar(&opts.Lint.Rules, "rules", nil, "rule selection, e.g. all,-CD2021 (overrides the config file)")
	fs.BoolVar(&opts.Lint.SkipUnknown, "skip-unknown", false, "skip given files that are not infrastructure code instead of reporting them (pre-commit passes every changed .yaml/.json)")
	return cmd
}

// LintResult is lint's result (its JSON output).
type LintResult = lint.Result

func runLint(opts *LintOptions) error {
	if len(opts.Lint.Paths) == 0 {
		return WithHint(Usagef("lint: no PATH given"), "corsdoctor lint template.yaml (or a directory: corsdoctor lint .)")
	}
	failOn, err := diag.ParseSeverity(opts.FailOn)
	if err != nil {
		return Usagef("--fail-on: %v", err)
	}
	switch opts.Format {
	case "text", "json", "sarif":
	default:
		return WithHint(Usagef("--format: unknown format %q", opts.Format), "use --format text, json or sarif")
	}
	for _, o := range opts.Origins {
		v, err := ParseOriginFlag(o)
		if err != nil {
			return err
		}
		opts.Lint.Origins = append(opts.Lint.Origins, v)
	}
	tuneGC(opts.App.Getenv)
	res, err := lint.Run(context.Background(), opts.Lint)
	if err != nil {
		return err
	}
	io := opts.App.IO
	switch opts.Format {
	case "json":
		enc := json.NewEncoder(io.Out)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
		if err := enc.Encode(res); err != nil {
			return err
		}
	case "sarif":
		// GitHub code scanning wants repository-relative paths.
		base, _ := os.Getwd()
		opt := report.SARIFOptions{BaseDir: base}
		for _, e := range res.FileErrors {
			opt.Notifications = append(opt.Notifications, notification(e))
		}
		if err := report.SARIF(io.Out, res.Findings, res.Rules, opt); err != nil {
			return err
		}
	default:
		report.LintText(io.Out, &res.Lint)
	}
	if err := opts.HTML.WritePage(opts.App, report.LintPage(&res.Lint, opts.Lint.Paths), report.HTMLOptions{}); err != nil {
		return err
	}
	for _, e := range res.Errors {
		termsafe.Fprintf(io.ErrOut, "corsdoctor: error: %s\n", e)
	}
	return res.Err(failOn)
}

// notification turns a file's error into a SARIF notification, with its
// place when the parser gave one (evidence.Located).
func notification(e error) report.SARIFNotification {
	var l evidence.Located
	if errors.As(e, &l) {
		return report.SARIFNotification{Message: l.Problem(), Location: l.Place()}
	}
	return report.SARIFNotification{Message: e.Error()}
}

// tuneGC trades memory for CPU while parsing thousands of templates: the
// parse trees are short-lived garbage. GOGC 200 with a 200 MiB soft limit
// cut CPU time by ~12% on the 1,000-template benchmark (BENCHMARKS.md) at
// ~220 MB peak RSS. GOGC or GOMEMLIMIT in the environment win.
func tuneGC(getenv func(string) string) {
	if getenv == nil || getenv("GOGC") != "" || getenv("GOMEMLIMIT") != "" {
		return
	}
	debug.SetGCPercent(200)
	debug.SetMemoryLimit(200 << 20)
}
