package report

import (
	"fmt"
	"io"
	"sort"
	"strings"
	"time"

	"github.com/corsdoctor/corsdoctor/diag"
	"github.com/corsdoctor/corsdoctor/evidence"
	"github.com/corsdoctor/corsdoctor/internal/termsafe"
)

// LogsDocument is the JSON report of corsdoctor logs: the shared
// document (no per-request results) plus the aggregate and findings.
type LogsDocument struct {
	Document
	Logs     *evidence.LogStats `json:"logs"`
	Findings []Finding          `json:"findings"`
}

// NewLogsDocument builds logs' JSON report.
func NewLogsDocument(st *evidence.LogStats, findings []diag.Finding) LogsDocument {
	doc := LogsDocument{Document: NewDocument(nil, nil, Options{}), Logs: st, Findings: []Finding{}}
	for _, f := range findings {
		doc.Findings = append(doc.Findings, NewFinding(f, Options{}))
	}
	return doc
}

// LogsText renders the aggregate and findings for a terminal.
func LogsText(w io.Writer, st *evidence.LogStats, findings []diag.Finding) error {
	ew := &textWriter{w: w}
	span := ""
	if !st.First.IsZero() {
		span = fmt.Sprintf(", %s to %s", st.First.Format("2006-01-02 15:04:05"), st.Last.Format("2006-01-02 15:04:05 UTC"))
	}
	ew.f("%s records in %s %s (%s)%s\n", count(st.Records), count(int64(len(st.Files))), Plural(len(st.Files), "file", "files"), strings.Join(st.Formats, ", "), span)
	if st.Filtered > 0 {
		ew.f("%s records outside --since/--until skipped\n", count(st.Filtered))
	}
	if st.Malformed > 0 {
		ew.f("%s malformed %s skipped", count(st.Malformed), Plural(int(min(st.Malformed, 2)), "line", "lines"))
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
			ew.f("  %s %s %s%s: %s %s, started %s", s.Class, s.Method, s.Route, origin, count(s.Count), Plural(int(min(s.Count, 2)), "error", "errors"), s.Started.Format("2006-01-02 15:04:05"))
			if s.StartedAt.File != "" {
				ew.f(" (%s)", s.StartedAt)
			}
			ew.f("\n    %s\n", minuteLine(s.PerMinute))
		}
	}

	// Deployments.
	for _, d := range st.Deploys {
		ew.f("\nDeployment %s: error rate %s (%s/%s) in the %s before, %s (%s/%s) after\n", d.At.Format("2006-01-02 15:04:05 UTC"),
			pctOf(d.Before.Errors, d.Before.Total), count(d.Before.Errors), count(d.Before.Total), st.WindowText(),
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

type textWriter struct {
	w   io.Writer
	err error
}

func (t *textWriter) f(format string, a ...any) {
	if t.err == nil {
		_, t.err = termsafe.Fprintf(t.w, format, a...)
	}
}

// Plural is one or many by n.
func Plural(n int, one, many string) string {
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

// LogsPage is the HTML page of corsdoctor logs: what was read, the error
// series per minute with the deployments as markers, and the findings.
func LogsPage(st *evidence.LogStats, findings []diag.Finding) Page {
	p := Page{Title: "corsdoctor logs", Findings: FindingsFromDiag(findings, Options{})}
	if st == nil {
		return p
	}
	p.Subtitle = fmt.Sprintf("%d records from %d lines", st.Records, st.Lines)
	p.Facts = append(p.Facts, Fact{Key: "files", Value: strings.Join(st.Files, ", ")},
		Fact{Key: "formats", Value: strings.Join(st.Formats, ", ")})
	if !st.First.IsZero() {
		p.Facts = append(p.Facts, Fact{Key: "time range", Value: st.First.UTC().Format(time.RFC3339) + " to " + st.Last.UTC().Format(time.RFC3339)})
	}
	if st.Malformed > 0 {
		p.Facts = append(p.Facts, Fact{Key: "malformed lines", Value: fmt.Sprint(st.Malformed)})
	}
	// The error series with most errors, one chart, deployments marked.
	ch := Chart{Title: "Errors per minute", YLabel: "responses per minute"}
	for i, s := range st.Series {
		if i == 4 {
			break
		}
		name := s.Class + " " + s.Method + " " + s.Route
		if s.Origin != "" {
			name += " from " + s.Origin
		}
		series := Series{Name: name}
		for _, m := range s.PerMinute {
			series.Points = append(series.Points, Point{T: m.Minute, V: float64(m.Count)})
		}
		ch.Series = append(ch.Series, series)
	}
	for _, d := range st.Deploys {
		ch.Markers = append(ch.Markers, Marker{T: d.At, Label: "deploy " + d.At.UTC().Format("15:04")})
	}
	if len(ch.Series) > 0 {
		p.Charts = append(p.Charts, ch)
	}
	if len(st.Bad) > 0 {
		p.Sections = append(p.Sections, Section{Heading: "Lines that could not be read (first ones)", Items: st.Bad})
	}
	return p
}
