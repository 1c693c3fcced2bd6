package cli

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/corsdoctor/corsdoctor/collect/har"
	"github.com/corsdoctor/corsdoctor/cors"
	"github.com/corsdoctor/corsdoctor/diag"
	"github.com/corsdoctor/corsdoctor/evidence"
	"github.com/corsdoctor/corsdoctor/internal/termsafe"
	"github.com/corsdoctor/corsdoctor/report"
	"github.com/corsdoctor/corsdoctor/rules"
)

// HAROptions are har's parsed flags.
type HAROptions struct {
	App         *App
	File        string
	JSON        bool
	ShowSecrets bool
	Redact      bool
	All         bool
	Platform    string
	HTML        HTMLFlag
	Engine      EngineFlag
}

// NewCmdHAR builds `corsdoctor har`.
func NewCmdHAR(app *App, runF func(*HAROptions) error) *cobra.Command {
	opts := &HAROptions{App: app}
	cmd := &cobra.Command{
		Use:   "har FILE.har [flags]",
		Short: "Diagnose the cross-origin requests recorded in a HAR file (Chrome, Edge, Firefox)",
		Long: `har reads a HAR exported from the browser's DevTools (Network tab, "Save all as HAR",
or "Export HAR"), streaming it entry by entry, so files of any size are fine. It pairs
each preflight with its actual request, rebuilds every cross-origin exchange, evaluates
it exactly as the browser that recorded it does (Chrome and Edge as Chromium, Firefox
as Firefox, Safari as WebKit; --browser-engine overrides, all compares the three), says
when another browser would decide differently, and reports the blocked ones with cause
and fix; exchanges
that pass today but break with credentials or for another origin get warnings; responses
served by a service worker are flagged. When the browser kept no response for a failed
request (status 0), har says what can and cannot be concluded.

--redact writes a copy of the HAR safe to share instead (cookies, Authorization and
other tokens, query-string values and bodies removed): corsdoctor har --redact IN > OUT

Exit codes: 0 nothing blocked, 1 at least one exchange blocked, 2 unreadable input.`,
		Example: `  corsdoctor har app.example.com.har
  corsdoctor har session.har --json | jq '.results[] | select(.allowed | not)'
  corsdoctor har --redact session.har > session-redacted.har`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.File = args[0]
			if runF != nil {
				return runF(opts)
			}
			return runHAR(opts)
		},
	}
	fs := cmd.Flags()
	fs.BoolVar(&opts.JSON, "json", false, "print the shared JSON report (docs/json.md)")
	opts.HTML.Register(fs)
	fs.BoolVar(&opts.ShowSecrets, "show-secrets", false, "show Authorization, Cookie and other secret values (redacted by default)")
	fs.BoolVar(&opts.Redact, "redact", false, "write a redacted copy of the HAR to standard output, and exit")
	fs.BoolVar(&opts.All, "all", false, "print every exchange in full, not only the failing ones and those with findings")
	fs.StringVar(&opts.Platform, "platform", "", "server platform for the fixes ("+platformNames()+"); detected from the response headers by default")
	opts.Engine.Register(fs)
	return cmd
}

func (a *App) openHAR(name string) (io.ReadCloser, string, error) {
	if name == "-" {
		return io.NopCloser(a.IO.In), "<stdin>", nil
	}
	f, err := os.Open(name)
	if err != nil {
		return nil, "", Usagef("%v", err)
	}
	return f, name, nil
}

func runHAR(opts *HAROptions) error {
	app := opts.App
	var plat diag.Platform
	if opts.Platform != "" {
		p, err := diag.ParsePlatform(opts.Platform)
		if err != nil {
			return Usagef("--platform: %v", err)
		}
		plat = p
	}
	rc, display, err := app.openHAR(opts.File)
	if err != nil {
		return err
	}
	defer rc.Close()
	if opts.Redact {
		err := har.Redact(app.IO.Out, rc, display)
		var te *har.TruncatedError
		if errors.As(err, &te) {
			termsafe.Fprintf(app.IO.ErrOut, "corsdoctor: warning: %v; the copy holds the entries read\n", te)
			return nil
		}
		if err != nil {
			return Usagef("%v", err)
		}
		return nil
	}
	rd, err := har.NewReader(rc, display)
	if err != nil {
		return WithHint(Usagef("%v", err), harHint)
	}
	pr := &harPrinter{w: app.IO.Out, json: opts.JSON, all: opts.All, plat: plat, file: &rd.File,
		ropt: report.Options{ShowSecrets: opts.ShowSecrets}, keep: opts.HTML.Path != ""}
	choice, err := opts.Engine.parse(cors.Chromium)
	if err != nil {
		return err
	}
	pr.ropt.Engines = choice.Show
	pr.compare = opts.Engine.Value == "" || choice.Show
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
				return WithHint(Usagef("%v", err), harHint)
			}
			termsafe.Fprintf(app.IO.ErrOut, "corsdoctor: warning: %v\n", rd.File.Truncated)
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
	if n := harCutsNote(rd.File.Cuts); n != "" && opts.JSON {
		fmt.Fprintf(app.IO.ErrOut, "corsdoctor: note: %s\n", n)
	}
	if err := opts.HTML.WriteDocument(app, report.Document{Tool: "corsdoctor", Version: report.Version, Results: pr.kept}, report.HTMLOptions{Title: "corsdoctor har"}); err != nil {
		return err
	}
	if pr.blocked > 0 {
		return ErrFindings
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

const harHint = "export the HAR from DevTools: Network tab, right-click > \"Save all as HAR with content\""

// harBatch is how many exchanges are diagnosed and printed at a time:
// output streams, and memory stays bounded whatever the HAR size.
const harBatch = 256

// harPrinter diagnoses exchanges in batches and streams the report.
type harPrinter struct {
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

func (p *harPrinter) add(ex *evidence.Exchange) {
	if p.compare {
		ex.EvaluateEngines(cors.Engines...)
	}
	p.batch = append(p.batch, ex)
	if len(p.batch) >= harBatch {
		p.flush()
	}
}

func (p *harPrinter) write(s string) {
	if p.err == nil {
		_, p.err = io.WriteString(p.w, s)
	}
}

func (p *harPrinter) header() {
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

func (p *harPrinter) flush() {
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

func (p *harPrinter) finish(sum har.Summary) error {
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
		sum.Entries, sum.CrossOrigin, plural(sum.CrossOrigin, "exchange", "exchanges"), p.blocked, p.incomplete, p.neterr, plural(p.neterr, "error", "errors"), p.allowed))
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
	if n := harCutsNote(p.file.Cuts); n != "" {
		p.write("note: " + n + "\n")
	}
	return p.err
}

// harCutsNote says what the reader left out to bound its memory.
func harCutsNote(c har.Cuts) string {
	if !c.Any() {
		return ""
	}
	return fmt.Sprintf("%d %s longer than %d MiB shortened and %d %s larger than %d MiB cut short (%d bytes skipped): bodies and WebSocket messages are not needed for a CORS verdict",
		c.Strings, plural(c.Strings, "value", "values"), har.MaxString>>20, c.Entries, plural(c.Entries, "entry", "entries"), har.MaxEntry>>20, c.Bytes)
}
