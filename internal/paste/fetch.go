package paste

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/corsdoctor/corsdoctor/cors"
)

// jsValue is a JavaScript literal as far as a fetch() paste needs it.
type jsValue struct {
	kind byte // 's' string, 'n' number, 'b' boolean, 'z' null/undefined, 'o' object, 'a' array, 'x' expression
	str  string
	obj  []jsProp
	arr  []jsValue
}

type jsProp struct {
	key string
	val jsValue
}

// jsParser reads the literal subset of JavaScript that "Copy as fetch"
// writes (JSON.stringify output: double-quoted keys and strings), plus
// what people type by hand: single-quoted and template strings without
// substitutions, unquoted keys, trailing commas, comments, new Headers(...),
// JSON.stringify(literal). Anything else is kept as an expression whose
// value is unknown.
type jsParser struct {
	s     string
	i     int
	depth int
}

const maxJSDepth = 64

func (p *jsParser) errf(format string, a ...any) error {
	line, col := 1, 1
	for _, c := range p.s[:min(p.i, len(p.s))] {
		if c == '\n' {
			line, col = line+1, 1
		} else {
			col++
		}
	}
	return fmt.Errorf("line %d, column %d: %s", line, col, fmt.Sprintf(format, a...))
}

func (p *jsParser) skipSpace() {
	for p.i < len(p.s) {
		c := p.s[p.i]
		switch {
		case c == ' ' || c == '\t' || c == '\r' || c == '\n':
			p.i++
		case strings.HasPrefix(p.s[p.i:], "//"):
			for p.i < len(p.s) && p.s[p.i] != '\n' {
				p.i++
			}
		case strings.HasPrefix(p.s[p.i:], "/*"):
			end := strings.Index(p.s[p.i+2:], "*/")
			if end < 0 {
				p.i = len(p.s)
				return
			}
			p.i += end + 4
		default:
			return
		}
	}
}

func (p *jsParser) peek() byte {
	p.skipSpace()
	if p.i < len(p.s) {
		return p.s[p.i]
	}
	return 0
}

func (p *jsParser) expect(c byte) error {
	if p.peek() != c {
		return p.errf("expected %q", string(c))
	}
	p.i++
	return nil
}

// value reads one value; a literal followed by more than a separator
// ("Bearer " + token) is an expression.
func (p *jsParser) value() (jsValue, error) {
	start := p.i
	v, err := p.literalValue()
	if err != nil || v.kind == 'x' {
		return v, err
	}
	switch p.peek() {
	case ',', '}', ']', ')', ';', 0:
		return v, nil
	}
	p.i = start
	if err := p.skipExpr(); err != nil {
		return jsValue{}, err
	}
	return jsValue{kind: 'x', str: strings.TrimSpace(p.s[start:p.i])}, nil
}

func (p *jsParser) literalValue() (jsValue, error) {
	p.depth++
	defer func() { p.depth-- }()
	if p.depth > maxJSDepth {
		return jsValue{}, p.errf("nested deeper than %d levels", maxJSDepth)
	}
	start := p.i
	switch c := p.peek(); {
	case c == '"' || c == '\'':
		s, err := p.str(c)
		return jsValue{kind: 's', str: s}, err
	case c == '`':
		if s, ok := p.template(); ok {
			return jsValue{kind: 's', str: s}, nil
		}
	case c == '{':
		return p.object()
	case c == '[':
		return p.array()
	case c == '-' || c == '+' || c >= '0' && c <= '9':
		j := p.i + 1
		for j < len(p.s) && strings.IndexByte("0123456789.eE+-xXabcdefABCDEF_n", p.s[j]) >= 0 {
			j++
		}
		num := p.s[p.i:j]
		if f, err := strconv.ParseFloat(strings.TrimSuffix(num, "n"), 64); err == nil {
			p.i = j
			return jsValue{kind: 'n', str: strconv.FormatFloat(f, 'f', -1, 64)}, nil
		}
	default:
		word := p.ident()
		switch word {
		case "true", "false":
			return jsValue{kind: 'b', str: word}, nil
		case "null", "undefined":
			return jsValue{kind: 'z'}, nil
		case "new":
			ctor := p.ident()
			if ctor == "Headers" && p.peek() == '(' {
				p.i++
				if p.peek() == ')' {
					p.i++
					return jsValue{kind: 'o'}, nil
				}
				v, err := p.value()
				if err != nil {
					return v, err
				}
				if err := p.expect(')'); err != nil {
					return v, err
				}
				return v, nil
			}
		case "JSON":
			if strings.HasPrefix(p.s[p.i:], ".stringify(") {
				save := p.i
				p.i += len(".stringify(")
				v, err := p.value()
				if err == nil && p.peek() == ')' && v.literal() {
					p.i++
					b, _ := json.Marshal(v.toJSON())
					return jsValue{kind: 's', str: string(b)}, nil
				}
				p.i = save
			}
		}
	}
	// An expression: skip it, balanced, up to a separator.
	p.i = start
	if err := p.skipExpr(); err != nil {
		return jsValue{}, err
	}
	src := strings.TrimSpace(p.s[start:p.i])
	if src == "" {
		return jsValue{}, p.errf("expected a value")
	}
	return jsValue{kind: 'x', str: src}, nil
}

