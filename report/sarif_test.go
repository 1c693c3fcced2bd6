package report

import (
	"bytes"
	"os"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/corsdoctor/corsdoctor/diag"
	"github.com/corsdoctor/corsdoctor/evidence"
)

// TestSARIFSchema validates SARIF output against the SARIF 2.1.0 JSON
// schema (testdata/sarif-schema-2.1.0.json: sarif-2.1.0-rtm.5.json as
// shipped by the npm package @microsoft/jest-sarif 1.0.0-beta.0).
func TestSARIFSchema(t *testing.T) {
	t.Parallel()
	f, err := os.Open("testdata/sarif-schema-2.1.0.json")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	doc, err := jsonschema.UnmarshalJSON(f)
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	if err := c.AddResource("sarif.json", doc); err != nil {
		t.Fatal(err)
	}
	sch, err := c.Compile("sarif.json")
	if err != nil {
		t.Fatal(err)
	}
	bad, _ := jsonschema.UnmarshalJSON(bytes.NewReader([]byte(`{"version":"2.0","runs":[{"results":[{"level":"fatal"}]}]}`)))
	if sch.Validate(bad) == nil {
		t.Fatal("the schema accepts an invalid log; the validator is not working")
	}
	rules := []*diag.Rule{
		{ID: "CD2001", Name: "rest-missing-options", Severity: diag.Error, Title: "t", Doc: "doc", Fix: map[diag.Platform]string{diag.Generic: "fix"}},
		{ID: "CD2009", Name: "gateway-responses-no-cors", Severity: diag.Warning, Title: "t", Doc: "doc", Fix: map[diag.Platform]string{diag.Generic: "fix"}},
		{ID: "CD2099", Name: "unused-suppression", Severity: diag.Warning, Title: "t", Doc: "doc", Fix: map[diag.Platform]string{diag.Generic: "fix"}},
	}
	cases := []struct {
		desc     string
		findings []diag.Finding
		notes    []SARIFNotification
	}{
		{"no findings", nil, nil},
		{"parse error notification", nil, []SARIFNotification{{Message: "invalid YAML: x", Location: evidence.Source{File: "a.yaml", Line: 3}}, {Message: "unreadable"}}},
		{"findings with and without location", []diag.Finding{
			{RuleID: "CD2001", Name: "rest-missing-options", Severity: diag.Error, Detail: "d", Fix: "f", Location: evidence.Source{File: "infra/template.yaml", Line: 8, Column: 3}},
			{RuleID: "CD2099", Name: "unused-suppression", Severity: diag.Warning, Detail: "d", Fix: "f", Location: evidence.Source{File: "a.tf", Line: 1}},
			{RuleID: "CD2009", Severity: diag.Info, Detail: "no location"},
		}, nil},
	}
	for _, c := range cases {
		t.Run(c.desc, func(t *testing.T) {
			var b bytes.Buffer
			if err := SARIF(&b, c.findings, rules, SARIFOptions{Notifications: c.notes}); err != nil {
				t.Fatal(err)
			}
			v, err := jsonschema.UnmarshalJSON(bytes.NewReader(b.Bytes()))
			if err != nil {
				t.Fatal(err)
			}
			if err := sch.Validate(v); err != nil {
				t.Errorf("SARIF output does not validate: %v\n%s", err, b.String())
			}
			if !bytes.Contains(b.Bytes(), []byte(`"version": "2.1.0"`)) {
				t.Errorf("no version")
			}
		})
	}
}

// TestSARIFUnknownRule: a finding whose rule did not run is refused, not
// given an invented rule whose help link points nowhere.
func TestSARIFUnknownRule(t *testing.T) {
	rule := &diag.Rule{ID: "CD2001", Name: "rest-missing-options", Severity: diag.Error, Title: "t", Doc: "doc", Fix: map[diag.Platform]string{diag.Generic: "fix"}}
	var b bytes.Buffer
	err := SARIF(&b, []diag.Finding{{RuleID: "CD2099", Name: "unused-suppression", Detail: "d"}}, []*diag.Rule{rule}, SARIFOptions{})
	if err == nil || !strings.Contains(err.Error(), "CD2099") {
		t.Fatalf("SARIF with a finding of an unknown rule: err = %v, want one naming CD2099", err)
	}
}
