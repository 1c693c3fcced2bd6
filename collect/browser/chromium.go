package browser

import (
	"context"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	cdpbrowser "github.com/chromedp/cdproto/browser"
	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/chromedp"
)

// DefaultExecPath is where Debian and Ubuntu install Chromium.
const DefaultExecPath = "/usr/bin/chromium"

// ErrNoChromium is returned (wrapped in a *NoChromiumError) when no
// Chromium executable can be found.
var ErrNoChromium = errors.New("chromium not found")

// NoChromiumError says where Chromium was looked for and how to install it.
type NoChromiumError struct {
	// Looked lists the places searched, in order.
	Looked []string
	// Install is the command that installs Chromium on this platform.
	Install string
}

func (e *NoChromiumError) Error() string {
	return fmt.Sprintf("chromium not found (looked at %s): install it with `%s`, or set CHROME_PATH to a Chromium or Chrome executable",
		strings.Join(e.Looked, ", "), e.Install)
}

func (e *NoChromiumError) Unwrap() error { return ErrNoChromium }

// InstallCommand returns the command that installs Chromium on goos.
func InstallCommand(goos string) string {
	switch goos {
	case "darwin":
		return "brew install --cask chromium"
	case "windows":
		return "winget install Hibbiki.Chromium"
	}
	return "apt-get install -y chromium"
}

// FindChromium returns the Chromium executable to run: $CHROME_PATH when
// set, else /usr/bin/chromium, else the first of chromium,
// chromium-browser, google-chrome, google-chrome-stable and headless-shell
// on PATH.
func FindChromium() (string, error) {
	var looked []string
	if p := os.Getenv("CHROME_PATH"); p != "" {
		if isExecutable(p) {
			return p, nil
		}
		// An explicit choice that does not work is an error, not a reason
		// to pick another browser.
		return "", &NoChromiumError{Looked: []string{"CHROME_PATH=" + p}, Install: InstallCommand(runtime.GOOS)}
	}
	looked = append(looked, "$CHROME_PATH (unset)")
	if isExecutable(DefaultExecPath) {
		return DefaultExecPath, nil
	}
	looked = append(looked, DefaultExecPath)
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "headless-shell"} {
		if p, err := exec.LookPath(name); err == nil {
			return p, nil
		}
	}
	looked = append(looked, "PATH")
	return "", &NoChromiumError{Looked: looked, Install: InstallCommand(runtime.GOOS)}
}

func isExecutable(p string) bool {
	fi, err := os.Stat(p)
	return err == nil && !fi.IsDir() && fi.Mode()&0o111 != 0
}

// Config configures a Browser.
type Config struct {
	// ExecPath is the Chromium executable; empty means FindChromium.
	ExecPath string
	// Origins are the page origins to serve, each from its own loopback
	// server ("https://app.example.com", "http://localhost:3000", "null").
	Origins []string
	// HostRules are extra Chromium host mapping rules ("MAP host[:port]
	// 127.0.0.1:port"), for test servers that play other hosts. An origin
	// reached through these rules must serve PagePath itself (see
	// PageHandler).
	HostRules []string
	// TrustSPKI are extra base64 SHA-256 SPKI hashes whose certificates
	// Chromium accepts (test TLS servers).
	TrustSPKI []string
	// RootCAs verifies the servers Firefox and WebKit reach through
	// corsdoctor's proxy; nil means the system roots.
	RootCAs *x509.CertPool
	// StartTimeout bounds the launch; default 20 s.
	StartTimeout time.Duration
	// Output receives Chromium's stdout and stderr; nil discards them.
	Output io.Writer
}

// Browser is one running headless Chromium with its origin servers.
// It is safe for concurrent use: each Run gets a tab of its own.
type Browser struct {
	cfg      Config
	dataDir  string
	origins  map[string]*originServer
	pageURL  map[string]string // origin -> URL of its blank page
	alloc    context.CancelFunc
	root     context.Context
	rootStop context.CancelFunc
	version  string

	mu     sync.Mutex
	idle   map[string][]*tab // origin -> idle tabs with the page loaded
	all    []*tab
	closed bool
}