// literal reports whether v holds no expression.
func (v jsValue) literal() bool {
	switch v.kind {
	case 'x':
		return false
	case 'o':
		for _, p := range v.obj {
			if !p.val.literal() {
				return false
			}
		}
	case 'a':
		for _, e := range v.arr {
			if !e.literal() {
				return false
			}
		}
	}
	return true
}

// toJSON converts a literal for JSON.stringify, keeping key order.
func (v jsValue) toJSON() any {
	switch v.kind {
	case 's':
		return v.str
	case 'n':
		return json.Number(v.str)
	case 'b':
		return v.str == "true"
	case 'o':
		return orderedObject(v.obj)
	case 'a':
		out := make([]any, len(v.arr))
		for i, e := range v.arr {
			out[i] = e.toJSON()
		}
		return out
	}
	return nil
}

type orderedObject []jsProp

func (o orderedObject) MarshalJSON() ([]byte, error) {
	var b strings.Builder
	b.WriteByte('{')
	for i, p := range o {
		if i > 0 {
			b.WriteByte(',')
		}
		k, _ := json.Marshal(p.key)
		v, err := json.Marshal(p.val.toJSON())
		if err != nil {
			return nil, err
		}
		b.Write(k)
		b.WriteByte(':')
		b.Write(v)
	}
	b.WriteByte('}')
	return []byte(b.String()), nil
}

func (p *jsParser) ident() string {
	p.skipSpace()
	j := p.i
	for j < len(p.s) && (isIdentByte(p.s[j]) || p.s[j] == '$' || p.s[j] >= 0x80) {
		j++
	}
	w := p.s[p.i:j]
	p.i = j
	return w
}

// skipExpr moves past one expression: brackets and strings balanced, up
// to a ',' or a closing bracket at depth 0.
func (p *jsParser) skipExpr() error {
	depth := 0
	for p.i < len(p.s) {
		p.skipSpace()
		if p.i >= len(p.s) {
			break
		}
		c := p.s[p.i]
		switch c {
		case '"', '\'':
			if _, err := p.str(c); err != nil {
				return err
			}
			continue
		case '`':
			if err := p.skipTemplate(); err != nil {
				return err
			}
			continue
		case '(', '[', '{':
			depth++
			if depth > maxJSDepth {
				return p.errf("nested deeper than %d levels", maxJSDepth)
			}
		case ')', ']', '}':
			if depth == 0 {
				return nil
			}
			depth--
		case ',', ';':
			if depth == 0 {
				return nil
			}
		}
		p.i++
	}
	if depth > 0 {
		return p.errf("unbalanced brackets")
	}
	return nil
}

func (p *jsParser) skipTemplate() error {
	p.i++ // `
	depth := 0
	for p.i < len(p.s) {
		c := p.s[p.i]
		switch {
		case c == '\\':
			p.i += 2
			continue
		case c == '`' && depth == 0:
			p.i++
			return nil
		case c == '$' && p.i+1 < len(p.s) && p.s[p.i+1] == '{':
			depth++
			p.i++
		case c == '}' && depth > 0:
			depth--
		}
		p.i++
	}
	return p.errf("unterminated template string")
}

