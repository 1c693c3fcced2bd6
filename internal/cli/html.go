package cli

import (
	"io"

	"github.com/spf13/pflag"

	"github.com/corsdoctor/corsdoctor/internal/app"
	"github.com/corsdoctor/corsdoctor/report"
)

// HTMLFlag is --html FILE: also write the report as one self-contained
// HTML file (docs/serve.md). Commands embed it in their options, call
// Register, and after building the report call Write.
type HTMLFlag struct {
	Path string
}

// Register adds --html to fs.
func (f *HTMLFlag) Register(fs *pflag.FlagSet) {
	fs.StringVar(&f.Path, "html", "", "also write the report as one self-contained HTML `FILE` (opens offline in any browser)")
}

// WriteDocument writes doc as an HTML report when --html was given.
func (f *HTMLFlag) WriteDocument(app *App, doc report.Document, opt report.HTMLOptions) error {
	if f.Path == "" {
		return nil
	}
	return app.writeHTML(f.Path, func(w io.Writer) error { return report.HTML(w, doc, opt) })
}

// WritePage writes a findings-only report (lint, scan, logs, aws) when
// --html was given.
func (f *HTMLFlag) WritePage(app *App, p report.Page, opt report.HTMLOptions) error {
	if f.Path == "" {
		return nil
	}
	return app.writeHTML(f.Path, func(w io.Writer) error { return report.HTMLPage(w, p, opt) })
}

// writeHTML writes an --html report atomically (app.WriteHTML).
func (a *App) writeHTML(path string, render func(io.Writer) error) error {
	return app.WriteHTML(path, render)
}
