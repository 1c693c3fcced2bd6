package browser

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/corsdoctor/corsdoctor/cors"
)

// WebKitInstall installs WebKitGTK's WebDriver (which pulls WebKitGTK and
// its MiniBrowser) and the virtual X server it runs under.
const WebKitInstall = "apt-get install -y webkit2gtk-driver xvfb"

// miniBrowserPaths are where Debian and Ubuntu install WebKitGTK's
// MiniBrowser (libwebkit2gtk-4.1-0, then libwebkitgtk-6.0-4).
var miniBrowserPaths = []string{
	"/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser",
	"/usr/lib/aarch64-linux-gnu/webkit2gtk-4.1/MiniBrowser",
	"/usr/lib/x86_64-linux-gnu/webkitgtk-6.0/MiniBrowser",
	"/usr/lib/aarch64-linux-gnu/webkitgtk-6.0/MiniBrowser",
}

// FindWebKitWebDriver returns WebKitGTK's WebDriver: $WEBKIT_WEBDRIVER
// when set, else /usr/bin/WebKitWebDriver, else WebKitWebDriver on PATH.
func FindWebKitWebDriver() (string, error) {
	return findProgram(cors.WebKit, "WebKitWebDriver", "WEBKIT_WEBDRIVER", []string{"/usr/bin/WebKitWebDriver"}, []string{"WebKitWebDriver"}, WebKitInstall)
}

// FindMiniBrowser returns WebKitGTK's MiniBrowser: $WEBKIT_MINIBROWSER
// when set, else the Debian locations.
func FindMiniBrowser() (string, error) {
	return findProgram(cors.WebKit, "MiniBrowser", "WEBKIT_MINIBROWSER", miniBrowserPaths, nil, WebKitInstall)
}

// FindXvfb returns the virtual X server: $XVFB_PATH, /usr/bin/Xvfb or
// Xvfb on PATH.
func FindXvfb() (string, error) {
	return findProgram(cors.WebKit, "Xvfb", "XVFB_PATH", []string{"/usr/bin/Xvfb"}, []string{"Xvfb"}, WebKitInstall)
}

// xserver is a private Xvfb display.
type xserver struct {
	proc    *process
	display string
}

// startXvfb starts Xvfb on a free display (-displayfd lets it choose).
func startXvfb(ctx context.Context) (*xserver, error) {
	exe, err := FindXvfb()
	if err != nil {
		return nil, err
	}
	r, w, err := os.Pipe()
	if err != nil {
		return nil, err
	}
	defer r.Close()
	cmd := exec.Command(exe, "-displayfd", "3", "-screen", "0", "1280x1024x24", "-nolisten", "tcp", "-noreset")
	cmd.ExtraFiles = []*os.File{w}
	proc, err := startProcess(cmd)
	w.Close()
	if err != nil {
		return nil, fmt.Errorf("xvfb: start %s: %w", exe, err)
	}
	got := make(chan string, 1)
	go func() {
		line, _ := bufio.NewReader(r).ReadString('\n')
		got <- strings.TrimSpace(line)
	}()
	select {
	case d := <-got:
		if _, err := strconv.Atoi(d); err != nil {
			proc.kill(time.Second)
			return nil, fmt.Errorf("xvfb: no display number (got %q)", d)
		}
		return &xserver{proc: proc, display: ":" + d}, nil
	case <-time.After(15 * time.Second):
	case <-ctx.Done():
	}
	proc.kill(time.Second)
	return nil, errors.New("xvfb: no display after 15 s")
}

func (x *xserver) close() {
	if x != nil {
		x.proc.kill(2 * time.Second)
	}
}

// WebKitBrowser is WebKitGTK's MiniBrowser driven by WebKitWebDriver
// (classic WebDriver over HTTP, https://w3c.github.io/webdriver/) under a
// private Xvfb. The protocol subset (new session, navigate, execute async
// script, delete session) is a few JSON calls, written with net/http: the
// Go WebDriver clients (tebeka/selenium and forks) are unmaintained and
// far larger than what is needed.
//
// WebKit runs automation sessions in an ephemeral data store, and WebCore
// forwards no console message of an ephemeral page to any client or to
// stdout (FrameConsoleClient::addMessage, Source/WebCore/page): a
// WebDriver run cannot see WebKit's console lines. WebKitConsole captures
// them from a MiniBrowser outside automation.
type WebKitBrowser struct {
	cfg     Config
	x       *xserver
	driver  *process
	base    string
	session string
	proxy   *proxy
	version string
	client  *http.Client

	run    sync.Mutex
	origin string // origin of the page loaded
}

