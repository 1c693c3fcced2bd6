// Package redact removes secrets from anything corsdoctor prints:
// Authorization, Cookie, Set-Cookie, X-Api-Key, X-Amz-Security-Token,
// Proxy-Authorization and AWS credentials. Redaction runs before any
// presenter; --show-secrets turns it off.
package redact

import (
	"net/http"
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

// IsSecretHeader reports whether the header's value is redacted.
func IsSecretHeader(name string) bool { return secretHeaders[strings.ToLower(name)] }

// Value redacts one header value when the header is secret. For
// Authorization the scheme is kept ("Bearer [redacted]") since it helps
// diagnosis and is not secret.
func Value(name, v string) string {
	if !IsSecretHeader(name) {
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

// Header returns a copy of h with secret values redacted.
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
)

// triggers are substrings (lower case) without which no pattern of Text
// can match; checking them first skips the regular expressions for the
// vast majority of texts (HAR reports call Text for every finding).
var triggers = []string{"authorization", "cookie", "x-api-key", "x-amz-security-token", "bearer", "basic", "akia", "asia", "secret", "session"}

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
// headers, AWS keys, bearer tokens.
func Text(s string) string {
	if !mayHoldSecret(s) {
		return s
	}
	s = headerRe.ReplaceAllStringFunc(s, func(m string) string {
		sub := headerRe.FindStringSubmatch(m)
		return sub[1] + sub[2] + Value(sub[1], sub[3])
	})
	s = bearerRe.ReplaceAllString(s, "$1 "+Mask)
	s = awsKeyRe.ReplaceAllString(s, Mask)
	s = awsSecretRe.ReplaceAllString(s, "$1$2"+Mask)
	return s
}
