package report

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"strings"
	"time"

	"github.com/corsdoctor/corsdoctor/diag"
	"github.com/corsdoctor/corsdoctor/evidence"
	"github.com/corsdoctor/corsdoctor/internal/redact"
)

// PlaybookDocument is the JSON output of `corsdoctor aws diagnose`
// (docs/aws.md): the playbook evidence step by step and the findings.
type PlaybookDocument struct {
	Tool     string             `json:"tool"`
	Version  string             `json:"version"`
	Playbook *evidence.Playbook `json:"playbook"`
	Findings []Finding          `json:"findings"`
}

// NewPlaybookDocument builds the document, redacting secrets (test-invoke
// headers, log rows, error texts) unless opt.ShowSecrets.
func NewPlaybookDocument(pb *evidence.Playbook, fs []diag.Finding, opt Options) PlaybookDocument {
	cp := *pb
	if !opt.ShowSecrets {
		cp.Invokes = make([]evidence.Invoke, len(pb.Invokes))
		for i, inv := range pb.Invokes {
			inv.Headers = map[string][]string(redact.Header(inv.Headers))
			inv.Err = redact.Text(inv.Err)
			cp.Invokes[i] = inv
		}
		cp.Logs = make([]evidence.LogQuery, len(pb.Logs))
		for i, q := range pb.Logs {
			rows := make([]map[string]string, len(q.Rows))
			for j, r := range q.Rows {
				m := make(map[string]string, len(r))
				for k, v := range r {
					m[k] = redact.Text(v)
				}
				rows[j] = m
			}
			q.Rows = rows
			cp.Logs[i] = q
		}
		cp.Gaps = make([]evidence.Gap, len(pb.Gaps))
		for i, g := range pb.Gaps {
			g.Err = redact.Text(g.Err)
			cp.Gaps[i] = g
		}
		cp.Steps = make([]evidence.Step, len(pb.Steps))
		for i, s := range pb.Steps {
			s.Reason = redact.Text(s.Reason)
			ev := make([]string, len(s.Evidence))
			for j, e := range s.Evidence {
				ev[j] = redact.Text(e)
			}
			s.Evidence = ev
			cp.Steps[i] = s
		}
	}
	return PlaybookDocument{Tool: "corsdoctor", Version: Version, Playbook: &cp, Findings: FindingsFromDiag(fs, opt)}
}

// PlaybookJSON writes the document as indented JSON.
func PlaybookJSON(w io.Writer, doc PlaybookDocument) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(doc)
}

// sparkChars are the eight block heights of a terminal sparkline.
var sparkChars = []rune("▁▂▃▄▅▆▇█")

// Sparkline renders one value per column, scaled to max (0 draws the
// lowest block). Values are grouped by width when there are more.
func Sparkline(vals []float64, max float64) string {
	var b strings.Builder
	for _, v := range vals {
		i := 0
		if max > 0 && v > 0 {
			i = int(math.Ceil(v/max*float64(len(sparkChars)))) - 1
			if i < 0 {
				i = 0
			}
			if i >= len(sparkChars) {
				i = len(sparkChars) - 1
			}
		}
		b.WriteRune(sparkChars[i])
	}
	return b.String()
}

// minuteColumns spreads a series over the window in columns of step
// minutes (summing), so 2 h fit in 60 columns.
func minuteColumns(s *evidence.Series, start, end time.Time, step time.Duration) []float64 {
	n := int(end.Sub(start) / step)
	if n <= 0 {
		return nil
	}
	out := make([]float64, n)
	if s == nil {
		return out
	}
	for _, p := range s.Points {
		i := int(p.T.Sub(start) / step)
		if i >= 0 && i < n {
			out[i] += p.V
		}
	}
	return out
}

