package cli

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/corsdoctor/corsdoctor/bench/scantarget"
	"github.com/corsdoctor/corsdoctor/internal/golden"
	"github.com/corsdoctor/corsdoctor/report"
)

// benchTarget starts the scan bench target on loopback and returns its
// base URL. methods, when non-nil, records every request method.
func benchTarget(t *testing.T, cfg scantarget.Config, methods *methodLog) string {
	t.Helper()
	st := scantarget.New(cfg)
	var h http.Handler = st
	if methods != nil {
		h = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			methods.add(r.Method + " " + r.URL.Path)
			st.ServeHTTP(w, r)
		})
	}
	srv := httptest.NewServer(h)
	t.Cleanup(func() {
		st.Close()
		srv.CloseClientConnections()
		srv.Close()
	})
	return srv.URL
}

type methodLog struct {
	mu   sync.Mutex
	seen []string
}

func (m *methodLog) add(s string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.seen = append(m.seen, s)
}

func (m *methodLog) list() []string {
	m.mu.Lock()
	defer m.mu.Unlock()
	return append([]string(nil), m.seen...)
}

// normalize replaces the random loopback address for golden files.
func normalize(s, base string) string {
	s = strings.ReplaceAll(s, base, "http://scantarget")
	return strings.ReplaceAll(s, strings.TrimPrefix(base, "http://"), "scantarget")
}

func policyTargets(base string) string {
	var b strings.Builder
	b.WriteString("# every bench policy\n")
	for _, p := range scantarget.Policies {
		fmt.Fprintf(&b, "%s/p/%s\n", base, p.Name)
	}
	return b.String()
}

func readRecords(t *testing.T, s string) []report.ScanRecord {
	t.Helper()
	var out []report.ScanRecord
	sc := bufio.NewScanner(strings.NewReader(s))
	sc.Buffer(nil, 16<<20)
	for sc.Scan() {
		var r report.ScanRecord
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			t.Fatalf("invalid JSON line %q: %v", sc.Text(), err)
		}
		out = append(out, r)
	}
	return out
}

func TestScanGolden(t *testing.T) {
	base := benchTarget(t, scantarget.Config{}, nil)
	list := writeFile(t, "targets.txt", policyTargets(base))
	for _, tc := range []struct {
		desc string
		args []string
	}{
		{"text", nil},
		{"json", []string{"--json"}},
	} {
		t.Run(tc.desc, func(t *testing.T) {
			args := append([]string{"scan", "-i", list, "-c", "1", "--trusted-origin", scantarget.TrustedOrigin}, tc.args...)
			stdout, stderr, code := run(t, "", args...)
			if code != ExitFindings {
				t.Fatalf("exit %d, want %d; stderr:\n%s", code, ExitFindings, stderr)
			}
			if !strings.Contains(stderr, fmt.Sprintf("scanned %d targets", len(scantarget.Policies))) {
				t.Errorf("summary missing from stderr: %q", stderr)
			}
			out := normalize(stdout, base)
			out = strings.ReplaceAll(out, filepath.Dir(list), "TMP")
			golden.Check(t, filepath.Join("testdata", "scan", tc.desc+".golden"), []byte(out))
		})
	}
}

func TestScanCleanExit(t *testing.T) {
	base := benchTarget(t, scantarget.Config{}, nil)
	_, stderr, code := run(t, "", "scan", base+"/p/ok", base+"/p/ok-public", "--trusted-origin", scantarget.TrustedOrigin)
	if code != ExitOK {
		t.Fatalf("exit %d, want 0; stderr:\n%s", code, stderr)
	}
}

