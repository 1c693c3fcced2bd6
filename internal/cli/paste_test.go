package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/corsdoctor/corsdoctor/collect/browser"
	"github.com/corsdoctor/corsdoctor/internal/golden"
	"github.com/corsdoctor/corsdoctor/lab"
)

// Secrets in the captured pastes: none may reach any output.
var pasteSecrets = []string{"eyJhbGciOiJIUzI1NiJ9.c2VjcmV0.sig", "s3cr3t-cookie", "k-secret-123"}

func noSecrets(t *testing.T, outs ...string) {
	t.Helper()
	for _, o := range outs {
		for _, s := range pasteSecrets {
			if strings.Contains(o, s) {
				t.Errorf("secret %q reached the output:\n%s", s, o)
			}
		}
	}
}

// capture reads a real Chromium/Firefox copy from internal/paste's
// testdata and points it at base and origin instead of the capture's
// hosts.
func capture(t *testing.T, file, base, path, origin string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "paste", "testdata", file))
	if err != nil {
		t.Fatal(err)
	}
	s := string(b)
	for _, api := range []string{"http://api.example.test:8080", "http://127.0.0.1:8080"} {
		for _, p := range []string{"/items/42", "/items/9", "/items/7", "/items?q=1", "/form", "/blocked/7", "/xhr"} {
			s = strings.ReplaceAll(s, api+p, base+path)
		}
	}
	for _, o := range []string{"http://app.example.test:5173", "http://localhost:5173"} {
		s = strings.ReplaceAll(s, o, origin)
	}
	return s
}

// verdict keeps what a check concluded, for comparing two runs.
type verdict struct {
	URL, Origin, Method, Credentials, BlockedAt, ChromiumError, FailedParameter string
	Allowed, PreflightRequired                                                  bool
	RequestHeaders                                                              string
	PreflightStatus, ActualStatus                                               int
	Findings                                                                    []string
}

func verdictsOf(t *testing.T, jsonOut string) []verdict {
	t.Helper()
	var doc struct {
		Results []struct {
			URL, Origin, Method, Credentials string
			BlockedAt                        string `json:"blocked_at"`
			ChromiumError                    string `json:"chromium_error"`
			FailedParameter                  string `json:"failed_parameter"`
			Allowed                          bool
			Preflight                        struct {
				Required       bool
				Status         int
				RequestHeaders string `json:"request_headers"`
			}
			Actual   struct{ Status int }
			Findings []struct{ ID string }
		}
	}
	if err := json.Unmarshal([]byte(jsonOut), &doc); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, jsonOut)
	}
	var out []verdict
	for _, r := range doc.Results {
		v := verdict{URL: r.URL, Origin: r.Origin, Method: r.Method, Credentials: r.Credentials, BlockedAt: r.BlockedAt,
			ChromiumError: r.ChromiumError, FailedParameter: r.FailedParameter, Allowed: r.Allowed,
			PreflightRequired: r.Preflight.Required, RequestHeaders: r.Preflight.RequestHeaders,
			PreflightStatus: r.Preflight.Status, ActualStatus: r.Actual.Status}
		for _, f := range r.Findings {
			v.Findings = append(v.Findings, f.ID)
		}
		out = append(out, v)
	}
	return out
}

