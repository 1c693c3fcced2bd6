package cli

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/corsdoctor/corsdoctor/internal/golden"
)

// run executes corsdoctor in-process with buffer IO.
func run(t *testing.T, stdin string, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	var out, errOut bytes.Buffer
	code = Run(args, &IO{In: strings.NewReader(stdin), Out: &out, ErrOut: &errOut})
	return out.String(), errOut.String(), code
}

func writeFile(t *testing.T, name, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

const examples = "../../examples/"

func TestExplainGolden(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		desc string
		args []string
		code int
	}{
		{"apigw-missing-options", []string{"--url", "https://abc123.execute-api.eu-west-1.amazonaws.com/prod/items", "--origin", "https://app.example.com",
			"-X", "PUT", "-H", "Content-Type: application/json", "-H", "Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.secret", "--preflight-response", examples + "apigw-options-403.txt"}, 1},
		{"trailing-slash", []string{"--url", "https://api.example.com/items", "--origin", "https://app.example.com", "-X", "DELETE",
			"--preflight-response", examples + "preflight-trailing-slash.txt"}, 1},
		{"wildcard-credentials", []string{"--url", "https://api.example.com/items", "--origin", "https://app.example.com", "--credentials",
			"--response", examples + "response-wildcard.txt"}, 1},
		{"allowed-expose", []string{"--url", "https://api.example.com/items", "--origin", "https://app.example.com", "--expose", "X-Total-Count",
			"--response", examples + "response-wildcard.txt"}, 0},
		{"plan-only", []string{"--url", "https://api.example.com/items", "--origin", "http://localhost:3000", "-X", "patch",
			"-H", "Content-Type: application/json", "-H", "X-Request-Id: 42", "-H", "Accept-Language: fr-CH, fr;q=0.9"}, 0},
		{"xhr-preflight-missing-credentials", []string{"--url", "https://api.example.com/items", "--origin", "https://app.example.com", "--initiator", "xhr", "--credentials",
			"-X", "DELETE", "--preflight-response", examples + "preflight-trailing-slash.txt"}, 1},
		// Other browsers' verdicts: shown when they differ, all three with
		// --browser-engine all, one engine's as the report's with its name.
		{"engines-safari-loopback", []string{"--url", "http://localhost:8080/items", "--origin", "https://app.example.com",
			"--response", examples + "response-wildcard.txt"}, 0},
		{"engines-firefox-non-ascii", []string{"--url", "https://api.example.com/items", "--origin", "https://app.example.com",
			"-H", "Accept: text/\u00e9", "--response", examples + "response-wildcard.txt"}, 0},
		{"engines-all", []string{"--url", "https://api.example.com/items", "--origin", "https://app.example.com", "-X", "DELETE",
			"--preflight-response", examples + "preflight-trailing-slash.txt", "--browser-engine", "all"}, 1},
		{"engines-all-safari-loopback", []string{"--url", "http://localhost:8080/items", "--origin", "https://app.example.com",
			"--response", examples + "response-wildcard.txt", "--browser-engine", "all"}, 1},
		{"engines-firefox", []string{"--url", "https://api.example.com/items", "--origin", "https://app.example.com", "--credentials",
			"--response", examples + "response-wildcard.txt", "--browser-engine", "firefox"}, 1},
		{"engines-webkit", []string{"--url", "https://api.example.com/items", "--origin", "https://app.example.com", "-X", "DELETE",
			"--preflight-response", examples + "preflight-trailing-slash.txt", "--browser-engine", "webkit"}, 1},
	} {
		t.Run(tc.desc, func(t *testing.T) {
			t.Parallel()
			args := append([]string{"explain"}, tc.args...)
			out, errOut, code := run(t, "", args...)
			if code != tc.code {
				t.Fatalf("exit %d, want %d; stderr: %s", code, tc.code, errOut)
			}
			golden.Check(t, "testdata/explain/"+tc.desc+".txt", []byte(out))
			jout, _, jcode := run(t, "", append(args, "--json")...)
			if jcode != tc.code {
				t.Fatalf("--json exit %d, want %d", jcode, tc.code)
			}
			var doc map[string]any
			if err := json.Unmarshal([]byte(jout), &doc); err != nil {
				t.Fatalf("--json output is not JSON: %v", err)
			}
			golden.Check(t, "testdata/explain/"+tc.desc+".json", []byte(jout))
			if strings.Contains(out+jout, "eyJhbGciOiJIUzI1NiJ9") {
				t.Fatal("a secret header value reached the output")
			}
		})
	}
}

