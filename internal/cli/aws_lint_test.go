package cli

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/corsdoctor/corsdoctor/internal/app/lint"
	"github.com/corsdoctor/corsdoctor/internal/fakeaws"
	"github.com/corsdoctor/corsdoctor/internal/golden"
	"github.com/corsdoctor/corsdoctor/report"
)

// TestLintAndAWSAgree: the same REST API, linted as a template (its
// OpenAPI 3 export with API Gateway extensions, written to testdata) and
// diagnosed live (served by internal/fakeaws), gets the same CD20xx
// findings with the same IDs. Deployment rules (CD2016, CD2017) are left
// out: code has no deployed state to compare.
func TestLintAndAWSAgree(t *testing.T) {
	t.Parallel()
	for _, fixture := range []string{"rest-incident", "rest-method", "rest-origin"} {
		t.Run(fixture, func(t *testing.T) {
			t.Parallel()
			st, err := fakeaws.LoadFile(filepath.Join("..", "fakeaws", "testdata", fixture+".json"))
			if err != nil {
				t.Fatal(err)
			}
			tmpl := filepath.Join("testdata", "aws", "lint", fixture+".openapi.json")
			b, err := json.MarshalIndent(st.RestAPIs[0].Exports["prod"], "", " ")
			if err != nil {
				t.Fatal(err)
			}
			if _, err := os.Stat(tmpl); err != nil || updateTemplates() {
				os.MkdirAll(filepath.Dir(tmpl), 0o755)
				if err := os.WriteFile(tmpl, append(b, '\n'), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			origins := []string{"https://app.example.com", "https://www.example.com"}
			linted, err := lint.Run(context.Background(), lint.Options{Paths: []string{tmpl}, Origins: origins})
			if err != nil || len(linted.Errors) > 0 {
				t.Fatalf("lint: %v %v", err, linted.Errors)
			}
			var lintIDs []string
			for _, f := range linted.Findings {
				lintIDs = append(lintIDs, f.RuleID)
			}
			args := []string{"diagnose", "--json", "--api-id", "a1b2c3d4e5"}
			for _, o := range origins {
				args = append(args, "--origin", o)
			}
			out, errOut, code, _ := runAWS(t, fixture, nil, "", args...)
			if code == 2 {
				t.Fatalf("aws: %s", errOut)
			}
			var doc report.PlaybookDocument
			if err := json.Unmarshal([]byte(out), &doc); err != nil {
				t.Fatal(err)
			}
			var awsIDs []string
			for _, f := range doc.Findings {
				awsIDs = append(awsIDs, f.ID)
			}
			l, a := cd20(lintIDs), cd20(awsIDs)
			if l != a {
				t.Errorf("lint and aws disagree on CD20xx findings:\nlint: %s\naws:  %s", l, a)
			}
			if l == "" && fixture != "rest-origin" {
				t.Error("no CD20xx finding at all: the comparison proves nothing")
			}
		})
	}
}

// cd20 renders the sorted CD20xx IDs (with repeats) except the deployment rules.
func cd20(ids []string) string {
	var out []string
	for _, id := range ids {
		if strings.HasPrefix(id, "CD20") && id != "CD2016" && id != "CD2017" {
			out = append(out, id)
		}
	}
	sort.Strings(out)
	return strings.Join(out, " ")
}

// updateTemplates reports whether -update was given (rewrite the
// templates from the fixtures).
func updateTemplates() bool { return golden.Update() }
