package report

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/base64"
	"fmt"
	"html/template"
	"io"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/corsdoctor/corsdoctor/cors"
	"github.com/corsdoctor/corsdoctor/diag"
)

//go:embed assets/report.css assets/report.js assets/report.tmpl
var assets embed.FS

// HTMLOptions control the HTML presenter.
type HTMLOptions struct {
	// Title heads the page; default "corsdoctor report".
	Title string
	// Command is the command line that produced the report, shown under
	// the title when set.
	Command string
	// Curl holds, per result index, curl commands reproducing the requests.
	Curl map[int][]string
	// Generated is shown as the report's time when not zero (left zero in
	// golden tests so the output is deterministic).
	Generated time.Time
	// DetailLimit is how many results get the full view (diagram, checks,
	// headers) when a document holds many; the others appear in the
	// summary table only. Default 200; blocked results are chosen first.
	DetailLimit int
}

func (o HTMLOptions) withDefaults() HTMLOptions {
	if o.Title == "" {
		o.Title = "corsdoctor report"
	}
	if o.DetailLimit <= 0 {
		o.DetailLimit = 200
	}
	return o
}

func firstOpt(opt []HTMLOptions) HTMLOptions {
	if len(opt) > 0 {
		return opt[0].withDefaults()
	}
	return HTMLOptions{}.withDefaults()
}

var (
	htmlTmpl  *template.Template
	htmlCSS   string
	htmlJS    string
	scriptSHA string
)

func init() {
	css, err := assets.ReadFile("assets/report.css")
	if err != nil {
		panic(err) // embedded at build time: cannot fail
	}
	js, err := assets.ReadFile("assets/report.js")
	if err != nil {
		panic(err)
	}
	htmlCSS, htmlJS = string(css), string(js)
	sum := sha256.Sum256(js)
	scriptSHA = "sha256-" + base64.StdEncoding.EncodeToString(sum[:])
	htmlTmpl = template.Must(template.New("report").Funcs(template.FuncMap{
		"lower":    strings.ToLower,
		"join":     strings.Join,
		"add":      func(a, b int) int { return a + b },
		"sevClass": func(s string) string { return "sev-" + strings.ToLower(s) },
		"css":      func() template.CSS { return template.CSS(htmlCSS) },
		"js":       func() template.JS { return template.JS(htmlJS) },
		"csp": func() string {
			return "default-src 'none'; style-src 'unsafe-inline'; img-src data:; script-src '" + scriptSHA + "'"
		},
		"chart":       ChartSVG,
		"engineLabel": engineLabel,
		"trimNL":      func(s string) string { return strings.TrimRight(s, "\n") },
		"stage": func(s string) string {
			if s == "actual" {
				return "actual request"
			}
			return s
		},
		"hdrs": func(anchor, kind, caption string, status int, rows []hdrRow) hdrTable {
			return hdrTable{ID: anchor + "-" + kind, Caption: caption, Status: status, Rows: rows}
		},
	}).ParseFS(assets, "assets/report.tmpl"))
}

// HTMLStyle returns the report's stylesheet, for pages (the serve UI)
// that show report fragments.
func HTMLStyle() string { return htmlCSS }

// HTMLScript returns the report's script (copy buttons, filters).
func HTMLScript() string { return htmlJS }

// HTML writes doc as one self-contained, offline HTML file: styles and
// script inline, no external resource, a Content-Security-Policy that
// lets only the embedded script run. Every value is escaped by
// html/template; the document must already be redacted (NewDocument does
// that unless --show-secrets).
func HTML(w io.Writer, doc Document, opt ...HTMLOptions) error {
	o := firstOpt(opt)
	return htmlTmpl.ExecuteTemplate(w, "document", newHTMLDoc(doc, o))
}

// HTMLFragment writes the body of the report for doc (no <html>, styles
// or script), for embedding in another page styled with HTMLStyle.
func HTMLFragment(w io.Writer, doc Document, opt ...HTMLOptions) error {
	o := firstOpt(opt)
	return htmlTmpl.ExecuteTemplate(w, "results", newHTMLDoc(doc, o))
}

