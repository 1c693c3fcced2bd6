package browser

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"time"

	"github.com/corsdoctor/corsdoctor/cors"
)

// FirefoxInstall is the command that installs Firefox ESR on Debian.
const FirefoxInstall = "apt-get install -y firefox-esr"

// FindFirefox returns the Firefox executable: $FIREFOX_PATH when set,
// else /usr/bin/firefox-esr, else firefox-esr or firefox on PATH.
func FindFirefox() (string, error) {
	return findProgram(cors.Firefox, "firefox", "FIREFOX_PATH", []string{"/usr/bin/firefox-esr"}, []string{"firefox-esr", "firefox"}, FirefoxInstall)
}

// FirefoxBrowser is one headless Firefox driven through WebDriver BiDi,
// with its pages played and its traffic recorded by corsdoctor's proxy.
// Runs are serialized: the proxy's records of a run are the ones made
// while it ran.
type FirefoxBrowser struct {
	cfg     Config
	proc    *process
	profile string
	proxy   *proxy
	bidi    *bidiConn
	version string

	run      sync.Mutex // one request at a time
	contexts map[string]string

	logMu sync.Mutex
	logs  []bidiLog
	last  time.Time
}

// bidiLog is one log.entryAdded event.
type bidiLog struct {
	Type   string `json:"type"`
	Level  string `json:"level"`
	Text   string `json:"text"`
	Source struct {
		Context string `json:"context"`
	} `json:"source"`
}

// firefoxPrefs make a quiet, reproducible profile: no updates, telemetry
// or background traffic, no HTTPS-First upgrade of the http origins
// played, every request (loopback included) through corsdoctor's proxy.
func firefoxPrefs(proxyAddr string) string {
	host, port := splitHostPortLoose(proxyAddr)
	prefs := []string{
		`"browser.shell.checkDefaultBrowser", false`,
		`"browser.startup.homepage_override.mstone", "ignore"`,
		`"browser.startup.page", 0`,
		`"browser.newtabpage.enabled", false`,
		`"browser.aboutwelcome.enabled", false`,
		`"datareporting.policy.dataSubmissionEnabled", false`,
		`"datareporting.healthreport.uploadEnabled", false`,
		`"toolkit.telemetry.enabled", false`,
		`"toolkit.telemetry.unified", false`,
		`"app.update.disabledForTesting", true`,
		`"app.normandy.enabled", false`,
		`"extensions.update.enabled", false`,
		`"browser.safebrowsing.malware.enabled", false`,
		`"browser.safebrowsing.phishing.enabled", false`,
		`"browser.safebrowsing.downloads.enabled", false`,
		`"network.captive-portal-service.enabled", false`,
		`"captivedetect.canonicalURL", ""`,
		`"services.settings.server", "data:,#remote-settings-dummy/v1"`,
		`"browser.region.network.url", ""`,
		`"browser.region.update.enabled", false`,
		`"browser.search.update", false`,
		`"browser.topsites.contile.enabled", false`,
		`"extensions.getAddons.cache.enabled", false`,
		`"extensions.blocklist.enabled", false`,
		`"media.gmp-manager.url", ""`,
		`"network.trr.mode", 5`,
		`"browser.ping-centre.telemetry", false`,
		`"network.connectivity-service.enabled", false`,
		`"network.dns.disablePrefetch", true`,
		`"network.prefetch-next", false`,
		`"dom.security.https_first", false`,
		`"dom.security.https_first_schemeless", false`,
		`"dom.security.https_only_mode", false`,
		`"network.proxy.type", 1`,
		`"network.proxy.http", "` + host + `"`,
		`"network.proxy.http_port", ` + port,
		`"network.proxy.ssl", "` + host + `"`,
		`"network.proxy.ssl_port", ` + port,
		`"network.proxy.no_proxies_on", ""`,
		`"network.proxy.allow_hijacking_localhost", true`,
		`"network.proxy.testing_localhost_is_secure_when_hijacked", true`,
	}
	var b strings.Builder
	for _, p := range prefs {
		b.WriteString("user_pref(" + p + ");\n")
	}
	return b.String()
}

var bidiListening = regexp.MustCompile(`WebDriver BiDi listening on (ws://\S+)`)

