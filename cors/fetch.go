package cors

import (
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"
)

// Stage is the part of the exchange where the browser stopped.
type Stage string

// Stages. StageRequest means the browser refused before sending anything
// (a TypeError, mixed content, an unsupported scheme).
const (
	StageNone      Stage = ""
	StageRequest   Stage = "request"
	StagePreflight Stage = "preflight"
	StageActual    Stage = "actual"
	StageRedirect  Stage = "redirect"
)

// Response is one HTTP response as the browser received it.
type Response struct {
	// URL that produced the response; empty means the URL the engine
	// expects next.
	URL    string
	Status int
	// Header must have canonical keys; repeated lines stay separate
	// values, as net/http keeps them.
	Header http.Header
}

// Location returns the trimmed Location header value.
func (r *Response) Location() string {
	v, _ := get(r.Header, HeaderLocation)
	return v
}

// isRedirect mirrors net::HttpResponseHeaders::IsRedirect: a redirect
// status with a non-empty Location.
func (r *Response) isRedirect() bool {
	switch r.Status {
	case 301, 302, 303, 307, 308:
		return r.Location() != ""
	}
	return false
}

// WarningCode names a non-fatal observation.
type WarningCode string

// Warnings the engine raises.
const (
	// Chromium lets Access-Control-Allow-Headers: * cover Authorization
	// (feature CorsNonWildcardRequestHeadersSupport is disabled); the Fetch
	// standard, Firefox's planned behaviour and DevTools' deprecation issue
	// say it must be listed.
	WarnAuthorizationCoveredByWildcard WarningCode = "AuthorizationCoveredByWildcard"
	// A header the page may not set; the browser drops it.
	WarnForbiddenHeader WarningCode = "ForbiddenHeaderDropped"
	// A preflight response was given but the browser sends no preflight.
	WarnPreflightNotSent WarningCode = "PreflightNotSent"
	// A preflight is required but its response was not given.
	WarnPreflightMissing WarningCode = "PreflightResponseMissing"
	// no-cors mode: the page gets an opaque response it cannot read.
	WarnOpaqueResponse WarningCode = "OpaqueResponse"
	// Access-Control-Max-Age absent, invalid or short: a preflight before
	// nearly every request.
	WarnShortMaxAge WarningCode = "ShortMaxAge"
	// The request lost its origin to a cross-origin redirect.
	WarnTaintedOrigin WarningCode = "OriginTaintedByRedirect"
	// Authorization was removed by a cross-origin redirect.
	WarnAuthorizationDropped WarningCode = "AuthorizationDroppedOnRedirect"
)

// Warning is a non-fatal observation with its explanation.
type Warning struct {
	Code    WarningCode `json:"code"`
	Message string      `json:"message"`
}

// Result is the browser's verdict on one request.
type Result struct {
	// Origin is the page origin; URL the last URL requested (whose
	// response decided); InitialURL the URL the page asked for.
	Origin     string
	URL        string
	InitialURL string
	Method     string
	// Credentials is the request's credentials mode.
	Credentials Credentials
	Initiator   Initiator
	// Plan is the decision for the first request.
	Plan Plan
	// PreflightSent is true when a preflight response was evaluated.
	PreflightSent   bool
	PreflightStatus int
	// MaxAge is how long Chromium caches the passed preflight, in seconds;
	// -1 when no preflight passed.
	MaxAge int
	// ActualSent is true when an actual response was evaluated; Status is
	// the last one's status.
	ActualSent bool
	Status     int
	Redirects  []string
	// Tainted is true when a redirect made the Origin header "null".
	Tainted bool
	// Opaque is true for no-cors responses: allowed but unreadable.
	Opaque bool
	// CrossOrigin is true when CORS checks applied to the final response
	// (response tainting "cors").
	CrossOrigin bool

	Allowed bool
	// Incomplete names the response the verdict still needs (explain
	// without a response file); Allowed is then false.
	Incomplete string
	Stage      Stage
	// Error is the Chromium CorsError; empty when the browser stops for a
	// reason that is not a CORS error (see Script and NetError).
	Error           ErrorName
	FailedParameter string
	// Script is the exception or console line for a refusal before
	// sending (TypeError, mixed content, unsupported scheme).
	Script string
	// NetError is a net:: error such as net::ERR_TOO_MANY_REDIRECTS.
	NetError string

	// TargetAddressSpace is the target's IP address space for the local
	// network errors (DevTools CorsErrorStatus.resourceIPAddressSpace);
	// set by EvaluatePrivateNetwork.
	TargetAddressSpace AddressSpace

	Firefox      FirefoxCode
	firefoxParam string
	firefoxURL   string
	// ffLine is a Firefox line that is not a CORS reason (mixed content,
	// a same-origin mode refusal); ffNext is the URL of Firefox's second
	// line, "CORS request did not succeed" for the request itself, which
	// follows every failure before the final response (empty: none).
	ffLine ffLine
	ffNext string
	// ffMid is a second reason Firefox logs between the two (see
	// firefoxPreflightRedirect).
	ffMid      FirefoxCode
	ffMidParam string
	// wk holds WebKit's console line, built on demand (see webkitLines).
	wk wkText

	// Engine is the engine whose verdict this is (Chromium when empty).
	Engine   Engine
	Warnings []Warning

	// What Checks replays: the request and the responses evaluated (the
	// caller's, by reference): the first hop, and every hop when there
	// are several (kept by value so that Evaluate's variadic slice does
	// not escape: one hop costs no allocation); lna marks an
	// EvaluatePrivateNetwork verdict, from the page's address space
	// lnaFrom.
	req     *Request
	hop0    Hop
	hops    []Hop
	lna     bool
	lnaFrom AddressSpace
}

// Blocked reports whether the browser refuses the response to the page.
func (r *Result) Blocked() bool { return !r.Allowed && r.Incomplete == "" }

// ConsoleMessage is the line the engine prints in the console for a
// blocked request, character for character; the first line when it
// prints several (see ConsoleLines). Chromium's is
// cors_error_string.cc GetErrorStringForConsoleMessage. Empty when
// allowed.
func (r *Result) ConsoleMessage() string {
	if r.Allowed || r.Incomplete != "" {
		return ""
	}
	switch r.Engine {
	case Firefox:
		return r.FirefoxMessage()
	case WebKit:
		var buf [3]string
		if lines := r.webkitLines(buf[:0]); len(lines) > 0 {
			return lines[0]
		}
		return ""
	}
	return r.chromiumMessage()
}

// ConsoleLines are every console line the engine prints for a blocked
// request, in order: Firefox follows a failure before the final response
// with "CORS request did not succeed" for the request; WebKit follows
// its reason with "Fetch API cannot load URL due to access control
// checks." (ThreadableLoader::logError). Nil when allowed.
func (r *Result) ConsoleLines() []string {
	if r.Allowed || r.Incomplete != "" {
		return nil
	}
	switch r.Engine {
	case Firefox:
		var out []string
		if m := r.FirefoxMessage(); m != "" {
			out = append(out, m)
		}
		if r.ffMid != "" {
			out = append(out, firefoxMessage(r.ffMid, r.firefoxURL, r.ffMidParam))
		}
		if r.ffNext != "" {
			out = append(out, firefoxMessage(FFDidNotSucceed, r.ffNext, "(null)"))
		}
		return out
	case WebKit:
		return r.webkitLines(nil)
	}
	if m := r.chromiumMessage(); m != "" {
		return []string{m}
	}
	return nil
}

