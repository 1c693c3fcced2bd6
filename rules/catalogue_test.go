package rules

import (
	"bytes"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"net/http"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/corsdoctor/corsdoctor/cors"
	"github.com/corsdoctor/corsdoctor/diag"
	"github.com/corsdoctor/corsdoctor/evidence"
	"github.com/corsdoctor/corsdoctor/internal/golden"
)

// ruleCase is one input a rule must (Fire) or must not report on. Want,
// when set, is text the rule's message (a finding's detail, a step's
// reason) must contain.
type ruleCase struct {
	Desc  string
	Input func(t *testing.T) *diag.Input
	Fire  bool
	Want  string
}

var cases = map[string][]ruleCase{}

// addCases registers cases for a rule; call it from init in
// rules/cdNNNN_<name>_test.go.
func addCases(id string, cs ...ruleCase) { cases[id] = append(cases[id], cs...) }

// resp builds a response from "Name: value" header lines.
func resp(status int, headers ...string) *evidence.Response {
	h := http.Header{}
	for _, line := range headers {
		k, v, ok := strings.Cut(line, ":")
		if !ok {
			panic("resp: header without colon: " + line)
		}
		h.Add(strings.TrimSpace(k), strings.TrimSpace(v))
	}
	return &evidence.Response{Status: status, Header: h}
}

// exchange evaluates one request over the hops and wraps it as input.
func exchange(req cors.Request, hops ...evidence.Hop) *diag.Input {
	ex := &evidence.Exchange{Request: req, Hops: hops}
	ex.Evaluate()
	return &diag.Input{Exchanges: []*evidence.Exchange{ex}}
}

// req is a cross-origin request from https://app.example.com.
func req(method string, headers ...string) cors.Request {
	r := cors.Request{Origin: "https://app.example.com", URL: "https://api.example.com/items", Method: method}
	for _, line := range headers {
		k, v, _ := strings.Cut(line, ":")
		r.Headers = append(r.Headers, cors.Header{Name: strings.TrimSpace(k), Value: strings.TrimSpace(v)})
	}
	return r
}

// TestRuleCases runs every rule on its cases: a Fire case must make it
// report (a finding, or a failed playbook step), a non-Fire case must not,
// and what it says for each case is kept in testdata/<ID>/cases.golden
// (go test ./rules -run TestRuleCases -update), so a change of message
// shows in review like a change of verdict.
func TestRuleCases(t *testing.T) {
	for _, r := range All() {
		var record bytes.Buffer
		fmt.Fprintf(&record, "# %s %s: what the rule says on each of its cases (rules/catalogue_test.go)\n", r.ID, r.Name)
		for _, c := range cases[r.ID] {
			fired := runCase(t, r, c)
			verdict := "quiet"
			if c.Fire {
				verdict = "fires"
			}
			fmt.Fprintf(&record, "\n## %s: %s\n", verdict, c.Desc)
			for _, m := range fired {
				fmt.Fprintf(&record, "%s\n", m)
			}
		}
		if len(cases[r.ID]) > 0 {
			golden.Check(t, filepath.Join("testdata", r.ID, "cases.golden"), record.Bytes())
		}
	}
}

// runCase runs rule r on case c and returns what it said: each finding's
// detail, each failed step's reason.
func runCase(t *testing.T, r *diag.Rule, c ruleCase) (fired []string) {
	t.Run(r.ID+"/"+c.Desc, func(t *testing.T) {
		res := diag.Analyze([]*diag.Rule{r}, c.Input(t))
		for _, f := range res.Findings {
			if strings.HasPrefix(f.Title, "internal error") {
				t.Fatalf("rule panicked: %s", f.Detail)
			}
			if f.RuleID == r.ID {
				fired = append(fired, f.Detail)
				if f.Detail == "" || f.Fix == "" {
					t.Errorf("finding without detail or fix: %+v", f)
				}
			}
		}
		for _, n := range res.Steps {
			if n.Evidence != "" {
				fired = append(fired, fmt.Sprintf("step %d evidence: %s", n.Step, n.Evidence))
			}
			if n.Failed {
				fired = append(fired, fmt.Sprintf("step %d failed: %s", n.Step, n.Reason))
				if n.Reason == "" {
					t.Errorf("step verdict without a reason: %+v", n)
				}
			}
		}
		verdicts := 0
		for _, m := range fired {
			if !strings.Contains(m, " evidence: ") {
				verdicts++
			}
		}
		switch {
		case c.Fire && verdicts == 0:
			t.Errorf("%s did not fire", r.ID)
		case !c.Fire && verdicts > 0:
			t.Errorf("%s fired but must not: %s", r.ID, strings.Join(fired, "; "))
		case c.Want != "" && !strings.Contains(strings.Join(fired, "\n"), c.Want):
			t.Errorf("%s: no message contains %q:\n%s", r.ID, c.Want, strings.Join(fired, "\n"))
		}
	})
	return fired
}

var (
	idRe   = regexp.MustCompile(`^CD[1-4]\d{3}$`)
	nameRe = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)
)

