package cors

import (
	"strconv"
	"strings"
)

// Credentials is a request's credentials mode (Fetch § credentials mode).
type Credentials string

// Credentials modes. fetch() defaults to same-origin; XMLHttpRequest is
// same-origin unless withCredentials is true, which means include.
const (
	CredentialsOmit       Credentials = "omit"
	CredentialsSameOrigin Credentials = "same-origin"
	CredentialsInclude    Credentials = "include"
)

// Mode is a request's mode.
type Mode string

// Request modes a page can choose.
const (
	ModeCORS       Mode = "cors"
	ModeNoCORS     Mode = "no-cors"
	ModeSameOrigin Mode = "same-origin"
)

// Body describes the request body as far as CORS cares.
type Body string

// Body kinds. A string, URLSearchParams, FormData, Blob or BufferSource body
// is BodySimple; only a ReadableStream body forces a preflight.
const (
	BodyNone   Body = "none"
	BodySimple Body = "simple"
	BodyStream Body = "stream"
)

// Initiator is the API that made the request; it changes the console text.
type Initiator string

// Initiators.
const (
	InitiatorFetch Initiator = "fetch"
	InitiatorXHR   Initiator = "xhr"
)

// Header is one author request header, in the order the page set it.
type Header struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

// Request is what a page asks the browser to fetch.
type Request struct {
	// Origin is the page's serialized origin ("https://app.example.com"),
	// or "null" for an opaque origin. See ParseOrigin.
	Origin string
	// URL is the absolute URL passed to fetch() or xhr.open().
	URL string
	// Method as the page wrote it; the engine normalizes it.
	Method string
	// Headers set by the page, in order. Forbidden headers are dropped by
	// the browser and reported as warnings.
	Headers []Header
	// Credentials defaults to same-origin.
	Credentials Credentials
	// Mode defaults to cors.
	Mode Mode
	// Body defaults to BodyNone.
	Body Body
	// UploadListeners is true when an XMLHttpRequest has listeners on
	// xhr.upload when send() is called.
	UploadListeners bool
	// Initiator defaults to fetch.
	Initiator Initiator
	// TargetAddressSpace is fetch()'s targetAddressSpace option (Local
	// Network Access): "local" or "loopback" declares a private network
	// request, which mixed content does not block (the user's permission
	// decides). Empty: not declared.
	TargetAddressSpace AddressSpace
	// Engine is the browser engine whose decisions and console texts
	// apply; the zero value is Chromium.
	Engine Engine
}

func (r *Request) credentials() Credentials {
	if r.Credentials == "" {
		return CredentialsSameOrigin
	}
	return r.Credentials
}

func (r *Request) mode() Mode {
	if r.Mode == "" {
		return ModeCORS
	}
	return r.Mode
}

func (r *Request) initiator() Initiator {
	if r.Initiator == "" {
		return InitiatorFetch
	}
	return r.Initiator
}

// Plan is the browser's decision about one request before anything is
// sent: whether it is cross-origin and whether, and with which headers, a
// preflight goes first.
type Plan struct {
	// CrossOrigin is true when CORS checks apply.
	CrossOrigin bool `json:"cross_origin"`
	// Required is true when an OPTIONS preflight is sent first.
	Required bool `json:"required"`
	// Method is the normalized method: the Access-Control-Request-Method
	// value when a preflight is sent.
	Method string `json:"method"`
	// RequestHeaders is the Access-Control-Request-Headers value Chromium
	// sends: the CORS-unsafe header names lower-cased, sorted,
	// de-duplicated and joined by "," without spaces. Empty when none.
	RequestHeaders string `json:"request_headers,omitempty"`

	forced       ReasonCode
	methodUnsafe bool
	totalSize    int
}

// UnsafeHeaders returns the names in RequestHeaders.
func (p Plan) UnsafeHeaders() []string {
	if p.RequestHeaders == "" {
		return nil
	}
	return strings.Split(p.RequestHeaders, ",")
}

// Reasons explains, in order, why a preflight is required. It is empty
// when none is.
func (p Plan) Reasons(req *Request) []Reason {
	if !p.Required {
		return nil
	}
	var rs []Reason
	if p.forced != ReasonNone {
		rs = append(rs, Reason{Code: p.forced})
	}
	if p.methodUnsafe {
		rs = append(rs, Reason{Code: ReasonMethod, Value: p.Method})
	}
	seen := map[string]bool{}
	for _, h := range combineFor(req, req.Headers) {
		name := strings.ToLower(h.Name)
		if seen[name] || IsForbiddenRequestHeader(h.Name, h.Value) || !listContains(p.RequestHeaders, name) {
			continue
		}
		seen[name] = true
		v := trimHTTPSpace(h.Value)
		code := safelistCheckFor(req.Engine, h.Name, v)
		if code == ReasonNone {
			code = ReasonTotalSize
			v = strconv.Itoa(p.totalSize)
		}
		rs = append(rs, Reason{Code: code, Header: h.Name, Value: v})
	}
	return rs
}

// maxStackHeaders bounds the header indexes sorted on the stack; longer
// lists fall back to the heap.
const maxStackHeaders = 32

// PlanRequest decides whether req needs a preflight and computes the
// Access-Control-Request-* values, following Fetch § main fetch step 5 and
// Chromium's NeedsPreflight (cors_url_loader.cc) and
// CorsUnsafeNotForbiddenRequestHeaderNames (cors_util.cc). It allocates at
// most once (the Access-Control-Request-Headers string).
func PlanRequest(req *Request) Plan {
	p := Plan{Method: NormalizeMethod(req.Method)}
	if p.Method == "" {
		p.Method = "GET"
	}
	p.CrossOrigin = !SameOrigin(req.URL, req.Origin)
	if !p.CrossOrigin || req.mode() != ModeCORS {
		return p
	}
	return planCrossOrigin(req, p.Method, req.Headers, false)
}