func TestExplainSchema(t *testing.T) {
	t.Parallel()
	out, _, _ := run(t, "", "explain", "--url", "https://api.example.com/items", "--origin", "https://app.example.com",
		"-X", "PUT", "--preflight-response", examples+"apigw-options-403.txt", "--json")
	var doc struct {
		Tool    string `json:"tool"`
		Version string `json:"version"`
		Results []struct {
			URL         string `json:"url"`
			Origin      string `json:"origin"`
			Method      string `json:"method"`
			Credentials string `json:"credentials"`
			Preflight   struct {
				Required bool                `json:"required"`
				Reasons  []string            `json:"reasons"`
				Sent     bool                `json:"sent"`
				Status   int                 `json:"status"`
				Headers  map[string][]string `json:"headers"`
			} `json:"preflight"`
			Actual struct {
				Sent bool `json:"sent"`
			} `json:"actual"`
			Allowed         bool            `json:"allowed"`
			BlockedAt       string          `json:"blocked_at"`
			ChromiumError   string          `json:"chromium_error"`
			FirefoxError    string          `json:"firefox_error"`
			ConsoleMessage  string          `json:"console_message"`
			ReadableHeaders map[string]bool `json:"readable_headers"`
			Findings        []struct {
				ID, Severity, Title, Detail, Fix string
			} `json:"findings"`
		} `json:"results"`
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatal(err)
	}
	r := doc.Results[0]
	switch {
	case doc.Tool != "corsdoctor" || doc.Version == "":
		t.Errorf("tool/version = %q/%q", doc.Tool, doc.Version)
	case !r.Preflight.Required || !r.Preflight.Sent || r.Preflight.Status != 403 || len(r.Preflight.Reasons) != 1:
		t.Errorf("preflight = %+v", r.Preflight)
	case r.Actual.Sent:
		t.Error("actual.sent must be false: no --response was given")
	case r.Allowed || r.BlockedAt != "preflight" || r.ChromiumError != "PreflightMissingAllowOriginHeader" || r.FirefoxError != "CORSMissingAllowOrigin":
		t.Errorf("verdict = %v %q %q %q", r.Allowed, r.BlockedAt, r.ChromiumError, r.FirefoxError)
	case r.ConsoleMessage != "Access to fetch at 'https://api.example.com/items' from origin 'https://app.example.com' has been blocked by CORS policy: Response to preflight request doesn't pass access control check: No 'Access-Control-Allow-Origin' header is present on the requested resource.":
		t.Errorf("console = %q", r.ConsoleMessage)
	case len(r.Findings) == 0 || r.Findings[0].ID != "CD1002" || r.Findings[0].Fix == "":
		t.Errorf("findings = %+v", r.Findings)
	}
}

func TestExplainStdin(t *testing.T) {
	t.Parallel()
	raw := "HTTP/1.1 200 OK\r\nAccess-Control-Allow-Origin: https://app.example.com\r\n\r\n"
	out, errOut, code := run(t, raw, "explain", "--url", "https://api.example.com/x", "--origin", "https://app.example.com", "--response", "-")
	if code != 0 || !strings.HasPrefix(out, "ALLOWED") {
		t.Fatalf("code %d, out %q, err %q", code, out, errOut)
	}
}

