package cli

import (
	"context"

	"github.com/spf13/cobra"

	"github.com/corsdoctor/corsdoctor/internal/app/demo"
	"github.com/corsdoctor/corsdoctor/report"
)

// DemoOptions are demo's parsed flags.
type DemoOptions struct {
	App  *App
	JSON bool
	// Only restricts the run to cases whose path contains this string.
	Only string
	// Verbose prints check's full report for every case.
	Verbose bool
}

// NewCmdDemo builds `corsdoctor demo`.
func NewCmdDemo(app *App, runF func(*DemoOptions) error) *cobra.Command {
	opts := &DemoOptions{App: app}
	cmd := &cobra.Command{
		Use:   "demo",
		Short: "Start the embedded lab on loopback and diagnose every failure it reproduces",
		Long: `demo starts corsdoctor's lab (an API that fails in every way browsers see in the
field, plus correct endpoints for contrast) on 127.0.0.1, runs check against every
endpoint with a realistic page origin, and prints one line per endpoint: the failure it
reproduces, the browser's verdict, the diagnosed cause (rule ID and name) and whether
that agrees with the lab's expectation. Nothing leaves the machine.

Exit codes: 0 every endpoint diagnosed as expected, 1 any disagreement.`,
		Example: `  corsdoctor demo
  corsdoctor demo --only aws/rest --verbose
  corsdoctor demo --json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if runF != nil {
				return runF(opts)
			}
			return runDemo(cmd.Context(), opts)
		},
	}
	fs := cmd.Flags()
	fs.BoolVar(&opts.JSON, "json", false, "print the results as JSON")
	fs.StringVar(&opts.Only, "only", "", "run only the endpoints whose path contains this text")
	fs.BoolVar(&opts.Verbose, "verbose", false, "also print check's full report for every endpoint")
	return cmd
}

func runDemo(ctx context.Context, opts *DemoOptions) error {
	if ctx == nil {
		ctx = context.Background()
	}
	app := opts.App
	res, err := demo.Run(ctx, demo.Options{Only: opts.Only, Now: app.Now})
	if err != nil {
		return err
	}
	if opts.JSON {
		err = writeJSON(app.IO.Out, res.Report())
	} else {
		var details []report.DemoDetail
		if opts.Verbose {
			details = res.Details()
		}
		// Colour only on a terminal, and never with NO_COLOR (no-color.org).
		color := app.IO.IsTTY && app.Getenv != nil && app.Getenv("NO_COLOR") == "" && app.Getenv("TERM") != "dumb"
		err = report.DemoText(app.IO.Out, res.Results, demo.Engines, details, color)
	}
	if err != nil {
		return err
	}
	return res.Err()
}
