package browser

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/corsdoctor/corsdoctor/cors"
)

func TestFindChromiumMissing(t *testing.T) {
	t.Setenv("CHROME_PATH", filepath.Join(t.TempDir(), "no-chromium"))
	_, err := FindChromium()
	if !errors.Is(err, ErrNoChromium) {
		t.Fatalf("FindChromium() error = %v, want ErrNoChromium", err)
	}
	if !strings.Contains(err.Error(), "apt-get install -y chromium") || !strings.Contains(err.Error(), "CHROME_PATH") {
		t.Errorf("error %q does not say how to install Chromium", err)
	}
	_, err = Start(context.Background(), Config{})
	if !errors.Is(err, ErrNoChromium) {
		t.Errorf("Start() error = %v, want ErrNoChromium", err)
	}
}

func TestStartBadExecPath(t *testing.T) {
	t.Parallel()
	_, err := Start(context.Background(), Config{ExecPath: filepath.Join(t.TempDir(), "chromium")})
	var nc *NoChromiumError
	if !errors.As(err, &nc) || nc.Install == "" {
		t.Fatalf("Start() error = %v, want *NoChromiumError with an install command", err)
	}
}

func TestInstallCommand(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ desc, goos, want string }{
		{"debian", "linux", "apt-get install -y chromium"},
		{"mac", "darwin", "brew install --cask chromium"},
		{"windows", "windows", "winget install Hibbiki.Chromium"},
	} {
		t.Run(tc.desc, func(t *testing.T) {
			if got := InstallCommand(tc.goos); got != tc.want {
				t.Errorf("InstallCommand(%q) = %q, want %q", tc.goos, got, tc.want)
			}
		})
	}
}

func TestCheckOrigin(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		desc, in, want, errHas string
	}{
		{desc: "https", in: "https://app.example.com", want: "https://app.example.com"},
		{desc: "privileged port needs no privilege", in: "http://app.example.com:81", want: "http://app.example.com:81"},
		{desc: "localhost dev server", in: "http://localhost:3000", want: "http://localhost:3000"},
		{desc: "null", in: "null", want: "null"},
		{desc: "trailing slash", in: "https://app.example.com/", errHas: "use --origin https://app.example.com"},
		{desc: "path", in: "https://app.example.com/app", errHas: "use --origin https://app.example.com"},
		{desc: "no scheme", in: "app.example.com", errHas: "use --origin https://app.example.com"},
		{desc: "file page", in: "file://host", errHas: "use --origin null"},
		{desc: "extension", in: "chrome-extension://abcdef", errHas: "only http and https pages"},
		{desc: "empty", in: "", errHas: "empty"},
	} {
		t.Run(tc.desc, func(t *testing.T) {
			got, err := CheckOrigin(tc.in)
			if tc.errHas != "" {
				if err == nil || !strings.Contains(err.Error(), tc.errHas) {
					t.Fatalf("CheckOrigin(%q) = %q, %v; want error containing %q", tc.in, got, err, tc.errHas)
				}
				return
			}
			if err != nil || got != tc.want {
				t.Fatalf("CheckOrigin(%q) = %q, %v; want %q", tc.in, got, err, tc.want)
			}
		})
	}
}

// noDisagreement fails the test when the engine and Chromium differ.
func noDisagreement(t *testing.T, obs *Observation) cors.Result {
	t.Helper()
	res, ds := Compare(obs)
	if len(ds) > 0 {
		t.Errorf("engine and Chromium disagree:\n%s", BugReport(obs, ds))
	}
	return res
}

func readable(obs *Observation, name string) (string, bool) {
	for _, h := range obs.Readable {
		if strings.EqualFold(h.Name, name) {
			return h.Value, true
		}
	}
	return "", false
}

