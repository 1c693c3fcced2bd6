package cli

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/corsdoctor/corsdoctor/diag"
	"github.com/corsdoctor/corsdoctor/fix"
	"github.com/corsdoctor/corsdoctor/internal/app/lint"
	"github.com/corsdoctor/corsdoctor/internal/termsafe"
)

// FixOptions are fix's parsed flags.
type FixOptions struct {
	App     *App
	Paths   []string
	Apply   bool
	Origins []string
	Headers []string
	Rules   []string
	Config  string
	Format  string
	FailOn  string
}

// NewCmdFix builds `corsdoctor fix`.
func NewCmdFix(app *App, runF func(*FixOptions) error) *cobra.Command {
	opts := &FixOptions{App: app}
	cmd := &cobra.Command{
		Use:   "fix [PATH...] [flags]",
		Short: "Rewrite the CORS configuration in infrastructure code, proving every change first",
		Long: `fix runs lint on the paths (default: the current directory), rewrites the templates
for every finding that has a mechanical fix, and prints the change as a unified diff;
--apply writes it. CloudFormation/SAM (YAML and JSON), OpenAPI exports with API
Gateway extensions, Serverless Framework and Terraform are edited in place, keeping
comments, key order, quoting, short-form tags and indentation. CDK output is
generated, so fix prints the construct-level change (with the construct path)
instead of editing cdk.out.

Every fix is proved before it is kept: the rewritten files are linted again in
memory (the finding must be gone, the files must still parse) and every route is
simulated for each --origin with the method and headers its clients send, through
the same engine that decides like Chromium; a fix that does not make the routes it
targets pass, or that makes another route worse, is refused and reported. The
before/after table is printed.

Values are never invented: the origins to allow come from --origin (or from the
API's own configuration when it names exactly one); a fix that needs a value you
did not give names the flag and is skipped.

Exit status: 0 nothing to fix and no finding at or above --fail-on remains (after
--apply: none remains), 1 there is a change to make or a finding remains, 2 usage
error or a file that could not be parsed.`,
		Example: `  corsdoctor fix template.yaml --origin https://app.example.com
  corsdoctor fix infra/ --origin https://app.example.com --apply
  corsdoctor fix . --rules CD2001,CD2009 --header x-request-id`,
		Args: cobra.ArbitraryArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Paths = args
			if runF != nil {
				return runF(opts)
			}
			return runFix(opts)
		},
	}
	fs := cmd.Flags()
	fs.BoolVar(&opts.Apply, "apply", false, "write the rewritten files (default: print the diff only)")
	fs.StringArrayVar(&opts.Origins, "origin", nil, "page origin to allow and to prove the fixes for (repeatable)")
	fs.StringArrayVar(&opts.Headers, "header", nil, "request header name the API's clients send, to allow and to prove (repeatable)")
	fs.StringSliceVar(&opts.Rules, "rules", nil, "rule selection, e.g. CD2001,CD2009 or all,-CD2023 (overrides the config file)")
	fs.StringVar(&opts.Config, "config", "", "lint config file (YAML): rules selection and suppressions")
	fs.StringVar(&opts.Format, "format", "text", "output format: text or json")
	fs.StringVar(&opts.FailOn, "fail-on", "error", "exit 1 when a finding of at least this severity remains: error, warning or info")
	return cmd
}

// Fix runs the fixes; the command and tests call it.
func Fix(opts *FixOptions) (*fix.Result, error) {
	var origins []string
	for _, o := range opts.Origins {
		v, err := ParseOriginFlag(o)
		if err != nil {
			return nil, err
		}
		origins = append(origins, v)
	}
	var headers []string
	for _, h := range opts.Headers {
		h = strings.TrimSpace(h)
		if h == "" || strings.ContainsAny(h, " :\t\r\n,") {
			return nil, WithHint(Usagef("--header %q: want a header name", h), "give the name only: --header x-request-id")
		}
		headers = append(headers, h)
	}
	paths := opts.Paths
	if len(paths) == 0 {
		paths = []string{"."}
	}
	linted := func(paths []string, read func(string) ([]byte, error)) (*fix.Linted, error) {
		res, err := lint.Run(context.Background(), lint.Options{Paths: paths, Origins: origins, Rules: opts.Rules, Config: opts.Config, Read: read})
		if err != nil {
			return nil, err
		}
		l := &fix.Linted{APIs: res.Models, Findings: res.Findings, Errors: res.Errors, Files: res.FileNames, Ran: []string{}, Suppressions: res.Suppressions}
		for _, r := range res.Rules {
			l.Ran = append(l.Ran, r.ID)
		}
		return l, nil
	}
	return fix.Run(fix.Options{Origins: origins, Headers: headers, Paths: paths, Lint: linted})
}

