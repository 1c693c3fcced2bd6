package report

import (
	"fmt"
	"sort"
	"time"

	"github.com/corsdoctor/corsdoctor/diag"
)

// Page is a findings-only report (lint, scan, logs, aws): a title, facts,
// optional charts and sections, and the findings grouped by rule.

type Page struct {
	Title    string
	Subtitle string
	// Facts are key/value lines shown under the title (target, account,
	// time range, files read...).
	Facts []Fact
	// Charts are drawn before the findings (error rates with markers).
	Charts []Chart
	// Sections are free blocks (playbook steps, commands) shown after the
	// charts.
	Sections []Section
	Findings []Finding
}

// Fact is one key/value line of a Page.
type Fact struct{ Key, Value string }

// Section is a block of a Page: a heading, a paragraph, a list of items
// and a preformatted block, each optional.
type Section struct {
	Heading string
	Text    string
	Items   []string
	Pre     string
}

// FindingsFromDiag converts diag findings to the schema, redacting unless
// opt.ShowSecrets.
func FindingsFromDiag(fs []diag.Finding, opt Options) []Finding {
	out := make([]Finding, 0, len(fs))
	for _, f := range fs {
		out = append(out, NewFinding(f, opt))
	}
	return out
}

// Findings page view model.

type htmlPage struct {
	Title, Subtitle, Command, Generated, Version string
	Facts                                        []Fact
	Charts                                       []Chart
	Sections                                     []Section
	Groups                                       []findingGroup
	Total                                        int
	Counts                                       []countCell
	Open                                         bool
}

type findingGroup struct {
	Anchor, FixID string
	ID, Name      string
	Severity      string
	Title, Fix    string
	Platform      string
	Items         []Finding
}

func newHTMLPage(p Page, o HTMLOptions) *htmlPage {
	hp := &htmlPage{Title: o.Title, Subtitle: p.Subtitle, Command: o.Command, Version: Version,
		Facts: p.Facts, Charts: p.Charts, Sections: p.Sections, Total: len(p.Findings)}
	if !o.Generated.IsZero() {
		hp.Generated = o.Generated.UTC().Format(time.RFC3339)
	}
	idx := map[string]int{}
	sev := map[string]int{}
	for _, f := range p.Findings {
		sev[f.Severity]++
		key := f.ID + "\x00" + f.Fix
		i, ok := idx[key]
		if !ok {
			i = len(hp.Groups)
			idx[key] = i
			hp.Groups = append(hp.Groups, findingGroup{
				Anchor: fmt.Sprintf("g%d", i+1), FixID: fmt.Sprintf("g%d-fix", i+1),
				ID: f.ID, Name: f.Name, Severity: f.Severity, Title: f.Title, Fix: f.Fix, Platform: f.Platform,
			})
		}
		hp.Groups[i].Items = append(hp.Groups[i].Items, f)
	}
	sort.SliceStable(hp.Groups, func(i, j int) bool {
		return sevRank(hp.Groups[i].Severity) > sevRank(hp.Groups[j].Severity)
	})
	for _, s := range []string{"error", "warning", "info"} {
		if sev[s] > 0 {
			cls := map[string]string{"error": "v-bad", "warning": "v-warn", "info": "v-ok"}[s]
			hp.Counts = append(hp.Counts, countCell{Label: s, N: sev[s], Class: cls})
		}
	}
	hp.Open = len(hp.Groups) <= 20
	return hp
}

func sevRank(s string) int {
	switch s {
	case "error":
		return 2
	case "warning":
		return 1
	}
	return 0
}