// template reads a template string without substitutions.
func (p *jsParser) template() (string, bool) {
	start := p.i
	p.i++
	var b strings.Builder
	for p.i < len(p.s) {
		c := p.s[p.i]
		switch {
		case c == '`':
			p.i++
			return b.String(), true
		case c == '$' && p.i+1 < len(p.s) && p.s[p.i+1] == '{':
			p.i = start
			return "", false
		case c == '\\':
			if err := p.escape(&b); err != nil {
				p.i = start
				return "", false
			}
			continue
		}
		b.WriteByte(c)
		p.i++
	}
	p.i = start
	return "", false
}

// str reads a '...' or "..." string literal with JavaScript escapes.
func (p *jsParser) str(q byte) (string, error) {
	p.i++
	var b strings.Builder
	for p.i < len(p.s) {
		c := p.s[p.i]
		switch {
		case c == q:
			p.i++
			return b.String(), nil
		case c == '\\':
			if err := p.escape(&b); err != nil {
				return "", err
			}
			continue
		case c == '\n':
			return "", p.errf("line break in a string")
		}
		b.WriteByte(c)
		p.i++
	}
	return "", p.errf("unterminated string")
}

// escape decodes the escape sequence at p.i (a backslash) into b.
func (p *jsParser) escape(b *strings.Builder) error {
	if p.i+1 >= len(p.s) {
		return p.errf("unterminated escape")
	}
	e := p.s[p.i+1]
	p.i += 2
	if c, ok := controlEscapes[e]; ok && e != 'a' {
		b.WriteByte(c)
		return nil
	}
	switch e {
	case '0':
		b.WriteByte(0)
	case '\r':
		if p.i < len(p.s) && p.s[p.i] == '\n' {
			p.i++
		}
	case '\n':
	case 'x':
		if p.i+2 > len(p.s) {
			return p.errf("bad \\x escape")
		}
		v, err := strconv.ParseUint(p.s[p.i:p.i+2], 16, 8)
		if err != nil {
			return p.errf("bad \\x escape")
		}
		b.WriteRune(rune(v))
		p.i += 2
	case 'u':
		var hex string
		if p.i < len(p.s) && p.s[p.i] == '{' {
			end := strings.IndexByte(p.s[p.i:], '}')
			if end < 0 {
				return p.errf("bad \\u{...} escape")
			}
			hex = p.s[p.i+1 : p.i+end]
			p.i += end + 1
		} else {
			if p.i+4 > len(p.s) {
				return p.errf("bad \\u escape")
			}
			hex = p.s[p.i : p.i+4]
			p.i += 4
		}
		v, err := strconv.ParseUint(hex, 16, 32)
		if err != nil || v > utf8.MaxRune {
			return p.errf("bad \\u escape")
		}
		// A surrogate pair written as two \u escapes.
		if v >= 0xD800 && v < 0xDC00 && strings.HasPrefix(p.s[p.i:], `\u`) && p.i+6 <= len(p.s) {
			if lo, err := strconv.ParseUint(p.s[p.i+2:p.i+6], 16, 32); err == nil && lo >= 0xDC00 && lo < 0xE000 {
				v = 0x10000 + (v-0xD800)<<10 + (lo - 0xDC00)
				p.i += 6
			}
		}
		b.WriteRune(rune(v))
	default:
		b.WriteByte(e)
	}
	return nil
}

