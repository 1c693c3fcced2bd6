package lint

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/corsdoctor/corsdoctor/diag"
	"github.com/corsdoctor/corsdoctor/report"
	"github.com/corsdoctor/corsdoctor/rules"
)

// TestEveryFindingHasARegisteredRule lints the CLI's lint fixtures and
// the lint corpus: every finding, the suppression ones included, belongs
// to a registered rule that ran, so the SARIF log documents each result
// (the writer refuses a finding without its rule).
func TestEveryFindingHasARegisteredRule(t *testing.T) {
	registered := map[string]bool{}
	for _, r := range rules.All() {
		registered[r.ID] = true
	}
	dirs := []string{filepath.Join("..", "..", "cli", "testdata", "lint", "repo"), filepath.Join("..", "..", "cli", "testdata", "lintcorpus")}
	res, err := Run(context.Background(), Options{Paths: dirs, Origins: []string{"https://app.example.com"}})
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, f := range res.Findings {
		if !registered[f.RuleID] {
			t.Errorf("finding of unregistered rule %s (%s) at %s", f.RuleID, f.Name, f.Location)
		}
		seen[f.RuleID] = true
	}
	for _, id := range []string{"CD2099", "CD2050"} {
		if !seen[id] {
			t.Errorf("the fixtures no longer produce %s; the test would not notice an unregistered one", id)
		}
	}
	if err := report.SARIF(&bytes.Buffer{}, res.Findings, res.Rules, report.SARIFOptions{}); err != nil {
		t.Errorf("SARIF: %v", err)
	}
}

// TestSuppressionsJudgedAfterTheRules: a reasonless directive is reported
// (CD2098) and hides nothing; the result's error follows --fail-on.
func TestSuppressionsJudgedAfterTheRules(t *testing.T) {
	dir := t.TempDir()
	name := filepath.Join(dir, "t.yaml")
	if err := os.WriteFile(name, []byte("Resources:\n  Api:\n    Type: AWS::ApiGateway::RestApi\n  # corsdoctor:ignore CD2009\n  Gw:\n    Type: AWS::SNS::Topic\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	res, err := Run(context.Background(), Options{Paths: []string{name}})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, f := range res.Findings {
		got = append(got, f.RuleID)
	}
	if len(got) != 1 || got[0] != "CD2098" || res.Suppressed != 0 {
		t.Errorf("findings %v, suppressed %d; want [CD2098], 0", got, res.Suppressed)
	}
	if err := res.Err(diag.Error); err != nil {
		t.Errorf("a warning with --fail-on error: %v", err)
	}
	if err := res.Err(diag.Warning); err == nil {
		t.Errorf("a warning with --fail-on warning: no error")
	}
}
