package paste

import (
	"archive/zip"
	"bufio"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// captureFirefox regenerates testdata/firefox: a page at
// http://localhost makes the requests of firefoxScenarios with a real
// headless Firefox ESR to a raw loopback server at http://127.0.0.1,
// which records each request head as Firefox sent it (names, case and
// order: what Firefox's Network panel lists); then Firefox's own "Copy as
// cURL" generator (devtools/client/shared/curl.js, read from the
// installed Firefox's omni.ja at capture time and run with node, never
// copied into this repository) renders each request for Linux/macOS and
// for Windows.
//
//	go test ./internal/paste -run TestCaptureFirefox -capture-firefox
var captureFirefoxFlag = flag.Bool("capture-firefox", false, "regenerate testdata/firefox from real Firefox")

var firefoxScenarios = []captureScenario{
	{Name: "get-simple", JS: `fetch(API + "/items?q=1")`, Path: "/items?q=1"},
	{Name: "put-json-auth", JS: `fetch(API + "/items/42", {method: "PUT", headers: {"Content-Type": "application/json", "Authorization": "Bearer eyJhbGciOiJIUzI1NiJ9.c2VjcmV0.sig", "X-Request-Id": "abc-123"}, body: JSON.stringify({name: "it's a \"test\"! 100% ünïcode"})})`, Path: "/items/42"},
	{Name: "post-text", JS: `fetch(API + "/form", {method: "POST", body: "a=1&b=two words\nline2"})`, Path: "/form"},
	{Name: "post-urlencoded", JS: `fetch(API + "/login", {method: "POST", body: new URLSearchParams({user: "ann", pass: "p@ss w0rd!"})})`, Path: "/login"},
	{Name: "patch-lowercase", JS: `fetch(API + "/items/9", {method: "patch", headers: {"content-type": "application/merge-patch+json"}, body: "{}"})`, Path: "/items/9"},
	{Name: "delete-custom", JS: `fetch(API + "/items/7", {method: "DELETE", headers: {"X-Api-Key": "k-secret-123"}})`, Path: "/items/7"},
	{Name: "no-store", JS: `fetch(API + "/fresh", {cache: "no-store"})`, Path: "/fresh"},
	{Name: "xhr-get", JS: `xhr:var x = new XMLHttpRequest(); x.open("GET", API + "/xhr"); x.setRequestHeader("X-Requested-With", "XMLHttpRequest"); x.onloadend = () => done(); x.send();`, Path: "/xhr"},
}

type rawRequest struct {
	Method, Target, Proto string
	Headers               [][2]string
	Body                  string
}

func TestCaptureFirefox(t *testing.T) {
	if !*captureFirefoxFlag {
		t.Skip("run with -capture-firefox to regenerate testdata/firefox")
	}
	ff, err := exec.LookPath("firefox-esr")
	if err != nil {
		if ff, err = exec.LookPath("firefox"); err != nil {
			t.Fatal("firefox not found")
		}
	}
	node, err := exec.LookPath("node")
	if err != nil {
		t.Fatal("node not found")
	}
	curlJS := extractFirefoxCurlJS(t, ff)

	var mu sync.Mutex
	var got []rawRequest
	apiLn := listen(t)
	go func() {
		for {
			c, err := apiLn.Accept()
			if err != nil {
				return
			}
			go serveRaw(c, func(r rawRequest) {
				mu.Lock()
				got = append(got, r)
				mu.Unlock()
			})
		}
	}()
	done := make(chan struct{})
	var once sync.Once
	pageLn := listen(t)
	_, apiPort, _ := net.SplitHostPort(apiLn.Addr().String())
	_, pagePort, _ := net.SplitHostPort(pageLn.Addr().String())
	apiOrigin := "http://127.0.0.1:" + apiPort
	pageOrigin := "http://localhost:" + pagePort
	var script strings.Builder
	for _, s := range firefoxScenarios {
		js := s.JS
		if strings.HasPrefix(js, "xhr:") {
			js = `new Promise(done => { ` + strings.TrimPrefix(js, "xhr:") + ` })`
		} else {
			js += `.then(r => r.text(), e => String(e))`
		}
		script.WriteString("  await " + js + ";\n")
	}
	go http.Serve(pageLn, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/":
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			fmt.Fprintf(w, "<!doctype html><title>capture</title><script>\nconst API = %s;\n(async () => {\n%s  await fetch('/done');\n})();\n</script>", jsString(apiOrigin), script.String())
		case "/done":
			once.Do(func() { close(done) })
		default:
			http.NotFound(w, r)
		}
	}))

	profile := t.TempDir()
	prefs := `user_pref("browser.shell.checkDefaultBrowser", false);
user_pref("browser.startup.homepage_override.mstone", "ignore");
user_pref("datareporting.policy.dataSubmissionEnabled", false);
user_pref("toolkit.telemetry.reportingpolicy.firstRun", false);
user_pref("app.update.enabled", false);
user_pref("network.captive-portal-service.enabled", false);
user_pref("network.connectivity-service.enabled", false);
user_pref("browser.safebrowsing.update.enabled", false);
user_pref("network.proxy.type", 0);
`
	if err := os.WriteFile(filepath.Join(profile, "user.js"), []byte(prefs), 0o644); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, ff, "--headless", "--no-remote", "--profile", profile, pageOrigin+"/")
	cmd.Env = append(os.Environ(), "MOZ_CRASHREPORTER_DISABLE=1")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	select {
	case <-done:
	case <-ctx.Done():
		t.Fatal("Firefox did not finish the page's requests")
	}
	time.Sleep(300 * time.Millisecond)
	cmd.Process.Kill()
	cmd.Wait()
	version, _ := exec.Command(ff, "--version").Output()

	norm := strings.NewReplacer(pagePort, capturePagePort, apiPort, captureAPIPort)
	out := filepath.Join("testdata", "firefox")
	os.RemoveAll(out)
	if err := os.MkdirAll(out, 0o755); err != nil {
		t.Fatal(err)
	}
	m := captureManifest{
		Chromium: strings.TrimSpace(string(version)),
		Note:     "Generated by TestCaptureFirefox (-capture-firefox): requests as a real Firefox sent them, rendered by that Firefox's devtools/client/shared/curl.js (run with node); ports normalised. The chromium field holds the Firefox version.",
		Page:     norm.Replace(pageOrigin), API: norm.Replace(apiOrigin),
		Scenarios: firefoxScenarios, Server: map[string]captureServerLog{},
	}
	mu.Lock()
	defer mu.Unlock()
	for _, s := range firefoxScenarios {
		var log captureServerLog
		for _, r := range got {
			if r.Target != s.Path {
				continue
			}
			name := s.Name
			if r.Method == http.MethodOptions {
				log.Preflight = true
				for _, h := range r.Headers {
					switch strings.ToLower(h[0]) {
					case "access-control-request-method":
						log.ACRM = h[1]
					case "access-control-request-headers":
						log.ACRH = h[1]
					}
				}
				name += ".preflight"
			} else {
				log.Method = r.Method
				for _, h := range r.Headers {
					log.Headers = append(log.Headers, strings.ToLower(h[0]))
				}
			}
			data := map[string]any{"url": apiOrigin + r.Target, "method": r.Method, "httpVersion": r.Proto,
				"headers": headerObjs(r.Headers), "responseHeaders": []any{}}
			if r.Body != "" {
				data["postDataText"] = r.Body
			}
			for platform, suffix := range map[string]string{"Linux": "curl-posix", "WINNT": "curl-win"} {
				text := runFirefoxCurl(t, node, curlJS, data, platform)
				if err := os.WriteFile(filepath.Join(out, name+"."+suffix+".txt"), []byte(norm.Replace(text)), 0o644); err != nil {
					t.Fatal(err)
				}
			}
		}
		m.Server[s.Name] = log
	}
	b, _ := json.MarshalIndent(m, "", "  ")
	if err := os.WriteFile(filepath.Join(out, "manifest.json"), append(b, '\n'), 0o644); err != nil {
		t.Fatal(err)
	}
}

