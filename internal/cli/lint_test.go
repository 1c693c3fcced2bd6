package cli

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/corsdoctor/corsdoctor/collect/iac/tf"
	"github.com/corsdoctor/corsdoctor/evidence"
	"github.com/corsdoctor/corsdoctor/internal/golden"
	"github.com/corsdoctor/corsdoctor/report"
)

func lintApp() (*App, *bytes.Buffer, *bytes.Buffer) {
	var out, errOut bytes.Buffer
	return NewApp(&IO{In: strings.NewReader(""), Out: &out, ErrOut: &errOut}), &out, &errOut
}

func runLintArgs(t *testing.T, args ...string) (string, string, error) {
	t.Helper()
	app, out, errOut := lintApp()
	cmd := NewCmdLint(app, nil)
	cmd.SetArgs(args)
	cmd.SetOut(&bytes.Buffer{})
	cmd.SetErr(&bytes.Buffer{})
	err := cmd.Execute()
	return out.String(), errOut.String(), err
}

// TestLintGolden renders the same repository in every format. The repo
// holds a SAM template, a Terraform module and a broken YAML file.
func TestLintGolden(t *testing.T) {
	report.Version = "0.1.0"
	for _, format := range []string{"text", "json", "sarif"} {
		t.Run(format, func(t *testing.T) {
			out, errOut, err := runLintArgs(t, "testdata/lint/repo", "--format", format)
			if !errors.Is(err, ErrFindings) {
				t.Fatalf("err = %v, want findings (exit 1)", err)
			}
			if !strings.Contains(errOut, "testdata/lint/repo/broken.yaml:3: invalid YAML") {
				t.Errorf("stderr lacks the located parse error:\n%s", errOut)
			}
			golden.Check(t, filepath.Join("testdata", "lint", format+".golden"), []byte(out))
			if format == "sarif" {
				validateSARIF(t, []byte(out))
			}
		})
	}
}

