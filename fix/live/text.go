package live

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/corsdoctor/corsdoctor/internal/termsafe"
)

// PlanText renders a plan: the API, each call in order with its AWS CLI
// and SDK form, and the fixes it applies.
func PlanText(w io.Writer, kind, name string, p *Plan) {
	fmt.Fprintf(w, "corsdoctor aws fix: %s API %s", kind, p.APIID)
	if name != "" {
		fmt.Fprintf(w, " %q", termsafe.Escape(name))
	}
	fmt.Fprintf(w, " in %s, stage %s\n", p.Region, termsafe.Escape(p.Stage))
	if len(p.Steps) == 0 {
		fmt.Fprintln(w, "\nNo mechanical fix to make.")
	} else {
		fmt.Fprintf(w, "\nPlan: %d call(s), in order\n", len(p.Steps))
		for i, s := range p.Steps {
			fmt.Fprintf(w, "%3d. %s  %s\n", i+1, s.Op, termsafe.Escape(s.Summary))
			fmt.Fprintf(w, "     %s\n", termsafe.Escape(s.CLI))
			fmt.Fprintf(w, "     SDK: %s\n", termsafe.Escape(s.SDK))
		}
		if p.AutoDeploy {
			fmt.Fprintf(w, "     (no create-deployment: stage %s deploys every change automatically, autoDeploy)\n", termsafe.Escape(p.Stage))
		}
	}
	if len(p.Applied) > 0 {
		fmt.Fprintln(w, "\nFixes (each proved on the API's model before it entered the plan):")
		for _, a := range p.Applied {
			proof := "re-lint: the finding is gone, no route got worse"
			if a.Proof == "verdict" {
				var parts []string
				for _, r := range a.Rows {
					parts = append(parts, r.Route()+" "+r.Before.String()+" -> "+r.After.String())
					if len(parts) == 3 {
						break
					}
				}
				proof = "simulated: " + strings.Join(parts, "; ")
			}
			fmt.Fprintf(w, "  %s %s\n    proof: %s\n", a.Finding.RuleID, termsafe.Escape(a.Summary), termsafe.Escape(proof))
		}
	}
	if len(p.Skipped) > 0 {
		fmt.Fprintln(w, "Skipped:")
		for _, s := range p.Skipped {
			why := s.Reason
			if s.Flag != "" {
				why = "needs " + s.Flag + ": " + why
			}
			fmt.Fprintf(w, "  %s %s\n", s.Finding.RuleID, termsafe.Escape(why))
		}
	}
	if len(p.Table) > 0 {
		fmt.Fprintln(w, "\nProof: every route simulated as Chromium sends it, before and after the plan")
		tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, "ROUTE\tREQUEST\tBEFORE\tAFTER")
		for _, r := range p.Table {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", termsafe.Escape(r.Route()), termsafe.Escape(r.Request), r.Before, r.After)
		}
		tw.Flush()
	}
}

// OutcomeText renders what applying a plan did and the re-check.
func OutcomeText(w io.Writer, p *Plan, out *Outcome) {
	rb := out.Rollback
	fmt.Fprintf(w, "\nRollback saved before any change: %s", termsafe.Escape(rb.File))
	if rb.DeploymentID != "" {
		fmt.Fprintf(w, " (stage %s served deployment %s; export %s)", termsafe.Escape(rb.Stage), termsafe.Escape(rb.DeploymentID), termsafe.Escape(rb.ExportFile))
	}
	fmt.Fprintln(w)
	if out.Failed != "" {
		fmt.Fprintf(w, "\nFAILED at call %d of %d (%s): %s\n", out.Done+1, len(p.Steps), termsafe.Escape(out.Failed), termsafe.Escape(out.Error))
		fmt.Fprintf(w, "The plan stopped: nothing was deployed, the stage still serves what it served. The calls made so far change the API's working definition; to undo them:\n")
	} else {
		fmt.Fprintf(w, "\nApplied %d of %d call(s)", out.Done, len(p.Steps))
		if out.Deployed {
			fmt.Fprintf(w, "; deployed to stage %s", termsafe.Escape(p.Stage))
			if p.AutoDeploy {
				fmt.Fprint(w, " (autoDeploy)")
			}
		}
		fmt.Fprintln(w, ". To roll back:")
	}
	for _, c := range rb.Commands {
		fmt.Fprintf(w, "  %s\n", termsafe.Escape(c))
	}
	if len(out.Checks) > 0 {
		fmt.Fprintln(w, "\nRe-check of the invoke URL, as Chromium sends the requests:")
		tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
		for _, c := range out.Checks {
			fmt.Fprintf(tw, "  %s\t%s\tfrom %s\t%s\n", termsafe.Escape(c.Route), termsafe.Escape(c.URL), termsafe.Escape(c.Origin), termsafe.Escape(c.Verdict))
		}
		tw.Flush()
	}
}
