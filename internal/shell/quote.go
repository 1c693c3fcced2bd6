// Package shell quotes arguments for POSIX shells, for the curl and
// corsdoctor command lines corsdoctor prints.
package shell

import (
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/corsdoctor/corsdoctor/internal/termsafe"
)

// Quote returns s unchanged when it is made only of characters no POSIX
// shell interprets, else single-quoted with embedded quotes escaped.
// A string holding characters a terminal interprets (control characters,
// invalid UTF-8, bidirectional overrides; termsafe) is written in ANSI-C
// quoting instead, $'...' with every such character escaped: the line is
// safe to print and bash, zsh and ksh read back the exact bytes.
func Quote(s string) string {
	if s != "" && strings.IndexFunc(s, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("-_./:=@%+,", r))
	}) < 0 {
		return s
	}
	if !termsafe.Safe(s) {
		return ansiC(s)
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// ansiC writes s as $'...': backslash and quote escaped, unsafe bytes as
// \xHH (each byte of a multi-byte unsafe character too, so the bytes read
// back are exactly s's).
func ansiC(s string) string {
	var b strings.Builder
	b.WriteString("$'")
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == '\\' || c == '\'':
			b.WriteByte('\\')
			b.WriteByte(c)
			i++
			continue
		case c >= 0x20 && c < 0x7f:
			b.WriteByte(c)
			i++
			continue
		}
		_, n := utf8.DecodeRuneInString(s[i:])
		if termsafe.Safe(s[i : i+n]) {
			b.WriteString(s[i : i+n])
		} else {
			for j := i; j < i+n; j++ {
				h := strconv.FormatUint(uint64(s[j]), 16)
				if len(h) < 2 {
					h = "0" + h
				}
				b.WriteString(`\x` + h)
			}
		}
		i += n
	}
	b.WriteByte('\'')
	return b.String()
}
