package cors

import (
	"fmt"
	"strings"
)

// IsSafelistedMethod reports whether m is a CORS-safelisted method (GET,
// HEAD, POST), byte for byte as the Fetch standard says (§ methods). Methods
// reach the engine normalized, so "get" has already become "GET".
func IsSafelistedMethod(m string) bool { return m == "GET" || m == "HEAD" || m == "POST" }

// NormalizeMethod upper-cases exactly DELETE, GET, HEAD, OPTIONS, POST and
// PUT when they match case-insensitively (Fetch "normalize a method"; Blink
// FetchUtils::NormalizeMethod). Every other method, "patch" included, is
// sent as written.
func NormalizeMethod(m string) string {
	for _, n := range [...]string{"DELETE", "GET", "HEAD", "OPTIONS", "POST", "PUT"} {
		if m != n && equalFold(m, n) {
			return n
		}
	}
	return m
}

// IsForbiddenMethod reports whether m is CONNECT, TRACE or TRACK in any
// case: fetch() and XMLHttpRequest throw before any request is made.
func IsForbiddenMethod(m string) bool {
	return equalFold(m, "CONNECT") || equalFold(m, "TRACE") || equalFold(m, "TRACK")
}

// IsForbiddenRequestHeader reports whether a page may not set the header
// (Fetch § forbidden request-header, plus Chromium's User-Agent and
// Access-Control-Request-Private-Network): fetch() and XMLHttpRequest drop
// it silently. The X-HTTP-Method family is forbidden only when a value
// names a forbidden method.
func IsForbiddenRequestHeader(name, value string) bool {
	if hasPrefixFold(name, "proxy-") || hasPrefixFold(name, "sec-") {
		return true
	}
	switch len(name) { // the lengths of the names below
	case 2, 3, 4, 6, 7, 10, 13, 14, 15, 17, 22, 29, 30, 38:
	default:
		return false
	}
	var buf [len("access-control-request-private-network")]byte
	lower, ok := lowerInto(buf[:], name)
	if !ok {
		return false // longer than every forbidden name
	}
	switch string(lower) {
	case "accept-charset", "accept-encoding", "access-control-request-headers",
		"access-control-request-method", "access-control-request-private-network",
		"connection", "content-length", "cookie",
		"cookie2", "date", "dnt", "expect", "host", "keep-alive", "origin", "referer",
		"set-cookie", "te", "trailer", "transfer-encoding", "upgrade", "user-agent", "via":
		// net::HttpUtil's kForbiddenHeaderFields (net/http/http_util.cc),
		// which Blink's cors::IsForbiddenRequestHeader uses. Divergence
		// from Fetch: Chromium still forbids user-agent (crbug.com/571722)
		// and access-control-request-private-network.
		return true
	case "x-http-method", "x-http-method-override", "x-method-override":
		it := listIter{s: value}
		for it.next() {
			if IsForbiddenMethod(it.cur) {
				return true
			}
		}
	}
	return false
}

// ReasonCode classifies why a request needs a preflight.
type ReasonCode uint8

// The reasons a preflight is required, in plain words by Reason.String.
const (
	ReasonNone                ReasonCode = iota
	ReasonMethod                         // method is not GET, HEAD or POST
	ReasonHeaderName                     // header is not CORS-safelisted at all
	ReasonValueTooLong                   // safelisted name, value over 128 bytes
	ReasonUnsafeByte                     // Accept/Content-Type value holds a CORS-unsafe byte
	ReasonLanguageValue                  // Accept-Language/Content-Language byte outside the allowed set
	ReasonContentType                    // Content-Type essence is not one of the three
	ReasonRange                          // Range is not a single bytes=N- or bytes=N-M
	ReasonClientHintValue                // Chromium client hint with a malformed value
	ReasonTotalSize                      // safelisted values add up to more than 1024 bytes
	ReasonStreamBody                     // fetch() body is a ReadableStream
	ReasonUploadListeners                // XMLHttpRequest has xhr.upload listeners
	ReasonRedirectPreflighted            // Firefox, WebKit: a redirected hop of a preflighted request
)

// Reason is one cause of a preflight, with the header and value involved.
type Reason struct {
	Code   ReasonCode `json:"-"`
	Header string     `json:"header,omitempty"`
	Value  string     `json:"value,omitempty"`
}