func TestExplainRedirectChain(t *testing.T) {
	t.Parallel()
	hop1 := writeFile(t, "hop1.txt", "HTTP/1.1 302 Found\nLocation: https://cdn.example.net/x\nAccess-Control-Allow-Origin: *\n")
	hop2 := writeFile(t, "hop2.txt", "HTTP/1.1 200 OK\nAccess-Control-Allow-Origin: https://app.example.com\n")
	out, _, code := run(t, "", "explain", "--url", "https://api.example.com/x", "--origin", "https://app.example.com",
		"--response", hop1, "--response", hop2, "--json")
	if code != 1 {
		t.Fatalf("exit %d, want 1 (origin tainted to null)", code)
	}
	for _, want := range []string{`"tainted": true`, `"chromium_error": "AllowOriginMismatch"`, `(redirected from 'https://api.example.com/x')`, `"CD1012"`} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %s", want)
		}
	}
}

func TestExplainBadInput(t *testing.T) {
	t.Parallel()
	bad := writeFile(t, "bad.txt", "HTTP/1.1 200 OK\nAccess-Control-Allow-Origin *\n")
	empty := writeFile(t, "empty.txt", "\n\n")
	for _, tc := range []struct {
		desc string
		args []string
		want string
	}{
		{"no url", []string{"--origin", "https://a.example"}, "--url: missing URL"},
		{"relative url", []string{"--url", "/items", "--origin", "https://a.example"}, "not an absolute URL"},
		{"ftp url", []string{"--url", "ftp://x.example/f", "--origin", "https://a.example"}, `unsupported scheme "ftp"`},
		{"no origin", []string{"--url", "https://x.example/"}, "--origin: missing page origin"},
		{"origin with slash", []string{"--url", "https://x.example/", "--origin", "https://a.example/"}, "corsdoctor: hint: use --origin https://a.example"},
		{"origin without scheme", []string{"--url", "https://x.example/", "--origin", "a.example"}, "missing scheme"},
		{"bad header flag", []string{"--url", "https://x.example/", "--origin", "https://a.example", "-H", "NoColon"}, `expected "Name: value"`},
		{"bad response line", []string{"--url", "https://x.example/", "--origin", "https://a.example", "--response", bad}, "bad.txt:2: header line without a colon"},
		{"empty response", []string{"--url", "https://x.example/", "--origin", "https://a.example", "--response", empty}, "no HTTP response found"},
		{"missing file", []string{"--url", "https://x.example/", "--origin", "https://a.example", "--response", "/nonexistent/r.txt"}, "no such file"},
		{"unknown flag", []string{"--bogus"}, "unknown flag: --bogus"},
		{"bad credentials mode", []string{"--url", "https://x.example/", "--origin", "https://a.example", "--credentials-mode", "always"}, `unknown mode "always"`},
		{"two stdin", []string{"--url", "https://x.example/", "--origin", "https://a.example", "--response", "-", "--preflight-response", "-"}, "only one of"},
	} {
		t.Run(tc.desc, func(t *testing.T) {
			t.Parallel()
			out, errOut, code := run(t, "", append([]string{"explain"}, tc.args...)...)
			if code != 2 {
				t.Fatalf("exit %d, want 2; stderr %q", code, errOut)
			}
			if out != "" {
				t.Errorf("stdout must stay empty on errors, got %q", out)
			}
			if !strings.HasPrefix(errOut, "corsdoctor: error: ") || !strings.Contains(errOut, tc.want) {
				t.Fatalf("stderr = %q, want it to contain %q", errOut, tc.want)
			}
		})
	}
}

