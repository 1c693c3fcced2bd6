package har

import (
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"time"

	"github.com/corsdoctor/corsdoctor/cors"
	"github.com/corsdoctor/corsdoctor/evidence"
)

// Summary counts what Exchanges looked at.
type Summary struct {
	Entries     int // entries in the file
	CrossOrigin int // cross-origin exchanges rebuilt
	SameOrigin  int // skipped: same-origin requests
	NoOrigin    int // skipped: page origin unknown
	NotCORS     int // skipped: navigations and other requests not CORS-checked (Sec-Fetch-Mode)
	Preflights  int // preflight entries
	Unpaired    int // preflights without an actual request (rebuilt alone)
}

// pairWindow is how far apart a preflight and its actual request may
// be; maxPending bounds the entries held while waiting for partners.
const (
	pairWindow = 2 * time.Minute
	maxPending = 4096
)

// OtherOrigin is the page origin used to test whether an exchange that
// passes would also pass for another page (a response cached without
// Vary: Origin).
const OtherOrigin = "https://other-origin.example"

// Pairer turns a stream of entries into exchanges: it holds entries for
// a short window (two minutes of recording, at most 4096 entries) so that
// each preflight meets its actual request and redirects meet their next
// hop, then evaluates each exchange with the engine and hands it to
// emit. Memory is bounded by the window, whatever the file size.
type Pairer struct {
	f    *File
	emit func(*evidence.Exchange)
	sum  Summary

	pending []*Entry // kept entries not yet finalized, in file order
	parked  []*Entry // preflights waiting for a pending actual request
	byURL   map[string][]*Entry
	used    map[*Entry]bool
	browser string
	// Engine, when set, judges every exchange as that browser engine;
	// otherwise the engine that recorded the file does (EngineOf).
	Engine    cors.Engine
	EngineSet bool
}

// EngineOf is the browser engine that recorded a HAR, from its creator:
// Firefox exports are judged as Firefox, Safari's Web Inspector ("WebKit
// Web Inspector") as WebKit, the rest (Chrome, Edge: "WebInspector") as
// Chromium.
func EngineOf(creator string) cors.Engine {
	switch {
	case strings.HasPrefix(creator, "Firefox"):
		return cors.Firefox
	case strings.HasPrefix(creator, "WebKit"), strings.Contains(creator, "Safari"):
		return cors.WebKit
	}
	return cors.Chromium
}

// engine is the engine the pairer judges with.
func (p *Pairer) engine() cors.Engine {
	if p.EngineSet {
		return p.Engine
	}
	return EngineOf(p.f.Creator)
}

// NewPairer returns a pairer over the metadata in f (PageURL and Pages
// may keep growing while entries are added).
func NewPairer(f *File, emit func(*evidence.Exchange)) *Pairer {
	return &Pairer{f: f, emit: emit, byURL: map[string][]*Entry{}, used: map[*Entry]bool{}}
}

// Add takes the next entry in file order; entries that cannot matter for
// CORS (see Keep) are ignored.
func (p *Pairer) Add(e *Entry) {
	p.sum.Entries = max(p.sum.Entries, e.Index)
	if !Keep(e) {
		return
	}
	if e.IsPreflight() {
		p.sum.Preflights++
	}
	p.pending = append(p.pending, e)
	p.byURL[e.URL] = append(p.byURL[e.URL], e)
	for len(p.pending) > 0 && p.expired(p.pending[0], e, len(p.pending)) {
		p.finalize()
	}
	for len(p.parked) > 0 && p.expired(p.parked[0], e, len(p.parked)) {
		pf := p.parked[0]
		p.parked = p.parked[1:]
		if !p.used[pf] {
			p.alone(pf)
		}
		p.forget(pf)
	}
}

func (p *Pairer) expired(old, newest *Entry, n int) bool {
	if n > maxPending {
		return true
	}
	return !old.Started.IsZero() && !newest.Started.IsZero() && newest.Started.Sub(old.Started) > pairWindow
}