// chromiumMessage is ConsoleMessage for Chromium.
func (r *Result) chromiumMessage() string {
	if r.Script != "" {
		return r.Script
	}
	if r.Error == "" {
		if r.NetError != "" {
			// Network-log line; format not pinned by a Chromium source.
			return r.Method + " " + CanonicalURL(r.URL) + " " + r.NetError
		}
		return ""
	}
	kind := "fetch"
	if r.Initiator == InitiatorXHR {
		kind = "XMLHttpRequest"
	}
	last, first := CanonicalURL(r.URL), CanonicalURL(r.InitialURL)
	var b strings.Builder
	b.WriteString("Access to ")
	b.WriteString(kind)
	b.WriteString(" at '")
	b.WriteString(last)
	b.WriteString("' ")
	if first != last {
		b.WriteString("(redirected from '")
		b.WriteString(first)
		b.WriteString("') ")
	}
	b.WriteString("from origin '")
	b.WriteString(r.Origin)
	b.WriteString("' has been blocked by CORS policy: ")
	if r.Error.IsPreflightError() {
		b.WriteString("Response to preflight request doesn't pass access control check: ")
	}
	d := detail(r.Error, EncodeHint(r.FailedParameter), r.Initiator)
	if d == "" {
		d = localNetworkDetail(r)
	}
	b.WriteString(d)
	return b.String()
}

// FirefoxMessage is the console line Firefox prints for the failure
// (security.properties). For a Chromium verdict it is Firefox's line for
// the same failure. Empty when Firefox prints nothing.
func (r *Result) FirefoxMessage() string {
	if r.ffLine != ffNone {
		return r.ffLine.text(r)
	}
	if r.Firefox == "" {
		return ""
	}
	return firefoxMessage(r.Firefox, r.firefoxURL, r.firefoxParam)
}

// Explanation returns the plain cause and generic fix of the error.
func (r *Result) Explanation() Explanation { return Explain(r.Error) }

// CanonicalURL serializes a URL as Chromium's KURL::GetString does in
// console messages: lower-case scheme and host, default port dropped, "/"
// for an empty path, fragment removed. Unparsable input is returned as is.
func CanonicalURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.Scheme == "" || u.Host == "" {
		return raw
	}
	u.Scheme = strings.ToLower(u.Scheme)
	host, port := u.Hostname(), u.Port()
	host = strings.ToLower(host)
	if strings.Contains(host, ":") {
		host = "[" + host + "]"
	}
	if port != "" && port == defaultPort(u.Scheme) {
		port = ""
	}
	if port != "" {
		host += ":" + port
	}
	u.Host = host
	u.Fragment, u.RawFragment = "", ""
	if u.Path == "" && u.Opaque == "" {
		u.Path = "/"
	}
	return u.String()
}

// Hop is one URL of a request's journey: the preflight sent to it (when
// one is required) and the response to the actual request.
type Hop struct {
	Preflight *Response
	Response  *Response
}

// Evaluate runs the browser's CORS algorithm over the responses given,
// one Hop per URL (a redirect response leads to the next hop). A missing
// response is reported in Result.Incomplete; everything given is still
// checked. It allocates only when the request needs an
// Access-Control-Request-Headers value or something fails.
func Evaluate(req *Request, hops ...Hop) Result {
	var f Fetch
	return evaluate(&f, req, hops, nil)
}

// evaluate is Evaluate, narrating to n when not nil (see Checks).
func evaluate(f *Fetch, req *Request, hops []Hop, n *narrator) Result {
	f.start(req, n)
	if n == nil {
		switch {
		case len(hops) == 1:
			f.res.hop0 = hops[0]
		case len(hops) > 1:
			f.res.hops = append([]Hop(nil), hops...)
		}
	}
	for i := 0; !f.Done(); i++ {
		var h Hop
		if i < len(hops) {
			h = hops[i]
		}
		if f.NeedsPreflight() {
			if h.Preflight == nil {
				f.res.Warnings = append(f.res.Warnings, Warning{WarnPreflightMissing,
					"a preflight is required but no preflight response was given; assuming it passes"})
				f.skipPreflight()
			} else {
				f.ReceivePreflight(h.Preflight)
				if f.Done() {
					break
				}
			}
		} else if h.Preflight != nil && f.res.Plan.CrossOrigin && i == 0 {
			f.res.Warnings = append(f.res.Warnings, Warning{WarnPreflightNotSent,
				"this request needs no preflight, so the browser sends none; the preflight response given was ignored"})
		}
		if h.Response == nil {
			f.res.Incomplete = "response to the actual request at " + f.url
			if n != nil {
				n.begin(StageActual, f.redirects, f.url, f.actualNames()...)
				n.absent("no response to the actual request")
			}
			break
		}
		f.Receive(h.Response)
	}
	return f.Result()
}

type fetchState uint8

const (
	stateStart fetchState = iota
	statePreflight
	stateActual
	stateDone
)

// Fetch drives the CORS algorithm one response at a time, for callers
// that send the requests themselves (the live prober, the browser
// comparison). The zero value is ready for Start.
type Fetch struct {
	req       *Request
	method    string
	headers   []Header
	url       string
	origin    string // Origin header value: page origin, or "null" once tainted
	corsFlag  bool
	redirects int
	state     fetchState
	plan      Plan
	res       Result
	eng       Engine
	// sticky is set once a preflight went out in Firefox or WebKit: they
	// preflight every redirected hop of that request (see redirect).
	sticky bool
	// firstACRH is the first hop's Access-Control-Request-Headers, which
	// WebKit sends again on every redirected hop.
	firstACRH string
	// narr records the checks when Checks replays (nil otherwise).
	narr *narrator
	// keep makes the Fetch record the responses it receives in its
	// Result, for Checks (Start; Evaluate passes its own); open is set
	// while the last recorded hop awaits its response.
	keep, open bool
}

// Start validates the request and plans the first hop.
func (f *Fetch) Start(req *Request) {
	f.start(req, nil)
	f.keep = true
}

func (f *Fetch) start(req *Request, n *narrator) {
	method := NormalizeMethod(req.Method)
	if method == "" {
		method = "GET"
	}
	// One composite literal: Fetch is large, zero it once.
	*f = Fetch{req: req, url: req.URL, origin: req.Origin, headers: req.Headers, method: method, eng: req.Engine, narr: n,
		res: Result{
			Origin: req.Origin, URL: req.URL, InitialURL: req.URL, Method: method,
			Credentials: req.credentials(), Initiator: req.initiator(), MaxAge: -1, Engine: req.Engine, req: req,
		}}
	if f.validate() { // validate also sets f.corsFlag
		f.state = stateDone
		return
	}
	f.plan = Plan{Method: f.method}
	if f.corsFlag && req.mode() == ModeCORS {
		f.plan = planCrossOrigin(req, f.method, f.headers, true)
	}
	f.plan.CrossOrigin = f.corsFlag
	f.res.Plan = f.plan
	if req.mode() == ModeNoCORS && f.corsFlag {
		f.res.Opaque = true
		f.res.Warnings = append(f.res.Warnings, Warning{WarnOpaqueResponse,
			"mode no-cors: the response is opaque; the page sees status 0, no headers and no body"})
	}
	f.state = stateActual
	if f.plan.Required {
		f.state = statePreflight
		f.sticky = f.eng != Chromium
		f.firstACRH = f.plan.RequestHeaders
	}
}

