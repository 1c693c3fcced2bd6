package browser

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"time"

	"github.com/corsdoctor/corsdoctor/cors"
)

// Driver is one running browser that runs requests from its pages:
// *Browser (Chromium, DevTools protocol), *FirefoxBrowser (WebDriver BiDi)
// and *WebKitBrowser (WebDriver). A blocked request is an Observation,
// not an error.
type Driver interface {
	Run(ctx context.Context, req Request) (*Observation, error)
	// Version is the product, e.g. "Firefox/153.8.0".
	Version() string
	Engine() cors.Engine
	Close() error
}

// Engine is cors.Chromium.
func (b *Browser) Engine() cors.Engine { return cors.Chromium }

// Errors a missing browser wraps; NoBrowserError says where it looked.
var (
	ErrNoFirefox = errors.New("firefox not found")
	ErrNoWebKit  = errors.New("webkit not found")
)

// NoBrowserError says which program is missing for an engine, where it
// was looked for and how to install it.
type NoBrowserError struct {
	Engine  cors.Engine
	Program string
	Looked  []string
	Install string
}

func (e *NoBrowserError) Error() string {
	return fmt.Sprintf("%s not found (looked at %s): install it with `%s`", e.Program, strings.Join(e.Looked, ", "), e.Install)
}

func (e *NoBrowserError) Unwrap() error {
	if e.Engine == cors.Firefox {
		return ErrNoFirefox
	}
	return ErrNoWebKit
}

// IsNoBrowser reports whether err says a browser (any engine) is missing.
func IsNoBrowser(err error) bool {
	return errors.Is(err, ErrNoChromium) || errors.Is(err, ErrNoFirefox) || errors.Is(err, ErrNoWebKit)
}

// findProgram returns $env when set (and executable), else the first of
// paths that is executable, else the first of names on PATH.
func findProgram(engine cors.Engine, program, env string, paths, names []string, install string) (string, error) {
	var looked []string
	if p := os.Getenv(env); p != "" {
		if isExecutable(p) {
			return p, nil
		}
		return "", &NoBrowserError{Engine: engine, Program: program, Looked: []string{env + "=" + p}, Install: install}
	}
	looked = append(looked, "$"+env+" (unset)")
	for _, p := range paths {
		if isExecutable(p) {
			return p, nil
		}
		looked = append(looked, p)
	}
	for _, n := range names {
		if p, err := exec.LookPath(n); err == nil {
			return p, nil
		}
	}
	looked = append(looked, "PATH")
	return "", &NoBrowserError{Engine: engine, Program: program, Looked: looked, Install: install}
}

// Start launches the browser of engine e. Chromium is Start's Browser.
func StartEngine(ctx context.Context, e cors.Engine, cfg Config) (Driver, error) {
	switch e {
	case cors.Firefox:
		return StartFirefox(ctx, cfg)
	case cors.WebKit:
		return StartWebKit(ctx, cfg)
	}
	b, err := Start(ctx, cfg)
	if err != nil {
		return nil, err
	}
	return b, nil
}

// ObserveEngine starts the browser of engine e, runs one request and
// closes it, whatever happens.
func ObserveEngine(ctx context.Context, e cors.Engine, cfg Config, req Request) (*Observation, error) {
	if e == cors.Chromium {
		return Observe(ctx, cfg, req)
	}
	found := false
	for _, o := range cfg.Origins {
		found = found || o == req.Origin
	}
	if !found {
		cfg.Origins = append(append([]string(nil), cfg.Origins...), req.Origin)
	}
	d, err := StartEngine(ctx, e, cfg)
	if err != nil {
		return nil, err
	}
	defer d.Close()
	return d.Run(ctx, req)
}

// process is a browser-side program started in its own process group, so
// that Close kills it and every child it spawned (content processes,
// MiniBrowser, the web and network processes), and only those.
type process struct {
	cmd  *exec.Cmd
	done chan struct{}
}

func startProcess(cmd *exec.Cmd) (*process, error) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	p := &process{cmd: cmd, done: make(chan struct{})}
	go func() {
		cmd.Wait()
		close(p.done)
	}()
	return p, nil
}