// StartFirefox launches headless Firefox with a fresh profile and
// connects to it over WebDriver BiDi. The caller must Close it.
func StartFirefox(ctx context.Context, cfg Config) (b *FirefoxBrowser, err error) {
	exe := cfg.ExecPath
	if exe == "" {
		if exe, err = FindFirefox(); err != nil {
			return nil, err
		}
	} else if !isExecutable(exe) {
		return nil, &NoBrowserError{Engine: cors.Firefox, Program: "firefox", Looked: []string{exe}, Install: FirefoxInstall}
	}
	if cfg.StartTimeout <= 0 {
		cfg.StartTimeout = 30 * time.Second
	}
	b = &FirefoxBrowser{cfg: cfg, contexts: map[string]string{}}
	defer func() {
		if err != nil {
			b.Close()
			b = nil
		}
	}()
	if b.proxy, err = startProxy(cfg, cfg.Origins); err != nil {
		return b, err
	}
	if b.profile, err = os.MkdirTemp("", "corsdoctor-firefox-"); err != nil {
		return b, fmt.Errorf("firefox: profile directory: %w", err)
	}
	if err = os.WriteFile(filepath.Join(b.profile, "user.js"), []byte(firefoxPrefs(b.proxy.Addr())), 0o600); err != nil {
		return b, fmt.Errorf("firefox: profile: %w", err)
	}
	cmd := exec.Command(exe, "--headless", "--no-remote", "--remote-debugging-port=0", "--profile", b.profile, "about:blank")
	cmd.Env = append(os.Environ(), "MOZ_CRASHREPORTER_DISABLE=1", "MOZ_HEADLESS=1", "MOZ_REMOTE_SETTINGS_DEVTOOLS=1", "HOME="+b.profile)
	stderr, err := cmd.StderrPipe()
	if err != nil {
		return b, err
	}
	out := cfg.Output
	if out == nil {
		out = io.Discard
	}
	cmd.Stdout = out
	if b.proc, err = startProcess(cmd); err != nil {
		return b, fmt.Errorf("firefox: start %s: %w", exe, err)
	}
	found := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stderr)
		sc.Buffer(make([]byte, 64<<10), 1<<20)
		sent := false
		for sc.Scan() {
			line := sc.Text()
			if m := bidiListening.FindStringSubmatch(line); m != nil && !sent {
				found <- m[1]
				sent = true
			}
			fmt.Fprintln(out, line)
		}
		if !sent {
			close(found)
		}
	}()
	sctx, cancel := context.WithTimeout(ctx, cfg.StartTimeout)
	defer cancel()
	var wsURL string
	select {
	case u, ok := <-found:
		if !ok {
			return b, fmt.Errorf("firefox: %s exited before WebDriver BiDi listened", exe)
		}
		wsURL = u
	case <-sctx.Done():
		return b, fmt.Errorf("firefox: start %s: no WebDriver BiDi after %s: %w", exe, cfg.StartTimeout, sctx.Err())
	}
	if b.bidi, err = dialBiDi(sctx, wsURL+"/session", b.onEvent); err != nil {
		return b, err
	}
	var sess struct {
		Capabilities struct {
			BrowserName    string `json:"browserName"`
			BrowserVersion string `json:"browserVersion"`
		} `json:"capabilities"`
	}
	if err = b.bidi.call(sctx, "session.new", map[string]any{"capabilities": map[string]any{
		"alwaysMatch": map[string]any{"acceptInsecureCerts": true},
	}}, &sess); err != nil {
		return b, fmt.Errorf("firefox: %w", err)
	}
	b.version = "Firefox/" + sess.Capabilities.BrowserVersion
	if err = b.bidi.call(sctx, "session.subscribe", map[string]any{"events": []string{"log.entryAdded"}}, nil); err != nil {
		return b, fmt.Errorf("firefox: %w", err)
	}
	return b, nil
}

func (b *FirefoxBrowser) onEvent(method string, params json.RawMessage) {
	if method != "log.entryAdded" {
		return
	}
	var l bidiLog
	if json.Unmarshal(params, &l) != nil {
		return
	}
	b.logMu.Lock()
	b.logs = append(b.logs, l)
	b.last = time.Now()
	b.logMu.Unlock()
}

// Version is e.g. "Firefox/153.8.0".
func (b *FirefoxBrowser) Version() string { return b.version }

// Engine is cors.Firefox.
func (b *FirefoxBrowser) Engine() cors.Engine { return cors.Firefox }

// Close ends Firefox and every process it started, stops the proxy and
// removes the profile. It is safe to call more than once.
func (b *FirefoxBrowser) Close() error {
	b.run.Lock()
	defer b.run.Unlock()
	if b.bidi != nil {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		b.bidi.call(ctx, "browser.close", nil, nil)
		cancel()
		b.bidi.close()
		b.bidi = nil
	}
	if b.proc != nil {
		b.proc.kill(3 * time.Second)
		b.proc = nil
	}
	if b.proxy != nil {
		b.proxy.close()
		b.proxy = nil
	}
	var err error
	if b.profile != "" {
		err = removeAll(b.profile)
		b.profile = ""
	}
	return err
}

