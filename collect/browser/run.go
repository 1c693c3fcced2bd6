package browser

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/textproto"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"github.com/corsdoctor/corsdoctor/cors"
)

// Request is the fetch() a page at Origin makes.
type Request struct {
	Origin string `json:"origin"`
	URL    string `json:"url"`
	// Method as the page writes it ("patch" stays "patch"); empty is GET.
	Method  string        `json:"method,omitempty"`
	Headers []cors.Header `json:"headers,omitempty"`
	// Body is sent when HasBody is true (a string body, as fetch sends
	// it: Content-Type text/plain;charset=UTF-8 unless a header says
	// otherwise).
	Body    string `json:"body,omitempty"`
	HasBody bool   `json:"has_body,omitempty"`
	// Credentials defaults to same-origin, Mode to cors, as in fetch().
	Credentials cors.Credentials `json:"credentials,omitempty"`
	Mode        cors.Mode        `json:"mode,omitempty"`
	// Expose names response headers whose readability to report even
	// when the response lacks them.
	Expose []string `json:"expose,omitempty"`
	// Initiator is fetch (default) or xhr: XMLHttpRequest, with
	// withCredentials for Credentials include (omit is not possible).
	Initiator cors.Initiator `json:"initiator,omitempty"`
	// UploadListeners adds an xhr.upload listener before send() (xhr
	// only), which forces a preflight.
	UploadListeners bool `json:"upload_listeners,omitempty"`
}

// CorsRequest is the request package cors evaluates for r.
func (r *Request) CorsRequest() *cors.Request {
	body := cors.BodyNone
	if r.HasBody {
		body = cors.BodySimple
	}
	init := cors.InitiatorFetch
	if r.Initiator == cors.InitiatorXHR {
		init = cors.InitiatorXHR
	}
	return &cors.Request{
		Origin: r.Origin, URL: r.URL, Method: r.Method, Headers: r.Headers,
		Credentials: r.Credentials, Mode: r.Mode, Body: body, Initiator: init,
		UploadListeners: r.UploadListeners && init == cors.InitiatorXHR,
	}
}

// Exchange is one HTTP request the browser sent and the response it
// received, headers exactly as on the wire.
type Exchange struct {
	URL    string `json:"url"`
	Method string `json:"method"`
	// RequestHeaders are the headers the network stack sent (Origin,
	// Access-Control-Request-* included), sorted by name.
	RequestHeaders []cors.Header `json:"request_headers,omitempty"`
	// Status is 0 when no response arrived.
	Status int         `json:"status,omitempty"`
	Header http.Header `json:"response_headers,omitempty"`
	// Error is the net error when the exchange failed without a response.
	Error string `json:"error,omitempty"`
}

// RequestHeader returns the value of a sent request header, or "".
func (e *Exchange) RequestHeader(name string) (string, bool) {
	for _, h := range e.RequestHeaders {
		if strings.EqualFold(h.Name, name) {
			return h.Value, true
		}
	}
	return "", false
}

func (e *Exchange) response() *cors.Response {
	if e == nil || e.Status == 0 {
		return nil
	}
	return &cors.Response{URL: e.URL, Status: e.Status, Header: e.Header}
}

// Hop is one URL of the journey: its preflight (if the browser sent one)
// and the actual request.
type Hop struct {
	URL       string    `json:"url"`
	Preflight *Exchange `json:"preflight,omitempty"`
	Actual    *Exchange `json:"actual,omitempty"`
}

// ConsoleEntry is one console line the page logged during the request.
type ConsoleEntry struct {
	Source   string `json:"source"`
	Level    string `json:"level"`
	Category string `json:"category,omitempty"`
	Text     string `json:"text"`
}

// ReadCheck says whether JavaScript could read one response header.
type ReadCheck struct {
	Name     string `json:"name"`
	Readable bool   `json:"readable"`
	Value    string `json:"value,omitempty"`
}