// Flush finalizes every entry still held and returns the counts.
func (p *Pairer) Flush() Summary {
	for len(p.pending) > 0 {
		p.finalize()
	}
	for _, pf := range p.parked {
		if !p.used[pf] {
			p.alone(pf)
		}
		p.forget(pf)
	}
	p.parked = nil
	if p.f != nil && p.f.Total > p.sum.Entries {
		p.sum.Entries = p.f.Total
	}
	return p.sum
}

// forget drops an entry from the indexes.
func (p *Pairer) forget(e *Entry) {
	l := p.byURL[e.URL]
	for i, x := range l {
		if x == e {
			l = append(l[:i:i], l[i+1:]...)
			break
		}
	}
	if len(l) == 0 {
		delete(p.byURL, e.URL)
	} else {
		p.byURL[e.URL] = l
	}
	delete(p.used, e)
}

// finalize handles the oldest pending entry.
func (p *Pairer) finalize() {
	e := p.pending[0]
	p.pending[0] = nil
	p.pending = p.pending[1:]
	if p.used[e] {
		p.forget(e)
		return
	}
	if e.IsPreflight() {
		// Its actual request may still be pending (Chrome often records
		// the preflight after the request that caused it).
		for _, a := range p.byURL[e.URL] {
			if a != e && !p.used[a] && !a.IsPreflight() && p.matches(e, a) {
				p.parked = append(p.parked, e)
				return
			}
		}
		p.alone(e)
		p.forget(e)
		return
	}
	p.actual(e)
}

// matches reports whether preflight pf can belong to actual request a.
func (p *Pairer) matches(pf, a *Entry) bool {
	if pf.Pageref != a.Pageref && pf.Pageref != "" && a.Pageref != "" {
		return false
	}
	if m := pf.Header("Access-Control-Request-Method"); m != "" && !strings.EqualFold(m, a.Method) {
		return false
	}
	if !a.Started.IsZero() && !pf.Started.IsZero() {
		d := pf.Started.Sub(a.Started)
		if d < -pairWindow || d > pairWindow {
			return false
		}
	}
	return true
}

// findPreflight claims the closest unused preflight for actual.
func (p *Pairer) findPreflight(actual *Entry) *Entry {
	var best *Entry
	var bestD time.Duration
	for _, c := range p.byURL[actual.URL] {
		if !c.IsPreflight() || p.used[c] || !p.matches(c, actual) {
			continue
		}
		d := c.Started.Sub(actual.Started)
		if d < 0 {
			d = -d
		}
		if best == nil || d < bestD {
			best, bestD = c, d
		}
	}
	if best != nil {
		p.used[best] = true
	}
	return best
}

// actual builds, follows and emits the exchange starting at entry e.
func (p *Pairer) actual(e *Entry) {
	defer p.forget(e)
	origin := pageOrigin(p.f, e)
	if origin == "" {
		p.sum.NoOrigin++
		return
	}
	if sameOrigin(origin, e.URL) {
		p.sum.SameOrigin++
		return
	}
	if notCORSChecked(e) {
		p.sum.NotCORS++
		return
	}
	if p.browser == "" {
		p.browser = browserName(p.f.Creator)
	}
	ex := p.build(e, origin)
	cur := e
	for i := 0; i < 20 && cur.Status >= 300 && cur.Status < 400 && cur.RedirectURL != ""; i++ {
		next := resolve(cur.URL, cur.RedirectURL)
		var nx *Entry
		for _, c := range p.byURL[next] {
			if !p.used[c] && c != e && !c.IsPreflight() && c.Index > cur.Index {
				nx = c
				break
			}
		}
		if nx == nil {
			break
		}
		p.used[nx] = true
		h := evidence.Hop{URL: nx.URL, Response: response(p.f, nx)}
		if pf := p.findPreflight(nx); pf != nil {
			h.Preflight = response(p.f, pf)
		}
		ex.Hops = append(ex.Hops, h)
		cur = nx
	}
	finish(ex, cur)
	p.sum.CrossOrigin++
	p.emit(ex)
}

