// Package redact is corsdoctor's one redaction policy, for headers,
// URLs and free text (docs/redaction.md). Every presenter (text, JSON,
// SARIF, HTML, the serve pages, curl lines, HAR exports) prints what it
// returns unless --show-secrets:
//
//   - header values: Authorization and Proxy-Authorization (the scheme is
//     kept), Cookie and Set-Cookie (names and attributes kept), and every
//     header whose name says it carries a secret (IsSecretHeader: token,
//     secret, session, password, key, auth, signature, credential, jwt,
//     csrf), except the CORS headers, whose values are header names;
//   - URLs: the userinfo password (a bare userinfo entirely) and the
//     values of secret query and fragment parameters (IsSecretParam:
//     X-Amz-Signature, X-Amz-Security-Token, X-Amz-Credential,
//     access_token, id_token, code, api_key, apikey, key, sig, token,
//     password, ...), also inside Location, Referer and Content-Location;
//   - free text (Text): the same headers written "Name: value", bearer
//     and basic credentials, AWS access keys and secret keys, and URLs.
//
// Names, schemes, hosts, paths and parameter names stay: they are what a
// CORS diagnosis needs.
package redact

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
)

// Mask replaces a secret value.
const Mask = "[redacted]"

var secretHeaders = map[string]bool{
	"authorization":        true,
	"proxy-authorization":  true,
	"cookie":               true,
	"set-cookie":           true,
	"x-api-key":            true,
	"x-amz-security-token": true,
	"x-csrf-token":         true,
	"x-xsrf-token":         true,
}

// secretWords are name fragments (lower case) that make a header or
// parameter name secret.
var secretWords = []string{"token", "secret", "session", "password", "passwd", "apikey", "api-key", "api_key",
	"auth", "key", "signature", "credential", "jwt", "csrf", "xsrf", "cookie"}

// IsSecretHeader reports whether the header's value is redacted: the
// well-known credential headers and any header whose name contains one of
// token, secret, session, password, passwd, apikey, auth, key, signature,
// credential, jwt, csrf, xsrf or cookie (X-Auth-Token, X-Functions-Key,
// Ocp-Apim-Subscription-Key, X-Session-Id...). CORS headers
// (Access-Control-*), whose values are header names and origins, and the
// authentication challenges (WWW-Authenticate, Proxy-Authenticate) are
// never secret.
func IsSecretHeader(name string) bool {
	n := strings.ToLower(strings.TrimSpace(name))
	if secretHeaders[n] {
		return true
	}
	if strings.HasPrefix(n, "access-control-") || n == "www-authenticate" || n == "proxy-authenticate" ||
		strings.HasPrefix(n, "sec-fetch-") || strings.HasPrefix(n, "sec-ch-") {
		return false
	}
	for _, w := range secretWords {
		if strings.Contains(n, w) {
			return true
		}
	}
	return false
}

// secretParams are query parameter names (lower case) whose values are
// secrets, beyond those secretWords catch: OAuth codes, signatures.
var secretParams = map[string]bool{
	"code": true, "sig": true, "key": true, "pwd": true, "pass": true, "auth": true,
	"x-amz-signature": true, "x-amz-security-token": true, "x-amz-credential": true,
	"x-goog-signature": true, "x-goog-credential": true,
}

// IsSecretParam reports whether a query (or fragment) parameter's value
// is redacted: X-Amz-Signature, X-Amz-Security-Token, X-Amz-Credential,
// access_token, id_token, refresh_token, code, api_key, apikey, key, sig,
// signature, token, password, secret, session... (the words of
// IsSecretHeader, and the short names code, sig, key, pwd, pass, auth).
func IsSecretParam(name string) bool {
	n := strings.ToLower(name)
	if un, err := url.QueryUnescape(n); err == nil {
		n = un
	}
	if secretParams[n] {
		return true
	}
	for _, w := range []string{"token", "secret", "session", "password", "passwd", "apikey", "api-key", "api_key",
		"signature", "credential", "jwt", "csrf", "xsrf"} {
		if strings.Contains(n, w) {
			return true
		}
	}
	for _, sfx := range []string{"_key", "-key", ".key", "accesskey", "secretkey", "privatekey", "_sig", "-sig", "_auth"} {
		if strings.HasSuffix(n, sfx) {
			return true
		}
	}
	return false
}

// urlHeaders hold a URL as their value.
var urlHeaders = map[string]bool{"location": true, "content-location": true, "referer": true}

