package fix

import (
	"fmt"
	"strings"
)

// Unified renders the unified diff (3 lines of context) that turns a into
// b, with the given file names; "" when they are equal.
func Unified(nameA, nameB string, a, b []byte) string {
	if string(a) == string(b) {
		return ""
	}
	x, y := splitLines(string(a)), splitLines(string(b))
	ops := diffLines(x, y)
	var out strings.Builder
	fmt.Fprintf(&out, "--- %s\n+++ %s\n", nameA, nameB)
	const ctx = 3
	// Group the edit script into hunks.
	type op struct {
		kind byte // ' ', '-', '+'
		text string
		i, j int // line numbers (0-based) in a and b before this op
	}
	var seq []op
	i, j := 0, 0
	for _, o := range ops {
		switch o {
		case ' ':
			seq = append(seq, op{' ', x[i], i, j})
			i++
			j++
		case '-':
			seq = append(seq, op{'-', x[i], i, j})
			i++
		case '+':
			seq = append(seq, op{'+', y[j], i, j})
			j++
		}
	}
	for k := 0; k < len(seq); {
		if seq[k].kind == ' ' {
			k++
			continue
		}
		start := k - ctx
		if start < 0 {
			start = 0
		}
		end := k
		for end < len(seq) {
			if seq[end].kind != ' ' {
				end++
				continue
			}
			// Run of context: does another change follow within 2*ctx?
			r := end
			for r < len(seq) && seq[r].kind == ' ' {
				r++
			}
			if r < len(seq) && r-end <= 2*ctx {
				end = r
				continue
			}
			end += ctx
			if end > len(seq) {
				end = len(seq)
			}
			break
		}
		var la, lb int
		for _, o := range seq[start:end] {
			if o.kind != '+' {
				la++
			}
			if o.kind != '-' {
				lb++
			}
		}
		fmt.Fprintf(&out, "@@ -%s +%s @@\n", hunkRange(seq[start].i, la), hunkRange(seq[start].j, lb))
		for _, o := range seq[start:end] {
			out.WriteByte(o.kind)
			out.WriteString(o.text)
			if !strings.HasSuffix(o.text, "\n") {
				out.WriteString("\n\\ No newline at end of file\n")
			}
		}
		k = end
	}
	return out.String()
}

func hunkRange(start, n int) string {
	if n == 0 {
		return fmt.Sprintf("%d,0", start)
	}
	if n == 1 {
		return fmt.Sprintf("%d", start+1)
	}
	return fmt.Sprintf("%d,%d", start+1, n)
}

// splitLines splits after each newline, keeping it.
func splitLines(s string) []string {
	var out []string
	for s != "" {
		i := strings.IndexByte(s, '\n')
		if i < 0 {
			out = append(out, s)
			break
		}
		out = append(out, s[:i+1])
		s = s[i+1:]
	}
	return out
}

// diffLines returns an edit script (' ' keep, '-' delete, '+' insert)
// from Myers' O(ND) algorithm, after trimming the common prefix and
// suffix (fixes touch few lines of large files).
func diffLines(a, b []string) []byte {
	pre := 0
	for pre < len(a) && pre < len(b) && a[pre] == b[pre] {
		pre++
	}
	suf := 0
	for suf < len(a)-pre && suf < len(b)-pre && a[len(a)-1-suf] == b[len(b)-1-suf] {
		suf++
	}
	mid := myers(a[pre:len(a)-suf], b[pre:len(b)-suf])
	out := make([]byte, 0, pre+len(mid)+suf)
	for k := 0; k < pre; k++ {
		out = append(out, ' ')
	}
	out = append(out, mid...)
	for k := 0; k < suf; k++ {
		out = append(out, ' ')
	}
	return out
}

func myers(a, b []string) []byte {
	n, m := len(a), len(b)
	if n == 0 || m == 0 {
		out := make([]byte, 0, n+m)
		for i := 0; i < n; i++ {
			out = append(out, '-')
		}
		for j := 0; j < m; j++ {
			out = append(out, '+')
		}
		return out
	}
	max := n + m
	v := make([]int, 2*max+2)
	var trace [][]int
	for d := 0; d <= max; d++ {
		vc := make([]int, len(v))
		copy(vc, v)
		trace = append(trace, vc)
		for k := -d; k <= d; k += 2 {
			var x int
			if k == -d || k != d && v[max+k-1] < v[max+k+1] {
				x = v[max+k+1]
			} else {
				x = v[max+k-1] + 1
			}
			y := x - k
			for x < n && y < m && a[x] == b[y] {
				x++
				y++
			}
			v[max+k] = x
			if x >= n && y >= m {
				return backtrack(trace, a, b, d, max)
			}
		}
	}
	return nil
}

func backtrack(trace [][]int, a, b []string, d, max int) []byte {
	x, y := len(a), len(b)
	var rev []byte
	for ; d > 0; d-- {
		v := trace[d]
		k := x - y
		var pk int
		if k == -d || k != d && v[max+k-1] < v[max+k+1] {
			pk = k + 1
		} else {
			pk = k - 1
		}
		px := v[max+pk]
		py := px - pk
		for x > px && y > py {
			rev = append(rev, ' ')
			x--
			y--
		}
		if x == px {
			rev = append(rev, '+')
			y--
		} else {
			rev = append(rev, '-')
			x--
		}
	}
	for x > 0 && y > 0 {
		rev = append(rev, ' ')
		x--
		y--
	}
	out := make([]byte, len(rev))
	for i := range rev {
		out[i] = rev[len(rev)-1-i]
	}
	return out
}
