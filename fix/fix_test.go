package fix_test

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/corsdoctor/corsdoctor/collect/iac"
	"github.com/corsdoctor/corsdoctor/diag"
	"github.com/corsdoctor/corsdoctor/fix"
	"github.com/corsdoctor/corsdoctor/internal/golden"
	"github.com/corsdoctor/corsdoctor/rules"
)

// lintFunc is the lint pipeline without suppressions: the CD20xx rules
// over iac.Load, reading through read.
func lintFunc(origins []string) func(paths []string, read func(string) ([]byte, error)) (*fix.Linted, error) {
	return func(paths []string, read func(string) ([]byte, error)) (*fix.Linted, error) {
		var names []string
		res := iac.Load(paths, iac.Options{Read: read, Workers: 1, OnFile: func(name string, _ []byte) { names = append(names, name) }})
		l := &fix.Linted{APIs: res.APIs, Files: names}
		for _, e := range res.Errors {
			l.Errors = append(l.Errors, e.Error())
		}
		l.Findings = diag.Run(rules.For(diag.NeedsAPIs), &diag.Input{APIs: res.APIs, Origins: origins})
		return l, nil
	}
}

// fixtures are the failing templates of every CD20xx rule, and this
// package's own cases (other formats, JSON, SAM variants).
func fixtures(t *testing.T) []string {
	var out []string
	for _, pat := range []string{"../rules/testdata/CD20*/fail*", "testdata/cases/*", "../lab/infra/*"} {
		m, err := filepath.Glob(pat)
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range m {
			if !strings.HasSuffix(f, ".args") && !strings.HasSuffix(f, ".md") {
				out = append(out, f)
			}
		}
	}
	sort.Strings(out)
	return out
}

const testOrigin = "https://app.example.com"

// args reads a fixture's flags from FIXTURE.args ("--origin O" and
// "--header H" lines; "--origin none" for no origin); the default is
// --origin https://app.example.com.
func args(t *testing.T, path string) (origins, headers []string) {
	if strings.HasPrefix(path, "../lab/infra") {
		// The lab's production origin and the header its pages send
		// (lab/infra/README.md).
		return []string{testOrigin}, []string{"X-Request-Id"}
	}
	b, err := os.ReadFile(strings.TrimSuffix(path, "/") + ".args")
	if err != nil {
		return []string{testOrigin}, nil
	}
	for _, l := range strings.Split(string(b), "\n") {
		f := strings.Fields(l)
		if len(f) != 2 {
			continue
		}
		switch f[0] {
		case "--origin":
			if f[1] != "none" {
				origins = append(origins, f[1])
			}
		case "--header":
			headers = append(headers, f[1])
		}
	}
	return origins, headers
}

func run(t *testing.T, path string, read func(string) ([]byte, error)) *fix.Result {
	t.Helper()
	origins, headers := args(t, path)
	res, err := fix.Run(fix.Options{Origins: origins, Headers: headers, Paths: []string{path}, Lint: lintFunc(origins), ReadFile: read})
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// report renders a run for the golden file: the diff and every outcome.
func report(res *fix.Result) string {
	var b strings.Builder
	for _, f := range res.Files {
		b.WriteString(f.Diff)
	}
	for _, a := range res.Applied {
		fmt.Fprintf(&b, "fixed %s %s: %s [proof: %s]\n", a.Finding.RuleID, a.Finding.Location, a.Summary, a.Proof)
		for _, r := range a.Rows {
			fmt.Fprintf(&b, "  %s %s: %s -> %s\n", r.Route(), r.Request, r.Before, r.After)
		}
	}
	for _, s := range res.Skipped {
		fmt.Fprintf(&b, "skipped %s %s: %s %s\n", s.Finding.RuleID, s.Finding.Location, s.Flag, s.Reason)
	}
	for _, a := range res.Advice {
		fmt.Fprintf(&b, "advice %s %s: %s\n%s\n", a.Finding.RuleID, a.Finding.Location, a.Summary, a.Text)
	}
	for _, f := range res.Revealed {
		fmt.Fprintf(&b, "revealed %s %s\n", f.RuleID, f.Location)
	}
	c := res.Counts()
	fmt.Fprintf(&b, "counts: findings %d fixed %d (verdict %d) advice %d skipped %d nofix %d\n", c.Findings, c.Fixed, c.ProvedByVerdict, c.Advice, c.Skipped, c.NoFix)
	return b.String()
}

// lineComment returns the "# ..." comment of a YAML, HCL or Python
// line: a '#' at the start or after a space, outside quotes.
func lineComment(l string) string {
	var quote byte
	for i := 0; i < len(l); i++ {
		c := l[i]
		switch {
		case quote != 0:
			if c == '\\' && quote == '"' {
				i++
			} else if c == quote {
				quote = 0
			}
		case c == '"' || c == '\'' && (i == 0 || l[i-1] == ' ' || l[i-1] == ':' || l[i-1] == '[' || l[i-1] == '{' || l[i-1] == ','):
			quote = c
		case c == '#' && (i == 0 || l[i-1] == ' ' || l[i-1] == '\t'):
			return strings.TrimSpace(l[i:])
		}
	}
	return ""
}

func comments(b []byte) []string {
	var out []string
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		if c := lineComment(sc.Text()); c != "" {
			out = append(out, c)
		}
	}
	return out
}