// Page is a findings-only report (lint, scan, logs, aws): a title, facts,
// optional charts and sections, and the findings grouped by rule.
type Page struct {
	Title    string
	Subtitle string
	// Facts are key/value lines shown under the title (target, account,
	// time range, files read...).
	Facts []Fact
	// Charts are drawn before the findings (error rates with markers).
	Charts []Chart
	// Sections are free blocks (playbook steps, commands) shown after the
	// charts.
	Sections []Section
	Findings []Finding
}

// Fact is one key/value line of a Page.
type Fact struct{ Key, Value string }

// Section is a block of a Page: a heading, a paragraph, a list of items
// and a preformatted block, each optional.
type Section struct {
	Heading string
	Text    string
	Items   []string
	Pre     string
}

// FindingsFromDiag converts diag findings to the schema, redacting unless
// opt.ShowSecrets.
func FindingsFromDiag(fs []diag.Finding, opt Options) []Finding {
	out := make([]Finding, 0, len(fs))
	for _, f := range fs {
		out = append(out, NewFinding(f, opt))
	}
	return out
}

// HTMLPage writes a findings-only report as one self-contained HTML file.
func HTMLPage(w io.Writer, p Page, opt ...HTMLOptions) error {
	o := firstOpt(opt)
	if p.Title != "" && (len(opt) == 0 || opt[0].Title == "") {
		o.Title = p.Title
	}
	return htmlTmpl.ExecuteTemplate(w, "pagedoc", newHTMLPage(p, o))
}

// HTMLPageFragment writes the body of a findings-only report.
func HTMLPageFragment(w io.Writer, p Page, opt ...HTMLOptions) error {
	o := firstOpt(opt)
	if p.Title != "" {
		o.Title = p.Title
	}
	return htmlTmpl.ExecuteTemplate(w, "pagebody", newHTMLPage(p, o))
}

// View models. Templates only read these; every string is escaped there.

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

// Sequence diagram: page -> browser -> server, laid out here and drawn by
// the template as inline SVG (no library: a handful of lines, boxes and
// texts, and the output stays small and deterministic).

type diagram struct {
	ID            string
	Width, Height int
	Title, Desc   string
	Lanes         []lane
	LifeTop       int
	Msgs          []dmsg
	Notes         []dnote
}

type lane struct {
	X, BoxX    int
	Label, Sub string
}

type dmsg struct {
	X1, X2, Y  int
	LX         int // label centre
	Label, Sub string
	Class      string
	Head       string // polygon points of the arrowhead
}

type dnote struct {
	X, Y, W, H int
	Title      string
	Fail       bool
	Lines      []dline
}

type dline struct {
	X, Y  int
	Text  string
	Class string
}

const (
	laneW  = 200
	xPage  = 110
	xBrows = 390
	xServ  = 670
	dWidth = 780
)

func shorten(s string, n int) string {
	if len([]rune(s)) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n-1]) + "…"
}

func pathOf(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return raw
	}
	p := u.EscapedPath()
	if p == "" {
		p = "/"
	}
	if u.RawQuery != "" {
		p += "?" + u.RawQuery
	}
	return p
}

func hostOf(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return raw
	}
	return u.Host
}

func statusText(code int) string {
	if t := http.StatusText(code); t != "" {
		return fmt.Sprintf("%d %s", code, t)
	}
	return strconv.Itoa(code)
}

