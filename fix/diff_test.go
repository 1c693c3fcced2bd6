package fix

import (
	"strings"
	"testing"
)

// apply rebuilds b from a and an edit script.
func apply(a, b []string, ops []byte) []string {
	var out []string
	i, j := 0, 0
	for _, o := range ops {
		switch o {
		case ' ':
			out = append(out, a[i])
			i++
			j++
		case '-':
			i++
		case '+':
			out = append(out, b[j])
			j++
		}
	}
	return out
}

func TestUnified(t *testing.T) {
	t.Parallel()
	a := "a\nb\nc\nd\ne\nf\ng\nh\ni\nj\n"
	b := "a\nb\nc\nD\ne\nf\ng\nh\ni\nj\nk\n"
	want := "--- a/x\n+++ b/x\n@@ -1,10 +1,11 @@\n a\n b\n c\n-d\n+D\n e\n f\n g\n h\n i\n j\n+k\n"
	if got := Unified("a/x", "b/x", []byte(a), []byte(b)); got != want {
		t.Errorf("got:\n%s\nwant:\n%s", got, want)
	}
	far := "1\n2\n3\n4\n5\n6\n7\n8\n9\n10\n11\n12\n"
	farB := strings.Replace(strings.Replace(far, "2\n", "two\n", 1), "11\n", "eleven\n", 1)
	got := Unified("a", "b", []byte(far), []byte(farB))
	if strings.Count(got, "@@ ") != 2 {
		t.Errorf("distant changes should make two hunks:\n%s", got)
	}
	if Unified("a", "b", []byte(far), []byte(far)) != "" {
		t.Error("equal inputs gave a diff")
	}
	if got := Unified("a", "b", []byte("x"), []byte("y")); !strings.Contains(got, "\\ No newline at end of file") {
		t.Errorf("missing final newline not marked:\n%s", got)
	}
}

// FuzzDiffLines checks that the edit script rebuilds the second input.
func FuzzDiffLines(f *testing.F) {
	f.Add("a\nb\nc\n", "a\nc\nd\n")
	f.Add("", "x\n")
	f.Add("same\n", "same\n")
	f.Fuzz(func(t *testing.T, x, y string) {
		if len(x) > 2000 || len(y) > 2000 {
			return
		}
		a, b := splitLines(x), splitLines(y)
		ops := diffLines(a, b)
		if got := strings.Join(apply(a, b, ops), ""); got != y {
			t.Fatalf("script does not rebuild b: %q", got)
		}
	})
}