// String explains the reason in plain words.
func (r Reason) String() string {
	switch r.Code {
	case ReasonMethod:
		return fmt.Sprintf("method %s is not a CORS-safelisted method (GET, HEAD, POST)", r.Value)
	case ReasonHeaderName:
		return fmt.Sprintf("header %s is not a CORS-safelisted request header", r.Header)
	case ReasonValueTooLong:
		return fmt.Sprintf("header %s has a value of %d bytes; safelisted values are at most 128 bytes", r.Header, len(r.Value))
	case ReasonUnsafeByte:
		return fmt.Sprintf("header %s value %q contains a CORS-unsafe byte (one of \"():<>?@[\\]{}, DEL or a control character)", r.Header, r.Value)
	case ReasonLanguageValue:
		return fmt.Sprintf("header %s value %q contains a byte other than letters, digits, space and *,-.;=", r.Header, r.Value)
	case ReasonContentType:
		return fmt.Sprintf("Content-Type %q is not application/x-www-form-urlencoded, multipart/form-data or text/plain", r.Value)
	case ReasonRange:
		return fmt.Sprintf("Range %q is not a single bytes=N- or bytes=N-M range", r.Value)
	case ReasonClientHintValue:
		return fmt.Sprintf("client hint %s has a malformed value %q", r.Header, r.Value)
	case ReasonTotalSize:
		return fmt.Sprintf("safelisted header values add up to %s bytes, more than the 1024 allowed, so header %s needs a preflight", r.Value, r.Header)
	case ReasonStreamBody:
		return "the request body is a ReadableStream, which always needs a preflight"
	case ReasonUploadListeners:
		return "XMLHttpRequest has event listeners on xhr.upload, which always needs a preflight"
	case ReasonRedirectPreflighted:
		return "the request was preflighted before this redirect, and Firefox and Safari preflight every redirected hop of such a request"
	}
	return ""
}

// MarshalText lets a Reason appear in JSON as its plain-words string.
func (r Reason) MarshalText() ([]byte, error) { return []byte(r.String()), nil }

// safelistCheck is safelistCheckFor(Chromium, ...).
func safelistCheck(name, value string) ReasonCode { return safelistCheckFor(Chromium, name, value) }

// safelistCheckFor is the CORS-safelisted request-header check of engine
// e, returning why not. Chromium: IsCorsSafelistedHeader
// (services/network/public/cpp/cors/cors.cc). Divergence from Fetch:
// Chromium also safelists "intervention" and the client hints
// device-memory, dpr, width, viewport-width, rtt, downlink, ect and
// save-data (WPT cors/client-hint-request-headers.htm); Firefox and
// WebKit do not (WebKit HTTPParsers.cpp isCrossOriginSafeRequestHeader:
// "FIXME: Should we also make safe other headers (DPR, Downlink,
// Save-Data...)?"; observed in Firefox 153.8 and WebKitGTK 2.50.6: a DPR
// header is preflighted). Firefox also counts every byte >= 0x80 of an
// Accept or Content-Type value as a CORS-unsafe byte
// (nsContentUtils::IsCorsUnsafeRequestHeaderValue compares a signed
// char against 0x20; observed in Firefox 153.8: Accept: text/é is
// preflighted, in Chromium and WebKit it is not).
func safelistCheckFor(e Engine, name, value string) ReasonCode {
	if len(value) > 128 {
		if isSafelistedNameFor(e, name) {
			return ReasonValueTooLong
		}
		return ReasonHeaderName
	}
	switch {
	case equalFold(name, "accept"):
		if hasUnsafeByte(value) || e == Firefox && hasHighByte(value) {
			return ReasonUnsafeByte
		}
	case equalFold(name, "accept-language"), equalFold(name, "content-language"):
		for i := 0; i < len(value); i++ {
			c := value[i]
			if !(c >= '0' && c <= '9' || c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' ||
				c == ' ' || c == '*' || c == ',' || c == '-' || c == '.' || c == ';' || c == '=') {
				return ReasonLanguageValue
			}
		}
	case equalFold(name, "content-type"):
		if hasUnsafeByte(value) || e == Firefox && hasHighByte(value) {
			return ReasonUnsafeByte
		}
		if !safelistedContentType(value) {
			return ReasonContentType
		}
	case equalFold(name, "range"):
		if !simpleRange(value) {
			return ReasonRange
		}
	case e != Chromium:
		return ReasonHeaderName // the client hints below are Chromium's only
	case equalFold(name, "intervention"):
	case equalFold(name, "device-memory"), equalFold(name, "dpr"), equalFold(name, "downlink"):
		if !doubleABNF(value) {
			return ReasonClientHintValue
		}
	case equalFold(name, "width"), equalFold(name, "viewport-width"), equalFold(name, "rtt"):
		if !intABNF(value) {
			return ReasonClientHintValue
		}
	case equalFold(name, "ect"):
		switch value {
		case "slow-2g", "2g", "3g", "4g":
		default:
			return ReasonClientHintValue
		}
	case equalFold(name, "save-data"):
		if !equalFold(value, "on") {
			return ReasonClientHintValue
		}
	default:
		return ReasonHeaderName
	}
	return ReasonNone
}

func isSafelistedNameFor(e Engine, name string) bool {
	names := [...]string{"accept", "accept-language", "content-language", "content-type", "range",
		"intervention", "device-memory", "dpr", "downlink", "width", "viewport-width", "rtt", "ect", "save-data"}
	n := len(names)
	if e != Chromium {
		n = 5 // the Fetch standard's five
	}
	for _, s := range names[:n] {
		if equalFold(name, s) {
			return true
		}
	}
	return false
}

