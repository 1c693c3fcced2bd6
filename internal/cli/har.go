package cli

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/corsdoctor/corsdoctor/collect/har"
	"github.com/corsdoctor/corsdoctor/diag"
	"github.com/corsdoctor/corsdoctor/evidence"
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
}

func init() { addCommand(func(a *App) *cobra.Command { return NewCmdHAR(a, nil) }) }

// NewCmdHAR builds `corsdoctor har`.
func NewCmdHAR(app *App, runF func(*HAROptions) error) *cobra.Command {
	opts := &HAROptions{App: app}
	cmd := &cobra.Command{
		Use:   "har FILE.har [flags]",
		Short: "Diagnose the cross-origin requests recorded in a HAR file (Chrome, Edge, Firefox)",
		Long: `har reads a HAR exported from the browser's DevTools (Network tab, "Save all as HAR",
or "Export HAR"), streaming it entry by entry, so files of any size are fine. It pairs
each preflight with its actual request, rebuilds every cross-origin exchange, evaluates
it exactly as Chromium does, and reports the blocked ones with cause and fix; exchanges
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
	fs.BoolVar(&opts.ShowSecrets, "show-secrets", false, "show Authorization, Cookie and other secret values (redacted by default)")
	fs.BoolVar(&opts.Redact, "redact", false, "write a redacted copy of the HAR to standard output, and exit")
	fs.BoolVar(&opts.All, "all", false, "print every exchange in full, not only the failing ones and those with findings")
	fs.StringVar(&opts.Platform, "platform", "", "server platform for the fixes ("+platformNames()+"); detected from the response headers by default")
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
			fmt.Fprintf(app.IO.ErrOut, "corsdoctor: warning: %v; the copy holds the entries read\n", te)
			return nil
		}
		if err != nil {
			return Usagef("%v", err)
		}
		return nil
	}
	f, err := har.Read(rc, display)
	if err != nil {
		return WithHint(Usagef("%v", err), "export the HAR from DevTools: Network tab, right-click > \"Save all as HAR with content\"")
	}
	if f.Truncated != nil {
		fmt.Fprintf(app.IO.ErrOut, "corsdoctor: warning: %v\n", f.Truncated)
	}
	exs, sum := har.Exchanges(f)
	for _, ex := range exs {
		switch {
		case plat != "":
			ex.Platform = string(plat)
		default:
			ex.Platform = evidence.DetectPlatform(ex.Preflight(), ex.Final()).Platform
		}
	}
	in := &diag.Input{Exchanges: exs}
	findings := diag.Run(rules.All(), in)
	ropt := report.Options{ShowSecrets: opts.ShowSecrets}
	doc := report.NewDocument(exs, findings, ropt)
	if opts.JSON {
		err = report.JSON(app.IO.Out, doc)
	} else {
		err = harText(app.IO.Out, f, sum, doc, opts.All)
	}
	if err != nil {
		return err
	}
	for _, ex := range exs {
		if ex.Result.Blocked() && ex.Err == "" {
			return ErrFindings
		}
	}
	return nil
}

// harText prints a summary, then the exchanges that failed or have
// findings in full, then one line per other exchange.
func harText(w io.Writer, f *har.File, sum har.Summary, doc report.Document, all bool) error {
	tw := &textWriter{w: w}
	var blocked, incomplete, neterr, allowed int
	for _, r := range doc.Results {
		switch report.Verdict(r) {
		case "BLOCKED":
			blocked++
		case "INCOMPLETE":
			incomplete++
		case "ERROR":
			neterr++
		default:
			allowed++
		}
	}
	creator := f.Creator
	if creator == "" {
		creator = "unknown browser"
	}
	tw.f("%s: %s, %d entries, %d cross-origin %s: %d blocked, %d undetermined, %d network %s, %d allowed\n",
		f.Name, creator, f.Total, sum.CrossOrigin, plural(sum.CrossOrigin, "exchange", "exchanges"), blocked, incomplete, neterr, plural(neterr, "error", "errors"), allowed)
	if sum.SameOrigin > 0 || sum.NoOrigin > 0 {
		tw.f("(skipped: %d same-origin, %d without a known page origin)\n", sum.SameOrigin, sum.NoOrigin)
	}
	if f.Truncated != nil {
		tw.f("warning: %v\n", f.Truncated)
	}
	var full, brief []report.Result
	for _, r := range doc.Results {
		if all || !r.Allowed || len(r.Findings) > 0 {
			full = append(full, r)
		} else {
			brief = append(brief, r)
		}
	}
	if tw.err != nil {
		return tw.err
	}
	if len(full) > 0 {
		tw.f("\n")
		if err := report.Text(w, report.Document{Tool: doc.Tool, Version: doc.Version, Results: full}, report.TextOptions{}); err != nil {
			return err
		}
	}
	if len(brief) > 0 {
		tw.f("\n%s\n\nAllowed without findings:\n", strings.Repeat("-", 72))
		for _, r := range brief {
			tw.f("  %-6s %d %s  (%s)\n", r.Method, r.Actual.Status, r.URL, r.Source)
		}
	}
	return tw.err
}
