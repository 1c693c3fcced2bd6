package cli

import (
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/spf13/pflag"

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

// writeHTML renders into a temporary file beside path and renames it, so
// a failed run never leaves half a report.
func (a *App) writeHTML(path string, render func(io.Writer) error) error {
	dir := filepath.Dir(path)
	tmp, err := os.CreateTemp(dir, ".corsdoctor-*.html")
	if err != nil {
		return Usagef("--html: %v", err)
	}
	defer os.Remove(tmp.Name())
	if err := render(tmp); err != nil {
		tmp.Close()
		return fmt.Errorf("--html %s: %w", path, err)
	}
	if err := tmp.Chmod(0o644); err != nil {
		tmp.Close()
		return fmt.Errorf("--html %s: %w", path, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("--html %s: %w", path, err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return Usagef("--html: %v", err)
	}
	return nil
}
