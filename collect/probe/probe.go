// Package probe sends the requests a browser would send for a
// cross-origin request (the CORS preflight, the actual request, the
// redirects fetch() follows) to a live server, records every response as
// evidence, and evaluates them step by step with the cors engine. It also
// sends a few extra requests that help the diagnosis: a sibling path that
// does not exist (do error responses carry CORS headers?), the request
// without the user's credentials, repeats (intermittent behaviour, caches)
// and, on request, the actual request after a failed preflight.
//
// One http.Transport serves every request of a Prober, so the preflight,
// the actual request and the repeats share a connection.
package probe

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptrace"
	"net/url"
	"sort"
	"strings"
	"time"

	"github.com/corsdoctor/corsdoctor/cors"
	"github.com/corsdoctor/corsdoctor/evidence"
	"github.com/corsdoctor/corsdoctor/internal/redact"
)

// Limits.
const (
	// MaxBody is the most the prober reads of any response body.
	MaxBody = 64 << 10
	// DefaultTimeout bounds each request (connect, TLS, headers and body).
	DefaultTimeout = 10 * time.Second
)

// UserAgent is a current desktop Chrome's User-Agent (reduced UA format:
// minor, build and patch are always 0; the major version matches the
// Chromium the browser tests run).
const UserAgent = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0.0.0 Safari/537.36"

// Sec-CH-UA client hints Chrome sends to secure (https) targets.
const (
	secCHUA         = `"Chromium";v="156", "Google Chrome";v="156", "Not_A Brand";v="99"`
	secCHUAMobile   = "?0"
	secCHUAPlatform = `"Linux"`
	acceptLanguage  = "en-US,en;q=0.9"
)

// Options configure a Prober. The zero value is usable.
type Options struct {
	// Timeout bounds each request (connect, TLS handshake, response);
	// DefaultTimeout when zero.
	Timeout time.Duration
	// Insecure skips TLS certificate verification (--insecure).
	Insecure bool
	// Repeat is how many times the whole request is sent again after the
	// first, to detect intermittent behaviour; negative means none.
	Repeat int
	// ForceActual also sends the actual request after a failed preflight.
	ForceActual bool
	// NoExtra disables the error-path and no-auth probes.
	NoExtra bool
	// Cookie is the Cookie header the browser would attach to credentialed
	// actual requests (never to preflights).
	Cookie string
	// UserAgent overrides UserAgent.
	UserAgent string
	// Now is the clock used for durations; time.Now when nil. Tests pass a
	// fixed clock so that output carries no durations.
	Now func() time.Time
	// Transport replaces the default transport (tests).
	Transport http.RoundTripper
}

// Prober sends probes. It is safe for sequential use; use one per check
// so connections are reused.
type Prober struct {
	opt    Options
	client *http.Client
	tr     *http.Transport
}

// New returns a Prober with its own transport: proxies from the
// environment (HTTP_PROXY, HTTPS_PROXY, NO_PROXY), HTTP/2 when the server
// offers it over TLS, redirects never followed by the client (the cors
// engine decides, as fetch() does).
func New(opt Options) *Prober {
	if opt.Timeout <= 0 {
		opt.Timeout = DefaultTimeout
	}
	if opt.Now == nil {
		opt.Now = time.Now
	}
	if opt.UserAgent == "" {
		opt.UserAgent = UserAgent
	}
	p := &Prober{opt: opt}
	rt := opt.Transport
	if rt == nil {
		p.tr = &http.Transport{
			Proxy: http.ProxyFromEnvironment,
			DialContext: (&net.Dialer{
				Timeout:   opt.Timeout,
				KeepAlive: 30 * time.Second,
			}).DialContext,
			TLSClientConfig:       &tls.Config{InsecureSkipVerify: opt.Insecure}, //nolint:gosec // --insecure, documented as weakening safety
			TLSHandshakeTimeout:   opt.Timeout,
			ResponseHeaderTimeout: opt.Timeout,
			ForceAttemptHTTP2:     true,
			// One cap with scan (evidence.MaxHeaderBytes).
			MaxResponseHeaderBytes: evidence.MaxHeaderBytes,
			MaxIdleConns:           16,
			MaxIdleConnsPerHost:    4,
			IdleConnTimeout:        30 * time.Second,
		}
		rt = p.tr
	}
	p.client = &http.Client{
		Transport: rt,
		Timeout:   opt.Timeout,
		CheckRedirect: func(*http.Request, []*http.Request) error {
			return http.ErrUseLastResponse
		},
	}
	return p
}

