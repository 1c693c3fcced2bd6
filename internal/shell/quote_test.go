package shell

import (
	"os/exec"
	"strings"
	"testing"

	"github.com/corsdoctor/corsdoctor/internal/termsafe"
)

func TestQuote(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ in, want string }{
		{"https://api.example.com/items", "https://api.example.com/items"},
		{"", "''"},
		{"Content-Type: application/json", "'Content-Type: application/json'"},
		{"it's", `'it'\''s'`},
		{"$(rm -rf /)", "'$(rm -rf /)'"},
		{"a\x1b]0;x\x07'b\\", `$'a\x1b]0;x\x07\'b\\'`},
		{"\u202e", `$'\xe2\x80\xae'`},
		{"é\n", `$'é\x0a'`},
	} {
		if got := Quote(tc.in); got != tc.want {
			t.Errorf("Quote(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// FuzzQuote: the shell reads back exactly the original string (bash:
// $'...' is not POSIX sh), and the quoted form is safe to print.
func FuzzQuote(f *testing.F) {
	if _, err := exec.LookPath("bash"); err != nil {
		f.Skip("no bash")
	}
	for _, s := range []string{"a", "a b", "it's", "$HOME", "`x`", "\\", "\n", "\x1b[2J", "\xff'\\"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, c := range []byte(s) {
			if c == 0 {
				return // NUL cannot be passed in an argument
			}
		}
		q := Quote(s)
		if !termsafe.Safe(q) {
			t.Fatalf("Quote(%q) = %q is not safe to print", s, q)
		}
		out, err := exec.Command("bash", "-c", "printf %s "+q).Output()
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
		if strings.HasPrefix(q, "$'") {
			if termsafe.Safe(s) || !termsafe.Safe(q) {
				t.Fatalf("%q quoted as %q", s, q)
			}
			return // read back by FuzzQuote with bash
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