func TestOrigins(t *testing.T) {
	b := chromiumOrSkip(t)
	for _, tc := range []struct {
		desc, origin, url string
		allowed           bool
		seen              string // Origin header the server saw
		consoleHas        string
	}{
		{desc: "https page, https API", origin: "https://secure.example.test",
			url: tlsURL("/t/echo?acao=https://secure.example.test"), allowed: true, seen: "https://secure.example.test"},
		{desc: "https page, http API: mixed content", origin: "https://secure.example.test",
			url: apiURL("/t/echo?acao=*"), consoleHas: "Mixed Content"},
		{desc: "sandboxed page has origin null", origin: "null", url: apiURL("/t/echo?acao=null"), allowed: true, seen: "null"},
		{desc: "null origin, named origin allowed", origin: "null", url: apiURL("/t/echo?acao=" + url.QueryEscape(appOrigin)),
			consoleHas: "from origin 'null' has been blocked by CORS policy"},
		{desc: "mapped page origin", origin: appOrigin, url: apiURL("/t/echo?acao=" + url.QueryEscape(appOrigin)), allowed: true, seen: appOrigin},
	} {
		t.Run(tc.desc, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			obs, err := b.Run(ctx, Request{Origin: tc.origin, URL: tc.url})
			if err != nil {
				t.Fatal(err)
			}
			if obs.Allowed != tc.allowed {
				t.Fatalf("allowed = %t, want %t (console %q, script %q)", obs.Allowed, tc.allowed, obs.Console, obs.ScriptError)
			}
			if tc.seen != "" {
				if v, _ := readable(obs, "X-Seen-Origin"); v != tc.seen {
					t.Errorf("server saw Origin %q, want %q", v, tc.seen)
				}
			}
			if !strings.Contains(obs.Console, tc.consoleHas) {
				t.Errorf("console %q does not contain %q", obs.Console, tc.consoleHas)
			}
			if !tc.allowed && obs.ScriptError != "TypeError: Failed to fetch" {
				t.Errorf("script error = %q, want TypeError: Failed to fetch", obs.ScriptError)
			}
			noDisagreement(t, obs)
		})
	}
}

func TestRunReportsPreflightAndHeaders(t *testing.T) {
	b := chromiumOrSkip(t)
	obs, err := b.Run(context.Background(), Request{Origin: appOrigin, URL: apiURL("/t/echo?acao=" + url.QueryEscape(appOrigin)),
		Method: "patch", Headers: []cors.Header{{Name: "X-Trace", Value: "1"}}, HasBody: true, Body: "{}",
		Expose: []string{"X-Seen-Origin", "X-Missing"}})
	if err != nil {
		t.Fatal(err)
	}
	// 'patch' is not normalized: the preflight asks for it as written and
	// the echo server allows exactly that.
	if !obs.Allowed || !obs.PreflightSent || len(obs.Hops) != 1 || obs.Hops[0].Preflight == nil {
		t.Fatalf("allowed %t, preflight %t, hops %+v", obs.Allowed, obs.PreflightSent, obs.Hops)
	}
	pf := obs.Hops[0].Preflight
	if m, _ := pf.RequestHeader("Access-Control-Request-Method"); m != "patch" || pf.Method != "OPTIONS" || pf.Status != 204 {
		t.Errorf("preflight %s status %d, ACRM %q; want OPTIONS 204 patch", pf.Method, pf.Status, m)
	}
	if h, _ := pf.RequestHeader("Access-Control-Request-Headers"); h != "x-trace" {
		t.Errorf("ACRH = %q, want x-trace", h)
	}
	act := obs.Hops[0].Actual
	if act == nil || act.Method != "patch" || act.Status != 200 || act.Header.Get("X-Seen-Origin") != appOrigin {
		t.Errorf("actual = %+v", act)
	}
	want := []ReadCheck{{Name: "X-Seen-Origin", Readable: true, Value: appOrigin}, {Name: "X-Missing"}}
	if len(obs.Expose) != 2 || obs.Expose[0] != want[0] || obs.Expose[1] != want[1] {
		t.Errorf("expose = %+v, want %+v", obs.Expose, want)
	}
	if obs.Elapsed <= 0 {
		t.Errorf("elapsed = %s", obs.Elapsed)
	}
	res := noDisagreement(t, obs)
	if !res.Allowed || !res.PreflightSent {
		t.Errorf("engine: allowed %t, preflight %t", res.Allowed, res.PreflightSent)
	}
}

func TestObserve(t *testing.T) {
	chromiumOrSkip(t)
	obs, err := Observe(context.Background(), Config{}, Request{Origin: "http://localhost:3000", URL: fmt.Sprintf("http://127.0.0.1:%d/t/echo?acao=http://localhost:3000", shared.port)})
	if err != nil {
		t.Fatal(err)
	}
	if v, _ := readable(obs, "X-Seen-Origin"); !obs.Allowed || v != "http://localhost:3000" {
		t.Errorf("allowed %t, server saw Origin %q", obs.Allowed, v)
	}
	if n := len(leaked(t)); n > 0 {
		t.Errorf("Observe left %d Chromium processes", n)
	}
}

func TestRunTimeoutKeepsBrowserUsable(t *testing.T) {
	b := chromiumOrSkip(t)
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := b.Run(ctx, Request{Origin: appOrigin, URL: apiURL("/t/hang")})
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Run() error = %v, want a deadline error", err)
	}
	// /t/hang answers after 5 minutes: returning within the generous
	// guard means the 300 ms deadline was honoured (a hang guard, not a
	// timing target).
	if d := time.Since(start); d > time.Minute {
		t.Errorf("Run() returned after %s; the wait is not bounded", d)
	}
	obs, err := b.Run(context.Background(), Request{Origin: appOrigin, URL: apiURL("/t/echo?acao=*")})
	if err != nil || !obs.Allowed {
		t.Fatalf("after a timeout: %v, %+v", err, obs)
	}
}