// Close releases idle connections.
func (p *Prober) Close() {
	if p.tr != nil {
		p.tr.CloseIdleConnections()
	}
}

// Sent is one request the prober sent, with what came back.
type Sent struct {
	Purpose string
	// Hop is 0 for the URL the page requested, n after n redirects.
	Hop    int
	Method string
	URL    string
	Header http.Header
	Body   []byte
	Status int
	Err    string
	// Withheld names the credentials the user gave that this request
	// went without: it is on another host (withholdCredentials).
	Withheld []string
}

// Curl returns a curl command reproducing the request; secrets are
// redacted unless showSecrets.
func (s Sent) Curl(showSecrets bool) string { return curlCommand(s, showSecrets) }

// Result is everything one probe run observed.
type Result struct {
	Exchange *evidence.Exchange
	// Sent lists every request in the order sent, probes included.
	Sent []Sent
	// Total is the wall time of Probe; Network the sum of the HTTP round
	// trips (measured with Options.Now). Total-Network is corsdoctor's own
	// time.
	Total, Network time.Duration
}

// Probe runs the browser's request for req (body is the request body
// bytes) against the live server and returns the evaluated exchange with
// its extra probes. A network error ends up in Exchange.Err, never as a
// panic or a returned error.
func (p *Prober) Probe(ctx context.Context, req cors.Request, body []byte) *Result {
	start := time.Now()
	res := &Result{}
	// Each response carries its URL as Source; the exchange needs none.
	ex := &evidence.Exchange{Request: req}
	res.Exchange = ex
	run := p.run(ctx, req, body, evidence.PurposeRequest)
	ex.Hops, ex.Result, ex.Err = run.hops, run.result, run.err
	res.Sent = append(res.Sent, run.sent...)
	res.Network += run.network

	if ex.Err == "" && !p.opt.NoExtra && ex.Result.Stage != cors.StageRequest {
		for _, pr := range p.extraProbes(ctx, req, body, ex) {
			res.Sent = append(res.Sent, pr.sent...)
			res.Network += pr.network
			ex.Probes = append(ex.Probes, pr.probe)
		}
	}
	if ex.Err == "" && ex.Result.Stage != cors.StageRequest {
		for i := 0; i < p.opt.Repeat; i++ {
			r := p.run(ctx, req, body, evidence.PurposeRepeat)
			res.Sent = append(res.Sent, r.sent...)
			res.Network += r.network
			ex.Probes = append(ex.Probes, r.asProbe(evidence.PurposeRepeat, req))
		}
	}
	res.Total = time.Since(start)
	return res
}

type run struct {
	hops    []evidence.Hop
	result  cors.Result
	err     string
	sent    []Sent
	network time.Duration
	// withheld says which hops went without the user's credentials.
	withheld []cors.Warning
}

func (r run) asProbe(purpose evidence.Purpose, req cors.Request) evidence.Probe {
	var d time.Duration
	for _, h := range r.hops {
		if h.Preflight != nil {
			d += h.Preflight.Duration
		}
		if h.Response != nil {
			d += h.Response.Duration
		}
	}
	return evidence.Probe{Purpose: purpose, Request: req, Hops: r.hops, Result: r.result, Err: r.err, Duration: d}
}

type extra struct {
	probe   evidence.Probe
	sent    []Sent
	network time.Duration
}

