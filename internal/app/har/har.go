// Package har is corsdoctor har's use case: it streams a HAR file
// (collect/har), rebuilds each cross-origin exchange, judges it as the
// browser that recorded it (or --browser-engine), runs the rules in
// batches and streams the report, so memory stays bounded whatever the
// file's size; or it writes a redacted copy of the file.
package har

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"

	"github.com/corsdoctor/corsdoctor/collect/har"
	"github.com/corsdoctor/corsdoctor/cors"
	"github.com/corsdoctor/corsdoctor/diag"
	"github.com/corsdoctor/corsdoctor/evidence"
	"github.com/corsdoctor/corsdoctor/internal/app"
	"github.com/corsdoctor/corsdoctor/internal/termsafe"
	"github.com/corsdoctor/corsdoctor/report"
	"github.com/corsdoctor/corsdoctor/rules"
)

// open opens the HAR file name, "-" meaning stdin.
func open(stdin io.Reader, name string) (io.ReadCloser, string, error) {
	if name == "-" {
		return io.NopCloser(stdin), "<stdin>", nil
	}
	f, err := os.Open(name)
	if err != nil {
		return nil, "", app.Usagef("%v", err)
	}
	return f, name, nil
}

// Options say which HAR to read and what to report (har's flags).
type Options struct {
	// File is the HAR file, "-" for standard input.
	File        string
	JSON        bool
	ShowSecrets bool
	// Redact writes a redacted copy of the HAR instead of a report.
	Redact bool
	// All prints every exchange in full.
	All      bool
	Platform string
	// HTML is the file that receives the HTML report ("" for none).
	HTML string
	// Engine is --browser-engine ("" judges each exchange as the
	// browser that recorded it did, and compares the others).
	Engine string
}

// IO is where Run reads standard input and writes the report.
type IO struct {
	In          io.Reader
	Out, ErrOut io.Writer
}

// Run reads the HAR entry by entry, pairs preflights with their
// requests, diagnoses the cross-origin exchanges in batches and streams
// the report (text or JSON) to env.Out. The error is app.ErrFindings
// when an exchange was blocked, an app.UsageError for unreadable input.
func Run(opts Options, env IO) error {
	var plat diag.Platform
	if opts.Platform != "" {
		p, err := diag.ParsePlatform(opts.Platform)
		if err != nil {
			return app.Usagef("--platform: %v", err)
		}
		plat = p
	}
	rc, display, err := open(env.In, opts.File)
	if err != nil {
		return err
	}
	defer rc.Close()
	if opts.Redact {
		err := har.Redact(env.Out, rc, display)
		var te *har.TruncatedError
		if errors.As(err, &te) {
			termsafe.Fprintf(env.ErrOut, "corsdoctor: warning: %v; the copy holds the entries read\n", te)
			return nil
		}
		if err != nil {
			return app.Usagef("%v", err)
		}
		return nil
	}
	rd, err := har.NewReader(rc, display)
	if err != nil {
		return app.WithHint(app.Usagef("%v", err), hint)
	}
	pr := &printer{w: env.Out, json: opts.JSON, all: opts.All, plat: plat, file: &rd.File,
		ropt: report.Options{ShowSecrets: opts.ShowSecrets}, keep: opts.HTML != ""}
	choice, err := app.ParseEngine(opts.Engine, cors.Chromium)
	if err != nil {
		return err
	}
	pr.ropt.Engines = choice.Show
	pr.compare = opts.Engine == "" || choice.Show
	pairer := har.NewPairer(&rd.File, pr.add)
	if choice.Given && !choice.Show {
		pairer.Engine, pairer.EngineSet = choice.Primary, true
		pr.judge = &choice.Primary
	}
	for {
		e, err := rd.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			// A file of which nothing could be read is an input error,
			// not a clean result (docs/exit-codes.md).
			if rd.File.Truncated == nil || completeEntries(rd.File.Truncated, rd.File.Total) == 0 {
				return app.WithHint(app.Usagef("%v", err), hint)
			}
			termsafe.Fprintf(env.ErrOut, "corsdoctor: warning: %v\n", rd.File.Truncated)
			break
		}
		pairer.Add(e)
		if pr.err != nil {
			return pr.err
		}
	}
	sum := pairer.Flush()
	if err := pr.finish(sum); err != nil {
		return err
	}
	if n := cutsNote(rd.File.Cuts); n != "" && opts.JSON {
		fmt.Fprintf(env.ErrOut, "corsdoctor: note: %s\n", n)
	}
	if opts.HTML != "" {
		doc := report.Document{Tool: "corsdoctor", Version: report.Version, Results: pr.kept}
		if err := app.WriteHTML(opts.HTML, func(w io.Writer) error { return report.HTML(w, doc, report.HTMLOptions{Title: "corsdoctor har"}) }); err != nil {
			return err
		}
	}
	if pr.blocked > 0 {
		return app.ErrFindings
	}
	return nil
}

// completeEntries is how many entries were read before t.
func completeEntries(t *har.TruncatedError, total int) int {
	if t.Entry > 0 {
		return t.Entry - 1
	}
	return total
}

const hint = "export the HAR from DevTools: Network tab, right-click > \"Save all as HAR with content\""

// batchSize is how many exchanges are diagnosed and printed at a time:
// output streams, and memory stays bounded whatever the HAR size.
const batchSize = 256

