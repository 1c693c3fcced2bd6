package cli

import (
	"bytes"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/corsdoctor/corsdoctor/collect/browser"
	"github.com/corsdoctor/corsdoctor/internal/hostile"
	"github.com/corsdoctor/corsdoctor/internal/termsafe"
)

// hangGuard is the generous bound of one command against the hostile
// server: a hang guard, not a performance target (those are in
// BENCHMARKS.md).
const hangGuard = 2 * time.Minute

// runGuarded runs corsdoctor in-process and fails the test if it does
// not return within hangGuard.
func runGuarded(t *testing.T, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	type result struct {
		out, errOut string
		code        int
	}
	done := make(chan result, 1)
	go func() {
		var out, errOut bytes.Buffer
		code := Run(args, &IO{In: strings.NewReader(""), Out: &out, ErrOut: &errOut})
		done <- result{out.String(), errOut.String(), code}
	}()
	select {
	case r := <-done:
		return r.out, r.errOut, r.code
	case <-time.After(hangGuard):
		t.Fatalf("corsdoctor %s did not return within %s", strings.Join(args, " "), hangGuard)
	}
	return "", "", 0
}

// expectRun checks a run's exit code and that its standard output and
// error hold the given texts.
func expectRun(t *testing.T, out, errOut string, code, wantCode int, stdout, stderr []string) {
	t.Helper()
	if code != wantCode {
		t.Errorf("exit %d, want %d\nstdout:\n%.3000s\nstderr:\n%s", code, wantCode, out, errOut)
	}
	for _, w := range stdout {
		if !strings.Contains(out, w) {
			t.Errorf("stdout lacks %q:\n%.3000s", w, out)
		}
	}
	for _, w := range stderr {
		if !strings.Contains(errOut, w) {
			t.Errorf("stderr lacks %q: %s", w, errOut)
		}
	}
}

// terminalSafe fails when a line of s holds a character a terminal
// interprets (termsafe).
func terminalSafe(t *testing.T, what, s string) {
	t.Helper()
	for i, l := range strings.Split(s, "\n") {
		if !termsafe.Safe(l) {
			t.Errorf("%s line %d is not safe for a terminal: %q", what, i+1, l)
		}
	}
}