// TestCheckPasteSameVerdict is the "done when": check --curl (and
// --fetch, PowerShell) on a request copied from DevTools gives the lab
// the same verdict as check with the equivalent flags.
func TestCheckPasteSameVerdict(t *testing.T) {
	t.Parallel()
	base := labServer(t)
	origin := lab.DevOrigin
	cases := []struct {
		scenario, path string
		formats        []string
		flags          []string
		code           int
		want           string // CorsError, "" when allowed
	}{
		{"get-simple", "/ok/simple", []string{"curl-bash", "curl-cmd", "powershell", "fetch", "fetch-node"}, nil, 0, ""},
		{"get-simple", "/app/trailing-slash", []string{"curl-bash", "fetch"}, nil, 1, "AllowOriginMismatch"},
		{"put-json-auth", "/aws/rest/header-not-allowed", []string{"curl-bash", "curl-cmd", "powershell", "fetch", "fetch-node"},
			[]string{"-X", "PUT", "-H", "Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.c2VjcmV0.sig", "-H", "Content-Type: application/json", "-H", "X-Request-Id: abc-123",
				"--data", `{"name":"it's a \"test\"! 100% ünïcode","path":"C:\\tmp"}`, "--credentials", "-H", "Cookie: session=s3cr3t-cookie"}, 1, "PreflightWildcardOriginNotAllowed"},
		{"put-json-auth", "/ok/preflight", []string{"curl-bash", "fetch"},
			[]string{"-X", "PUT", "-H", "Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.c2VjcmV0.sig", "-H", "Content-Type: application/json", "-H", "X-Request-Id: abc-123",
				"--data", `{"name":"it's a \"test\"! 100% ünïcode","path":"C:\\tmp"}`, "--credentials", "-H", "Cookie: session=s3cr3t-cookie"}, -1, ""},
		{"post-text-cookie", "/app/wildcard-credentials", []string{"curl-bash", "curl-cmd", "powershell", "fetch", "fetch-node"},
			[]string{"-X", "POST", "-H", "Content-Type: text/plain;charset=UTF-8", "--data", "a=1&b=two words\nline2", "--credentials", "-H", "Cookie: session=s3cr3t-cookie"}, 1, "WildcardOriginNotAllowed"},
		{"patch-lowercase", "/app/lowercase-patch", []string{"curl-bash", "curl-cmd", "powershell", "fetch", "fetch-node"},
			[]string{"-X", "patch", "-H", "content-type: application/merge-patch+json", "--data", "{}"}, 1, "MethodDisallowedByPreflightResponse"},
		{"delete-blocked", "/aws/rest/authorizer-on-options", []string{"curl-bash", "curl-cmd", "powershell", "fetch", "fetch-node"},
			[]string{"-X", "DELETE", "-H", "X-Api-Key: k-secret-123"}, 1, ""},
		{"delete-blocked.preflight", "/aws/rest/authorizer-on-options", []string{"curl-bash", "curl-cmd", "powershell"},
			[]string{"-X", "DELETE", "-H", "x-api-key;"}, 1, ""},
	}
	for _, tc := range cases {
		for _, format := range tc.formats {
			t.Run(tc.scenario+tc.path+"/"+format, func(t *testing.T) {
				t.Parallel()
				text := capture(t, "chromium/"+tc.scenario+"."+format+".txt", base, tc.path, origin)
				flag := "--curl"
				if strings.HasPrefix(format, "fetch") {
					flag = "--fetch"
				}
				pout, perr, pcode := runFixed(t, "check", flag, text, "--repeat", "0", "--json")
				args := append([]string{"check", base + tc.path, "--origin", origin, "--repeat", "0", "--json"}, tc.flags...)
				if tc.scenario == "delete-blocked.preflight" {
					// -H 'x-api-key;' is curl's empty header; corsdoctor's -H takes "Name:".
					args = []string{"check", base + tc.path, "--origin", origin, "--repeat", "0", "--json", "-X", "DELETE", "-H", "x-api-key:"}
				}
				if format == "fetch" && !strings.Contains(text, `"credentials": "include"`) {
					// DevTools writes credentials: "omit" when the request
					// carried no cookie and no Authorization.
					args = append(args, "--credentials-mode", "omit")
				}
				fout, ferr, fcode := runFixed(t, args...)
				if pcode != fcode {
					t.Fatalf("paste exit %d (%s), flags exit %d (%s)", pcode, perr, fcode, ferr)
				}
				if tc.code >= 0 && pcode != tc.code {
					t.Errorf("exit %d, want %d; stderr %s", pcode, tc.code, perr)
				}
				pv, fv := verdictsOf(t, pout), verdictsOf(t, fout)
				if diff := cmp.Diff(fv, pv); diff != "" {
					t.Errorf("paste and flags disagree (-flags +paste):\n%s", diff)
				}
				if tc.want != "" && (len(pv) != 1 || pv[0].ChromiumError != tc.want) {
					t.Errorf("verdict %+v, want %s", pv, tc.want)
				}
				noSecrets(t, pout, perr)
				tout, _, _ := runFixed(t, "check", flag, text, "--repeat", "0")
				noSecrets(t, tout)
				if !strings.Contains(tout, "request read from the pasted") {
					t.Errorf("text report lacks the paste note:\n%s", tout)
				}
			})
		}
	}
}