func headerObjs(hs [][2]string) []map[string]string {
	out := []map[string]string{}
	for _, h := range hs {
		out = append(out, map[string]string{"name": h[0], "value": h[1]})
	}
	return out
}

// serveRaw answers HTTP/1.1 requests on c, reporting each request head
// with its header lines exactly as received.
func serveRaw(c net.Conn, record func(rawRequest)) {
	defer c.Close()
	br := bufio.NewReader(c)
	for {
		c.SetDeadline(time.Now().Add(30 * time.Second))
		line, err := br.ReadString('\n')
		if err != nil {
			return
		}
		parts := strings.SplitN(strings.TrimRight(line, "\r\n"), " ", 3)
		if len(parts) != 3 {
			return
		}
		r := rawRequest{Method: parts[0], Target: parts[1], Proto: parts[2]}
		length := 0
		origin := ""
		for {
			l, err := br.ReadString('\n')
			if err != nil {
				return
			}
			l = strings.TrimRight(l, "\r\n")
			if l == "" {
				break
			}
			name, value, _ := strings.Cut(l, ":")
			value = strings.TrimSpace(value)
			r.Headers = append(r.Headers, [2]string{name, value})
			switch strings.ToLower(name) {
			case "content-length":
				length, _ = strconv.Atoi(value)
			case "origin":
				origin = value
			}
		}
		if length > 0 {
			b := make([]byte, length)
			if _, err := io.ReadFull(br, b); err != nil {
				return
			}
			r.Body = string(b)
		}
		record(r)
		var resp strings.Builder
		if r.Method == http.MethodOptions {
			resp.WriteString("HTTP/1.1 204 No Content\r\n")
			acrh := ""
			for _, h := range r.Headers {
				if strings.EqualFold(h[0], "Access-Control-Request-Headers") {
					acrh = h[1]
				}
			}
			fmt.Fprintf(&resp, "Access-Control-Allow-Origin: %s\r\nAccess-Control-Allow-Methods: GET, POST, PUT, PATCH, patch, DELETE\r\nAccess-Control-Allow-Headers: %s\r\nContent-Length: 0\r\n\r\n", origin, acrh)
		} else {
			body := `{"ok":true}`
			fmt.Fprintf(&resp, "HTTP/1.1 200 OK\r\nAccess-Control-Allow-Origin: %s\r\nVary: Origin\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%s", origin, len(body), body)
		}
		if _, err := io.WriteString(c, resp.String()); err != nil {
			return
		}
	}
}