// Observation is what Chromium did with one Request.
type Observation struct {
	Request Request `json:"request"`
	// Engine is the browser engine that ran the request (Chromium when
	// empty).
	Engine cors.Engine `json:"engine,omitempty"`
	// Browser is the product string, e.g. "HeadlessChrome/156.0.7000.0".
	Browser string `json:"browser,omitempty"`
	// Allowed is true when the fetch() promise resolved.
	Allowed bool `json:"allowed"`
	// ResponseType is Response.type: "cors", "basic" or "opaque".
	ResponseType string `json:"response_type,omitempty"`
	// Status is the status JavaScript saw (0 for opaque responses).
	Status int `json:"status,omitempty"`
	// CorsError and FailedParameter come from Network.loadingFailed
	// corsErrorStatus.
	CorsError       string `json:"cors_error,omitempty"`
	FailedParameter string `json:"failed_parameter,omitempty"`
	// NetError is loadingFailed's errorText, e.g. "net::ERR_FAILED".
	NetError      string `json:"net_error,omitempty"`
	BlockedReason string `json:"blocked_reason,omitempty"`
	// ScriptError is the rejection JavaScript saw ("TypeError: Failed to
	// fetch").
	ScriptError string `json:"script_error,omitempty"`
	// Console is the CORS console message (or the security message for
	// mixed content); ConsoleAll every line the request logged.
	Console    string         `json:"console,omitempty"`
	ConsoleAll []ConsoleEntry `json:"console_all,omitempty"`
	// ConsoleRead is true when the driver could read the console (always
	// for Chromium and Firefox; for WebKit only outside WebDriver, see
	// WebKitConsole).
	ConsoleRead bool `json:"console_read,omitempty"`
	// PreflightSent is true when any preflight went out.
	PreflightSent bool  `json:"preflight_sent"`
	Hops          []Hop `json:"hops,omitempty"`
	// Readable are the response headers JavaScript could read (names
	// lower-case, as Headers iteration gives them).
	Readable []cors.Header `json:"readable_headers,omitempty"`
	// Expose answers Request.Expose.
	Expose []ReadCheck `json:"expose,omitempty"`
	// Elapsed is the time from fetch() to the last event.
	Elapsed time.Duration `json:"elapsed_ns"`
	// Withheld lists the requests that went without the secret headers
	// the page set, because they went to another host (credentialGuard).
	Withheld []Withheld `json:"withheld,omitempty"`

	// events are the DevTools events of the run and page the URL of the
	// page that made the request: what HAR exports.
	events []any
	page   string
}

// FinalResponse returns the last actual response received, or nil.
func (o *Observation) FinalResponse() *Exchange {
	for i := len(o.Hops) - 1; i >= 0; i-- {
		if o.Hops[i].Actual != nil && o.Hops[i].Actual.Status != 0 {
			return o.Hops[i].Actual
		}
	}
	return nil
}

// CorsHops converts the hops to the engine's form.
func (o *Observation) CorsHops() []cors.Hop {
	hops := make([]cors.Hop, 0, len(o.Hops))
	for _, h := range o.Hops {
		hops = append(hops, cors.Hop{Preflight: h.Preflight.response(), Response: h.Actual.response()})
	}
	// Trailing hops with nothing received say nothing to the engine.
	for len(hops) > 0 && hops[len(hops)-1].Preflight == nil && hops[len(hops)-1].Response == nil {
		hops = hops[:len(hops)-1]
	}
	return hops
}

// DefaultTimeout bounds one Run when the context has no deadline.
const DefaultTimeout = 10 * time.Second

// Run makes the request from a page at req.Origin, which must be one of
// Config.Origins or be reachable through Config.HostRules, and reports
// what Chromium did. A blocked request is an Observation, not an error;
// an error means the browser could not be driven (timeout, crash).
func (b *Browser) Run(ctx context.Context, req Request) (*Observation, error) {
	if _, ok := ctx.Deadline(); !ok {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, DefaultTimeout)
		defer cancel()
	}
	t, err := b.getTab(ctx, req.Origin)
	if err != nil {
		return nil, err
	}
	obs, err := t.run(ctx, req)
	if err != nil {
		t.stop()
		b.forget(t)
		return nil, err
	}
	obs.Browser = b.version
	b.putTab(t)
	return obs, nil
}

// tab is one page of the browser with an origin's blank page loaded.
type tab struct {
	ctx    context.Context
	cancel context.CancelFunc
	origin string
	page   string // URL of the blank page loaded in the tab
	rec    *recorder
}

func (t *tab) stop() { t.cancel() }