// TestFirefoxPasteSameVerdict does the same with Firefox's Copy as cURL.
func TestFirefoxPasteSameVerdict(t *testing.T) {
	t.Parallel()
	base := labServer(t)
	for _, format := range []string{"curl-posix", "curl-win"} {
		t.Run(format, func(t *testing.T) {
			t.Parallel()
			text := capture(t, "firefox/put-json-auth."+format+".txt", base, "/aws/rest/header-not-allowed", lab.DevOrigin)
			pout, _, pcode := runFixed(t, "check", "--curl", text, "--repeat", "0", "--json")
			fout, _, fcode := runFixed(t, "check", base+"/aws/rest/header-not-allowed", "--origin", lab.DevOrigin, "--repeat", "0", "--json",
				"-X", "PUT", "-H", "Content-Type: application/json", "-H", "Authorization: Bearer x", "-H", "X-Request-Id: abc-123", "--data", "{}")
			if pcode != 1 || fcode != 1 {
				t.Fatalf("exit %d and %d, want 1", pcode, fcode)
			}
			if diff := cmp.Diff(verdictsOf(t, fout), verdictsOf(t, pout)); diff != "" {
				t.Errorf("paste and flags disagree (-flags +paste):\n%s", diff)
			}
			noSecrets(t, pout)
		})
	}
}

func TestExplainPasteGolden(t *testing.T) {
	t.Parallel()
	const dir = "testdata/paste/"
	for _, tc := range []struct {
		desc  string
		stdin string
		args  []string
		code  int
	}{
		{"curl-and-curl-i", "", []string{"--curl", "@" + dir + "chromium-put.curl-bash.txt", "--preflight-response", dir + "preflight.curl-i.txt"}, 1},
		{"curl-stdin-and-curl-v", "@" + dir + "chromium-put.curl-bash.txt", []string{"--curl", "-", "--preflight-response", dir + "preflight.curl-v.txt"}, 1},
		{"fetch-and-copied-headers", "", []string{"--fetch", "@" + dir + "chromium-put.fetch.txt", "--preflight-response", dir + "preflight.headers.txt", "--preflight-status", "200"}, 1},
		{"fetch-and-headers-pane", "", []string{"--fetch", "@" + dir + "chromium-put.fetch.txt", "--preflight-response", dir + "preflight.pane.txt", "--preflight-status", "200"}, 1},
		{"flags-override", "", []string{"--curl", "@" + dir + "chromium-put.curl-bash.txt", "--origin", "http://localhost:3000", "-X", "POST", "-H", "X-Request-Id: 7",
			"--credentials-mode", "omit", "--preflight-response", dir + "chromium-preflight.response-headers.txt"}, 1},
		{"plan-only", "", []string{"--curl", "@" + dir + "chromium-put.curl-bash.txt"}, 0},
	} {
		t.Run(tc.desc, func(t *testing.T) {
			t.Parallel()
			args := []string{"explain"}
			for _, a := range tc.args {
				if strings.HasPrefix(a, "@") {
					b, err := os.ReadFile(a[1:])
					if err != nil {
						t.Fatal(err)
					}
					a = string(b)
				}
				args = append(args, a)
			}
			stdin := tc.stdin
			if strings.HasPrefix(stdin, "@") {
				b, err := os.ReadFile(stdin[1:])
				if err != nil {
					t.Fatal(err)
				}
				stdin = string(b)
			}
			out, errOut, code := run(t, stdin, args...)
			if code != tc.code {
				t.Fatalf("exit %d, want %d; stderr: %s", code, tc.code, errOut)
			}
			golden.Check(t, "testdata/paste/"+tc.desc+".golden", []byte(out))
			jout, _, _ := run(t, stdin, append(args, "--json")...)
			noSecrets(t, out, errOut, jout)
		})
	}
}