// extraProbes sends the diagnosis probes: a sibling path that does not
// exist, the request without credentials, and the forced actual request.
func (p *Prober) extraProbes(ctx context.Context, req cors.Request, body []byte, ex *evidence.Exchange) []extra {
	var out []extra
	if sib := siblingURL(req.URL); sib != "" {
		r2 := req
		r2.URL = sib
		r := p.run(ctx, r2, body, evidence.PurposeErrorPath)
		out = append(out, extra{r.asProbe(evidence.PurposeErrorPath, r2), r.sent, r.network})
	}
	if hasCredentialHeader(req.Headers) {
		r2 := req
		r2.Headers = withoutCredentialHeaders(req.Headers)
		r := p.withoutCookie().run(ctx, r2, body, evidence.PurposeNoAuth)
		out = append(out, extra{r.asProbe(evidence.PurposeNoAuth, r2), r.sent, r.network})
	}
	if p.opt.ForceActual && ex.Result.Stage == cors.StagePreflight {
		r := p.forceActual(ctx, req, body)
		out = append(out, extra{r.asProbe(evidence.PurposeForceActual, req), r.sent, r.network})
	}
	return out
}

func (p *Prober) withoutCookie() *Prober {
	cp := *p
	cp.opt.Cookie = ""
	return &cp
}

// run drives cors.Fetch: preflight when needed, the actual request,
// redirects, until the engine's verdict is final.
func (p *Prober) run(ctx context.Context, req cors.Request, body []byte, purpose evidence.Purpose) run {
	var (
		f   cors.Fetch
		out run
	)
	f.Start(&req)
	origMethod := cors.NormalizeMethod(req.Method)
	for hopN := 0; !f.Done(); hopN++ {
		u := f.URL()
		hop := evidence.Hop{URL: u}
		if f.NeedsPreflight() {
			h := p.browserHeaders(u, req.Origin)
			for _, ph := range f.PreflightHeaders() {
				h.Set(ph.Name, ph.Value)
			}
			resp, sent, err := p.send(ctx, purpose, http.MethodOptions, u, h, nil)
			sent.Hop = hopN
			out.sent = append(out.sent, sent)
			if err != nil {
				out.hops = append(out.hops, hop)
				out.fail(f.Result(), err, cors.StagePreflight, p.opt.Timeout)
				return out
			}
			out.network += resp.Duration
			hop.Preflight = resp
			f.ReceivePreflight(resp.CORS())
			if f.Done() {
				out.hops = append(out.hops, hop)
				break
			}
		}
		method := f.Method()
		h := p.actualHeaders(&req, &f, u)
		withheld := withholdCredentials(h, req.URL, u)
		if len(withheld) > 0 {
			out.withheld = append(out.withheld, evidence.CredentialsWithheld(withheld, req.URL, u, hopN))
		}
		var b []byte
		if method != "GET" && method != "HEAD" && (method == origMethod) {
			b = body
		}
		defaultContentType(h, b)
		resp, sent, err := p.send(ctx, purpose, method, u, h, b)
		sent.Hop, sent.Withheld = hopN, withheld
		out.sent = append(out.sent, sent)
		if err != nil {
			out.hops = append(out.hops, hop)
			out.fail(f.Result(), err, cors.StageActual, p.opt.Timeout)
			return out
		}
		out.network += resp.Duration
		hop.Response = resp
		out.hops = append(out.hops, hop)
		f.Receive(resp.CORS())
	}
	out.result = f.Result()
	out.result.Warnings = append(out.result.Warnings, out.withheld...)
	return out
}

// withholdCredentials removes from h, the headers of a request to u, the
// credentials the user gave for the URL given (the Cookie, and every
// header the redaction policy calls secret: API keys, tokens) when u is
// on another host, or downgrades https to http. A browser's cookie jar
// is per host (RFC 6265 § 5.4: host-only cookies match the host exactly,
// whatever the port), and a token given for one API is not for the host
// a redirect names, however the server answered: a hostile or
// compromised server could collect it. It returns the names removed,
// sorted. (Authorization is also dropped by the engine itself on every
// cross-origin redirect, as Fetch § 4.4 HTTP-redirect fetch step 13 says.)
func withholdCredentials(h http.Header, given, u string) []string {
	if evidence.CredentialHost(given, u) {
		return nil
	}
	var names []string
	for k := range h {
		if redact.IsSecretHeader(k) {
			names = append(names, k)
			delete(h, k)
		}
	}
	sort.Strings(names)
	return names
}