func (b *Browser) pageFor(origin string) (string, error) {
	if u, ok := b.pageURL[origin]; ok {
		return u, nil
	}
	if origin == cors.Null {
		return "", &OriginError{Origin: origin, Reason: "not served by this browser", Suggest: "add it to Config.Origins"}
	}
	if len(b.cfg.HostRules) > 0 {
		// A test server plays it through a host rule.
		return origin + PagePath, nil
	}
	return "", &OriginError{Origin: origin, Reason: "not served by this browser", Suggest: "add it to Config.Origins"}
}

func (b *Browser) getTab(ctx context.Context, origin string) (*tab, error) {
	b.mu.Lock()
	if b.closed {
		b.mu.Unlock()
		return nil, errors.New("chromium: browser is closed")
	}
	if ts := b.idle[origin]; len(ts) > 0 {
		t := ts[len(ts)-1]
		b.idle[origin] = ts[:len(ts)-1]
		b.mu.Unlock()
		return t, nil
	}
	b.mu.Unlock()
	page, err := b.pageFor(origin)
	if err != nil {
		return nil, err
	}
	tctx, cancel := chromedp.NewContext(b.root)
	t := &tab{ctx: tctx, cancel: cancel, origin: origin, page: page, rec: newRecorder()}
	b.mu.Lock()
	b.all = append(b.all, t)
	b.mu.Unlock()
	err = bounded(ctx, t, func() error {
		if err := chromedp.Do(tctx); err != nil {
			return err
		}
		if err := chromedp.Listen(tctx, t.rec.on); err != nil {
			return err
		}
		if _, err := chromedp.Call(tctx, network.Enable, network.EnableParams{}); err != nil {
			return err
		}
		if _, err := chromedp.Call(tctx, log.Enable, cdp.Empty{}); err != nil {
			return err
		}
		return nil
	})
	if err == nil {
		nctx, ncancel := context.WithCancel(tctx)
		stop := context.AfterFunc(ctx, ncancel)
		err = chromedp.Do(nctx, chromedp.Navigate(page))
		stop()
		ncancel()
		if err != nil && ctx.Err() != nil {
			err = ctx.Err()
		}
	}
	if err != nil {
		t.stop()
		b.forget(t)
		return nil, fmt.Errorf("chromium: open page %s: %w", page, err)
	}
	return t, nil
}

// bounded runs f, giving up (and closing the tab) when ctx ends first.
func bounded(ctx context.Context, t *tab, f func() error) error {
	done := make(chan error, 1)
	go func() { done <- f() }()
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
		t.stop()
		<-done
		return ctx.Err()
	}
}

func (b *Browser) putTab(t *tab) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.closed {
		t.stop()
		return
	}
	b.idle[t.origin] = append(b.idle[t.origin], t)
}

func (b *Browser) forget(t *tab) {
	b.mu.Lock()
	defer b.mu.Unlock()
	for i, x := range b.all {
		if x == t {
			b.all = append(b.all[:i], b.all[i+1:]...)
			break
		}
	}
}

// recorder keeps the network and log events of a tab while a run is on.
type recorder struct {
	mu     sync.Mutex
	active bool
	events []any
	last   time.Time
	wake   chan struct{}
}

func newRecorder() *recorder { return &recorder{wake: make(chan struct{}, 1)} }

// on runs on chromedp's read loop: it must be quick and not call back.
func (r *recorder) on(ev any) {
	switch ev.(type) {
	case *network.EventRequestWillBeSent, *network.EventRequestWillBeSentExtraInfo,
		*network.EventResponseReceived, *network.EventResponseReceivedExtraInfo,
		*network.EventLoadingFinished, *network.EventLoadingFailed, *log.EventEntryAdded:
	default:
		return
	}
	r.mu.Lock()
	if r.active {
		r.events = append(r.events, ev)
		r.last = time.Now()
	}
	r.mu.Unlock()
	select {
	case r.wake <- struct{}{}:
	default:
	}
}

func (r *recorder) start() {
	r.mu.Lock()
	r.active, r.events, r.last = true, nil, time.Now()
	r.mu.Unlock()
}

func (r *recorder) snapshot() ([]any, time.Time) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]any(nil), r.events...), r.last
}

func (r *recorder) stop() []any {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.active = false
	ev := r.events
	r.events = nil
	return ev
}