// validate applies the checks fetch()/XMLHttpRequest make before any
// request is sent. It returns true when the request is refused.
// The TypeError texts follow Blink's messages; they are not part of the
// Chromium CORS conformance surface.
func (f *Fetch) validate() bool {
	req := f.req
	api := "Failed to execute 'fetch' on 'Window': "
	if req.initiator() == InitiatorXHR {
		api = "Failed to execute 'open' on 'XMLHttpRequest': "
	}
	refuse := func(msg string) bool {
		f.res.Stage = StageRequest
		f.res.Script = msg
		if n := f.narr; n != nil {
			n.begin(StageRequest, 0, req.URL, CheckRequest)
			n.failed(CheckRequest)
		}
		return true
	}
	if !IsToken(req.Method) && req.Method != "" {
		return refuse("TypeError: " + api + "'" + req.Method + "' is not a valid HTTP method.")
	}
	if IsForbiddenMethod(req.Method) {
		return refuse("TypeError: " + api + "'" + req.Method + "' HTTP method is unsupported.")
	}
	p, ok := splitURL(req.URL)
	if !ok {
		return refuse("TypeError: " + api + "Failed to parse URL from " + req.URL)
	}
	if !isHTTPScheme(p.scheme) {
		f.res.Error = CorsDisabledScheme
		f.res.Firefox, f.res.firefoxURL = FFRequestNotHTTP, req.URL
		return refuse("Fetch API cannot load " + req.URL + ". URL scheme \"" + strings.ToLower(p.scheme) + "\" is not supported.")
	}
	// URL § includes credentials: a non-empty username or password
	// ("https://@host/" has neither).
	if p.hasUser && p.userinfo != "" && p.userinfo != ":" {
		return refuse("TypeError: " + api + "Request cannot be constructed from a URL that includes credentials: " + req.URL)
	}
	if req.Body != "" && req.Body != BodyNone && (f.method == "GET" || f.method == "HEAD") {
		return refuse("TypeError: " + api + "Request with GET/HEAD method cannot have body.")
	}
	for _, h := range req.Headers {
		if !IsToken(h.Name) {
			return refuse("TypeError: " + api + "Invalid name")
		}
		if hasNULCRLF(h.Value) {
			return refuse("TypeError: " + api + "Invalid value")
		}
	}
	if req.mode() == ModeNoCORS && !IsSafelistedMethod(f.method) {
		return refuse("TypeError: " + api + "'" + f.method + "' is unsupported in no-cors mode.")
	}
	// SameOrigin(req.URL, req.Origin), parsing each URL once.
	o, okOrigin := splitURL(req.Origin)
	cross := req.Origin == Null || !okOrigin || !sameParts(p, o)
	if req.Origin != Null && cross {
		if req.mode() == ModeSameOrigin {
			f.res.Error = DisallowedByMode
			// Firefox: nsScriptSecurityManager's CheckSameOriginError
			// ("Security Error: Content at ... may not load data from
			// ..."); WebKit: "Fetch API cannot load URL." alone. Both
			// observed in Firefox 153.8 and WebKitGTK 2.50.6.
			f.res.ffLine, f.res.firefoxURL = ffSameOrigin, req.URL
			f.res.wk = wkText{kind: wkSameOriginMode, load: req.URL}
			return refuse("Fetch API cannot load " + req.URL + ". Request mode is \"same-origin\" but the URL's origin is not same as the request origin " + req.Origin + ".")
		}
		// Mixed content. Chromium and Firefox exempt potentially
		// trustworthy hosts (localhost, 127.0.0.0/8, ::1); WebKit blocks
		// http: from an https: page whatever the host (observed in
		// WebKitGTK 2.50.6 for http://127.0.0.1 and http://localhost). In
		// Chromium a request declaring a non-public targetAddressSpace is
		// exempt: Local Network Access relaxes mixed content for it once
		// the user grants the permission (see EvaluatePrivateNetwork);
		// Firefox and WebKit have no targetAddressSpace.
		if okOrigin && equalFold(o.scheme, "https") && equalFold(p.scheme, "http") &&
			(f.eng == WebKit || !isPotentiallyTrustworthyHost(p.host)) &&
			!(f.eng == Chromium && req.TargetAddressSpace.private()) {
			f.res.ffLine, f.res.firefoxURL = ffMixedContent, CanonicalURL(req.URL)
			f.res.wk = wkText{kind: wkMixedContent, url: CanonicalURL(req.URL), load: req.URL, param: req.Origin, trusted: isPotentiallyTrustworthyHost(p.host)}
			return refuse("Mixed Content: The page at '" + req.Origin + "/' was loaded over HTTPS, but requested an insecure resource '" +
				CanonicalURL(req.URL) + "'. This request has been blocked; the content must be served over HTTPS.")
		}
	}
	// Forbidden headers are dropped, not refused.
	var kept []Header
	for i, h := range req.Headers {
		if IsForbiddenRequestHeader(h.Name, h.Value) {
			if kept == nil {
				kept = append(make([]Header, 0, len(req.Headers)), req.Headers[:i]...)
			}
			f.res.Warnings = append(f.res.Warnings, Warning{WarnForbiddenHeader,
				"the page cannot set " + h.Name + ": it is a forbidden request header and the browser drops it silently"})
			continue
		}
		if kept != nil {
			kept = append(kept, h)
		}
	}
	if kept != nil {
		f.headers = kept
	}
	f.corsFlag = cross
	return false
}

// hasNULCRLF reports whether a header value holds a byte that
// HttpUtil::IsValidHeaderValue rejects (NUL, CR or LF).
func hasNULCRLF(v string) bool {
	for i := 0; i < len(v); i++ {
		if c := v[i]; c == 0 || c == '\r' || c == '\n' {
			return true
		}
	}
	return false
}

// Done reports whether the verdict is final.
func (f *Fetch) Done() bool { return f.state == stateDone }

// NeedsPreflight reports whether the next request to send is a preflight.
func (f *Fetch) NeedsPreflight() bool { return f.state == statePreflight }

// URL is the URL of the next request.
func (f *Fetch) URL() string { return f.url }

// Method is the method of the next actual request (after redirects
// changed it).
func (f *Fetch) Method() string { return f.method }

// Plan is the decision for the current hop.
func (f *Fetch) Plan() Plan { return f.plan }

// OriginHeader is the Origin header value for the next request.
func (f *Fetch) OriginHeader() string { return f.origin }

// Headers returns the author headers the next actual request carries
// (forbidden headers dropped, redirect removals applied).
func (f *Fetch) Headers() []Header { return f.headers }

// PreflightHeaders returns the CORS headers of the next preflight, in the
// order Chromium sets them: Accept, Access-Control-Request-Method,
// Access-Control-Request-Headers (when non-empty), Origin.
func (f *Fetch) PreflightHeaders() []Header {
	hs := []Header{{"Accept", "*/*"}, {HeaderRequestMethod, f.plan.Method}}
	if f.plan.RequestHeaders != "" {
		hs = append(hs, Header{HeaderRequestHeaders, f.plan.RequestHeaders})
	}
	return append(hs, Header{HeaderOrigin, f.preflightOrigin()})
}