// Flags returns the Chromium command line flags corsdoctor uses, besides
// --user-data-dir and the remote debugging pipe: headless, no sandbox (root
// in containers), no GPU, no QUIC (loopback servers speak HTTP/1.1), no
// background traffic, no HTTPS upgrade of the http origins played.
func Flags(hostRules, spki []string) []chromedp.ExecAllocatorOption {
	opts := []chromedp.ExecAllocatorOption{
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-extensions", true),
		chromedp.Flag("disable-default-apps", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("disable-breakpad", true),
		chromedp.Flag("disable-client-side-phishing-detection", true),
		chromedp.Flag("metrics-recording-only", true),
		chromedp.Flag("password-store", "basic"),
		chromedp.Flag("use-mock-keychain", true),
		chromedp.Flag("disable-background-timer-throttling", true),
		chromedp.Flag("disable-renderer-backgrounding", true),
		chromedp.Flag("disable-backgrounding-occluded-windows", true),
		// HttpsUpgrades would first try https://origin for a page served
		// over http; the page server only speaks the origin's scheme.
		chromedp.Flag("disable-features", "HttpsUpgrades,Translate,OptimizationHints,MediaRouter"),
	}
	if len(hostRules) > 0 {
		opts = append(opts, chromedp.Flag("host-resolver-rules", strings.Join(hostRules, ",")))
	}
	if len(spki) > 0 {
		opts = append(opts, chromedp.Flag("ignore-certificate-errors-spki-list", strings.Join(spki, ",")))
	}
	return opts
}

// Start launches Chromium and the origin servers. ctx bounds the launch
// only (with Config.StartTimeout); the browser then runs until Close,
// which the caller must call, also after errors.
func Start(ctx context.Context, cfg Config) (b *Browser, err error) {
	if cfg.ExecPath == "" {
		p, err := FindChromium()
		if err != nil {
			return nil, err
		}
		cfg.ExecPath = p
	} else if !isExecutable(cfg.ExecPath) {
		return nil, &NoChromiumError{Looked: []string{cfg.ExecPath}, Install: InstallCommand(runtime.GOOS)}
	}
	if cfg.StartTimeout <= 0 {
		cfg.StartTimeout = 20 * time.Second
	}
	b = &Browser{cfg: cfg, origins: map[string]*originServer{}, pageURL: map[string]string{}, idle: map[string][]*tab{}}
	defer func() {
		if err != nil {
			b.Close()
			b = nil
		}
	}()
	rules := append([]string(nil), cfg.HostRules...)
	spki := append([]string(nil), cfg.TrustSPKI...)
	for _, o := range cfg.Origins {
		if _, dup := b.origins[o]; dup {
			continue
		}
		s, err := serveOrigin(o, cfg.Output)
		if err != nil {
			return b, err
		}
		b.origins[o] = s
		b.pageURL[o] = s.pageURL
		rules = append(rules, s.rule)
		if s.spki != "" {
			spki = append(spki, s.spki)
		}
	}
	b.dataDir, err = os.MkdirTemp("", "corsdoctor-chromium-")
	if err != nil {
		return b, fmt.Errorf("chromium: profile directory: %w", err)
	}
	opts := append(Flags(rules, spki),
		chromedp.ExecPath(cfg.ExecPath),
		chromedp.UserDataDir(b.dataDir),
	)
	if cfg.Output != nil {
		opts = append(opts, chromedp.CombinedOutput(cfg.Output))
	}
	// The browser lives until Close, not until ctx ends; ctx only bounds
	// the launch (and closes the browser if it is cancelled meanwhile).
	actx, acancel := chromedp.NewExecAllocator(context.Background(), opts...)
	b.alloc = acancel
	b.root, b.rootStop = chromedp.NewContext(actx)
	started := make(chan error, 1)
	root := b.root
	go func() {
		started <- chromedp.Do(root)
	}()
	timer := time.NewTimer(cfg.StartTimeout)
	defer timer.Stop()
	select {
	case err = <-started:
		if err != nil {
			return b, fmt.Errorf("chromium: start %s: %w", cfg.ExecPath, err)
		}
	case <-timer.C:
		return b, fmt.Errorf("chromium: start %s: no answer after %s", cfg.ExecPath, cfg.StartTimeout)
	case <-ctx.Done():
		return b, fmt.Errorf("chromium: start: %w", ctx.Err())
	}
	vctx, vcancel := context.WithTimeout(b.root, 5*time.Second)
	defer vcancel()
	if v, err := chromedp.CallBrowser(vctx, cdpbrowser.GetVersion, cdp.Empty{}); err == nil {
		b.version = v.Product
	}
	return b, nil
}

// Version is the product string the browser reported, e.g.
// "HeadlessChrome/156.0.7000.0"; empty when unknown.
func (b *Browser) Version() string { return b.version }

// PID returns the process id of the browser, or 0.
func (b *Browser) PID() int {
	if b == nil || b.root == nil {
		return 0
	}
	if c := chromedp.FromContext(b.root); c != nil && c.Browser != nil {
		if p := c.Browser.Process(); p != nil {
			return p.Pid
		}
	}
	return 0
}

// UserDataDir is the fresh profile directory; every Chromium process of
// this Browser has it on its command line.
func (b *Browser) UserDataDir() string { return b.dataDir }

// Close kills the browser's whole process tree, stops the origin servers
// and removes the profile. It is safe to call more than once.
func (b *Browser) Close() error {
	b.mu.Lock()
	if b.closed {
		b.mu.Unlock()
		return nil
	}
	b.closed = true
	tabs := b.all
	b.all, b.idle = nil, map[string][]*tab{}
	b.mu.Unlock()
	for _, t := range tabs {
		t.stop()
	}
	if b.rootStop != nil {
		// Cancel kills the main process (exec.CommandContext); a
		// graceful Browser.close could hang on a stuck renderer.
		done := make(chan struct{})
		go func() {
			b.rootStop()
			b.alloc()
			close(done)
		}()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
		}
	}
	var errs []error
	if b.dataDir != "" {
		if n := killTree(b.dataDir); n > 0 {
			// Not an error: Chromium children can outlive the main process.
			_ = n
		}
		if err := removeAll(b.dataDir); err != nil {
			errs = append(errs, fmt.Errorf("chromium: remove profile %s: %w", b.dataDir, err))
		}
	}
	for _, s := range b.origins {
		s.close()
	}
	return errors.Join(errs...)
}