func (r *run) fail(res cors.Result, err error, stage cors.Stage, timeout time.Duration) {
	ne := DescribeError(err, timeout)
	res.Warnings = append(res.Warnings, r.withheld...)
	res.Allowed = false
	res.Incomplete = ""
	res.Stage = stage
	res.NetError = ne.Code
	r.result = res
	r.err = ne.Message
}

// forceActual sends the actual request as if the preflight had passed.
func (p *Prober) forceActual(ctx context.Context, req cors.Request, body []byte) run {
	var out run
	var f cors.Fetch
	f.Start(&req)
	u := f.URL()
	h := p.actualHeaders(&req, &f, u)
	var b []byte
	if m := f.Method(); m != "GET" && m != "HEAD" {
		b = body
	}
	defaultContentType(h, b)
	resp, sent, err := p.send(ctx, "force-actual", f.Method(), u, h, b)
	out.sent = append(out.sent, sent)
	if err != nil {
		out.hops = []evidence.Hop{{URL: u}}
		out.fail(cors.Evaluate(&req), err, cors.StageActual, p.opt.Timeout)
		return out
	}
	out.network = resp.Duration
	out.hops = []evidence.Hop{{URL: u, Response: resp}}
	out.result = cors.Evaluate(&req, cors.Hop{Response: resp.CORS()})
	return out
}

// browserHeaders are the headers Chromium adds to every request it sends
// for a page at origin (the page's origin, even after a redirect made the
// Origin header "null"): User-Agent, Accept-Language, Sec-Fetch-*,
// Referer (strict-origin-when-cross-origin: the origin only, nothing on
// an https to http downgrade) and, on https, the default client hints.
func (p *Prober) browserHeaders(target, origin string) http.Header {
	h := http.Header{}
	h.Set("User-Agent", p.opt.UserAgent)
	h.Set("Accept-Language", acceptLanguage)
	h.Set("Sec-Fetch-Mode", "cors")
	h.Set("Sec-Fetch-Site", fetchSite(target, origin))
	h.Set("Sec-Fetch-Dest", "empty")
	secure := strings.HasPrefix(strings.ToLower(target), "https:")
	if origin != cors.Null && origin != "" && !(strings.HasPrefix(origin, "https:") && !secure) {
		h.Set("Referer", origin+"/")
	}
	if secure {
		h.Set("Sec-Ch-Ua", secCHUA)
		h.Set("Sec-Ch-Ua-Mobile", secCHUAMobile)
		h.Set("Sec-Ch-Ua-Platform", secCHUAPlatform)
	}
	return h
}

// actualHeaders are the headers of the actual request: browser headers,
// the page's headers (as the engine kept them), Origin when fetch() sends
// one, Accept */* unless the page set it, and the cookie for credentialed
// requests.
func (p *Prober) actualHeaders(req *cors.Request, f *cors.Fetch, u string) http.Header {
	h := p.browserHeaders(u, req.Origin)
	h.Set("Accept", "*/*")
	for _, ah := range f.Headers() {
		if strings.EqualFold(ah.Name, "Accept") {
			h.Set("Accept", ah.Value)
			continue
		}
		h.Add(ah.Name, ah.Value)
	}
	m := f.Method()
	if f.Plan().CrossOrigin || (m != "GET" && m != "HEAD") {
		h.Set("Origin", f.OriginHeader())
	}
	if p.opt.Cookie != "" {
		creds := req.Credentials
		if creds == "" {
			creds = cors.CredentialsSameOrigin
		}
		if creds == cors.CredentialsInclude || (creds == cors.CredentialsSameOrigin && !f.Plan().CrossOrigin) {
			h.Set("Cookie", p.opt.Cookie)
		}
	}
	return h
}

// defaultContentType sets the Content-Type fetch() gives a string body
// when the page set none (Fetch § extract a body: text/plain;charset=UTF-8,
// a CORS-safelisted value, so the preflight decision does not change).
func defaultContentType(h http.Header, body []byte) {
	if len(body) > 0 && h.Get("Content-Type") == "" {
		h.Set("Content-Type", "text/plain;charset=UTF-8")
	}
}

