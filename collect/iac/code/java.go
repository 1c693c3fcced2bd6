package code

import (
	"regexp"
	"strings"

	"github.com/corsdoctor/corsdoctor/evidence"
)

var (
	javaStatus = regexp.MustCompile(`\.(?:withStatusCode|setStatusCode|statusCode)\(\s*(\d{3})\s*\)`)
	javaHeader = regexp.MustCompile(`"(?i:(access-control-allow-origin|access-control-allow-credentials))"\s*,\s*("([^"]*)"|[^)]*)`)
)

// analyzeJava is the token-level scan for Java handlers (no pure-Go Java
// parser exists): comments and strings are respected by splitting the
// file into methods at brace depth 1 after stripping comments; within a
// method, each withStatusCode/setStatusCode(N) is a response that carries
// the CORS headers the same method puts (headers.put("Access-Control-
// Allow-Origin", "*")).
func analyzeJava(name string, src []byte) *Facts {
	f := &Facts{Parser: "java (token scan)"}
	s := stripJavaComments(string(src))
	// Methods: text between braces at depth 1 (inside the class).
	depth, start := 0, -1
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '"':
			for i++; i < len(s) && s[i] != '"' && s[i] != '\n'; i++ {
				if s[i] == '\\' {
					i++
				}
			}
		case '{':
			depth++
			if depth == 2 {
				start = i
			}
		case '}':
			if depth == 2 && start >= 0 {
				javaMethod(f, name, s, start, i)
				start = -1
			}
			depth--
		}
	}
	return f
}

func javaMethod(f *Facts, name, s string, from, to int) {
	body := s[from:to]
	var h headerSet
	for _, m := range javaHeader.FindAllStringSubmatch(body, -1) {
		h.add(m[1], m[3], strings.HasPrefix(m[2], `"`))
	}
	for _, m := range javaStatus.FindAllStringSubmatchIndex(body, -1) {
		off := from + m[0]
		line := strings.Count(s[:off], "\n") + 1
		f.Responses = append(f.Responses, h.response(body[m[2]:m[3]], evidence.Source{File: name, Line: line}))
	}
}

// stripJavaComments blanks // and /* */ comments, keeping line breaks
// and string literals.
func stripJavaComments(s string) string {
	b := []byte(s)
	for i := 0; i < len(b); i++ {
		switch {
		case b[i] == '"':
			for i++; i < len(b) && b[i] != '"' && b[i] != '\n'; i++ {
				if b[i] == '\\' {
					i++
				}
			}
		case b[i] == '/' && i+1 < len(b) && b[i+1] == '/':
			for ; i < len(b) && b[i] != '\n'; i++ {
				b[i] = ' '
			}
		case b[i] == '/' && i+1 < len(b) && b[i+1] == '*':
			for ; i+1 < len(b) && !(b[i] == '*' && b[i+1] == '/'); i++ {
				if b[i] != '\n' {
					b[i] = ' '
				}
			}
			if i+1 < len(b) {
				b[i], b[i+1] = ' ', ' '
			}
		}
	}
	return string(b)
}