// alone rebuilds an exchange from a preflight whose actual request was
// never recorded: the preflight alone decides (Firefox does not always
// record the blocked request).
func (p *Pairer) alone(pf *Entry) {
	origin := pf.Header("Origin")
	if origin == "" {
		origin = pageOrigin(p.f, pf)
	}
	if origin == "" {
		p.sum.NoOrigin++
		return
	}
	p.sum.Unpaired++
	req := cors.Request{Origin: origin, URL: pf.URL, Method: pf.Header("Access-Control-Request-Method"), Mode: cors.ModeCORS, Engine: p.engine()}
	for _, name := range splitList(pf.Header("Access-Control-Request-Headers")) {
		req.Headers = append(req.Headers, cors.Header{Name: name, Value: "1"})
	}
	ex := &evidence.Exchange{
		Request: req,
		Hops:    []evidence.Hop{{URL: pf.URL, Preflight: response(p.f, pf)}},
		Source:  evidence.Source{File: p.f.Name, Entry: pf.Index},
		Recorded: &evidence.Recorded{Browser: browserName(p.f.Creator), Entry: pf.Index, PreflightEntry: pf.Index,
			ResourceType: pf.ResourceType, ResponseMissing: true, Error: pf.Error},
	}
	ex.Evaluate()
	p.sum.CrossOrigin++
	p.emit(ex)
}

// Exchanges rebuilds each cross-origin exchange of a File read with Read
// (see Pairer), evaluated, with variant probes "with-credentials" (the
// same request with credentials: include) and "other-origin" (from
// OtherOrigin) when the exchange passes today but the variant is
// blocked. Sources are file#entry; the result is in entry order.
func Exchanges(f *File) ([]*evidence.Exchange, Summary) {
	var out []*evidence.Exchange
	p := NewPairer(f, func(ex *evidence.Exchange) { out = append(out, ex) })
	for _, e := range f.Entries {
		p.Add(e)
	}
	sum := p.Flush()
	sort.SliceStable(out, func(i, j int) bool { return out[i].Source.Entry < out[j].Source.Entry })
	return out, sum
}

// build makes the exchange for an actual request entry.
func (p *Pairer) build(e *Entry, origin string) *evidence.Exchange {
	f, browser := p.f, p.browser
	req := cors.Request{Origin: origin, URL: e.URL, Method: e.Method, Mode: cors.ModeCORS, Credentials: cors.CredentialsSameOrigin, Engine: p.engine()}
	if strings.EqualFold(e.Header("Sec-Fetch-Mode"), "no-cors") {
		// fetch(url, {mode: 'no-cors'}) and the like: the response is
		// opaque and never CORS-checked, so it is never blocked.
		req.Mode = cors.ModeNoCORS
	}
	if e.ResourceType == "xhr" {
		req.Initiator = cors.InitiatorXHR
	}
	if e.HasBody {
		req.Body = cors.BodySimple
	}
	if e.Header("Cookie") != "" || e.HasCookies {
		// Cookies on a cross-origin request mean credentials: include.
		req.Credentials = cors.CredentialsInclude
	}
	pf := p.findPreflight(e)
	req.Headers = authorHeaders(e, pf)
	rec := &evidence.Recorded{Browser: browser, Entry: e.Index, ResourceType: e.ResourceType, Error: e.Error,
		ServiceWorker: e.ServiceWorker, FromCache: e.FromCache, Mode: strings.ToLower(e.Header("Sec-Fetch-Mode"))}
	hop := evidence.Hop{URL: e.URL, Response: response(f, e)}
	if pf != nil {
		hop.Preflight = response(f, pf)
		rec.PreflightEntry = pf.Index
	}
	if hop.Response == nil {
		rec.ResponseMissing = true
	}
	return &evidence.Exchange{Request: req, Hops: []evidence.Hop{hop}, Source: evidence.Source{File: f.Name, Entry: e.Index}, Recorded: rec}
}