// send performs one HTTP request and reads at most MaxBody of the body.
func (p *Prober) send(ctx context.Context, purpose evidence.Purpose, method, u string, h http.Header, body []byte) (*evidence.Response, Sent, error) {
	sent := Sent{Purpose: string(purpose), Method: method, URL: u, Header: h, Body: body}
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	hreq, err := http.NewRequestWithContext(ctx, method, u, rd)
	if err != nil {
		sent.Err = err.Error()
		return nil, sent, err
	}
	hreq.Header = h.Clone()
	var remote string
	trace := &httptrace.ClientTrace{GotConn: func(ci httptrace.GotConnInfo) {
		if ci.Conn != nil {
			remote = ci.Conn.RemoteAddr().String()
		}
	}}
	hreq = hreq.WithContext(httptrace.WithClientTrace(hreq.Context(), trace))
	t0 := p.opt.Now()
	hr, err := p.client.Do(hreq)
	if err != nil {
		sent.Err = DescribeError(err, p.opt.Timeout).Message
		return nil, sent, err
	}
	b, rerr := io.ReadAll(io.LimitReader(hr.Body, MaxBody))
	hr.Body.Close()
	if rerr != nil && !errors.Is(rerr, io.ErrUnexpectedEOF) {
		// A body cut short still leaves a usable status and headers.
		b = append(b, []byte("\n[corsdoctor: body read failed: "+rerr.Error()+"]")...)
	}
	proto := hr.Proto
	if hr.ProtoMajor == 2 {
		proto = "HTTP/2"
	}
	text := ""
	if _, after, ok := strings.Cut(hr.Status, " "); ok {
		text = after
	}
	resp := &evidence.Response{
		URL: u, Proto: proto, Status: hr.StatusCode, StatusText: text, Header: hr.Header,
		Body: b, Duration: p.opt.Now().Sub(t0), Source: evidence.Source{URL: u}, RemoteAddr: remote,
	}
	sent.Status = hr.StatusCode
	return resp, sent, nil
}

// fetchSite computes Sec-Fetch-Site: same-origin, same-site (same scheme
// and registrable domain, approximated by the last two host labels) or
// cross-site.
func fetchSite(target, origin string) string {
	if origin == "" || origin == cors.Null {
		return "cross-site"
	}
	if cors.SameOrigin(target, origin) {
		return "same-origin"
	}
	tu, err1 := url.Parse(target)
	ou, err2 := url.Parse(origin)
	if err1 != nil || err2 != nil || !strings.EqualFold(tu.Scheme, ou.Scheme) {
		return "cross-site"
	}
	th, oh := strings.ToLower(tu.Hostname()), strings.ToLower(ou.Hostname())
	if net.ParseIP(th) != nil || net.ParseIP(oh) != nil {
		if th == oh {
			return "same-site"
		}
		return "cross-site"
	}
	if site(th) == site(oh) {
		return "same-site"
	}
	return "cross-site"
}

func site(host string) string {
	labels := strings.Split(strings.TrimSuffix(host, "."), ".")
	if len(labels) <= 2 {
		return strings.Join(labels, ".")
	}
	return strings.Join(labels[len(labels)-2:], ".")
}

// siblingURL returns a URL next to u that should not exist, to see the
// server's error response.
func siblingURL(u string) string {
	pu, err := url.Parse(u)
	if err != nil || pu.Host == "" {
		return ""
	}
	const missing = "corsdoctor-missing-7f3a"
	path := pu.Path
	switch i := strings.LastIndexByte(path, '/'); {
	case i < 0:
		path = "/" + missing
	default:
		path = path[:i+1] + missing
	}
	pu.Path, pu.RawPath, pu.RawQuery, pu.Fragment = path, "", "", ""
	return pu.String()
}

// Credential headers are those the redaction policy calls secret:
// Authorization, API keys, tokens (redact.IsSecretHeader).
func hasCredentialHeader(hs []cors.Header) bool {
	for _, h := range hs {
		if redact.IsSecretHeader(h.Name) {
			return true
		}
	}
	return false
}

func withoutCredentialHeaders(hs []cors.Header) []cors.Header {
	var out []cors.Header
	for _, h := range hs {
		if !redact.IsSecretHeader(h.Name) {
			out = append(out, h)
		}
	}
	return out
}
