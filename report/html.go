package report

import (
	"crypto/sha256"
	"embed"
	"encoding/base64"
	"html/template"
	"io"
	"strings"
	"time"
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

// shorten cuts s to n runes, ending with "…" when cut.
func shorten(s string, n int) string {
	if len([]rune(s)) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n-1]) + "…"
}
