package report

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/corsdoctor/corsdoctor/cors"
)

// The page model of the HTML report of results (explain, check, har,
// browser): view models the templates only read; every string is
// escaped there. The check lists come from checks.go, the diagram from
// html_diagram.go.

type htmlDoc struct {
	Title, Command, Generated string
	Version                   string
	Results                   []*htmlResult
	Detailed                  []*htmlResult
	Hidden                    int
	Counts                    []countCell
	// Chunks split the summary table so Chromium lays out only the
	// chunks on screen (content-visibility: auto).
	Chunks []summaryChunk
}

type summaryChunk struct {
	First bool
	Rows  []*htmlResult
}

const chunkRows = 250

type countCell struct {
	Label string
	N     int
	Class string
}

type htmlResult struct {
	Index           int
	Anchor          string
	R               Result
	Verdict         string
	VClass          string
	Headline        string
	Diagram         *diagram
	PreflightChecks []check
	ActualChecks    []check
	PreflightRows   []hdrRow
	ActualRows      []hdrRow
	Curl            []curlCmd
	Findings        []htmlFinding
	TopFinding      string
	Readable        []string
	Unreadable      []string
	Browser         *htmlBrowser
	// Browsers are every real browser's observation (browser --engine
	// all); Browser is the first.
	Browsers []*htmlBrowser
	// Engines are the per-engine verdicts, Chrome, Firefox, Safari.
	Engines    []*EngineVerdict
	EngineHead string
	EngineWhy  []cors.Difference
	Detailed   bool
}

type curlCmd struct{ ID, Text string }

type htmlFinding struct {
	Finding
	FixID string
}

type hdrTable struct {
	ID, Caption string
	Status      int
	Rows        []hdrRow
}

type hdrRow struct {
	Name, Value string
	Bad         bool
	Missing     bool
	Note        string
}

func verdictClass(v string) string {
	switch v {
	case "ALLOWED":
		return "v-ok"
	case "BLOCKED", "ERROR":
		return "v-bad"
	}
	return "v-warn"
}

func newHTMLDoc(doc Document, o HTMLOptions) *htmlDoc {
	d := &htmlDoc{Title: o.Title, Command: o.Command, Version: doc.Version}
	if !o.Generated.IsZero() {
		d.Generated = o.Generated.UTC().Format(time.RFC3339)
	}
	// Choose the detailed results: all when few, else blocked ones first.
	detail := make([]bool, len(doc.Results))
	if len(doc.Results) <= o.DetailLimit {
		for i := range detail {
			detail[i] = true
		}
	} else {
		n := 0
		for pass := 0; pass < 2 && n < o.DetailLimit; pass++ {
			for i, r := range doc.Results {
				if n >= o.DetailLimit {
					break
				}
				if !detail[i] && (pass == 1 || !r.Allowed) {
					detail[i] = true
					n++
				}
			}
		}
	}
	counts := map[string]int{}
	for i, r := range doc.Results {
		hr := &htmlResult{Index: i + 1, Anchor: "r" + strconv.Itoa(i+1), R: r, Verdict: Verdict(r), Detailed: detail[i]}
		hr.VClass = verdictClass(hr.Verdict)
		counts[hr.Verdict]++
		if len(r.Findings) > 0 {
			hr.TopFinding = r.Findings[0].ID
		}
		if detail[i] {
			fillResult(hr, o.Curl[i])
			d.Detailed = append(d.Detailed, hr)
		} else {
			d.Hidden++
		}
		d.Results = append(d.Results, hr)
	}
	for i := 0; i < len(d.Results); i += chunkRows {
		d.Chunks = append(d.Chunks, summaryChunk{First: i == 0, Rows: d.Results[i:min(i+chunkRows, len(d.Results))]})
	}
	for _, v := range []string{"BLOCKED", "ERROR", "INCOMPLETE", "ALLOWED"} {
		if counts[v] > 0 {
			d.Counts = append(d.Counts, countCell{Label: strings.ToLower(v), N: counts[v], Class: verdictClass(v)})
		}
	}
	return d
}

