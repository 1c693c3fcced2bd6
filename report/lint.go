package report

import (
	"fmt"
	"io"
	"strings"

	"github.com/corsdoctor/corsdoctor/apimodel"
	"github.com/corsdoctor/corsdoctor/diag"
	"github.com/corsdoctor/corsdoctor/internal/termsafe"
)

// Lint is corsdoctor lint's report: its JSON output (docs/json.md) and
// what LintText and LintPage render.
type Lint struct {
	Tool     string         `json:"tool"`
	Version  string         `json:"version"`
	Files    int            `json:"files"`
	Formats  map[string]int `json:"formats"`
	APIs     int            `json:"apis"`
	Findings []diag.Finding `json:"findings"`
	// Suppressed counts findings hidden by suppressions.
	Suppressed int      `json:"suppressed"`
	Errors     []string `json:"errors"`
	// NotEvaluated lists what lint saw and could not read (registry
	// modules, plugins, definitions in S3, ...), so that it never counts
	// as clean silently.
	NotEvaluated []apimodel.Unread `json:"not_evaluated"`
}

// LintText renders findings compiler-style: "file:line:col: severity
// CD2001 message", then the fix and the evidence, indented.
func LintText(w io.Writer, res *Lint) {
	counts := map[diag.Severity]int{}
	shown := map[string]bool{}
	for _, f := range res.Findings {
		counts[f.Severity]++
		loc := f.Location.String()
		if loc == "" {
			loc = "-"
		}
		termsafe.Fprintf(w, "%s: %s %s %s\n", loc, f.Severity, f.RuleID, f.Detail)
		for _, e := range f.Evidence {
			termsafe.Fprintf(w, "    | %s\n", e)
		}
		// The full fix is printed once per rule and platform; later
		// findings refer to it.
		key := f.RuleID + "\x00" + string(f.Platform)
		if shown[key] {
			fmt.Fprintf(w, "    fix: as for %s above\n", f.RuleID)
			continue
		}
		shown[key] = true
		for i, l := range strings.Split(f.Fix, "\n") {
			if i == 0 {
				termsafe.Fprintf(w, "    fix: %s\n", l)
			} else {
				termsafe.Fprintf(w, "         %s\n", l)
			}
		}
	}
	for _, u := range res.NotEvaluated {
		loc := u.Source.String()
		if loc == "" {
			loc = "-"
		}
		fmt.Fprintf(w, "%s: not evaluated: %s: %s\n", loc, u.What, u.Why)
	}
	fmt.Fprintf(w, "%d finding(s): %d error, %d warning, %d info; %d suppressed; %d file(s), %d API(s)\n",
		len(res.Findings), counts[diag.Error], counts[diag.Warning], counts[diag.Info], res.Suppressed, res.Files, res.APIs)
}

// LintPage is the HTML page of corsdoctor lint.
func LintPage(res *Lint, paths []string) Page {
	page := Page{Title: "corsdoctor lint", Subtitle: fmt.Sprintf("%d files, %d APIs", res.Files, res.APIs),
		Facts:    []Fact{{Key: "paths", Value: strings.Join(paths, ", ")}},
		Findings: FindingsFromDiag(res.Findings, Options{})}
	if res.Suppressed > 0 {
		page.Facts = append(page.Facts, Fact{Key: "suppressed", Value: fmt.Sprint(res.Suppressed)})
	}
	if len(res.Errors) > 0 {
		page.Sections = append(page.Sections, Section{Heading: "Files that could not be read", Items: res.Errors})
	}
	return page
}
