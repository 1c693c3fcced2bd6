package rules

import (
	"fmt"
	"strings"

	"github.com/corsdoctor/corsdoctor/diag"
)

// CD2099 fires on a suppression that hid no finding although every rule
// it names ran.
var cd2099 = &diag.Rule{
	ID: "CD2099", Needs: diag.NeedsSuppressions, Name: "unused-suppression", Severity: diag.Warning, Rank: 299, Since: "0.1.0",
	Title: "Unused suppression",
	Doc: `A suppression (an inline "corsdoctor:ignore" comment or an ignore entry of the
--config file) that matches no finding is stale: the problem was fixed, or the
directive sits on the wrong line and hides nothing while the reader believes it does.
Left in place it would silently hide the finding if the mistake came back. A
suppression is judged unused only when every rule it names ran (a --rules selection
that leaves one out says nothing about it). corsdoctor fix does not remove it for
you: deleting a reviewer's note is a decision.

Before:  # corsdoctor:ignore CD2021 legacy clients cache for a day   (MaxAge is now 600)
After:   the comment removed`,
	Fix: map[diag.Platform]string{
		diag.Generic: "Remove the suppression.",
	},
	Check: func(p *diag.Pass) {
		for _, s := range p.Input().Suppressions {
			if s.Reason == "" || s.Used || !s.Judged {
				continue
			}
			p.ReportFixText(-1, s.Source, diag.Unknown, p.Rule.Fix[diag.Generic],
				fmt.Sprintf("suppression of %s (%s) matches no finding", strings.Join(s.Rules, ","), s.Reason))
		}
	},
}