// finish evaluates the exchange and adds the variant probes.
func finish(ex *evidence.Exchange, last *Entry) {
	ex.Evaluate()
	r := &ex.Result
	if r.Plan.Required && ex.Preflight() == nil && r.PreflightSent == false {
		ex.Recorded.PreflightMissing = true
	}
	if e := last.Error; e != "" && !isCORSError(e) && !r.Blocked() {
		ex.Err = e
	}
	reconcile(ex, last)
	r = &ex.Result
	if !r.Allowed {
		return
	}
	if ex.Request.Credentials != cors.CredentialsInclude {
		v := ex.Request
		v.Credentials = cors.CredentialsInclude
		if pr := variant(evidence.PurposeWithCredentials, v, ex.Hops); !pr.Result.Allowed {
			ex.Probes = append(ex.Probes, pr)
		}
	}
	if ex.Request.Origin != OtherOrigin {
		v := ex.Request
		v.Origin = OtherOrigin
		if pr := variant(evidence.PurposeOtherOrigin, v, ex.Hops); !pr.Result.Allowed {
			ex.Probes = append(ex.Probes, pr)
		}
	}
}

func variant(purpose evidence.Purpose, req cors.Request, hops []evidence.Hop) evidence.Probe {
	return evidence.Probe{Purpose: purpose, Request: req, Hops: hops, Result: cors.Evaluate(&req, evidence.CORSHops(hops)...)}
}

// isCORSError reports whether a recorded error is how Chrome records a
// CORS block (net::ERR_FAILED, or a CORS _blockedReason).
func isCORSError(e string) bool {
	return e == "net::ERR_FAILED" || strings.Contains(strings.ToLower(e), "cors")
}

// browserHeaders are set by the browser, never by the page: they are
// not part of the page's request as the engine sees it.
var browserHeaders = map[string]bool{
	"accept": true, "accept-language": true, "accept-encoding": true, "user-agent": true, "origin": true,
	"referer": true, "cookie": true, "host": true, "connection": true, "content-length": true,
	"priority": true, "pragma": true, "cache-control": true, "upgrade-insecure-requests": true,
	"dnt": true, "te": true, "x-client-data": true, "purpose": true, "keep-alive": true,
	"if-none-match": true, "if-modified-since": true, "access-control-request-method": true,
	"access-control-request-headers": true, "access-control-request-private-network": true,
}

// authorHeaders returns the headers the page set. With a preflight, its
// Access-Control-Request-Headers names the CORS-unsafe ones exactly;
// values come from the actual request when recorded.
func authorHeaders(e, preflight *Entry) []cors.Header {
	var out []cors.Header
	seen := map[string]bool{}
	if preflight != nil {
		for _, name := range splitList(preflight.Header("Access-Control-Request-Headers")) {
			v := e.Header(name)
			if v == "" {
				v = "1"
			}
			out = append(out, cors.Header{Name: name, Value: v})
			seen[strings.ToLower(name)] = true
		}
	}
	for _, h := range e.ReqHeaders {
		n := strings.ToLower(h.Name)
		if seen[n] || browserHeaders[n] || strings.HasPrefix(n, "sec-") || strings.HasPrefix(n, "proxy-") {
			continue
		}
		if preflight != nil && n != "content-type" && n != "content-language" && n != "range" {
			// With a preflight recorded, anything else unsafe would have been listed.
			continue
		}
		seen[n] = true
		out = append(out, cors.Header{Name: h.Name, Value: h.Value})
	}
	return out
}

