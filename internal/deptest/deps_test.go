// Package deptest guards the import graph: the engine and the rule layer
// stay on the standard library, and each heavy library stays inside the
// collector made for it (tailscale's tstest/deptest habit).
package deptest

import (
	"os/exec"
	"strings"
	"testing"
)

const module = "github.com/corsdoctor/corsdoctor"

// deps lists the non-standard-library packages pkg depends on.
func deps(t *testing.T, pkg string) []string {
	t.Helper()
	out, err := exec.Command("go", "list", "-deps", "-f", "{{if not .Standard}}{{.ImportPath}}{{end}}", module+"/"+pkg).CombinedOutput()
	if err != nil {
		t.Fatalf("go list %s: %v\n%s", pkg, err, out)
	}
	var ds []string
	for _, l := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		if l != "" && l != module+"/"+pkg {
			ds = append(ds, l)
		}
	}
	return ds
}

func TestDeps(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		pkg string
		// allowed import-path prefixes outside the standard library
		allow []string
		why   string
	}{
		{"cors", nil, "the engine is importable by anyone: standard library only"},
		{"evidence", []string{module + "/cors"}, "evidence is plain data shared by every collector"},
		{"diag", []string{module + "/cors", module + "/evidence", module + "/apimodel"}, "the rule runner reads evidence only"},
		{"apimodel", []string{module + "/cors", module + "/evidence"}, "the API model is built by lint and aws alike"},
		{"rules", []string{module + "/cors", module + "/evidence", module + "/apimodel", module + "/diag"}, "rules read evidence; collectors did the I/O"},
		{"internal/redact", nil, "redaction is standard library only"},
		{"internal/paste", []string{module + "/cors"}, "reading a pasted request needs the engine's header rules only"},
		{"corstest", []string{module}, "users import corstest into their own tests: the standard library and corsdoctor's own packages only, no third-party module"},
	} {
		t.Run(tc.pkg, func(t *testing.T) {
			t.Parallel()
			for _, d := range deps(t, tc.pkg) {
				ok := false
				for _, a := range tc.allow {
					if d == a || strings.HasPrefix(d, a+"/") {
						ok = true
					}
				}
				if !ok {
					t.Errorf("%s imports %s: %s", tc.pkg, d, tc.why)
				}
			}
		})
	}
}

// TestHeavyLibrariesStayInTheirCollector checks that AWS, Chromium,
// template and Terraform libraries are only reachable from their own
// collector (and the CLI that wires them).
func TestHeavyLibrariesStayInTheirCollector(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ pkg, forbidden, why string }{
		{"report", "github.com/aws/aws-sdk-go-v2", "presenters render data, they do not call AWS"},
		{"report", "github.com/chromedp", "presenters do not drive browsers"},
		{"report", "github.com/coder/websocket", "presenters do not drive browsers"},
		{"collect/har", "github.com/coder/websocket", "HAR parsing needs no browser"},
		{"collect/probe", "github.com/coder/websocket", "the prober speaks HTTP; browsers live in collect/browser"},
		{"rules", "github.com/hashicorp/hcl", "rules read apimodel, not HCL"},
		{"collect/probe", "github.com/aws/aws-sdk-go-v2", "the HTTP prober does not need AWS"},
		{"collect/har", "github.com/chromedp", "HAR parsing needs no browser"},
		{"collect/accesslog", "github.com/aws/aws-sdk-go-v2", "log parsing is offline"},
		{"collect/scan", "github.com/aws/aws-sdk-go-v2", "the scanner speaks HTTP only"},
		{"lab", "github.com/aws/aws-sdk-go-v2", "the lab imitates API Gateway over plain HTTP"},
		{"collect/iac/cfn", "github.com/chromedp", "template parsing needs no browser"},
		{"collect/apigw", "github.com/chromedp", "the AWS collector needs no browser"},
		{"collect/probe", "github.com/chromedp", "the prober speaks HTTP; the browser lives in collect/browser"},
		{"apimodel", "github.com/hashicorp/hcl", "the model is format-neutral"},
		{"corstest", "github.com/spf13/cobra", "corstest runs in users' test binaries: no CLI framework"},
		{"corstest", "github.com/aws/aws-sdk-go-v2", "corstest runs in users' test binaries: no AWS SDK"},
		{"corstest", "github.com/aws/smithy-go", "corstest runs in users' test binaries: no AWS SDK"},
		{"corstest", "github.com/chromedp", "corstest runs in users' test binaries: no browser driver"},
		{"corstest", module + "/internal/cli", "corstest is a library: the CLI wires commands, it does not assert"},
	} {
		t.Run(tc.pkg+"!"+tc.forbidden, func(t *testing.T) {
			t.Parallel()
			for _, d := range deps(t, tc.pkg) {
				if strings.HasPrefix(d, tc.forbidden) {
					t.Errorf("%s imports %s: %s", tc.pkg, d, tc.why)
				}
			}
		})
	}
}

// TestCollectorsCollect checks that no collector decides or renders:
// collectors return evidence, every verdict a user sees comes from a
// registered rule (diag, rules), and presenters render (report).
func TestCollectorsCollect(t *testing.T) {
	t.Parallel()
	out, err := exec.Command("go", "list", module+"/collect/...").CombinedOutput()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, out)
	}
	pkgs := strings.Fields(string(out))
	if len(pkgs) < 5 {
		t.Fatalf("go list found %d collectors: %q", len(pkgs), pkgs)
	}
	for _, p := range pkgs {
		pkg := strings.TrimPrefix(p, module+"/")
		t.Run(pkg, func(t *testing.T) {
			t.Parallel()
			for _, d := range deps(t, pkg) {
				for _, forbidden := range []string{"diag", "rules", "report"} {
					if d == module+"/"+forbidden || strings.HasPrefix(d, module+"/"+forbidden+"/") {
						t.Errorf("%s imports %s: collectors return evidence; rules decide, presenters render", pkg, d)
					}
				}
			}
		})
	}
}

// TestUseCasesWithoutCobra checks that every use case under internal/app
// is callable without the CLI: no cobra, no internal/cli (the web UI and
// tests call them directly; the commands only parse flags and call).
func TestUseCasesWithoutCobra(t *testing.T) {
	t.Parallel()
	out, err := exec.Command("go", "list", module+"/internal/app/...").CombinedOutput()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, out)
	}
	pkgs := strings.Fields(string(out))
	if len(pkgs) < 1 {
		t.Fatalf("go list found no use case: %q", pkgs)
	}
	for _, p := range pkgs {
		pkg := strings.TrimPrefix(p, module+"/")
		t.Run(pkg, func(t *testing.T) {
			t.Parallel()
			for _, d := range deps(t, pkg) {
				for _, forbidden := range []string{"github.com/spf13/cobra", "github.com/spf13/pflag", module + "/internal/cli"} {
					if d == forbidden || strings.HasPrefix(d, forbidden+"/") {
						t.Errorf("%s imports %s: a use case is callable without the CLI; flags belong to internal/cli", pkg, d)
					}
				}
			}
		})
	}
}
