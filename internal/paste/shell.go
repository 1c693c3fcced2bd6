package paste

import (
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Limits on a paste, so hostile text cannot exhaust memory.
const (
	// MaxPaste is the largest paste read, in bytes.
	MaxPaste = 8 << 20
	maxArgs  = 10000
)

// splitPOSIX splits a command line as bash does for a simple command
// (what "Copy as cURL (bash)" writes and Firefox's "Copy as cURL" on Linux
// and macOS): blanks separate words; backslash-newline joins lines; '...'
// is literal; $'...' is ANSI-C quoting (\n, \xHH, \uHHHH, \NNN, ...);
// "..." keeps $, `, ", \ and newline escapable; an unquoted backslash
// escapes the next character; # starts a comment at the start of a word.
// Expansions ($VAR, $(...), `...`) are not performed: DevTools never
// writes them, and a paste is data, not a script. It returns the words of
// each command: commands are separated by an unquoted newline, ';', '&'
// or '|'.
func splitPOSIX(s string) ([][]string, error) {
	var (
		cmds [][]string
		args []string
		cur  strings.Builder
		in   bool // inside a word
		line = 1
	)
	endWord := func() error {
		if in {
			if len(args) >= maxArgs {
				return fmt.Errorf("more than %d arguments", maxArgs)
			}
			args = append(args, cur.String())
			cur.Reset()
			in = false
		}
		return nil
	}
	endCmd := func() {
		if len(args) > 0 {
			cmds = append(cmds, args)
			args = nil
		}
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '\\':
			if i+1 < len(s) && s[i+1] == '\n' {
				i++
				line++
				continue
			}
			if i+2 < len(s) && s[i+1] == '\r' && s[i+2] == '\n' {
				i += 2
				line++
				continue
			}
			if i+1 < len(s) {
				cur.WriteByte(s[i+1])
				i++
			}
			in = true
		case c == '\'':
			j := strings.IndexByte(s[i+1:], '\'')
			if j < 0 {
				return nil, fmt.Errorf("line %d: unterminated single quote", line)
			}
			part := s[i+1 : i+1+j]
			line += strings.Count(part, "\n")
			cur.WriteString(part)
			i += j + 1
			in = true
		case c == '$' && i+1 < len(s) && s[i+1] == '\'':
			n, err := ansiC(s[i+2:], &cur)
			if err != nil {
				return nil, fmt.Errorf("line %d: %v", line, err)
			}
			line += strings.Count(s[i+2:i+2+n], "\n")
			i += 1 + n
			in = true
		case c == '"':
			j := i + 1
			for ; j < len(s) && s[j] != '"'; j++ {
				if s[j] == '\\' && j+1 < len(s) {
					switch s[j+1] {
					case '$', '`', '"', '\\':
						cur.WriteByte(s[j+1])
						j++
						continue
					case '\n':
						j++
						line++
						continue
					}
				}
				if s[j] == '\n' {
					line++
				}
				cur.WriteByte(s[j])
			}
			if j >= len(s) {
				return nil, fmt.Errorf("line %d: unterminated double quote", line)
			}
			i = j
			in = true
		case c == ' ' || c == '\t' || c == '\r':
			if err := endWord(); err != nil {
				return nil, err
			}
		case c == '\n' || c == ';' || c == '&' || c == '|':
			if err := endWord(); err != nil {
				return nil, err
			}
			endCmd()
			if c == '\n' {
				line++
			}
		case c == '#' && !in:
			for i < len(s) && s[i] != '\n' {
				i++
			}
			i--
		default:
			cur.WriteByte(c)
			in = true
		}
	}
	if err := endWord(); err != nil {
		return nil, err
	}
	endCmd()
	return cmds, nil
}

// ansiC decodes the body of a bash $'...' string from s (just after the
// opening quote) into b and returns the bytes consumed, closing quote
// included.
func ansiC(s string, b *strings.Builder) (int, error) {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == '\'' {
			return i + 1, nil
		}
		if c != '\\' || i+1 >= len(s) {
			b.WriteByte(c)
			continue
		}
		i++
		if c, ok := controlEscapes[s[i]]; ok {
			b.WriteByte(c)
			continue
		}
		switch e := s[i]; e {
		case 'e', 'E':
			b.WriteByte(0x1b)
		case '\\', '\'', '"', '?':
			b.WriteByte(e)
		case 'c':
			if i+1 < len(s) {
				i++
				b.WriteByte(s[i] & 0x1f)
			}
		case 'x', 'u', 'U':
			max := map[byte]int{'x': 2, 'u': 4, 'U': 8}[e]
			j := i + 1
			for j < len(s) && j-i-1 < max && isHex(s[j]) {
				j++
			}
			if j == i+1 {
				b.WriteByte('\\')
				b.WriteByte(e)
				continue
			}
			v, _ := strconv.ParseUint(s[i+1:j], 16, 32)
			if e == 'x' {
				b.WriteByte(byte(v))
			} else if v > utf8.MaxRune {
				b.WriteRune(utf8.RuneError)
			} else {
				b.WriteRune(rune(v))
			}
			i = j - 1
		case '0', '1', '2', '3', '4', '5', '6', '7':
			j := i
			for j < len(s) && j-i < 3 && s[j] >= '0' && s[j] <= '7' {
				j++
			}
			v, _ := strconv.ParseUint(s[i:j], 8, 16)
			b.WriteByte(byte(v))
			i = j - 1
		default:
			b.WriteByte('\\')
			b.WriteByte(e)
		}
	}
	return 0, fmt.Errorf("unterminated $'...' string")
}