// jsResult is what the page script returns.
type jsResult struct {
	OK       bool        `json:"ok"`
	Error    string      `json:"error"`
	Type     string      `json:"type"`
	Status   int         `json:"status"`
	URL      string      `json:"url"`
	Headers  [][]string  `json:"headers"`
	Exposed  [][]*string `json:"exposed"`
	BodyErr  string      `json:"bodyError"`
	Redirect bool        `json:"redirected"`
}

// fetchJS is the page script; %s is the JSON request spec.
const fetchJS = `(async (s) => {
  if (s.xhr) {
    return await new Promise((resolve) => {
      const out = {ok: false};
      const x = new XMLHttpRequest();
      try {
        x.open(s.method || "GET", s.url);
        for (const [n, v] of s.headers) x.setRequestHeader(n, v);
        x.withCredentials = s.credentials === "include";
        if (s.upload) x.upload.onprogress = () => {};
      } catch (e) { out.error = String(e); resolve(out); return; }
      x.onload = () => {
        out.ok = true; out.type = "xhr"; out.status = x.status; out.url = x.responseURL;
        out.headers = x.getAllResponseHeaders().trim().split(/\r?\n/).filter(l => l).map(l => {
          const i = l.indexOf(":"); return [l.slice(0, i).trim().toLowerCase(), l.slice(i + 1).trim()];
        });
        out.exposed = s.expose.map(n => [n, x.getResponseHeader(n)]);
        resolve(out);
      };
      x.onerror = () => { out.error = "XMLHttpRequest error event (status " + x.status + ")"; resolve(out); };
      try { x.send(s.hasBody ? s.body : null); } catch (e) { out.error = String(e); resolve(out); }
    });
  }
  const init = {};
  if (s.method) init.method = s.method;
  init.headers = s.headers;
  if (s.credentials) init.credentials = s.credentials;
  if (s.mode) init.mode = s.mode;
  if (s.hasBody) init.body = s.body;
  const out = {ok: false};
  let r;
  try { r = await fetch(s.url, init); } catch (e) { out.error = String(e); return out; }
  out.ok = true; out.type = r.type; out.status = r.status; out.url = r.url; out.redirected = r.redirected;
  out.headers = [...r.headers];
  out.exposed = s.expose.map(n => { let v = null; try { v = r.headers.get(n); } catch (e) {} return [n, v]; });
  try { await r.arrayBuffer(); } catch (e) { out.bodyError = String(e); }
  return out;
})(%s)`

type jsSpec struct {
	URL         string     `json:"url"`
	Method      string     `json:"method,omitempty"`
	Headers     [][]string `json:"headers"`
	Credentials string     `json:"credentials,omitempty"`
	Mode        string     `json:"mode,omitempty"`
	HasBody     bool       `json:"hasBody"`
	Body        string     `json:"body"`
	Expose      []string   `json:"expose"`
	XHR         bool       `json:"xhr"`
	Upload      bool       `json:"upload"`
}

// Timings of the wait for the last events of a run.
const (
	quietPeriod    = 25 * time.Millisecond   // no event for this long: done
	consoleGrace   = 400 * time.Millisecond  // wait this long for a console line
	extraInfoGrace = 1500 * time.Millisecond // wait this long for raw response events
	netErrorQuiet  = 200 * time.Millisecond  // quiet period after a failure without a CORS error
)

// isPreflightError reports whether a CorsError comes from the preflight.
func isPreflightError(name string) bool {
	return strings.HasPrefix(name, "Preflight") || strings.HasSuffix(name, "PreflightResponse")
}

