package scan

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/url"
	"strings"

	"github.com/corsdoctor/corsdoctor/cors"
)

// Target is one endpoint to scan: a URL and the method the page would use.
type Target struct {
	URL    string `json:"url"`
	Method string `json:"method"`
	// File and Line locate the target in its input ("" and 0 for
	// command-line arguments).
	File string `json:"-"`
	Line int    `json:"-"`
}

// Key identifies a target in an output file (--resume).
func (t Target) Key() string { return t.Method + " " + t.URL }

// Location renders file:line, or "" for arguments.
func (t Target) Location() string {
	if t.File == "" {
		return ""
	}
	return fmt.Sprintf("%s:%d", t.File, t.Line)
}

// maxLine bounds one input line.
const maxLine = 16 << 10

// ParseTarget parses "URL" or "METHOD URL". The URL must be absolute
// http(s) without user information; a fragment is dropped.
func ParseTarget(s string) (Target, error) {
	s = strings.TrimSpace(s)
	method := "GET"
	if m, rest, ok := strings.Cut(s, " "); ok {
		if !cors.IsToken(m) || strings.ContainsAny(m, ":/") || strings.ContainsAny(strings.TrimSpace(rest), " \t") {
			return Target{}, fmt.Errorf("invalid target %q: want URL or \"METHOD URL\"", s)
		}
		method, s = m, strings.TrimSpace(rest)
		method = cors.NormalizeMethod(method)
		if cors.IsForbiddenMethod(method) {
			return Target{}, fmt.Errorf("method %s cannot be sent by a page", method)
		}
	}
	if s == "" {
		return Target{}, errors.New("missing URL")
	}
	u, err := url.Parse(s)
	if err != nil {
		return Target{}, fmt.Errorf("invalid URL %q: %w", s, unwrapURLError(err))
	}
	switch {
	case u.Scheme != "http" && u.Scheme != "https":
		if u.Scheme == "" {
			return Target{}, fmt.Errorf("%q is not an absolute URL (want http:// or https://)", s)
		}
		return Target{}, fmt.Errorf("unsupported scheme %q in %q (want http or https)", u.Scheme, s)
	case u.Host == "" || u.Hostname() == "":
		return Target{}, fmt.Errorf("missing host in %q", s)
	case u.User != nil:
		return Target{}, fmt.Errorf("%q has user information; pass credentials with --header", s)
	}
	u.Fragment, u.RawFragment = "", ""
	if u.Path == "" {
		u.Path = "/"
	}
	return Target{URL: u.String(), Method: method}, nil
}

func unwrapURLError(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}

// ReadTargets reads one target per line from r, calling yield for each
// until it returns false. Blank lines and lines starting with # are
// skipped; an invalid line is passed to bad as "name:line: ..." and
// skipped. Memory is bounded by one line. It returns a read error, if any.
func ReadTargets(r io.Reader, name string, yield func(Target) bool, bad func(error)) error {
	br := bufio.NewReaderSize(r, 64<<10)
	line := 0
	for {
		b, tooLong, err := readLine(br)
		if len(b) > 0 || tooLong || err == nil {
			line++
			s := string(bytes.TrimSpace(b))
			switch {
			case tooLong:
				bad(fmt.Errorf("%s:%d: line longer than %d bytes", name, line, maxLine))
			case s == "" || strings.HasPrefix(s, "#"):
			default:
				t, perr := ParseTarget(s)
				if perr != nil {
					bad(fmt.Errorf("%s:%d: %w", name, line, perr))
					break
				}
				t.File, t.Line = name, line
				if !yield(t) {
					return nil
				}
			}
		}
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return fmt.Errorf("%s:%d: %w", name, line+1, err)
		}
	}
}

// readLine returns the next line without its end; tooLong is set (and the
// line dropped) when it exceeds maxLine. err is io.EOF after the last line.
func readLine(br *bufio.Reader) (line []byte, tooLong bool, err error) {
	var buf []byte
	for {
		chunk, err := br.ReadSlice('\n')
		if !tooLong {
			if len(buf)+len(chunk) > maxLine+2 {
				tooLong, buf = true, nil
			} else {
				buf = append(buf, chunk...)
			}
		}
		if err == bufio.ErrBufferFull {
			continue
		}
		buf = bytes.TrimRight(buf, "\r\n")
		return buf, tooLong, err
	}
}