func (p *jsParser) object() (jsValue, error) {
	p.i++ // {
	v := jsValue{kind: 'o'}
	for {
		c := p.peek()
		if c == '}' {
			p.i++
			return v, nil
		}
		if c == 0 {
			return v, p.errf("unterminated object")
		}
		var key string
		switch {
		case c == '"' || c == '\'':
			k, err := p.str(c)
			if err != nil {
				return v, err
			}
			key = k
		case c == '[':
			return v, p.errf("computed keys are not supported")
		case c == '.':
			return v, p.errf("spread (...) is not supported")
		default:
			key = p.ident()
			if key == "" {
				j := p.i
				for j < len(p.s) && p.s[j] >= '0' && p.s[j] <= '9' {
					j++
				}
				key, p.i = p.s[p.i:j], j
			}
			if key == "" {
				return v, p.errf("expected a key")
			}
		}
		var val jsValue
		switch p.peek() {
		case ':':
			p.i++
			var err error
			if val, err = p.value(); err != nil {
				return v, err
			}
		case ',', '}':
			val = jsValue{kind: 'x', str: key} // shorthand {body}
		default:
			return v, p.errf("expected ':' after the key")
		}
		v.obj = append(v.obj, jsProp{key, val})
		if len(v.obj) > maxArgs {
			return v, p.errf("too many properties")
		}
		switch p.peek() {
		case ',':
			p.i++
		case '}':
		default:
			return v, p.errf("expected ',' or '}'")
		}
	}
}

func (p *jsParser) array() (jsValue, error) {
	p.i++ // [
	v := jsValue{kind: 'a'}
	for {
		c := p.peek()
		if c == ']' {
			p.i++
			return v, nil
		}
		if c == 0 {
			return v, p.errf("unterminated array")
		}
		e, err := p.value()
		if err != nil {
			return v, err
		}
		v.arr = append(v.arr, e)
		if len(v.arr) > maxArgs {
			return v, p.errf("too many elements")
		}
		switch p.peek() {
		case ',':
			p.i++
		case ']':
		default:
			return v, p.errf("expected ',' or ']'")
		}
	}
}

// valueSensitive are the headers whose CORS safelisting depends on the
// value (Fetch § CORS-safelisted request-header).
var valueSensitive = map[string]bool{"accept": true, "accept-language": true, "content-language": true, "content-type": true, "range": true}