// URL redacts the secrets of a URL, as written (nothing is re-encoded):
// the password of the userinfo (a userinfo without password entirely:
// it is often a token), and the values of secret query and fragment
// parameters (IsSecretParam). Anything that is not a URL comes back
// unchanged.
func URL(s string) string { return redactURL(s, 0) }

// maxNested bounds how deep URLs carried in parameters are followed, so
// that a value nesting thousands of URLs costs linear time.
const maxNested = 3

func redactURL(s string, depth int) string {
	if !strings.ContainsAny(s, "?#@") {
		return s
	}
	rest := s
	var b strings.Builder
	// Authority: scheme://[userinfo@]host.
	if i := strings.Index(s, "://"); i > 0 && strings.IndexAny(s[:i], "/?#") < 0 {
		start := i + 3
		end := len(s)
		if j := strings.IndexAny(s[start:], "/?#"); j >= 0 {
			end = start + j
		}
		auth := s[start:end]
		if at := strings.LastIndexByte(auth, '@'); at >= 0 {
			ui := auth[:at]
			if user, _, ok := strings.Cut(ui, ":"); ok {
				ui = user + ":" + Mask
			} else {
				ui = Mask
			}
			b.WriteString(s[:start] + ui + auth[at:])
			rest = s[end:]
		} else {
			b.WriteString(s[:end])
			rest = s[end:]
		}
	}
	q := strings.IndexByte(rest, '?')
	f := strings.IndexByte(rest, '#')
	switch {
	case q >= 0 && (f < 0 || q < f):
		b.WriteString(rest[:q+1])
		rest = rest[q+1:]
		if f >= 0 {
			f -= q + 1
			b.WriteString(params(rest[:f], depth))
			b.WriteString("#" + params(rest[f+1:], depth))
		} else {
			b.WriteString(params(rest, depth))
		}
	case f >= 0:
		b.WriteString(rest[:f+1])
		b.WriteString(params(rest[f+1:], depth))
	default:
		b.WriteString(rest)
	}
	return b.String()
}

// params redacts the secret values of "a=1&b=2" (also ";"-separated).
func params(s string, depth int) string {
	if !strings.Contains(s, "=") {
		return s
	}
	var b strings.Builder
	for i, p := range strings.FieldsFunc(s, func(r rune) bool { return r == '&' }) {
		if i > 0 {
			b.WriteByte('&')
		}
		k, v, ok := strings.Cut(p, "=")
		if ok && IsSecretParam(k) {
			b.WriteString(k + "=" + Mask)
			continue
		}
		if ok {
			if nv := nestedURL(v, depth+1); nv != v {
				b.WriteString(k + "=" + nv)
				continue
			}
		}
		b.WriteString(p)
	}
	if strings.HasSuffix(s, "&") {
		b.WriteByte('&')
	}
	return b.String()
}

// nestedURL redacts a URL carried as a parameter's value (an image
// proxy's url=, a redirect's next=), written as is or percent-encoded;
// an encoded one is encoded again only when something was redacted.
func nestedURL(v string, depth int) string {
	if depth > maxNested {
		return v
	}
	if strings.Contains(v, "://") {
		return redactURL(v, depth)
	}
	if !strings.Contains(v, "%3A%2F%2F") && !strings.Contains(v, "%3a%2f%2f") {
		return v
	}
	d, err := url.QueryUnescape(v)
	if err != nil {
		return v
	}
	if r := redactURL(d, depth); r != d {
		return url.QueryEscape(r)
	}
	return v
}

// Value redacts one header value when the header is secret. For
// Authorization the scheme is kept ("Bearer [redacted]") since it helps
// diagnosis and is not secret.
func Value(name, v string) string {
	if !IsSecretHeader(name) {
		if urlHeaders[strings.ToLower(name)] {
			return URL(v)
		}
		return v
	}
	if strings.EqualFold(name, "authorization") || strings.EqualFold(name, "proxy-authorization") {
		if scheme, _, ok := strings.Cut(v, " "); ok && scheme != "" {
			return scheme + " " + Mask
		}
	}
	if strings.EqualFold(name, "cookie") || strings.EqualFold(name, "set-cookie") {
		// Keep cookie names (useful), drop values.
		// Set-Cookie attributes after the first pair (Path, Expires) are kept.
		parts := strings.Split(v, ";")
		for i, p := range parts {
			if !strings.EqualFold(name, "cookie") && i > 0 {
				continue
			}
			if k, _, ok := strings.Cut(p, "="); ok {
				parts[i] = k + "=" + Mask
			} else if strings.TrimSpace(p) != "" {
				parts[i] = Mask // a bare value is all secret
			}
		}
		return strings.Join(parts, ";")
	}
	return Mask
}

