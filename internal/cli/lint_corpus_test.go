package cli

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/corsdoctor/corsdoctor/diag"
	"github.com/corsdoctor/corsdoctor/internal/app/lint"
	"github.com/corsdoctor/corsdoctor/internal/golden"
	"github.com/corsdoctor/corsdoctor/report"
)

// The lint corpus (testdata/lintcorpus) holds reconstructions of real public
// templates, the facts lint reads kept (SOURCES: repository, path, commit,
// licence). EXPECT lists the findings judged correct by reading each
// template ("FILE:LINE RULE"), the defects lint misses ("miss FILE:LINE
// RULE") and the findings judged wrong ("wrong FILE:LINE RULE"), each
// with its reason after "#".
//
// TestLintCorpus compares, exactly:
//   - the whole text report with testdata/lintcorpus.golden (-update), so
//     a change in what lint says about real code shows in review;
//   - the reported (file:line rule) set with EXPECT's correct and wrong
//     lines, and no miss line may be reported;
//
// and holds the issue-13 bar: recall of expected defects >= 90%, precision
// at error and warning >= 95%, and every construct lint did not read is
// named (the golden lists them as "not evaluated").
func TestLintCorpus(t *testing.T) {
	report.Version = "0.1.0"
	dir := filepath.Join("testdata", "lintcorpus")
	res, err := lint.Run(context.Background(), lint.Options{Paths: []string{dir}})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Errors) > 0 {
		t.Errorf("the corpus parses: %v", res.Errors)
	}
	var buf bytes.Buffer
	report.LintText(&buf, &res.Lint)
	golden.Check(t, filepath.Join("testdata", "lintcorpus.golden"), buf.Bytes())

	exp := readExpect(t, filepath.Join(dir, "EXPECT"))
	got := map[string]diag.Severity{}
	for _, f := range res.Findings {
		rel, err := filepath.Rel(dir, f.Location.File)
		if err != nil {
			rel = f.Location.File
		}
		got[fmt.Sprintf("%s:%d %s", filepath.ToSlash(rel), f.Location.Line, f.RuleID)] = f.Severity
	}
	var unexpected, absent []string
	for k := range got {
		if !exp.correct[k] && !exp.wrong[k] {
			unexpected = append(unexpected, k)
		}
	}
	for k := range exp.correct {
		if _, ok := got[k]; !ok {
			absent = append(absent, k)
		}
	}
	for k := range exp.wrong {
		if _, ok := got[k]; !ok {
			absent = append(absent, "wrong "+k)
		}
	}
	for k := range exp.miss {
		if _, ok := got[k]; ok {
			unexpected = append(unexpected, "miss "+k+" is reported now: move it to the correct findings")
		}
	}
	sort.Strings(unexpected)
	sort.Strings(absent)
	if len(unexpected) > 0 || len(absent) > 0 {
		t.Errorf("findings differ from EXPECT (judge each and edit EXPECT):\nreported, not in EXPECT:\n  %s\nin EXPECT, not reported:\n  %s",
			strings.Join(unexpected, "\n  "), strings.Join(absent, "\n  "))
	}
	recall := float64(len(exp.correct)) / float64(len(exp.correct)+len(exp.miss))
	var ok, bad int
	for k, sev := range got {
		if sev < diag.Warning {
			continue
		}
		switch {
		case exp.correct[k]:
			ok++
		case exp.wrong[k]:
			bad++
		}
	}
	precision := float64(ok) / float64(max(ok+bad, 1))
	t.Logf("corpus: %d files, %d APIs, %d findings; recall %.3f (%d expected, %d missed), precision at error/warning %.3f (%d wrong); %d not evaluated",
		res.Files, res.APIs, len(res.Findings), recall, len(exp.correct), len(exp.miss), precision, bad, len(res.NotEvaluated))
	if recall < 0.90 {
		t.Errorf("recall %.3f < 0.90", recall)
	}
	if precision < 0.95 {
		t.Errorf("precision at error/warning %.3f < 0.95", precision)
	}
	// Every template of the corpus is attributed.
	src, err := os.ReadFile(filepath.Join(dir, "SOURCES"))
	if err != nil {
		t.Fatal(err)
	}
	listed := map[string]bool{}
	for _, l := range strings.Split(string(src), "\n") {
		if f := strings.Fields(l); len(f) == 5 && !strings.HasPrefix(l, "#") {
			listed[f[0]] = true
			if !strings.Contains("MIT MIT-0 Apache-2.0", f[4]) {
				t.Errorf("%s: licence %s is not a permissive one", f[0], f[4])
			}
		}
	}
	filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		rel = filepath.ToSlash(rel)
		if rel != "SOURCES" && rel != "EXPECT" && !strings.HasPrefix(rel, "LICENSES/") && !listed[rel] {
			t.Errorf("%s is not attributed in SOURCES", rel)
		}
		return nil
	})
	if len(listed) < 80 {
		t.Errorf("the corpus has %d templates, want at least 80", len(listed))
	}
}

type expectation struct {
	correct, wrong, miss map[string]bool
}

func readExpect(t *testing.T, name string) *expectation {
	t.Helper()
	f, err := os.Open(name)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	e := &expectation{correct: map[string]bool{}, wrong: map[string]bool{}, miss: map[string]bool{}}
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		l := sc.Text()
		if i := strings.Index(l, "#"); i >= 0 {
			l = l[:i]
		}
		fs := strings.Fields(l)
		switch {
		case len(fs) == 0:
		case len(fs) == 2:
			e.correct[fs[0]+" "+fs[1]] = true
		case len(fs) == 3 && fs[0] == "wrong":
			e.wrong[fs[1]+" "+fs[2]] = true
		case len(fs) == 3 && fs[0] == "miss":
			e.miss[fs[1]+" "+fs[2]] = true
		default:
			t.Fatalf("%s:%d: want 'FILE:LINE RULE', 'wrong FILE:LINE RULE' or 'miss FILE:LINE RULE'", name, n)
		}
	}
	return e
}
