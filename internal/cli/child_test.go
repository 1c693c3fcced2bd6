package cli

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"
	"testing"
	"time"

	"github.com/corsdoctor/corsdoctor/internal/app/isolate"
)

// TestMain lets the test binary play corsdoctor for isolate.Run: serve runs
// tools in a child process of its own executable, which under go test is
// this binary. Three test-only commands misbehave on purpose.
func TestMain(m *testing.M) {
	if os.Getenv(isolate.Env) == "1" {
		if len(os.Args) > 1 {
			switch os.Args[1] {
			case "test-crash": // a stack overflow: fatal, no recover
				debug.SetMaxStack(1 << 20)
				fmt.Println(recurse(1))
			case "test-hog": // memory until killed
				var keep [][]byte
				for {
					b := make([]byte, 8<<20)
					for i := range b {
						b[i] = 1
					}
					keep = append(keep, b)
				}
			case "test-hang":
				time.Sleep(time.Hour)
			}
		}
		os.Exit(Main())
	}
	os.Exit(m.Run())
}

func recurse(n int) int {
	var pad [64]byte
	pad[n%64] = byte(n)
	return recurse(n+1) + int(pad[0])
}

func TestRunChildBounds(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		cmd  string
		lim  isolate.Limits
		want string
	}{
		{"test-crash", isolate.Limits{Timeout: time.Minute}, "test-crash failed: runtime: goroutine stack exceeds 1048576-byte limit"},
		{"test-hog", isolate.Limits{Timeout: time.Minute, MaxRSS: 64 << 20}, "test-hog stopped: it used"},
		{"test-hang", isolate.Limits{Timeout: 300 * time.Millisecond}, "test-hang stopped: it ran longer than the 300ms allowed for one run"},
	} {
		t.Run(tc.cmd, func(t *testing.T) {
			t.Parallel()
			if tc.cmd == "test-hog" {
				if _, err := os.Stat("/proc/self/status"); err != nil {
					t.Skip("no /proc: the memory bound is Linux only")
				}
			}
			_, _, err := isolate.Run(context.Background(), tc.lim, tc.cmd)
			var ce *isolate.Error
			if !errors.As(err, &ce) || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("isolate.Run(%s) = %v, want %q", tc.cmd, err, tc.want)
			}
		})
	}
	out, code, err := isolate.Run(context.Background(), isolate.Limits{Timeout: time.Minute}, "lint", "--format", "json", "../../rules/testdata/CD2001/fail.yaml")
	if err != nil || code != ExitFindings || !strings.Contains(string(out), `"CD2001"`) {
		t.Fatalf("lint in a child: exit %d, %v, %s", code, err, out)
	}
}

// TestServeSurvivesHostileLint: the deep Terraform file that killed the
// whole server through the Lint page now gets its error on the page, and
// the server goes on answering.
func TestServeSurvivesHostileLint(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	deep := "locals {\n  x = " + strings.Repeat("[", 100000) + strings.Repeat("]", 100000) + "\n}\n"
	if err := os.WriteFile(filepath.Join(dir, "deep.tf"), []byte(deep), 0o644); err != nil {
		t.Fatal(err)
	}
	base, _ := startServe(t, &ServeOptions{NoBrowser: true})
	_, token := getCSRF(t, base+"/tools/lint")
	status, body := postForm(t, base+"/tools/lint", url.Values{"csrf": {token}, "paths": {dir}})
	if !strings.Contains(body, "nested deeper than 256 levels") {
		t.Errorf("lint page lacks the depth error: status %d", status)
	}
	resp, err := http.Get(base + "/")
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("server gone after the hostile input: %v", err)
	}
	resp.Body.Close()
}