// StartWebKit starts Xvfb, WebKitWebDriver and a MiniBrowser session whose
// traffic goes through corsdoctor's proxy. The caller must Close it.
func StartWebKit(ctx context.Context, cfg Config) (b *WebKitBrowser, err error) {
	driverExe, err := FindWebKitWebDriver()
	if err != nil {
		return nil, err
	}
	mini := cfg.ExecPath
	if mini == "" {
		if mini, err = FindMiniBrowser(); err != nil {
			return nil, err
		}
	} else if !isExecutable(mini) {
		return nil, &NoBrowserError{Engine: cors.WebKit, Program: "MiniBrowser", Looked: []string{mini}, Install: WebKitInstall}
	}
	if cfg.StartTimeout <= 0 {
		cfg.StartTimeout = 30 * time.Second
	}
	b = &WebKitBrowser{cfg: cfg, client: &http.Client{}}
	defer func() {
		if err != nil {
			b.Close()
			b = nil
		}
	}()
	sctx, cancel := context.WithTimeout(ctx, cfg.StartTimeout)
	defer cancel()
	if b.proxy, err = startProxy(cfg, cfg.Origins); err != nil {
		return b, err
	}
	if b.x, err = startXvfb(sctx); err != nil {
		return b, err
	}
	port, err := freePort()
	if err != nil {
		return b, err
	}
	cmd := exec.Command(driverExe, "--port="+strconv.Itoa(port), "--host=local")
	cmd.Env = webkitEnv(b.x.display)
	out := cfg.Output
	if out == nil {
		out = io.Discard
	}
	cmd.Stdout, cmd.Stderr = out, out
	if b.driver, err = startProcess(cmd); err != nil {
		return b, fmt.Errorf("webkit: start %s: %w", driverExe, err)
	}
	b.base = fmt.Sprintf("http://127.0.0.1:%d", port)
	for {
		if _, err := b.call(sctx, http.MethodGet, "/status", nil, nil); err == nil {
			break
		}
		select {
		case <-b.driver.done:
			return b, fmt.Errorf("webkit: %s exited", driverExe)
		case <-sctx.Done():
			return b, fmt.Errorf("webkit: %s did not answer: %w", driverExe, sctx.Err())
		case <-time.After(50 * time.Millisecond):
		}
	}
	var sess struct {
		SessionID    string `json:"sessionId"`
		Capabilities struct {
			BrowserVersion string `json:"browserVersion"`
		} `json:"capabilities"`
	}
	caps := map[string]any{"capabilities": map[string]any{"alwaysMatch": map[string]any{
		"acceptInsecureCerts": true,
		"webkitgtk:browserOptions": map[string]any{
			"binary": mini,
			// The proxy plays the origins and records the traffic.
			"args": []string{"--automation", "--proxy=http://" + b.proxy.Addr(), "--ignore-tls-errors"},
		},
	}}}
	if _, err = b.call(sctx, http.MethodPost, "/session", caps, &sess); err != nil {
		return b, fmt.Errorf("webkit: new session: %w", err)
	}
	b.session = "/session/" + sess.SessionID
	b.version = "WebKitGTK/" + sess.Capabilities.BrowserVersion
	if _, err = b.call(sctx, http.MethodPost, b.session+"/timeouts", map[string]any{"script": 30000, "pageLoad": 30000}, nil); err != nil {
		return b, fmt.Errorf("webkit: timeouts: %w", err)
	}
	return b, nil
}

