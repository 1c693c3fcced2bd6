package fix_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/corsdoctor/corsdoctor/fix"
)

// fuzzExt is the file name a fuzz input is written under: the format
// decides which collector and fixer read it.
var fuzzExt = []string{"template.yaml", "template.json", "main.tf", "openapi.yaml", "serverless.yml"}

// FuzzRun runs fix over hostile templates (mutations of the rule
// fixtures in every format): nothing may panic, no fixer may fail with an
// internal error (a recovered panic), and every rewritten file must lint
// again without a new error (a rewrite that leaves a file unparsable is a
// bug).
func FuzzRun(f *testing.F) {
	for _, seed := range []struct {
		kind byte
		path string
	}{
		{0, "../rules/testdata/CD2001/fail.yaml"},
		{0, "../rules/testdata/CD2011/fail.yaml"},
		{0, "../rules/testdata/CD2015/fail.yaml"},
		{0, "../rules/testdata/CD2023/fail.yaml"},
		{0, "testdata/cases/sam-implicit.yaml"},
		{1, "testdata/cases/cfn-rest.json"},
		{1, "testdata/cases/openapi-export.json"},
		{2, "../rules/testdata/CD2010/fail.tf"},
		{2, "../rules/testdata/CD2013/fail.tf"},
		{2, "testdata/cases/tf-deploy/main.tf"},
		{3, "../rules/testdata/CD2002/fail-openapi.yaml"},
		{4, "testdata/cases/sls-node/serverless.yml"},
	} {
		b, err := os.ReadFile(seed.path)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(seed.kind, b)
	}
	f.Fuzz(func(t *testing.T, kind byte, src []byte) {
		if len(src) > 64<<10 {
			return
		}
		dir := t.TempDir()
		name := filepath.Join(dir, fuzzExt[int(kind)%len(fuzzExt)])
		if err := os.WriteFile(name, src, 0o644); err != nil {
			t.Fatal(err)
		}
		origins := []string{testOrigin}
		res, err := fix.Run(fix.Options{Origins: origins, Headers: []string{"X-Request-Id"}, Paths: []string{dir}, Lint: lintFunc(origins)})
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range res.Skipped {
			if strings.Contains(s.Reason, "internal error") {
				t.Errorf("%s: %s", s.Finding.RuleID, s.Reason)
			}
		}
		written := map[string][]byte{}
		for _, fc := range res.Files {
			written[fc.Name] = fc.After
		}
		if len(written) == 0 {
			return
		}
		overlay := func(n string) ([]byte, error) {
			if b, ok := written[n]; ok {
				return b, nil
			}
			return os.ReadFile(n)
		}
		before, _ := lintFunc(origins)([]string{dir}, nil)
		after, _ := lintFunc(origins)([]string{dir}, overlay)
		if len(after.Errors) > len(before.Errors) {
			t.Errorf("the rewrite no longer parses: %v\n%s", after.Errors, written[name])
		}
	})
}
