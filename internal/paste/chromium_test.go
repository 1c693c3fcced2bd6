package paste

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/corsdoctor/corsdoctor/cors"
	"github.com/corsdoctor/corsdoctor/internal/golden"
)

// describe renders a parsed paste for golden files; header values are
// shown (the captures hold test secrets only).
func describe(r *Request) string {
	var b strings.Builder
	fmt.Fprintf(&b, "format: %s\n", r.Format)
	fmt.Fprintf(&b, "%s %s\n", r.Method, r.URL)
	fmt.Fprintf(&b, "origin: %s (%s)\n", orNone(r.Origin), orNone(r.OriginFrom))
	fmt.Fprintf(&b, "mode: %s (%s)\n", orNone(string(r.Mode)), orNone(r.ModeFrom))
	fmt.Fprintf(&b, "credentials: %s (%s)\n", orNone(string(r.Credentials)), orNone(r.CredentialsFrom))
	if r.Cookie != "" {
		fmt.Fprintf(&b, "cookie: %s\n", r.Cookie)
	}
	if r.Preflight {
		b.WriteString("preflight paste: yes\n")
	}
	if r.Insecure {
		b.WriteString("insecure: yes\n")
	}
	b.WriteString("page headers:\n")
	for _, h := range r.Headers {
		fmt.Fprintf(&b, "  %s: %s\n", h.Name, h.Value)
	}
	b.WriteString("browser headers:\n")
	for _, h := range r.Browser {
		fmt.Fprintf(&b, "  %s: %s\n", h.Name, h.Value)
	}
	switch {
	case r.HasBody && r.BodyKind != "":
		fmt.Fprintf(&b, "body (%s): %q\n", r.BodyKind, r.Body)
	case r.HasBody:
		fmt.Fprintf(&b, "body: %q\n", r.Body)
	}
	req := r.CORS()
	if req.Origin != "" {
		plan := cors.PlanRequest(&req)
		fmt.Fprintf(&b, "plan: cross-origin %v, preflight %v", plan.CrossOrigin, plan.Required)
		if plan.Required {
			fmt.Fprintf(&b, ", Access-Control-Request-Method: %s, Access-Control-Request-Headers: %s", plan.Method, orNone(plan.RequestHeaders))
		}
		b.WriteString("\n")
	}
	for _, n := range r.Notes {
		fmt.Fprintf(&b, "note: %s\n", n)
	}
	return b.String()
}

func orNone(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

type chromiumCapture struct {
	name, format, text string
}

func loadCaptures(t *testing.T, dir string) (captureManifest, []chromiumCapture) {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, "manifest.json"))
	if err != nil {
		t.Fatal(err)
	}
	var m captureManifest
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	files, _ := filepath.Glob(filepath.Join(dir, "*.txt"))
	var out []chromiumCapture
	for _, f := range files {
		base := strings.TrimSuffix(filepath.Base(f), ".txt")
		i := strings.LastIndexByte(base, '.')
		name, format := base[:i], base[i+1:]
		if format == "request-headers" || format == "response-headers" {
			continue
		}
		text, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, chromiumCapture{name, format, string(text)})
	}
	if len(out) < 20 {
		t.Fatalf("only %d captures in %s", len(out), dir)
	}
	return m, out
}

// TestChromiumCaptures parses every request Chromium's own DevTools
// front-end copied (testdata/chromium, made by TestCaptureChromium) and
// checks that the page's request read from it makes exactly the preflight
// decision Chromium made, as the API server recorded it: preflight or
// not, Access-Control-Request-Method and -Headers byte for byte.
func TestChromiumCaptures(t *testing.T) { checkCaptures(t, "chromium") }

// TestFirefoxCaptures does the same for Firefox's "Copy as cURL" (POSIX
// and Windows) of requests a real Firefox sent (testdata/firefox, made by
// TestCaptureFirefox).
func TestFirefoxCaptures(t *testing.T) { checkCaptures(t, "firefox") }

func checkCaptures(t *testing.T, browser string) {
	m, caps := loadCaptures(t, filepath.Join("testdata", browser))
	wantFormat := map[string]Format{"curl-bash": CurlBash, "curl-cmd": CurlCmd, "powershell": PowerShell, "fetch": Fetch, "fetch-node": FetchNode,
		"curl-posix": CurlBash, "curl-win": CurlCmd}
	goldens := map[string][]string{}
	for _, c := range caps {
		t.Run(c.name+"/"+c.format, func(t *testing.T) {
			r, err := Parse(c.text)
			scenario, preflightCopy := strings.CutSuffix(c.name, ".preflight")
			if preflightCopy && strings.HasPrefix(c.format, "fetch") {
				// DevTools' fetch copy of a preflight drops the
				// Access-Control-Request-* headers (forbidden).
				if err == nil || !strings.Contains(err.Error(), "preflight") {
					t.Fatalf("Parse = %v, want the preflight-as-fetch error", err)
				}
				return
			}
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			goldens[c.format] = append(goldens[c.format], "== "+c.name+"\n"+describe(r))
			if r.Format != wantFormat[c.format] {
				t.Errorf("format %q, want %q", r.Format, wantFormat[c.format])
			}
			api := m.API
			if strings.HasPrefix(scenario, "h2-") {
				api = m.H2API
			}
			var path string
			for _, s := range m.Scenarios {
				if "h2-"+s.Name == scenario || s.Name == scenario {
					path = s.Path
				}
			}
			if r.URL != api+path {
				t.Errorf("URL %q, want %q", r.URL, api+path)
			}
			if r.Origin != m.Page {
				t.Errorf("origin %q (%s), want %q", r.Origin, r.OriginFrom, m.Page)
			}
			if r.Preflight != preflightCopy {
				t.Errorf("Preflight = %v, want %v", r.Preflight, preflightCopy)
			}
			srv, ok := m.Server[scenario]
			if !ok {
				t.Fatalf("no server record for %s", scenario)
			}
			req := r.CORS()
			plan := cors.PlanRequest(&req)
			if !plan.CrossOrigin {
				t.Fatalf("not cross-origin: %+v", req)
			}
			if req.Mode == cors.ModeNoCORS {
				if srv.Preflight {
					t.Errorf("no-cors request, but Chromium sent a preflight")
				}
				return
			}
			if plan.Required != srv.Preflight {
				t.Errorf("preflight required = %v, Chromium sent one: %v (headers %v)", plan.Required, srv.Preflight, req.Headers)
			}
			if srv.Preflight {
				if plan.Method != srv.ACRM || plan.RequestHeaders != srv.ACRH {
					t.Errorf("preflight Access-Control-Request-Method %q, -Headers %q; Chromium sent %q, %q", plan.Method, plan.RequestHeaders, srv.ACRM, srv.ACRH)
				}
			}
			if srv.Method != "" && !preflightCopy && r.Method != srv.Method {
				t.Errorf("method %q, Chromium sent %q", r.Method, srv.Method)
			}
		})
	}
	for format, parts := range goldens {
		sort.Strings(parts)
		golden.Check(t, filepath.Join("testdata", "golden", browser+"."+format+".golden"), []byte(strings.Join(parts, "\n")))
	}
}