// TestCheckHostileServer: check against a server that misbehaves in
// every way the adversarial pass tried. Each case states the exit code
// and what the user must read; every output is safe for a terminal.
func TestCheckHostileServer(t *testing.T) {
	t.Parallel()
	h := hostile.Start(t)
	base := []string{"--origin", "https://app.example.com", "--repeat", "0", "--timeout", "2s"}
	for _, tc := range []struct {
		desc   string
		url    string
		args   []string
		code   int
		stdout []string
		stderr []string
		notIn  []string // in neither stream
	}{
		{desc: "control characters in the reason phrase and header values", url: h.URL + "/ctl", code: ExitFindings,
			stdout: []string{`\x1b]0;owned\x07\x1b[2J\x1b[H\x08\x08\rALLOWED`, `https://evil.example\u009b2J\u202egnp.`}},
		{desc: "a 200 KiB header is shortened in text, with its length", url: h.URL + "/big-header", code: ExitFindings,
			stdout: []string{fmt.Sprintf("... (%d bytes)", len("https://app.example.com")+200<<10)}},
		{desc: "1 MiB of headers: over the cap", url: h.URL + "/huge-headers", code: ExitUsage,
			stderr: []string{"response headers larger than 256 KiB"}},
		{desc: "a header line without a colon says what is malformed", url: h.URL + "/malformed", code: ExitUsage,
			stderr: []string{`invalid HTTP response: malformed MIME header: missing colon: "Access-Control-Allow-Or"`}},
		{desc: "headers dripped one byte at a time", url: h.URL + "/drip", code: ExitUsage,
			stderr: []string{"timed out after 2s"}},
		{desc: "connection reset", url: h.URL + "/reset", code: ExitUsage,
			stderr: []string{"connection reset by the server"}},
		{desc: "endless redirects end at Chromium's limit", url: h.URL + "/loop", code: ExitFindings,
			stdout: []string{"BLOCKED"}},
		{desc: "credentials do not follow a redirect to another host", url: h.URL + "/cross-host",
			args: []string{"--credentials", "-H", "Cookie: sid=c00k1e-s3cr3t", "-H", "X-Api-Key: k3y-s3cr3t"}, code: ExitOK,
			stdout: []string{"Cookie, X-Api-Key not sent to " + h.OtherURL + "/collect"}, notIn: []string{"c00k1e-s3cr3t", "k3y-s3cr3t"}},
		{desc: "gzip bomb", url: h.URL + "/gzip-bomb", code: ExitOK, stdout: []string{"ALLOWED"}},
		{desc: "untrusted TLS certificate", url: h.TLSURL + "/ok", code: ExitUsage,
			stderr: []string{"TLS certificate not trusted", "--insecure"}},
		{desc: "plain HTTP on an https port", url: h.BadTLSURL + "/ok", code: ExitUsage,
			stderr: []string{"does not speak TLS"}},
		{desc: "--data @/dev/zero is capped", url: h.URL + "/ok", args: []string{"-X", "POST", "--data", "@/dev/zero"}, code: ExitUsage,
			stderr: []string{"--data: /dev/zero: larger than 8 MiB"}},
	} {
		t.Run(tc.desc, func(t *testing.T) {
			t.Parallel()
			args := append(append([]string{"check", tc.url}, base...), tc.args...)
			out, errOut, code := runGuarded(t, args...)
			expectRun(t, out, errOut, code, tc.code, tc.stdout, tc.stderr)
			for _, w := range tc.notIn {
				if strings.Contains(out+errOut, w) {
					t.Errorf("output holds %q", w)
				}
			}
			terminalSafe(t, "stdout", out)
			terminalSafe(t, "stderr", errOut)
			if len(out) > 128<<10 {
				t.Errorf("text output of %d bytes: long values are not shortened", len(out))
			}
		})
	}

	t.Run("the other host never got the credentials", func(t *testing.T) {
		// Runs after the parallel cases above (subtests of a parallel
		// test wait for each other only here): check again, directly.
		runGuarded(t, append(append([]string{"check", h.URL + "/cross-host"}, base...), "--credentials", "-H", "Cookie: sid=c00k1e-s3cr3t", "-H", "X-Api-Key: k3y-s3cr3t")...)
		got := h.ReceivedOn(h.OtherURL)
		if len(got) == 0 {
			t.Fatal("the redirect was not followed")
		}
		for _, r := range got {
			if r.Header.Get("Cookie") != "" || r.Header.Get("X-Api-Key") != "" {
				t.Errorf("%s %s on %s got Cookie %q, X-Api-Key %q", r.Method, r.Path, r.Host, r.Header.Get("Cookie"), r.Header.Get("X-Api-Key"))
			}
		}
		sent := false
		for _, r := range h.ReceivedOn(h.URL) {
			sent = sent || r.Path == "/cross-host" && r.Header.Get("Cookie") == "sid=c00k1e-s3cr3t"
		}
		if !sent {
			t.Error("the host the cookie was given for did not get it")
		}
	})

	t.Run("JSON keeps long values whole", func(t *testing.T) {
		out, _, _ := runGuarded(t, append(append([]string{"check", h.URL + "/big-header?n=100000"}, base...), "--json")...)
		if !strings.Contains(out, strings.Repeat("b", 100000)) {
			t.Errorf("--json shortened the 100000-byte header")
		}
	})

	t.Run("the gzip bomb was not read to the end", func(t *testing.T) {
		runGuarded(t, append([]string{"check", h.URL + "/gzip-bomb"}, base...)...)
		if w := h.BombWritten.Load(); w >= hostile.BombSize() {
			t.Errorf("the client read the whole bomb (%d bytes)", w)
		}
	})
}