// validateSARIF checks a log against the SARIF 2.1.0 schema vendored in
// report/testdata.
func validateSARIF(t *testing.T, b []byte) {
	t.Helper()
	f, err := os.Open(filepath.Join("..", "..", "report", "testdata", "sarif-schema-2.1.0.json"))
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
	v, err := jsonschema.UnmarshalJSON(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	if err := sch.Validate(v); err != nil {
		t.Errorf("lint SARIF output does not validate: %v", err)
	}
}

func TestLintExitCodes(t *testing.T) {
	cases := []struct {
		desc string
		args []string
		want int
	}{
		{"error findings", []string{"testdata/lint/repo/infra"}, ExitFindings},
		{"only warnings below fail-on error", []string{"testdata/lint/repo/infra", "--rules", "CD2009,CD2016"}, ExitOK},
		{"warnings at fail-on warning", []string{"testdata/lint/repo/infra", "--rules", "CD2009,CD2016", "--fail-on", "warning"}, ExitFindings},
		{"parse error only", []string{"testdata/lint/repo/broken.yaml"}, ExitUsage},
		{"unknown format", []string{"testdata/lint/repo", "--format", "xml"}, ExitUsage},
		{"unknown rule", []string{"testdata/lint/repo", "--rules", "all,-CD9999"}, ExitUsage},
		{"no path", nil, ExitUsage},
		{"missing path", []string{"testdata/lint/nope"}, ExitUsage},
	}
	for _, c := range cases {
		t.Run(c.desc, func(t *testing.T) {
			_, _, err := runLintArgs(t, c.args...)
			if got := ExitCode(err); got != c.want {
				t.Errorf("exit %d (%v), want %d", got, err, c.want)
			}
		})
	}
}

func lintJSON(t *testing.T, args ...string) *LintResult {
	t.Helper()
	out, _, _ := runLintArgs(t, append(args, "--format", "json")...)
	var res LintResult
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	return &res
}

func ids(res *LintResult) map[string]int {
	m := map[string]int{}
	for _, f := range res.Findings {
		m[f.RuleID]++
	}
	return m
}

func TestLintSuppressions(t *testing.T) {
	res := lintJSON(t, "testdata/lint/repo")
	got := ids(res)
	if got["CD2021"] != 0 || res.Suppressed != 1 {
		t.Errorf("inline suppression of CD2021: %v, suppressed %d", got, res.Suppressed)
	}
	var unused bool
	for _, f := range res.Findings {
		if f.RuleID == "CD2099" && strings.Contains(f.Detail, "CD2001") && f.Location.Line == 37 {
			unused = true
		}
	}
	if !unused {
		t.Errorf("the unused CD2001 suppression is not reported: %+v", res.Findings)
	}
	res = lintJSON(t, "testdata/lint/repo", "--config", "testdata/lint/config.yaml")
	got = ids(res)
	if got["CD2016"] != 0 {
		t.Errorf("config rules [all, -CD2016] still reports CD2016: %v", got)
	}
	for _, f := range res.Findings {
		if f.RuleID == "CD2009" && strings.Contains(f.Location.File, "infra") {
			t.Errorf("config ignore by path did not hide %s", f.Location)
		}
	}
	if got["CD2009"] != 1 {
		t.Errorf("CD2009 outside the ignored path must remain: %v", got)
	}
}

func TestLintSuppressionNeedsReason(t *testing.T) {
	dir := t.TempDir()
	tmpl := "Resources:\n  Api:\n    Type: AWS::ApiGateway::RestApi\n  # corsdoctor:ignore CD2009\n  Gw:\n    Type: AWS::SNS::Topic\n"
	if err := os.WriteFile(filepath.Join(dir, "t.yaml"), []byte(tmpl), 0o644); err != nil {
		t.Fatal(err)
	}
	res := lintJSON(t, dir)
	if len(res.Findings) != 1 || res.Findings[0].RuleID != "CD2098" || res.Findings[0].Name != "bad-suppression" {
		t.Errorf("want one CD2098 bad-suppression finding, got %+v", res.Findings)
	}
	bad := filepath.Join(dir, "bad.yaml")
	os.WriteFile(bad, []byte("ignore:\n  - rule: CD2009\n"), 0o644)
	if _, _, err := runLintArgs(t, dir, "--config", bad); ExitCode(err) != ExitUsage || !strings.Contains(err.Error(), "reason") {
		t.Errorf("config suppression without reason: %v", err)
	}
}

// TestLintSuppressionRules: the suppression findings are registered
// rules, selected like any other (issue 19: --rules CD2099 used to fail
// with "unknown rule").
func TestLintSuppressionRules(t *testing.T) {
	for _, c := range []struct {
		rules string
		want  map[string]int
	}{
		// CD2001 did not run: its suppression cannot be judged.
		{"CD2099", map[string]int{}},
		{"CD2001,CD2099", map[string]int{"CD2001": 1, "CD2099": 1}},
		{"all,-CD2099", nil},
	} {
		out, errOut, err := runLintArgs(t, "testdata/lint/repo", "--rules", c.rules, "--format", "json")
		if code := ExitCode(err); code == ExitUsage && strings.Contains(errOut, "unknown rule") {
			t.Fatalf("--rules %s: %v %s", c.rules, err, errOut)
		}
		var res LintResult
		if err := json.Unmarshal([]byte(out), &res); err != nil {
			t.Fatalf("--rules %s: %v\n%s", c.rules, err, out)
		}
		got := ids(&res)
		if c.want == nil {
			if got["CD2099"] != 0 || len(got) == 0 {
				t.Errorf("--rules %s: %v, want other rules' findings and no CD2099", c.rules, got)
			}
			continue
		}
		if len(got) != len(c.want) || got["CD2099"] != c.want["CD2099"] || got["CD2001"] != c.want["CD2001"] {
			t.Errorf("--rules %s: %v, want %v", c.rules, got, c.want)
		}
	}
}

func TestLintOrigin(t *testing.T) {
	res := lintJSON(t, "testdata/lint/repo/template.yaml", "--origin", "https://shop.example.com", "--rules", "CD2050")
	if len(res.Findings) == 0 {
		t.Fatal("no prediction")
	}
	f := res.Findings[0]
	if f.RuleID != "CD2050" || !strings.Contains(f.Detail, "from https://shop.example.com would be blocked") {
		t.Errorf("prediction: %+v", f)
	}
	var console bool
	for _, e := range f.Evidence {
		console = console || strings.Contains(e, "Response to preflight request doesn't pass access control check")
	}
	if !console {
		t.Errorf("evidence lacks Chromium's console message: %q", f.Evidence)
	}
	if _, _, err := runLintArgs(t, "testdata/lint/repo", "--origin", "shop.example.com"); ExitCode(err) != ExitUsage {
		t.Errorf("bad --origin: %v", err)
	}
}

// TestLintCDKConstructPath: findings in CDK output name the construct
// (Metadata aws:cdk:path of the resource whose lines hold the finding).
func TestLintCDKConstructPath(t *testing.T) {
	dir := t.TempDir()
	tmpl := `{
  "Resources": {
    "Api1": {"Type": "AWS::ApiGateway::RestApi", "Properties": {"Name": "a"}, "Metadata": {"aws:cdk:path": "Stack/Api/Resource"}},
    "ApiItems": {"Type": "AWS::ApiGateway::Resource", "Properties": {"ParentId": {"Fn::GetAtt": ["Api1", "RootResourceId"]}, "PathPart": "items", "RestApiId": {"Ref": "Api1"}},
      "Metadata": {"aws:cdk:path": "Stack/Api/Default/items/Resource"}},
    "ApiItemsOPTIONS": {
      "Type": "AWS::ApiGateway::Method",
      "Properties": {"HttpMethod": "OPTIONS", "ResourceId": {"Ref": "ApiItems"}, "RestApiId": {"Ref": "Api1"}, "AuthorizationType": "AWS_IAM",
        "Integration": {"Type": "MOCK", "IntegrationResponses": [{"StatusCode": "204", "ResponseParameters": {"method.response.header.Access-Control-Allow-Origin": "'https://app.example.com'"}}]}},
      "Metadata": {"aws:cdk:path": "Stack/Api/Default/items/OPTIONS/Resource"}},
    "ApiItemsPUT": {"Type": "AWS::ApiGateway::Method", "Properties": {"HttpMethod": "PUT", "ResourceId": {"Ref": "ApiItems"}, "RestApiId": {"Ref": "Api1"}, "AuthorizationType": "NONE",
      "Integration": {"Type": "MOCK", "IntegrationResponses": [{"StatusCode": "200"}]}},
      "Metadata": {"aws:cdk:path": "Stack/Api/Default/items/PUT/Resource"}}
  }
}
`
	if err := os.MkdirAll(filepath.Join(dir, "cdk.out"), 0o755); err != nil {
		t.Fatal(err)
	}
	name := filepath.Join(dir, "cdk.out", "Stack.template.json")
	if err := os.WriteFile(name, []byte(tmpl), 0o644); err != nil {
		t.Fatal(err)
	}
	res := lintJSON(t, dir, "--rules", "CD2002")
	if len(res.Findings) != 1 {
		t.Fatalf("findings: %+v", res.Findings)
	}
	f := res.Findings[0]
	if len(f.Evidence) == 0 || f.Evidence[0] != "CDK construct: Stack/Api/Default/items/OPTIONS/Resource" || f.Location.Line != 8 {
		t.Errorf("finding at line %d, evidence %q", f.Location.Line, f.Evidence)
	}
}

// TestLintNotification: a file's error becomes a SARIF notification at
// the place the parser gave as values (evidence.Located), not parsed
// back out of the message.
func TestLintNotification(t *testing.T) {
	at := evidence.Source{File: "infra/a.yaml", Line: 3, Column: 7}
	for _, tc := range []struct {
		err  error
		msg  string
		want evidence.Source
	}{
		{&evidence.SourceError{Source: at, Msg: "invalid YAML: x"}, "invalid YAML: x", at},
		{fmt.Errorf("infra: %w", &evidence.SourceError{Source: evidence.Source{File: "infra/b.tf", Line: 2}, Msg: "invalid HCL: y"}), "invalid HCL: y", evidence.Source{File: "infra/b.tf", Line: 2}},
		{&tf.LimitError{File: "deep.tf", Line: 2, Column: 262, What: "nested deeper than 256 levels"}, "nested deeper than 256 levels; corsdoctor does not parse it (lint bounds the depth and size of every file)", evidence.Source{File: "deep.tf", Line: 2, Column: 262}},
		// A message that only looks located stays a message.
		{errors.New("a.yaml:3: not a place"), "a.yaml:3: not a place", evidence.Source{}},
	} {
		n := notification(tc.err)
		if n.Message != tc.msg || n.Location != tc.want {
			t.Errorf("%v: %+v, want %q at %+v", tc.err, n, tc.msg, tc.want)
		}
	}
	if got := (&evidence.SourceError{Source: evidence.Source{File: "a.yaml"}, Msg: "m"}).Error(); got != "a.yaml: m" {
		t.Errorf("SourceError without a line: %q", got)
	}
}