// hasHighByte reports whether v holds a byte outside ASCII.
func hasHighByte(v string) bool {
	for i := 0; i < len(v); i++ {
		if v[i] >= 0x80 {
			return true
		}
	}
	return false
}

// IsSafelistedRequestHeader reports whether a (name, value) pair may be
// sent cross-origin without a preflight in Chromium, ignoring the
// 1024-byte total limit that applies to a whole header list.
func IsSafelistedRequestHeader(name, value string) bool {
	return safelistCheck(name, value) == ReasonNone
}

// IsSafelistedRequestHeaderFor is IsSafelistedRequestHeader for engine e.
func IsSafelistedRequestHeaderFor(e Engine, name, value string) bool {
	return safelistCheckFor(e, name, value) == ReasonNone
}

// hasUnsafeByte reports whether v contains a CORS-unsafe request-header
// byte (Fetch § CORS-unsafe request-header byte).
func hasUnsafeByte(v string) bool {
	for i := 0; i < len(v); i++ {
		if corsUnsafeByte[v[i]] {
			return true
		}
	}
	return false
}

// corsUnsafeByte is the CORS-unsafe request-header byte set as a table.
var corsUnsafeByte = func() (t [256]bool) {
	for c := 0; c < 256; c++ {
		t[c] = c < 0x20 && c != '\t' || c == 0x7f || strings.IndexByte(`"():<>?@[\]{}`, byte(c)) >= 0
	}
	return t
}()

// safelistedContentType follows Chromium's
// IsCorsSafelistedLowerCaseContentType: the media type before the first
// ';' must be a token "/" token whose lower-cased form is one of the three
// safelisted essences (net::ExtractMimeTypeFromMediaType without commas).
func safelistedContentType(v string) bool {
	if i := strings.IndexByte(v, ';'); i >= 0 {
		v = v[:i]
	}
	v = trimHTTPSpace(v)
	slash := strings.IndexByte(v, '/')
	if slash <= 0 || !IsToken(v[:slash]) || !IsToken(v[slash+1:]) {
		return false
	}
	return equalFold(v, "application/x-www-form-urlencoded") ||
		equalFold(v, "multipart/form-data") || equalFold(v, "text/plain")
}

// simpleRange accepts exactly "bytes=N-" and "bytes=N-M" with N <= M, no
// whitespace and no comma (Fetch § simple range header value; Chromium
// rejects LWS and ',' then needs one non-suffix range). "bytes" is
// case-sensitive, as in Fetch § parse a single range header value, and a
// position must be below the int64 maximum. Both observed in Chromium
// 156.0.8078.79 (corsdoctor browser, collect/browser): "BYTES=0-1" and
// "bytes=9223372036854775807-" are preflighted, "bytes=9223372036854775806-"
// is not; WPT cors/cors-safelisted-request-header.any.js expects a
// preflight for 61-digit positions.
func simpleRange(v string) bool {
	if !strings.HasPrefix(v, "bytes=") {
		return false
	}
	v = v[len("bytes="):]
	dash := strings.IndexByte(v, '-')
	if dash <= 0 {
		return false // no dash, or a suffix range "bytes=-500"
	}
	start, end := v[:dash], v[dash+1:]
	if !int64ABNF(start) || (end != "" && !int64ABNF(end)) {
		return false
	}
	if end == "" {
		return true
	}
	return cmpDecimal(start, end) <= 0
}

// cmpDecimal compares two digit strings numerically without overflow.
func cmpDecimal(a, b string) int {
	a = strings.TrimLeft(a, "0")
	b = strings.TrimLeft(b, "0")
	if len(a) != len(b) {
		if len(a) < len(b) {
			return -1
		}
		return 1
	}
	return strings.Compare(a, b)
}

// int64ABNF reports whether v is 1*DIGIT with a value below the int64
// maximum (Chromium accepts 2^63-2 and refuses 2^63-1, see simpleRange).
func int64ABNF(v string) bool {
	if !intABNF(v) {
		return false
	}
	v = strings.TrimLeft(v, "0")
	const maxInt64 = "9223372036854775807"
	return len(v) < len(maxInt64) || len(v) == len(maxInt64) && v < maxInt64
}

func intABNF(v string) bool {
	if v == "" {
		return false
	}
	for i := 0; i < len(v); i++ {
		if v[i] < '0' || v[i] > '9' {
			return false
		}
	}
	return true
}

func doubleABNF(v string) bool {
	if v == "" || v[0] < '0' || v[0] > '9' {
		return false
	}
	intPart, frac, dot := strings.Cut(v, ".")
	if !intABNF(intPart) {
		return false
	}
	return !dot || intABNF(frac)
}