func fillResult(hr *htmlResult, curl []string) {
	r := hr.R
	hr.Headline = headline(r)
	hr.PreflightChecks, hr.ActualChecks = splitChecks(r)
	if r.Preflight.Sent {
		hr.PreflightRows = headerRows(r.Preflight.Headers, r, true)
	}
	if r.Actual.Sent {
		hr.ActualRows = headerRows(r.Actual.Headers, r, false)
	}
	if len(curl) == 0 {
		curl = r.Curl
	}
	for j, c := range curl {
		hr.Curl = append(hr.Curl, curlCmd{ID: fmt.Sprintf("%s-curl%d", hr.Anchor, j+1), Text: c})
	}
	for j, f := range r.Findings {
		hr.Findings = append(hr.Findings, htmlFinding{Finding: f, FixID: fmt.Sprintf("%s-fix%d", hr.Anchor, j+1)})
	}
	for _, k := range sortedKeys(r.ReadableHeaders) {
		if r.ReadableHeaders[k] {
			hr.Readable = append(hr.Readable, k)
		} else {
			hr.Unreadable = append(hr.Unreadable, k)
		}
	}
	hr.Diagram = buildDiagram(hr)
	browsers := r.Browsers
	if len(browsers) == 0 && r.Browser != nil {
		browsers = []*Browser{r.Browser}
	}
	for _, b := range browsers {
		hb := &htmlBrowser{Browser: b, Name: browserName(b.Engine), Verdict: "BLOCKED", VClass: "v-bad"}
		if b.Allowed {
			hb.Verdict, hb.VClass = "ALLOWED", "v-ok"
		}
		for j, q := range b.Requests {
			hb.Requests = append(hb.Requests, htmlBrowserReq{BrowserRequest: q,
				Rows: headerRows(q.ResponseHeaders, Result{Allowed: true}, false), Anchor: fmt.Sprintf("%s-b%s%d", hr.Anchor, engineAnchor(b.Engine), j+1)})
		}
		hr.Browsers = append(hr.Browsers, hb)
	}
	if len(hr.Browsers) > 0 {
		hr.Browser = hr.Browsers[0]
	}
	if len(r.Engines) > 0 {
		hr.Engines = engineOrder(r.Engines)
		hr.EngineHead = r.EngineSummary
		if hr.EngineHead == "" {
			hr.EngineHead = "the same in every browser"
		}
		for _, id := range engineDifferences(r) {
			if d, ok := cors.DifferenceByID(id); ok {
				hr.EngineWhy = append(hr.EngineWhy, d)
			}
		}
	}
}

// engineAnchor keeps the anchors of a Chromium run as they were.
func engineAnchor(engine string) string {
	if engine == "" {
		return ""
	}
	return engine[:1]
}

type htmlBrowser struct {
	*Browser
	Name            string
	Verdict, VClass string
	Requests        []htmlBrowserReq
}

type htmlBrowserReq struct {
	BrowserRequest
	Anchor string
	Rows   []hdrRow
}

func headline(r Result) string {
	switch Verdict(r) {
	case "ALLOWED":
		return "The page gets the response."
	case "ERROR":
		return "The request could not be observed: " + r.Error
	case "INCOMPLETE":
		return "The verdict needs the " + r.Incomplete + "."
	}
	s := "The browser blocks the response"
	switch r.BlockedAt {
	case "preflight":
		s = "The browser blocks the request at the preflight"
	case "actual":
		s = "The browser blocks the response to the actual request"
	case "redirect":
		s = "The browser blocks the request at a redirect"
	case "request":
		s = "The browser refuses to send the request"
	}
	if r.ChromiumError != "" {
		s += " (" + r.ChromiumError + ")"
	}
	return s + "."
}

// hget returns the first value of a header, case-insensitively.
func hget(h map[string][]string, name string) (string, bool) {
	for k, vs := range h {
		if strings.EqualFold(k, name) && len(vs) > 0 {
			return strings.Join(vs, ", "), true
		}
	}
	return "", false
}

// headerRows lists the headers, CORS ones first, marking the offending one.
func headerRows(h map[string][]string, r Result, preflight bool) []hdrRow {
	mark := offendingHeader(r, preflight)
	if r.ChromiumError == "PreflightInvalidStatus" && preflight {
		mark = ""
	}
	var cors, other []hdrRow
	found := false
	for _, k := range sortedKeys(h) {
		lk := lower(k)
		for _, v := range h[k] {
			row := hdrRow{Name: k, Value: v}
			if mark != "" && strings.EqualFold(k, mark) {
				row.Bad, row.Note, found = true, r.ChromiumError, true
			}
			if strings.HasPrefix(lk, "access-control-") || lk == "vary" || lk == "location" {
				cors = append(cors, row)
			} else {
				other = append(other, row)
			}
		}
	}
	if mark != "" && !found {
		cors = append([]hdrRow{{Name: mark, Value: "(absent)", Bad: true, Missing: true, Note: r.ChromiumError}}, cors...)
	}
	return append(cors, other...)
}