// TestUntrustedTextIsEscaped: control characters in pasted responses
// (explain), HAR strings (har) and log fields (logs) reach the terminal
// escaped, never raw.
func TestUntrustedTextIsEscaped(t *testing.T) {
	t.Parallel()
	const esc = "\x1b]0;owned\x07\x1b[2J"
	resp := writeFile(t, "resp.txt", "HTTP/1.1 403 Forbidden"+esc+"\r\nAccess-Control-Allow-Origin: https://evil.example\u009b2J\u202e\r\nX-Amzn-ErrorType: Bad"+esc+"\r\n\r\n")
	harFile := writeFile(t, "x.har", `{"log":{"version":"1.2","creator":{"name":"Evil\u001b]0;owned\u0007","version":"1"},"entries":[`+
		`{"startedDateTime":"2026-01-02T03:04:05Z","_resourceType":"fetch","request":{"method":"GET","url":"https://api.example.com/x\u001b[2J","headers":[{"name":"Origin","value":"https://app.example.com"}]},`+
		`"response":{"status":200,"statusText":"OK\u001b[2J\r","headers":[{"name":"Access-Control-Allow-Origin","value":"https://other.example\u001b]0;x\u0007"}]}}]}}`)
	logFile := writeFile(t, "api.log", strings.Repeat(`{"httpMethod":"OPTIONS","resourcePath":"/items\u001b[2J\r","status":"403","requestTime":"20/Nov/2026:14:00:00 +0000","errorMessage":"Forbidden\u001b]0;owned\u0007","origin":"https://app.example.com\u001b[8m"}`+"\n", 30))
	for _, tc := range []struct {
		desc string
		args []string
	}{
		{"explain", []string{"explain", "--url", "https://api.example.com/x", "--origin", "https://app.example.com", "--response", resp}},
		{"har", []string{"har", harFile}},
		{"har --all", []string{"har", "--all", harFile}},
		{"logs", []string{"logs", logFile}},
	} {
		t.Run(tc.desc, func(t *testing.T) {
			t.Parallel()
			out, errOut, code := runGuarded(t, tc.args...)
			if code == ExitUsage {
				t.Fatalf("exit 2: %s", errOut)
			}
			terminalSafe(t, "stdout", out)
			terminalSafe(t, "stderr", errOut)
			if !strings.Contains(out, `\x1b`) {
				t.Errorf("the control characters are not shown escaped:\n%s", out)
			}
		})
	}
}

// TestScanHostileServer: scan gives every hostile target one record in
// bounded time, says what failed in words, and prints nothing raw; the
// record of the control-character target escapes it on the terminal and
// keeps it (escaped by JSON) in --json.
func TestScanHostileServer(t *testing.T) {
	t.Parallel()
	h := hostile.Start(t)
	// The drip target must time out, so it runs with a short --timeout;
	// every other target must get its own outcome, so they run with a
	// timeout no loaded machine reaches (a 2 s limit for all turned a
	// slow answer into "no response within 2s" under load). The hang
	// guard of runGuarded still bounds each run.
	runs := []struct {
		timeout string
		targets map[string]string
	}{
		{"2s", map[string]string{h.URL + "/drip": "no response within 2s"}},
		{"60s", map[string]string{
			h.URL + "/ctl":          "",
			h.URL + "/huge-headers": "response headers larger than 256 KiB",
			h.URL + "/malformed":    "invalid HTTP response",
			h.URL + "/reset":        "connection reset",
			h.URL + "/loop":         "",
			h.URL + "/gzip-bomb":    "",
			h.TLSURL + "/ok":        "certificate",
			h.BadTLSURL + "/ok":     "HTTP response to HTTPS client",
		}},
	}
	for _, run := range runs {
		args := []string{"scan", "--timeout", run.timeout, "--retries", "0", "--trusted-origin", "https://app.example.com", "-c", "9"}
		for u := range run.targets {
			args = append(args, u)
		}
		out, errOut, code := runGuarded(t, args...)
		if code != ExitUsage && code != ExitFindings {
			t.Errorf("--timeout %s: exit %d, want 1 or 2 (failed targets)", run.timeout, code)
		}
		terminalSafe(t, "stdout", out)
		terminalSafe(t, "stderr", errOut)
		for u, want := range run.targets {
			var line string
			for _, l := range strings.Split(out, "\n") {
				if strings.Contains(l, " "+u+" ") || strings.HasSuffix(l, " "+u) || strings.Contains(l, " "+u+":") {
					line = l
					break
				}
			}
			if line == "" {
				t.Errorf("%s: no record in\n%s", u, out)
				continue
			}
			if want != "" && !strings.Contains(line, want) {
				t.Errorf("%s: %q lacks %q", u, line, want)
			}
		}
	}
	if w := h.BombWritten.Load(); w >= hostile.BombSize() {
		t.Errorf("scan read the whole gzip bomb (%d bytes)", w)
	}

	jout, _, _ := runGuarded(t, "scan", "--json", "--timeout", "60s", "--trusted-origin", "https://app.example.com", h.URL+"/ctl")
	terminalSafe(t, "--json", jout)
}