func (t *tab) run(ctx context.Context, req Request) (*Observation, error) {
	spec := jsSpec{URL: req.URL, Method: req.Method, Headers: [][]string{}, Credentials: string(req.Credentials),
		Mode: string(req.Mode), HasBody: req.HasBody, Body: req.Body, Expose: append([]string{}, req.Expose...),
		XHR: req.Initiator == cors.InitiatorXHR, Upload: req.UploadListeners}
	for _, h := range req.Headers {
		spec.Headers = append(spec.Headers, []string{h.Name, h.Value})
	}
	js, err := json.Marshal(spec)
	if err != nil {
		return nil, fmt.Errorf("chromium: request: %w", err)
	}
	guard := newCredentialGuard(req)
	if guard != nil {
		stopGuard, err := guard.start(t.ctx)
		if err != nil {
			return nil, fmt.Errorf("chromium: credential guard: %w", err)
		}
		defer stopGuard()
	}
	t.rec.start()
	begin := time.Now()
	ectx, ecancel := context.WithCancel(t.ctx)
	stop := context.AfterFunc(ctx, ecancel)
	res, err := chromedp.Run(ectx, chromedp.Evaluate[jsResult](fmt.Sprintf(fetchJS, js), chromedp.EvalAwaitPromise))
	stop()
	ecancel()
	if err != nil {
		t.rec.stop()
		if ctx.Err() != nil {
			return nil, fmt.Errorf("chromium: fetch %s: %w", req.URL, ctx.Err())
		}
		return nil, fmt.Errorf("chromium: fetch %s: %w", req.URL, err)
	}
	// Wait for the network events that say why, bounded by ctx.
	for {
		events, last := t.rec.snapshot()
		a := analyze(events, req)
		if a.complete(req, res, time.Since(begin), time.Since(last)) {
			break
		}
		select {
		case <-t.rec.wake:
		case <-time.After(quietPeriod):
		case <-ctx.Done():
			t.rec.stop()
			return nil, fmt.Errorf("chromium: waiting for the network events of %s: %w", req.URL, ctx.Err())
		}
	}
	events := t.rec.stop()
	a := analyze(events, req)
	obs := a.observation(req, res)
	obs.Elapsed = time.Since(begin)
	obs.Withheld = guard.withheld()
	obs.events, obs.page = events, t.page
	return obs, nil
}

// netReq gathers the events of one DevTools request id.
type netReq struct {
	id        network.RequestID
	parent    network.RequestID // for preflights: the actual request
	preflight bool
	main      bool
	hops      []*network.Request // one per URL (redirects add hops)
	redirects []*network.Response
	sent      []network.Headers // requestWillBeSentExtraInfo, in order
	extra     []*network.EventResponseReceivedExtraInfo
	resp      *network.Response
	finished  bool
	failed    *network.EventLoadingFailed
}

func (n *netReq) done() bool { return n.finished || n.failed != nil }

type analysis struct {
	main       *netReq
	preflights []*netReq
	logs       []*log.Entry
}

func analyze(events []any, req Request) *analysis {
	reqs := map[network.RequestID]*netReq{}
	get := func(id network.RequestID) *netReq {
		n := reqs[id]
		if n == nil {
			n = &netReq{id: id}
			reqs[id] = n
		}
		return n
	}
	a := &analysis{}
	for _, ev := range events {
		switch e := ev.(type) {
		case *network.EventRequestWillBeSent:
			n := get(e.RequestID)
			if e.RedirectResponse != nil {
				n.redirects = append(n.redirects, e.RedirectResponse)
			}
			n.hops = append(n.hops, e.Request)
			if e.Initiator != nil && e.Initiator.Type == network.InitiatorTypePreflight {
				n.preflight, n.parent = true, e.Initiator.RequestID
				a.preflights = append(a.preflights, n)
			} else if a.main == nil && (e.Type == network.ResourceTypeFetch || e.Type == network.ResourceTypeXHR) && e.Initiator != nil && e.Initiator.Type == network.InitiatorTypeScript {
				n.main = true
				a.main = n
			}
		case *network.EventRequestWillBeSentExtraInfo:
			n := get(e.RequestID)
			n.sent = append(n.sent, e.Headers)
		case *network.EventResponseReceivedExtraInfo:
			n := get(e.RequestID)
			n.extra = append(n.extra, e)
		case *network.EventResponseReceived:
			get(e.RequestID).resp = e.Response
		case *network.EventLoadingFinished:
			get(e.RequestID).finished = true
		case *network.EventLoadingFailed:
			get(e.RequestID).failed = e
		case *log.EventEntryAdded:
			if e.Entry != nil {
				a.logs = append(a.logs, e.Entry)
			}
		}
	}
	if a.main != nil {
		kept := a.preflights[:0]
		for _, p := range a.preflights {
			if p.parent == a.main.id {
				kept = append(kept, p)
			}
		}
		a.preflights = kept
	} else {
		a.preflights = nil
	}
	return a
}

// urls returns the URLs a console line for this run can mention.
func (a *analysis) urls(req Request) []string {
	us := []string{cors.CanonicalURL(req.URL), req.URL}
	if a.main != nil {
		for _, h := range a.main.hops {
			us = append(us, h.URL)
		}
	}
	return us
}