func TestScanUsage(t *testing.T) {
	for _, tc := range []struct {
		desc string
		args []string
		want string
	}{
		{"no targets", []string{"scan"}, "no targets"},
		{"bad trusted origin", []string{"scan", "https://a.example/", "--trusted-origin", "https://app.example.com/"}, "use --trusted-origin https://app.example.com"},
		{"null trusted", []string{"scan", "https://a.example/", "--trusted-origin", "null"}, "null is never"},
		{"bad rate", []string{"scan", "https://a.example/", "--rate", "fast"}, "invalid rate"},
		{"bad unit", []string{"scan", "https://a.example/", "--per-host-rate", "5/h"}, "unknown unit"},
		{"bad concurrency", []string{"scan", "https://a.example/", "-c", "0"}, "out of range"},
		{"bad argument", []string{"scan", "ftp://a.example/"}, "argument 1: unsupported scheme"},
		{"origin header", []string{"scan", "https://a.example/", "-H", "Origin: https://x.example"}, "Origin is set by the scan"},
		{"missing input", []string{"scan", "-i", "/nonexistent/targets.txt"}, "-i: open"},
		{"two stdin readers", []string{"scan", "-i", "-", "--openapi", "-"}, "cannot both read standard input"},
		{"resume into text", []string{"scan", "https://a.example/", "-o", "/tmp/x.jsonl", "--resume", "/tmp/x.jsonl"}, "add --json"},
		{"unknown rule", []string{"scan", "https://a.example/", "--rules", "CD1001"}, `unknown rule "CD1001"`},
	} {
		t.Run(tc.desc, func(t *testing.T) {
			_, stderr, code := run(t, "", tc.args...)
			if code != ExitUsage || !strings.Contains(stderr, tc.want) {
				t.Fatalf("exit %d, stderr %q; want exit 2 and %q", code, stderr, tc.want)
			}
		})
	}
}

// TestScanFaults runs the misbehaving endpoints and invalid lines: the scan
// ends within its time bounds, every valid target gets exactly one record,
// invalid lines are reported with their line numbers, and no goroutine is
// left behind.
func TestScanFaults(t *testing.T) {
	before := runtime.NumGoroutine()
	t.Run("scan", func(t *testing.T) {
		base := benchTarget(t, scantarget.Config{SlowHeaders: 10 * time.Minute}, nil)
		var in strings.Builder
		for _, f := range scantarget.Faults {
			fmt.Fprintf(&in, "%s/fault/%s\n", base, f)
		}
		in.WriteString("not a url\n\nftp://example.com/x\n" + base + "/p/reflect\n")
		start := time.Now()
		stdout, stderr, code := run(t, in.String(), "scan", "-i", "-", "--json", "--timeout", "500ms", "-c", "4")
		// The slow endpoint answers after 10 minutes: finishing within
		// this generous guard means the 500 ms timeout was applied.
		if el := time.Since(start); el > 2*time.Minute {
			t.Errorf("scan took %s; the 500 ms timeout was not applied", el)
		}
		if code != ExitFindings {
			t.Errorf("exit %d, want 1 (findings beat errors)", code)
		}
		for _, want := range []string{`<stdin>:8: invalid target "not a url"`, `<stdin>:10: unsupported scheme "ftp"`} {
			if !strings.Contains(stderr, want) {
				t.Errorf("stderr lacks %q:\n%s", want, stderr)
			}
		}
		recs := readRecords(t, stdout)
		seen := map[string]int{}
		for _, r := range recs {
			seen[r.Target]++
		}
		wantErr := map[string]string{
			"reset": "connection reset", "hang": "no response within 500ms", "slow-headers": "no response within 500ms",
			"big-headers": "response headers larger than", "invalid-http": "invalid HTTP response",
		}
		for _, f := range scantarget.Faults {
			u := base + "/fault/" + f
			if seen[u] != 1 {
				t.Errorf("%s: %d records, want exactly 1", f, seen[u])
			}
			for _, r := range recs {
				if r.Target == u && wantErr[f] != "" && (r.Status != report.ScanError || !strings.Contains(r.Error, wantErr[f])) {
					t.Errorf("%s: status %q error %q, want error containing %q", f, r.Status, r.Error, wantErr[f])
				}
				if r.Target == u && f == "redirect-loop" && !strings.Contains(r.Note, "not followed") {
					t.Errorf("redirect-loop: note %q, want the redirect recorded as not followed", r.Note)
				}
				if r.Target == u && f == "reset" && r.Requests != 3 {
					t.Errorf("reset: %d requests, want 3 (two retries)", r.Requests)
				}
			}
		}
		if len(recs) != len(scantarget.Faults)+1 {
			t.Errorf("%d records, want %d", len(recs), len(scantarget.Faults)+1)
		}
	})
	deadline := time.Now().Add(3 * time.Second)
	for runtime.NumGoroutine() > before+2 && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	if n := runtime.NumGoroutine(); n > before+2 {
		buf := make([]byte, 1<<16)
		t.Errorf("goroutines: %d before, %d after\n%s", before, n, buf[:runtime.Stack(buf, true)])
	}
}

