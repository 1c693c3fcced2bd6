package cors

import (
	"fmt"
	"net"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Null is the serialization of an opaque origin (sandboxed iframes, file:
// and data: documents) and of a redirect-tainted request origin.
const Null = "null"

// urlParts is a zero-allocation split of an absolute URL into the pieces
// the engine compares. All fields are substrings of the input.
type urlParts struct {
	scheme   string
	userinfo string
	hasUser  bool
	host     string // without brackets for IPv6
	port     string // empty when absent
	rest     string // path, query and fragment
}

// splitURL splits an absolute hierarchical URL ("scheme://authority/rest").
// It does not validate hosts; ok is false when the URL has no scheme or no
// "//" authority.
func splitURL(s string) (p urlParts, ok bool) {
	i := strings.IndexByte(s, ':')
	if i <= 0 || !isSchemeStart(s[0]) {
		return p, false
	}
	for j := 1; j < i; j++ {
		if !isSchemeChar(s[j]) {
			return p, false
		}
	}
	p.scheme = s[:i]
	s = s[i+1:]
	if !strings.HasPrefix(s, "//") {
		return p, false
	}
	s = s[2:]
	// One pass over the authority: its end, the last '@' and the last ':'.
	auth := s
	at, colon := -1, -1
	for j := 0; j < len(s); j++ {
		c := s[j]
		if c == '/' || c == '?' || c == '#' {
			auth, p.rest = s[:j], s[j:]
			break
		}
		if c == '@' {
			at = j
		} else if c == ':' {
			colon = j
		}
	}
	if at >= 0 {
		p.userinfo, p.hasUser = auth[:at], true
		auth = auth[at+1:]
		colon -= at + 1 // negative when the last ':' was in the userinfo
	}
	if strings.HasPrefix(auth, "[") {
		rb := strings.IndexByte(auth, ']')
		if rb < 0 {
			return p, false
		}
		p.host = auth[1:rb]
		auth = auth[rb+1:]
		if auth != "" {
			if auth[0] != ':' {
				return p, false
			}
			p.port = auth[1:]
		}
	} else if colon >= 0 {
		p.host, p.port = auth[:colon], auth[colon+1:]
	} else {
		p.host = auth
	}
	return p, true
}

func isSchemeStart(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }
func isSchemeChar(c byte) bool {
	return isSchemeStart(c) || c >= '0' && c <= '9' || c == '+' || c == '-' || c == '.'
}

// defaultPort returns the default port of a special scheme, or "".
func defaultPort(scheme string) string {
	switch {
	case equalFold(scheme, "http"), equalFold(scheme, "ws"):
		return "80"
	case equalFold(scheme, "https"), equalFold(scheme, "wss"):
		return "443"
	case equalFold(scheme, "ftp"):
		return "21"
	}
	return ""
}

func effectivePort(scheme, port string) string {
	if port == "" {
		return defaultPort(scheme)
	}
	// "080" and "80" are the same port.
	for len(port) > 1 && port[0] == '0' {
		port = port[1:]
	}
	return port
}

// isHTTPScheme reports whether scheme is http or https (any case).
func isHTTPScheme(scheme string) bool {
	return equalFold(scheme, "http") || equalFold(scheme, "https")
}

// SameOrigin reports whether the URL is same origin with the serialized
// origin. An opaque origin ("null") is same origin with nothing.
func SameOrigin(rawURL, origin string) bool {
	if origin == Null {
		return false
	}
	u, ok := splitURL(rawURL)
	if !ok {
		return false
	}
	o, ok := splitURL(origin)
	if !ok {
		return false
	}
	return sameParts(u, o)
}

func sameParts(a, b urlParts) bool {
	return equalFold(a.scheme, b.scheme) && equalFold(a.host, b.host) &&
		effectivePort(a.scheme, a.port) == effectivePort(b.scheme, b.port)
}

// sameOriginURLs reports whether two absolute URLs share an origin.
func sameOriginURLs(a, b string) bool {
	pa, ok1 := splitURL(a)
	pb, ok2 := splitURL(b)
	return ok1 && ok2 && sameParts(pa, pb)
}

// ParseOrigin checks that s is an origin as a browser serializes it in the
// Origin header ("scheme://host[:port]", or "null") and returns its
// canonical serialization. Inputs a browser could never send (a path, a
// trailing slash, upper case, an explicit default port) are rejected with
// the serialization they most likely meant in Suggest.
func ParseOrigin(s string) (string, error) {
	if s == Null {
		return Null, nil
	}
	if s == "" {
		return "", &OriginError{Input: s, Reason: OriginEmpty}
	}
	p, ok := splitURL(s)
	if !ok {
		// Fetch § origin-or-null: %s"null" is case-sensitive.
		if equalFold(s, Null) {
			return "", &OriginError{Input: s, Reason: OriginNullCase, Suggest: Null}
		}
		var sug string
		if !strings.Contains(s, "://") && !strings.ContainsAny(s, " /") {
			// Suggest only a serialization that is itself valid.
			sug, _ = ParseOrigin("https://" + strings.ToLower(s))
		}
		return "", &OriginError{Input: s, Reason: OriginNoScheme, Suggest: sug}
	}
	canon, err := serializeParts(p)
	if err != nil {
		pe := err.(*partError)
		return "", &OriginError{Input: s, Reason: pe.reason, Part: pe.part}
	}
	switch {
	case p.hasUser:
		return "", &OriginError{Input: s, Reason: OriginUserInfo, Suggest: canon}
	case p.rest == "/":
		return "", &OriginError{Input: s, Reason: OriginTrailingSlash, Suggest: canon}
	case p.rest != "":
		return "", &OriginError{Input: s, Reason: OriginPath, Suggest: canon}
	case canon != s:
		return "", &OriginError{Input: s, Reason: OriginNotSerialized, Suggest: canon}
	}
	return canon, nil
}

// OriginOf returns the serialized origin of an absolute URL, as the
// browser would put it in an Origin header for a page at that URL.
// Non-http(s) URLs (file:, data:, about:) have an opaque origin, "null".
func OriginOf(rawURL string) (string, error) {
	p, ok := splitURL(rawURL)
	if !ok {
		if i := strings.IndexByte(rawURL, ':'); i > 0 {
			return Null, nil // data:, about:, blob: without authority
		}
		return "", fmt.Errorf("invalid URL %q: not absolute", rawURL)
	}
	switch strings.ToLower(p.scheme) {
	case "http", "https", "ws", "wss", "ftp":
	default:
		return Null, nil
	}
	return serializeParts(p)
}

func serializeParts(p urlParts) (string, error) {
	scheme := strings.ToLower(p.scheme)
	host := strings.ToLower(p.host)
	if host == "" {
		return "", &partError{reason: OriginNoHost}
	}
	if strings.ContainsAny(host, " \t\r\n#/:<>?@[\\]^|%") && net.ParseIP(host) == nil {
		return "", &partError{reason: OriginBadHost, part: p.host}
	}
	if ip := net.ParseIP(host); ip != nil && strings.Contains(host, ":") {
		host = "[" + ip.String() + "]"
	}
	port := p.port
	if port != "" {
		n, err := strconv.Atoi(port)
		if err != nil || n < 0 || n > 65535 {
			return "", &partError{reason: OriginBadPort, part: p.port}
		}
		port = strconv.Itoa(n)
		if port == defaultPort(scheme) {
			port = ""
		}
	}
	if port != "" {
		return scheme + "://" + host + ":" + port, nil
	}
	return scheme + "://" + host, nil
}

// hasForbiddenHostByte reports whether host holds a forbidden domain code
// point of the URL standard: C0 controls, space, DEL and
// "#%/:<>?@[\]^|". Observed in Chromium 156: a DEL at the end of
// Access-Control-Allow-Origin makes it InvalidAllowOriginValue.
func hasForbiddenHostByte(host string) bool {
	for i := 0; i < len(host); i++ {
		c := host[i]
		if c <= 0x20 || c == 0x7f || strings.IndexByte("#%/:<>?@[\\]^|", c) >= 0 {
			return true
		}
	}
	return false
}

// isPotentiallyTrustworthyHost reports whether a host is a loopback name or
// address, which browsers treat as secure contexts even over http.
func isPotentiallyTrustworthyHost(host string) bool {
	h := strings.ToLower(host)
	if h == "localhost" || strings.HasSuffix(h, ".localhost") {
		return true
	}
	if ip := net.ParseIP(h); ip != nil {
		return ip.IsLoopback()
	}
	return false
}

// validAllowOriginURL approximates GURL::is_valid for an
// Access-Control-Allow-Origin value, the test Chromium uses to tell
// InvalidAllowOriginValue from AllowOriginMismatch (cors.cc CheckAccess).
// A value needs a scheme; special schemes need a non-empty host without
// forbidden host code points and a valid port.
// Divergence: GURL's full canonicalizer (IDNA, percent-decoding, IPv4
// number forms) is not reproduced; the edge cases it adds only change the
// error name between two mismatch errors, never the verdict.
func validAllowOriginURL(v string) bool {
	// The URL parser strips leading and trailing C0 controls and spaces
	// and removes every tab and newline before parsing (URL standard,
	// basic URL parser; GURL alike). Observed in Chromium 156:
	// "http://app\texample.test" is a valid URL (AllowOriginMismatch).
	v = strings.TrimFunc(v, func(r rune) bool { return r <= 0x20 })
	if strings.ContainsAny(v, "\t\n\r") {
		v = strings.NewReplacer("\t", "", "\n", "", "\r", "").Replace(v)
	}
	i := strings.IndexByte(v, ':')
	if i <= 0 || !isSchemeStart(v[0]) {
		return false
	}
	for j := 1; j < i; j++ {
		if !isSchemeChar(v[j]) {
			return false
		}
	}
	if defaultPort(v[:i]) == "" && !equalFold(v[:i], "file") {
		return true // non-special schemes ("foo:bar", "localhost:3000") parse
	}
	p, ok := splitURL(v)
	if !ok {
		// "https:example.com" is accepted by GURL for special schemes.
		rest := strings.TrimLeft(v[i+1:], "/\\")
		if strings.HasPrefix(rest, "[") {
			// An IPv6 literal without its "]" (or with junk after it) is
			// an invalid host: GURL is invalid, Chromium reports
			// InvalidAllowOriginValue (observed in Chromium 156 for
			// "http://[bad"; collect/browser differential test).
			rb := strings.IndexByte(rest, ']')
			if rb < 0 || net.ParseIP(rest[1:rb]) == nil {
				return false
			}
			after := rest[rb+1:]
			return after == "" || strings.ContainsRune(":/?#", rune(after[0]))
		}
		return rest != "" && !equalFold(v[:i], "file")
	}
	if p.host == "" {
		return equalFold(p.scheme, "file")
	}
	if hasForbiddenHostByte(p.host) && net.ParseIP(p.host) == nil {
		return false
	}
	// GURL reads the header as UTF-8: a byte sequence that is not (a
	// Latin-1 "\xe9") makes the host invalid. Observed in Chromium 156:
	// "http://app.example.t\xe9st" is InvalidAllowOriginValue, while the
	// UTF-8 "t\u00e9st" is a valid (IDNA) host and a mismatch.
	if !utf8.ValidString(p.host) {
		return false
	}
	if p.port != "" {
		n, err := strconv.Atoi(p.port)
		if err != nil || n < 0 || n > 65535 {
			return false
		}
	}
	return true
}
