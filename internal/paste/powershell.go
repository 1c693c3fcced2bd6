package paste

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/corsdoctor/corsdoctor/cors"
)

// psToken is one PowerShell token.
type psToken struct {
	kind byte // 's' string, 'w' bare word, 'p' punctuation, 'n' end of statement
	text string
	line int
}

var psChar = regexp.MustCompile(`^\$\(\[char\]\s*(0x[0-9a-fA-F]+|[0-9]+)\)`)

// lexPowerShell splits PowerShell source into tokens: "..." strings
// (backtick escapes, "" for a quote, $([char]N) subexpressions as
// "Copy as PowerShell" writes non-ASCII characters), single-quoted strings (two quotes for
// a quote), bare words, @{ } ( ) = ; , and statement ends (newline or ';'
// outside brackets; a backtick before the newline continues the line).
func lexPowerShell(s string) ([]psToken, error) {
	var toks []psToken
	line := 1
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == '`' && i+1 < len(s) && (s[i+1] == '\n' || s[i+1] == '\r'):
			i++
			if s[i] == '\r' && i+1 < len(s) && s[i+1] == '\n' {
				i++
			}
			i++
			line++
		case c == '\n':
			toks = append(toks, psToken{'n', "", line})
			line++
			i++
		case c == ' ' || c == '\t' || c == '\r':
			i++
		case c == '#':
			for i < len(s) && s[i] != '\n' {
				i++
			}
		case c == '"':
			var b strings.Builder
			j := i + 1
			for ; j < len(s); j++ {
				d := s[j]
				if d == '"' {
					if j+1 < len(s) && s[j+1] == '"' {
						b.WriteByte('"')
						j++
						continue
					}
					break
				}
				if d == '`' && j+1 < len(s) {
					j++
					if c, ok := controlEscapes[s[j]]; ok {
						b.WriteByte(c)
						continue
					}
					switch e := s[j]; e {
					case '0':
						b.WriteByte(0)
					case 'e':
						b.WriteByte(0x1b)
					case 'u':
						if k := strings.IndexByte(s[j:], '}'); j+1 < len(s) && s[j+1] == '{' && k > 0 {
							v, err := strconv.ParseUint(s[j+2:j+k], 16, 32)
							if err != nil || v > utf8.MaxRune {
								return nil, fmt.Errorf("line %d: invalid `u{...} escape", line)
							}
							b.WriteRune(rune(v))
							j += k
						} else {
							b.WriteByte('u')
						}
					default:
						b.WriteByte(e)
					}
					continue
				}
				if d == '$' && j+1 < len(s) && (s[j+1] == '(' || s[j+1] == '{' || isIdentByte(s[j+1])) {
					m := psChar.FindStringSubmatch(s[j:])
					if m == nil {
						return nil, fmt.Errorf("line %d: the string uses a variable or expression ($...); only literal strings are read", line)
					}
					v, err := strconv.ParseUint(m[1], 0, 32)
					if err != nil || v > utf8.MaxRune {
						return nil, fmt.Errorf("line %d: invalid [char] value", line)
					}
					b.WriteRune(rune(v))
					j += len(m[0]) - 1
					continue
				}
				if d == '\n' {
					line++
				}
				b.WriteByte(d)
			}
			if j >= len(s) {
				return nil, fmt.Errorf("line %d: unterminated double-quoted string", line)
			}
			toks = append(toks, psToken{'s', b.String(), line})
			i = j + 1
		case c == '\'':
			var b strings.Builder
			j := i + 1
			for ; j < len(s); j++ {
				if s[j] == '\'' {
					if j+1 < len(s) && s[j+1] == '\'' {
						b.WriteByte('\'')
						j++
						continue
					}
					break
				}
				if s[j] == '\n' {
					line++
				}
				b.WriteByte(s[j])
			}
			if j >= len(s) {
				return nil, fmt.Errorf("line %d: unterminated single-quoted string", line)
			}
			toks = append(toks, psToken{'s', b.String(), line})
			i = j + 1
		case c == '@' && i+1 < len(s) && s[i+1] == '{':
			toks = append(toks, psToken{'p', "@{", line})
			i += 2
		case strings.IndexByte("{}()=;,[]", c) >= 0:
			if c == ';' {
				toks = append(toks, psToken{'n', "", line})
			} else {
				toks = append(toks, psToken{'p', string(c), line})
			}
			i++
		default:
			j := i
			for j < len(s) && strings.IndexByte(" \t\r\n\"'{}()=;,`[]", s[j]) < 0 {
				j++
			}
			if j == i {
				return nil, fmt.Errorf("line %d: unexpected character %q", line, c)
			}
			toks = append(toks, psToken{'w', s[i:j], line})
			i = j
		}
		if len(toks) > 4*maxArgs {
			return nil, fmt.Errorf("too many tokens")
		}
	}
	return toks, nil
}

