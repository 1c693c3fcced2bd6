package cli

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// fixExampleRe finds a `corsdoctor fix` example in the documentation: the
// command after "$ " and the output up to the end of the code block.
var fixExampleRe = regexp.MustCompile("(?m)^\\$ corsdoctor (fix [^\n]*)\n((?s:.*?))^```")

// TestFixDocExamples runs every `corsdoctor fix` example of the README and
// docs/fix.md from the repository's root and compares its output with the
// one shown: byte for byte, or, where the example elides the diff with a
// "..." line, the lines after it. The documentation shows what the binary
// prints today.
func TestFixDocExamples(t *testing.T) {
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	t.Chdir(root)
	n := 0
	for _, doc := range []string{"README.md", filepath.Join("docs", "fix.md")} {
		b, err := os.ReadFile(doc)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range fixExampleRe.FindAllStringSubmatch(string(b), -1) {
			n++
			args := strings.Fields(m[1])[1:]
			want := m[2]
			out, errOut, _ := runFixArgs(t, args...)
			if errOut != "" {
				t.Errorf("%s: corsdoctor fix %s: stderr %s", doc, m[1], errOut)
			}
			if i := strings.Index(want, "...\n"); i == 0 || i > 0 && want[i-1] == '\n' {
				want = want[i+len("...\n"):]
				if !strings.HasSuffix(out, want) {
					t.Errorf("%s: corsdoctor %s: output ends\n%s\nthe example shows\n%s", doc, m[1], tail(out, strings.Count(want, "\n")), want)
				}
				continue
			}
			if out != want {
				t.Errorf("%s: corsdoctor %s prints\n%s\nthe example shows\n%s", doc, m[1], out, want)
			}
		}
	}
	if n < 4 {
		t.Errorf("found %d fix examples in README.md and docs/fix.md, want at least 4", n)
	}
}

// tail returns the last n lines of s.
func tail(s string, n int) string {
	lines := strings.SplitAfter(s, "\n")
	if len(lines) > n+1 {
		lines = lines[len(lines)-n-1:]
	}
	return strings.Join(lines, "")
}