// PlaybookText writes the report by playbook step: the error sparkline
// with deployment markers, each step with its status and evidence, the
// missing evidence, and the findings with their fixes.
func PlaybookText(w io.Writer, doc PlaybookDocument) error {
	pb := doc.Playbook
	ew := &errWriter{w: w}
	kind := map[evidence.APIKind]string{evidence.RESTAPI: "REST API", evidence.HTTPAPI: "HTTP API", evidence.WebSocketAPI: "WebSocket API"}[pb.Kind]
	if kind == "" {
		kind = "API"
	}
	name := ""
	if pb.APIName != "" {
		name = fmt.Sprintf(" %q", pb.APIName)
	}
	stage := pb.Stage
	if stage == "" {
		stage = "(unknown)"
	}
	ew.printf("corsdoctor aws diagnose: %s %s%s in %s, stage %s\n", kind, pb.APIID, name, pb.Region, stage)
	dur := pb.End.Sub(pb.Start)
	ew.printf("window: %s to %s UTC (%s)", pb.Start.UTC().Format("2006-01-02 15:04"), pb.End.UTC().Format("15:04"), shortDur(dur))
	if pb.Widened {
		ew.printf(", widened to 2 h: nothing correlated in the first window")
	}
	ew.printf("\n\n")
	sparkSection(ew, pb)
	ew.printf("Playbook\n")
	for _, s := range pb.Steps {
		label := map[evidence.StepStatus]string{evidence.StepPassed: "passed ", evidence.StepFailed: "FAILED ", evidence.StepSkipped: "skipped", evidence.StepPartial: "partial"}[s.Status]
		ew.printf("%2d %s  %s\n", s.N, label, s.Title)
		if s.Reason != "" {
			ew.printf("             %s\n", s.Reason)
		}
		for _, e := range s.Evidence {
			ew.printf("             - %s\n", e)
		}
	}
	var missing []evidence.Gap
	for _, g := range pb.Gaps {
		if g.Cause != "not-configured" {
			missing = append(missing, g)
		}
	}
	if len(missing) > 0 {
		ew.printf("\nMissing evidence (the diagnosis ran without it)\n")
		for _, g := range missing {
			ew.printf("  step %d: %s: %s; needs %s\n", g.Step, g.What, g.Cause, g.Need)
		}
	}
	counts := map[string]int{}
	for _, f := range doc.Findings {
		counts[f.Severity]++
	}
	ew.printf("\nDiagnosis: %d finding(s): %d error, %d warning, %d info\n", len(doc.Findings), counts["error"], counts["warning"], counts["info"])
	for _, f := range doc.Findings {
		ew.printf("\n%s %s %s\n", f.Severity, f.ID, f.Title)
		ew.printf("  %s\n", f.Detail)
		if f.Location != "" {
			ew.printf("  at %s\n", f.Location)
		}
		for _, e := range f.Evidence {
			ew.printf("    | %s\n", e)
		}
		for i, l := range strings.Split(f.Fix, "\n") {
			if i == 0 {
				ew.printf("  fix: %s\n", l)
			} else {
				ew.printf("       %s\n", l)
			}
		}
	}
	return ew.err
}

