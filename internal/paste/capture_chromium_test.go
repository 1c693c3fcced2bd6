package paste

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/remote"

	"github.com/corsdoctor/corsdoctor/collect/browser"
)

// captureChromium regenerates testdata/chromium from a real headless
// Chromium: a page at http://app.example.test makes the requests of
// captureScenarios to http://api.example.test, and Chromium's own DevTools
// front-end (served by Chromium itself at /devtools/, the code behind the
// Network panel's context menu) renders each request with "Copy as cURL
// (bash)", "(cmd)", "Copy as PowerShell", "Copy as fetch", "Copy as fetch
// (Node.js)", "Copy request headers" and "Copy response headers". The API
// server records what Chromium really sent (the preflight's
// Access-Control-Request-* headers), the ground truth the paste tests
// compare with.
//
//	go test ./internal/paste -run TestCaptureChromium -capture-chromium
var captureChromiumFlag = flag.Bool("capture-chromium", false, "regenerate testdata/chromium from real Chromium")

// The loopback ports differ on every run; captures are normalised to these.
const (
	capturePagePort = "5173"
	captureAPIPort  = "8080"
	captureH2Port   = "8443"
)

type captureScenario struct {
	Name string `json:"name"`
	// JS is the request the page makes: the arguments of fetch(), or
	// "xhr:" and a script for XMLHttpRequest.
	JS string `json:"js"`
	// Path of the request, to find it in the DevTools log.
	Path string `json:"path"`
	// H2 also runs the scenario against an https API speaking HTTP/2
	// (named "h2-" + Name): Chromium adds Sec-Fetch-*, client hints and
	// Priority there, and DevTools shows HTTP/2 pseudo-headers.
	H2 bool `json:"h2,omitempty"`
}

var captureScenarios = []captureScenario{
	{"get-simple", `fetch(API + "/items?q=1")`, "/items?q=1", true},
	{"put-json-auth", `fetch(API + "/items/42", {method: "PUT", credentials: "include", headers: {"Content-Type": "application/json", "Authorization": "Bearer eyJhbGciOiJIUzI1NiJ9.c2VjcmV0.sig", "X-Request-Id": "abc-123"}, body: JSON.stringify({name: "it's a \"test\"! 100% ünïcode", path: "C:\\tmp"})})`, "/items/42", true},
	{"post-text-cookie", `fetch(API + "/form", {method: "POST", credentials: "include", body: "a=1&b=two words\nline2"})`, "/form", true},
	{"post-json-simple-ct", `fetch(API + "/events", {method: "POST", headers: {"Content-Type": "text/plain;charset=UTF-8", "Accept": "application/json"}, body: "{\"e\":1}"})`, "/events", false},
	{"delete-blocked", `fetch(API + "/blocked/7", {method: "DELETE", headers: {"X-Api-Key": "k-secret-123"}})`, "/blocked/7", true},
	{"patch-lowercase", `fetch(API + "/items/9", {method: "patch", headers: {"content-type": "application/merge-patch+json"}, body: "{}"})`, "/items/9", false},
	{"no-cors", `fetch(API + "/pixel.gif", {mode: "no-cors"})`, "/pixel.gif", true},
	{"no-store", `fetch(API + "/fresh", {cache: "no-store"})`, "/fresh", true},
	{"xhr-get", `xhr:var x = new XMLHttpRequest(); x.open("GET", API + "/xhr"); x.setRequestHeader("X-Requested-With", "XMLHttpRequest"); x.withCredentials = true; x.onloadend = () => done(); x.send();`, "/xhr", false},
}

// captureServerLog is what the API server received for one scenario.
type captureServerLog struct {
	Preflight bool   `json:"preflight"`
	ACRM      string `json:"access_control_request_method,omitempty"`
	ACRH      string `json:"access_control_request_headers,omitempty"`
	// Method and Headers of the actual request, when it arrived.
	Method  string   `json:"method,omitempty"`
	Headers []string `json:"headers,omitempty"`
}

type captureManifest struct {
	Chromium  string                      `json:"chromium"`
	Note      string                      `json:"note"`
	Page      string                      `json:"page_origin"`
	API       string                      `json:"api_origin"`
	H2API     string                      `json:"h2_api_origin"`
	Scenarios []captureScenario           `json:"scenarios"`
	Server    map[string]captureServerLog `json:"server"`
}

