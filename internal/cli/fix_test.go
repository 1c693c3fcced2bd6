package cli

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/corsdoctor/corsdoctor/internal/golden"
)

func runFixArgs(t *testing.T, args ...string) (string, string, error) {
	t.Helper()
	app, out, errOut := lintApp()
	cmd := NewCmdFix(app, nil)
	cmd.SetArgs(args)
	cmd.SetOut(&bytes.Buffer{})
	cmd.SetErr(&bytes.Buffer{})
	err := cmd.Execute()
	return out.String(), errOut.String(), err
}

// copyTree copies a testdata directory to a temporary one.
func copyTree(t *testing.T, from string) string {
	t.Helper()
	dir := t.TempDir()
	err := filepath.Walk(from, func(p string, info os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(from, p)
		if info.IsDir() {
			return os.MkdirAll(filepath.Join(dir, rel), 0o755)
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dir, rel), b, info.Mode())
	})
	if err != nil {
		t.Fatal(err)
	}
	return dir
}

// TestFixCommand runs fix on a copy of a repository: the diff (golden),
// exit 1 while there is something to change; --apply writes the files;
// a second --apply changes nothing.
func TestFixCommand(t *testing.T) {
	dir := copyTree(t, filepath.Join("testdata", "fix", "repo"))
	before, err := os.ReadFile(filepath.Join(dir, "template.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	wd, _ := os.Getwd()
	t.Chdir(dir)
	out, errOut, err := runFixArgs(t, ".", "--origin", "https://app.example.com")
	if !errors.Is(err, ErrFindings) {
		t.Fatalf("err = %v, want exit 1 (a change to make); stderr:\n%s", err, errOut)
	}
	golden.Check(t, filepath.Join(wd, "testdata", "fix", "text.golden"), []byte(out))
	if after, _ := os.ReadFile("template.yaml"); !bytes.Equal(after, before) {
		t.Fatal("fix without --apply wrote the file")
	}
	if _, _, err := runFixArgs(t, ".", "--origin", "https://app.example.com", "--apply"); err != nil && !errors.Is(err, ErrFindings) {
		t.Fatalf("--apply: %v", err)
	}
	written, _ := os.ReadFile("template.yaml")
	if bytes.Equal(written, before) {
		t.Fatal("--apply did not write the file")
	}
	if !bytes.Contains(written, []byte("# the items API")) {
		t.Error("comment lost")
	}
	out, _, _ = runFixArgs(t, ".", "--origin", "https://app.example.com", "--apply")
	if strings.Contains(out, "+++ ") {
		t.Errorf("second --apply changed files:\n%s", out)
	}
	if again, _ := os.ReadFile("template.yaml"); !bytes.Equal(again, written) {
		t.Error("second --apply rewrote the file")
	}
}

func TestFixJSONAndFlags(t *testing.T) {
	dir := copyTree(t, filepath.Join("testdata", "fix", "repo"))
	out, _, err := runFixArgs(t, dir, "--format", "json")
	if !errors.Is(err, ErrFindings) {
		t.Fatalf("err = %v", err)
	}
	var doc struct {
		Tool    string `json:"tool"`
		Applied bool   `json:"applied"`
		Counts  struct{ Findings, Fixed, Skipped int }
		Files   []struct{ File, Diff string }
		Skipped []struct {
			Flag, Reason string
		}
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if doc.Tool != "corsdoctor" || doc.Applied || doc.Counts.Findings == 0 {
		t.Errorf("unexpected document: %+v", doc)
	}
	// Without --origin the wildcard with credentials cannot be replaced:
	// the fix names the flag.
	flagged := false
	for _, s := range doc.Skipped {
		if s.Flag == "--origin" {
			flagged = true
		}
	}
	if !flagged {
		t.Errorf("no fix asks for --origin: %+v", doc.Skipped)
	}
	if _, _, err := runFixArgs(t, dir, "--origin", "app.example.com/"); err == nil || ExitCode(err) != ExitUsage {
		t.Errorf("bad --origin: err = %v, want a usage error", err)
	}
	if _, _, err := runFixArgs(t, dir, "--header", "x: y"); ExitCode(err) != ExitUsage {
		t.Errorf("bad --header: err = %v, want a usage error", err)
	}
	if _, _, err := runFixArgs(t, dir, "--format", "xml"); ExitCode(err) != ExitUsage {
		t.Errorf("bad --format: err = %v", err)
	}
}

// TestFixRulesLimit: --rules limits every finding the run takes on, the
// CD2050 findings fix adds itself (--header, credentialed requests) too.
func TestFixRulesLimit(t *testing.T) {
	path := filepath.Join("..", "..", "rules", "testdata", "CD2011", "fail.yaml")
	for _, c := range []struct {
		rules string
		want  map[string]bool
	}{
		{"CD2009", map[string]bool{"CD2009": true}},
		{"CD2050", map[string]bool{"CD2050": true}},
	} {
		out, errOut, err := runFixArgs(t, path, "--rules", c.rules, "--origin", "https://app.example.com", "--header", "X-Request-Id", "--format", "json")
		if err != nil && !errors.Is(err, ErrFindings) {
			t.Fatalf("--rules %s: %v\n%s", c.rules, err, errOut)
		}
		var doc struct {
			Fixed, Skipped, Advice []struct {
				Finding struct{ ID string }
			}
		}
		if err := json.Unmarshal([]byte(out), &doc); err != nil {
			t.Fatal(err)
		}
		got := map[string]bool{}
		for _, l := range [][]struct{ Finding struct{ ID string } }{doc.Fixed, doc.Skipped, doc.Advice} {
			for _, x := range l {
				got[x.Finding.ID] = true
			}
		}
		if len(got) == 0 {
			t.Errorf("--rules %s: nothing fixed", c.rules)
		}
		for id := range got {
			if !c.want[id] {
				t.Errorf("--rules %s: the run took on %s", c.rules, id)
			}
		}
	}
}

// TestFixSuppressedClientFinding: an inline suppression hides the CD2050
// findings fix adds itself (a credentialed request) as it hides lint's.
func TestFixSuppressedClientFinding(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("..", "..", "rules", "testdata", "CD2011", "fail.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	src := strings.Replace(string(b), "  ItemsPut:\n", "  ItemsPut: # corsdoctor:ignore CD2050 the page sends no credentials\n", 1)
	if src == string(b) {
		t.Fatal("fixture changed: no ItemsPut line")
	}
	path := filepath.Join(t.TempDir(), "template.yaml")
	if err := os.WriteFile(path, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		src  string
		want bool
	}{{string(b), true}, {src, false}} {
		if err := os.WriteFile(path, []byte(c.src), 0o644); err != nil {
			t.Fatal(err)
		}
		out, errOut, err := runFixArgs(t, path, "--rules", "CD2050", "--origin", "https://app.example.com", "--format", "json")
		if err != nil && !errors.Is(err, ErrFindings) {
			t.Fatalf("%v\n%s", err, errOut)
		}
		if got := strings.Contains(out, `"id": "CD2050"`); got != c.want {
			t.Errorf("suppressed=%v: CD2050 taken on = %v, want %v:\n%s", !c.want, got, c.want, out)
		}
	}
}