func runFix(opts *FixOptions) error {
	failOn, err := diag.ParseSeverity(opts.FailOn)
	if err != nil {
		return Usagef("--fail-on: %v", err)
	}
	switch opts.Format {
	case "text", "json":
	default:
		return WithHint(Usagef("--format: unknown format %q", opts.Format), "use --format text or json")
	}
	res, err := Fix(opts)
	if err != nil {
		return err
	}
	io := opts.App.IO
	if opts.Apply {
		for _, f := range res.Files {
			if err := writeFileAtomic(f.Name, f.After); err != nil {
				return Usagef("writing %s: %v", f.Name, err)
			}
		}
	}
	if opts.Format == "json" {
		if err := writeJSON(io.Out, fixJSON{Tool: "corsdoctor", Applied: opts.Apply, Counts: res.Counts(), Result: res}); err != nil {
			return err
		}
	} else {
		FixText(io.Out, res, opts.Apply)
	}
	for _, e := range res.Errors {
		fmt.Fprintf(io.ErrOut, "corsdoctor: error: %s\n", e)
	}
	if len(res.Errors) > 0 {
		return &UsageError{Err: fmt.Errorf("%d file(s) could not be linted", len(res.Errors))}
	}
	if !opts.Apply && len(res.Files) > 0 {
		return ErrFindings
	}
	for _, f := range res.Remaining {
		if f.Severity >= failOn {
			return ErrFindings
		}
	}
	return nil
}

// fixJSON is fix's JSON output (docs/fix.md).
type fixJSON struct {
	Tool    string     `json:"tool"`
	Applied bool       `json:"applied"`
	Counts  fix.Counts `json:"counts"`
	*fix.Result
}

// writeFileAtomic replaces name with b, keeping its mode.
func writeFileAtomic(name string, b []byte) error {
	mode := os.FileMode(0o644)
	if st, err := os.Stat(name); err == nil {
		mode = st.Mode().Perm()
	}
	tmp, err := os.CreateTemp(filepath.Dir(name), "."+filepath.Base(name)+".corsdoctor-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(b); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Chmod(mode); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), name)
}

// termSafe escapes what a terminal would interpret in text read from the
// files (termsafe.Escape), line by line and keeping tabs, so the diff
// stays a diff that patch and git apply accept.
func termSafe(s string) string {
	if termsafe.Safe(strings.ReplaceAll(strings.ReplaceAll(s, "\n", ""), "\t", "")) {
		return s
	}
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		parts := strings.Split(l, "\t")
		for j, p := range parts {
			parts[j] = termsafe.Escape(p)
		}
		lines[i] = strings.Join(parts, "\t")
	}
	return strings.Join(lines, "\n")
}

