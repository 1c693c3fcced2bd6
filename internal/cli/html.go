package cli

import (
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/spf13/pflag"

	"github.com/corsdoctor/corsdoctor/diag"
	"github.com/corsdoctor/corsdoctor/evidence"
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

// LogsPage is the HTML page of corsdoctor logs: what was read, the error
// series per minute with the deployments as markers, and the findings.
func LogsPage(st *evidence.LogStats, findings []diag.Finding) report.Page {
	p := report.Page{Title: "corsdoctor logs", Findings: report.FindingsFromDiag(findings, report.Options{})}
	if st == nil {
		return p
	}
	p.Subtitle = fmt.Sprintf("%d records from %d lines", st.Records, st.Lines)
	p.Facts = append(p.Facts, report.Fact{Key: "files", Value: strings.Join(st.Files, ", ")},
		report.Fact{Key: "formats", Value: strings.Join(st.Formats, ", ")})
	if !st.First.IsZero() {
		p.Facts = append(p.Facts, report.Fact{Key: "time range", Value: st.First.UTC().Format(time.RFC3339) + " to " + st.Last.UTC().Format(time.RFC3339)})
	}
	if st.Malformed > 0 {
		p.Facts = append(p.Facts, report.Fact{Key: "malformed lines", Value: fmt.Sprint(st.Malformed)})
	}
	// The error series with most errors, one chart, deployments marked.
	ch := report.Chart{Title: "Errors per minute", YLabel: "responses per minute"}
	for i, s := range st.Series {
		if i == 4 {
			break
		}
		name := s.Class + " " + s.Method + " " + s.Route
		if s.Origin != "" {
			name += " from " + s.Origin
		}
		series := report.Series{Name: name}
		for _, m := range s.PerMinute {
			series.Points = append(series.Points, report.Point{T: m.Minute, V: float64(m.Count)})
		}
		ch.Series = append(ch.Series, series)
	}
	for _, d := range st.Deploys {
		ch.Markers = append(ch.Markers, report.Marker{T: d.At, Label: "deploy " + d.At.UTC().Format("15:04")})
	}
	if len(ch.Series) > 0 {
		p.Charts = append(p.Charts, ch)
	}
	if len(st.Bad) > 0 {
		p.Sections = append(p.Sections, report.Section{Heading: "Lines that could not be read (first ones)", Items: st.Bad})
	}
	return p
}

// LintPage is the HTML page of corsdoctor lint.
func LintPage(res *LintResult, paths []string) report.Page {
	page := report.Page{Title: "corsdoctor lint", Subtitle: fmt.Sprintf("%d files, %d APIs", res.Files, res.APIs),
		Facts:    []report.Fact{{Key: "paths", Value: strings.Join(paths, ", ")}},
		Findings: report.FindingsFromDiag(res.Findings, report.Options{})}
	if res.Suppressed > 0 {
		page.Facts = append(page.Facts, report.Fact{Key: "suppressed", Value: fmt.Sprint(res.Suppressed)})
	}
	if len(res.Errors) > 0 {
		page.Sections = append(page.Sections, report.Section{Heading: "Files that could not be read", Items: res.Errors})
	}
	return page
}