func splitList(v string) []string {
	var out []string
	for _, p := range strings.Split(v, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// response converts a recorded response; nil when nothing was recorded
// (status 0).
func response(f *File, e *Entry) *evidence.Response {
	if e.Status == 0 {
		return nil
	}
	h := http.Header{}
	for _, x := range e.RespHeaders {
		h.Add(http.CanonicalHeaderKey(x.Name), x.Value)
	}
	proto := strings.ToUpper(e.HTTPVersion)
	if proto == "HTTP/2.0" || proto == "H2" {
		proto = "HTTP/2"
	}
	return &evidence.Response{URL: e.URL, Proto: proto, Status: e.Status, StatusText: e.StatusText, Header: h, Body: e.Body,
		Source: evidence.Source{File: f.Name, Entry: e.Index}}
}

// pageOrigin is the origin of the page that made the request: the
// Origin header, else the Referer's origin, else the page's document.
func pageOrigin(f *File, e *Entry) string {
	if o := e.Header("Origin"); o != "" {
		if o == "null" {
			return cors.Null
		}
		if po, err := cors.ParseOrigin(o); err == nil {
			return po
		}
	}
	if r := e.Header("Referer"); r != "" {
		if o := originOf(r); o != "" {
			return o
		}
	}
	if u := f.PageURL[e.Pageref]; u != "" {
		return originOf(u)
	}
	for _, p := range f.Pages {
		if p.ID == e.Pageref {
			return originOf(p.Title)
		}
	}
	return ""
}

func originOf(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.Scheme == "" || u.Host == "" {
		return ""
	}
	o, err := cors.ParseOrigin(u.Scheme + "://" + u.Host)
	if err != nil {
		return ""
	}
	return o
}

func sameOrigin(origin, rawURL string) bool {
	return origin != cors.Null && originOf(rawURL) == origin
}

func resolve(base, ref string) string {
	b, err := url.Parse(base)
	if err != nil {
		return ref
	}
	r, err := url.Parse(ref)
	if err != nil {
		return ref
	}
	return b.ResolveReference(r).String()
}

// browserName extracts the browser from the creator: Chrome and Edge
// both write "WebInspector"; Firefox writes "Firefox".
func browserName(creator string) string {
	switch {
	case strings.HasPrefix(creator, "Firefox"):
		return "Firefox"
	case strings.HasPrefix(creator, "WebInspector"):
		return "Chromium"
	}
	return creator
}

// notCORSChecked reports whether the browser does not apply CORS to the
// entry at all: navigations, WebSocket handshakes and same-origin-mode
// requests, as its Sec-Fetch-Mode says (Fetch § 3.2 "Sec-Fetch-Mode";
// "no-cors" requests are kept: they are rebuilt in no-cors mode, whose
// opaque responses are never blocked), or, without that header, the
// resource types DevTools records for them. A no-cors load (an <img>, a
// classic <script>) without an Origin header is not CORS-checked either.
func notCORSChecked(e *Entry) bool {
	switch strings.ToLower(e.Header("Sec-Fetch-Mode")) {
	case "navigate", "nested-navigate", "websocket", "same-origin":
		return true
	case "cors", "no-cors":
		return false
	}
	switch e.ResourceType {
	case "document", "websocket":
		return true
	case "image", "media", "script", "stylesheet", "font", "texttrack", "other":
		return e.Header("Origin") == "" && e.ResourceType != "font"
	}
	return false
}

// reconcile makes the verdict agree with what the browser recorded, or
// says why it cannot. A DevTools HAR is ground truth for the outcome:
// when the browser failed the request as a CORS error but the recorded
// responses pass, the credentials mode is the usual missing piece
// (credentials: 'include' with no cookie to record): the exchange is
// evaluated with credentials when that reproduces the failure, and the
// inference is recorded. Otherwise the disagreement is recorded with its
// likely reason, for rule CD1055.
func reconcile(ex *evidence.Exchange, last *Entry) {
	rec, r := ex.Recorded, &ex.Result
	if rec == nil || ex.Err != "" || ex.Request.Mode == cors.ModeNoCORS {
		return
	}
	failed := isCORSError(last.Error)
	switch {
	case failed && r.Allowed:
		if ex.Request.Credentials != cors.CredentialsInclude {
			v := ex.Request
			v.Credentials = cors.CredentialsInclude
			if res := cors.Evaluate(&v, evidence.CORSHops(ex.Hops)...); res.Blocked() {
				ex.Request, ex.Result = v, res
				rec.CredentialsInferred = true
				return
			}
		}
		rec.Disagrees = fmt.Sprintf("the browser recorded %s, but the responses the HAR holds pass the CORS check (with or without credentials): the HAR lacks what decided, such as a header DevTools did not keep, a preflight answered from the preflight cache, a service worker's answer, or a check after CORS (Cross-Origin-Resource-Policy, a cancelled request)", last.Error)
	case !failed && last.Error == "" && last.Status > 0 && r.Blocked() && rec.ServiceWorker == "" && rec.Browser == "Chromium":
		rec.Disagrees = fmt.Sprintf("the HAR records the %d response without an error, but the engine blocks it (%s): the recording may predate DevTools marking CORS failures, or it lost a header; when the page really read this response, the request was not what the HAR shows (credentials mode %s assumed from the recorded cookies)", last.Status, r.Error, ex.Request.Credentials)
	}
}
