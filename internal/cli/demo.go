package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/corsdoctor/corsdoctor/collect/probe"
	"github.com/corsdoctor/corsdoctor/cors"
	"github.com/corsdoctor/corsdoctor/internal/app/check"
	"github.com/corsdoctor/corsdoctor/internal/app/request"
	"github.com/corsdoctor/corsdoctor/lab"
	"github.com/corsdoctor/corsdoctor/report"
)

// DemoOptions are demo's parsed flags.
type DemoOptions struct {
	App  *App
	JSON bool
	// Only restricts the run to cases whose path contains this string.
	Only string
	// Verbose prints check's full report for every case.
	Verbose bool
}

// NewCmdDemo builds `corsdoctor demo`.
func NewCmdDemo(app *App, runF func(*DemoOptions) error) *cobra.Command {
	opts := &DemoOptions{App: app}
	cmd := &cobra.Command{
		Use:   "demo",
		Short: "Start the embedded lab on loopback and diagnose every failure it reproduces",
		Long: `demo starts corsdoctor's lab (an API that fails in every way browsers see in the
field, plus correct endpoints for contrast) on 127.0.0.1, runs check against every
endpoint with a realistic page origin, and prints one line per endpoint: the failure it
reproduces, the browser's verdict, the diagnosed cause (rule ID and name) and whether
that agrees with the lab's expectation. Nothing leaves the machine.

Exit codes: 0 every endpoint diagnosed as expected, 1 any disagreement.`,
		Example: `  corsdoctor demo
  corsdoctor demo --only aws/rest --verbose
  corsdoctor demo --json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if runF != nil {
				return runF(opts)
			}
			return runDemo(cmd.Context(), opts)
		},
	}
	fs := cmd.Flags()
	fs.BoolVar(&opts.JSON, "json", false, "print the results as JSON")
	fs.StringVar(&opts.Only, "only", "", "run only the endpoints whose path contains this text")
	fs.BoolVar(&opts.Verbose, "verbose", false, "also print check's full report for every endpoint")
	return cmd
}

// DemoCase is one line of the demo's JSON output.
type DemoCase struct {
	Path             string `json:"path"`
	Title            string `json:"title"`
	Platform         string `json:"platform"`
	DetectedPlatform string `json:"detected_platform"`
	Method           string `json:"method"`
	Origin           string `json:"origin"`
	ExpectedVerdict  string `json:"expected_verdict"`
	ExpectedRule     string `json:"expected_rule"`
	Verdict          string `json:"verdict"`
	Rule             string `json:"rule"`
	RuleName         string `json:"rule_name"`
	RuleTitle        string `json:"rule_title"`
	Agree            bool   `json:"agree"`
	// Engines are Firefox's and Safari's verdicts (check judging as
	// them, with their own requests when they send other ones), by
	// engine name; EngineSummary says how the browsers differ.
	Engines       map[string]DemoEngine `json:"engines,omitempty"`
	EngineSummary string                `json:"engine_summary,omitempty"`
}

// DemoEngine is one browser engine's verdict on a lab endpoint.
type DemoEngine struct {
	Verdict string `json:"verdict"`
	// ExpectedVerdict is the lab's expectation; empty when the lab says
	// nothing about this browser (Safari on an https page calling the
	// lab over http: mixed content, whatever the server does).
	ExpectedVerdict string `json:"expected_verdict,omitempty"`
	Agree           bool   `json:"agree"`
}

// demoEngines are the browsers demo judges besides Chromium.
var demoEngines = []cors.Engine{cors.Firefox, cors.WebKit}

// DemoReport is demo's JSON document.
type DemoReport struct {
	Tool    string     `json:"tool"`
	Version string     `json:"version"`
	Agree   int        `json:"agree"`
	Total   int        `json:"total"`
	Cases   []DemoCase `json:"cases"`
}

// demoRun checks every lab case against the lab at base and returns the
// results with check's full outcome per case.
func demoRun(ctx context.Context, base string, cases []lab.Case, now func() time.Time) ([]DemoCase, []*check.Outcome, error) {
	p := probe.New(probe.Options{Timeout: 5 * time.Second, Repeat: 3, Now: now})
	defer p.Close()
	var (
		out  []DemoCase
		outs []*check.Outcome
	)
	for _, c := range cases {
		spec, err := caseSpec(base, c)
		if err != nil {
			return nil, nil, fmt.Errorf("lab case %s: %w", c.Path, err)
		}
		spec.Prober = p
		spec.Now = now
		spec.Engines = demoEngines
		o := check.Run(ctx, spec)
		r := o.Doc.Results[0]
		dc := DemoCase{
			Path: c.Path, Title: c.Title, Platform: c.Platform, DetectedPlatform: r.Platform,
			Method: c.Method, Origin: c.Origin, ExpectedVerdict: c.Verdict, ExpectedRule: c.Rule,
			Verdict: report.Verdict(r),
		}
		if len(r.Findings) > 0 {
			dc.Rule, dc.RuleName, dc.RuleTitle = r.Findings[0].ID, r.Findings[0].Name, r.Findings[0].Title
		}
		dc.Agree = dc.Verdict == c.Verdict && dc.Rule == c.Rule
		dc.EngineSummary = r.EngineSummary
		if ex := o.Exchanges[0]; ex.Err == "" {
			dc.Engines = map[string]DemoEngine{}
			for _, er := range ex.Engines {
				de := DemoEngine{Verdict: engineVerdictWord(&er.Result)}
				exp, ok := c.EngineVerdict(er.Engine, base)
				if ok {
					de.ExpectedVerdict = exp
				}
				de.Agree = !ok || de.Verdict == exp
				dc.Agree = dc.Agree && de.Agree
				dc.Engines[er.Engine.String()] = de
			}
		}
		out = append(out, dc)
		outs = append(outs, o)
	}
	return out, outs, nil
}

// engineVerdictWord is report.Verdict's word for an engine's result.
func engineVerdictWord(r *cors.Result) string {
	switch {
	case r.Allowed:
		return lab.Allowed
	case r.Incomplete != "":
		return "INCOMPLETE"
	}
	return lab.Blocked
}

// caseSpec builds the check of a lab case.
func caseSpec(base string, c lab.Case) (check.Spec, error) {
	f := RequestFlags{Options: request.Options{Method: c.Method, Headers: c.Headers, Data: c.Body, Credentials: c.Credentials, Expose: c.Expose}}
	u := base + c.Path
	req, body, err := f.Build(u, c.Origin)
	if err != nil {
		return check.Spec{}, err
	}
	if c.Body == "" {
		req.Body = cors.BodyNone
	}
	origins := append([]string{c.Origin}, c.AlsoOrigins...)
	return check.Spec{URL: u, Origins: origins, Request: req, Body: body, Expose: c.Expose, Repeat: 3, Timeout: 5 * time.Second}, nil
}

func runDemo(ctx context.Context, opts *DemoOptions) error {
	app := opts.App
	srv, err := lab.Start("127.0.0.1:0")
	if err != nil {
		return err
	}
	defer srv.Close()
	var cases []lab.Case
	for _, c := range lab.Catalogue() {
		if opts.Only == "" || strings.Contains(c.Path, opts.Only) {
			cases = append(cases, c)
		}
	}
	if len(cases) == 0 {
		return WithHint(Usagef("--only %q matches no lab endpoint", opts.Only), "run 'corsdoctor demo' to list them all")
	}
	res, outs, err := demoRun(ctx, srv.URL, cases, app.Now)
	if err != nil {
		return err
	}
	agree := 0
	for _, r := range res {
		if r.Agree {
			agree++
		}
	}
	if opts.JSON {
		enc := json.NewEncoder(app.IO.Out)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
		if err := enc.Encode(DemoReport{Tool: "corsdoctor", Version: report.Version, Agree: agree, Total: len(res), Cases: res}); err != nil {
			return err
		}
	} else if err := writeDemo(app, srv.URL, cases, res, outs, opts.Verbose); err != nil {
		return err
	}
	if agree != len(res) {
		return ErrFindings
	}
	return nil
}

func writeDemo(app *App, base string, cases []lab.Case, res []DemoCase, outs []*check.Outcome, verbose bool) error {
	w := &errWriterCLI{w: app.IO.Out}
	// Colour only on a terminal, and never with NO_COLOR (no-color.org).
	color := app.IO.IsTTY && app.Getenv != nil && app.Getenv("NO_COLOR") == "" && app.Getenv("TERM") != "dumb"
	w.printf("corsdoctor demo: %d lab endpoints on loopback, each checked as Chromium would send it (and as Firefox and Safari: FIREFOX, SAFARI)\n\n", len(res))
	pw, tw := len("ENDPOINT"), len("REPRODUCES")
	for _, r := range res {
		pw = max(pw, len(r.Path))
		tw = max(tw, min(len(r.Title), 58))
	}
	w.printf("%-*s  %-*s  %-8s  %-8s  %-8s  %-40s  %s\n", pw, "ENDPOINT", tw, "REPRODUCES", "VERDICT", "FIREFOX", "SAFARI", "DIAGNOSIS", "AGREES")
	for _, r := range res {
		diagnosis := "-"
		switch {
		case r.Rule != "":
			diagnosis = r.Rule + " " + r.RuleName
		case r.EngineSummary != "":
			diagnosis = r.EngineSummary
		}
		mark := "yes"
		if !r.Agree {
			exp := r.ExpectedRule
			if exp == "" {
				exp = "no finding"
			}
			mark = fmt.Sprintf("NO (expected %s, %s%s)", r.ExpectedVerdict, exp, demoEngineExpectations(r))
		}
		verdict := fmt.Sprintf("%-8s", r.Verdict)
		cols := make([]string, len(demoEngines))
		for i, e := range demoEngines {
			de, ok := r.Engines[e.String()]
			v := "-"
			if ok && de.ExpectedVerdict != "" {
				v = de.Verdict
			}
			cols[i] = fmt.Sprintf("%-8s", v)
			if color && v != "-" {
				cols[i] = paint(cols[i], v == lab.Allowed)
			}
		}
		if color {
			verdict = paint(verdict, r.Verdict == lab.Allowed)
			mark = paint(mark, r.Agree)
		}
		w.printf("%-*s  %-*s  %s  %s  %-40s  %s\n", pw, r.Path, tw, clip(r.Title, 58), verdict, strings.Join(cols, "  "), diagnosis, mark)
	}
	agree := 0
	for _, r := range res {
		if r.Agree {
			agree++
		}
	}
	w.printf("\n%d/%d endpoints diagnosed as expected.\n", agree, len(res))
	w.printf("FIREFOX and SAFARI: check judging as Firefox and Safari (WebKit), docs/engines.md; - where the lab cannot say (Safari blocks an https page's requests to the http lab as mixed content).\n")
	if !verbose {
		w.printf("\nThe full report of one endpoint: corsdoctor demo --only %s --verbose\n", demoExample(res))
		w.printf("Serve the lab for a browser or curl: corsdoctor lab\n")
		w.printf("Your own API: corsdoctor check https://api.example.com/items --origin https://app.example.com\n")
	}
	if verbose {
		for i, o := range outs {
			w.printf("\n%s\n%s: %s\n$ %s\n\n", strings.Repeat("=", 72), cases[i].Path, cases[i].Title, cases[i].CheckCommand(base))
			if w.err == nil {
				w.err = report.Text(app.IO.Out, o.Doc, report.TextOptions{Curl: o.Curl, Notes: o.Notes})
			}
		}
	}
	return w.err
}

// demoEngineExpectations lists the engines whose verdict disagrees.
func demoEngineExpectations(r DemoCase) string {
	var out string
	for _, e := range demoEngines {
		if de, ok := r.Engines[e.String()]; ok && !de.Agree {
			out += fmt.Sprintf("; %s %s", e.Browser(), de.ExpectedVerdict)
		}
	}
	return out
}

// demoExample picks the endpoint the closing hint points at: the first
// disagreement, else the API Gateway proxy case, else the first case.
func demoExample(res []DemoCase) string {
	for _, r := range res {
		if !r.Agree {
			return r.Path
		}
	}
	for _, r := range res {
		if r.Path == "/aws/rest/proxy-no-headers" {
			return r.Path
		}
	}
	return res[0].Path
}

// paint wraps s in green (good) or red ANSI colour.
func paint(s string, good bool) string {
	if good {
		return "\x1b[32m" + s + "\x1b[0m"
	}
	return "\x1b[31m" + s + "\x1b[0m"
}

func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n-3] + "..."
}

type errWriterCLI struct {
	w   interface{ Write([]byte) (int, error) }
	err error
}

func (e *errWriterCLI) printf(format string, a ...any) {
	if e.err != nil {
		return
	}
	_, e.err = fmt.Fprintf(e.w, format, a...)
}
