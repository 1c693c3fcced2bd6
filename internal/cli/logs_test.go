package cli

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/corsdoctor/corsdoctor/collect/accesslog"
	"github.com/corsdoctor/corsdoctor/internal/golden"
	"github.com/corsdoctor/corsdoctor/report"
)

const logFixtures = "../../collect/accesslog/testdata/"

func TestLogsGolden(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		desc string
		args []string
		code int
	}{
		{"apigw-rest-deploy", []string{logFixtures + "apigw-rest.log", "--deploy-at", "2026-11-20T14:02:00Z", "--window", "10m"}, 1},
		{"all-formats", []string{logFixtures + "*.log", logFixtures + "cwl-events.json", "--workers", "1"}, 1},
		{"nginx-since", []string{logFixtures + "nginx.log", "--since", "2026-11-20 13:00:01"}, 0},
	} {
		t.Run(tc.desc, func(t *testing.T) {
			t.Parallel()
			out, errOut, code := run(t, "", append([]string{"logs"}, tc.args...)...)
			if code != tc.code {
				t.Fatalf("exit %d, want %d; stderr: %s", code, tc.code, errOut)
			}
			golden.Check(t, "testdata/logs/"+tc.desc+".txt", []byte(out))
		})
	}
}

func TestLogsJSON(t *testing.T) {
	t.Parallel()
	out, errOut, code := run(t, "", "logs", "--json", logFixtures+"apigw-rest.log")
	if code != 1 {
		t.Fatalf("exit %d; stderr %s", code, errOut)
	}
	var doc report.LogsDocument
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatal(err)
	}
	if doc.Tool != "corsdoctor" || doc.Logs == nil || doc.Logs.Records != 11 || doc.Logs.Malformed != 2 || len(doc.Findings) == 0 {
		t.Fatalf("document %+v", doc)
	}
	if doc.Findings[0].ID != "CD4001" || doc.Findings[0].Location != logFixtures+"apigw-rest.log:4" {
		t.Errorf("first finding %+v", doc.Findings[0])
	}
	if doc.Results == nil {
		t.Error("results must be [] (shared schema), not null")
	}
}

func TestLogsInsights(t *testing.T) {
	t.Parallel()
	out, _, code := run(t, "", "logs", "--insights")
	if code != 0 || out != accesslog.InsightsQuery(accesslog.InsightsOptions{})+"\n" {
		t.Errorf("exit %d, out:\n%s", code, out)
	}
	clf := `$context.identity.sourceIp - - [$context.requestTime] "$context.httpMethod $context.routeKey $context.protocol" $context.status`
	out, _, code = run(t, "", "logs", "--insights", "--access-log-format", clf)
	if code != 0 || !strings.HasPrefix(out, "parse @message /^") || !strings.Contains(out, "routeKey as cdRoute") {
		t.Errorf("exit %d, out:\n%s", code, out)
	}
	for _, args := range [][]string{{"logs", "--insights", "--access-log-format", "{}"}, {"logs", "--access-log-format", clf}} {
		out, errOut, code := run(t, "", args...)
		if code != 2 || out != "" || !strings.Contains(errOut, "corsdoctor: error: --access-log-format") || !strings.Contains(errOut, "corsdoctor: hint: ") {
			t.Errorf("%v: exit %d\n%s%s", args, code, out, errOut)
		}
	}
}