// Header returns a copy of h with secret values redacted (Value).
func Header(h http.Header) http.Header {
	if h == nil {
		return nil
	}
	out := make(http.Header, len(h))
	for k, vs := range h {
		cp := make([]string, len(vs))
		for i, v := range vs {
			cp[i] = Value(k, v)
		}
		out[k] = cp
	}
	return out
}

var (
	awsKeyRe    = regexp.MustCompile(`\b(AKIA|ASIA)[A-Z0-9]{16}\b`)
	awsSecretRe = regexp.MustCompile(`(?i)(aws_secret_access_key|secretaccesskey|aws_session_token|sessiontoken)(["']?\s*[:=]\s*["']?)[A-Za-z0-9/+=]{16,}`)
	bearerRe    = regexp.MustCompile(`(?i)\b(bearer|basic)\s+[A-Za-z0-9._~+/=-]{8,}`)
	headerRe    = regexp.MustCompile(`(?i)\b(set-cookie|authorization|proxy-authorization|cookie|x-api-key|x-amz-security-token)(\s*:\s*)([^\r\n'"]*)`)
	// otherHeaderRe finds "X-Auth-Token: value" and the like: a header
	// name holding a secret word, written as on the wire (no spaces).
	otherHeaderRe = regexp.MustCompile(`(?i)\b([a-z0-9][a-z0-9_-]*(?:token|secret|session|password|passwd|api-?key|signature|credential|jwt|csrf|xsrf)[a-z0-9_-]*)(:[ \t]*)([^\r\n'"]*)`)
	// requestLineRe finds the target of a request line: "GET /p?token=x HTTP/1.1".
	requestLineRe = regexp.MustCompile(`\b([A-Z]+ )(/[^\s'"]*)( HTTP/)`)
	urlRe         = regexp.MustCompile(`(?i)\b[a-z][a-z0-9+.-]*://[^\s'"<>\x60\\]+`)
)

// triggers are substrings (lower case) without which no pattern of Text
// can match; checking them first skips the regular expressions for the
// vast majority of texts (HAR reports call Text for every finding).
var triggers = []string{"authorization", "cookie", "x-api-key", "x-amz-security-token", "bearer", "basic", "akia", "asia", "secret", "session",
	"token", "passw", "key", "signature", "credential", "jwt", "csrf", "xsrf"}

// mayHoldURLSecret reports whether s has a URL that may carry a secret.
func mayHoldURLSecret(s string) bool {
	return strings.Contains(s, "://") && strings.ContainsAny(s, "?#@")
}

func mayHoldSecret(s string) bool {
	for _, t := range triggers {
		if containsFold(s, t) {
			return true
		}
	}
	return false
}

// containsFold reports whether s contains the lower-case ASCII word,
// ASCII case-insensitively, without allocating.
func containsFold(s, word string) bool {
	n := len(word)
	for i := 0; i+n <= len(s); i++ {
		j := 0
		for ; j < n; j++ {
			c := s[i+j]
			if c >= 'A' && c <= 'Z' {
				c += 'a' - 'A'
			}
			if c != word[j] {
				break
			}
		}
		if j == n {
			return true
		}
	}
	return false
}

// Text redacts secrets found in free text: curl command lines, pasted
// headers, AWS keys, bearer tokens, URLs.
func Text(s string) string {
	if mayHoldURLSecret(s) {
		s = urlRe.ReplaceAllStringFunc(s, URL)
	}
	if strings.Contains(s, " HTTP/") && strings.ContainsAny(s, "?#") {
		s = requestLineRe.ReplaceAllStringFunc(s, func(m string) string {
			sub := requestLineRe.FindStringSubmatch(m)
			return sub[1] + URL(sub[2]) + sub[3]
		})
	}
	if !mayHoldSecret(s) {
		return s
	}
	s = headerRe.ReplaceAllStringFunc(s, func(m string) string {
		sub := headerRe.FindStringSubmatch(m)
		return sub[1] + sub[2] + Value(sub[1], sub[3])
	})
	s = otherHeaderRe.ReplaceAllStringFunc(s, func(m string) string {
		sub := otherHeaderRe.FindStringSubmatch(m)
		if !IsSecretHeader(sub[1]) || sub[3] == Mask {
			return m
		}
		return sub[1] + sub[2] + Mask
	})
	s = bearerRe.ReplaceAllString(s, "$1 "+Mask)
	s = awsKeyRe.ReplaceAllString(s, Mask)
	s = awsSecretRe.ReplaceAllString(s, "$1$2"+Mask)
	return s
}
