package shell

import (
	"os/exec"
	"strings"
	"testing"
)

func TestQuote(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ in, want string }{
		{"https://api.example.com/items", "https://api.example.com/items"},
		{"", "''"},
		{"Content-Type: application/json", "'Content-Type: application/json'"},
		{"it's", `'it'\''s'`},
		{"$(rm -rf /)", "'$(rm -rf /)'"},
	} {
		if got := Quote(tc.in); got != tc.want {
			t.Errorf("Quote(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// FuzzQuote: the shell reads back exactly the original string.
func FuzzQuote(f *testing.F) {
	if _, err := exec.LookPath("sh"); err != nil {
		f.Skip("no sh")
	}
	for _, s := range []string{"a", "a b", "it's", "$HOME", "`x`", "\\", "\n"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, c := range []byte(s) {
			if c == 0 {
				return // NUL cannot be passed in an argument
			}
		}
		out, err := exec.Command("sh", "-c", "printf %s "+Quote(s)).Output()
		if err != nil {
			t.Fatalf("sh: %v", err)
		}
		if string(out) != s {
			t.Fatalf("round trip: %q -> %q -> %q", s, Quote(s), out)
		}
	})
}

// FuzzQuoteUnquote: unsafe strings are quoted, and undoing POSIX single
// quoting gives the input back.
func FuzzQuoteUnquote(f *testing.F) {
	for _, s := range []string{"", "abc", "a'b", "Authorization: Bearer x", "$(rm -rf /)"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		q := Quote(s)
		if q == s {
			if s == "" || strings.ContainsAny(s, " '\"$`\\;&|<>()*?!\n\t") {
				t.Fatalf("%q left unquoted", s)
			}
			return
		}
		if !strings.HasPrefix(q, "'") || !strings.HasSuffix(q, "'") {
			t.Fatalf("%q quoted as %q", s, q)
		}
		// Undo POSIX single quoting and compare.
		inner := strings.ReplaceAll(q[1:len(q)-1], `'\''`, "'")
		if inner != s {
			t.Fatalf("round trip %q -> %q -> %q", s, q, inner)
		}
	})
}
