package report

import (
	"fmt"
	"io"
	"strings"

	"github.com/corsdoctor/corsdoctor/diag"
)

// The rule registry is corsdoctor's own text: it is written as it is.

// RuleList writes one line per rule: ID, severity, name, title.
func RuleList(w io.Writer, rules []*diag.Rule) error {
	ew := &errWriter{w: w}
	for _, r := range rules {
		title := r.Title
		if r.Deprecated {
			title += " (deprecated, replaced by " + r.ReplacedBy + ")"
		}
		ew.raw(fmt.Sprintf("%-7s %-8s %-36s %s\n", r.ID, r.Severity, r.Name, title))
	}
	return ew.err
}

// RuleDoc writes a rule's documentation as `corsdoctor rules ID` prints
// it: title, what it reads, why (with its sources and before/after), and
// the fix for each platform.
func RuleDoc(w io.Writer, r *diag.Rule) error {
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s (%s, since %s)\n%s\n", r.ID, r.Name, r.Severity, r.Since, r.Title)
	if r.Deprecated {
		fmt.Fprintf(&b, "Deprecated: replaced by %s.\n", r.ReplacedBy)
	}
	fmt.Fprintf(&b, "\nReads: %s.\n\n%s\n\nFix:\n", r.Needs, strings.TrimSpace(r.Doc))
	for _, p := range r.FixPlatforms() {
		lines := strings.Split(r.Fix[p], "\n")
		fmt.Fprintf(&b, "  %s: %s\n", p, lines[0])
		for _, l := range lines[1:] {
			fmt.Fprintf(&b, "  %s  %s\n", strings.Repeat(" ", len(p)), l)
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// RetiredRule writes what a retired rule ID was and what replaced it.
func RetiredRule(w io.Writer, id, name, replacedBy, why string) error {
	s := fmt.Sprintf("%s %s is retired: %s\n", id, name, why)
	if replacedBy != "" {
		s += fmt.Sprintf("See corsdoctor rules %s.\n", replacedBy)
	}
	_, err := io.WriteString(w, s)
	return err
}
