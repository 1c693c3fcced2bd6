package evidence

import (
	"net/http"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestHasStatusLine(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		in   string
		want bool
	}{
		{"HTTP/1.1 200 OK\r\nA: b\r\n", true},
		{"\n\nHTTP/2 204\n", true},
		{"*   Trying 127.0.0.1:80...\n> GET / HTTP/1.1\n> Host: x\n>\n< HTTP/1.1 403 Forbidden\n< A: b\n", true},
		{"access-control-allow-origin: *\n", false},
		{"access-control-allow-origin\n*\n", false},
		{"", false},
	} {
		if got := HasStatusLine([]byte(tc.in)); got != tc.want {
			t.Errorf("HasStatusLine(%q) = %v, want %v", tc.in, got, tc.want)
		}
	}
}

func TestParseHeaderLines(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		desc, in string
		want     http.Header
		err      string
	}{
		{"Copy response headers (HTTP/2: lower case, no status line)", "access-control-allow-origin: https://app.example.com\r\nvary: Origin\r\nvary: Accept-Encoding\r\n",
			http.Header{"Access-Control-Allow-Origin": {"https://app.example.com"}, "Vary": {"Origin", "Accept-Encoding"}}, ""},
		{"Headers pane selection: name and value on alternate lines", "access-control-allow-origin\n*\ndate\nMon, 07 Dec 2026 11:47:29 GMT\n",
			http.Header{"Access-Control-Allow-Origin": {"*"}, "Date": {"Mon, 07 Dec 2026 11:47:29 GMT"}}, ""},
		{"older panes: name with a colon, value below", "content-type:\napplication/json\n",
			http.Header{"Content-Type": {"application/json"}}, ""},
		{"pseudo-headers and a body after a blank line are skipped", ":status: 200\nx-a: 1\n\n{\"a\":1}\n",
			http.Header{"X-A": {"1"}}, ""},
		{"a name without its value", "x-a\n", nil, "p.txt:1: header \"x-a\" has no value line"},
		{"not headers", "hello world\nmore\n", nil, "p.txt:1: expected a header line"},
		{"nothing", "\n\n", nil, "no header lines"},
	} {
		t.Run(tc.desc, func(t *testing.T) {
			t.Parallel()
			r, err := ParseHeaderLines(strings.NewReader(tc.in), "p.txt", 200)
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("error %v, want %q", err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if r.Status != 200 || r.StatusText != "OK" {
				t.Errorf("status %d %q", r.Status, r.StatusText)
			}
			if diff := cmp.Diff(tc.want, r.Header); diff != "" {
				t.Errorf("headers (-want +got):\n%s", diff)
			}
		})
	}
	if _, err := ParseHeaderLines(strings.NewReader("a: b"), "p.txt", 42); err == nil {
		t.Error("status 42 accepted")
	}
}

func FuzzParseHeaderLines(f *testing.F) {
	f.Add("access-control-allow-origin: *\nvary: Origin\n")
	f.Add("access-control-allow-origin\n*\n")
	f.Add(":status: 200\nx: y\n\nbody")
	f.Fuzz(func(t *testing.T, s string) {
		r, err := ParseHeaderLines(strings.NewReader(s), "f", 204)
		if (r == nil) == (err == nil) {
			t.Fatalf("got %v and %v", r, err)
		}
		if r != nil {
			for k := range r.Header {
				if !validHeaderName(k) {
					t.Errorf("header name %q", k)
				}
			}
		}
		_ = HasStatusLine([]byte(s))
	})
}