// preflightOrigin is the Origin a preflight carries. Firefox's preflight
// is made for the requesting principal, not for the redirect-tainted one
// (nsCORSListenerProxy::StartCORSPreflight uses the loading principal;
// AsyncOnChannelRedirect only resets mOriginHeaderPrincipal of the
// request itself): after a cross-origin redirect it still sends the page's
// origin, and checks Access-Control-Allow-Origin against it. Observed in
// Firefox 153.8.
func (f *Fetch) preflightOrigin() string {
	if f.eng == Firefox {
		return f.req.Origin
	}
	return f.origin
}

func (f *Fetch) includeCredentials() bool { return f.req.credentials() == CredentialsInclude }

func (f *Fetch) skipPreflight() {
	if n := f.narr; n != nil {
		n.begin(StagePreflight, f.redirects, f.url, f.preflightNames()...)
		n.absent("no preflight response")
	}
	f.state = stateActual
}

// fail ends the fetch; the narration's failed check is the redirect
// unless the caller recorded another.
func (f *Fetch) fail(stage Stage, e ErrorName, hint string) {
	if n := f.narr; n != nil {
		n.failed(CheckRedirect)
	}
	f.res.Allowed = false
	f.res.Stage = stage
	f.res.Error = e
	f.res.FailedParameter = hint
	f.res.URL = f.url
	f.state = stateDone
}

// ReceivePreflight evaluates the preflight response in the engine's
// order. Chromium (PreflightController / PreflightResult; see
// cors-semantics §2.5): redirect, then the access check with the actual
// request's credentials mode, then the status, then Allow-Methods/-Headers
// parsing, then the method and header checks. Firefox
// (nsCORSPreflightListener): redirect, access check (the preflight
// channel's own nsCORSListenerProxy::CheckRequestApproved runs first),
// status, Allow-Methods parsed and the method checked, then
// Allow-Headers parsed and the headers checked. WebKit
// (CrossOriginAccessControl.cpp validatePreflightResponse): the status
// first (a redirect is just not successful), then the access check, then
// both lists parsed (CrossOriginPreflightResultCacheItem::create), then
// the method and the headers.
func (f *Fetch) ReceivePreflight(resp *Response) {
	if f.state != statePreflight {
		return
	}
	if f.keep {
		f.res.hops = append(f.res.hops, Hop{Preflight: resp})
		f.open = true
	}
	n := f.narr
	if n != nil {
		n.begin(StagePreflight, f.redirects, f.url, f.preflightNames()...)
	}
	f.res.PreflightSent = true
	f.res.PreflightStatus = resp.Status
	f.res.firefoxURL = f.url
	h := resp.Header
	ok := resp.Status >= 200 && resp.Status <= 299
	if n != nil && f.eng == WebKit {
		f.narratePreflightStatus(resp.Status, ok)
	}
	if f.eng == WebKit && !ok {
		f.res.wk = wkText{kind: wkPreflightStatus, status: resp.Status, load: f.url}
		e := PreflightInvalidStatus
		if resp.isRedirect() {
			e = PreflightDisallowedRedirect
		}
		f.fail(StagePreflight, e, "")
		return
	}
	// 1. Any redirect fails (Fetch § CORS-preflight fetch step 2: a 3xx is
	// not an ok status; Chromium names it before looking at ACAO).
	if resp.isRedirect() {
		f.firefoxPreflightRedirect(resp)
		if n != nil {
			n.set(CheckRedirect, CheckFail, "").seen(get(h, HeaderLocation))
		}
		f.fail(StagePreflight, PreflightDisallowedRedirect, "")
		return
	}
	if n != nil && f.eng != WebKit {
		loc, has := get(h, HeaderLocation)
		n.set(CheckRedirect, CheckPass, strconv.Itoa(resp.Status)+" is not a redirect").seen(loc, has)
	}
	// 2. Access check on the preflight (Fetch § CORS check with the
	// request's credentials mode). Chromium and Firefox report its failure
	// even when the status is also bad (observed in Firefox 153.8: a 403
	// preflight without CORS headers logs "CORS header
	// ‘Access-Control-Allow-Origin’ missing). Status code: 403.").
	origin := f.preflightOrigin()
	e, hint := f.checkAccess(h, origin)
	if n != nil {
		f.narrateAccess(h, e)
	}
	if e != "" {
		f.firefoxAccess(h, e, resp.Status)
		f.webkitAccess(h, e, resp.Status, origin, "")
		f.res.ffNext = f.url
		f.fail(StagePreflight, preflightTwin(e), hint)
		return
	}
	// 3. Ok status (200-299).
	if n != nil && f.eng != WebKit {
		f.narratePreflightStatus(resp.Status, ok)
	}
	if !ok {
		f.res.Firefox, f.res.firefoxParam = FFPreflightDidNotSucceed, strconv.Itoa(resp.Status)
		f.res.ffNext = f.url
		f.fail(StagePreflight, PreflightInvalidStatus, "")
		return
	}
	// 4. Parse Access-Control-Allow-Methods and -Headers (#method,
	// #field-name; Chromium: HttpUtil::ValuesIterator + IsToken; Firefox:
	// nsCCharSeparatedTokenizer + NS_IsValidHTTPToken; WebKit:
	// parseAccessControlAllowList). One pass per list: parse, and note
	// the method and "*".
	m := f.plan.Method
	creds := f.includeCredentials()
	acam, _ := get(h, HeaderAllowMethods)
	methods := scanList(acam, m)
	if methods.bad != "" {
		if n != nil {
			n.set(CheckAllowMethods, CheckFail, "").seen(get(h, HeaderAllowMethods))
		}
		f.res.Firefox, f.res.firefoxParam = FFInvalidAllowMethod, methods.bad
		f.res.wk = wkText{kind: wkInvalidAllowMethods, param: acam, load: f.url}
		f.res.ffNext = f.url
		f.fail(StagePreflight, InvalidAllowMethodsPreflightResponse, "")
		return
	}
	// 5. Method check (Fetch § CORS-preflight fetch step 5): safelisted
	// methods always pass; otherwise an exact, case-sensitive member, or
	// "*" without credentials. Chromium compares as sent since
	// AccessControlAllowMethodsInCORSPreflightSpecConformant (default on);
	// Firefox and WebKit compare case-sensitively too. Firefox checks the
	// method before it parses Allow-Headers.
	methodOK := IsSafelistedMethod(m) || methods.has || !creds && methods.star
	if n != nil && (f.eng == Firefox || methodOK) {
		f.narrateMethod(h, methodOK)
	}
	if f.eng == Firefox && !methodOK {
		f.failMethod(m)
		return
	}
	acah, _ := get(h, HeaderAllowHeaders)
	// The names to look up: ACRH, lower-case, sorted (at most 64 are
	// tracked in one pass; longer lists are looked up one by one below).
	var nameBuf [64]string
	names := nameBuf[:0]
	for it := (listIter{s: f.plan.RequestHeaders}); it.next() && len(names) < cap(names); {
		names = append(names, it.cur)
	}
	headers, missing := scanAllowHeaders(acah, names)
	if headers.bad != "" {
		if n != nil {
			n.set(CheckAllowHeaders, CheckFail, "").seen(get(h, HeaderAllowHeaders))
		}
		f.res.Firefox, f.res.firefoxParam = FFInvalidAllowHeader, headers.bad
		f.res.wk = wkText{kind: wkInvalidAllowHeaders, param: acah, load: f.url}
		f.res.ffNext = f.url
		f.fail(StagePreflight, InvalidAllowHeadersPreflightResponse, "")
		return
	}
	if !methodOK {
		if n != nil {
			f.narrateMethod(h, false)
		}
		f.failMethod(m)
		return
	}
	// 6-7. Header check. Divergence from Fetch step 6: all three engines
	// let "*" cover Authorization. Chromium: CorsNonWildcardRequestHeadersSupport
	// is disabled by default, with a DevTools deprecation issue. Firefox:
	// pref network.cors_preflight.authorization_covered_by_wildcard
	// (default true) with the CORSAllowHeaderFromPreflightDeprecation
	// warning. WebKit: CrossOriginPreflightResultCacheItem::
	// validateCrossOriginHeaders takes "*" as covering every header.
	// All names tracked and all listed: nothing to report.
	allListed := len(names) < cap(names) && missing == 0
	if f.plan.RequestHeaders != "" && !allListed {
		wildcard := !creds && headers.star
		it := listIter{s: f.plan.RequestHeaders}
		for k := 0; it.next(); k++ {
			if k < len(names) && missing&(1<<k) == 0 || k >= len(names) && listContainsFold(acah, it.cur) {
				continue
			}
			if wildcard {
				if it.cur == "authorization" && f.eng != WebKit {
					f.res.Warnings = append(f.res.Warnings, Warning{WarnAuthorizationCoveredByWildcard, authorizationWildcardText(f.eng)})
				}
				continue
			}
			f.res.Firefox, f.res.firefoxParam = FFMissingAllowHeaderFromPreflight, it.cur
			f.res.ffNext = f.url
			name := it.cur
			if f.eng == WebKit {
				// WebKit names the first header of the request's header
				// map that is not allowed, as the page spelt it.
				name = f.webkitDisallowedHeader(acah)
			}
			f.res.wk = wkText{kind: wkHeaderNotAllowed, param: name, load: f.url}
			if n != nil {
				n.set(CheckAllowHeaders, CheckFail, "").seen(get(h, HeaderAllowHeaders))
			}
			f.fail(StagePreflight, HeaderDisallowedByPreflightResponse, it.cur)
			return
		}
	}
	if n != nil && f.plan.RequestHeaders != "" {
		n.set(CheckAllowHeaders, CheckPass, f.plan.RequestHeaders+" allowed").seen(get(h, HeaderAllowHeaders))
	}
	// 8. Max-Age, as the engine parses and caps it.
	f.res.MaxAge = maxAgeFor(f.eng, h)
	f.state = stateActual
}

