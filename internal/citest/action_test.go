package citest

import (
	"bufio"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"

	"github.com/corsdoctor/corsdoctor/lab"
)

// action is the part of action.yml the tests read.
type action struct {
	Inputs map[string]struct {
		Description string `yaml:"description"`
		Default     string `yaml:"default"`
	} `yaml:"inputs"`
	Outputs map[string]struct {
		Value string `yaml:"value"`
	} `yaml:"outputs"`
	Runs struct {
		Using string `yaml:"using"`
		Steps []step `yaml:"steps"`
	} `yaml:"runs"`
}

type step struct {
	Name  string            `yaml:"name"`
	ID    string            `yaml:"id"`
	If    string            `yaml:"if"`
	Uses  string            `yaml:"uses"`
	Shell string            `yaml:"shell"`
	Run   string            `yaml:"run"`
	Env   map[string]string `yaml:"env"`
	With  map[string]string `yaml:"with"`
}

func loadAction(t *testing.T) action {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(root, "action.yml"))
	if err != nil {
		t.Fatal(err)
	}
	var a action
	dec := yaml.NewDecoder(strings.NewReader(string(b)))
	if err := dec.Decode(&a); err != nil {
		t.Fatalf("action.yml: %v", err)
	}
	if a.Runs.Using != "composite" {
		t.Fatalf("runs.using = %q, want composite", a.Runs.Using)
	}
	return a
}

var exprRe = regexp.MustCompile(`\$\{\{\s*(.*?)\s*\}\}`)

// expand evaluates the ${{ }} expressions of action.yml as GitHub does for
// the ones it uses: inputs.X, steps.ID.outputs.X, github.action_path,
// github.action_ref, and a || b (the first non-empty).
func expand(t *testing.T, s string, ctx map[string]string) string {
	t.Helper()
	return exprRe.ReplaceAllStringFunc(s, func(m string) string {
		expr := exprRe.FindStringSubmatch(m)[1]
		for _, alt := range strings.Split(expr, "||") {
			alt = strings.TrimSpace(alt)
			v, ok := ctx[alt]
			if !ok {
				t.Fatalf("action.yml: unknown expression %q in %q", alt, s)
			}
			if v != "" {
				return v
			}
		}
		return ""
	})
}

// runAction runs the action's shell steps as a runner would, in dir,
// with the given inputs (the others at their defaults), and returns the
// step outputs, the log and the job's exit status (the last step's).
func runAction(t *testing.T, dir string, inputs map[string]string) (outputs map[string]string, log string, code int) {
	t.Helper()
	a := loadAction(t)
	ctx := map[string]string{"github.action_path": root, "github.action_ref": "v0.0.0-test"}
	for name, in := range a.Inputs {
		v, ok := inputs[name]
		if !ok {
			v = in.Default
		}
		ctx["inputs."+name] = v
	}
	for name := range inputs {
		if _, ok := a.Inputs[name]; !ok {
			t.Fatalf("no input %q in action.yml", name)
		}
	}
	summaryFile := filepath.Join(t.TempDir(), "summary.md")
	var logb strings.Builder
	outputs = map[string]string{}
	for _, s := range a.Runs.Steps {
		if s.Uses != "" {
			continue // actions/setup-go, github/codeql-action: not run here
		}
		if s.Shell != "bash" {
			t.Fatalf("step %q: shell %q, want bash", s.Name, s.Shell)
		}
		outFile := filepath.Join(t.TempDir(), "output")
		if err := os.WriteFile(outFile, nil, 0o644); err != nil {
			t.Fatal(err)
		}
		env := []string{"PATH=" + os.Getenv("PATH"), "HOME=" + os.Getenv("HOME"), "CORSDOCTOR=" + bin,
			"GITHUB_OUTPUT=" + outFile, "GITHUB_STEP_SUMMARY=" + summaryFile, "GITHUB_PATH=" + filepath.Join(t.TempDir(), "path")}
		for k, v := range s.Env {
			env = append(env, k+"="+expand(t, v, ctx))
		}
		cmd := exec.Command("bash", "-e", "-c", expand(t, s.Run, ctx))
		cmd.Dir, cmd.Env = dir, env
		out, err := cmd.CombinedOutput()
		logb.Write(out)
		code = 0
		if err != nil {
			ee, ok := err.(*exec.ExitError)
			if !ok {
				t.Fatalf("step %q: %v", s.Name, err)
			}
			code = ee.ExitCode()
		}
		f, _ := os.Open(outFile)
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			if k, v, ok := strings.Cut(sc.Text(), "="); ok && s.ID != "" {
				outputs[k] = v
				ctx["steps."+s.ID+".outputs."+k] = v
			}
		}
		f.Close()
		if code != 0 && s.ID == "" && s.Name != "Result" {
			t.Fatalf("step %q failed (%d):\n%s", s.Name, code, out)
		}
	}
	if b, err := os.ReadFile(summaryFile); err == nil {
		outputs["(summary)"] = string(b)
	}
	return outputs, logb.String(), code
}