// leaked lists live processes that use a corsdoctor profile directory
// which no longer exists: a browser whose Close did not kill it.
func leaked(t *testing.T) []int {
	t.Helper()
	var out []int
	entries, _ := os.ReadDir("/proc")
	prefix := "--user-data-dir=" + filepath.Join(os.TempDir(), "corsdoctor-chromium-")
	for _, e := range entries {
		cmd, err := os.ReadFile(filepath.Join("/proc", e.Name(), "cmdline"))
		if err != nil {
			continue
		}
		for _, arg := range strings.Split(string(cmd), "\x00") {
			if dir, ok := strings.CutPrefix(arg, "--user-data-dir="); ok && strings.HasPrefix(arg, prefix) {
				if _, err := os.Stat(dir); os.IsNotExist(err) && len(Processes(dir)) > 0 {
					out = append(out, len(out))
				}
			}
		}
	}
	return out
}

func TestNoProcessLeft(t *testing.T) {
	chromiumOrSkip(t) // the shared test server, and the skip
	for _, tc := range []struct {
		desc string
		run  func(t *testing.T, b *Browser)
	}{
		{"after a run", func(t *testing.T, b *Browser) {
			if _, err := b.Run(context.Background(), Request{Origin: "http://app.localhost:3000", URL: apiURL("/t/echo?acao=*")}); err != nil {
				t.Fatal(err)
			}
		}},
		{"after a timeout", func(t *testing.T, b *Browser) {
			ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
			defer cancel()
			if _, err := b.Run(ctx, Request{Origin: "http://app.localhost:3000", URL: apiURL("/t/hang")}); err == nil {
				t.Fatal("a hanging request did not time out")
			}
		}},
		{"after a cancel", func(t *testing.T, b *Browser) {
			ctx, cancel := context.WithCancel(context.Background())
			time.AfterFunc(100*time.Millisecond, cancel)
			if _, err := b.Run(ctx, Request{Origin: "http://app.localhost:3000", URL: apiURL("/t/hang")}); !errors.Is(err, context.Canceled) {
				t.Fatalf("Run() error = %v, want context.Canceled", err)
			}
		}},
	} {
		t.Run(tc.desc, func(t *testing.T) {
			b, err := Start(context.Background(), Config{Origins: []string{"http://app.localhost:3000"},
				HostRules: []string{"MAP " + apiHost + " 127.0.0.1"}})
			if err != nil {
				t.Fatal(err)
			}
			defer b.Close() // after a failed check too; Close is idempotent
			dir := b.UserDataDir()
			tc.run(t, b)
			if len(Processes(dir)) == 0 {
				t.Fatal("no Chromium process found before Close; the check below would prove nothing")
			}
			if err := b.Close(); err != nil {
				t.Errorf("Close: %v", err)
			}
			if pids := Processes(dir); len(pids) > 0 {
				t.Errorf("Chromium processes left after Close: %v", pids)
			}
			if _, err := os.Stat(dir); !os.IsNotExist(err) {
				t.Errorf("profile %s left after Close (%v)", dir, err)
			}
		})
	}
	t.Run("start timeout", func(t *testing.T) {
		before := len(leaked(t))
		_, err := Start(context.Background(), Config{StartTimeout: time.Millisecond})
		if err == nil {
			t.Fatal("Start with a 1 ms budget succeeded")
		}
		if after := len(leaked(t)); after > before {
			t.Errorf("a failed Start left %d Chromium processes", after-before)
		}
	})
	t.Run("start cancelled", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		if _, err := Start(ctx, Config{}); !errors.Is(err, context.Canceled) {
			t.Fatalf("Start(cancelled) error = %v", err)
		}
		if n := len(leaked(t)); n > 0 {
			t.Errorf("a cancelled Start left %d Chromium processes", n)
		}
	})
}

func FuzzResponseHeader(f *testing.F) {
	f.Add("HTTP/1.1 200 OK\r\nAccess-Control-Allow-Origin: a\r\nAccess-Control-Allow-Origin: b\r\n\r\n")
	f.Add("HTTP/1.1 204 No Content\r\n\r\n")
	f.Add("garbage")
	f.Add("HTTP/1.1 200 OK\r\nbad line\r\nX: y\r\n\r\n")
	f.Fuzz(func(t *testing.T, raw string) {
		h := responseHeader(raw, nil)
		if h == nil {
			t.Fatal("nil header")
		}
		for k := range h {
			if k != "" && strings.ContainsAny(k, "\r\n") {
				t.Fatalf("header name %q holds a line break", k)
			}
		}
	})
}
