package check

import (
	"context"
	"fmt"
	"io"

	"github.com/corsdoctor/corsdoctor/internal/app"
	"github.com/corsdoctor/corsdoctor/report"
)

// ReportOptions say how check reports (its output flags).
type ReportOptions struct {
	JSON bool
	// HTML is the file that receives the HTML report ("" for none).
	HTML string
	// Browser also runs the request in headless Chromium (ChromePath, or
	// found on the system) and shows both verdicts side by side;
	// BrowserRun replaces the Chromium run (tests).
	Browser    bool
	BrowserRun BrowserRun
	ChromePath string
	// Notes are printed under every result (how a paste was read).
	Notes []string
}

// IO is where Report writes the report, the warnings and bug reports.
type IO struct{ Out, ErrOut io.Writer }

// Report runs the check (Run), with --browser in Chromium too, and
// writes the report: the origin table, each result with its curl
// commands, the browser comparison (or JSON), and the --html report. Its
// error is Exit's.
func Report(ctx context.Context, spec Spec, opts ReportOptions, env IO) error {
	for _, w := range spec.Warnings {
		fmt.Fprintf(env.ErrOut, "corsdoctor: warning: %s\n", w)
	}
	out := Run(ctx, spec)
	if len(opts.Notes) > 0 {
		for i := range out.Exchanges {
			out.Notes[i] = append(append([]string{}, opts.Notes...), out.Notes[i]...)
		}
	}
	var browserLines []string
	var err error
	if opts.Browser {
		if ctx == nil {
			ctx = context.Background()
		}
		run := opts.BrowserRun
		if run == nil {
			r, closeBrowser, err := StartBrowser(ctx, opts.ChromePath, spec.Origins)
			if err != nil {
				return err
			}
			defer closeBrowser()
			run = r
		}
		if browserLines, err = InBrowser(ctx, spec, out, run, env.ErrOut); err != nil {
			return app.Usagef("--browser: %v", err)
		}
	}
	if opts.JSON {
		err = report.JSON(env.Out, out.Doc)
	} else {
		if len(out.Doc.Results) > 1 {
			if err = report.OriginTable(env.Out, out.Doc); err == nil {
				_, err = fmt.Fprintln(env.Out)
			}
		}
		if err == nil {
			err = report.Text(env.Out, out.Doc, report.TextOptions{Curl: out.Curl, Notes: out.Notes})
		}
		if err == nil && opts.Browser {
			err = report.BrowserSideBySide(env.Out, browserLines, out.Doc)
		}
	}
	if err != nil {
		return err
	}
	if opts.HTML != "" {
		if err := app.WriteHTML(opts.HTML, func(w io.Writer) error {
			return report.HTML(w, out.Doc, report.HTMLOptions{Title: "corsdoctor check"})
		}); err != nil {
			return err
		}
	}
	return Exit(out.Exchanges, spec.ShowEngines)
}