// TestActionInputsMapped: every input of action.yml reaches a step, every
// INPUT_ variable a step sets is read by scripts/action.sh (which turns it
// into corsdoctor flags) and every one it reads is set; every output is a
// step output the script writes.
func TestActionInputsMapped(t *testing.T) {
	t.Parallel()
	a := loadAction(t)
	script, err := os.ReadFile(filepath.Join(root, "scripts", "action.sh"))
	if err != nil {
		t.Fatal(err)
	}
	var all strings.Builder
	set := map[string]bool{}
	for _, s := range a.Runs.Steps {
		all.WriteString(s.If + s.Run)
		for k, v := range s.Env {
			all.WriteString(v)
			if strings.HasPrefix(k, "INPUT_") {
				set[k] = true
				if !strings.Contains(string(script), k) {
					t.Errorf("action.yml sets %s, which scripts/action.sh never reads", k)
				}
				want := "inputs." + strings.ToLower(strings.ReplaceAll(strings.TrimPrefix(k, "INPUT_"), "_", "-"))
				if !strings.Contains(v, want) {
					t.Errorf("%s is %q, want it from %s", k, v, want)
				}
			}
		}
		for _, v := range s.With {
			all.WriteString(v)
		}
	}
	for name, in := range a.Inputs {
		if in.Description == "" {
			t.Errorf("input %s has no description", name)
		}
		if !strings.Contains(all.String(), "inputs."+name) {
			t.Errorf("input %s is used by no step", name)
		}
	}
	for _, m := range regexp.MustCompile(`\$\{?(INPUT_[A-Z_]+)`).FindAllStringSubmatch(string(script), -1) {
		if !set[m[1]] {
			t.Errorf("scripts/action.sh reads %s, which action.yml never sets", m[1])
		}
	}
	for name, out := range a.Outputs {
		if out.Value != "${{ steps.run.outputs."+name+" }}" {
			t.Errorf("output %s = %q", name, out.Value)
		}
		if !strings.Contains(string(script), "output "+name+" ") {
			t.Errorf("output %s is never written by scripts/action.sh", name)
		}
	}
}

// workdir is a repository with a SAM template holding an error finding
// (testdata/template.yaml: CD2002) under a directory whose name needs
// escaping in a workflow command.
func workdir(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	copyFile(t, "internal/citest/testdata/template.yaml", filepath.Join(dir, "infra,v2:prod", "template.yaml"))
	if err := os.WriteFile(filepath.Join(dir, "package.json"), []byte(`{"name":"web"}`), 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

func TestActionLint(t *testing.T) {
	t.Parallel()
	dir := workdir(t)
	out, log, code := runAction(t, dir, nil)
	if code != 1 {
		t.Fatalf("job exit %d, want 1 (an error finding at fail-on error):\n%s", code, log)
	}
	// What lint itself finds there, the ground truth of the outputs.
	var lint struct {
		Findings []struct {
			ID       string `json:"id"`
			Severity string `json:"severity"`
			Location struct {
				File         string `json:"file"`
				Line, Column int
			} `json:"location"`
		} `json:"findings"`
	}
	cmd := exec.Command(bin, "lint", ".", "--format", "json")
	cmd.Dir = dir
	jout, _ := cmd.Output()
	if err := json.Unmarshal(jout, &lint); err != nil || len(lint.Findings) == 0 {
		t.Fatalf("lint --format json: %v\n%s", err, jout)
	}
	n := fmt.Sprint(len(lint.Findings))
	if out["exit-code"] != "1" || out["findings"] != n || out["lint-sarif"] != "corsdoctor-sarif/lint.sarif" || out["scan-sarif"] != "" {
		t.Errorf("outputs %v, want %s findings", out, n)
	}
	for _, f := range lint.Findings {
		kind := map[string]string{"error": "error", "warning": "warning", "info": "notice"}[f.Severity]
		want := fmt.Sprintf("::%s file=%s,line=%d,col=%d,title=corsdoctor %s::", kind,
			strings.NewReplacer(",", "%2C", ":", "%3A").Replace(f.Location.File), f.Location.Line, f.Location.Column, f.ID)
		if !strings.Contains(log, want) {
			t.Errorf("log lacks the annotation %q:\n%s", want, log)
		}
	}
	for _, want := range []string{
		"::error file=infra%2Cv2%3Aprod/template.yaml,line=14,col=9,title=corsdoctor CD2002::OPTIONS /orders/{id} of REST API OrdersApi requires CUSTOM authorization",
		"corsdoctor exit status: 1",
	} {
		if !strings.Contains(log, want) {
			t.Errorf("log lacks %q:\n%s", want, log)
		}
	}
	if !strings.Contains(out["(summary)"], "| lint | . | "+n+" finding(s) | exit 1 |") {
		t.Errorf("summary %q", out["(summary)"])
	}
	var sarif struct {
		Version string `json:"version"`
		Runs    []struct {
			Results []struct {
				RuleID string `json:"ruleId"`
			} `json:"results"`
		} `json:"runs"`
	}
	b, err := os.ReadFile(filepath.Join(dir, out["lint-sarif"]))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &sarif); err != nil || sarif.Version != "2.1.0" || len(sarif.Runs) != 1 || len(sarif.Runs[0].Results) != len(lint.Findings) {
		t.Errorf("lint.sarif: %v, %+v", err, sarif)
	}
}

func TestActionLintInputs(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		desc   string
		inputs map[string]string
		code   int
		want   []string
		absent []string
	}{
		{"rules leave the error out", map[string]string{"rules": "all,-CD2002"}, 0,
			[]string{"corsdoctor lint . --fail-on error --rules all,-CD2002", "corsdoctor exit status: 0"}, []string{"::error"}},
		{"fail-on, origins, no annotations", map[string]string{"fail-on": "warning", "origins": "https://app.example.com\n  http://localhost:3000 \n", "annotate": "false"}, 1,
			[]string{"--fail-on warning --origin https://app.example.com --origin http://localhost:3000"}, []string{"::error", "::warning"}},
		{"no paths: nothing to do", map[string]string{"paths": ""}, 0, []string{"corsdoctor exit status: 0"}, []string{"corsdoctor lint"}},
		{"bad fail-on is a usage error", map[string]string{"fail-on": "fatal"}, 2, []string{"corsdoctor exit status: 2"}, nil},
	} {
		t.Run(tc.desc, func(t *testing.T) {
			t.Parallel()
			_, log, code := runAction(t, workdir(t), tc.inputs)
			if code != tc.code {
				t.Fatalf("exit %d, want %d:\n%s", code, tc.code, log)
			}
			for _, w := range tc.want {
				if !strings.Contains(log, w) {
					t.Errorf("log lacks %q:\n%s", w, log)
				}
			}
			for _, a := range tc.absent {
				if strings.Contains(log, a) {
					t.Errorf("log has %q:\n%s", a, log)
				}
			}
		})
	}
}