func buildDiagram(hr *htmlResult) *diagram {
	r := hr.R
	d := &diagram{ID: hr.Anchor + "-diagram", Width: dWidth}
	d.Lanes = []lane{
		{X: xPage, Label: "Page", Sub: shorten(r.Origin, 30)},
		{X: xBrows, Label: "Browser", Sub: engineLabel(r.Engine) + " CORS checks"},
		{X: xServ, Label: "Server", Sub: shorten(hostOf(r.URL), 30)},
	}
	for i := range d.Lanes {
		d.Lanes[i].BoxX = d.Lanes[i].X - laneW/2 + 20
	}
	y := 80
	d.LifeTop = 62
	msg := func(from, to int, label, sub, class string) {
		m := dmsg{X1: from, X2: to, Y: y, LX: (from + to) / 2, Label: shorten(label, 40), Sub: shorten(sub, 46), Class: class}
		dir := 1
		if to < from {
			dir = -1
		}
		m.Head = fmt.Sprintf("%d,%d %d,%d %d,%d", to, y, to-dir*9, y-5, to-dir*9, y+5)
		d.Msgs = append(d.Msgs, m)
		y += 50
	}
	note := func(title string, cs []check) {
		if len(cs) == 0 {
			return
		}
		n := dnote{X: xBrows - 200, W: 400, Y: y - 22, Title: title}
		ly := n.Y + 38
		for _, c := range cs {
			sym := "✓"
			switch c.State {
			case "fail":
				sym, n.Fail = "✗", true
			case "skip":
				sym = "–"
			}
			text := sym + " " + c.Name
			if c.State == "fail" {
				text += ": " + shortReason(c.c, hr.R)
			}
			n.Lines = append(n.Lines, dline{X: n.X + 12, Y: ly, Text: shorten(text, 56), Class: "c-" + c.State})
			ly += 18
		}
		n.H = ly - n.Y - 4
		d.Notes = append(d.Notes, n)
		y = n.Y + n.H + 44
	}
	path := pathOf(r.URL)
	msg(xPage, xBrows, r.Method+" "+shorten(path, 30), "fetch from "+r.Origin+", credentials "+r.Credentials, "m-req")
	if r.BlockedAt == "request" {
		note("Before sending", hr.ActualChecks)
	}
	if r.Preflight.Required {
		sub := "Access-Control-Request-Method: " + r.Preflight.RequestMethod
		if r.Preflight.RequestHeaders != "" {
			sub += "; -Headers: " + r.Preflight.RequestHeaders
		}
		msg(xBrows, xServ, "OPTIONS "+shorten(path, 30), sub, "m-req")
		if r.Preflight.Sent {
			cls := "m-ok"
			if r.BlockedAt == "preflight" {
				cls = "m-bad"
			}
			sub := ""
			if v, ok := hget(r.Preflight.Headers, cors.HeaderAllowOrigin); ok {
				sub = "Access-Control-Allow-Origin: " + v
			} else {
				sub = "no Access-Control-Allow-Origin"
			}
			msg(xServ, xBrows, statusText(r.Preflight.Status), sub, cls)
		} else {
			msg(xServ, xBrows, "no preflight response", "not observed", "m-skip")
		}
		note("Preflight checks", hr.PreflightChecks)
	}
	switch {
	case r.BlockedAt == "preflight" || r.BlockedAt == "request":
		msg(xBrows, xServ, r.Method+" "+shorten(path, 30), "not sent", "m-skip")
	default:
		msg(xBrows, xServ, r.Method+" "+shorten(path, 30), "Origin: "+r.Origin, "m-req")
		for _, red := range r.Actual.Redirects {
			msg(xServ, xBrows, "redirect", "Location: "+red, "m-req")
			msg(xBrows, xServ, r.Method+" "+shorten(pathOf(red), 30), hostOf(red), "m-req")
		}
		if r.Actual.Sent {
			cls := "m-ok"
			if r.BlockedAt == "actual" || r.BlockedAt == "redirect" {
				cls = "m-bad"
			}
			sub := "no Access-Control-Allow-Origin"
			if v, ok := hget(r.Actual.Headers, cors.HeaderAllowOrigin); ok {
				sub = "Access-Control-Allow-Origin: " + v
			}
			msg(xServ, xBrows, statusText(r.Actual.Status), sub, cls)
		} else {
			label := "no response"
			if r.Error != "" {
				label = "network error"
			}
			msg(xServ, xBrows, label, shorten(r.Error+r.Incomplete, 46), "m-skip")
		}
		if r.Actual.Sent || r.BlockedAt != "" {
			note("Response checks", hr.ActualChecks)
		}
	}
	switch Verdict(r) {
	case "ALLOWED":
		msg(xBrows, xPage, "response delivered", fmt.Sprintf("status %d readable by JavaScript", r.Actual.Status), "m-ok")
	case "BLOCKED":
		msg(xBrows, xPage, "TypeError: Failed to fetch", shorten(r.ChromiumError, 46), "m-bad")
	default:
		msg(xBrows, xPage, strings.ToLower(Verdict(r)), "", "m-skip")
	}
	d.Height = y - 10
	d.Title = "Sequence diagram: " + r.Method + " " + r.URL + " from " + r.Origin
	var desc []string
	for _, m := range d.Msgs {
		desc = append(desc, m.Label)
	}
	d.Desc = strings.Join(desc, "; then ")
	return d
}

