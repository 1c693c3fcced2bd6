package cli

import (
	"bytes"
	"encoding/json"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/corsdoctor/corsdoctor/internal/golden"
	"github.com/corsdoctor/corsdoctor/lab"
)

var fixedNow = func() time.Time { return time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC) }

// runFixed executes corsdoctor in-process with a fixed clock, so probe
// durations are zero and output is deterministic.
func runFixed(t *testing.T, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	var out, errOut bytes.Buffer
	io := &IO{In: strings.NewReader(""), Out: &out, ErrOut: &errOut}
	app := NewApp(io)
	app.Now = fixedNow
	root := NewRoot(app)
	root.SetArgs(args)
	err := root.Execute()
	PrintError(&errOut, err)
	return out.String(), errOut.String(), ExitCode(err)
}

var (
	portRe = regexp.MustCompile(`(127\.0\.0\.1|localhost):\d{5}`)
	dateRe = regexp.MustCompile(`("Date": \[\s*)"[^"]*"`)
)

// normalise removes what changes between runs: the server's ephemeral
// port (five digits; the page origins use 5173) and Date headers.
func normalise(s string) string {
	s = portRe.ReplaceAllString(s, "$1:PORT")
	return dateRe.ReplaceAllString(s, `$1"DATE"`)
}

func labServer(t *testing.T) string {
	t.Helper()
	srv := httptest.NewServer(lab.Handler())
	t.Cleanup(srv.Close)
	return srv.URL
}

func TestCheckGolden(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		desc string
		path string
		args []string
		code int
	}{
		{"allowed-preflight", "/ok/preflight", []string{"--origin", lab.DevOrigin, "-X", "PUT", "-H", "Content-Type: application/json",
			"-H", "Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.secret", "--data", `{"name":"second"}`}, 0},
		{"proxy-no-headers", "/aws/rest/proxy-no-headers", []string{"--origin", lab.DevOrigin, "-X", "PUT", "-H", "Content-Type: application/json", "--data", `{}`}, 1},
		{"dev-and-prod", "/app/dev-only-allowlist", []string{"--origin", lab.DevOrigin, "--origin", lab.ProdOrigin}, 1},
		{"authorizer-on-options", "/aws/rest/authorizer-on-options", []string{"--origin", lab.DevOrigin, "-H", "Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.secret", "--force-actual"}, 1},
		{"redirect-origin-null", "/app/redirect-origin-null", []string{"--origin", lab.DevOrigin, "--repeat", "1"}, 1},
		{"max-age-missing", "/app/max-age-missing", []string{"--origin", lab.DevOrigin, "-X", "PUT", "-H", "Content-Type: application/json", "--data", "{}", "--repeat", "0"}, 0},
	} {
		t.Run(tc.desc, func(t *testing.T) {
			t.Parallel()
			base := labServer(t)
			args := append([]string{"check", base + tc.path}, tc.args...)
			out, errOut, code := runFixed(t, args...)
			if code != tc.code {
				t.Fatalf("exit %d, want %d; stderr: %s\n%s", code, tc.code, errOut, out)
			}
			golden.Check(t, "testdata/check/"+tc.desc+".txt", []byte(normalise(out)))
			jout, _, jcode := runFixed(t, append(args, "--json")...)
			if jcode != tc.code {
				t.Fatalf("--json exit %d, want %d", jcode, tc.code)
			}
			var doc struct {
				Tool    string           `json:"tool"`
				Results []map[string]any `json:"results"`
			}
			if err := json.Unmarshal([]byte(jout), &doc); err != nil {
				t.Fatalf("--json output is not JSON: %v", err)
			}
			if want := strings.Count(strings.Join(tc.args, " "), "--origin"); len(doc.Results) != want {
				t.Errorf("%d results, want one per origin (%d)", len(doc.Results), want)
			}
			golden.Check(t, "testdata/check/"+tc.desc+".json", []byte(normalise(jout)))
			if strings.Contains(out+jout, "eyJhbGciOiJIUzI1NiJ9") {
				t.Fatal("a secret header value reached the output")
			}
		})
	}
}

func TestCheckShowSecrets(t *testing.T) {
	t.Parallel()
	base := labServer(t)
	out, _, code := runFixed(t, "check", base+"/ok/preflight", "--origin", lab.DevOrigin, "-H", "Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.secret", "--show-secrets", "--repeat", "0")
	if code != 0 {
		t.Fatalf("exit %d", code)
	}
	if !strings.Contains(out, "Bearer eyJhbGciOiJIUzI1NiJ9.secret") {
		t.Error("--show-secrets did not show the Authorization value in the curl command")
	}
}