func TestCaptureChromium(t *testing.T) {
	if !*captureChromiumFlag {
		t.Skip("run with -capture-chromium to regenerate testdata/chromium")
	}
	exe, err := browser.FindChromium()
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	logs := map[string]*captureServerLog{}
	scenarioOf := func(r *http.Request) string {
		for _, s := range captureScenarios {
			if r.URL.RequestURI() == s.Path {
				return s.Name
			}
		}
		return ""
	}
	api := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		name := scenarioOf(r)
		if r.TLS != nil {
			name = "h2-" + name
		}
		mu.Lock()
		l := logs[name]
		if l == nil {
			l = &captureServerLog{}
			logs[name] = l
		}
		if r.Method == http.MethodOptions {
			l.Preflight = true
			l.ACRM = r.Header.Get("Access-Control-Request-Method")
			l.ACRH = r.Header.Get("Access-Control-Request-Headers")
		} else {
			l.Method = r.Method
			for k := range r.Header {
				l.Headers = append(l.Headers, strings.ToLower(k))
			}
			sort.Strings(l.Headers)
		}
		mu.Unlock()
		if strings.HasPrefix(r.URL.Path, "/blocked") {
			w.WriteHeader(http.StatusForbidden)
			return
		}
		if o := r.Header.Get("Origin"); o != "" {
			w.Header().Set("Access-Control-Allow-Origin", o)
			w.Header().Set("Access-Control-Allow-Credentials", "true")
			w.Header().Set("Vary", "Origin")
		}
		if r.Method == http.MethodOptions {
			w.Header().Set("Access-Control-Allow-Methods", "GET, POST, PUT, PATCH, patch, DELETE")
			w.Header().Set("Access-Control-Allow-Headers", r.Header.Get("Access-Control-Request-Headers"))
			w.Header().Set("Access-Control-Max-Age", "600")
			w.WriteHeader(http.StatusNoContent)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("X-Request-Id", "r-1")
		fmt.Fprint(w, `{"ok":true}`)
	})
	page := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/favicon.ico" {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprint(w, `<!doctype html><title>capture</title><p>capture`)
	})
	apiLn, pageLn := listen(t), listen(t)
	go http.Serve(apiLn, api)
	go http.Serve(pageLn, page)
	h2 := httptest.NewUnstartedServer(api)
	h2.EnableHTTP2 = true
	h2.StartTLS()
	defer h2.Close()
	_, apiPort, _ := net.SplitHostPort(apiLn.Addr().String())
	_, pagePort, _ := net.SplitHostPort(pageLn.Addr().String())
	_, h2Port, _ := net.SplitHostPort(h2.Listener.Addr().String())
	pageOrigin := "http://app.example.test:" + pagePort
	apiOrigin := "http://api.example.test:" + apiPort
	h2Origin := "https://api.example.test:" + h2Port

	dir, err := os.MkdirTemp("", "corsdoctor-capture-")
	if err != nil {
		t.Fatal(err)
	}
	defer os.RemoveAll(dir)
	opts := append(browser.Flags([]string{"MAP app.example.test 127.0.0.1", "MAP api.example.test 127.0.0.1"}, []string{browser.SPKIHash(h2.Certificate())}),
		chromedp.ExecPath(exe), chromedp.UserDataDir(dir), remote.WebSocket)
	actx, acancel := chromedp.NewExecAllocator(context.Background(), opts...)
	defer acancel()
	pctx, pcancel := chromedp.NewContext(actx)
	defer pcancel()
	ctx, cancel := context.WithTimeout(pctx, 2*time.Minute)
	defer cancel()
	if err := chromedp.Do(ctx, chromedp.Navigate(pageOrigin+"/")); err != nil {
		t.Fatal(err)
	}
	// A same-site cookie for the API (app. and api.example.test are one
	// site), so credentialed requests carry one.
	// One name per scheme: cookies are bound to the scheme that set them.
	for name, o := range map[string]string{"session": apiOrigin, "session_tls": h2Origin} {
		if _, err := chromedp.Call(ctx, network.SetCookie, network.SetCookieParams{Name: name, Value: "s3cr3t-cookie", URL: o + "/", Path: "/"}); err != nil {
			t.Fatal(err)
		}
	}
	port, err := os.ReadFile(filepath.Join(dir, "DevToolsActivePort"))
	if err != nil {
		t.Fatal(err)
	}
	debugPort := strings.SplitN(string(port), "\n", 2)[0]
	version, err := chromedp.Run(ctx, chromedp.Evaluate[string](`navigator.userAgent`))
	if err != nil {
		t.Fatal(err)
	}
	pageTarget := chromedp.FromContext(ctx).Target.TargetID

	// The DevTools front-end, attached to the page, in a second tab.
	fctx, fcancel := chromedp.NewContext(ctx)
	defer fcancel()
	inspector := fmt.Sprintf("http://127.0.0.1:%s/devtools/inspector.html?ws=127.0.0.1:%s/devtools/page/%s", debugPort, debugPort, pageTarget)
	if err := chromedp.Do(fctx, chromedp.Navigate(inspector)); err != nil {
		t.Fatal(err)
	}
	var ready bool
	for i := 0; i < 100 && !ready; i++ {
		ready, _ = chromedp.Run(fctx, chromedp.Evaluate[bool](`(async () => {
			const L = await import('./models/logs/logs.js');
			const S = await import('./core/sdk/sdk.js');
			L.NetworkLog.NetworkLog.instance();
			const t = S.TargetManager.TargetManager.instance().primaryPageTarget();
			return !!(t && t.model(S.NetworkManager.NetworkManager));
		})()`, chromedp.EvalAwaitPromise))
		if !ready {
			time.Sleep(100 * time.Millisecond)
		}
	}
	if !ready {
		t.Fatal("the DevTools front-end did not attach to the page")
	}
	time.Sleep(500 * time.Millisecond)

	type run struct {
		s   captureScenario
		api string
	}
	var runs []run
	for _, s := range captureScenarios {
		runs = append(runs, run{s, apiOrigin})
	}
	for _, s := range captureScenarios {
		if s.H2 {
			runs = append(runs, run{s, h2Origin})
		}
	}
	for _, rn := range runs {
		s := rn.s
		js := s.JS
		if strings.HasPrefix(js, "xhr:") {
			js = `new Promise(done => { ` + strings.TrimPrefix(js, "xhr:") + ` })`
		} else {
			js += `.then(r => r.text(), e => String(e))`
		}
		script := `(() => { const API = ` + jsString(rn.api) + `; return ` + js + `; })()`
		if _, err := chromedp.Run(ctx, chromedp.Evaluate[any](script, chromedp.EvalAwaitPromise)); err != nil {
			t.Fatalf("%s: %v", s.Name, err)
		}
	}
	time.Sleep(time.Second)

	gen := `(async () => {
		const N = await import('./panels/network/network.js');
		const L = await import('./models/logs/logs.js');
		const V = N.NetworkLogView.NetworkLogView;
		const out = {};
		for (const r of L.NetworkLog.NetworkLog.instance().requests()) {
			const api = APIS.find(a => r.url().startsWith(a));
			if (!api) continue;
			const key = (api.startsWith('https:') ? 'h2-' : '') + r.requestMethod + ' ' + r.url().slice(api.length);
			out[key] = {
				'curl-bash': await V.generateCurlCommand(r, 'unix'),
				'curl-cmd': await V.generateCurlCommand(r, 'win'),
				'powershell': await V.prototype.generatePowerShellCommand.call(null, r),
				'fetch': await V.prototype.generateFetchCall.call(null, r, 0),
				'fetch-node': await V.prototype.generateFetchCall.call(null, r, 1),
				'request-headers': r.requestHeadersText() || '',
				'response-headers': r.responseHeadersText || '',
			};
		}
		return out;
	})()`
	gen = `(() => { const APIS = [` + jsString(apiOrigin) + `, ` + jsString(h2Origin) + `]; return ` + gen + `; })()`
	copies, err := chromedp.Run(fctx, chromedp.Evaluate[map[string]map[string]string](gen, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatal(err)
	}
	if len(copies) == 0 {
		t.Fatal("the DevTools front-end logged no request")
	}
	norm := strings.NewReplacer(pagePort, capturePagePort, apiPort, captureAPIPort, h2Port, captureH2Port)
	out := filepath.Join("testdata", "chromium")
	if err := os.RemoveAll(out); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(out, 0o755); err != nil {
		t.Fatal(err)
	}
	for key, formats := range copies {
		prefix := ""
		if strings.HasPrefix(key, "h2-") {
			prefix, key = "h2-", key[3:]
		}
		method, path, _ := strings.Cut(key, " ")
		name := ""
		for _, s := range captureScenarios {
			if s.Path == path {
				name = prefix + s.Name
			}
		}
		if name == "" {
			continue
		}
		if method == "OPTIONS" {
			name += ".preflight"
		}
		for f, text := range formats {
			if text == "" {
				continue
			}
			if err := os.WriteFile(filepath.Join(out, name+"."+f+".txt"), []byte(norm.Replace(text)), 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	m := captureManifest{
		Chromium: version,
		Note:     "Generated by TestCaptureChromium (-capture-chromium): Chromium's own DevTools front-end rendered each request; ports normalised.",
		Page:     norm.Replace(pageOrigin), API: norm.Replace(apiOrigin), H2API: norm.Replace(h2Origin),
		Scenarios: captureScenarios, Server: map[string]captureServerLog{},
	}
	for k, v := range logs {
		if k != "" {
			m.Server[k] = *v
		}
	}
	b, _ := json.MarshalIndent(m, "", "  ")
	if err := os.WriteFile(filepath.Join(out, "manifest.json"), append(b, '\n'), 0o644); err != nil {
		t.Fatal(err)
	}
}

func listen(t *testing.T) net.Listener {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	return ln
}

func jsString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}