// planCrossOrigin plans a cross-origin cors-mode hop. filtered says the
// forbidden headers were already dropped (Fetch.Start, redirects).
func planCrossOrigin(req *Request, method string, headers []Header, filtered bool) Plan {
	p := Plan{CrossOrigin: true, Method: method}
	switch {
	case req.Body == BodyStream:
		p.forced = ReasonStreamBody
	case req.UploadListeners && req.Engine != Chromium:
		// XHR § send(): listeners on xhr.upload set the upload listener
		// flag whatever the body. Firefox passes it as forcePreflight
		// (XMLHttpRequestMainThread.cpp: SetCorsPreflightInfo(...,
		// mFlagHadUploadListenersOnSend)); observed in Firefox 153.8 and
		// WebKitGTK 2.50.6: a GET with xhr.upload listeners is preflighted.
		p.forced = ReasonUploadListeners
	case req.UploadListeners && req.Body != "" && req.Body != BodyNone && method != "GET" && method != "HEAD":
		// Chromium counts upload listeners only when send() has a body
		// (xml_http_request.cc: "if (http_body && upload_)"); XHR drops
		// the body of GET and HEAD. Observed in Chromium 156: a GET with
		// xhr.upload listeners sends no preflight.
		p.forced = ReasonUploadListeners
	}
	p.methodUnsafe = !IsSafelistedMethod(method)

	headers = combineFor(req, headers)
	var stack [maxStackHeaders]int
	unsafe := stack[:0]
	var potential [maxStackHeaders]int
	pot := potential[:0]
	for i, h := range headers {
		v := trimHTTPSpace(h.Value)
		if !filtered && IsForbiddenRequestHeader(h.Name, v) {
			continue // dropped by the browser
		}
		if safelistCheckFor(req.Engine, h.Name, v) != ReasonNone {
			unsafe = append(unsafe, i)
		} else {
			pot = append(pot, i)
			p.totalSize += len(v)
		}
	}
	// Fetch § CORS-unsafe request-header names step 3: more than 1024 bytes
	// of safelisted values makes all of them unsafe. Firefox has no such
	// total (InternalHeaders::GetUnsafeHeaders checks each value alone;
	// observed in Firefox ESR 153.8: Accept set 9 times with 120 bytes
	// each is not preflighted).
	if p.totalSize > 1024 && req.Engine != Firefox {
		unsafe = append(unsafe, pot...)
	}
	if len(unsafe) > 0 {
		// Firefox lists a header name once per header set, so X-A and x-a
		// give "x-a,x-a" (nsCORSListenerProxy::StartCORSPreflight sorts
		// the unsafe names without removing duplicates; observed in
		// Firefox 153.8).
		p.RequestHeaders = joinSortedLower(headers, unsafe, !keepsDuplicates(req))
	}
	p.Required = p.forced != ReasonNone || p.methodUnsafe || p.RequestHeaders != ""
	return p
}

// keepsDuplicates reports whether the engine keeps a header set several
// times as several headers for the CORS checks: Firefox's fetch() does
// (InternalHeaders keeps one entry per append, and GetUnsafeHeaders checks
// and lists each); Chromium, WebKit and Firefox's XMLHttpRequest
// (setRequestHeader combines) check one header with the values combined.
func keepsDuplicates(req *Request) bool {
	return req.Engine == Firefox && req.initiator() == InitiatorFetch
}

// combineFor returns headers with the values of a name set several times
// combined, in order, by ", " into the first one (Fetch § combine; Blink
// sends one header line, observed in Chromium 156 and WebKitGTK 2.50.6),
// unless the engine keeps them apart (keepsDuplicates). It allocates only
// when a name repeats.
func combineFor(req *Request, headers []Header) []Header {
	if keepsDuplicates(req) {
		return headers
	}
	dup := false
	for i := 1; i < len(headers) && !dup; i++ {
		for j := 0; j < i; j++ {
			if equalFold(headers[i].Name, headers[j].Name) {
				dup = true
				break
			}
		}
	}
	if !dup {
		return headers
	}
	out := make([]Header, 0, len(headers))
next:
	for _, h := range headers {
		for k := range out {
			if equalFold(out[k].Name, h.Name) {
				out[k].Value = trimHTTPSpace(out[k].Value) + ", " + trimHTTPSpace(h.Value)
				continue next
			}
		}
		out = append(out, h)
	}
	return out
}

// joinSortedLower builds the Access-Control-Request-Headers value: the
// names at idx, lower-cased, sorted, de-duplicated when dedupe is set,
// joined by "," (preflight_controller.cc
// CreateAccessControlRequestHeadersHeader).
func joinSortedLower(headers []Header, idx []int, dedupe bool) string {
	// Insertion sort: header lists are short.
	for i := 1; i < len(idx); i++ {
		for j := i; j > 0 && compareFold(headers[idx[j]].Name, headers[idx[j-1]].Name) < 0; j-- {
			idx[j], idx[j-1] = idx[j-1], idx[j]
		}
	}
	// Lower-case into a stack buffer; string() then makes the one
	// allocation (lists over 256 bytes take a second one).
	var stack [256]byte
	b := stack[:0]
	for i, k := range idx {
		if dedupe && i > 0 && equalFold(headers[k].Name, headers[idx[i-1]].Name) {
			continue
		}
		if len(b) > 0 {
			b = append(b, ',')
		}
		name := headers[k].Name
		for j := 0; j < len(name); j++ {
			b = append(b, lowerASCII(name[j]))
		}
	}
	return string(b)
}
