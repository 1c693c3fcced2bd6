package fix

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/corsdoctor/corsdoctor/diag"
	"github.com/corsdoctor/corsdoctor/internal/termsafe"
)

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

// Text renders a fix run: the diff, what was fixed (with its proof),
// skipped (with the reason or the flag to give), the advice to apply by
// hand, and the before/after table.
func Text(w io.Writer, res *Result, applied bool) {
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
		rows := append([]Row(nil), res.Table...)
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
