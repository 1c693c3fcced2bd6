// Package termsafe makes untrusted text safe to print on a terminal.
//
// Everything corsdoctor prints may come from someone else: a server's
// reason phrase and headers, a pasted response, a HAR file, a log line, a
// template. A terminal interprets some characters: ESC starts sequences
// that move the cursor, clear the screen, retitle the window or set the
// clipboard (OSC 52); BEL rings, BS and CR overwrite what was printed;
// C1 controls (U+0080-U+009F, CSI is U+009B) do what ESC does on many
// terminals; bidirectional overrides (U+202E...) reorder what the reader
// sees. Escape turns each of these into a visible escape, so untrusted
// text can neither hide lines nor drive the terminal, and Shorten cuts
// values that would flood it, saying how long they were.
//
// Text presenters print untrusted strings through Fprintf (or Escape)
// exactly once, at the edge; the data behind them (JSON, SARIF, HTML)
// keeps the original bytes and escapes for its own format.
package termsafe

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Escape returns s with every character a terminal could interpret
// replaced by a visible escape: \n, \r and \t as such, other C0 controls,
// DEL and invalid UTF-8 bytes as \xHH, C1 controls, bidirectional
// controls and the Unicode line and paragraph separators as \uHHHH.
// Printable text, non-ASCII letters included, is unchanged. Backslashes
// are not escaped: the result is for reading, not for parsing back.
func Escape(s string) string {
	i := unsafeIndex(s)
	if i < 0 {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 16)
	b.WriteString(s[:i])
	for i < len(s) {
		c := s[i]
		if c >= 0x20 && c < 0x7f {
			b.WriteByte(c)
			i++
			continue
		}
		if c < utf8.RuneSelf {
			switch c {
			case '\n':
				b.WriteString(`\n`)
			case '\r':
				b.WriteString(`\r`)
			case '\t':
				b.WriteString(`\t`)
			default:
				writeHex(&b, `\x`, uint32(c), 2)
			}
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && n == 1:
			writeHex(&b, `\x`, uint32(c), 2)
		case unsafeRune(r):
			writeHex(&b, `\u`, uint32(r), 4)
		default:
			b.WriteString(s[i : i+n])
		}
		i += n
	}
	return b.String()
}

// Safe reports whether s prints as itself (Escape(s) == s).
func Safe(s string) bool { return unsafeIndex(s) < 0 }

// unsafeIndex is the index of the first byte that needs escaping, or -1.
func unsafeIndex(s string) int {
	for i := 0; i < len(s); {
		c := s[i]
		if c >= 0x20 && c < 0x7f {
			i++
			continue
		}
		if c < utf8.RuneSelf {
			return i
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && n == 1 || unsafeRune(r) {
			return i
		}
		i += n
	}
	return -1
}

// unsafeRune reports whether a non-ASCII rune must be escaped.
func unsafeRune(r rune) bool {
	switch {
	case r >= 0x80 && r <= 0x9f: // C1 controls (CSI, OSC, ...)
		return true
	case r == 0x061c, r == 0x200e, r == 0x200f, // ALM, LRM, RLM
		r >= 0x202a && r <= 0x202e, // LRE, RLE, PDF, LRO, RLO
		r >= 0x2066 && r <= 0x2069, // LRI, RLI, FSI, PDI
		r == 0x2028, r == 0x2029,   // line and paragraph separators
		r == 0xfeff: // zero-width no-break space (BOM)
		return true
	}
	return false
}

func writeHex(b *strings.Builder, prefix string, v uint32, width int) {
	b.WriteString(prefix)
	h := strconv.FormatUint(uint64(v), 16)
	for i := len(h); i < width; i++ {
		b.WriteByte('0')
	}
	b.WriteString(h)
}

// Limits of text output.
const (
	// MaxValue is where a header value, URL or similar single value is
	// cut in text output.
	MaxValue = 256
	// MaxText is where any other untrusted string (a message, a detail
	// line quoting values) is cut by Fprintf.
	MaxText = 2048
)

// Shorten returns s unchanged when it is at most n bytes, else its first
// n bytes (cut at a character boundary) followed by "... (N bytes)",
// where N is the length of s. JSON output keeps values whole.
func Shorten(s string, n int) string {
	if len(s) <= n {
		return s
	}
	cut := n
	for cut > 0 && cut < len(s) && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "... (" + strconv.Itoa(len(s)) + " bytes)"
}

// Value prepares one untrusted value for a text line: shortened to
// MaxValue, then escaped.
func Value(s string) string { return Escape(Shorten(s, MaxValue)) }

// Text prepares an untrusted string for a text line: shortened to
// MaxText, then escaped.
func Text(s string) string { return Escape(Shorten(s, MaxText)) }

// Fprintf is fmt.Fprintf for text presenters: every string, error or
// fmt.Stringer argument of a %s or %v verb goes through Text, and of a %q
// verb through Shorten (%q escapes by itself). The format is trusted;
// the arguments are not.
func Fprintf(w io.Writer, format string, a ...any) (int, error) {
	return fmt.Fprintf(w, format, Args(format, a)...)
}

// Sprintf is Fprintf into a string.
func Sprintf(format string, a ...any) string {
	return fmt.Sprintf(format, Args(format, a)...)
}

// Args returns a copy of a with the string-like arguments of format's %s,
// %v and %q verbs made safe (see Fprintf).
func Args(format string, a []any) []any {
	verbs := verbsOf(format, len(a))
	out := make([]any, len(a))
	for i, v := range a {
		out[i] = v
		verb := byte('v')
		if verbs != nil {
			verb = verbs[i]
		}
		if verb != 's' && verb != 'v' && verb != 'q' {
			continue
		}
		s, ok := stringOf(v)
		if !ok {
			continue
		}
		if verb == 'q' {
			out[i] = Shorten(s, MaxText)
		} else {
			out[i] = Text(s)
		}
	}
	return out
}

func stringOf(v any) (string, bool) {
	switch x := v.(type) {
	case string:
		return x, true
	case error:
		if x == nil {
			return "", false
		}
		return x.Error(), true
	case fmt.Stringer:
		return x.String(), true
	case []byte:
		return string(x), true
	}
	return "", false
}

// verbsOf maps each argument to the verb that consumes it ('*' for a
// width or precision). It returns nil when the format uses explicit
// argument indexes; Args then treats every argument as %v, which is safe.
func verbsOf(format string, n int) []byte {
	verbs := make([]byte, n)
	arg := 0
	for i := 0; i < len(format); i++ {
		if format[i] != '%' {
			continue
		}
		i++
		for ; i < len(format); i++ {
			c := format[i]
			switch {
			case c == '%' && format[i-1] == '%':
				// "%%" is a literal percent sign.
			case c == '[':
				return nil
			case c == '*':
				if arg < n {
					verbs[arg] = '*'
				}
				arg++
				continue
			case strings.IndexByte("+-# 0.123456789", c) >= 0:
				continue
			default:
				if arg < n {
					verbs[arg] = c
				}
				arg++
			}
			break
		}
	}
	return verbs
}
