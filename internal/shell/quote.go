// Package shell quotes arguments for POSIX shells, for the curl and
// corsdoctor command lines corsdoctor prints.
package shell

import "strings"

// Quote returns s unchanged when it is made only of characters no POSIX
// shell interprets, else single-quoted with embedded quotes escaped.
func Quote(s string) string {
	if s != "" && strings.IndexFunc(s, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("-_./:=@%+,", r))
	}) < 0 {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
