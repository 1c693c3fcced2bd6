package cli

import (
	"encoding/json"
	"os"
	"strings"
	"testing"

	"github.com/corsdoctor/corsdoctor/internal/golden"
	"github.com/corsdoctor/corsdoctor/report"
)

const harFixtures = "../../collect/har/testdata/"

func TestHARGolden(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		desc string
		args []string
		code int
	}{
		{"chrome-apigw", []string{harFixtures + "chrome-apigw.har"}, 1},
		{"firefox", []string{harFixtures + "firefox.har"}, 1},
		{"chrome-apigw-all-platform", []string{harFixtures + "chrome-apigw.har", "--platform", "apigw-http", "--all"}, 1},
		{"chrome-apigw-engines-all", []string{harFixtures + "chrome-apigw.har", "--browser-engine", "all"}, 1},
		{"firefox-as-chromium", []string{harFixtures + "firefox.har", "--browser-engine", "chromium"}, 1},
	} {
		t.Run(tc.desc, func(t *testing.T) {
			t.Parallel()
			out, errOut, code := run(t, "", append([]string{"har"}, tc.args...)...)
			if code != tc.code {
				t.Fatalf("exit %d, want %d; stderr: %s", code, tc.code, errOut)
			}
			golden.Check(t, "testdata/har/"+tc.desc+".txt", []byte(out))
		})
	}
}

func TestHARJSON(t *testing.T) {
	t.Parallel()
	out, errOut, code := run(t, "", "har", "--json", harFixtures+"chrome-apigw.har")
	if code != 1 {
		t.Fatalf("exit %d; stderr %s", code, errOut)
	}
	var doc report.Document
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatal(err)
	}
	if len(doc.Results) != 7 || doc.Tool != "corsdoctor" {
		t.Fatalf("%d results", len(doc.Results))
	}
	if strings.Contains(out, "eyJzdWIiOiIxMjMifQ") || strings.Contains(out, "3f9a0c1d2e") {
		t.Error("secrets in the JSON report without --show-secrets")
	}
	first := doc.Results[0]
	if first.ChromiumError != "MissingAllowOriginHeader" || first.Source != harFixtures+"chrome-apigw.har#2" || !first.Preflight.Sent {
		t.Errorf("first result %+v", first)
	}
	cookie := writeFile(t, "cookie.har", `{"log":{"version":"1.2","entries":[{"_resourceType":"fetch","request":{"method":"GET","url":"https://api.example.com/login",
		"headers":[{"name":"Origin","value":"https://app.example.com"}]},"response":{"status":200,"headers":[
		{"name":"Access-Control-Allow-Origin","value":"https://app.example.com"},{"name":"Set-Cookie","value":"sid=s3cr3t-value; Secure"}]}}]}}`)
	hidden, _, _ := run(t, "", "har", "--json", cookie)
	shown, _, _ := run(t, "", "har", "--json", "--show-secrets", cookie)
	if strings.Contains(hidden, "s3cr3t-value") || !strings.Contains(shown, "s3cr3t-value") {
		t.Errorf("Set-Cookie: redacted %v by default, shown %v with --show-secrets", !strings.Contains(hidden, "s3cr3t-value"), strings.Contains(shown, "s3cr3t-value"))
	}
}

func TestHARRedact(t *testing.T) {
	t.Parallel()
	out, errOut, code := run(t, "", "har", "--redact", harFixtures+"chrome-apigw.har")
	if code != 0 || errOut != "" {
		t.Fatalf("exit %d; stderr %s", code, errOut)
	}
	if !json.Valid([]byte(out)) || strings.Contains(out, "Pass_w0rd") || strings.Contains(out, "eyJhbGci") {
		t.Fatal("redacted copy invalid or still holds secrets")
	}
	// The copy is diagnosed like the original.
	p := writeFile(t, "redacted.har", out)
	_, _, code = run(t, "", "har", p)
	if code != 1 {
		t.Errorf("redacted copy: exit %d, want 1", code)
	}
}

func TestHARBadInput(t *testing.T) {
	t.Parallel()
	full, err := os.ReadFile(harFixtures + "chrome-apigw.har")
	if err != nil {
		t.Fatal(err)
	}
	cut := writeFile(t, "cut.har", string(full[:len(full)*6/10]))
	out, errOut, code := run(t, "", "har", cut)
	if code != 1 || !strings.Contains(errOut, "corsdoctor: warning: "+cut+": truncated: the file ends at byte") || !strings.Contains(out, "BLOCKED") {
		t.Errorf("truncated: exit %d, stderr %q", code, errOut)
	}
	for _, tc := range []struct{ desc, content, want string }{
		{"not JSON", "hello", "not a HAR file"},
		{"no log", `{"foo": 1}`, "no \"log\" object"},
	} {
		p := writeFile(t, "bad.har", tc.content)
		_, errOut, code := run(t, "", "har", p)
		if code != 2 || !strings.Contains(errOut, tc.want) || !strings.Contains(errOut, "corsdoctor: hint:") {
			t.Errorf("%s: exit %d, stderr %q", tc.desc, code, errOut)
		}
	}
	_, errOut, code = run(t, "", "har", "/nonexistent/x.har")
	if code != 2 || !strings.Contains(errOut, "/nonexistent/x.har") {
		t.Errorf("missing file: exit %d, stderr %q", code, errOut)
	}
	har := `{"log":{"version":"1.2","entries":[]}}`
	out, _, code = run(t, har, "har", "-")
	if code != 0 || !strings.Contains(out, "<stdin> (unknown browser)") || !strings.Contains(out, "Summary: 0 entries, 0 cross-origin exchanges") {
		t.Errorf("stdin: exit %d, out %q", code, out)
	}
}

// TestHARNothingReadable: a HAR whose first entry is not valid JSON, or
// that breaks before any entry, had exit 0 as if clean; nothing could be
// read, so it is an input error (exit 2). A HAR that breaks after some
// entries still reports them.
func TestHARNothingReadable(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		desc, har string
		code      int
		errHas    string
	}{
		{"first entry invalid", `{"log":{"version":"1.2","entries":[{"request": nope}]}}`, ExitUsage, "inside entry 1"},
		{"pages invalid", `{"log":{"version":"1.2","pages":[{"id": ]}}`, ExitUsage, "error: "},
		{"second entry invalid", `{"log":{"version":"1.2","entries":[{"request":{"method":"GET","url":"https://a.example/x","headers":[]},"response":{"status":200,"headers":[]}},{"request": nope}]}}`, ExitOK, "warning: "},
	} {
		t.Run(tc.desc, func(t *testing.T) {
			t.Parallel()
			_, errOut, code := run(t, "", "har", writeFile(t, "x.har", tc.har))
			if code != tc.code || !strings.Contains(errOut, tc.errHas) {
				t.Errorf("exit %d (want %d), stderr %q", code, tc.code, errOut)
			}
		})
	}
}