func TestPasteBadInput(t *testing.T) {
	t.Parallel()
	put, err := os.ReadFile("testdata/paste/chromium-put.curl-bash.txt")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		desc, stdin string
		args        []string
		want, hint  string
	}{
		{"both", "", []string{"explain", "--curl", string(put), "--fetch", "fetch('https://a.example/')"}, "give one pasted request", ""},
		{"not a request", "", []string{"explain", "--curl", "hello world"}, "--curl: paste: not a curl command", "Copy as cURL"},
		{"empty stdin", "", []string{"check", "--curl", "-"}, "empty", "Copy as cURL"},
		{"unsupported option", "", []string{"check", "--curl", "curl https://a.example/ --frobnicate"}, `"--frobnicate" is not supported`, ""},
		{"file option refused", "", []string{"explain", "--curl", "curl https://a.example/ -d @/etc/passwd"}, "reads the body from a file", ""},
		{"no origin in the paste", "", []string{"explain", "--curl", "curl https://a.example/x -H 'X-A: 1'"}, "--origin: missing page origin", "no Origin or Referer"},
		{"no origin, check", "", []string{"check", "--curl", "curl https://a.example/x"}, "--origin: missing page origin", "no Origin or Referer"},
		{"no origin, browser", "", []string{"browser", "--curl", "curl https://a.example/x"}, "--origin: missing page origin", "no Origin or Referer"},
		{"two stdin readers", string(put), []string{"explain", "--curl", "-", "--response", "-"}, "can read standard input", ""},
		{"headers without status", "access-control-allow-origin: *\n", []string{"explain", "--curl", string(put), "--response", "-"}, "no status line", "--status CODE"},
		{"preflight headers without status", "access-control-allow-origin: *\n", []string{"explain", "--curl", string(put), "--preflight-response", "-"}, "no status line", "--preflight-status CODE"},
		{"status mismatch", "HTTP/1.1 403 Forbidden\n\n", []string{"explain", "--curl", string(put), "--response", "-", "--status", "200"}, "--status 200, but the response's status line says 403", ""},
		{"status out of range", "", []string{"explain", "--curl", string(put), "--response", "x", "--status", "42"}, "not an HTTP status code", ""},
		{"status without response", "", []string{"explain", "--curl", string(put), "--status", "200"}, "give --response too", ""},
		{"bad header lines", "hello world\n", []string{"explain", "--curl", string(put), "--response", "-", "--status", "200"}, `<stdin>:1: expected a header line`, ""},
	} {
		t.Run(tc.desc, func(t *testing.T) {
			t.Parallel()
			out, errOut, code := run(t, tc.stdin, tc.args...)
			if code != 2 {
				t.Fatalf("exit %d, want 2; stdout %s stderr %s", code, out, errOut)
			}
			if !strings.Contains(errOut, tc.want) || !strings.Contains(errOut, tc.hint) {
				t.Errorf("stderr %q, want %q and hint %q", errOut, tc.want, tc.hint)
			}
			noSecrets(t, out, errOut)
		})
	}
}

// TestBrowserPaste: browser --curl runs in Chromium what the page sent,
// the browser's own headers left out.
func TestBrowserPaste(t *testing.T) {
	t.Parallel()
	text := capture(t, "chromium/put-json-auth.curl-bash.txt", "https://api.example.com", "/items", "http://localhost:3000")
	var got browser.Request
	var out, errOut bytes.Buffer
	app := NewApp(&IO{In: strings.NewReader(""), Out: &out, ErrOut: &errOut})
	cmd := NewCmdBrowser(app, func(o *BrowserOptions) error {
		o.Observe = func(ctx context.Context, cfg browser.Config, req browser.Request) (*browser.Observation, error) {
			got = req
			return fakeObservation(req), nil
		}
		return runBrowser(context.Background(), o)
	})
	cmd.SilenceErrors, cmd.SilenceUsage = true, true
	cmd.SetArgs([]string{"--curl", text})
	cmd.Execute()
	if got.URL != "https://api.example.com/items" || got.Origin != "http://localhost:3000" || got.Method != "PUT" || got.Credentials != "include" {
		t.Errorf("request %+v", got)
	}
	var names []string
	for _, h := range got.Headers {
		names = append(names, h.Name)
	}
	if diff := cmp.Diff([]string{"Authorization", "Content-Type", "X-Request-Id"}, names); diff != "" {
		t.Errorf("page headers (-want +got):\n%s", diff)
	}
	if !got.HasBody || !strings.Contains(got.Body, "ünïcode") {
		t.Errorf("body %q", got.Body)
	}
	if !strings.Contains(out.String(), "cookies are not replayed") {
		t.Errorf("output lacks the cookie note:\n%s", out.String())
	}
	noSecrets(t, out.String(), errOut.String())
}