// extractFirefoxCurlJS copies Firefox's curl.js out of the installed
// omni.ja into a temporary directory (never into the repository).
func extractFirefoxCurlJS(t *testing.T, ff string) string {
	t.Helper()
	real, err := filepath.EvalSymlinks(ff)
	if err != nil {
		real = ff
	}
	var cands []string
	for _, d := range []string{filepath.Dir(real), "/usr/lib/firefox-esr", "/usr/lib/firefox"} {
		cands = append(cands, filepath.Join(d, "browser", "omni.ja"))
	}
	for _, c := range cands {
		zr, err := zip.OpenReader(c)
		if err != nil {
			continue
		}
		defer zr.Close()
		for _, f := range zr.File {
			if strings.HasSuffix(f.Name, "devtools/client/shared/curl.js") {
				rc, err := f.Open()
				if err != nil {
					t.Fatal(err)
				}
				b, err := io.ReadAll(rc)
				rc.Close()
				if err != nil {
					t.Fatal(err)
				}
				p := filepath.Join(t.TempDir(), "curl.js")
				if err := os.WriteFile(p, b, 0o644); err != nil {
					t.Fatal(err)
				}
				return p
			}
		}
	}
	t.Fatalf("devtools/client/shared/curl.js not found in %v", cands)
	return ""
}

func runFirefoxCurl(t *testing.T, node, curlJS string, data map[string]any, platform string) string {
	t.Helper()
	b, _ := json.Marshal(data)
	prog := `const {Curl} = require(process.argv[1]); process.stdout.write(Curl.generateCommand(JSON.parse(process.argv[2]), process.argv[3]));`
	out, err := exec.Command(node, "-e", prog, curlJS, string(b), platform).Output()
	if err != nil {
		t.Fatalf("node: %v", err)
	}
	return string(out)
}