// FixText renders a fix run: the diff, what was fixed (with its proof),
// skipped (with the reason or the flag to give), the advice to apply by
// hand, and the before/after table.
func FixText(w io.Writer, res *fix.Result, applied bool) {
	c := res.Counts()
	for _, f := range res.Files {
		fmt.Fprint(w, termSafe(f.Diff))
	}
	if len(res.Files) > 0 {
		fmt.Fprintln(w)
	}
	if len(res.Applied) > 0 {
		fmt.Fprintln(w, "Fixed (each proved before it was kept):")
		for _, a := range res.Applied {
			proof := "re-lint: the finding is gone, no route got worse"
			if a.Proof == "redeploy" {
				proof = "redeploy: the deployment's logical ID now carries a hash of the API's methods, so the stack update creates a new deployment with these changes; no route got worse"
			}
			if a.Proof == "verdict" {
				var parts []string
				for _, r := range a.Rows {
					if !r.After.Allowed && r.Before.Allowed {
						continue
					}
					parts = append(parts, r.Route()+" "+r.Before.String()+" -> "+r.After.String())
					if len(parts) == 3 {
						break
					}
				}
				proof = "simulated: " + strings.Join(parts, "; ")
			}
			fmt.Fprintf(w, "  %s %s %s\n    proof: %s\n", loc(a.Finding), a.Finding.RuleID, termSafe(a.Summary), termSafe(proof))
		}
	}
	if len(res.Skipped) > 0 {
		fmt.Fprintln(w, "Skipped:")
		for _, s := range res.Skipped {
			why := s.Reason
			if s.Flag != "" {
				why = "needs " + s.Flag + ": " + why
			}
			fmt.Fprintf(w, "  %s %s %s\n", loc(s.Finding), s.Finding.RuleID, termSafe(why))
		}
	}
	if len(res.Advice) > 0 {
		fmt.Fprintln(w, "To change by hand:")
		for _, a := range res.Advice {
			fmt.Fprintf(w, "  %s %s %s\n", loc(a.Finding), a.Finding.RuleID, termSafe(a.Summary))
			for _, l := range strings.Split(strings.TrimRight(a.Text, "\n"), "\n") {
				fmt.Fprintf(w, "    %s\n", termSafe(l))
			}
		}
	}
	if len(res.Revealed) > 0 {
		fmt.Fprintln(w, "Reported after the fixes, not before (review them):")
		for _, f := range res.Revealed {
			fmt.Fprintf(w, "  %s %s %s\n", loc(f), f.RuleID, termSafe(f.Detail))
		}
	}
	if len(res.Table) > 0 {
		fmt.Fprintln(w, "\nProof: every route simulated as Chromium sends it, before and after")
		tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, "ROUTE\tREQUEST\tBEFORE\tAFTER")
		rows := append([]fix.Row(nil), res.Table...)
		apis := map[string]bool{}
		for _, r := range rows {
			apis[r.File+"\x00"+r.API] = true
		}
		shown := 0
		last := ""
		for _, r := range rows {
			if len(rows) > 40 && r.Before.String() == r.After.String() && r.After.Allowed {
				continue
			}
			// Several APIs: a line naming each before its routes.
			if id := r.File + "\x00" + r.API; len(apis) > 1 && id != last {
				fmt.Fprintf(tw, "%s %s\n", termSafe(r.File), termSafe(r.API))
				last = id
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", termSafe(r.Route()), termSafe(r.Request), r.Before, r.After)
			shown++
		}
		tw.Flush()
		if shown < len(rows) {
			fmt.Fprintf(w, "(%d more requests ALLOWED before and after)\n", len(rows)-shown)
		}
	}
	resolved := ""
	if c.Resolved > 0 {
		resolved = fmt.Sprintf(", %d gone with another fix", c.Resolved)
	}
	redeploy := ""
	if c.Redeploy > 0 {
		redeploy = fmt.Sprintf(", %d deployment(s) renamed", c.Redeploy)
	}
	seen := ""
	if c.Findings > res.Before {
		seen = fmt.Sprintf(" (%d at the first lint, %d more reported by the re-lints after fixes)", res.Before, c.Findings-res.Before)
	}
	fmt.Fprintf(w, "\n%d finding(s)%s: %d fixed (%d proved by a verdict change, %d by re-lint%s)%s, %d skipped, %d to change by hand, %d without a mechanical fix\n",
		c.Findings, seen, c.Fixed, c.ProvedByVerdict, c.Fixed-c.ProvedByVerdict-c.Redeploy, redeploy, resolved, c.Skipped, c.Advice, c.NoFix)
	switch {
	case len(res.Files) == 0:
	case applied:
		fmt.Fprintf(w, "wrote %d file(s)\n", len(res.Files))
	default:
		fmt.Fprintf(w, "run again with --apply to write %d file(s)\n", len(res.Files))
	}
}

func loc(f diag.Finding) string {
	l := f.Location.String()
	if l == "" {
		return "-"
	}
	return termSafe(l) + ":"
}
