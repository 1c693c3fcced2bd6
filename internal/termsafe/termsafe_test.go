package termsafe

import (
	"bytes"
	"errors"
	"strings"
	"testing"
	"unicode/utf8"
)

// TestEscape: every character a terminal interprets becomes visible;
// printable text, non-ASCII letters included, is unchanged.
func TestEscape(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ desc, in, want string }{
		{"plain", "Access-Control-Allow-Origin: *", "Access-Control-Allow-Origin: *"},
		{"empty", "", ""},
		{"letters", "réponse 東京 🙂", "réponse 東京 🙂"},
		{"NUL", "a\x00b", `a\x00b`},
		{"BEL", "ding\a", `ding\x07`},
		{"BS hides what was printed", "secret\b\b\b\b\b\bpublic", `secret\x08\x08\x08\x08\x08\x08public`},
		{"TAB", "a\tb", `a\tb`},
		{"LF forges a line", "OK\nALLOWED", `OK\nALLOWED`},
		{"CR overwrites the line", "BLOCKED\rALLOWED", `BLOCKED\rALLOWED`},
		{"VT FF", "\v\f", `\x0b\x0c`},
		{"ESC clear screen", "\x1b[2J\x1b[H", `\x1b[2J\x1b[H`},
		{"OSC retitle window", "\x1b]0;pwned\x07", `\x1b]0;pwned\x07`},
		{"OSC 52 clipboard", "\x1b]52;c;cm0gLXJmIH4=\x1b\\", `\x1b]52;c;cm0gLXJmIH4=\x1b\`},
		{"DEL", "a\x7fb", `a\x7fb`},
		{"C1 CSI as UTF-8", "a\u009b2Jb", `a\u009b2Jb`},
		{"C1 NEL", "a\u0085b", `a\u0085b`},
		{"raw 8-bit CSI byte", "a\x9b2Jb", `a\x9b2Jb`},
		{"invalid UTF-8", "\xff\xfe", `\xff\xfe`},
		{"truncated UTF-8", "caf\xc3", `caf\xc3`},
		{"RLO reorders", "abc\u202edcba", `abc\u202edcba`},
		{"RLI PDI", "\u2067x\u2069", `\u2067x\u2069`},
		{"LRM RLM ALM", "\u200e\u200f\u061c", `\u200e\u200f\u061c`},
		{"line separator", "a\u2028b\u2029c", `a\u2028b\u2029c`},
		{"BOM", "\ufeffx", `\ufeffx`},
		{"backslash kept", `C:\temp`, `C:\temp`},
	} {
		t.Run(tc.desc, func(t *testing.T) {
			t.Parallel()
			if got := Escape(tc.in); got != tc.want {
				t.Errorf("Escape(%q) = %q, want %q", tc.in, got, tc.want)
			}
			if Safe(tc.in) != (tc.in == tc.want) {
				t.Errorf("Safe(%q) = %v", tc.in, Safe(tc.in))
			}
		})
	}
}

// TestEscapeEveryControl: no C0 or C1 control, DEL included, survives.
func TestEscapeEveryControl(t *testing.T) {
	t.Parallel()
	for c := rune(0); c < 0xa0; c++ {
		if c >= 0x20 && c < 0x7f {
			continue
		}
		s := "x" + string(c) + "y"
		if got := Escape(s); !printable(got) || got == s {
			t.Errorf("Escape(%q) = %q", s, got)
		}
	}
}

// printable: only printable ASCII and non-control, non-format runes.
func printable(s string) bool {
	if !utf8.ValidString(s) {
		return false
	}
	for _, r := range s {
		if r < 0x20 || r == 0x7f || r >= 0x80 && r <= 0x9f || unsafeRune(r) {
			return false
		}
	}
	return true
}

func TestEscapeNoAllocation(t *testing.T) {
	s := "Access-Control-Allow-Origin: https://app.example.com"
	if n := testing.AllocsPerRun(100, func() { _ = Escape(s) }); n != 0 {
		t.Errorf("Escape of safe text allocates %v times", n)
	}
}

func TestShorten(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		in   string
		n    int
		want string
	}{
		{"short", 10, "short"},
		{"exactly10!", 10, "exactly10!"},
		{strings.Repeat("a", 20), 5, "aaaaa... (20 bytes)"},
		{"ééé", 3, "é... (6 bytes)"}, // never cut inside a character
	} {
		if got := Shorten(tc.in, tc.n); got != tc.want {
			t.Errorf("Shorten(%q, %d) = %q, want %q", tc.in, tc.n, got, tc.want)
		}
	}
	long := strings.Repeat("x", 900<<10)
	if got := Value(long); len(got) > MaxValue+32 || !strings.HasSuffix(got, "(921600 bytes)") {
		t.Errorf("Value of 900 KiB: %d bytes, ends %q", len(got), got[len(got)-20:])
	}
}

type stringer string

func (s stringer) String() string { return string(s) }

// TestFprintf: %s and %v arguments are escaped and shortened, %q ones
// shortened (fmt escapes them), numbers and the format untouched.
func TestFprintf(t *testing.T) {
	t.Parallel()
	evil := "x\x1b]0;owned\x07"
	for _, tc := range []struct {
		format string
		args   []any
		want   string
	}{
		{"%s: %d\n", []any{evil, 7}, `x\x1b]0;owned\x07: 7` + "\n"},
		{"%v", []any{errors.New(evil)}, `x\x1b]0;owned\x07`},
		{"%v", []any{stringer(evil)}, `x\x1b]0;owned\x07`},
		{"%q", []any{evil}, `"x\x1b]0;owned\a"`},
		{"%-*s|", []any{6, "a\rb"}, `a\rb  |`},
		{"100%% %s", []any{"\n"}, `100% \n`},
		{"%[1]s %[1]s", []any{"\b"}, `\x08 \x08`},
		{"%5.2f %s", []any{1.5, "\a"}, ` 1.50 \x07`},
		{"%x", []any{"\x1b"}, `1b`},
		{"%s", []any{[]byte("\x1b")}, `\x1b`},
	} {
		var b bytes.Buffer
		if _, err := Fprintf(&b, tc.format, tc.args...); err != nil {
			t.Fatal(err)
		}
		if b.String() != tc.want {
			t.Errorf("Fprintf(%q, %q) = %q, want %q", tc.format, tc.args, b.String(), tc.want)
		}
	}
	if got := Sprintf("%s", strings.Repeat("y", MaxText+100)); !strings.HasSuffix(got, "... (2148 bytes)") {
		t.Errorf("long argument not shortened: ...%q", got[len(got)-30:])
	}
}

// FuzzEscape: the result is printable, Escape is idempotent on its
// output, and safe input is returned unchanged.
func FuzzEscape(f *testing.F) {
	for _, s := range []string{"", "plain", "\x1b[2J", "\u202e", "\xff", "a\nb", "\u009b"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := Escape(s)
		if !printable(got) {
			t.Fatalf("Escape(%q) = %q holds an unsafe character", s, got)
		}
		if Escape(got) != got {
			t.Fatalf("Escape not idempotent on %q", got)
		}
		if Safe(s) && got != s {
			t.Fatalf("safe %q changed to %q", s, got)
		}
		v := Value(s)
		if !printable(v) || len(v) > 4*MaxValue+40 {
			t.Fatalf("Value(%q) = %q", s, v)
		}
	})
}

// FuzzFprintf: whatever the arguments, the output of a trusted format
// holds nothing a terminal interprets.
func FuzzFprintf(f *testing.F) {
	f.Add("\x1b[2J", "\r")
	f.Fuzz(func(t *testing.T, a, b string) {
		got := Sprintf("%s %v %q %-10s|%*s", a, b, a, b, 3, a)
		if !printable(got) {
			t.Fatalf("output %q holds an unsafe character", got)
		}
	})
}