func isIdentByte(c byte) bool {
	return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

// psValued are the Invoke-WebRequest / Invoke-RestMethod parameters that
// take a value; psSwitch those that do not.
var (
	psValued = map[string]bool{
		"uri": true, "method": true, "headers": true, "contenttype": true, "body": true, "websession": true,
		"useragent": true, "timeoutsec": true, "maximumredirection": true, "maximumretrycount": true,
		"retryintervalsec": true, "sessionvariable": true, "custommethod": true, "proxy": true,
		"transferencoding": true, "connectiontimeoutseconds": true, "operationtimeoutseconds": true,
		"httpversion": true, "outfile": true,
	}
	psSwitch = map[string]bool{
		"usebasicparsing": true, "skipcertificatecheck": true, "disablekeepalive": true,
		"skipheadervalidation": true, "skiphttperrorcheck": true, "allowunencryptedauthentication": true,
		"usedefaultcredentials": true, "passthru": true, "resume": true, "preservehttpmethod": true,
		"allowinsecureredirect": true, "noproxy": true,
	}
	psRefused = map[string]string{"infile": "reads the body from a file", "certificate": "uses a certificate",
		"certificatethumbprint": "uses a certificate", "credential": "uses stored credentials", "form": "reads form fields from variables"}
)

// parsePowerShell reads Chromium's "Copy as PowerShell": an optional
// WebRequestSession prelude ($session.UserAgent = "...",
// $session.Cookies.Add((New-Object System.Net.Cookie("n", "v", "/",
// "domain")))), then Invoke-WebRequest -UseBasicParsing -Uri "..."
// -Method "..." -WebSession $session -Headers @{ "name"="value" ... }
// -ContentType "..." -Body "..." (or -Body
// ([System.Text.Encoding]::UTF8.GetBytes("...")) for non-ASCII bodies).
// On HTTP/2 and HTTP/3 Chromium lists the pseudo-headers authority,
// method, path and scheme among -Headers; they are dropped.
func parsePowerShell(text string) (*Request, error) {
	f := PowerShell
	toks, err := lexPowerShell(text)
	if err != nil {
		return nil, errorf(f, "%v", err)
	}
	r := &Request{Format: f}
	var cookies []string
	invoked := false
	for i := 0; i < len(toks); {
		// one statement
		j := i
		depth := 0
		for j < len(toks) && (toks[j].kind != 'n' || depth > 0) {
			switch toks[j].text {
			case "(", "@{", "{", "[":
				if toks[j].kind == 'p' {
					depth++
				}
			case ")", "}", "]":
				if toks[j].kind == 'p' {
					depth--
				}
			}
			j++
		}
		st := toks[i:j]
		i = j + 1
		if len(st) == 0 {
			continue
		}
		first := strings.ToLower(st[0].text)
		switch {
		case st[0].kind == 'w' && strings.HasPrefix(first, "$session") || st[0].kind == 'w' && strings.HasPrefix(first, "$"):
			if err := r.psSessionLine(st, &cookies); err != nil {
				return nil, err
			}
		case st[0].kind == 'w' && (first == "invoke-webrequest" || first == "invoke-restmethod" || first == "iwr" || first == "irm"):
			if invoked {
				return nil, errorf(f, "line %d: the paste holds several requests (Copy all as PowerShell?); copy one", st[0].line)
			}
			invoked = true
			if err := r.psInvoke(st[1:]); err != nil {
				return nil, err
			}
		default:
			return nil, errorf(f, "line %d: unexpected statement starting with %s (want Invoke-WebRequest or $session lines)", st[0].line, tokDesc(st[0]))
		}
	}
	if !invoked {
		return nil, errorf(f, "no Invoke-WebRequest command")
	}
	if len(cookies) > 0 {
		r.Headers = append(r.Headers, cors.Header{Name: "Cookie", Value: strings.Join(cookies, "; ")})
	}
	return r, nil
}

// psSessionLine reads the WebRequestSession prelude.
func (r *Request) psSessionLine(st []psToken, cookies *[]string) error {
	text := strings.ToLower(st[0].text)
	switch {
	case len(st) >= 3 && st[1].text == "=" && strings.HasSuffix(text, ".useragent") && st[2].kind == 's':
		r.Headers = append(r.Headers, cors.Header{Name: "User-Agent", Value: st[2].text})
		return nil
	case strings.HasSuffix(text, ".cookies.add"):
		// $session.Cookies.Add((New-Object System.Net.Cookie("n", "v", "/", "d")))
		var strs []string
		for _, t := range st {
			if t.kind == 's' {
				strs = append(strs, t.text)
			}
		}
		if len(strs) < 2 {
			return errorf(r.Format, "line %d: a cookie without name and value", st[0].line)
		}
		*cookies = append(*cookies, strs[0]+"="+strs[1])
		return nil
	case len(st) >= 2 && st[1].text == "=":
		// $session = New-Object ...WebRequestSession, or another assignment
		for _, t := range st[2:] {
			if t.kind == 'w' && strings.EqualFold(t.text, "Microsoft.PowerShell.Commands.WebRequestSession") {
				return nil
			}
		}
	}
	return errorf(r.Format, "line %d: unexpected statement starting with %s (only the $session lines of Copy as PowerShell are read)", st[0].line, tokDesc(st[0]))
}

// psInvoke reads the parameters of Invoke-WebRequest.
func (r *Request) psInvoke(st []psToken) error {
	f := r.Format
	var contentType string
	var method string
	for k := 0; k < len(st); k++ {
		t := st[k]
		if t.kind != 'w' || !strings.HasPrefix(t.text, "-") {
			if r.URL == "" && t.kind == 's' {
				r.URL = t.text // positional -Uri
				continue
			}
			return errorf(f, "line %d: unexpected %s (want a -Parameter)", t.line, tokDesc(t))
		}
		name := strings.ToLower(strings.TrimPrefix(t.text, "-"))
		if why, ok := psRefused[name]; ok {
			return errorf(f, "line %d: -%s %s: not supported in a paste", t.line, t.text[1:], why)
		}
		if psSwitch[name] {
			if name == "skipcertificatecheck" {
				r.Insecure = true
			}
			continue
		}
		if !psValued[name] {
			return errorf(f, "line %d: parameter %q is not supported", t.line, clip(t.text, 40))
		}
		if k+1 >= len(st) {
			return errorf(f, "line %d: %s needs a value", t.line, t.text)
		}
		k++
		v := st[k]
		switch name {
		case "uri":
			if v.kind != 's' && v.kind != 'w' {
				return errorf(f, "line %d: -Uri needs a string", v.line)
			}
			r.URL = v.text
		case "method", "custommethod":
			if v.kind != 's' && v.kind != 'w' {
				return errorf(f, "line %d: -Method needs a string", v.line)
			}
			method = v.text
		case "contenttype":
			if v.kind != 's' {
				return errorf(f, "line %d: -ContentType needs a string", v.line)
			}
			contentType = v.text
		case "useragent":
			if v.kind == 's' {
				r.Headers = append(r.Headers, cors.Header{Name: "User-Agent", Value: v.text})
			}
		case "headers":
			if v.kind != 'p' || v.text != "@{" {
				return errorf(f, "line %d: -Headers needs a hashtable @{ ... }", v.line)
			}
			end, err := r.psHeaders(st, k+1)
			if err != nil {
				return err
			}
			k = end
		case "body":
			switch {
			case v.kind == 's':
				r.Body, r.HasBody = []byte(v.text), true
			case v.kind == 'p' && v.text == "(":
				// ([System.Text.Encoding]::UTF8.GetBytes("...")): the
				// string inside; the parentheses must balance.
				depth, str, found := 0, "", false
				for ; k < len(st); k++ {
					switch {
					case st[k].kind == 'p' && st[k].text == "(":
						depth++
					case st[k].kind == 'p' && st[k].text == ")":
						depth--
					case st[k].kind == 's' && !found:
						str, found = st[k].text, true
					}
					if depth == 0 {
						break
					}
				}
				if !found || depth != 0 {
					return errorf(f, "line %d: -Body expression without a string literal", v.line)
				}
				r.Body, r.HasBody = []byte(str), true
			default:
				return errorf(f, "line %d: -Body is %s; only a string literal is read", v.line, tokDesc(v))
			}
		}
	}
	if r.URL == "" {
		return errorf(f, "Invoke-WebRequest without -Uri")
	}
	if method != "" {
		r.Method = method
	} else {
		// Invoke-WebRequest defaults to GET even with a -Body.
		r.Method = "GET"
	}
	if contentType != "" {
		r.Headers = append(r.Headers, cors.Header{Name: "Content-Type", Value: contentType})
	}
	// HTTP/2 pseudo-headers, listed by Copy as PowerShell as plain names.
	kept := r.Headers[:0]
	host := ""
	if i := strings.Index(r.URL, "://"); i >= 0 {
		host = r.URL[i+3:]
		if j := strings.IndexAny(host, "/?#"); j >= 0 {
			host = host[:j]
		}
	}
	for _, h := range r.Headers {
		switch strings.ToLower(h.Name) {
		case "authority":
			if strings.EqualFold(h.Value, host) {
				continue
			}
		case "method":
			if h.Value == r.Method {
				continue
			}
		case "path":
			if strings.HasPrefix(h.Value, "/") {
				continue
			}
		case "scheme":
			if h.Value == "https" || h.Value == "http" {
				continue
			}
		}
		kept = append(kept, h)
	}
	r.Headers = kept
	return nil
}

// psHeaders reads a hashtable's "name"="value" entries from st[k:] and
// returns the index of its closing brace.
func (r *Request) psHeaders(st []psToken, k int) (int, error) {
	for ; k < len(st); k++ {
		t := st[k]
		switch {
		case t.kind == 'n' || t.kind == 'p' && t.text == ",":
			continue
		case t.kind == 'p' && t.text == "}":
			return k, nil
		case t.kind == 's' || t.kind == 'w':
			if k+2 >= len(st) || st[k+1].text != "=" || st[k+1].kind != 'p' || st[k+2].kind != 's' && st[k+2].kind != 'w' {
				return 0, errorf(r.Format, "line %d: a -Headers entry must be \"name\"=\"value\"", t.line)
			}
			name := t.text
			if !validName(name) {
				return 0, errorf(r.Format, "line %d: invalid header name %q", t.line, clip(name, 40))
			}
			r.Headers = append(r.Headers, cors.Header{Name: name, Value: st[k+2].text})
			k += 2
		default:
			return 0, errorf(r.Format, "line %d: unexpected %s in -Headers", t.line, tokDesc(t))
		}
	}
	return 0, errorf(r.Format, "-Headers: missing }")
}

func tokDesc(t psToken) string {
	switch t.kind {
	case 's':
		return "a string"
	case 'n':
		return "the end of the line"
	}
	return fmt.Sprintf("%q", clip(t.text, 20))
}
