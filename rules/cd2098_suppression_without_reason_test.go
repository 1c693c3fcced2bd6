package rules

import (
	"testing"

	"github.com/corsdoctor/corsdoctor/diag"
	"github.com/corsdoctor/corsdoctor/evidence"
)

// suppressions scans file text for directives, applies them to findings
// of the rules named in ran (as lint does) and returns the input the
// suppression rules read.
func suppressions(text string, findings []diag.Finding, ran ...string) func(*testing.T) *diag.Input {
	return func(t *testing.T) *diag.Input {
		sups := diag.ScanSuppressions("template.yaml", []byte(text))
		var rs []*diag.Rule
		for _, id := range ran {
			rs = append(rs, &diag.Rule{ID: id})
		}
		diag.Suppress(findings, sups, rs)
		return &diag.Input{Suppressions: sups}
	}
}

// findingAt is a finding of rule id on line of template.yaml.
func findingAt(id string, line int) diag.Finding {
	return diag.Finding{RuleID: id, Location: evidence.Source{File: "template.yaml", Line: line}, Exchange: -1}
}

func init() {
	addCases("CD2098",
		ruleCase{Desc: "directive with rule IDs and no reason", Fire: true, Want: "corsdoctor:ignore CD2009 has no reason",
			Input: suppressions("Resources:\n  # corsdoctor:ignore CD2009\n  Api:\n", []diag.Finding{findingAt("CD2009", 3)}, "CD2009")},
		ruleCase{Desc: "two IDs, a separator and no reason", Fire: true, Want: "CD2009,CD2021 has no reason",
			Input: suppressions("  Api: # corsdoctor:ignore CD2009, CD2021 -\n", nil, "CD2009", "CD2021")},
		ruleCase{Desc: "directive with a reason", Fire: false,
			Input: suppressions("  # corsdoctor:ignore CD2009 internal API, no browser clients\n  Api:\n", []diag.Finding{findingAt("CD2009", 2)}, "CD2009")},
	)
}