func (a *analysis) console(req Request) []*log.Entry {
	var out []*log.Entry
	urls := a.urls(req)
	for _, e := range a.logs {
		if e.NetworkRequestID != "" {
			if a.main != nil && e.NetworkRequestID == a.main.id {
				out = append(out, e)
			}
			continue
		}
		for _, u := range urls {
			if u != "" && strings.Contains(e.Text, u) {
				out = append(out, e)
				break
			}
		}
	}
	return out
}

func corsLine(entries []*log.Entry) string {
	for _, e := range entries {
		if e.Source == "javascript" && strings.Contains(e.Text, "has been blocked by CORS policy") {
			return e.Text
		}
	}
	for _, e := range entries {
		if e.Source == "security" || (e.Source == "javascript" && strings.HasPrefix(e.Text, "Fetch API cannot load")) {
			return e.Text
		}
	}
	return ""
}

// hasPreflight reports whether a preflight to url has its response (or
// its end).
func (a *analysis) hasPreflight(url string) bool {
	for _, p := range a.preflights {
		if len(p.hops) > 0 && p.hops[0].URL == url && (len(p.extra) > 0 || p.done()) {
			return true
		}
	}
	return false
}

// complete reports whether every event that explains the outcome is in.
func (a *analysis) complete(req Request, res jsResult, elapsed, quiet time.Duration) bool {
	if quiet < quietPeriod {
		return false
	}
	if a.main == nil {
		// A response, or a CORS console line, means a request went out:
		// its events come from the network service and can trail the
		// page's (bounded by extraInfoGrace).
		if res.OK {
			return elapsed >= extraInfoGrace
		}
		for _, e := range a.logs {
			if strings.Contains(e.Text, "has been blocked by CORS policy") {
				return elapsed >= extraInfoGrace
			}
		}
		// Refused before any request (renderer checks, mixed content):
		// wait a little for the console line.
		return elapsed >= consoleGrace/2 || len(a.logs) > 0
	}
	if !a.main.done() {
		return false
	}
	// A failure without a CORS error (mixed content on a redirect, a net
	// error) does not say whether a response came first: give trailing
	// raw response events a longer quiet period.
	if f := a.main.failed; f != nil && f.CorsErrorStatus == nil && quiet < netErrorQuiet && elapsed < extraInfoGrace {
		return false
	}
	for _, p := range a.preflights {
		if !p.done() && len(p.extra) == 0 {
			return false
		}
	}
	// The raw response events can trail the end of the request: wait for
	// one per hop that got a response, and for the preflight a preflight
	// error names, unless they are this late (a cache hit has none).
	if elapsed < extraInfoGrace {
		m := a.main
		need, wantPreflight := 0, false
		switch {
		case m.finished:
			need = len(m.hops)
		case m.failed != nil && m.failed.CorsErrorStatus != nil:
			need = len(m.hops)
			if isPreflightError(string(m.failed.CorsErrorStatus.CorsError)) {
				need, wantPreflight = len(m.hops)-1, true
			}
		}
		if len(m.extra) < need {
			return false
		}
		// A preflight error names the preflight of the last hop. When
		// the engine expects a preflight on the first hop, give its events
		// the same grace (this only waits longer; Compare still reports a
		// preflight Chromium did not send).
		if wantPreflight && !a.hasPreflight(m.hops[len(m.hops)-1].URL) {
			return false
		}
		if len(m.hops) > 0 && (m.finished || len(m.extra) > 0) && !a.hasPreflight(m.hops[0].URL) &&
			cors.PlanRequest(req.CorsRequest()).Required {
			return false
		}
	}
	if a.main.failed != nil && a.main.failed.CorsErrorStatus != nil {
		for _, e := range a.logs {
			if e.Source == "javascript" && strings.Contains(e.Text, "CORS policy") {
				return true
			}
		}
		return elapsed >= consoleGrace
	}
	return true
}