// firefoxPreflightRedirect sets Firefox's lines for a redirected
// preflight. The preflight channel's own nsCORSListenerProxy sees the
// redirect first (AsyncOnChannelRedirect: CheckRequestApproved on the
// 3xx, then, for a cross-origin Location, a null principal for what
// follows); nsCORSPreflightListener then refuses it
// (CORSExternalRedirectNotAllowed), and the cancelled preflight is
// checked once more against the null principal in OnStartRequest. Then
// the request fails. Observed in Firefox 153.8: a 301 preflight carrying
// the page's Access-Control-Allow-Origin and a cross-origin Location logs
// "external redirect not allowed", "does not match ‘<ACAO>’", "did not
// succeed".
func (f *Fetch) firefoxPreflightRedirect(resp *Response) {
	f.res.ffNext = f.url
	if e, _ := f.checkAccess(resp.Header, f.preflightOrigin()); e != "" {
		f.firefoxAccess(resp.Header, e, resp.Status)
		if resp.Location() != "" {
			// The refused redirect cancels the preflight channel, whose
			// OnStartRequest then logs "did not succeed" for it before
			// the request's own (observed in Firefox 153.8: a 301 without
			// CORS headers and with a Location logs three lines; without
			// a Location the 3xx is a plain response and logs two).
			f.res.ffMid, f.res.ffMidParam = FFDidNotSucceed, "(null)"
		}
		return
	}
	f.res.Firefox = FFExternalRedirectNotAllowed
	// The second look checks access again (against the null principal
	// after a cross-origin Location), then the status: "preflight
	// response did not succeed" (observed in Firefox 153.8 for a
	// same-origin Location).
	if !sameOriginURLs(f.url, f.resolve(resp.Location())) {
		if e, _ := f.checkAccess(resp.Header, Null); e != "" {
			f.res.ffMid, f.res.ffMidParam = firefoxAccessCode(resp.Header, e, resp.Status)
			return
		}
	}
	f.res.ffMid, f.res.ffMidParam = FFPreflightDidNotSucceed, strconv.Itoa(resp.Status)
}

// failMethod fails the preflight on the method check.
func (f *Fetch) failMethod(m string) {
	f.res.Firefox = FFMethodNotFound
	f.res.ffNext = f.url
	f.res.wk = wkText{kind: wkMethodNotAllowed, param: m, load: f.url}
	f.fail(StagePreflight, MethodDisallowedByPreflightResponse, m)
}

// authorizationWildcardText is the warning for Authorization covered by
// "Access-Control-Allow-Headers: *".
func authorizationWildcardText(e Engine) string {
	if e == Firefox {
		return "Authorization is covered by Access-Control-Allow-Headers: * only because of Firefox's pref network.cors_preflight.authorization_covered_by_wildcard (Firefox logs CORSAllowHeaderFromPreflightDeprecation); the Fetch standard requires Authorization to be listed explicitly"
	}
	return "Authorization will not be covered by the wildcard symbol (*) in CORS Access-Control-Allow-Headers handling: Chromium allows it today with a deprecation warning, but the Fetch standard requires Authorization to be listed explicitly"
}

// webkitDisallowedHeader returns the header WebKit names when the
// preflight does not allow the request's headers: the first CORS-unsafe
// header of the request's HTTPHeaderMap that Allow-Headers does not list,
// as the page spelt it (the map keeps the first spelling of a name).
// HTTPHeaderMap iterates the names WebKit knows (HTTPHeaderNames.in,
// e.g. Authorization, Content-Type) before the others, each group in the
// order the page set them: with X-Custom and Authorization both refused,
// WebKit names Authorization (observed in WebKitGTK 2.50.6). On a
// redirected hop the headers are the first request's
// (NetworkLoadChecker uses m_originalRequestHeaders).
func (f *Fetch) webkitDisallowedHeader(acah string) string {
	for pass := 0; pass < 2; pass++ {
		for _, hd := range f.req.Headers {
			if webkitKnownHeader(hd.Name) != (pass == 0) {
				continue
			}
			v := trimHTTPSpace(hd.Value)
			if IsForbiddenRequestHeader(hd.Name, v) || !listContainsFold(f.plan.RequestHeaders, hd.Name) {
				continue
			}
			if !listContainsFold(acah, hd.Name) {
				return hd.Name
			}
		}
	}
	return ""
}