func TestLogsStdinAndErrors(t *testing.T) {
	t.Parallel()
	line := `{"httpMethod":"GET","resourcePath":"/items","status":"200","requestTime":"20/Nov/2026:14:00:00 +0000"}` + "\n"
	out, _, code := run(t, line, "logs")
	if code != 0 || !strings.Contains(out, "1 records in 1 file (apigw-json)") || !strings.Contains(out, "No CORS-related failure pattern found.") {
		t.Errorf("stdin: exit %d, out:\n%s", code, out)
	}
	_, errOut, code := run(t, "garbage\n", "logs", "-")
	if code != ExitUsage || !strings.Contains(errOut, "corsdoctor: error: no line of 1 could be read") {
		t.Errorf("unreadable lines: exit %d, stderr %q", code, errOut)
	}
	for _, tc := range []struct {
		desc string
		args []string
		want string
	}{
		{"bad format", []string{"--format", "syslog", logFixtures + "nginx.log"}, `unknown log format "syslog"`},
		{"bad time", []string{"--since", "yesterday", logFixtures + "nginx.log"}, `--since: bad time "yesterday"`},
		{"no match", []string{logFixtures + "*.nothing"}, "no file matches"},
		{"missing file", []string{logFixtures + "missing.log"}, "missing.log"},
		{"directory", []string{logFixtures}, "is a directory"},
	} {
		_, errOut, code := run(t, "", append([]string{"logs"}, tc.args...)...)
		if code != 2 || !strings.Contains(errOut, tc.want) {
			t.Errorf("%s: exit %d, stderr %q", tc.desc, code, errOut)
		}
	}
}

func TestParseTimeFlag(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 11, 20, 15, 0, 0, 0, time.UTC)
	for in, want := range map[string]time.Time{
		"2026-11-20T14:02:00Z":      time.Date(2026, 11, 20, 14, 2, 0, 0, time.UTC),
		"2026-11-20T16:02:00+02:00": time.Date(2026, 11, 20, 14, 2, 0, 0, time.UTC),
		"2026-11-20 14:02":          time.Date(2026, 11, 20, 14, 2, 0, 0, time.UTC),
		"2h":                        time.Date(2026, 11, 20, 13, 0, 0, 0, time.UTC),
	} {
		got, err := parseTimeFlag("--since", in, now)
		if err != nil || !got.Equal(want) {
			t.Errorf("%q: %v, %v; want %v", in, got, err, want)
		}
	}
}

// TestLogsProgress: on a terminal, inputs over the threshold get a
// progress line on standard error, cleared at the end; not otherwise.
// Not parallel: it lowers the package's threshold and period.
func TestLogsProgress(t *testing.T) {
	minBytes, every := progressMinBytes, progressEvery
	defer func() { progressMinBytes, progressEvery = minBytes, every }()
	progressMinBytes, progressEvery = 100, time.Millisecond
	var b strings.Builder
	for i := 0; b.Len() < 4<<20; i++ {
		fmt.Fprintf(&b, `{"httpMethod":"GET","resourcePath":"/items","status":"200","requestTime":"20/Nov/2026:14:%02d:00 +0000"}`+"\n", i%60)
	}
	path := writeFile(t, "big.log", b.String())
	for _, tc := range []struct {
		desc      string
		tty       bool
		args      []string
		want      bool
		wantInErr string
	}{
		{"terminal, over the threshold", true, nil, true, "corsdoctor: read "},
		{"not a terminal", false, nil, false, ""},
		{"--no-progress", true, []string{"--no-progress"}, false, ""},
	} {
		var out, errOut bytes.Buffer
		code := Run(append([]string{"logs", path}, tc.args...), &IO{In: strings.NewReader(""), Out: &out, ErrOut: &errOut, ErrTTY: tc.tty})
		if code != 0 || !strings.Contains(out.String(), "records in 1 file") {
			t.Fatalf("%s: exit %d\n%s%s", tc.desc, code, out.String(), errOut.String())
		}
		got := strings.Contains(errOut.String(), "\r\x1b[K")
		if got != tc.want || !strings.Contains(errOut.String(), tc.wantInErr) {
			t.Errorf("%s: stderr %q", tc.desc, errOut.String())
		}
		if tc.want && !strings.HasSuffix(errOut.String(), "\r\x1b[K") {
			t.Errorf("%s: progress line not cleared: %q", tc.desc, errOut.String())
		}
	}
}