func (a *analysis) observation(req Request, res jsResult) *Observation {
	obs := pageObservation(req, res)
	entries := a.console(req)
	for _, e := range entries {
		obs.ConsoleAll = append(obs.ConsoleAll, ConsoleEntry{Source: string(e.Source), Level: string(e.Level), Category: string(e.Category), Text: e.Text})
	}
	obs.Console = corsLine(entries)
	m := a.main
	if m == nil {
		return obs
	}
	if m.failed != nil {
		obs.NetError = m.failed.ErrorText
		obs.BlockedReason = string(m.failed.BlockedReason)
		if s := m.failed.CorsErrorStatus; s != nil {
			obs.CorsError = string(s.CorsError)
			obs.FailedParameter = s.FailedParameter
		}
	}
	used := map[*netReq]bool{}
	for i, h := range m.hops {
		hop := Hop{URL: h.URL}
		act := &Exchange{URL: h.URL, Method: h.Method}
		if i < len(m.sent) {
			act.RequestHeaders = headerList(m.sent[i])
		}
		switch {
		case i < len(m.extra):
			act.Status = int(m.extra[i].StatusCode)
			act.Header = responseHeader(m.extra[i].HeadersText, m.extra[i].Headers)
		case i < len(m.redirects):
			act.Status = int(m.redirects[i].Status)
			act.Header = responseHeader("", m.redirects[i].Headers)
		case i == len(m.hops)-1 && m.resp != nil:
			act.Status = int(m.resp.Status)
			act.Header = responseHeader("", m.resp.Headers)
		}
		if act.Status == 0 && i == len(m.hops)-1 && m.failed != nil && m.failed.CorsErrorStatus == nil {
			act.Error = m.failed.ErrorText
		}
		for _, p := range a.preflights {
			if used[p] || len(p.hops) == 0 || p.hops[0].URL != h.URL {
				continue
			}
			used[p] = true
			pe := &Exchange{URL: p.hops[0].URL, Method: p.hops[0].Method, RequestHeaders: headerList(p.hops[0].Headers)}
			if len(p.sent) > 0 {
				pe.RequestHeaders = headerList(p.sent[0])
			}
			switch {
			case len(p.extra) > 0:
				pe.Status = int(p.extra[0].StatusCode)
				pe.Header = responseHeader(p.extra[0].HeadersText, p.extra[0].Headers)
			case len(p.redirects) > 0:
				pe.Status = int(p.redirects[0].Status)
				pe.Header = responseHeader("", p.redirects[0].Headers)
			case p.resp != nil:
				pe.Status = int(p.resp.Status)
				pe.Header = responseHeader("", p.resp.Headers)
			}
			if pe.Status == 0 && p.failed != nil {
				pe.Error = p.failed.ErrorText
			}
			hop.Preflight = pe
			obs.PreflightSent = true
			break
		}
		if act.Status != 0 || act.Error != "" || len(act.RequestHeaders) > 0 {
			hop.Actual = act
		}
		obs.Hops = append(obs.Hops, hop)
	}
	return obs
}

// headerList turns DevTools headers into a name-sorted list; repeated
// headers arrive joined by "\n".
func headerList(h network.Headers) []cors.Header {
	var out []cors.Header
	for k, v := range h {
		s, _ := v.(string)
		for _, line := range strings.Split(s, "\n") {
			out = append(out, cors.Header{Name: k, Value: line})
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return strings.ToLower(out[i].Name) < strings.ToLower(out[j].Name) })
	return out
}

// responseHeader parses the raw HTTP/1.x header text when DevTools has
// it (exact lines, repeated headers kept apart), else the header map. The
// parse is as lenient as the browser's: a line without a colon is
// skipped, and values keep any byte (control characters included).
func responseHeader(raw string, h network.Headers) http.Header {
	if raw != "" {
		out := http.Header{}
		lines := strings.Split(strings.ReplaceAll(raw, "\r\n", "\n"), "\n")
		for _, line := range lines[1:] { // lines[0] is the status line
			if line == "" {
				break
			}
			name, value, ok := strings.Cut(line, ":")
			name = strings.TrimRight(name, " \t")
			if !ok || name == "" || strings.ContainsAny(name, " \t\r") {
				continue
			}
			key := textproto.CanonicalMIMEHeaderKey(name)
			out[key] = append(out[key], strings.Trim(value, " \t"))
		}
		if len(lines) > 1 {
			return out
		}
	}
	out := http.Header{}
	for k, v := range h {
		s, _ := v.(string)
		for _, line := range strings.Split(s, "\n") {
			out.Add(k, line)
		}
	}
	return out
}
