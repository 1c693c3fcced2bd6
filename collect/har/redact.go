package har

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/url"
	"strings"

	"github.com/corsdoctor/corsdoctor/internal/redact"
)

// Redacted replaces every removed value.
const Redacted = "REDACTED"

// Redact copies a HAR from r to w with secrets removed, one entry at a
// time: secret headers (Authorization, Cookie, Set-Cookie, API keys and
// any header whose name says token, secret, session, auth, key,
// password, csrf or signature), cookie values, query-string values (in
// URLs, queryString, Referer and Location), request bodies, response
// bodies and WebSocket messages. Header names, statuses, CORS headers and
// timings stay, so the copy can still be diagnosed. A truncated input
// yields a valid HAR of the entries read and the *TruncatedError.
func Redact(w io.Writer, r io.Reader, name string) error {
	bw := bufio.NewWriterSize(w, 64<<10)
	cr := &counting{r: r}
	dec := json.NewDecoder(newBound(cr))
	dec.UseNumber()
	entry := 0
	var trunc error
	fail := func(err error) error {
		if errors.Is(err, io.EOF) {
			err = io.ErrUnexpectedEOF
		}
		off := dec.InputOffset()
		if errors.Is(err, io.ErrUnexpectedEOF) {
			off = cr.n
		}
		return &TruncatedError{File: name, Offset: off, Entry: entry, Err: err}
	}
	if err := expectDelim(dec, '{'); err != nil {
		return fmt.Errorf("%s: not a HAR file (want a JSON object): %w", name, err)
	}
	bw.WriteString("{\n")
	first := true
	for dec.More() {
		key, err := dec.Token()
		if err != nil {
			trunc = fail(err)
			break
		}
		k, _ := key.(string)
		if !first {
			bw.WriteString(",\n")
		}
		first = false
		writeKey(bw, "  ", k)
		if k != "log" {
			var v any
			if err := dec.Decode(&v); err != nil {
				bw.WriteString("null")
				trunc = fail(err)
				break
			}
			writeValue(bw, scrub(v, ""))
			continue
		}
		if err := expectDelim(dec, '{'); err != nil {
			return fmt.Errorf("%s: \"log\" is not an object: %w", name, err)
		}
		bw.WriteString("{\n")
		firstLog := true
		for dec.More() {
			lk, err := dec.Token()
			if err != nil {
				trunc = fail(err)
				break
			}
			s, _ := lk.(string)
			if !firstLog {
				bw.WriteString(",\n")
			}
			firstLog = false
			writeKey(bw, "    ", s)
			if s != "entries" {
				var v any
				if err := dec.Decode(&v); err != nil {
					bw.WriteString("null")
					trunc = fail(err)
					break
				}
				writeValue(bw, scrub(v, s))
				continue
			}
			if err := expectDelim(dec, '['); err != nil {
				bw.WriteString("[]")
				trunc = fail(err)
				break
			}
			bw.WriteString("[")
			for dec.More() {
				entry++
				var v any
				if err := dec.Decode(&v); err != nil {
					trunc = fail(err)
					break
				}
				if entry > 1 {
					bw.WriteString(",")
				}
				bw.WriteString("\n      ")
				writeValue(bw, scrub(v, "entry"))
			}
			bw.WriteString("\n    ]")
			if trunc != nil {
				break
			}
			if _, err := dec.Token(); err != nil {
				trunc = fail(err)
				break
			}
		}
		bw.WriteString("\n  }")
		if trunc != nil {
			break
		}
		if _, err := dec.Token(); err != nil {
			trunc = fail(err)
			break
		}
	}
	bw.WriteString("\n}\n")
	if err := bw.Flush(); err != nil {
		return err
	}
	return trunc
}

func writeKey(w *bufio.Writer, indent, k string) {
	b, _ := json.Marshal(k)
	w.WriteString(indent)
	w.Write(b)
	w.WriteString(": ")
}