// killTree kills every process whose command line names the profile
// directory dir (Chromium passes --user-data-dir to all its children),
// looking again until none is left. It returns how many it killed.
func killTree(dir string) int {
	killed := 0
	deadline := time.Now().Add(5 * time.Second)
	for quiet := 0; quiet < 3 && time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		pids := Processes(dir)
		if len(pids) == 0 {
			quiet++
			continue
		}
		quiet = 0
		for _, pid := range pids {
			if syscall.Kill(pid, syscall.SIGKILL) == nil {
				killed++
			}
		}
	}
	return killed
}

// Processes lists the live processes (not zombies) whose command line
// holds --user-data-dir=dir. It reads /proc and returns nil elsewhere.
func Processes(dir string) []int {
	want := []byte("--user-data-dir=" + dir)
	entries, err := os.ReadDir("/proc")
	if err != nil {
		return nil
	}
	self := os.Getpid()
	var pids []int
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil || pid == self {
			continue
		}
		cmd, err := os.ReadFile(filepath.Join("/proc", e.Name(), "cmdline"))
		if err != nil || !containsArg(cmd, want) {
			continue
		}
		if stat, err := os.ReadFile(filepath.Join("/proc", e.Name(), "stat")); err == nil {
			// Field 3 is the state; Z is a zombie waiting to be reaped.
			if i := strings.LastIndexByte(string(stat), ')'); i > 0 && i+2 < len(stat) && stat[i+2] == 'Z' {
				continue
			}
		}
		pids = append(pids, pid)
	}
	return pids
}

func containsArg(cmdline, want []byte) bool {
	for _, arg := range strings.Split(string(cmdline), "\x00") {
		if arg == string(want) {
			return true
		}
	}
	return false
}

func removeAll(dir string) error {
	var err error
	for i := 0; i < 50; i++ {
		if err = os.RemoveAll(dir); err == nil {
			return nil
		}
		time.Sleep(20 * time.Millisecond)
	}
	return err
}

// pageHTML is the blank page every origin serves at PagePath.
const pageHTML = "<!doctype html><meta charset=utf-8><title>corsdoctor</title>"

// PagePath is the path of the blank page that runs the request.
const PagePath = "/__corsdoctor/page"

// PageHandler serves the blank page; with ?sandbox=1 it adds
// "Content-Security-Policy: sandbox allow-scripts", which gives the
// document the opaque origin "null". Test servers reached through
// Config.HostRules mount it at PagePath.
func PageHandler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Query().Get("sandbox") != "" {
			w.Header().Set("Content-Security-Policy", "sandbox allow-scripts")
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Header().Set("Cache-Control", "no-store")
		io.WriteString(w, pageHTML)
	})
}

// Observe starts Chromium with cfg, runs one request and closes the
// browser, whatever happens: the one-shot form of Start, Run and Close
// that `corsdoctor browser` (and a live check run side by side with the
// browser) needs. req.Origin is added to cfg.Origins when missing.
func Observe(ctx context.Context, cfg Config, req Request) (*Observation, error) {
	found := false
	for _, o := range cfg.Origins {
		found = found || o == req.Origin
	}
	if !found && len(cfg.HostRules) == 0 {
		cfg.Origins = append(append([]string(nil), cfg.Origins...), req.Origin)
	}
	b, err := Start(ctx, cfg)
	if err != nil {
		return nil, err
	}
	defer b.Close()
	return b.Run(ctx, req)
}
