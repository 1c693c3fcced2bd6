// Package evidence holds what collectors observed: the requests a page
// makes, the responses it got, and where each came from (a file and line,
// a URL, a HAR entry). Rules read evidence; they never do I/O.
package evidence

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/corsdoctor/corsdoctor/cors"
)

// Source says where a piece of evidence came from.
type Source struct {
	File   string `json:"file,omitempty"`
	Line   int    `json:"line,omitempty"`
	Column int    `json:"column,omitempty"`
	URL    string `json:"url,omitempty"`
	// Entry is a 1-based HAR entry or log record number, 0 when unused.
	Entry int `json:"entry,omitempty"`
}

// String renders the location compiler-style: file:line:col, or the URL.
func (s Source) String() string {
	switch {
	case s.File != "" && s.Line > 0 && s.Column > 0:
		return fmt.Sprintf("%s:%d:%d", s.File, s.Line, s.Column)
	case s.File != "" && s.Line > 0:
		return fmt.Sprintf("%s:%d", s.File, s.Line)
	case s.File != "" && s.Entry > 0:
		return fmt.Sprintf("%s#%d", s.File, s.Entry)
	case s.File != "":
		return s.File
	}
	return s.URL
}

// Response is one HTTP response with what a report needs to show it.
type Response struct {
	URL        string        `json:"url,omitempty"`
	Proto      string        `json:"proto,omitempty"`
	Status     int           `json:"status"`
	StatusText string        `json:"status_text,omitempty"`
	Header     http.Header   `json:"headers"`
	Body       []byte        `json:"-"`
	Duration   time.Duration `json:"-"`
	Source     Source        `json:"-"`
	// RemoteAddr is the IP:port the response came from (live probes only).
	RemoteAddr string `json:"-"`
}

// CORS returns the response as the engine sees it.
func (r *Response) CORS() *cors.Response {
	if r == nil {
		return nil
	}
	return &cors.Response{URL: r.URL, Status: r.Status, Header: r.Header}
}

// StatusLine renders "HTTP/1.1 404 Not Found".
func (r *Response) StatusLine() string {
	proto := r.Proto
	if proto == "" {
		proto = "HTTP/1.1"
	}
	text := r.StatusText
	if text == "" {
		text = http.StatusText(r.Status)
	}
	if text == "" {
		return fmt.Sprintf("%s %d", proto, r.Status)
	}
	return fmt.Sprintf("%s %d %s", proto, r.Status, text)
}

// Hop is one URL of the journey: the preflight sent to it and the
// response of the actual request.
type Hop struct {
	URL       string    `json:"url"`
	Preflight *Response `json:"preflight,omitempty"`
	Response  *Response `json:"response,omitempty"`
}

// Probe is an extra request a collector sent to gather evidence (an error
// path, the request without Authorization, a repeat), with its verdict.
type Probe struct {
	// Purpose says why the probe was sent (PurposeRepeat, a scan kind's
	// ScanKind.Purpose, ...).
	Purpose  Purpose       `json:"purpose"`
	Request  cors.Request  `json:"-"`
	Hops     []Hop         `json:"hops"`
	Result   cors.Result   `json:"-"`
	Err      string        `json:"error,omitempty"`
	Duration time.Duration `json:"-"`
	// Sent is the request as it went on the wire (request line, then
	// header lines), when the collector records it (scan).
	Sent []string `json:"sent,omitempty"`
}

// Exchange is one cross-origin request a page makes and everything
// observed about it.
type Exchange struct {
	Request cors.Request
	Hops    []Hop
	// Result is the engine's verdict on Hops (see Evaluate).
	Result cors.Result
	// Engines are the other browser engines' verdicts, when asked for
	// (see EvaluateEngines).
	Engines []EngineResult
	Source  Source
	// Expose lists response headers the user asked whether the page can read.
	Expose []string
	// Platform is the detected or user-given server platform (see diag).
	Platform string
	// Detection is what Identify recognised (nil before Identify).
	Detection *Detection
	// Probes are extra requests sent for diagnosis.
	Probes []Probe
	// Err is set when the exchange could not be observed (network error).
	Err string
	// Recorded holds what a browser recording (HAR) adds; nil otherwise.
	Recorded *Recorded
}

// Evaluate runs the engine over the hops and stores the verdict.
func (ex *Exchange) Evaluate() {
	ex.Result = cors.Evaluate(&ex.Request, CORSHops(ex.Hops)...)
}

// CORSHops converts hops for the engine.
func CORSHops(hs []Hop) []cors.Hop {
	out := make([]cors.Hop, len(hs))
	for i, h := range hs {
		out[i] = cors.Hop{Preflight: h.Preflight.CORS(), Response: h.Response.CORS()}
	}
	return out
}

// Preflight returns the first preflight response, or nil.
func (ex *Exchange) Preflight() *Response {
	for _, h := range ex.Hops {
		if h.Preflight != nil {
			return h.Preflight
		}
	}
	return nil
}

// Final returns the last actual response, or nil.
func (ex *Exchange) Final() *Response {
	for i := len(ex.Hops) - 1; i >= 0; i-- {
		if ex.Hops[i].Response != nil {
			return ex.Hops[i].Response
		}
	}
	return nil
}

// MaxHeaderBytes bounds the response headers a collector accepts from a
// live server (check and scan alike): more is an error, not evidence.
// Chromium's own limit is 256 KiB too (net::ERR_RESPONSE_HEADERS_TOO_BIG,
// net/http/http_stream_parser.cc kMaxHeaderBufSize).
const MaxHeaderBytes = 256 << 10

// WarnCredentialsWithheld is the warning of a collector that sent a
// request without the credentials the user gave (Cookie, API keys,
// tokens), because a redirect led to another host than the one they were
// given for.
const WarnCredentialsWithheld cors.WarningCode = "CredentialsWithheldOnRedirect"

// CredentialsWithheld is the WarnCredentialsWithheld warning for the
// request to u, hop n of a redirect chain started at given.
func CredentialsWithheld(names []string, given, u string, hop int) cors.Warning {
	host := given
	if pu, err := url.Parse(given); err == nil && pu.Host != "" {
		host = pu.Hostname()
	}
	return cors.Warning{Code: WarnCredentialsWithheld, Message: fmt.Sprintf(
		"%s not sent to %s (after redirect %d): corsdoctor sends the credentials you give only to %s, the host you gave them for, never to another host or over http; the response of this hop is what the server answers without them",
		strings.Join(names, ", "), u, hop, host)}
}

// CredentialHost reports whether credentials the user gave for the URL
// given (a Cookie, API keys, tokens) may go to u: the same host name
// (case-insensitive; ports are not compared, as cookie jars do not: RFC
// 6265 § 5.4 host-only cookies) and not from https down to http. The
// prober and the browser run follow it on every redirect hop.
func CredentialHost(given, u string) bool {
	gu, err1 := url.Parse(given)
	uu, err2 := url.Parse(u)
	if err1 != nil || err2 != nil {
		return false
	}
	if !strings.EqualFold(gu.Hostname(), uu.Hostname()) {
		return false
	}
	return !(strings.EqualFold(gu.Scheme, "https") && !strings.EqualFold(uu.Scheme, "https"))
}