func TestCheckExitCodes(t *testing.T) {
	t.Parallel()
	base := labServer(t)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	refused := "http://" + ln.Addr().String() + "/items"
	ln.Close()
	tlsSrv := httptest.NewUnstartedServer(lab.Handler())
	tlsSrv.Config.ErrorLog = log.New(io.Discard, "", 0)
	tlsSrv.StartTLS()
	t.Cleanup(tlsSrv.Close)
	for _, tc := range []struct {
		desc   string
		args   []string
		code   int
		stdout []string
		stderr string
	}{
		{"allowed", []string{base + "/ok/simple", "--origin", lab.DevOrigin}, 0, []string{"ALLOWED"}, ""},
		{"blocked", []string{base + "/app/trailing-slash", "--origin", lab.DevOrigin}, 1, []string{"BLOCKED", "trailing slash"}, ""},
		{"intermittent is blocked", []string{base + "/cdn/intermittent", "--origin", lab.DevOrigin}, 1, []string{"CD1021"}, ""},
		{"connection refused, every origin reported", []string{refused, "--origin", lab.DevOrigin, "--origin", lab.ProdOrigin}, 2,
			[]string{"ERROR", "net::ERR_CONNECTION_REFUSED", lab.DevOrigin, lab.ProdOrigin, "CD1026"}, "connection refused"},
		{"self-signed certificate", []string{tlsSrv.URL + "/ok/simple", "--origin", lab.DevOrigin}, 2, []string{"net::ERR_CERT_AUTHORITY_INVALID"}, "--insecure"},
		{"self-signed with --insecure", []string{tlsSrv.URL + "/ok/simple", "--origin", lab.DevOrigin, "--insecure"}, 0, []string{"ALLOWED"}, ""},
		{"timeout", []string{base + "/ok/simple", "--origin", lab.DevOrigin, "--timeout", "1ns"}, 2, []string{"ERROR"}, "timed out"},
	} {
		t.Run(tc.desc, func(t *testing.T) {
			t.Parallel()
			out, errOut, code := runFixed(t, append([]string{"check"}, tc.args...)...)
			if code != tc.code {
				t.Fatalf("exit %d, want %d; stderr: %s\n%s", code, tc.code, errOut, out)
			}
			for _, s := range tc.stdout {
				if !strings.Contains(out, s) {
					t.Errorf("stdout lacks %q:\n%s", s, out)
				}
			}
			if !strings.Contains(errOut, tc.stderr) {
				t.Errorf("stderr %q lacks %q", errOut, tc.stderr)
			}
			if tc.code == 2 && strings.Count(strings.TrimSpace(errOut), "\n") > 1 {
				t.Errorf("a network error must be reported in one line (plus an optional hint): %q", errOut)
			}
		})
	}
}

func TestCheckBadInput(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		desc string
		args []string
		want string
	}{
		{"no URL", []string{"--origin", lab.DevOrigin}, "exactly one URL"},
		{"relative URL", []string{"/items", "--origin", lab.DevOrigin}, "not an absolute URL"},
		{"ftp URL", []string{"ftp://example.com/x", "--origin", lab.DevOrigin}, "unsupported scheme"},
		{"missing origin", []string{"http://127.0.0.1:1/x"}, "--origin"},
		{"origin with a path", []string{"http://127.0.0.1:1/x", "--origin", "https://app.example.com/page"}, "--origin"},
		{"bad header", []string{"http://127.0.0.1:1/x", "--origin", lab.DevOrigin, "-H", "no colon"}, "-H"},
		{"negative repeat", []string{"http://127.0.0.1:1/x", "--origin", lab.DevOrigin, "--repeat", "-1"}, "--repeat"},
		{"unknown platform", []string{"http://127.0.0.1:1/x", "--origin", lab.DevOrigin, "--platform", "heroku"}, "--platform"},
		{"missing data file", []string{"http://127.0.0.1:1/x", "--origin", lab.DevOrigin, "-X", "POST", "--data", "@/nonexistent/body.json"}, "--data"},
	} {
		t.Run(tc.desc, func(t *testing.T) {
			t.Parallel()
			out, errOut, code := runFixed(t, append([]string{"check"}, tc.args...)...)
			if code != 2 {
				t.Fatalf("exit %d, want 2; stderr %q", code, errOut)
			}
			if out != "" {
				t.Errorf("stdout must stay empty on usage errors: %q", out)
			}
			if !strings.HasPrefix(errOut, "corsdoctor: error: ") || !strings.Contains(errOut, tc.want) {
				t.Errorf("stderr %q, want an error mentioning %q", errOut, tc.want)
			}
		})
	}
}