// controlEscapes are the C-style one-letter escapes bash's $'...',
// PowerShell's backtick and JavaScript share.
var controlEscapes = map[byte]byte{'a': '\a', 'b': '\b', 'f': '\f', 'n': '\n', 'r': '\r', 't': '\t', 'v': '\v'}

func isHex(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
}

// splitCmd splits a Windows command line as cmd.exe and then the
// Microsoft C runtime do, the two parsers "Copy as cURL (cmd)" escapes
// for. cmd.exe: outside double quotes a caret escapes the next character
// and a caret before a line break continues the line (the break itself is
// dropped, the character after it kept); inside quotes carets are
// literal; an unescaped newline, '&' or '|' outside quotes ends the
// command. Percent signs are kept: an undefined %VAR% stays as typed on an
// interactive command line. C runtime: blanks separate arguments outside
// quotes; 2n backslashes before a quote give n backslashes and the quote
// toggles quoting; 2n+1 give n backslashes and a literal quote; "" inside
// quotes is a literal quote.
func splitCmd(s string) ([][]string, error) {
	// cmd.exe phase: produce each command's line for the C runtime.
	var lines []string
	var cur strings.Builder
	quoted := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '"':
			quoted = !quoted
			cur.WriteByte(c)
		case quoted:
			if c == '\r' && i+1 < len(s) && s[i+1] == '\n' {
				continue
			}
			if c == '\n' {
				// A line break ends the command even inside quotes.
				quoted = false
				lines = append(lines, cur.String())
				cur.Reset()
				continue
			}
			cur.WriteByte(c)
		case c == '^':
			if i+1 >= len(s) {
				continue
			}
			n := s[i+1]
			if n == '\r' && i+2 < len(s) && s[i+2] == '\n' {
				i++
				n = '\n'
			}
			if n == '\n' {
				// Continuation: drop the break, take the next
				// character literally (a second break is kept).
				i += 2
				if i < len(s) {
					if s[i] == '\r' && i+1 < len(s) && s[i+1] == '\n' {
						i++
					}
					cur.WriteByte(s[i])
				}
				continue
			}
			// An escaped quote does not toggle cmd's quoting but
			// reaches the C runtime, which sees a quote.
			cur.WriteByte(n)
			i++
		case c == '\r':
		case c == '\n' || c == '&' || c == '|':
			lines = append(lines, cur.String())
			cur.Reset()
		default:
			cur.WriteByte(c)
		}
	}
	if quoted {
		return nil, fmt.Errorf("unterminated double quote")
	}
	lines = append(lines, cur.String())
	var cmds [][]string
	for _, l := range lines {
		args, err := crtArgs(l)
		if err != nil {
			return nil, err
		}
		if len(args) > 0 {
			cmds = append(cmds, args)
		}
	}
	return cmds, nil
}

// crtArgs splits one command line by the C runtime's rules.
func crtArgs(l string) ([]string, error) {
	var args []string
	var cur strings.Builder
	in, quoted := false, false
	for i := 0; i < len(l); i++ {
		c := l[i]
		switch {
		case c == '\\':
			n := 0
			for i < len(l) && l[i] == '\\' {
				n++
				i++
			}
			if i < len(l) && l[i] == '"' {
				cur.WriteString(strings.Repeat(`\`, n/2))
				if n%2 == 1 {
					cur.WriteByte('"')
				} else {
					quoted = !quoted
				}
			} else {
				cur.WriteString(strings.Repeat(`\`, n))
				i--
			}
			in = true
		case c == '"':
			if quoted && i+1 < len(l) && l[i+1] == '"' {
				cur.WriteByte('"')
				i++
			} else {
				quoted = !quoted
			}
			in = true
		case (c == ' ' || c == '\t') && !quoted:
			if in {
				if len(args) >= maxArgs {
					return nil, fmt.Errorf("more than %d arguments", maxArgs)
				}
				args = append(args, cur.String())
				cur.Reset()
				in = false
			}
		default:
			cur.WriteByte(c)
			in = true
		}
	}
	if in {
		args = append(args, cur.String())
	}
	return args, nil
}