// Findings page view model.

type htmlPage struct {
	Title, Subtitle, Command, Generated, Version string
	Facts                                        []Fact
	Charts                                       []Chart
	Sections                                     []Section
	Groups                                       []findingGroup
	Total                                        int
	Counts                                       []countCell
	Open                                         bool
}

type findingGroup struct {
	Anchor, FixID string
	ID, Name      string
	Severity      string
	Title, Fix    string
	Platform      string
	Items         []Finding
}

func newHTMLPage(p Page, o HTMLOptions) *htmlPage {
	hp := &htmlPage{Title: o.Title, Subtitle: p.Subtitle, Command: o.Command, Version: Version,
		Facts: p.Facts, Charts: p.Charts, Sections: p.Sections, Total: len(p.Findings)}
	if !o.Generated.IsZero() {
		hp.Generated = o.Generated.UTC().Format(time.RFC3339)
	}
	idx := map[string]int{}
	sev := map[string]int{}
	for _, f := range p.Findings {
		sev[f.Severity]++
		key := f.ID + "\x00" + f.Fix
		i, ok := idx[key]
		if !ok {
			i = len(hp.Groups)
			idx[key] = i
			hp.Groups = append(hp.Groups, findingGroup{
				Anchor: fmt.Sprintf("g%d", i+1), FixID: fmt.Sprintf("g%d-fix", i+1),
				ID: f.ID, Name: f.Name, Severity: f.Severity, Title: f.Title, Fix: f.Fix, Platform: f.Platform,
			})
		}
		hp.Groups[i].Items = append(hp.Groups[i].Items, f)
	}
	sort.SliceStable(hp.Groups, func(i, j int) bool {
		return sevRank(hp.Groups[i].Severity) > sevRank(hp.Groups[j].Severity)
	})
	for _, s := range []string{"error", "warning", "info"} {
		if sev[s] > 0 {
			cls := map[string]string{"error": "v-bad", "warning": "v-warn", "info": "v-ok"}[s]
			hp.Counts = append(hp.Counts, countCell{Label: s, N: sev[s], Class: cls})
		}
	}
	hp.Open = len(hp.Groups) <= 20
	return hp
}

func sevRank(s string) int {
	switch s {
	case "error":
		return 2
	case "warning":
		return 1
	}
	return 0
}

// Charts: a time series with markers, as inline SVG.

// Chart is a time series chart (error rates, request counts) with
// vertical markers (deployments, configuration changes).
type Chart struct {
	Title  string
	YLabel string
	Series []Series
	// Markers are drawn as labelled vertical lines.
	Markers []Marker
	// Width and Height in pixels; default 720 x 240.
	Width, Height int
}

// Series is one line of a Chart.
type Series struct {
	Name   string
	Points []Point
}

// Point is one sample.
type Point struct {
	T time.Time
	V float64
}

// Marker is a labelled instant.
type Marker struct {
	T     time.Time
	Label string
}

type chartView struct {
	Title, YLabel, Desc string
	W, H                int
	L, R, T, B          int // plot area
	Lines               []chartLine
	YTicks, XTicks      []chartTick
	Markers             []chartMarker
	Legend              []chartLegend
	Empty               bool
}

type chartLine struct {
	Class, Points, Name string
	// Dots mark each sample when there are few (a lone sample shows).
	Dots []chartTick
}
type chartTick struct {
	X, Y  int
	Label string
}
type chartMarker struct {
	X, LY int
	Label string
}
type chartLegend struct{ Class, Name string }