// webkitEnv is the environment of WebKit's processes: the private
// display, no accessibility bus, no GPU compositing.
func webkitEnv(display string) []string {
	var env []string
	for _, kv := range os.Environ() {
		if strings.HasPrefix(kv, "DISPLAY=") || strings.HasPrefix(kv, "WAYLAND_DISPLAY=") {
			continue
		}
		env = append(env, kv)
	}
	return append(env, "DISPLAY="+display, "NO_AT_BRIDGE=1", "WEBKIT_DISABLE_COMPOSITING_MODE=1",
		"GDK_BACKEND=x11", "LIBGL_ALWAYS_SOFTWARE=1")
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// WebDriverError is an error answer of a WebDriver endpoint.
type WebDriverError struct {
	Path, Code, Message string
}

func (e *WebDriverError) Error() string {
	return fmt.Sprintf("webdriver %s: %s: %s", e.Path, e.Code, e.Message)
}

// call sends one WebDriver command and decodes "value" into out.
func (b *WebKitBrowser) call(ctx context.Context, method, path string, body, out any) (json.RawMessage, error) {
	var rd io.Reader
	if body != nil {
		data, err := json.Marshal(body)
		if err != nil {
			return nil, err
		}
		rd = bytes.NewReader(data)
	}
	req, err := http.NewRequestWithContext(ctx, method, b.base+path, rd)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/json; charset=utf-8")
	resp, err := b.client.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, 64<<20))
	if err != nil {
		return nil, err
	}
	var env struct {
		Value json.RawMessage `json:"value"`
	}
	if err := json.Unmarshal(data, &env); err != nil {
		return nil, fmt.Errorf("webdriver %s: status %d: %w", path, resp.StatusCode, err)
	}
	if resp.StatusCode != http.StatusOK {
		var e struct {
			Error   string `json:"error"`
			Message string `json:"message"`
		}
		json.Unmarshal(env.Value, &e)
		return nil, &WebDriverError{Path: path, Code: e.Error, Message: e.Message}
	}
	if out != nil {
		if err := json.Unmarshal(env.Value, out); err != nil {
			return nil, fmt.Errorf("webdriver %s: %w", path, err)
		}
	}
	return env.Value, nil
}

// Version is e.g. "WebKitGTK/2.50.6".
func (b *WebKitBrowser) Version() string { return b.version }

// Engine is cors.WebKit.
func (b *WebKitBrowser) Engine() cors.Engine { return cors.WebKit }

// Close ends the session, WebKitWebDriver with every process it started,
// Xvfb and the proxy. It is safe to call more than once.
func (b *WebKitBrowser) Close() error {
	b.run.Lock()
	defer b.run.Unlock()
	if b.session != "" {
		ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
		b.call(ctx, http.MethodDelete, b.session, nil, nil)
		cancel()
		b.session = ""
	}
	if b.driver != nil {
		b.driver.kill(3 * time.Second)
		b.driver = nil
	}
	b.x.close()
	b.x = nil
	if b.proxy != nil {
		b.proxy.close()
		b.proxy = nil
	}
	return nil
}

// Run makes the request from a page at req.Origin and reports what
// WebKit did. Console lines are not part of it (see WebKitBrowser).
func (b *WebKitBrowser) Run(ctx context.Context, req Request) (*Observation, error) {
	ctx, cancel := withDefaultTimeout(ctx)
	defer cancel()
	b.run.Lock()
	defer b.run.Unlock()
	if b.session == "" {
		return nil, errors.New("webkit: browser is closed")
	}
	if b.origin != req.Origin {
		page := pageURLFor(req.Origin)
		if _, err := b.call(ctx, http.MethodPost, b.session+"/url", map[string]any{"url": page}, nil); err != nil {
			return nil, fmt.Errorf("webkit: open page %s: %w", page, err)
		}
		b.origin = req.Origin
	}
	spec, err := specJS(req)
	if err != nil {
		return nil, fmt.Errorf("webkit: request: %w", err)
	}
	run := startRun(b.proxy, req)
	defer run.end()
	script := "const done = arguments[arguments.length - 1];\n" +
		"(" + fmt.Sprintf(fetchJS, spec) + ").then(r => done(JSON.stringify(r)), e => done(JSON.stringify({ok: false, error: String(e)})));"
	var out string
	if _, err := b.call(ctx, http.MethodPost, b.session+"/execute/async", map[string]any{"script": script, "args": []any{}}, &out); err != nil {
		b.origin = "" // reload the page next time
		return nil, fmt.Errorf("webkit: fetch %s: %w", req.URL, err)
	}
	var res jsResult
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		return nil, fmt.Errorf("webkit: fetch %s: page result: %w", req.URL, err)
	}
	return run.observation(ctx, cors.WebKit, b.version, req, res, noLines, 10*time.Millisecond, 2*time.Second), nil
}
