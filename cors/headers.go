package cors

import (
	"net/http"
	"strings"
)

// Header names, defined once. The abbreviations used in comments and
// messages throughout corsdoctor are:
//
//	ACAO  Access-Control-Allow-Origin
//	ACAC  Access-Control-Allow-Credentials
//	ACAM  Access-Control-Allow-Methods
//	ACAH  Access-Control-Allow-Headers
//	ACMA  Access-Control-Max-Age
//	ACEH  Access-Control-Expose-Headers
//	ACRM  Access-Control-Request-Method
//	ACRH  Access-Control-Request-Headers
//	ACAPN Access-Control-Allow-Private-Network
const (
	HeaderAllowOrigin           = "Access-Control-Allow-Origin"
	HeaderAllowCredentials      = "Access-Control-Allow-Credentials"
	HeaderAllowMethods          = "Access-Control-Allow-Methods"
	HeaderAllowHeaders          = "Access-Control-Allow-Headers"
	HeaderMaxAge                = "Access-Control-Max-Age"
	HeaderExposeHeaders         = "Access-Control-Expose-Headers"
	HeaderRequestMethod         = "Access-Control-Request-Method"
	HeaderRequestHeaders        = "Access-Control-Request-Headers"
	HeaderAllowPrivateNetwork   = "Access-Control-Allow-Private-Network"
	HeaderRequestPrivateNetwork = "Access-Control-Request-Private-Network"
	HeaderOrigin                = "Origin"
	HeaderVary                  = "Vary"
	HeaderLocation              = "Location"
)

// IsCORSHeader reports whether name (any case) is one of the
// Access-Control-* response or request headers, or Origin or Vary.
func IsCORSHeader(name string) bool {
	return hasPrefixFold(name, "access-control-") || equalFold(name, "origin") || equalFold(name, "vary")
}

// get returns the value of the named header as Chromium's
// HttpResponseHeaders::GetNormalizedHeader does: all lines of that name
// joined with ", ", surrounding HTTP whitespace trimmed. ok is false when
// the header is absent. name must be in canonical form.
//
// Precondition: h was built with canonical keys (net/http, textproto and
// evidence.ParseResponse all do this).
func get(h http.Header, name string) (v string, ok bool) {
	vs, ok := h[name]
	if !ok || len(vs) == 0 {
		return "", false
	}
	if len(vs) == 1 {
		return trimHTTPSpace(vs[0]), true
	}
	var b strings.Builder
	for i, s := range vs {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(trimHTTPSpace(s))
	}
	return b.String(), true
}

// count returns the number of header lines of that name. Firefox
// distinguishes two ACAO lines from one line holding two values.
func count(h http.Header, name string) int { return len(h[name]) }

// trimHTTPSpace strips leading and trailing HTTP whitespace (HTAB, SP, CR,
// LF), as the Fetch standard's "normalize" does.
func trimHTTPSpace(s string) string {
	i, j := 0, len(s)
	for i < j && isHTTPSpace(s[i]) {
		i++
	}
	for j > i && isHTTPSpace(s[j-1]) {
		j--
	}
	return s[i:j]
}

func isHTTPSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\r' || c == '\n' }

// isTokenChar reports whether c is an RFC 9110 tchar.
func isTokenChar(c byte) bool { return tchar[c] }

// tchar is the RFC 9110 tchar set as a table (the hot path checks every
// byte of every ACAM/ACAH item).
var tchar = func() (t [256]bool) {
	for c := 0; c < 256; c++ {
		t[c] = c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' ||
			strings.IndexByte("!#$%&'*+-.^_`|~", byte(c)) >= 0
	}
	return t
}()

// IsToken reports whether s is a non-empty RFC 9110 token (the grammar of
// methods and header names).
func IsToken(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !isTokenChar(s[i]) {
			return false
		}
	}
	return true
}

// listIter walks a comma-separated header list value the way Chromium's
// net::HttpUtil::ValuesIterator does: items are split on ',', surrounding
// whitespace is trimmed and empty items are skipped. It never allocates.
type listIter struct {
	s   string
	pos int
	cur string
}

func (it *listIter) next() bool {
	s := it.s
	i := it.pos
	// Skip separators and the whitespace before an item: empty and
	// whitespace-only items are skipped.
	for i < len(s) && (s[i] == ',' || isHTTPSpace(s[i])) {
		i++
	}
	if i >= len(s) {
		it.pos = len(s)
		return false
	}
	j := i
	for j < len(s) && s[j] != ',' {
		j++
	}
	it.pos = j
	for j > i && isHTTPSpace(s[j-1]) {
		j--
	}
	it.cur = s[i:j]
	return true
}

// ParseList splits a comma-separated header value into its items as
// Chromium does (trimmed, empty items skipped). It returns the first item
// that is not a token as bad, with ok false.
func ParseList(v string) (items []string, bad string, ok bool) {
	it := listIter{s: v}
	for it.next() {
		if !IsToken(it.cur) {
			return items, it.cur, false
		}
		items = append(items, it.cur)
	}
	return items, "", true
}

// firstNonToken returns the first item of the list that is not a token.
func firstNonToken(v string) (string, bool) {
	it := listIter{s: v}
	for it.next() {
		if !IsToken(it.cur) {
			return it.cur, true
		}
	}
	return "", false
}

// listContains reports whether the list holds want exactly (byte for byte).
func listContains(v, want string) bool {
	it := listIter{s: v}
	for it.next() {
		if it.cur == want {
			return true
		}
	}
	return false
}

// listContainsFold reports whether the list holds want, ASCII case-insensitively.
func listContainsFold(v, want string) bool {
	it := listIter{s: v}
	for it.next() {
		if equalFold(it.cur, want) {
			return true
		}
	}
	return false
}

// equalFold is ASCII case-insensitive equality, as Chromium's
// base::EqualsCaseInsensitiveASCII. Unlike strings.EqualFold it never
// folds non-ASCII runes (U+212A KELVIN SIGN is not "k"), and it checks
// the lengths first, which keeps the name lists of the hot path cheap.
func equalFold(a, b string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := 0; i < len(a); i++ {
		if a[i] != b[i] && lowerASCII(a[i]) != lowerASCII(b[i]) {
			return false
		}
	}
	return true
}

// lowerInto writes the ASCII lower-case form of s into buf, for a
// switch on a header name without allocating; ok is false when s does
// not fit.
func lowerInto(buf []byte, s string) (b []byte, ok bool) {
	if len(s) > len(buf) {
		return nil, false
	}
	for i := 0; i < len(s); i++ {
		buf[i] = lowerASCII(s[i])
	}
	return buf[:len(s)], true
}

func hasPrefixFold(s, prefix string) bool {
	return len(s) >= len(prefix) && equalFold(s[:len(prefix)], prefix)
}

func lowerASCII(c byte) byte {
	if c >= 'A' && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}

// compareFold compares a and b as their ASCII lower-cased forms would compare.
func compareFold(a, b string) int {
	n := min(len(a), len(b))
	for i := 0; i < n; i++ {
		ca, cb := lowerASCII(a[i]), lowerASCII(b[i])
		if ca != cb {
			if ca < cb {
				return -1
			}
			return 1
		}
	}
	switch {
	case len(a) < len(b):
		return -1
	case len(a) > len(b):
		return 1
	}
	return 0
}