// TestActionCheckAndScan runs check on the lab and scan on a server that
// reflects any origin with credentials, both on loopback.
func TestActionCheckAndScan(t *testing.T) {
	t.Parallel()
	labSrv := httptest.NewServer(lab.Handler())
	defer labSrv.Close()
	reflect := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if o := r.Header.Get("Origin"); o != "" {
			w.Header().Set("Access-Control-Allow-Origin", o)
			w.Header().Set("Access-Control-Allow-Credentials", "true")
		}
		fmt.Fprint(w, "{}")
	}))
	defer reflect.Close()
	dir := t.TempDir()
	out, log, code := runAction(t, dir, map[string]string{
		"paths":           "",
		"check-urls":      labSrv.URL + "/ok/simple\n" + labSrv.URL + "/app/trailing-slash",
		"check-origins":   lab.DevOrigin,
		"scan-urls":       reflect.URL + "/me",
		"trusted-origins": "https://app.example.com",
	})
	if code != 1 || out["exit-code"] != "1" {
		t.Fatalf("exit %d (outputs %v), want 1:\n%s", code, out, log)
	}
	if !strings.Contains(log, "::error title=corsdoctor check "+strings.ReplaceAll(labSrv.URL, ":", "%3A")+"/app/trailing-slash::BLOCKED") {
		t.Errorf("no annotation for the blocked check:\n%s", log)
	}
	if strings.Contains(log, "/ok/simple::") {
		t.Errorf("the allowed check is annotated:\n%s", log)
	}
	if !strings.Contains(log, "::error title=corsdoctor scan::VULNERABLE GET "+reflect.URL+"/me") {
		t.Errorf("no annotation for the scan finding:\n%s", log)
	}
	b, err := os.ReadFile(filepath.Join(dir, out["scan-sarif"]))
	if err != nil || !strings.Contains(string(b), `"ruleId": "CD3001"`) {
		t.Errorf("scan.sarif (%v) lacks CD3001:\n%s", err, b)
	}
	if out["findings"] == "0" || out["lint-sarif"] != "" {
		t.Errorf("outputs %v", out)
	}

	_, log, code = runAction(t, t.TempDir(), map[string]string{"paths": "", "check-urls": labSrv.URL + "/ok/simple"})
	if code != 2 || !strings.Contains(log, "check-urls needs check-origins") {
		t.Errorf("check without origins: exit %d:\n%s", code, log)
	}
}

func TestActionInstall(t *testing.T) {
	t.Parallel()
	script := filepath.Join(root, "scripts", "action.sh")
	cmd := exec.Command("bash", script, "install")
	cmd.Env = append(os.Environ(), "CORSDOCTOR="+bin)
	if out, err := cmd.CombinedOutput(); err != nil || !strings.Contains(string(out), "corsdoctor version") {
		t.Errorf("install with CORSDOCTOR: %v\n%s", err, out)
	}
	for _, v := range []string{"", "v1;rm -rf /", "$(id)"} {
		cmd := exec.Command("bash", script, "install")
		cmd.Env = append(os.Environ(), "CORSDOCTOR=", "INPUT_VERSION="+v)
		out, err := cmd.CombinedOutput()
		if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 2 {
			t.Errorf("install of version %q: %v\n%s", v, err, out)
		}
	}
}
