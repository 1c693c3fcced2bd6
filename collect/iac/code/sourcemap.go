package code

import (
	"encoding/json"
	"strings"
)

// lineMap maps generated lines of esbuild's output back to source lines,
// from a source map's "mappings" (Source Map Revision 3: base64 VLQ
// segments; fields generated column, source index, source line, source
// column, all relative).
type lineMap struct {
	// segs[genLine-1] are (genCol, srcLine, srcCol), 1-based lines.
	segs [][][3]int
}

func parseSourceMap(b []byte) *lineMap {
	var sm struct {
		Mappings string `json:"mappings"`
	}
	if json.Unmarshal(b, &sm) != nil {
		return &lineMap{}
	}
	m := &lineMap{}
	srcLine, srcCol := 0, 0
	for _, line := range strings.Split(sm.Mappings, ";") {
		var segs [][3]int
		genCol := 0
		for _, seg := range strings.Split(line, ",") {
			if seg == "" {
				continue
			}
			v := decodeVLQ(seg)
			if len(v) < 4 {
				continue
			}
			genCol += v[0]
			srcLine += v[2]
			srcCol += v[3]
			segs = append(segs, [3]int{genCol, srcLine + 1, srcCol + 1})
		}
		m.segs = append(m.segs, segs)
	}
	return m
}

// source maps a generated 1-based line and column to the source's.
func (m *lineMap) source(line, col int) (int, int) {
	if line < 1 || line > len(m.segs) {
		return line, col
	}
	segs := m.segs[line-1]
	best := -1
	for i, s := range segs {
		if s[0] <= col-1 {
			best = i
		}
	}
	if best < 0 {
		if len(segs) == 0 {
			return line, col
		}
		best = 0
	}
	return segs[best][1], segs[best][2]
}

const b64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"

func decodeVLQ(s string) []int {
	var out []int
	val, shift := 0, 0
	for i := 0; i < len(s); i++ {
		d := strings.IndexByte(b64, s[i])
		if d < 0 {
			return out
		}
		val |= (d & 31) << shift
		if d&32 != 0 {
			shift += 5
			if shift > 30 {
				return out
			}
			continue
		}
		n := val >> 1
		if val&1 != 0 {
			n = -n
		}
		out = append(out, n)
		val, shift = 0, 0
	}
	return out
}