// kill ends the process group: SIGTERM, then SIGKILL after grace.
func (p *process) kill(grace time.Duration) {
	if p == nil || p.cmd.Process == nil {
		return
	}
	pgid := p.cmd.Process.Pid
	syscall.Kill(-pgid, syscall.SIGTERM)
	select {
	case <-p.done:
	case <-time.After(grace):
	}
	// Children may outlive the leader; the group id stays theirs.
	syscall.Kill(-pgid, syscall.SIGKILL)
	select {
	case <-p.done:
	case <-time.After(5 * time.Second):
	}
}

// specJS is the JSON request spec the page script takes.
func specJS(req Request) (string, error) {
	spec := jsSpec{URL: req.URL, Method: req.Method, Headers: [][]string{}, Credentials: string(req.Credentials),
		Mode: string(req.Mode), HasBody: req.HasBody, Body: req.Body, Expose: append([]string{}, req.Expose...),
		XHR: req.Initiator == cors.InitiatorXHR, Upload: req.UploadListeners}
	for _, h := range req.Headers {
		spec.Headers = append(spec.Headers, []string{h.Name, h.Value})
	}
	js, err := json.Marshal(spec)
	if err != nil {
		return "", err
	}
	return string(js), nil
}

// pageObservation is what the page's script saw of the request: the
// verdict, the status and the response headers it could read.
func pageObservation(req Request, res jsResult) *Observation {
	obs := &Observation{Request: req, Allowed: res.OK, ResponseType: res.Type, Status: res.Status, ScriptError: res.Error}
	for _, kv := range res.Headers {
		if len(kv) == 2 {
			obs.Readable = append(obs.Readable, cors.Header{Name: kv[0], Value: kv[1]})
		}
	}
	for _, kv := range res.Exposed {
		if len(kv) == 2 && kv[0] != nil {
			c := ReadCheck{Name: *kv[0]}
			if kv[1] != nil {
				c.Readable, c.Value = true, *kv[1]
			}
			obs.Expose = append(obs.Expose, c)
		}
	}
	return obs
}

// observationOf builds an Observation from what the page script saw and
// the exchanges the proxy recorded.
func observationOf(e cors.Engine, req Request, res jsResult, recs []proxyRecord) *Observation {
	obs := pageObservation(req, res)
	obs.Engine = e
	obs.Hops = hopsOf(recs)
	for _, h := range obs.Hops {
		obs.PreflightSent = obs.PreflightSent || h.Preflight != nil
	}
	return obs
}

// withDefaultTimeout bounds ctx by DefaultTimeout when it has no deadline.
func withDefaultTimeout(ctx context.Context) (context.Context, context.CancelFunc) {
	if _, ok := ctx.Deadline(); ok {
		return ctx, func() {}
	}
	return context.WithTimeout(ctx, DefaultTimeout)
}

// proxyRun is one run of a proxy-driven browser (Firefox, WebKit): the
// user's secret headers guarded to the URL's host, and the proxy's
// records from its start.
type proxyRun struct {
	proxy *proxy
	guard *credentialGuard
	mark  int
	begin time.Time
}

// startRun guards req's secret headers on p and marks the run's start;
// end must follow.
func startRun(p *proxy, req Request) *proxyRun {
	r := &proxyRun{proxy: p, guard: newCredentialGuard(req)}
	p.setGuard(r.guard)
	r.mark, r.begin = p.mark(), time.Now()
	return r
}

// end lifts the guard.
func (r *proxyRun) end() { r.proxy.setGuard(nil) }

// observation waits for the run's exchanges to settle (settle), then
// builds the Observation of engine e from the page's result res.
func (r *proxyRun) observation(ctx context.Context, e cors.Engine, version string, req Request, res jsResult, lastLine func() time.Time, quiet, max time.Duration) *Observation {
	settle(ctx, r.proxy, r.mark, lastLine, quiet, max)
	obs := observationOf(e, req, res, r.proxy.since(r.mark))
	obs.Browser = version
	obs.Elapsed = time.Since(r.begin)
	obs.Withheld = r.guard.withheld()
	return obs
}

// noLines is the lastLine of a driver that reads no console.
func noLines() time.Time { return time.Time{} }

// settle waits until the proxy has every response of the run and no
// console line arrived for quiet, bounded by max and ctx.
func settle(ctx context.Context, p *proxy, mark int, lastLine func() time.Time, quiet, max time.Duration) {
	start := time.Now()
	for time.Since(start) < max && ctx.Err() == nil {
		if !p.pending(mark) && time.Since(lastLine()) >= quiet && time.Since(start) >= quiet {
			return
		}
		time.Sleep(5 * time.Millisecond)
	}
}