func TestCatalogue(t *testing.T) {
	ids, names := map[string]bool{}, map[string]bool{}
	for _, r := range All() {
		switch {
		case !idRe.MatchString(r.ID):
			t.Errorf("%s: ID must look like CD1234", r.ID)
		case ids[r.ID]:
			t.Errorf("%s: duplicate ID", r.ID)
		case names[r.Name]:
			t.Errorf("%s: duplicate name %q", r.ID, r.Name)
		case !nameRe.MatchString(r.Name):
			t.Errorf("%s: name %q must be kebab-case", r.ID, r.Name)
		case r.Title == "" || r.Doc == "" || r.Since == "":
			t.Errorf("%s: Title, Doc and Since are required", r.ID)
		case r.Fix[diag.Generic] == "":
			t.Errorf("%s: a generic fix is required", r.ID)
		case r.Deprecated && r.ReplacedBy == "":
			t.Errorf("%s: deprecated without ReplacedBy", r.ID)
		}
		ids[r.ID], names[r.Name] = true, true
		if r.Deprecated {
			continue
		}
		var fire, pass bool
		for _, c := range cases[r.ID] {
			fire = fire || c.Fire
			pass = pass || !c.Fire
		}
		if !fire || !pass {
			t.Errorf("%s: needs at least one Fire and one non-Fire case (add rules/%s_*_test.go)", r.ID, strings.ToLower(r.ID))
		}
	}
	for id := range cases {
		if !ids[id] {
			t.Errorf("cases registered for unknown rule %s", id)
		}
	}
	golden.Check(t, "../docs/rules.md", Markdown())
}

// TestRegistry: the list in all.go is in ID order and holds every rule
// the package declares, each says what evidence it reads, and no rule
// can be changed through All or ByID.
func TestRegistry(t *testing.T) {
	for i, r := range registry {
		if i > 0 && registry[i-1].ID >= r.ID {
			t.Errorf("rules/all.go: %s after %s: keep the list in ID order", r.ID, registry[i-1].ID)
		}
		if r.Needs == 0 {
			t.Errorf("%s: Needs is required (the evidence the rule reads)", r.ID)
		}
	}
	listed := map[string]bool{}
	for _, r := range registry {
		listed[r.ID] = true
	}
	for id, file := range declaredRules(t) {
		if !listed[id] {
			t.Errorf("%s (%s) is not in the list in rules/all.go: add it there", id, file)
		}
	}
	a := All()
	a[0].Title, a[0].Fix[diag.Generic] = "changed", "changed"
	if r := ByID(a[0].ID); r.Title == "changed" || r.Fix[diag.Generic] == "changed" || All()[0].Title == "changed" {
		t.Error("a rule returned by All can change the registry")
	}
}

// declaredRules finds the rule values the package declares
// (var x = &diag.Rule{ID: "CD…", …}) and the file of each, by ID.
func declaredRules(t *testing.T) map[string]string {
	fset := token.NewFileSet()
	pkgs, err := parser.ParseDir(fset, ".", func(fi fs.FileInfo) bool { return !strings.HasSuffix(fi.Name(), "_test.go") }, 0)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, pkg := range pkgs {
		for name, f := range pkg.Files {
			ast.Inspect(f, func(n ast.Node) bool {
				lit, ok := n.(*ast.CompositeLit)
				if !ok {
					return true
				}
				if sel, ok := lit.Type.(*ast.SelectorExpr); !ok || sel.Sel.Name != "Rule" {
					return true
				}
				for _, e := range lit.Elts {
					if kv, ok := e.(*ast.KeyValueExpr); ok {
						if k, ok := kv.Key.(*ast.Ident); ok && k.Name == "ID" {
							if v, ok := kv.Value.(*ast.BasicLit); ok {
								out[strings.Trim(v.Value, `"`)] = name
							}
						}
					}
				}
				return true
			})
		}
	}
	if len(out) < len(registry) {
		t.Fatalf("found %d rule declarations, the registry lists %d", len(out), len(registry))
	}
	return out
}

// TestRetired: a retired ID is never registered again, and the list is
// in order without repeats.
func TestRetired(t *testing.T) {
	for i, r := range retired {
		if !idRe.MatchString(r.ID) || r.Name == "" || r.Why == "" {
			t.Errorf("retired %+v: ID, Name and Why are required", r)
		}
		if i > 0 && retired[i-1].ID >= r.ID {
			t.Errorf("retired: %s after %s: keep the list in ID order, once each", r.ID, retired[i-1].ID)
		}
		if ByID(r.ID) != nil {
			t.Errorf("%s is retired (%s): give the rule a new number", r.ID, r.Name)
		}
		for _, x := range registry {
			if x.Name == r.Name {
				t.Errorf("%s reuses the name %q of retired %s", x.ID, r.Name, r.ID)
			}
		}
		if r.ReplacedBy != "" && ByID(r.ReplacedBy) == nil {
			t.Errorf("retired %s: ReplacedBy %s is no rule", r.ID, r.ReplacedBy)
		}
	}
}

// TestPlatformsDoc keeps docs/platforms.md current: what platform
// detection reads, and the table of recognised responses.
func TestPlatformsDoc(t *testing.T) {
	golden.Check(t, "../docs/platforms.md", PlatformsMarkdown())
}