func TestExplainRunF(t *testing.T) {
	t.Parallel()
	var got *ExplainOptions
	app := NewApp(&IO{In: strings.NewReader(""), Out: &bytes.Buffer{}, ErrOut: &bytes.Buffer{}})
	cmd := NewCmdExplain(app, func(o *ExplainOptions) error { got = o; return nil })
	cmd.SetArgs([]string{"--url", "https://x.example/", "--origin", "https://a.example", "-X", "PUT", "-H", "A: 1", "-H", "B: 2", "--response", "r1", "--response", "r2", "--credentials"})
	if err := cmd.Execute(); err != nil {
		t.Fatal(err)
	}
	if got.Request.Method != "PUT" || len(got.Request.Headers) != 2 || len(got.Responses) != 2 || !got.Request.Credentials {
		t.Fatalf("parsed options = %+v", got)
	}
}

// TestExplainNetworkError: "no response" is describable offline, and the
// not-a-CORS-problem rule ranks first with what the error means.
func TestExplainNetworkError(t *testing.T) {
	t.Parallel()
	base := []string{"explain", "--url", "https://api.example.com/items", "--origin", "https://app.example.com"}
	for _, tc := range []struct {
		desc  string
		args  []string
		code  int
		wants []string
	}{
		{"DNS", []string{"--network-error", "net::ERR_NAME_NOT_RESOLVED"}, 1, []string{"CD1026", "does not resolve", "Actual request: no response"}},
		{"without net::", []string{"--network-error", "ERR_CONNECTION_REFUSED"}, 1, []string{"CD1026", "net::ERR_CONNECTION_REFUSED", "connection to the server failed"}},
		{"ad blocker", []string{"--network-error", "net::ERR_BLOCKED_BY_CLIENT"}, 1, []string{"CD1026", "extension"}},
		{"certificate on the preflight", []string{"-X", "PUT", "--network-error", "net::ERR_CERT_AUTHORITY_INVALID"}, 1, []string{"CD1026", "TLS certificate", "(no preflight response)"}},
		{"mixed content", []string{"--network-error", "mixed-content"}, 1, []string{"CD1026", "mixed content"}},
		{"after a passing preflight", []string{"-X", "DELETE", "--preflight-response", "PASSING", "--network-error", "net::ERR_CONNECTION_RESET"}, 1, []string{"CD1026", "-> 204", "Actual request: no response"}},
	} {
		t.Run(tc.desc, func(t *testing.T) {
			t.Parallel()
			for i, a := range tc.args {
				if a == "PASSING" {
					tc.args[i] = writeFile(t, "pre.txt", "HTTP/1.1 204 No Content\r\nAccess-Control-Allow-Origin: https://app.example.com\r\nAccess-Control-Allow-Methods: DELETE\r\n\r\n")
				}
			}
			out, errOut, code := run(t, "", append(append([]string{}, base...), tc.args...)...)
			if code != tc.code {
				t.Fatalf("exit %d, want %d; stderr %s\n%s", code, tc.code, errOut, out)
			}
			for _, w := range tc.wants {
				if !strings.Contains(out, w) {
					t.Errorf("output lacks %q:\n%s", w, out)
				}
			}
			if !strings.Contains(out, "1. error CD1026") && tc.wants[0] == "CD1026" {
				t.Errorf("CD1026 is not ranked first:\n%s", out)
			}
		})
	}
	for _, tc := range []struct{ desc, arg, want string }{
		{"not a net error name", "timeout", "not a Chromium network error name"},
		{"lower case", "net::err_failed", "not a Chromium network error name"},
	} {
		_, errOut, code := run(t, "", append(append([]string{}, base...), "--network-error", tc.arg)...)
		if code != 2 || !strings.Contains(errOut, tc.want) {
			t.Errorf("%s: exit %d, stderr %q", tc.desc, code, errOut)
		}
	}
	_, errOut, code := run(t, "", append(append([]string{}, base...), "--response", examples+"response-wildcard.txt", "--network-error", "net::ERR_FAILED")...)
	if code != 2 || !strings.Contains(errOut, "already decide") {
		t.Errorf("network error with a complete chain: exit %d, stderr %q", code, errOut)
	}
}