// TestBrowserHostileServer: browser against the hostile server in real
// Chromium: control characters reach the terminal escaped, an API key
// does not follow a redirect to another host (and the report says so),
// endless redirects and oversized headers end as Chromium ends them.
func TestBrowserHostileServer(t *testing.T) {
	t.Parallel()
	if _, err := browser.FindChromium(); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("CI=true and Chromium is missing: %v", err)
		}
		t.Skipf("no Chromium: %v", err)
	}
	h := hostile.Start(t)
	for _, tc := range []struct {
		desc   string
		url    string
		args   []string
		code   int
		stdout []string
		stderr []string
	}{
		{desc: "control characters", url: h.URL + "/ctl", code: ExitFindings, stdout: []string{`\u009b2J\u202e`}},
		{desc: "API key stays on its host", url: h.URL + "/cross-host", args: []string{"-H", "X-Api-Key: k3y-s3cr3t"}, code: ExitOK,
			stdout: []string{"X-Api-Key not sent to " + h.OtherURL + "/collect"}},
		{desc: "endless redirects", url: h.URL + "/loop", code: ExitFindings, stdout: []string{"net::ERR_TOO_MANY_REDIRECTS"}},
		{desc: "oversized headers", url: h.URL + "/huge-headers", code: ExitUsage, stderr: []string{"net::ERR_RESPONSE_HEADERS_TOO_BIG"}},
	} {
		t.Run(tc.desc, func(t *testing.T) {
			args := append([]string{"browser", tc.url, "--origin", "http://localhost:5173", "--timeout", "60s"}, tc.args...)
			out, errOut, code := runGuarded(t, args...)
			expectRun(t, out, errOut, code, tc.code, tc.stdout, tc.stderr)
			if strings.Contains(out+errOut, "k3y-s3cr3t") {
				t.Error("the API key is printed")
			}
			terminalSafe(t, "stdout", out)
			terminalSafe(t, "stderr", errOut)
		})
	}
	for _, r := range h.ReceivedOn(h.OtherURL) {
		if v := r.Header.Get("X-Api-Key"); v != "" {
			t.Errorf("%s %s on the other host got X-Api-Key %q", r.Method, r.Path, v)
		}
	}
}

// TestSecretsInURLsAndTokenHeaders: secrets in the URL (query values,
// userinfo) and token headers never reach any output of check, explain
// or scan unless --show-secrets; with it they do.
func TestSecretsInURLsAndTokenHeaders(t *testing.T) {
	t.Parallel()
	h := hostile.Start(t)
	const sig, tok = "S1GNATURE0000", "T0KEN00000"
	u := h.URL + "/ok?X-Amz-Signature=" + sig + "&page=2"
	resp := writeFile(t, "resp.txt", "HTTP/1.1 302 Found\r\nLocation: https://b.example/cb?code="+sig+"\r\n\r\n")
	for _, tc := range []struct {
		desc string
		args []string
	}{
		{"check text", []string{"check", u, "--origin", "https://app.example.com", "--repeat", "0", "-H", "X-Auth-Token: " + tok}},
		{"check json", []string{"check", u, "--origin", "https://app.example.com", "--repeat", "0", "-H", "X-Auth-Token: " + tok, "--json"}},
		{"explain", []string{"explain", "--url", "https://user:" + tok + "@api.example.com/x?access_token=" + sig, "--origin", "https://app.example.com", "--response", resp}},
		{"scan json", []string{"scan", u, "--json", "--timeout", "2s", "-H", "X-Auth-Token: " + tok}},
	} {
		t.Run(tc.desc, func(t *testing.T) {
			t.Parallel()
			out, errOut, _ := runGuarded(t, tc.args...)
			if strings.Contains(out+errOut, sig) || strings.Contains(out+errOut, tok) {
				t.Errorf("a secret is printed:\n%.4000s\n%s", out, errOut)
			}
			if !strings.Contains(out, "[redacted]") {
				t.Errorf("nothing says [redacted]:\n%.3000s", out)
			}
			out, _, _ = runGuarded(t, append(tc.args, "--show-secrets")...)
			if !strings.Contains(out, sig) {
				t.Errorf("--show-secrets hides the URL's secret:\n%.3000s", out)
			}
		})
	}
}
