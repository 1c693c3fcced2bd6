package rules

import (
	"strings"

	"github.com/corsdoctor/corsdoctor/diag"
)

// CD2098 fires on an inline suppression that gives no reason: lint
// ignores it, so the finding it meant to hide is still reported.
var cd2098 = &diag.Rule{
	ID: "CD2098", Needs: diag.NeedsSuppressions, Name: "bad-suppression", Severity: diag.Warning, Rank: 298, Since: "0.2.0",
	Title: "Suppression without a reason",
	Doc: `A "corsdoctor:ignore" comment hides a lint finding on its own line (or, alone on
a comment line, on the next line), and must say why: the reason is what a reviewer
reads instead of the finding. A directive with rule IDs and no reason is ignored, the
finding stays, and this rule points at the directive. (Earlier versions reported it
as CD2099, bad-suppression, a rule that was never registered; CD2099 now means an
unused suppression only.)
Ignore entries of the --config file without a reason are a usage error instead.

Before:  # corsdoctor:ignore CD2009
After:   # corsdoctor:ignore CD2009 internal API, no browser clients`,
	Fix: map[diag.Platform]string{
		diag.Generic: "Add the reason after the rule IDs: # corsdoctor:ignore CD2009 no browser clients",
	},
	Check: func(p *diag.Pass) {
		for _, s := range p.Input().Suppressions {
			if s.Reason != "" || s.Line == 0 {
				continue
			}
			p.ReportFixText(-1, s.Source, diag.Unknown, p.Rule.Fix[diag.Generic],
				"corsdoctor:ignore "+strings.Join(s.Rules, ",")+" has no reason, so it is ignored")
		}
	},
}