// ChartSVG renders c as an inline SVG figure. Values and labels are
// escaped; a chart with no point renders an empty frame saying so.
func ChartSVG(c Chart) template.HTML {
	v := chartView{Title: c.Title, YLabel: c.YLabel, W: c.Width, H: c.Height}
	if v.W <= 0 {
		v.W = 720
	}
	if v.H <= 0 {
		v.H = 240
	}
	v.L, v.R, v.T, v.B = 56, v.W-16, 44, v.H-36
	var tmin, tmax time.Time
	vmax := 0.0
	n := 0
	for _, s := range c.Series {
		for _, p := range s.Points {
			if n == 0 || p.T.Before(tmin) {
				tmin = p.T
			}
			if n == 0 || p.T.After(tmax) {
				tmax = p.T
			}
			if p.V > vmax {
				vmax = p.V
			}
			n++
		}
	}
	for _, m := range c.Markers {
		if n > 0 && m.T.Before(tmin) {
			tmin = m.T
		}
		if n > 0 && m.T.After(tmax) {
			tmax = m.T
		}
	}
	if n == 0 {
		v.Empty = true
	} else {
		if vmax <= 0 {
			vmax = 1
		}
		vmax = niceCeil(vmax)
		span := tmax.Sub(tmin)
		if span <= 0 {
			span = time.Minute
		}
		px := func(t time.Time) int {
			return v.L + int(float64(v.R-v.L)*float64(t.Sub(tmin))/float64(span))
		}
		py := func(f float64) int {
			return v.B - int(float64(v.B-v.T)*f/vmax)
		}
		for i, s := range c.Series {
			pts := append([]Point(nil), s.Points...)
			sort.Slice(pts, func(a, b int) bool { return pts[a].T.Before(pts[b].T) })
			var b strings.Builder
			var dots []chartTick
			for j, p := range pts {
				if j > 0 {
					b.WriteByte(' ')
				}
				fmt.Fprintf(&b, "%d,%d", px(p.T), py(p.V))
				if len(pts) <= 60 {
					dots = append(dots, chartTick{X: px(p.T), Y: py(p.V)})
				}
			}
			cls := fmt.Sprintf("series s%d", i%4)
			v.Lines = append(v.Lines, chartLine{Class: cls, Points: b.String(), Name: s.Name, Dots: dots})
			v.Legend = append(v.Legend, chartLegend{Class: fmt.Sprintf("s%d", i%4), Name: s.Name})
		}
		for k := 0; k <= 2; k++ {
			f := vmax * float64(k) / 2
			v.YTicks = append(v.YTicks, chartTick{X: v.L - 6, Y: py(f), Label: strconv.FormatFloat(f, 'g', 4, 64)})
		}
		layout := "15:04"
		if span > 24*time.Hour {
			layout = "01-02 15:04"
		}
		for k := 0; k <= 2; k++ {
			t := tmin.Add(span * time.Duration(k) / 2)
			v.XTicks = append(v.XTicks, chartTick{X: px(t), Y: v.B + 16, Label: t.UTC().Format(layout)})
		}
		for i, m := range c.Markers {
			v.Markers = append(v.Markers, chartMarker{X: px(m.T), LY: v.T - 6 - (i%2)*12, Label: shorten(m.Label, 28)})
		}
	}
	var names []string
	for _, s := range c.Series {
		names = append(names, s.Name)
	}
	v.Desc = c.Title + ": " + strings.Join(names, ", ")
	if len(c.Markers) > 0 {
		var ms []string
		for _, m := range c.Markers {
			ms = append(ms, m.Label+" at "+m.T.UTC().Format(time.RFC3339))
		}
		v.Desc += "; markers: " + strings.Join(ms, ", ")
	}
	var buf bytes.Buffer
	if err := htmlTmpl.ExecuteTemplate(&buf, "chart", v); err != nil {
		return template.HTML("<p>chart: " + template.HTMLEscapeString(err.Error()) + "</p>")
	}
	return template.HTML(buf.String())
}

// niceCeil rounds up to 1, 2 or 5 times a power of ten.
func niceCeil(f float64) float64 {
	p := 1.0
	for p*10 <= f {
		p *= 10
	}
	for p > f*10 && p > 1e-9 {
		p /= 10
	}
	for _, m := range []float64{1, 2, 5, 10} {
		if m*p >= f {
			return m * p
		}
	}
	return 10 * p
}