// parseFetch reads Chromium's "Copy as fetch" (fetch("URL", {"headers":
// {...}, "referrer": "PAGE", "body": ..., "method": "...", "mode":
// "cors", "credentials": "omit"|"include"}); forbidden headers already
// left out) and "Copy as fetch (Node.js)" (no mode or credentials; the
// cookie and the page URL as "cookie" and "Referer" headers, older
// versions also a "Referrer-Policy" header), or a fetch() call typed by
// hand with literal values.
func parseFetch(text string) (*Request, error) {
	f := Fetch
	p := &jsParser{s: text}
	p.skipSpace()
	if strings.HasPrefix(p.s[p.i:], "await") {
		p.i += len("await")
	}
	if p.ident() != "fetch" || p.peek() != '(' {
		return nil, errorf(f, "expected fetch(")
	}
	p.i++
	urlv, err := p.value()
	if err != nil {
		return nil, errorf(f, "%v", err)
	}
	if urlv.kind != 's' {
		return nil, errorf(f, "the URL must be a string literal")
	}
	r := &Request{Format: f, URL: urlv.str}
	var init jsValue
	switch p.peek() {
	case ',':
		p.i++
		if p.peek() != ')' {
			if init, err = p.value(); err != nil {
				return nil, errorf(f, "%v", err)
			}
			if init.kind != 'o' {
				return nil, errorf(f, "the second argument of fetch() must be an object literal")
			}
			if p.peek() == ',' {
				p.i++
			}
		}
	}
	if err := p.expect(')'); err != nil {
		return nil, errorf(f, "%v", err)
	}
	if rest := p.s[p.i:]; strings.Contains(rest, "fetch(") {
		return nil, errorf(f, "the paste holds several fetch() calls (Copy all as fetch?); copy one request")
	}
	hasMode, hasCred := false, false
	var credentials string
	for _, prop := range init.obj {
		v := prop.val
		switch prop.key {
		case "method":
			if v.kind != 's' {
				return nil, errorf(f, "method must be a string literal")
			}
			r.Method = v.str
		case "headers":
			if err := r.fetchHeaders(v); err != nil {
				return nil, err
			}
		case "body":
			switch v.kind {
			case 'z':
			case 's':
				r.Body, r.HasBody = []byte(v.str), true
			case 'x':
				r.HasBody = true
				r.BodyKind = cors.BodySimple
				if strings.HasPrefix(v.str, "new ReadableStream") {
					r.BodyKind = cors.BodyStream
				}
				// The expression is not quoted back: it may hold a secret.
				r.note("the body is an expression, read as a %s body; give --data to send a body", map[cors.Body]string{cors.BodySimple: "string, FormData or Blob", cors.BodyStream: "ReadableStream"}[r.BodyKind])
			default:
				b, _ := json.Marshal(v.toJSON())
				r.Body, r.HasBody = b, true
			}
		case "mode":
			hasMode = true
			if v.kind != 's' {
				return nil, errorf(f, "mode must be a string literal")
			}
			switch v.str {
			case "cors", "no-cors", "same-origin":
				r.Mode, r.ModeFrom = cors.Mode(v.str), "fetch mode"
			case "navigate":
				return nil, errorf(f, "mode \"navigate\" cannot be used with fetch()")
			default:
				return nil, errorf(f, "unknown mode %q (want cors, no-cors or same-origin)", clip(v.str, 20))
			}
		case "credentials":
			hasCred = true
			if v.kind != 's' {
				return nil, errorf(f, "credentials must be a string literal")
			}
			switch v.str {
			case "omit", "same-origin", "include":
				credentials = v.str
			default:
				return nil, errorf(f, "unknown credentials %q (want omit, same-origin or include)", clip(v.str, 20))
			}
		case "referrer":
			if v.kind == 's' && v.str != "" && v.str != "about:client" {
				r.referrer = v.str
			}
		}
	}
	if strings.EqualFold(r.Method, "OPTIONS") && !r.HasBody {
		return nil, errorf(f, "this looks like the browser's preflight (method OPTIONS) copied as fetch, which leaves out its Access-Control-Request-Method and -Headers; copy the preflight as cURL, or copy the actual request")
	}
	if !hasMode && !hasCred && r.referrer == "" {
		for _, h := range r.Headers {
			switch strings.ToLower(h.Name) {
			case "cookie", "referer", "referrer-policy":
				r.Format = FetchNode
			}
		}
	}
	// Node.js copies carry the page's referrer policy as a header.
	kept := r.Headers[:0]
	for _, h := range r.Headers {
		if !strings.EqualFold(h.Name, "referrer-policy") {
			kept = append(kept, h)
		}
	}
	r.Headers = kept
	if credentials != "" {
		r.Credentials, r.CredentialsFrom = cors.Credentials(credentials), "fetch credentials"
		if credentials == "include" {
			for _, h := range r.Headers {
				if strings.EqualFold(h.Name, "authorization") {
					r.note("credentials: 'include' from the paste: DevTools writes it whenever the request had cookies or an Authorization header; if your code does not pass credentials: 'include', add --credentials-mode same-origin")
					break
				}
			}
		}
	}
	return r, nil
}

// fetchHeaders reads fetch's headers option: an object, an array of
// [name, value] pairs, or new Headers(either).
func (r *Request) fetchHeaders(v jsValue) error {
	add := func(name string, val jsValue) error {
		if !validName(name) {
			return errorf(r.Format, "invalid header name %q", clip(name, 40))
		}
		switch val.kind {
		case 's', 'n', 'b':
			r.Headers = append(r.Headers, cors.Header{Name: name, Value: val.str})
		case 'x':
			if valueSensitive[strings.ToLower(name)] {
				return errorf(r.Format, "the value of header %s is an expression; whether it needs a preflight depends on the value: give it with -H '%s: VALUE'", name, name)
			}
			r.Headers = append(r.Headers, cors.Header{Name: name})
			r.note("the value of header %s is an expression (left empty: any value of it needs a preflight)", name)
		default:
			return errorf(r.Format, "the value of header %s is not a string", name)
		}
		return nil
	}
	switch v.kind {
	case 'o':
		for _, p := range v.obj {
			if err := add(p.key, p.val); err != nil {
				return err
			}
		}
	case 'a':
		for _, e := range v.arr {
			if e.kind != 'a' || len(e.arr) != 2 || e.arr[0].kind != 's' {
				return errorf(r.Format, "headers: each entry of the array must be [name, value]")
			}
			if err := add(e.arr[0].str, e.arr[1]); err != nil {
				return err
			}
		}
	case 'z':
	default:
		return errorf(r.Format, "headers must be an object literal")
	}
	return nil
}