// TestFixtures runs fix on every fixture and checks, for each: the golden
// diff and outcomes; every rewritten file parses again with no lint error;
// every comment survives; every fixed finding is gone from the final
// lint; and a second run changes nothing (idempotence).
func TestFixtures(t *testing.T) {
	t.Parallel()
	for _, path := range fixtures(t) {
		path := path
		name := strings.NewReplacer("../rules/testdata/", "rules-", "testdata/cases/", "", "../lab/infra/", "lab-", "/", "-").Replace(path)
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			res := run(t, path, nil)
			golden.Check(t, filepath.Join("testdata", "golden", name+".golden"), []byte(report(res)))
			written := map[string][]byte{}
			for _, f := range res.Files {
				written[f.Name] = f.After
				for _, c := range comments(f.Before) {
					if !bytes.Contains(f.After, []byte(c)) {
						t.Errorf("%s: comment %q lost", f.Name, c)
					}
				}
			}
			overlay := func(name string) ([]byte, error) {
				if b, ok := written[name]; ok {
					return b, nil
				}
				return os.ReadFile(name)
			}
			origins, _ := args(t, path)
			after, _ := lintFunc(origins)([]string{path}, overlay)
			if len(after.Errors) > 0 {
				t.Errorf("rewritten files do not parse: %v", after.Errors)
			}
			for _, a := range res.Applied {
				for _, f := range after.Findings {
					if f.RuleID == a.Finding.RuleID && f.Detail == a.Finding.Detail {
						t.Errorf("fixed finding still reported: %s %s", f.RuleID, f.Detail)
					}
				}
			}
			again := run(t, path, overlay)
			for _, f := range again.Files {
				t.Errorf("second run changed %s:\n%s", f.Name, f.Diff)
			}
		})
	}
}

// TestEveryMechanicalRuleHasAFixture checks that each rule a format
// fixes is fixed in at least one fixture.
func TestEveryMechanicalRuleHasAFixture(t *testing.T) {
	t.Parallel()
	fixed := map[string]bool{}
	for _, path := range fixtures(t) {
		for _, a := range run(t, path, nil).Applied {
			fixed[a.Finding.RuleID] = true
		}
	}
	for _, id := range fix.MechanicalRules() {
		if !fixed[id] {
			t.Errorf("%s has a mechanical fix but no fixture where it is applied", id)
		}
	}
}

// TestLabInfra fixes every lab example at once, as docs/fix.md reports
// it: every route the lab's pages call ends ALLOWED (or ALLOWED as far as
// the model can tell, when a function's code decides), nothing is
// skipped, and the counts are the documented ones.
func TestLabInfra(t *testing.T) {
	t.Parallel()
	res := run(t, "../lab/infra", nil)
	for _, r := range res.Table {
		if !r.After.Allowed {
			t.Errorf("%s %s still %s", r.Route(), r.Request, r.After)
		}
	}
	c := res.Counts()
	if c.Skipped != 0 || c.NoFix != 0 {
		t.Errorf("skipped %d, without a fix %d: %+v", c.Skipped, c.NoFix, res.Skipped)
	}
	golden.Check(t, filepath.Join("testdata", "golden", "lab-infra-counts.golden"), []byte(fmt.Sprintf("%+v\n", c)))
}

// TestCorpus runs fix over the repository's corpus of real templates
// (internal/cli/testdata/lintcorpus, with its SOURCES): the counts of
// fixed, proved and skipped findings are the ones docs/fix.md reports,
// every rewritten file lints again, and a second run changes nothing.
func TestCorpus(t *testing.T) {
	if testing.Short() {
		t.Skip("corpus run skipped with -short")
	}
	t.Parallel()
	const corpus = "../internal/cli/testdata/lintcorpus"
	res := run(t, corpus, nil)
	c := res.Counts()
	var b strings.Builder
	fmt.Fprintf(&b, "%+v\nfiles rewritten: %d\n", c, len(res.Files))
	byRule := map[string]int{}
	for _, a := range res.Applied {
		byRule[a.Finding.RuleID+" "+a.Proof]++
	}
	for _, s := range res.Skipped {
		byRule[s.Finding.RuleID+" skipped"]++
	}
	for _, a := range res.Advice {
		byRule[a.Finding.RuleID+" advice"]++
	}
	var keys []string
	for k := range byRule {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		fmt.Fprintf(&b, "%s: %d\n", k, byRule[k])
	}
	golden.Check(t, filepath.Join("testdata", "golden", "corpus-counts.golden"), []byte(b.String()))
	if len(res.Errors) > 0 {
		t.Errorf("errors: %v", res.Errors)
	}
	written := map[string][]byte{}
	for _, f := range res.Files {
		written[f.Name] = f.After
		for _, c := range comments(f.Before) {
			if !bytes.Contains(f.After, []byte(c)) {
				t.Errorf("%s: comment %q lost", f.Name, c)
			}
		}
	}
	overlay := func(name string) ([]byte, error) {
		if b, ok := written[name]; ok {
			return b, nil
		}
		return os.ReadFile(name)
	}
	again := run(t, corpus, overlay)
	for _, f := range again.Files {
		t.Errorf("second run changed %s:\n%s", f.Name, f.Diff)
	}
	if len(again.Errors) > 0 {
		t.Errorf("rewritten corpus does not lint: %v", again.Errors)
	}
}
