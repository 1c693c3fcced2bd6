package fix_test

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/corsdoctor/corsdoctor/diag"
	"github.com/corsdoctor/corsdoctor/fix"
	"github.com/corsdoctor/corsdoctor/fix/cdk"
	"github.com/corsdoctor/corsdoctor/fix/cfn"
	"github.com/corsdoctor/corsdoctor/fix/handler"
	"github.com/corsdoctor/corsdoctor/fix/live"
	"github.com/corsdoctor/corsdoctor/fix/oas"
	"github.com/corsdoctor/corsdoctor/fix/sls"
	"github.com/corsdoctor/corsdoctor/fix/tf"
	"github.com/corsdoctor/corsdoctor/internal/golden"
	"github.com/corsdoctor/corsdoctor/rules"
)

// noFix says why a CD20xx rule has no mechanical fix. A new rule must
// get a fix or a line here (TestDocs fails otherwise).
var noFix = map[string]string{
	"CD2017": "a stage serving an old deployment is a deployment decision (which deployment, when): `aws apigateway update-stage` or a redeploy, by hand",
	"CD2019": "two settings disagree and only you know which one is right",
	"CD2022": "an HTTP API CORS configuration that overrides the backend's headers is a design choice: keep one of the two",
	"CD2028": "no mapping on the method says which Access-Control-Allow-Origin value to add (CD2007 reuses the success response's); map the value the OPTIONS method answers on every integration response by hand (a fixer copying it from OPTIONS is not written yet)",
	"CD2099": "a suppression that matches nothing is removed by hand",
}

// catalogue renders the "Every fix" section of docs/fix.md from the
// fixers' rule tables, the fixtures their goldens show them applied to,
// and the corpus counts.
func catalogue(t *testing.T) string {
	formats := []struct {
		name  string
		rules map[string]string
	}{
		{"CloudFormation, SAM (YAML, JSON)", cfn.Rules},
		{"OpenAPI (files, and `Body`/`DefinitionBody`)", oas.Rules},
		{"Terraform", tf.Rules},
		{"Serverless Framework", sls.Rules},
		{"Lambda handler code", handler.Rules},
		{"Every format, as the CD2050 finding of the route", fix.ViaCD2050},
		{"CDK output (advice on the construct)", cdk.Rules},
		{"Live API (`aws fix`)", live.Rules},
	}
	// The fixtures each rule is applied to in TestFixtures.
	applied := map[string]map[string]map[string]bool{} // rule -> fixture -> proofs
	line := regexp.MustCompile(`^(fixed|advice) (CD\d{4}) (\S+?):\d+:\d+: .*?(?:\[proof: (\w+)\])?$`)
	goldens, _ := filepath.Glob(filepath.Join("testdata", "golden", "*.golden"))
	for _, g := range goldens {
		b, err := os.ReadFile(g)
		if err != nil {
			t.Fatal(err)
		}
		for _, l := range strings.Split(string(b), "\n") {
			m := line.FindStringSubmatch(l)
			if m == nil {
				continue
			}
			file := filepath.ToSlash(m[3])
			if strings.HasPrefix(file, "../") {
				file = strings.TrimPrefix(file, "../")
			} else {
				file = "fix/" + file
			}
			proof := m[4]
			if m[1] == "advice" {
				proof = "advice"
			}
			if applied[m[2]] == nil {
				applied[m[2]] = map[string]map[string]bool{}
			}
			if applied[m[2]][file] == nil {
				applied[m[2]][file] = map[string]bool{}
			}
			applied[m[2]][file][proof] = true
		}
	}
	corpus := map[string][]string{}
	if b, err := os.ReadFile(filepath.Join("testdata", "golden", "corpus-counts.golden")); err == nil {
		for _, l := range strings.Split(string(b), "\n") {
			if id, rest, ok := strings.Cut(l, " "); ok && strings.HasPrefix(id, "CD") {
				corpus[id] = append(corpus[id], rest)
			}
		}
	}
	// The rules the aws fix test plans.
	live := map[string]bool{}
	if plan, err := os.ReadFile(filepath.Join("..", "internal", "cli", "testdata", "aws-fix", "plan.golden")); err == nil {
		for _, m := range regexp.MustCompile(`(?m)^  (CD\d{4}) `).FindAllStringSubmatch(string(plan), -1) {
			live[m[1]] = true
		}
	}
	var b strings.Builder
	for _, id := range fix.MechanicalRules() {
		r := rules.ByID(id)
		if r == nil {
			t.Fatalf("%s is fixed but is not a rule", id)
		}
		fmt.Fprintf(&b, "\n### %s %s\n\n%s.\n\n| Where | What the fix writes |\n|---|---|\n", id, r.Name, strings.TrimSuffix(r.Title, "."))
		for _, f := range formats {
			if d, ok := f.rules[id]; ok {
				fmt.Fprintf(&b, "| %s | %s |\n", f.name, strings.ReplaceAll(d, "|", `\|`))
			}
		}
		var files []string
		for f := range applied[id] {
			files = append(files, f)
		}
		sort.Strings(files)
		if len(files) > 0 {
			b.WriteString("\nApplied in `go test` to: ")
			for i, f := range files {
				var proofs []string
				for p := range applied[id][f] {
					proofs = append(proofs, p)
				}
				sort.Strings(proofs)
				if i > 0 {
					b.WriteString(", ")
				}
				fmt.Fprintf(&b, "`%s` (%s)", f, strings.Join(proofs, ", "))
			}
			b.WriteString(".\n")
		}
		if c := corpus[id]; len(c) > 0 {
			fmt.Fprintf(&b, "On the corpus of real templates: %s.\n", corpusLine(c))
		}
		if live[id] {
			b.WriteString("`aws fix` plans, applies and re-checks it against `internal/fakeaws` (`internal/cli/testdata/aws-fix`).\n")
		}
	}
	b.WriteString("\n### Rules without a mechanical fix\n\n")
	fixed := map[string]bool{}
	for _, id := range fix.MechanicalRules() {
		fixed[id] = true
	}
	for _, r := range rules.For(diag.NeedsAPIs) {
		if fixed[r.ID] {
			continue
		}
		why, ok := noFix[r.ID]
		if !ok {
			t.Errorf("%s has neither a fix nor a reason in noFix", r.ID)
			continue
		}
		fmt.Fprintf(&b, "- **%s** %s: %s.\n", r.ID, r.Name, why)
	}
	b.WriteString("\nA CD2050 finding whose blocking check has no edit (a REST API's one static origin that is not the page's, a value resolved at deploy time) is skipped with the reason.\n")
	return b.String()
}

