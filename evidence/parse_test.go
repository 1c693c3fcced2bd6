package evidence

import (
	"errors"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestParseResponse(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		desc   string
		in     string
		status int
		header http.Header
	}{
		{"curl -i CRLF", "HTTP/1.1 204 No Content\r\nAccess-Control-Allow-Origin: https://a.example\r\nVary: Origin\r\n\r\n",
			204, http.Header{"Access-Control-Allow-Origin": {"https://a.example"}, "Vary": {"Origin"}}},
		{"HTTP/2 lower-case names and body", "HTTP/2 200\ncontent-type: text/plain\naccess-control-allow-origin: *\n\nhello: world\n",
			200, http.Header{"Content-Type": {"text/plain"}, "Access-Control-Allow-Origin": {"*"}}},
		{"repeated lines stay apart", "HTTP/1.1 200 OK\nAccess-Control-Allow-Origin: *\nAccess-Control-Allow-Origin: *\n",
			200, http.Header{"Access-Control-Allow-Origin": {"*", "*"}}},
		{"curl -v prefixes", "* Connected\n> OPTIONS /x HTTP/1.1\n> Host: a\n>\n< HTTP/1.1 403 Forbidden\n< x-amzn-ErrorType: MissingAuthenticationTokenException\n<\n{ [42 bytes data]\n",
			403, http.Header{"X-Amzn-Errortype": {"MissingAuthenticationTokenException"}}},
		{"redirect chain keeps the last", "HTTP/1.1 301 Moved Permanently\nLocation: /y\n\nHTTP/1.1 200 OK\nX-A: 1\n",
			200, http.Header{"X-A": {"1"}}},
		{"100 continue skipped", "HTTP/1.1 100 Continue\n\nHTTP/1.1 201 Created\nX-A: 1\n",
			201, http.Header{"X-A": {"1"}}},
		{"leading blank lines and obs-fold", "\n\nHTTP/1.0 200 OK\nX-Long: a\n  b\n",
			200, http.Header{"X-Long": {"a b"}}},
		{"empty value", "HTTP/1.1 200 OK\nAccess-Control-Allow-Origin:\n",
			200, http.Header{"Access-Control-Allow-Origin": {""}}},
	} {
		t.Run(tc.desc, func(t *testing.T) {
			t.Parallel()
			r, err := ParseResponse(strings.NewReader(tc.in), "r.txt")
			if err != nil {
				t.Fatal(err)
			}
			if r.Status != tc.status {
				t.Errorf("status %d, want %d", r.Status, tc.status)
			}
			if d := cmp.Diff(tc.header, r.Header); d != "" {
				t.Errorf("headers (-want +got):\n%s", d)
			}
		})
	}
}

func TestParseResponseErrors(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ desc, in, want string }{
		{"no status line", "Access-Control-Allow-Origin: *\n", `r.txt:1: expected a status line`},
		{"empty", "", "r.txt:1: no HTTP response found"},
		{"bad code", "HTTP/1.1 2x0 OK\n", `r.txt:1: invalid status code "2x0"`},
		{"bad proto", "HTTP/9 200 OK\n", `r.txt:1: unknown protocol "HTTP/9"`},
		{"no colon", "HTTP/1.1 200 OK\nX-A 1\n", `r.txt:2: header line without a colon`},
		{"bad name", "HTTP/1.1 200 OK\nX A: 1\n", `r.txt:2: invalid header name "X A"`},
		{"fold first", "HTTP/1.1 200 OK\n continued\n", "r.txt:2: continuation line before any header"},
		{"too long", "HTTP/1.1 200 OK\nX-A: " + strings.Repeat("a", maxLineBytes) + "\n", "r.txt:2: line longer than"},
	} {
		t.Run(tc.desc, func(t *testing.T) {
			t.Parallel()
			_, err := ParseResponse(strings.NewReader(tc.in), "r.txt")
			var pe *ParseError
			if !errors.As(err, &pe) {
				t.Fatalf("err = %v, want a *ParseError", err)
			}
			if !strings.HasPrefix(err.Error(), tc.want) {
				t.Fatalf("err = %q, want prefix %q", err, tc.want)
			}
		})
	}
}

func TestParseHeaderFlag(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ in, name, value, err string }{
		{"Content-Type: application/json", "Content-Type", "application/json", ""},
		{"X-Empty:", "X-Empty", "", ""},
		{"Authorization:Bearer a:b", "Authorization", "Bearer a:b", ""},
		{"NoColon", "", "", "expected"},
		{"Bad Name: x", "", "", "invalid header name"},
	} {
		n, v, err := ParseHeaderFlag(tc.in)
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("ParseHeaderFlag(%q) err = %v, want %q", tc.in, err, tc.err)
			}
			continue
		}
		if err != nil || n != tc.name || v != tc.value {
			t.Errorf("ParseHeaderFlag(%q) = %q, %q, %v", tc.in, n, v, err)
		}
	}
}

func TestSourceString(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		s    Source
		want string
	}{
		{Source{File: "t.yaml", Line: 4, Column: 7}, "t.yaml:4:7"},
		{Source{File: "t.yaml", Line: 4}, "t.yaml:4"},
		{Source{File: "x.har", Entry: 12}, "x.har#12"},
		{Source{URL: "https://a.example/x"}, "https://a.example/x"},
	} {
		if got := tc.s.String(); got != tc.want {
			t.Errorf("%+v.String() = %q, want %q", tc.s, got, tc.want)
		}
	}
}

// FuzzParseResponse: never panics; error xor value; every header name of
// a parsed response is canonical and valid; re-serializing and parsing
// again gives the same status and headers.
func FuzzParseResponse(f *testing.F) {
	for _, s := range []string{
		"HTTP/1.1 200 OK\r\nA: b\r\n\r\n",
		"HTTP/2 204\naccess-control-allow-origin: *\n",
		"< HTTP/1.1 403 Forbidden\n< X: y\n",
		"HTTP/1.1 301 Moved\nLocation: /x\n\nHTTP/1.1 200 OK\n",
		"HTTP/1.1 200 OK\nX: a\n b\n",
		"\x00\xff",
		"",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		r, err := ParseResponse(strings.NewReader(in), "f")
		if (r == nil) == (err == nil) {
			t.Fatalf("error xor value violated: %v, %v", r, err)
		}
		if err != nil {
			return
		}
		var b strings.Builder
		b.WriteString(r.Proto + " " + strconv.Itoa(r.Status) + " " + r.StatusText + "\n")
		for k, vs := range r.Header {
			if !validHeaderName(k) || http.CanonicalHeaderKey(k) != k {
				t.Fatalf("bad header name %q", k)
			}
			for _, v := range vs {
				b.WriteString(k + ": " + v + "\n")
			}
		}
		r2, err := ParseResponse(strings.NewReader(b.String()), "f2")
		if err != nil {
			t.Fatalf("round trip failed: %v\n%s", err, b.String())
		}
		if r2.Status != r.Status || !cmp.Equal(trimAll(r.Header), trimAll(r2.Header)) {
			t.Fatalf("round trip changed the response:\n%+v\n%+v", r, r2)
		}
	})
}

func trimAll(h http.Header) http.Header {
	out := http.Header{}
	for k, vs := range h {
		for _, v := range vs {
			out[k] = append(out[k], strings.TrimSpace(v))
		}
	}
	return out
}
