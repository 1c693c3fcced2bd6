package rules

import (
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/corsdoctor/corsdoctor/apimodel"
	"github.com/corsdoctor/corsdoctor/collect/iac"
	"github.com/corsdoctor/corsdoctor/diag"
)

// The CD20xx rules are tested on realistic templates under
// testdata/<ID>/: fail.* must fire (on the lines marked "# want <ID>"),
// pass.* must not. Each directory registers one Fire and one non-Fire
// case; TestIaCWant checks the marked lines exactly.

var wantRe = regexp.MustCompile(`(?:#|//) want ((?:CD\d{4} ?)+)`)

// iacInput loads a testdata path (file or directory) as rule input.
func iacInput(t *testing.T, path string, origins ...string) *diag.Input {
	t.Helper()
	res := iac.Load([]string{path}, iac.Options{})
	if len(res.Errors) > 0 {
		t.Fatalf("loading %s: %v", path, res.Errors)
	}
	if len(res.APIs) == 0 {
		t.Fatalf("%s: no API found", path)
	}
	return &diag.Input{APIs: res.APIs, Origins: origins}
}

func testdataFiles(dir, prefix string) []string {
	var out []string
	ents, _ := os.ReadDir(dir)
	for _, e := range ents {
		if strings.HasPrefix(e.Name(), prefix) {
			out = append(out, filepath.Join(dir, e.Name()))
		}
	}
	return out
}

var testOrigins = map[string][]string{"CD2050": {"https://app.example.com"}}

func init() {
	dirs, _ := filepath.Glob(filepath.Join("testdata", "CD20*"))
	for _, d := range dirs {
		id := filepath.Base(d)
		for _, f := range testdataFiles(d, "fail") {
			f := f
			addCases(id, ruleCase{Desc: "template " + f, Fire: true, Input: func(t *testing.T) *diag.Input { return iacInput(t, f, testOrigins[id]...) }})
		}
		for _, f := range testdataFiles(d, "pass") {
			f := f
			addCases(id, ruleCase{Desc: "template " + f, Fire: false, Input: func(t *testing.T) *diag.Input { return iacInput(t, f, testOrigins[id]...) }})
		}
	}
}

// TestIaCWant checks that each rule fires exactly on the lines marked
// "# want ID" in its fail templates.
func TestIaCWant(t *testing.T) {
	dirs, _ := filepath.Glob(filepath.Join("testdata", "CD20*"))
	for _, d := range dirs {
		id := filepath.Base(d)
		r := ByID(id)
		if r == nil {
			t.Errorf("%s: no such rule", d)
			continue
		}
		for _, f := range testdataFiles(d, "fail") {
			t.Run(f, func(t *testing.T) {
				in := iacInput(t, f, testOrigins[id]...)
				var files []string
				if st, _ := os.Stat(f); st.IsDir() {
					filepath.WalkDir(f, func(p string, de os.DirEntry, err error) error {
						if err == nil && !de.IsDir() {
							files = append(files, p)
						}
						return nil
					})
				} else {
					files = []string{f}
				}
				want := map[string]bool{}
				for _, file := range files {
					b, _ := os.ReadFile(file)
					for i, l := range strings.Split(string(b), "\n") {
						if m := wantRe.FindStringSubmatch(l); m != nil && strings.Contains(m[1], id) {
							want[file+":"+itoa(i+1)] = true
						}
					}
				}
				if len(want) == 0 {
					t.Fatalf("no '# want %s' line", id)
				}
				got := map[string]bool{}
				for _, fd := range diag.Run([]*diag.Rule{r}, in) {
					got[fd.Location.File+":"+itoa(fd.Location.Line)] = true
				}
				if strings.Join(sortedSet(got), " ") != strings.Join(sortedSet(want), " ") {
					t.Errorf("%s fired at %v, want %v", id, sortedSet(got), sortedSet(want))
				}
			})
		}
	}
}

func itoa(n int) string { return strconv.Itoa(n) }

func sortedSet(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// TestStageStaleFromModel covers the live-AWS-only fact (Stage.Stale).
func init() {
	stale := func(s apimodel.Tri) func(t *testing.T) *diag.Input {
		return func(t *testing.T) *diag.Input {
			api := &apimodel.API{ID: "a1b2c3", Kind: apimodel.REST, Format: "aws",
				Stages: []*apimodel.Stage{{Name: "prod", DeploymentID: "dep1", Stale: s}}}
			return &diag.Input{APIs: []*apimodel.API{api}}
		}
	}
	addCases("CD2017", ruleCase{Desc: "live stage on a stale deployment", Fire: true, Input: stale(apimodel.TriYes)},
		ruleCase{Desc: "live stage on the latest deployment", Fire: false, Input: stale(apimodel.TriNo)})
}

// FuzzIaCRules: any template the collectors accept is checked by every
// CD20xx rule (and the --origin simulation) without a rule panicking.
func FuzzIaCRules(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join("testdata", "CD20*", "*.yaml"))
	more, _ := filepath.Glob(filepath.Join("testdata", "CD20*", "*", "*.yml"))
	for _, name := range append(files, more...) {
		if b, err := os.ReadFile(name); err == nil {
			f.Add(b)
		}
	}
	selected := For(diag.NeedsAPIs)
	f.Fuzz(func(t *testing.T, data []byte) {
		apis, _, err := iac.Parse("f.yaml", data, nil)
		if err != nil || len(apis) == 0 {
			return
		}
		for _, fd := range diag.Run(selected, &diag.Input{APIs: apis, Origins: []string{"https://app.example.com"}}) {
			if strings.HasPrefix(fd.Title, "internal error") {
				t.Fatalf("%s", fd.Detail)
			}
		}
	})
}