// TestDocs checks that docs/fix.md lists every fix as the fixers
// describe it (go test ./fix -run TestDocs -update rewrites the list).
func TestDocs(t *testing.T) {
	const path = "../docs/fix.md"
	doc, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	const begin, end = "<!-- fixes:begin -->\n", "<!-- fixes:end -->"
	i, j := bytes.Index(doc, []byte(begin)), bytes.Index(doc, []byte(end))
	if i < 0 || j < i {
		t.Fatalf("%s lacks the %q ... %q markers", path, begin, end)
	}
	want := catalogue(t)
	got := string(doc[i+len(begin) : j])
	if got == want {
		return
	}
	if golden.Update() {
		out := append(append(append([]byte{}, doc[:i+len(begin)]...), want...), doc[j:]...)
		if err := os.WriteFile(path, out, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	t.Errorf("%s is not current; run go test ./fix -run TestDocs -update", path)
}

// corpusLine renders the corpus counts of one rule ("lint: 3",
// "verdict: 1", "skipped: 2"...) as a sentence.
func corpusLine(counts []string) string {
	n := map[string]int{}
	for _, c := range counts {
		k, v, _ := strings.Cut(c, ": ")
		var i int
		fmt.Sscan(v, &i)
		n[k] = i
	}
	var parts []string
	if fixed := n["verdict"] + n["lint"] + n["redeploy"]; fixed > 0 {
		var how []string
		for _, k := range []string{"verdict", "lint", "redeploy"} {
			if n[k] > 0 {
				how = append(how, fmt.Sprintf("%d %s", n[k], map[string]string{"verdict": "by a verdict change", "lint": "by re-lint", "redeploy": "deployment(s) renamed"}[k]))
			}
		}
		parts = append(parts, fmt.Sprintf("%d fixed (%s)", fixed, strings.Join(how, ", ")))
	}
	if n["advice"] > 0 {
		parts = append(parts, fmt.Sprintf("%d to change by hand", n["advice"]))
	}
	if n["skipped"] > 0 {
		parts = append(parts, fmt.Sprintf("%d skipped", n["skipped"]))
	}
	return strings.Join(parts, ", ")
}