// webkitKnownHeader reports whether WebKit's HTTPHeaderNames.in lists the
// name (the request headers a page can set among them).
func webkitKnownHeader(name string) bool {
	for _, n := range [...]string{"accept", "accept-language", "authorization", "cache-control",
		"content-encoding", "content-language", "content-location", "content-type", "if-match",
		"if-modified-since", "if-none-match", "if-range", "if-unmodified-since", "last-event-id",
		"link", "pragma", "priority", "purpose", "range", "upgrade-insecure-requests",
		"x-content-type-options", "x-dns-prefetch-control", "x-frame-options", "x-xss-protection"} {
		if equalFold(name, n) {
			return true
		}
	}
	return false
}

// listScan is what one pass over an Access-Control-Allow-Methods or
// -Headers value learns.
type listScan struct {
	bad  string // first item that is not a token; "" when the list parses
	has  bool   // the list holds want exactly
	star bool   // the list holds "*"
}

// scanList parses a #method / #field-name list as Chromium's
// ParseAccessControlAllowList does (ValuesIterator, every item a token)
// and notes whether it holds want (byte for byte) and "*".
func scanList(v, want string) listScan {
	var s listScan
	it := listIter{s: v}
	for it.next() {
		if !IsToken(it.cur) {
			return listScan{bad: it.cur}
		}
		s.has = s.has || it.cur == want
		s.star = s.star || it.cur == "*"
	}
	return s
}

// scanAllowHeaders is scanList for Access-Control-Allow-Headers that, in
// the same pass, looks up the requested lower-case names
// (case-insensitively, as Chromium stores ACAH lower-cased): bit k of
// missing stays set when names[k] is not listed.
//
// Precondition: len(names) <= 64.
func scanAllowHeaders(v string, names []string) (s listScan, missing uint64) {
	if len(names) == 64 {
		missing = ^uint64(0)
	} else {
		missing = 1<<len(names) - 1
	}
	it := listIter{s: v}
	for it.next() {
		if !IsToken(it.cur) {
			return listScan{bad: it.cur}, missing
		}
		s.star = s.star || it.cur == "*"
		for k, n := range names {
			if missing&(1<<k) != 0 && equalFold(it.cur, n) {
				missing &^= 1 << k
			}
		}
	}
	return s, missing
}

// chromiumMaxAge is the preflight cache lifetime Chromium applies
// (preflight_result.cc ParseAccessControlMaxAge): base::StringToInt64
// failure, overflow included, gives the 5 s default.
func chromiumMaxAge(h http.Header) int {
	v, ok := get(h, HeaderMaxAge)
	if !ok {
		return 5
	}
	if len(v) > 0 && len(v) <= 4 && intABNF(v) {
		n := 0 // fast path for the common "600", "7200"
		for i := 0; i < len(v); i++ {
			n = n*10 + int(v[i]-'0')
		}
		return min(n, 7200)
	}
	n, err := strconv.ParseInt(v, 10, 64)
	switch {
	case err != nil:
		return 5
	case n < 0:
		return 0
	case n >= 7200:
		return 7200
	}
	return int(n)
}

// maxAgeFor is how long engine e caches a passed preflight, in seconds.
//
// Firefox (nsCORSPreflightListener::AddResultToCache): absent or empty
// gives 5 s (PREFLIGHT_DEFAULT_EXPIRY_SECONDS, "chosen to be compatible
// with Chromium"); any byte other than 0-9 means the result is not
// cached at all (0); the value is capped at 86400 s, and 0 caches
// nothing.
//
// WebKit (CrossOriginPreflightResultCache.cpp): parseInteger<int64_t>
// (a leading "+" or "-" accepted); unparsable, absent included, gives
// 5 s; capped at 600 s ("short enough to minimize the risk of using a
// poisoned cache after switching to a secure network"); a negative value
// expires at once (0).
func maxAgeFor(e Engine, h http.Header) int {
	switch e {
	case Firefox:
		v, _ := get(h, HeaderMaxAge)
		if v == "" {
			return 5
		}
		n := 0
		for i := 0; i < len(v); i++ {
			if v[i] < '0' || v[i] > '9' {
				return 0
			}
			n = min(n*10+int(v[i]-'0'), 86400)
		}
		return n
	case WebKit:
		v, _ := get(h, HeaderMaxAge)
		n, err := strconv.ParseInt(v, 10, 64)
		switch {
		case err != nil && !errors.Is(err, strconv.ErrRange):
			return 5
		case n < 0:
			return 0
		case n > 600 || err != nil:
			return 600
		}
		return int(n)
	}
	return chromiumMaxAge(h)
}

// MaxAge returns the preflight cache lifetime, in seconds, that Chromium
// applies to a preflight response with these headers.
func MaxAge(h http.Header) int { return chromiumMaxAge(h) }

// MaxAgeFor returns the preflight cache lifetime, in seconds, engine e
// applies to a preflight response with these headers.
func MaxAgeFor(e Engine, h http.Header) int { return maxAgeFor(e, h) }

// MaxAgeCap is the longest engine e caches a preflight: Chromium 7200 s
// (preflight_result.cc kMaxTimeout), Firefox 86400 s, WebKit 600 s.
func MaxAgeCap(e Engine) int {
	switch e {
	case Firefox:
		return 86400
	case WebKit:
		return 600
	}
	return 7200
}

// checkAccess is Chromium's CheckAccess (services/network/public/cpp/cors/cors.cc),
// the Fetch § CORS check with Chromium's finer error names, against the
// serialized origin. Firefox (nsCORSListenerProxy::CheckRequestApproved)
// and WebKit (passesAccessControlCheck) reach the same verdict on every
// response (an exact byte comparison, "*" only without credentials,
// Access-Control-Allow-Credentials exactly "true"); only their texts
// differ (firefoxAccess, webkitAccess).
func (f *Fetch) checkAccess(h http.Header, origin string) (ErrorName, string) {
	acao, ok := get(h, HeaderAllowOrigin)
	include := f.includeCredentials()
	switch {
	case ok && acao == "*":
		if !include {
			return "", ""
		}
		// Chromium only refuses '*' with credentials for http(s) response
		// URLs (crbug.com/315152); every URL reaching here is http(s).
		return WildcardOriginNotAllowed, ""
	case !ok:
		return MissingAllowOriginHeader, ""
	case acao != origin:
		if strings.ContainsAny(acao, " ,") {
			return MultipleAllowOriginValues, acao
		}
		if acao == Null {
			return AllowOriginMismatch, acao
		}
		if !validAllowOriginURL(acao) {
			return InvalidAllowOriginValue, acao
		}
		return AllowOriginMismatch, acao
	}
	if include {
		if acac, _ := get(h, HeaderAllowCredentials); acac != "true" {
			return InvalidAllowCredentials, acac
		}
	}
	return "", ""
}

// firefoxAccess sets the Firefox code for an access-check failure, in
// nsCORSListenerProxy::CheckRequestApproved's order.
func (f *Fetch) firefoxAccess(h http.Header, chromium ErrorName, status int) {
	f.res.firefoxURL = f.url
	f.res.Firefox, f.res.firefoxParam = firefoxAccessCode(h, chromium, status)
}

