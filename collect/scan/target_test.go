package scan

import (
	"errors"
	"strings"
	"testing"
)

var targetCases = []struct {
	desc, in   string
	url, meth  string
	errContain string
}{
	{desc: "url", in: "https://api.example.com/me", url: "https://api.example.com/me", meth: "GET"},
	{desc: "no path", in: "https://api.example.com", url: "https://api.example.com/", meth: "GET"},
	{desc: "method", in: "DELETE https://api.example.com/items/1", url: "https://api.example.com/items/1", meth: "DELETE"},
	{desc: "lower-case method normalized", in: "post https://api.example.com/x", url: "https://api.example.com/x", meth: "POST"},
	{desc: "fragment dropped", in: "https://api.example.com/x?a=1#frag", url: "https://api.example.com/x?a=1", meth: "GET"},
	{desc: "surrounding space", in: "  https://api.example.com/x \t", url: "https://api.example.com/x", meth: "GET"},
	{desc: "not a URL", in: "not a url", errContain: `want URL or "METHOD URL"`},
	{desc: "relative", in: "/items", errContain: "not an absolute URL"},
	{desc: "ftp", in: "ftp://example.com/", errContain: `unsupported scheme "ftp"`},
	{desc: "userinfo", in: "https://user:pw@example.com/", errContain: "user information"},
	{desc: "forbidden method", in: "CONNECT https://example.com/", errContain: "cannot be sent by a page"},
	{desc: "no host", in: "https:///x", errContain: "missing host"},
	{desc: "bad escape", in: "https://example.com/%zz", errContain: "invalid URL"},
}

func TestParseTarget(t *testing.T) {
	t.Parallel()
	for _, tc := range targetCases {
		t.Run(tc.desc, func(t *testing.T) {
			got, err := ParseTarget(tc.in)
			if tc.errContain != "" {
				if err == nil || !strings.Contains(err.Error(), tc.errContain) {
					t.Fatalf("err = %v, want one containing %q", err, tc.errContain)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got.URL != tc.url || got.Method != tc.meth {
				t.Fatalf("got %s %s, want %s %s", got.Method, got.URL, tc.meth, tc.url)
			}
		})
	}
}

func FuzzParseTarget(f *testing.F) {
	for _, tc := range targetCases {
		f.Add(tc.in)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, err := ParseTarget(s)
		if err != nil {
			return
		}
		// A parsed target parses again to itself.
		again, err := ParseTarget(got.Method + " " + got.URL)
		if err != nil || again.URL != got.URL || again.Method != got.Method {
			t.Fatalf("round trip of %q: %+v -> %+v, %v", s, got, again, err)
		}
	})
}

func TestReadTargets(t *testing.T) {
	t.Parallel()
	in := "# comment\nhttps://a.example/x\n\nbogus line here\r\nPUT https://b.example/y\r\n" + strings.Repeat("x", maxLine+10) + "\nhttps://c.example/z"
	var got []string
	var bad []string
	err := ReadTargets(strings.NewReader(in), "t.txt", func(tg Target) bool {
		got = append(got, tg.Location()+" "+tg.Key())
		return true
	}, func(err error) { bad = append(bad, err.Error()) })
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"t.txt:2 GET https://a.example/x", "t.txt:5 PUT https://b.example/y", "t.txt:7 GET https://c.example/z"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("targets %q, want %q", got, want)
	}
	if len(bad) != 2 || !strings.HasPrefix(bad[0], "t.txt:4: ") || !strings.HasPrefix(bad[1], "t.txt:6: line longer") {
		t.Errorf("bad lines %q", bad)
	}
}

func TestReadTargetsStops(t *testing.T) {
	t.Parallel()
	n := 0
	err := ReadTargets(strings.NewReader("https://a.example/\nhttps://b.example/\n"), "t", func(Target) bool { n++; return false }, func(error) {})
	if err != nil || n != 1 {
		t.Fatalf("n = %d, err = %v; want 1, nil", n, err)
	}
}

type failingReader struct{}

func (failingReader) Read([]byte) (int, error) { return 0, errors.New("disk on fire") }

func TestReadTargetsReadError(t *testing.T) {
	t.Parallel()
	err := ReadTargets(failingReader{}, "t.txt", func(Target) bool { return true }, func(error) {})
	if err == nil || !strings.Contains(err.Error(), "t.txt:1: disk on fire") {
		t.Fatalf("err = %v", err)
	}
}

func FuzzReadTargets(f *testing.F) {
	f.Add("https://a.example/\n# c\nGET https://b.example/x\r\n")
	f.Add("\n\n\nbad\n")
	f.Fuzz(func(t *testing.T, s string) {
		lines := strings.Count(s, "\n") + 1
		err := ReadTargets(strings.NewReader(s), "f", func(tg Target) bool {
			if tg.Line < 1 || tg.Line > lines {
				t.Fatalf("line %d out of 1..%d", tg.Line, lines)
			}
			return true
		}, func(error) {})
		if err != nil {
			t.Fatal(err)
		}
	})
}
