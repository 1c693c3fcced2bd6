package citest

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// preCommit returns the pre-commit executable; missing, the test skips,
// except in CI (CI=true), where .ci/run installs it and it must be there.
func preCommit(t *testing.T) string {
	t.Helper()
	p, err := exec.LookPath("pre-commit")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("pre-commit is not installed (.ci/run installs the Debian package pre-commit)")
		}
		t.Skip("pre-commit is not installed (apt-get install pre-commit)")
	}
	return p
}

// sandbox is an environment for git and pre-commit under dir: its own
// home and pre-commit cache, a fixed identity, corsdoctor on PATH, and
// Go's module and build caches shared with this process (the golang hook
// builds corsdoctor offline from them).
func sandbox(t *testing.T) []string {
	t.Helper()
	home := t.TempDir()
	env := []string{
		"HOME=" + home, "PRE_COMMIT_HOME=" + filepath.Join(home, "pre-commit"),
		"PATH=" + filepath.Dir(bin) + string(os.PathListSeparator) + os.Getenv("PATH"),
		"GIT_AUTHOR_NAME=t", "GIT_AUTHOR_EMAIL=t@example.com", "GIT_COMMITTER_NAME=t", "GIT_COMMITTER_EMAIL=t@example.com",
		"GIT_CONFIG_NOSYSTEM=1", "GOTOOLCHAIN=local", "GOFLAGS=-mod=mod",
	}
	for _, k := range []string{"GOMODCACHE", "GOCACHE", "GOPROXY"} {
		out, err := exec.Command("go", "env", k).Output()
		if err != nil {
			t.Fatal(err)
		}
		env = append(env, k+"="+strings.TrimSpace(string(out)))
	}
	for _, k := range []string{"LANG", "TMPDIR", "http_proxy", "https_proxy", "no_proxy"} {
		if v, ok := os.LookupEnv(k); ok {
			env = append(env, k+"="+v)
		}
	}
	return env
}

func sh(t *testing.T, dir string, env []string, name string, args ...string) (string, int) {
	t.Helper()
	cmd := exec.Command(name, args...)
	cmd.Dir, cmd.Env = dir, env
	out, err := cmd.CombinedOutput()
	if err != nil {
		if ee, ok := err.(*exec.ExitError); ok {
			return string(out), ee.ExitCode()
		}
		t.Fatalf("%s %v: %v", name, args, err)
	}
	return string(out), 0
}

func must(t *testing.T, dir string, env []string, name string, args ...string) string {
	t.Helper()
	out, code := sh(t, dir, env, name, args...)
	if code != 0 {
		t.Fatalf("%s %v: exit %d\n%s", name, args, code, out)
	}
	return out
}

func write(t *testing.T, path, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

const cleanTemplate = `AWSTemplateFormatVersion: '2010-09-09'
Resources:
  Api:
    Type: AWS::ApiGateway::RestApi
    Properties: {Name: clean}
`

// TestPreCommitHook installs the corsdoctor-lint-system hook of
// .pre-commit-hooks.yaml with the real pre-commit in a temporary
// repository and commits: a template with a CORS mistake is refused with
// the finding, a clean one and unrelated JSON/YAML files pass, and only
// the files a commit changes are linted.
func TestPreCommitHook(t *testing.T) {
	t.Parallel()
	pc := preCommit(t)
	env := sandbox(t)

	// The hook repository: this repository's hook definitions, committed.
	hooks := t.TempDir()
	copyFile(t, ".pre-commit-hooks.yaml", filepath.Join(hooks, ".pre-commit-hooks.yaml"))
	must(t, hooks, env, "git", "init", "-q", ".")
	must(t, hooks, env, "git", "add", ".")
	must(t, hooks, env, "git", "commit", "-q", "-m", "hooks")
	rev := strings.TrimSpace(must(t, hooks, env, "git", "rev-parse", "HEAD"))

	proj := t.TempDir()
	must(t, proj, env, "git", "init", "-q", ".")
	write(t, filepath.Join(proj, ".pre-commit-config.yaml"), "repos:\n  - repo: "+hooks+"\n    rev: "+rev+"\n    hooks:\n      - id: corsdoctor-lint-system\n")
	must(t, proj, env, pc, "install")
	write(t, filepath.Join(proj, "package.json"), `{"name": "web", "version": "1.0.0"}`)
	write(t, filepath.Join(proj, ".github", "workflows", "ci.yml"), "on: push\njobs: {}\n")
	write(t, filepath.Join(proj, "infra", "clean.yaml"), cleanTemplate)
	must(t, proj, env, "git", "add", ".")
	out := must(t, proj, env, "git", "commit", "-m", "clean")
	if !strings.Contains(out, "corsdoctor lint (installed corsdoctor)") || !strings.Contains(out, "Passed") {
		t.Errorf("clean commit: the hook did not run and pass:\n%s", out)
	}

	copyFile(t, "internal/citest/testdata/template.yaml", filepath.Join(proj, "infra", "sam.yaml"))
	must(t, proj, env, "git", "add", ".")
	out, code := sh(t, proj, env, "git", "commit", "-m", "bad")
	if code == 0 || !strings.Contains(out, "Failed") || !strings.Contains(out, "infra/sam.yaml:14:9: error CD2002") {
		t.Fatalf("a template with a CORS mistake was committed (exit %d):\n%s", code, out)
	}

	// Committed anyway, it is not linted again when other files change.
	must(t, proj, env, "git", "commit", "-q", "--no-verify", "-m", "bad, knowingly")
	write(t, filepath.Join(proj, "infra", "clean.yaml"), cleanTemplate+"# touched\n")
	must(t, proj, env, "git", "add", ".")
	out = must(t, proj, env, "git", "commit", "-m", "touch the clean one")
	if strings.Contains(out, "sam.yaml") || !strings.Contains(out, "Passed") {
		t.Errorf("the hook linted a file the commit did not change:\n%s", out)
	}
}

// TestPreCommitGolangHook runs the corsdoctor-lint hook, which pre-commit
// builds from this repository with go install (offline: the module and
// build caches are shared), through pre-commit try-repo.
func TestPreCommitGolangHook(t *testing.T) {
	t.Parallel()
	pc := preCommit(t)
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git is not installed")
	}
	env := sandbox(t)
	proj := t.TempDir()
	must(t, proj, env, "git", "init", "-q", ".")
	copyFile(t, "internal/citest/testdata/template.yaml", filepath.Join(proj, "template.yaml"))
	write(t, filepath.Join(proj, "package.json"), `{"name": "web"}`)
	must(t, proj, env, "git", "add", ".")
	out, code := sh(t, proj, env, pc, "try-repo", root, "corsdoctor-lint", "--files", "template.yaml", "package.json")
	if code != 1 || !strings.Contains(out, "template.yaml:14:9: error CD2002") || !strings.Contains(out, "- hook id: corsdoctor-lint") {
		t.Fatalf("try-repo corsdoctor-lint: exit %d, want 1 with the finding:\n%s", code, out)
	}
	if strings.Contains(out, "package.json") {
		t.Errorf("package.json reported (lint --skip-unknown must skip it):\n%s", out)
	}
}