// firefoxAccessCode is the Firefox code and parameter of an access-check
// failure, in nsCORSListenerProxy::CheckRequestApproved's order: two
// header lines, missing, "*" with credentials, mismatch, credentials.
func firefoxAccessCode(h http.Header, chromium ErrorName, status int) (FirefoxCode, string) {
	switch {
	case count(h, HeaderAllowOrigin) > 1:
		return FFMultipleAllowOriginNotAllowed, ""
	case chromium == MissingAllowOriginHeader:
		return FFMissingAllowOrigin, strconv.Itoa(status)
	case chromium == WildcardOriginNotAllowed:
		return FFNotSupportingCredentials, ""
	case chromium == InvalidAllowCredentials:
		return FFMissingAllowCredentials, ""
	}
	acao, _ := get(h, HeaderAllowOrigin)
	return FFAllowOriginNotMatchingOrigin, acao
}

// webkitAccess sets WebKit's text for an access-check failure
// (passesAccessControlCheck): "*" with credentials, a value holding a
// comma, any other mismatch (missing included, with the status), then
// the credentials flag. redirectTo is the new URL when the failing
// response is a redirect (NetworkLoadChecker::checkRedirection wraps the
// text).
func (f *Fetch) webkitAccess(h http.Header, e ErrorName, status int, origin, redirectTo string) {
	acao, _ := get(h, HeaderAllowOrigin)
	t := wkText{status: status, param: origin, load: f.url, url: redirectTo}
	switch {
	case e == InvalidAllowCredentials:
		t.kind = wkCredentialsNotTrue
	case acao == "*":
		t.kind = wkWildcardCredentials
	case strings.IndexByte(acao, ',') >= 0:
		t.kind = wkMultipleOrigins
	default:
		t.kind = wkOriginNotAllowed
	}
	if redirectTo != "" {
		t.inner, t.kind = t.kind, wkRedirectDenied
	}
	f.res.wk = t
}

// Receive evaluates the response to the actual request at URL(): the CORS
// check (for every response of a cors-tainted request, redirects
// included), then the redirect rules of Fetch § HTTP-redirect fetch and
// Chromium's CorsURLLoader::OnReceiveRedirect.
func (f *Fetch) Receive(resp *Response) {
	if f.state == statePreflight {
		f.skipPreflight()
	}
	if f.state != stateActual {
		return
	}
	if f.keep {
		if f.open {
			f.res.hops[len(f.res.hops)-1].Response = resp
		} else {
			f.res.hops = append(f.res.hops, Hop{Response: resp})
		}
		f.open = false
	}
	n := f.narr
	if n != nil {
		stage, names := StageActual, f.actualNames()
		if resp.isRedirect() {
			stage, names = StageRedirect, append(names, CheckRedirect)
		}
		n.begin(stage, f.redirects, f.url, names...)
	}
	f.res.ActualSent = true
	f.res.Status = resp.Status
	f.res.URL = f.url
	if f.res.Opaque {
		if n != nil {
			n.set(CheckAllowOrigin, CheckSkip, "not checked: mode no-cors gives the page an opaque response").seen(get(resp.Header, HeaderAllowOrigin))
		}
		f.res.Allowed = true
		f.state = stateDone
		return
	}
	if n != nil && !f.corsFlag {
		n.set(CheckAllowOrigin, CheckSkip, "not needed: the request is same-origin").seen(get(resp.Header, HeaderAllowOrigin))
	}
	if f.corsFlag {
		e, hint := f.checkAccess(resp.Header, f.origin)
		if n != nil {
			f.narrateAccess(resp.Header, e)
		}
		if e != "" {
			f.firefoxAccess(resp.Header, e, resp.Status)
			stage := StageActual
			redirectTo := ""
			if resp.isRedirect() {
				stage = StageRedirect
				// Firefox checks a redirect in AsyncOnChannelRedirect and
				// then fails the request itself: a second line.
				f.res.ffNext = f.url
				redirectTo = f.resolve(resp.Location())
			}
			f.webkitAccess(resp.Header, e, resp.Status, f.origin, redirectTo)
			f.fail(stage, e, hint)
			return
		}
	}
	if !resp.isRedirect() {
		f.res.Allowed = true
		f.state = stateDone
		return
	}
	f.redirect(resp)
}

