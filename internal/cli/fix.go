package cli

import (
	"context"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/corsdoctor/corsdoctor/diag"
	"github.com/corsdoctor/corsdoctor/fix"
	appfix "github.com/corsdoctor/corsdoctor/internal/app/fix"
)

// FixOptions are fix's parsed flags.
type FixOptions struct {
	App     *App
	Paths   []string
	Apply   bool
	Origins []string
	Headers []string
	Rules   []string
	Config  string
	Format  string
	FailOn  string
}

// NewCmdFix builds `corsdoctor fix`.
func NewCmdFix(app *App, runF func(*FixOptions) error) *cobra.Command {
	opts := &FixOptions{App: app}
	cmd := &cobra.Command{
		Use:   "fix [PATH...] [flags]",
		Short: "Rewrite the CORS configuration in infrastructure code, proving every change first",
		Long: `fix runs lint on the paths (default: the current directory), rewrites the templates
for every finding that has a mechanical fix, and prints the change as a unified diff;
--apply writes it. CloudFormation/SAM (YAML and JSON), OpenAPI exports with API
Gateway extensions, Serverless Framework and Terraform are edited in place, keeping
comments, key order, quoting, short-form tags and indentation. CDK output is
generated, so fix prints the construct-level change (with the construct path)
instead of editing cdk.out.

Every fix is proved before it is kept: the rewritten files are linted again in
memory (the finding must be gone, the files must still parse) and every route is
simulated for each --origin with the method and headers its clients send, through
the same engine that decides like Chromium; a fix that does not make the routes it
targets pass, or that makes another route worse, is refused and reported. The
before/after table is printed.

Values are never invented: the origins to allow come from --origin (or from the
API's own configuration when it names exactly one); a fix that needs a value you
did not give names the flag and is skipped.

Exit status: 0 nothing to fix and no finding at or above --fail-on remains (after
--apply: none remains), 1 there is a change to make or a finding remains, 2 usage
error or a file that could not be parsed.`,
		Example: `  corsdoctor fix template.yaml --origin https://app.example.com
  corsdoctor fix infra/ --origin https://app.example.com --apply
  corsdoctor fix . --rules CD2001,CD2009 --header x-request-id`,
		Args: cobra.ArbitraryArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Paths = args
			if runF != nil {
				return runF(opts)
			}
			return runFix(opts)
		},
	}
	fs := cmd.Flags()
	fs.BoolVar(&opts.Apply, "apply", false, "write the rewritten files (default: print the diff only)")
	fs.StringArrayVar(&opts.Origins, "origin", nil, "page origin to allow and to prove the fixes for (repeatable)")
	fs.StringArrayVar(&opts.Headers, "header", nil, "request header name the API's clients send, to allow and to prove (repeatable)")
	fs.StringSliceVar(&opts.Rules, "rules", nil, "rule selection, e.g. CD2001,CD2009 or all,-CD2023 (overrides the config file)")
	fs.StringVar(&opts.Config, "config", "", "lint config file (YAML): rules selection and suppressions")
	fs.StringVar(&opts.Format, "format", "text", "output format: text or json")
	fs.StringVar(&opts.FailOn, "fail-on", "error", "exit 1 when a finding of at least this severity remains: error, warning or info")
	return cmd
}

func runFix(opts *FixOptions) error {
	failOn, err := diag.ParseSeverity(opts.FailOn)
	if err != nil {
		return Usagef("--fail-on: %v", err)
	}
	switch opts.Format {
	case "text", "json":
	default:
		return WithHint(Usagef("--format: unknown format %q", opts.Format), "use --format text or json")
	}
	fo := appfix.Options{Paths: opts.Paths, Rules: opts.Rules, Config: opts.Config, Apply: opts.Apply}
	for _, o := range opts.Origins {
		v, err := ParseOriginFlag(o)
		if err != nil {
			return err
		}
		fo.Origins = append(fo.Origins, v)
	}
	for _, h := range opts.Headers {
		h = strings.TrimSpace(h)
		if h == "" || strings.ContainsAny(h, " :\t\r\n,") {
			return WithHint(Usagef("--header %q: want a header name", h), "give the name only: --header x-request-id")
		}
		fo.Headers = append(fo.Headers, h)
	}
	res, err := appfix.Run(context.Background(), fo)
	if err != nil {
		return err
	}
	io := opts.App.IO
	if opts.Format == "json" {
		err = writeJSON(io.Out, res.Document())
	} else {
		fix.Text(io.Out, res.Result, res.Applied)
	}
	if err != nil {
		return err
	}
	for _, e := range res.Errors {
		fmt.Fprintf(io.ErrOut, "corsdoctor: error: %s\n", e)
	}
	return res.Err(failOn)
}
