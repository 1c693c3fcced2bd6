package evidence

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/textproto"
	"strconv"
	"strings"
)

// Limits on raw response text, so a pasted file can never exhaust memory.
const (
	maxLineBytes   = 64 << 10
	maxHeaderLines = 1000
	// MaxBody is the most of a response body kept: enough for the error
	// pages and JSON errors that name a cause (see Recognise).
	MaxBody = 64 << 10
)

// ParseError locates a problem in raw response text.
type ParseError struct {
	File string
	Line int
	Msg  string
}

func (e *ParseError) Error() string {
	if e.File == "" {
		return fmt.Sprintf("line %d: %s", e.Line, e.Msg)
	}
	return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Msg)
}

// ParseResponse reads a raw HTTP response as users paste it from
// `curl -i`, `curl -v` (lines starting with "< "), or DevTools' "raw"
// response headers view: a status line, then header lines, then an
// optional blank line and body (the first MaxBody bytes are kept: error
// bodies name their cause). Leading blank lines, CRLF line
// ends, curl's "> " request lines and "* " info lines are tolerated; when
// curl printed several responses (redirects, "HTTP/1.1 100 Continue"),
// the last one is returned. name is used in error locations.
func ParseResponse(r io.Reader, name string) (*Response, error) {
	rs, err := ParseResponses(r, name)
	if err != nil {
		return nil, err
	}
	return rs[len(rs)-1], nil
}

// ParseResponses is ParseResponse returning every response in the text,
// in order.
func ParseResponses(r io.Reader, name string) ([]*Response, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 4096), maxLineBytes)
	var (
		out     []*Response
		cur     *Response
		inBody  bool
		lineNo  int
		headers int
		lastKey string
	)
	for sc.Scan() {
		lineNo++
		line := strings.TrimRight(sc.Text(), "\r")
		verbose := false
		switch {
		case strings.HasPrefix(line, "< "):
			line, verbose = line[2:], true
		case line == "<":
			line, verbose = "", true
		case strings.HasPrefix(line, "> ") || line == ">" || strings.HasPrefix(line, "* ") || strings.HasPrefix(line, "{ ") || strings.HasPrefix(line, "} "):
			continue
		}
		if isStatusLine(line) && (cur == nil || inBody || verbose) {
			resp, err := parseStatusLine(line)
			if err != nil {
				return out, &ParseError{File: name, Line: lineNo, Msg: err.Error()}
			}
			resp.Source = Source{File: name, Line: lineNo}
			out = append(out, resp)
			cur, inBody, headers, lastKey = resp, false, 0, ""
			continue
		}
		if cur == nil {
			if strings.TrimSpace(line) == "" {
				continue
			}
			return nil, &ParseError{File: name, Line: lineNo, Msg: fmt.Sprintf("expected a status line such as \"HTTP/1.1 200 OK\", found %q", clip(line))}
		}
		if inBody {
			if room := MaxBody - len(cur.Body); room > 0 {
				if len(cur.Body) > 0 {
					cur.Body = append(cur.Body, '\n')
				}
				if len(line) > room {
					line = line[:room]
				}
				cur.Body = append(cur.Body, line...)
			}
			continue
		}
		if line == "" {
			inBody = true
			continue
		}
		if line[0] == ' ' || line[0] == '\t' {
			// obs-fold continuation: browsers join it with a space.
			if lastKey == "" {
				return out, &ParseError{File: name, Line: lineNo, Msg: "continuation line before any header"}
			}
			vs := cur.Header[lastKey]
			vs[len(vs)-1] += " " + strings.TrimSpace(line)
			continue
		}
		colon := strings.IndexByte(line, ':')
		if colon <= 0 {
			return out, &ParseError{File: name, Line: lineNo, Msg: fmt.Sprintf("header line without a colon: %q", clip(line))}
		}
		key := line[:colon]
		if !validHeaderName(key) {
			return out, &ParseError{File: name, Line: lineNo, Msg: fmt.Sprintf("invalid header name %q", clip(key))}
		}
		headers++
		if headers > maxHeaderLines {
			return out, &ParseError{File: name, Line: lineNo, Msg: fmt.Sprintf("more than %d header lines", maxHeaderLines)}
		}
		lastKey = textproto.CanonicalMIMEHeaderKey(key)
		cur.Header[lastKey] = append(cur.Header[lastKey], strings.Trim(line[colon+1:], " \t"))
	}
	if err := scanError(sc.Err(), name, lineNo); err != nil {
		return out, err
	}
	if len(out) == 0 {
		return nil, &ParseError{File: name, Line: max(lineNo, 1), Msg: "no HTTP response found (expected a status line such as \"HTTP/1.1 200 OK\")"}
	}
	// Interim 1xx responses (100 Continue, 103 Early Hints) are not the answer.
	final := out[:0:0]
	for _, r := range out {
		if r.Status >= 200 || r.Status == 101 {
			final = append(final, r)
		}
	}
	if len(final) == 0 {
		return out, nil
	}
	return final, nil
}

// scanError turns a line scanner's error after line lineNo into a
// located error (nil when there is none).
func scanError(err error, name string, lineNo int) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, bufio.ErrTooLong) {
		return &ParseError{File: name, Line: lineNo + 1, Msg: fmt.Sprintf("line longer than %d bytes", maxLineBytes)}
	}
	return fmt.Errorf("%s: %w", name, err)
}

func clip(s string) string {
	if len(s) > 80 {
		return s[:77] + "..."
	}
	return s
}

func isStatusLine(line string) bool {
	return strings.HasPrefix(line, "HTTP/")
}

func parseStatusLine(line string) (*Response, error) {
	proto, rest, ok := strings.Cut(line, " ")
	if !ok {
		return nil, fmt.Errorf("status line %q has no status code", clip(line))
	}
	switch proto {
	case "HTTP/1.0", "HTTP/1.1", "HTTP/2", "HTTP/2.0", "HTTP/3", "HTTP/3.0":
	default:
		return nil, fmt.Errorf("unknown protocol %q in status line", clip(proto))
	}
	rest = strings.TrimLeft(rest, " ")
	code, text, _ := strings.Cut(rest, " ")
	n, err := strconv.Atoi(code)
	if err != nil || len(code) != 3 || n < 100 {
		return nil, fmt.Errorf("invalid status code %q", clip(code))
	}
	return &Response{Proto: proto, Status: n, StatusText: strings.TrimSpace(text), Header: http.Header{}}, nil
}

func validHeaderName(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' {
			continue
		}
		switch c {
		case '!', '#', '$', '%', '&', '\'', '*', '+', '-', '.', '^', '_', '`', '|', '~':
			continue
		}
		return false
	}
	return s != ""
}

// ParseHeaderFlag parses a curl-style "Name: value" header argument.
func ParseHeaderFlag(s string) (name, value string, err error) {
	name, value, ok := strings.Cut(s, ":")
	if !ok {
		return "", "", fmt.Errorf("header %q: expected \"Name: value\"", s)
	}
	name = strings.TrimSpace(name)
	if !validHeaderName(name) {
		return "", "", fmt.Errorf("header %q: invalid header name %q", s, name)
	}
	return name, strings.TrimSpace(value), nil
}