func (f *Fetch) redirect(resp *Response) {
	loc := resp.Location()
	base, err := url.Parse(f.url)
	if err != nil {
		f.res.NetError = "net::ERR_INVALID_REDIRECT"
		f.fail(StageRedirect, "", "")
		return
	}
	next, err := base.Parse(loc)
	if err != nil {
		f.res.NetError = "net::ERR_INVALID_REDIRECT"
		f.fail(StageRedirect, "", "")
		return
	}
	next.Fragment, next.RawFragment = "", ""
	nextURL := next.String()
	if !isHTTPScheme(next.Scheme) {
		// content/common/url_utils.cc IsSafeRedirectTarget refuses these
		// targets in the network stack, before any CORS step.
		if unsafeRedirectScheme(next.Scheme) {
			f.res.NetError = "net::ERR_UNSAFE_REDIRECT"
			f.fail(StageRedirect, "", "")
			return
		}
		// Any other scheme is followed; the new URL is cross-origin to the
		// page, so the restarted request has the CORS flag and
		// CorsURLLoader::StartRequest fails it for the new URL. Observed
		// in Chromium 156 for ftp:, ws:, wss:, javascript: and foo:
		// (data:, file:, about:, blob:, chrome: give ERR_UNSAFE_REDIRECT).
		f.res.Redirects = append(f.res.Redirects, nextURL)
		f.res.Firefox, f.res.firefoxURL = FFRequestNotHTTP, nextURL
		// WebKit: NetworkLoadChecker::checkRedirection.
		f.res.wk = wkText{kind: wkRedirectScheme, url: nextURL, load: f.url}
		f.url = nextURL
		f.fail(StageRedirect, CorsDisabledScheme, "")
		return
	}
	// Fetch § HTTP-redirect fetch steps 7-8; Chromium CheckRedirectLocation
	// builds this error without a failed parameter, so the console shows ''.
	crossToNext := !sameOriginURLs(f.url, nextURL)
	if includesCredentials(next) && (f.corsFlag || f.origin == Null || !SameOrigin(nextURL, f.origin)) {
		// Firefox refuses the new channel (nsCORSListenerProxy::UpdateChannel
		// "NS_ENSURE_TRUE(userpass.IsEmpty(), ...)") without a reason of
		// its own: only "CORS request did not succeed" for the request.
		f.res.Firefox, f.res.firefoxParam, f.res.firefoxURL = FFDidNotSucceed, "(null)", f.url
		bare := *next
		bare.User = nil
		f.res.wk = wkText{kind: wkRedirectCredentials, url: bare.String(), param: nextURL, load: f.url}
		f.fail(StageRedirect, RedirectContainsCredentials, "")
		return
	}
	f.redirects++
	if f.redirects > 20 {
		f.res.NetError = "net::ERR_TOO_MANY_REDIRECTS"
		f.res.Firefox, f.res.firefoxParam, f.res.firefoxURL = FFDidNotSucceed, "(null)", f.url
		f.res.wk = wkText{kind: wkTooManyRedirects, load: f.url}
		f.fail(StageRedirect, "", "")
		return
	}
	if f.req.Body == BodyStream && resp.Status != 303 {
		f.res.NetError = "net::ERR_FAILED"
		f.fail(StageRedirect, "", "")
		return
	}
	f.res.Redirects = append(f.res.Redirects, nextURL)
	if n := f.narr; n != nil {
		n.set(CheckRedirect, CheckPass, "followed to "+nextURL).seen(loc, true)
	}
	// Mixed content on a redirect: the renderer checks every redirect of a
	// secure page's request (ResourceLoader::WillFollowRedirect,
	// MixedContentChecker::ShouldBlockFetchOnRedirect) after the network
	// service's checks above, and cancels it. Observed in Chromium 156: an
	// https API redirecting to http:// is blocked with the Mixed Content
	// console line naming the redirect target, and net::ERR_ABORTED.
	if o, ok := splitURL(f.req.Origin); ok && strings.EqualFold(o.scheme, "https") &&
		strings.EqualFold(next.Scheme, "http") && (f.eng == WebKit || !isPotentiallyTrustworthyHost(next.Hostname())) {
		// Firefox: the mixed-content line for the target, then "CORS
		// request did not succeed" for the https request; WebKit: its
		// [blocked] warning, then "cannot load" for the https request.
		// Observed in Firefox 153.8 and WebKitGTK 2.50.6.
		f.res.ffLine, f.res.firefoxURL, f.res.ffNext = ffMixedContent, CanonicalURL(nextURL), f.url
		f.res.wk = wkText{kind: wkMixedContentRedirect, url: CanonicalURL(nextURL), load: f.url, param: f.req.Origin}
		f.url, f.res.URL = nextURL, nextURL
		f.res.NetError = "net::ERR_ABORTED"
		f.res.Script = "Mixed Content: The page at '" + f.req.Origin + "/' was loaded over HTTPS, but requested an insecure resource '" +
			CanonicalURL(nextURL) + "'. This request has been blocked; the content must be served over HTTPS."
		f.fail(StageRedirect, "", "")
		return
	}
	// Tainting: Chromium's CorsURLLoader::CheckTainted (the older "tainted
	// origin flag"): the new URL is cross-origin to the current one and the
	// initiator is cross-origin to the current one.
	if crossToNext && !SameOrigin(f.url, f.req.Origin) && f.origin != Null {
		f.origin = Null
		f.res.Tainted = true
		f.res.Warnings = append(f.res.Warnings, Warning{WarnTaintedOrigin,
			"the redirect from " + f.url + " to " + nextURL + " crosses origins, so the browser now sends Origin: null and needs Access-Control-Allow-Origin: null or *"})
	}
	// Method and body rewriting (step 12).
	if (resp.Status == 301 || resp.Status == 302) && f.method == "POST" || resp.Status == 303 && f.method != "GET" && f.method != "HEAD" {
		f.method = "GET"
		f.headers = without(f.headers, "content-encoding", "content-language", "content-location", "content-type")
	}
	// Step 13: Authorization is removed on a cross-origin hop.
	if crossToNext {
		before := len(f.headers)
		f.headers = without(f.headers, "authorization")
		if len(f.headers) != before {
			f.res.Warnings = append(f.res.Warnings, Warning{WarnAuthorizationDropped,
				"the cross-origin redirect to " + nextURL + " removed the Authorization header"})
		}
	}
	f.url = nextURL
	f.res.URL = nextURL
	// Main fetch again: once cors-tainted, always (Fetch § main fetch).
	if !f.corsFlag && (!SameOrigin(nextURL, f.req.Origin) || f.origin == Null) {
		f.corsFlag = true
	}
	f.plan = Plan{Method: f.method, CrossOrigin: f.corsFlag}
	if f.corsFlag {
		f.plan = planCrossOrigin(f.req, f.method, f.headers, true)
		if f.sticky {
			// Firefox and WebKit preflight every redirected hop of a
			// preflighted request, even when the new hop alone would need
			// none (a POST turned GET by a 303). Firefox: the channel's
			// preflight requirement is copied to the redirect channel and
			// the Access-Control-Request-Headers drop the body headers and
			// Authorization the redirect dropped
			// (nsCORSListenerProxy::CheckPreflightNeeded with
			// StripRequestBodyHeader / aStripAuthHeader). WebKit:
			// NetworkLoadChecker::checkCORSRequestWithPreflight clears
			// m_isSimpleRequest for good, and every preflight lists the
			// first request's headers (m_originalRequestHeaders). Observed
			// in Firefox 153.8 and WebKitGTK 2.50.6.
			if !f.plan.Required {
				f.plan.Required = true
				f.plan.forced = ReasonRedirectPreflighted
			}
			if f.eng == WebKit {
				f.plan.RequestHeaders = f.firstACRH
			}
		}
	}
	f.state = stateActual
	if f.plan.Required {
		f.state = statePreflight
		if f.eng != Chromium && !f.sticky {
			f.sticky, f.firstACRH = true, f.plan.RequestHeaders
		}
	}
}

// resolve makes a Location value absolute against the current URL, as
// the redirect request's URL is printed.
func (f *Fetch) resolve(loc string) string {
	base, err := url.Parse(f.url)
	if err != nil {
		return loc
	}
	next, err := base.Parse(loc)
	if err != nil {
		return loc
	}
	next.Fragment, next.RawFragment = "", ""
	return next.String()
}

// unsafeRedirectScheme reports whether Chromium's IsSafeRedirectTarget
// (content/common/url_utils.cc) refuses a redirect to the scheme: about,
// blob, data, file, filesystem and the WebUI schemes.
func unsafeRedirectScheme(scheme string) bool {
	for _, s := range [...]string{"about", "blob", "data", "file", "filesystem", "chrome", "chrome-untrusted", "devtools"} {
		if equalFold(scheme, s) {
			return true
		}
	}
	return false
}

// includesCredentials is URL § includes credentials (GURL has_username()
// || has_password()): an empty userinfo, as in "https://@host/", is none.
func includesCredentials(u *url.URL) bool {
	if u.User == nil {
		return false
	}
	pw, _ := u.User.Password()
	return u.User.Username() != "" || pw != ""
}

func without(hs []Header, names ...string) []Header {
	var out []Header
	for _, h := range hs {
		drop := false
		for _, n := range names {
			if equalFold(h.Name, n) {
				drop = true
				break
			}
		}
		if !drop {
			out = append(out, h)
		}
	}
	return out
}

// Result returns the verdict so far.
func (f *Fetch) Result() Result {
	r := f.res
	r.CrossOrigin = f.corsFlag
	if f.state != stateDone && r.Incomplete == "" && r.Stage == "" {
		if f.state == statePreflight {
			r.Incomplete = "response to the preflight at " + f.url
		} else {
			r.Incomplete = "response to the actual request at " + f.url
		}
	}
	if r.Allowed && r.MaxAge >= 0 && r.MaxAge < 600 {
		r.Warnings = append(r.Warnings, Warning{WarnShortMaxAge,
			f.eng.label() + " caches this preflight for " + strconv.Itoa(r.MaxAge) + " s only, so most requests pay an extra OPTIONS round trip; send Access-Control-Max-Age: 7200 (Chromium's cap; Firefox allows 86400, Safari 600)"})
	}
	return r
}
