package evidence

import (
	"bufio"
	"fmt"
	"io"
	"net/http"
	"net/textproto"
	"strings"
)

// HasStatusLine reports whether raw response text has an HTTP status line
// before its headers (curl -i, curl -v, DevTools' raw HTTP/1.1 view), as
// ParseResponse needs. DevTools' "Copy response headers" of an HTTP/2 or
// HTTP/3 response and a selection of its Headers pane have none.
func HasStatusLine(b []byte) bool {
	for _, line := range strings.Split(string(b), "\n") {
		line = strings.TrimRight(line, "\r")
		switch {
		case strings.HasPrefix(line, "< "):
			line = line[2:]
		case strings.HasPrefix(line, "> ") || line == ">" || line == "<" || strings.HasPrefix(line, "* ") ||
			strings.HasPrefix(line, "{ ") || strings.HasPrefix(line, "} "):
			continue
		}
		if strings.TrimSpace(line) == "" {
			continue
		}
		return isStatusLine(line)
	}
	return false
}

// ParseHeaderLines reads response headers pasted without a status line
// and gives them the status the caller knows (DevTools shows it as
// "Status Code" under General). Two layouts are read: "Name: value"
// lines (Chromium's and Firefox's Copy response headers, curl's -D
// output without its first line), and name and value on alternate lines
// (what selecting Chromium's Headers pane copies). name is used in error
// locations; input is bounded as for ParseResponse.
func ParseHeaderLines(r io.Reader, name string, status int) (*Response, error) {
	if status < 100 || status > 999 {
		return nil, &ParseError{File: name, Line: 1, Msg: fmt.Sprintf("invalid status %d", status)}
	}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 4096), maxLineBytes)
	type numbered struct {
		n    int
		text string
	}
	var lines []numbered
	n := 0
	for sc.Scan() {
		n++
		l := strings.TrimRight(sc.Text(), "\r")
		if strings.TrimSpace(l) == "" {
			if len(lines) > 0 {
				break // the body follows a blank line
			}
			continue
		}
		if strings.HasPrefix(l, ":") {
			continue // an HTTP/2 pseudo-header such as :status
		}
		if len(lines) >= 2*maxHeaderLines {
			return nil, &ParseError{File: name, Line: n, Msg: fmt.Sprintf("more than %d header lines", maxHeaderLines)}
		}
		lines = append(lines, numbered{n, l})
	}
	if err := scanError(sc.Err(), name, n); err != nil {
		return nil, err
	}
	if len(lines) == 0 {
		return nil, &ParseError{File: name, Line: max(n, 1), Msg: "no header lines"}
	}
	resp := &Response{Status: status, StatusText: http.StatusText(status), Header: http.Header{}, Source: Source{File: name, Line: lines[0].n}}
	add := func(k, v string) {
		k = textproto.CanonicalMIMEHeaderKey(k)
		resp.Header[k] = append(resp.Header[k], strings.Trim(v, " \t"))
	}
	// "Name: value" lines, when every line is one.
	colon := true
	for _, l := range lines {
		k, _, ok := strings.Cut(l.text, ":")
		if !ok || !validHeaderName(k) {
			colon = false
			break
		}
	}
	if colon {
		for _, l := range lines {
			k, v, _ := strings.Cut(l.text, ":")
			add(k, v)
		}
		return resp, nil
	}
	// Alternate name and value lines.
	for i := 0; i < len(lines); i += 2 {
		k := strings.TrimSuffix(strings.TrimSpace(lines[i].text), ":")
		if !validHeaderName(k) {
			return nil, &ParseError{File: name, Line: lines[i].n, Msg: fmt.Sprintf("expected a header line \"Name: value\", found %q", clip(lines[i].text))}
		}
		if i+1 >= len(lines) {
			return nil, &ParseError{File: name, Line: lines[i].n, Msg: fmt.Sprintf("header %q has no value line", clip(k))}
		}
		add(k, lines[i+1].text)
	}
	return resp, nil
}