// sparkSection draws 4XX and 5XX per minute with change markers.
func sparkSection(ew *errWriter, pb *evidence.Playbook) {
	if len(pb.Metrics) == 0 {
		return
	}
	step := time.Minute
	if pb.End.Sub(pb.Start) > 60*time.Minute {
		step = time.Duration(math.Ceil(float64(pb.End.Sub(pb.Start))/float64(60*time.Minute))) * time.Minute
	}
	cols := 0
	for _, name := range []string{"4XX", "5XX"} {
		vals := minuteColumns(pb.Metric(name), pb.Start, pb.End, step)
		cols = len(vals)
		mx := 0.0
		for _, v := range vals {
			mx = math.Max(mx, v)
		}
		unit := "/min"
		if step != time.Minute {
			unit = "/" + shortDur(step)
		}
		ew.printf("%-9s %s  max %.0f%s\n", name+unit, Sparkline(vals, mx), mx, unit)
	}
	marks := []rune(strings.Repeat(" ", cols))
	var legend []string
	for _, c := range pb.Changes {
		if !c.CORS {
			continue
		}
		i := int(c.Time.Sub(pb.Start) / step)
		if i < 0 || i >= cols {
			continue
		}
		m := '*'
		if c.Deploy {
			m = '^'
		}
		if marks[i] != '^' {
			marks[i] = m
		}
		legend = append(legend, fmt.Sprintf("%c %s %s %s", m, c.Time.UTC().Format("15:04"), c.Event, c.Detail))
	}
	if len(legend) > 0 {
		ew.printf("%-9s %s\n", "", strings.TrimRight(string(marks), " "))
	}
	gap := cols - 10
	if gap < 1 {
		gap = 1
	}
	ew.printf("%-9s %s%s%s\n", "", pb.Start.UTC().Format("15:04"), strings.Repeat(" ", gap), pb.End.UTC().Format("15:04"))
	if r, ok := pb.FirstRise(); ok {
		ew.printf("%-9s %s rose at %s (%.1f/min before, %.1f/min after)\n", "", r.Metric, r.At.UTC().Format("15:04"), r.Before, r.After)
	}
	for _, l := range legend {
		ew.printf("%-9s %s\n", "", strings.TrimSpace(l))
	}
	ew.printf("\n")
}

func shortDur(d time.Duration) string {
	switch {
	case d%time.Hour == 0:
		return fmt.Sprintf("%dh", int(d/time.Hour))
	case d%time.Minute == 0:
		return fmt.Sprintf("%dm", int(d/time.Minute))
	}
	return d.String()
}

// PlaybookPage is the HTML page of a playbook run: facts, the 4XX/5XX
// chart with change markers, one section per step.
func PlaybookPage(doc PlaybookDocument) Page {
	pb := doc.Playbook
	p := Page{
		Title:    "corsdoctor aws diagnose " + pb.APIID,
		Subtitle: fmt.Sprintf("%s API %s %q, stage %s, %s", pb.Kind, pb.APIID, pb.APIName, pb.Stage, pb.Region),
		Facts: []Fact{
			{"API", pb.APIID + " (" + string(pb.Kind) + ")"}, {"Region", pb.Region}, {"Stage", pb.Stage},
			{"Window", pb.Start.UTC().Format("2006-01-02 15:04") + " – " + pb.End.UTC().Format("15:04") + " UTC"},
		},
		Findings: doc.Findings,
	}
	if pb.Widened {
		p.Facts = append(p.Facts, Fact{"Widened", "to 2 h: nothing correlated in the first window"})
	}
	if len(pb.Metrics) > 0 {
		c := Chart{Title: "API Gateway errors per minute", YLabel: "requests/min"}
		for _, name := range []string{"4XX", "5XX"} {
			s := Series{Name: name}
			if m := pb.Metric(name); m != nil {
				for _, pt := range m.Points {
					s.Points = append(s.Points, Point{T: pt.T, V: pt.V})
				}
			}
			c.Series = append(c.Series, s)
		}
		for _, ch := range pb.Changes {
			if ch.CORS {
				c.Markers = append(c.Markers, Marker{T: ch.Time, Label: ch.Event})
			}
		}
		p.Charts = append(p.Charts, c)
	}
	for _, s := range pb.Steps {
		sec := Section{Heading: fmt.Sprintf("Step %d (%s): %s", s.N, s.Status, s.Title), Text: s.Reason, Items: s.Evidence}
		p.Sections = append(p.Sections, sec)
	}
	for _, q := range pb.Logs {
		p.Sections = append(p.Sections, Section{Heading: fmt.Sprintf("Logs Insights: %s (%s, %s)", q.Purpose, q.LogGroup, q.Status), Pre: q.Query})
	}
	return p
}