// TestScanResume interrupts a scan, then resumes it into the same file:
// every target ends up with exactly one record.
func TestScanResume(t *testing.T) {
	base := benchTarget(t, scantarget.Config{Latency: 2 * time.Millisecond}, nil)
	const n = 300
	var in strings.Builder
	for i := 0; i < n; i++ {
		fmt.Fprintf(&in, "%s/e/%d\n", base, i)
	}
	list := writeFile(t, "targets.txt", in.String())
	out := filepath.Join(t.TempDir(), "results.jsonl")
	args := []string{"scan", "-i", list, "--json", "-o", out, "--resume", out, "-c", "4", "--trusted-origin", scantarget.TrustedOrigin}

	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		defer cancel()
		for ctx.Err() == nil {
			b, _ := os.ReadFile(out)
			if bytes.Count(b, []byte("\n")) >= 40 {
				return
			}
			time.Sleep(2 * time.Millisecond)
		}
	}()
	var errOut bytes.Buffer
	app := NewApp(&IO{In: strings.NewReader(""), Out: &bytes.Buffer{}, ErrOut: &errOut})
	cmd := NewCmdScan(app, func(o *ScanOptions) error { o.ctx = ctx; return runScan(o) })
	cmd.SilenceErrors, cmd.SilenceUsage = true, true // as the root command is
	cmd.SetArgs(args[1:])
	err := cmd.Execute()
	if err == nil || !strings.Contains(err.Error(), "interrupted") {
		t.Fatalf("first run: err = %v, want an interruption", err)
	}
	first := readRecords(t, mustRead(t, out))
	if len(first) == 0 || len(first) >= n {
		t.Fatalf("first run wrote %d records; the interruption must fall in the middle", len(first))
	}
	// A line cut short by a hard kill is ignored and its target rescanned.
	f, _ := os.OpenFile(out, os.O_APPEND|os.O_WRONLY, 0)
	f.WriteString(`{"target":"` + base + `/e/299","meth`)
	f.Close()

	_, stderr, code := run(t, "", args...)
	if code != ExitFindings {
		t.Fatalf("resume: exit %d; stderr:\n%s", code, stderr)
	}
	if !strings.Contains(stderr, fmt.Sprintf("%d already in --resume file", len(first))) {
		t.Errorf("resume summary: %q", stderr)
	}
	b := mustRead(t, out)
	seen := map[string]int{}
	for _, line := range strings.Split(strings.TrimSpace(b), "\n") {
		var r report.ScanRecord
		if json.Unmarshal([]byte(line), &r) != nil {
			continue // the cut line
		}
		seen[r.Target]++
	}
	for i := 0; i < n; i++ {
		u := fmt.Sprintf("%s/e/%d", base, i)
		if seen[u] != 1 {
			t.Errorf("%s: %d records, want 1", u, seen[u])
		}
	}
	if len(seen) != n {
		t.Errorf("%d distinct targets, want %d", len(seen), n)
	}
	// Every target done: nothing is scanned, and the exit code is still
	// the result file's (it holds vulnerable records), not 0.
	_, stderr, code = run(t, "", args...)
	if code != ExitFindings || !strings.Contains(stderr, fmt.Sprintf("%d already in --resume file", n)) {
		t.Errorf("all done: exit %d (want 1); stderr:\n%s", code, stderr)
	}
}