func writeValue(w *bufio.Writer, v any) {
	var sb strings.Builder
	enc := json.NewEncoder(&sb)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		w.WriteString("null")
		return
	}
	w.WriteString(strings.TrimSuffix(sb.String(), "\n"))
}

// secretName reports whether a header (or cookie, parameter) name
// suggests a secret value: corsdoctor's one policy (internal/redact).
func secretName(name string) bool { return redact.IsSecretHeader(name) }

// scrub removes secrets from a decoded HAR value; ctx is the key it sits
// under.
func scrub(v any, ctx string) any {
	switch x := v.(type) {
	case map[string]any:
		for k, val := range x {
			switch k {
			case "headers":
				x[k] = scrubHeaders(val)
			case "cookies":
				x[k] = scrubPairs(val, true)
			case "queryString":
				x[k] = scrubPairs(val, true)
			case "postData":
				if m, ok := val.(map[string]any); ok {
					delete(m, "text")
					if ps, ok := m["params"]; ok {
						m["params"] = scrubPairs(ps, true)
					}
					m["comment"] = "body removed by corsdoctor har --redact"
				}
			case "content":
				if m, ok := val.(map[string]any); ok {
					if _, had := m["text"]; had {
						delete(m, "text")
						delete(m, "encoding")
						m["comment"] = "body removed by corsdoctor har --redact"
					}
				}
			case "_webSocketMessages":
				x[k] = []any{}
			case "url", "redirectURL":
				if s, ok := val.(string); ok {
					x[k] = redactURL(s)
				}
			case "title":
				if s, ok := val.(string); ok && strings.Contains(s, "://") {
					x[k] = redactURL(s)
				}
			default:
				x[k] = scrub(val, k)
			}
		}
		return x
	case []any:
		for i := range x {
			x[i] = scrub(x[i], ctx)
		}
		return x
	}
	return v
}

func scrubHeaders(v any) any {
	hs, ok := v.([]any)
	if !ok {
		return v
	}
	for _, h := range hs {
		m, ok := h.(map[string]any)
		if !ok {
			continue
		}
		name, _ := m["name"].(string)
		val, _ := m["value"].(string)
		switch ln := strings.ToLower(name); {
		case ln == "cookie" || ln == "set-cookie" || ln == "authorization" || ln == "proxy-authorization":
			m["value"] = strings.ReplaceAll(redact.Value(name, val), redact.Mask, Redacted)
		case strings.HasPrefix(ln, "access-control-"):
			// CORS headers name headers ("authorization"), never hold secrets.
		case secretName(name):
			m["value"] = Redacted
		case ln == "referer" || ln == "location" || ln == ":path" || ln == "content-location":
			m["value"] = redactURL(val)
		default:
			m["value"] = redact.Text(val)
		}
	}
	return hs
}

// scrubPairs redacts the values of name/value pairs (cookies, query
// parameters, form fields).
func scrubPairs(v any, all bool) any {
	ps, ok := v.([]any)
	if !ok {
		return v
	}
	for _, p := range ps {
		if m, ok := p.(map[string]any); ok {
			if _, has := m["value"]; has && (all || secretName(fmt.Sprint(m["name"]))) {
				m["value"] = Redacted
			}
		}
	}
	return ps
}

// redactURL keeps scheme, host, path and parameter names; values,
// userinfo and fragments are replaced.
func redactURL(s string) string {
	u, err := url.Parse(s)
	if err != nil {
		if i := strings.IndexAny(s, "?#"); i >= 0 {
			return s[:i] + "?" + Redacted
		}
		return s
	}
	if u.User != nil {
		u.User = url.User(Redacted)
	}
	if u.RawQuery != "" {
		parts := strings.Split(u.RawQuery, "&")
		for i, p := range parts {
			k, _, _ := strings.Cut(p, "=")
			parts[i] = k + "=" + Redacted
		}
		u.RawQuery = strings.Join(parts, "&")
	}
	if u.Fragment != "" {
		u.Fragment = Redacted
		u.RawFragment = ""
	}
	return u.String()
}