// tab returns the browsing context showing origin's page, opening it.
func (b *FirefoxBrowser) tab(ctx context.Context, origin string) (string, error) {
	if id, ok := b.contexts[origin]; ok {
		return id, nil
	}
	var created struct {
		Context string `json:"context"`
	}
	if err := b.bidi.call(ctx, "browsingContext.create", map[string]any{"type": "tab"}, &created); err != nil {
		return "", fmt.Errorf("firefox: %w", err)
	}
	page := pageURLFor(origin)
	if err := b.bidi.call(ctx, "browsingContext.navigate", map[string]any{"context": created.Context, "url": page, "wait": "complete"}, nil); err != nil {
		return "", fmt.Errorf("firefox: open page %s: %w", page, err)
	}
	b.contexts[origin] = created.Context
	return created.Context, nil
}

// Run makes the request from a page at req.Origin (one of Config.Origins,
// or a host the HostRules send to a server that serves PagePath) and
// reports what Firefox did.
func (b *FirefoxBrowser) Run(ctx context.Context, req Request) (*Observation, error) {
	ctx, cancel := withDefaultTimeout(ctx)
	defer cancel()
	b.run.Lock()
	defer b.run.Unlock()
	if b.bidi == nil {
		return nil, errors.New("firefox: browser is closed")
	}
	bc, err := b.tab(ctx, req.Origin)
	if err != nil {
		return nil, err
	}
	spec, err := specJS(req)
	if err != nil {
		return nil, fmt.Errorf("firefox: request: %w", err)
	}
	b.logMu.Lock()
	b.logs = b.logs[:0]
	b.logMu.Unlock()
	run := startRun(b.proxy, req)
	defer run.end()
	var ev struct {
		Type   string `json:"type"`
		Result struct {
			Type  string `json:"type"`
			Value any    `json:"value"`
		} `json:"result"`
		ExceptionDetails *struct {
			Text string `json:"text"`
		} `json:"exceptionDetails"`
	}
	expr := "(async () => JSON.stringify(await " + fmt.Sprintf(fetchJS, spec) + "))()"
	if err := b.bidi.call(ctx, "script.evaluate", map[string]any{
		"expression": expr, "target": map[string]any{"context": bc}, "awaitPromise": true, "resultOwnership": "none",
	}, &ev); err != nil {
		return nil, fmt.Errorf("firefox: fetch %s: %w", req.URL, err)
	}
	if ev.Type == "exception" || ev.Result.Type != "string" {
		msg := "no result"
		if ev.ExceptionDetails != nil {
			msg = ev.ExceptionDetails.Text
		}
		return nil, fmt.Errorf("firefox: fetch %s: page script failed: %s", req.URL, msg)
	}
	var res jsResult
	if err := json.Unmarshal([]byte(ev.Result.Value.(string)), &res); err != nil {
		return nil, fmt.Errorf("firefox: fetch %s: page result: %w", req.URL, err)
	}
	// The console lines come before the promise settles, the second line
	// of a failed preflight just after: wait for a short quiet period.
	quiet := 20 * time.Millisecond
	if !res.OK {
		quiet = 60 * time.Millisecond
		// A blocked request logs its reason; the line can trail the
		// promise's rejection (the parent process logs it).
		for wait := time.Now(); time.Since(wait) < 2*time.Second && !b.hasCORSLine(bc); {
			time.Sleep(5 * time.Millisecond)
		}
	}
	obs := run.observation(ctx, cors.Firefox, b.version, req, res, b.lastLog, quiet, 2*time.Second)
	obs.ConsoleRead = true
	b.logMu.Lock()
	for _, l := range b.logs {
		if l.Source.Context != bc {
			continue
		}
		obs.ConsoleAll = append(obs.ConsoleAll, ConsoleEntry{Source: l.Type, Level: l.Level, Text: l.Text})
		if obs.Console == "" && l.Level == "error" && isFirefoxCORSLine(l.Text) {
			obs.Console = l.Text
		}
	}
	b.logMu.Unlock()
	return obs, nil
}

// hasCORSLine reports whether the context logged a CORS line this run.
func (b *FirefoxBrowser) hasCORSLine(bc string) bool {
	b.logMu.Lock()
	defer b.logMu.Unlock()
	for _, l := range b.logs {
		if l.Source.Context == bc && isFirefoxCORSLine(l.Text) {
			return true
		}
	}
	return false
}

func (b *FirefoxBrowser) lastLog() time.Time {
	b.logMu.Lock()
	defer b.logMu.Unlock()
	return b.last
}

// isFirefoxCORSLine reports whether a console line is one of
// security.properties' CORS messages (or a mixed-content block).
func isFirefoxCORSLine(s string) bool {
	return strings.HasPrefix(s, "Cross-Origin Request Blocked:") || strings.HasPrefix(s, "Blocked loading mixed active content")
}