func mustRead(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestScanOpenAPI scans servers x paths x methods from a spec; methods
// other than GET and HEAD are only preflighted.
func TestScanOpenAPI(t *testing.T) {
	var log methodLog
	base := benchTarget(t, scantarget.Config{}, &log)
	spec := writeFile(t, "openapi.yaml", `openapi: 3.0.3
info: {title: bench, version: "1"}
servers:
  - url: `+base+`
paths:
  /p/{policy}:
    parameters:
      - {name: policy, in: path, required: true, schema: {type: string}, example: reflect-creds}
    get:
      responses: {"200": {description: ok}}
    delete:
      responses: {"204": {description: gone}}
  /p/ok:
    post:
      responses: {"200": {description: ok}}
`)
	stdout, stderr, code := run(t, "", "scan", "--openapi", spec, "--json", "-c", "1", "--trusted-origin", scantarget.TrustedOrigin)
	if code != ExitFindings {
		t.Fatalf("exit %d; stderr:\n%s", code, stderr)
	}
	recs := readRecords(t, stdout)
	var got []string
	for _, r := range recs {
		got = append(got, r.Method+" "+strings.TrimPrefix(r.Target, base)+" "+r.Status)
	}
	sort.Strings(got)
	want := []string{"DELETE /p/reflect-creds vulnerable", "GET /p/reflect-creds vulnerable", "POST /p/ok clean"}
	if !slices.Equal(got, want) {
		t.Fatalf("records %v, want %v", got, want)
	}
	for _, m := range log.list() {
		if !strings.HasPrefix(m, "GET ") && !strings.HasPrefix(m, "OPTIONS ") {
			t.Errorf("the scan sent %s; only GET, HEAD and OPTIONS may be sent", m)
		}
	}
}

func TestScanRedactsAndHTML(t *testing.T) {
	base := benchTarget(t, scantarget.Config{}, nil)
	html := filepath.Join(t.TempDir(), "scan.html")
	for _, tc := range []struct {
		desc string
		args []string
		want string
		not  string
	}{
		{"redacted", nil, "Cookie: session=[redacted]", "s3cr3t"},
		{"shown", []string{"--show-secrets"}, "Cookie: session=s3cr3t", "[redacted]"},
	} {
		t.Run(tc.desc, func(t *testing.T) {
			args := append([]string{"scan", base + "/p/reflect-creds", "-H", "Cookie: session=s3cr3t", "--html", html}, tc.args...)
			stdout, stderr, code := run(t, "", args...)
			if code != ExitFindings {
				t.Fatalf("exit %d; stderr:\n%s", code, stderr)
			}
			if !strings.Contains(stdout, tc.want) || strings.Contains(stdout, tc.not) {
				t.Errorf("stdout must contain %q and not %q:\n%s", tc.want, tc.not, stdout)
			}
			page := mustRead(t, html)
			if !strings.Contains(page, "CD3001") || !strings.Contains(page, "<html") {
				t.Errorf("HTML report lacks the finding")
			}
			if tc.desc == "redacted" && strings.Contains(page, "s3cr3t") {
				t.Errorf("HTML report leaks the cookie")
			}
		})
	}
}

func TestScanSARIF(t *testing.T) {
	base := benchTarget(t, scantarget.Config{}, nil)
	list := writeFile(t, "targets.txt", base+"/p/ok\n"+base+"/p/reflect-creds\n")
	out := filepath.Join(t.TempDir(), "scan.sarif")
	_, stderr, code := run(t, "", "scan", "-i", list, "--sarif", out, "-H", "Authorization: Bearer abcdefghijkl", "--trusted-origin", scantarget.TrustedOrigin)
	if code != ExitFindings {
		t.Fatalf("exit %d; stderr:\n%s", code, stderr)
	}
	var log struct {
		Version string `json:"version"`
		Runs    []struct {
			Tool struct {
				Driver struct {
					Rules []struct{ ID string } `json:"rules"`
				} `json:"driver"`
			} `json:"tool"`
			Results []struct {
				RuleID    string `json:"ruleId"`
				Level     string `json:"level"`
				Message   struct{ Text string }
				Locations []struct {
					PhysicalLocation struct {
						ArtifactLocation struct{ URI string }    `json:"artifactLocation"`
						Region           struct{ StartLine int } `json:"region"`
					} `json:"physicalLocation"`
				} `json:"locations"`
			} `json:"results"`
		} `json:"runs"`
	}
	b := mustRead(t, out)
	if err := json.Unmarshal([]byte(b), &log); err != nil {
		t.Fatal(err)
	}
	if log.Version != "2.1.0" || len(log.Runs) != 1 || len(log.Runs[0].Tool.Driver.Rules) < 14 {
		t.Fatalf("not a SARIF log with the CD3 rules: %.300s", b)
	}
	res := log.Runs[0].Results
	if len(res) != 1 || res[0].RuleID != "CD3001" || res[0].Level != "error" {
		t.Fatalf("results %+v, want one CD3001 error", res)
	}
	loc := res[0].Locations[0].PhysicalLocation
	if !strings.HasSuffix(loc.ArtifactLocation.URI, filepath.ToSlash(list)) || loc.Region.StartLine != 2 {
		t.Errorf("location %+v, want %s line 2", loc, list)
	}
	if !strings.Contains(res[0].Message.Text, "request sent:") || strings.Contains(b, "abcdefghijkl") {
		t.Errorf("message must carry the redacted proof: %s", res[0].Message.Text)
	}
}

type brokenPipe struct{ n int }

func (b *brokenPipe) Write(p []byte) (int, error) {
	if b.n <= 0 {
		return 0, os.ErrClosed
	}
	b.n--
	return len(p), nil
}

// TestScanStopsWhenOutputFails: a closed standard output ends the scan
// instead of scanning for nobody.
func TestScanStopsWhenOutputFails(t *testing.T) {
	// 2,000 targets at 50 ms a request take minutes to scan: stopping
	// within the generous guard below means the scan stopped early.
	base := benchTarget(t, scantarget.Config{Latency: 50 * time.Millisecond}, nil)
	var in strings.Builder
	for i := 0; i < 2000; i++ {
		fmt.Fprintf(&in, "%s/e/%d\n", base, i)
	}
	var errOut bytes.Buffer
	start := time.Now()
	code := Run([]string{"scan", "-i", "-", "--json", "-c", "2"}, &IO{In: strings.NewReader(in.String()), Out: &brokenPipe{n: 3}, ErrOut: &errOut})
	if code != ExitUsage || !strings.Contains(errOut.String(), "writing the report") {
		t.Fatalf("exit %d, stderr %q", code, errOut.String())
	}
	if el := time.Since(start); el > time.Minute {
		t.Errorf("took %s after the output failed", el)
	}
}

func TestScanRuleSelection(t *testing.T) {
	base := benchTarget(t, scantarget.Config{}, nil)
	stdout, _, code := run(t, "", "scan", base+"/p/reflect-creds", "--rules", "all,-CD3001", "--json")
	if code != ExitOK || strings.Contains(stdout, "CD3001") {
		t.Fatalf("exit %d, output %s; CD3001 was left out", code, stdout)
	}
	_, stderr, code := run(t, "", "scan", base+"/p/ok", "--rules", "CD9999")
	if code != ExitUsage || !strings.Contains(stderr, `unknown rule "CD9999"`) {
		t.Fatalf("exit %d, stderr %q", code, stderr)
	}
}