func TestCheckPlatformFlag(t *testing.T) {
	t.Parallel()
	base := labServer(t)
	out, _, _ := runFixed(t, "check", base+"/aws/rest/wrong-stage", "--origin", lab.DevOrigin, "--repeat", "0")
	if !strings.Contains(out, "platform: apigw-rest (detected from x-amz-apigw-id") || !strings.Contains(out, "put-gateway-response") {
		t.Errorf("detected platform or its fix missing:\n%s", out)
	}
	out, _, _ = runFixed(t, "check", base+"/aws/rest/wrong-stage", "--origin", lab.DevOrigin, "--repeat", "0", "--platform", "nginx")
	if !strings.Contains(out, "platform: nginx (--platform; the responses suggest apigw-rest") || !strings.Contains(out, "fix (nginx)") {
		t.Errorf("--platform not honoured:\n%s", out)
	}
}

// TestCheckCookie: a Cookie given with -H is the browser's cookie jar:
// sent on the credentialed actual request only, never on the preflight,
// and redacted in the output.
func TestCheckCookie(t *testing.T) {
	t.Parallel()
	var (
		mu      sync.Mutex
		cookies = map[string]string{}
	)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		cookies[r.Method] = r.Header.Get("Cookie")
		mu.Unlock()
		w.Header().Set("Access-Control-Allow-Origin", r.Header.Get("Origin"))
		w.Header().Set("Access-Control-Allow-Credentials", "true")
		w.Header().Set("Access-Control-Allow-Headers", "x-request-id")
		w.Header().Set("Vary", "Origin")
	}))
	defer srv.Close()
	out, errOut, code := runFixed(t, "check", srv.URL+"/me", "--origin", lab.DevOrigin, "--credentials",
		"-H", "Cookie: session=s3cr3t-value", "-H", "X-Request-Id: 1", "--repeat", "0")
	if code != 0 {
		t.Fatalf("exit %d: %s\n%s", code, errOut, out)
	}
	mu.Lock()
	defer mu.Unlock()
	if cookies["GET"] != "session=s3cr3t-value" || cookies["OPTIONS"] != "" {
		t.Errorf("cookies sent: %v; want on GET only", cookies)
	}
	if strings.Contains(out, "s3cr3t-value") || !strings.Contains(out, "Cookie: session=[redacted]") {
		t.Errorf("cookie not redacted in the output:\n%s", out)
	}
}

// TestCheckScriptCookie: without --credentials, a Cookie header is one the
// page's script tries to set; Chromium drops it silently and sends the
// request anyway, so check does the same, with a warning and CD1016.
func TestCheckScriptCookie(t *testing.T) {
	t.Parallel()
	var (
		mu   sync.Mutex
		sent []string
	)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		sent = append(sent, r.Method+" "+r.Header.Get("Cookie"))
		mu.Unlock()
		w.Header().Set("Access-Control-Allow-Origin", "*")
	}))
	defer srv.Close()
	out, errOut, code := runFixed(t, "check", srv.URL+"/x", "--origin", lab.DevOrigin, "-H", "Cookie: a=b", "--repeat", "0")
	if code != 0 {
		t.Fatalf("exit %d: %s\n%s", code, errOut, out)
	}
	if !strings.Contains(errOut, "corsdoctor: warning: ") || !strings.Contains(errOut, "--credentials") {
		t.Errorf("no warning on stderr: %q", errOut)
	}
	if !strings.Contains(out, "CD1016") {
		t.Errorf("CD1016 not reported:\n%s", out)
	}
	mu.Lock()
	defer mu.Unlock()
	for _, s := range sent {
		if strings.HasSuffix(s, "a=b") {
			t.Errorf("the script-set cookie was sent: %v", sent)
		}
	}
	if len(sent) == 0 {
		t.Error("no request sent")
	}
}