// printer diagnoses exchanges in batches and streams the report.
type printer struct {
	w    io.Writer
	json bool
	all  bool
	plat diag.Platform
	ropt report.Options
	file *har.File

	batch                                []*evidence.Exchange
	started                              bool
	printed                              int // results written
	brief                                []string
	nbrief                               int
	blocked, incomplete, neterr, allowed int
	err                                  error
	// keep collects every result for --html (memory grows with the HAR).
	keep bool
	kept []report.Result
	// compare judges each exchange in the other engines too; judge,
	// when set, is the engine --browser-engine chose.
	compare bool
	judge   *cors.Engine
}

func (p *printer) add(ex *evidence.Exchange) {
	if p.compare {
		ex.EvaluateEngines(cors.Engines...)
	}
	p.batch = append(p.batch, ex)
	if len(p.batch) >= batchSize {
		p.flush()
	}
}

func (p *printer) write(s string) {
	if p.err == nil {
		_, p.err = io.WriteString(p.w, s)
	}
}

func (p *printer) header() {
	if p.started {
		return
	}
	p.started = true
	if p.json {
		p.write("{\n  \"tool\": \"corsdoctor\",\n  \"version\": " + strconv.Quote(report.Version) + ",\n  \"results\": [")
		return
	}
	creator := p.file.Creator
	if creator == "" {
		creator = "unknown browser"
	}
	judged, e := "", har.EngineOf(p.file.Creator)
	if p.judge != nil {
		e = *p.judge
	}
	if e != cors.Chromium || p.judge != nil {
		judged = ", judged as " + e.Browser()
	}
	p.write(termsafe.Sprintf("%s (%s%s)\n", p.file.Name, creator, judged))
}

func (p *printer) flush() {
	p.header()
	if len(p.batch) == 0 {
		return
	}
	for _, ex := range p.batch {
		ex.Identify(string(p.plat))
		switch {
		case ex.Err != "":
			p.neterr++
		case ex.Result.Blocked():
			p.blocked++
		case ex.Result.Allowed:
			p.allowed++
		default:
			p.incomplete++
		}
	}
	findings := diag.Run(rules.All(), &diag.Input{Exchanges: p.batch})
	doc := report.NewDocument(p.batch, findings, p.ropt)
	p.batch = p.batch[:0]
	if p.keep {
		p.kept = append(p.kept, doc.Results...)
	}
	if p.json {
		for _, r := range doc.Results {
			var b strings.Builder
			enc := json.NewEncoder(&b)
			enc.SetIndent("    ", "  ")
			enc.SetEscapeHTML(false)
			if err := enc.Encode(r); err != nil {
				p.err = err
				return
			}
			sep := ","
			if p.printed == 0 {
				sep = ""
			}
			p.write(sep + "\n    " + strings.TrimSuffix(b.String(), "\n"))
			p.printed++
		}
		return
	}
	var full []report.Result
	for _, r := range doc.Results {
		if p.all || !r.Allowed || len(r.Findings) > 0 {
			full = append(full, r)
			continue
		}
		p.nbrief++
		if len(p.brief) < 100 {
			p.brief = append(p.brief, termsafe.Sprintf("  %-6s %d %s  (%s)\n", r.Method, r.Actual.Status, r.URL, r.Source))
		}
	}
	if len(full) == 0 {
		return
	}
	if p.printed > 0 {
		p.write("\n" + strings.Repeat("-", 72) + "\n")
	}
	p.write("\n")
	if p.err == nil {
		p.err = report.Text(p.w, report.Document{Tool: doc.Tool, Version: doc.Version, Results: full}, report.TextOptions{})
	}
	p.printed += len(full)
}

func (p *printer) finish(sum har.Summary) error {
	p.flush()
	if p.json {
		if p.printed > 0 {
			p.write("\n  ")
		}
		p.write("]\n}\n")
		return p.err
	}
	if p.nbrief > 0 {
		p.write("\n" + strings.Repeat("-", 72) + "\n\nAllowed without findings:\n")
		for _, b := range p.brief {
			p.write(b)
		}
		if p.nbrief > len(p.brief) {
			p.write(fmt.Sprintf("  ... %d more\n", p.nbrief-len(p.brief)))
		}
	}
	p.write(fmt.Sprintf("\nSummary: %d entries, %d cross-origin %s: %d blocked, %d undetermined, %d network %s, %d allowed",
		sum.Entries, sum.CrossOrigin, report.Plural(sum.CrossOrigin, "exchange", "exchanges"), p.blocked, p.incomplete, p.neterr, report.Plural(p.neterr, "error", "errors"), p.allowed))
	if sum.SameOrigin > 0 || sum.NoOrigin > 0 || sum.NotCORS > 0 {
		p.write(fmt.Sprintf(" (skipped: %d same-origin, %d without a known page origin", sum.SameOrigin, sum.NoOrigin))
		if sum.NotCORS > 0 {
			p.write(fmt.Sprintf(", %d not CORS-checked: navigations, WebSocket and no-cors loads", sum.NotCORS))
		}
		p.write(")")
	}
	p.write("\n")
	if p.file.Truncated != nil {
		p.write(termsafe.Sprintf("warning: %v\n", p.file.Truncated))
	}
	if n := cutsNote(p.file.Cuts); n != "" {
		p.write("note: " + n + "\n")
	}
	return p.err
}

// cutsNote says what the reader left out to bound its memory.
func cutsNote(c har.Cuts) string {
	if !c.Any() {
		return ""
	}
	return fmt.Sprintf("%d %s longer than %d MiB shortened and %d %s larger than %d MiB cut short (%d bytes skipped): bodies and WebSocket messages are not needed for a CORS verdict",
		c.Strings, report.Plural(c.Strings, "value", "values"), har.MaxString>>20, c.Entries, report.Plural(c.Entries, "entry", "entries"), har.MaxEntry>>20, c.Bytes)
}
