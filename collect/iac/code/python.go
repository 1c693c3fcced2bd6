package code

import (
	"strings"

	"github.com/corsdoctor/corsdoctor/apimodel"
	"github.com/corsdoctor/corsdoctor/evidence"
)

// pyTok is one Python token.
type pyTok struct {
	kind   byte // 'n' name, 's' string, 'd' number, 'o' operator/bracket
	text   string
	line   int
	col    int
	indent int // indentation of the token's logical line
	first  bool
}

// tokenizePython splits Python source into tokens: names, strings (any
// prefix of r/b/u/f, single, double and triple quotes; the value is the
// unquoted text), numbers and operators; comments are dropped; each
// token knows its logical line's indentation (lines continued inside
// brackets keep the opening line's).
func tokenizePython(src string) []pyTok {
	var out []pyTok
	line, col, depth := 1, 1, 0
	indent, lineStart := 0, true
	i := 0
	adv := func(n int) {
		for k := 0; k < n && i < len(src); k++ {
			if src[i] == '\n' {
				line++
				col = 1
			} else {
				col++
			}
			i++
		}
	}
	for i < len(src) && len(out) < 1<<20 {
		c := src[i]
		if lineStart && depth == 0 {
			n := 0
			for i+n < len(src) && (src[i+n] == ' ' || src[i+n] == '\t') {
				n++
			}
			if i+n < len(src) && src[i+n] != '\n' && src[i+n] != '#' && src[i+n] != '\r' {
				indent = n
			}
			adv(n)
			lineStart = false
			continue
		}
		switch {
		case c == '\n':
			adv(1)
			if depth == 0 {
				lineStart = true
			}
		case c == ' ' || c == '\t' || c == '\r' || c == '\\':
			adv(1)
		case c == '#':
			for i < len(src) && src[i] != '\n' {
				adv(1)
			}
		case isPyStringStart(src[i:]):
			p := 0
			for p < len(src)-i && strings.IndexByte("rRbBuUfF", src[i+p]) >= 0 {
				p++
			}
			q := src[i+p]
			triple := strings.HasPrefix(src[i+p:], strings.Repeat(string(q), 3))
			start, sl, sc := i, line, col
			open := 1
			if triple {
				open = 3
			}
			adv(p + open)
			body := i
			for i < len(src) {
				if src[i] == '\\' {
					adv(2)
					continue
				}
				if triple && strings.HasPrefix(src[i:], strings.Repeat(string(q), 3)) || !triple && src[i] == q {
					break
				}
				if !triple && src[i] == '\n' {
					break
				}
				adv(1)
			}
			val := src[body:i]
			adv(open)
			_ = start
			out = append(out, pyTok{kind: 's', text: val, line: sl, col: sc, indent: indent})
		case c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= 0x80:
			s, sl, sc := i, line, col
			for i < len(src) && (src[i] == '_' || src[i] >= 'a' && src[i] <= 'z' || src[i] >= 'A' && src[i] <= 'Z' || src[i] >= '0' && src[i] <= '9' || src[i] >= 0x80) {
				adv(1)
			}
			out = append(out, pyTok{kind: 'n', text: src[s:i], line: sl, col: sc, indent: indent})
		case c >= '0' && c <= '9':
			s, sl, sc := i, line, col
			for i < len(src) && (src[i] >= '0' && src[i] <= '9' || src[i] == '.' || src[i] == '_' || src[i] == 'x' || src[i] == 'e') {
				adv(1)
			}
			out = append(out, pyTok{kind: 'd', text: src[s:i], line: sl, col: sc, indent: indent})
		default:
			switch c {
			case '(', '[', '{':
				depth++
			case ')', ']', '}':
				if depth > 0 {
					depth--
				}
			}
			if c == '*' && i+1 < len(src) && src[i+1] == '*' {
				out = append(out, pyTok{kind: 'o', text: "**", line: line, col: col, indent: indent})
				adv(2)
				continue
			}
			out = append(out, pyTok{kind: 'o', text: string(c), line: line, col: col, indent: indent})
			adv(1)
		}
	}
	// Mark the first token of each logical line.
	prev := -1
	for k := range out {
		if out[k].line != prev && (k == 0 || !inBrackets(out[:k])) {
			out[k].first = true
		}
		prev = out[k].line
	}
	return out
}

func inBrackets(toks []pyTok) bool {
	d := 0
	for _, t := range toks {
		switch t.text {
		case "(", "[", "{":
			if t.kind == 'o' {
				d++
			}
		case ")", "]", "}":
			if t.kind == 'o' && d > 0 {
				d--
			}
		}
	}
	return d > 0
}

func isPyStringStart(s string) bool {
	p := 0
	for p < len(s) && p < 3 && strings.IndexByte("rRbBuUfF", s[p]) >= 0 {
		p++
	}
	return p < len(s) && (s[p] == '"' || s[p] == '\'')
}

// pyFile is a tokenized Python file.
type pyFile struct {
	name  string
	toks  []pyTok
	dicts map[string]int // NAME = {  -> index of "{"
	funcs map[string]int // def NAME -> index of "def"
}

func analyzePython(name string, src []byte) *Facts {
	f := &Facts{Parser: "python (token scan)"}
	p := &pyFile{name: name, toks: tokenizePython(string(src)), dicts: map[string]int{}, funcs: map[string]int{}}
	t := p.toks
	for k := 0; k+2 < len(t); k++ {
		if t[k].kind == 'n' && t[k].first && t[k+1].text == "=" && t[k+2].text == "{" {
			p.dicts[t[k].text] = k + 2
		}
		if t[k].kind == 'n' && t[k].text == "def" && t[k+1].kind == 'n' {
			p.funcs[t[k+1].text] = k
		}
	}
	for k := range t {
		switch {
		case t[k].kind == 'n' && t[k].text == "return" && t[k].first:
			if r := p.response(k+1, 0); r != nil {
				r.Source = evidence.Source{File: name, Line: t[k].line, Column: t[k].col}
				f.Responses = append(f.Responses, r)
			}
		case t[k].kind == 'n' && t[k].text == "raise" && t[k].first && !p.inTry(k):
			f.Responses = append(f.Responses, &apimodel.CodeResponse{Thrown: true, AllowOrigin: apimodel.TriNo, AllowCredentials: apimodel.TriNo,
				Source: evidence.Source{File: name, Line: t[k].line, Column: t[k].col}})
		}
	}
	return f
}

// inTry reports whether the statement at k is inside the body of a try
// block (not its except/finally) of the same function.
func (p *pyFile) inTry(k int) bool {
	ind := p.toks[k].indent
	for j := k - 1; j >= 0; j-- {
		t := p.toks[j]
		if !t.first || t.indent >= ind {
			continue
		}
		switch t.text {
		case "try":
			return true
		case "def", "class", "except", "finally":
			return false
		}
		ind = t.indent
	}
	return false
}

// matching returns the index of the bracket closing the one at k.
func (p *pyFile) matching(k int) int {
	d := 0
	for j := k; j < len(p.toks); j++ {
		if p.toks[j].kind != 'o' {
			continue
		}
		switch p.toks[j].text {
		case "(", "[", "{":
			d++
		case ")", "]", "}":
			d--
			if d == 0 {
				return j
			}
		}
	}
	return len(p.toks) - 1
}

// response reads the expression starting at k as a response: a dict
// literal with "statusCode", a name bound to one, or a call of a local
// function that returns one (the status from its first argument).
func (p *pyFile) response(k, depth int) *apimodel.CodeResponse {
	t := p.toks
	if k >= len(t) || depth > 4 {
		return nil
	}
	switch {
	case t[k].text == "{" && t[k].kind == 'o':
		status, has := "", false
		var h headerSet
		p.dictItems(k, 0, func(key string, v int) {
			switch key {
			case "statusCode":
				has = true
				if t[v].kind == 'd' {
					status = t[v].text
				}
			case "headers":
				if d := p.dictAt(v, 0); d >= 0 {
					p.dictItems(d, 0, func(hk string, hv int) {
						lit, ok := p.literal(hv)
						h.add(hk, lit, ok)
					})
				}
			}
		})
		if !has {
			return nil
		}
		return h.response(status, evidence.Source{})
	case t[k].kind == 'n' && k+1 < len(t) && t[k+1].text == "(":
		def, ok := p.funcs[t[k].text]
		if !ok {
			return nil
		}
		var returns []*apimodel.CodeResponse
		ind := t[def].indent
		for j := def + 1; j < len(t); j++ {
			if t[j].first && t[j].indent <= ind {
				break
			}
			if t[j].text == "return" && t[j].first && t[j].kind == 'n' {
				if r := p.response(j+1, depth+1); r != nil {
					returns = append(returns, r)
				}
			}
		}
		status := ""
		if k+2 < len(t) && t[k+2].kind == 'd' {
			status = t[k+2].text
		}
		return viaHelper(returns, status)
	case t[k].kind == 'n':
		if d, ok := p.dicts[t[k].text]; ok && (k+1 >= len(t) || t[k+1].first || t[k+1].text == ")") {
			return p.response(d, depth+1)
		}
	}
	return nil
}

// dictAt resolves the expression at k to a dict literal's "{" index.
func (p *pyFile) dictAt(k, depth int) int {
	if k >= len(p.toks) || depth > 4 {
		return -1
	}
	if p.toks[k].text == "{" && p.toks[k].kind == 'o' {
		return k
	}
	if p.toks[k].kind == 'n' {
		if d, ok := p.dicts[p.toks[k].text]; ok {
			return d
		}
	}
	return -1
}

// dictItems calls fn for each "key": value item of the dict at k, with
// the index of the value's first token; **spread dicts are followed.
func (p *pyFile) dictItems(k, depth int, fn func(key string, v int)) {
	if depth > 4 {
		return
	}
	end := p.matching(k)
	t := p.toks
	d := 0
	for j := k + 1; j < end; j++ {
		if t[j].kind == 'o' {
			switch t[j].text {
			case "(", "[", "{":
				d++
				continue
			case ")", "]", "}":
				d--
				continue
			}
		}
		if d != 0 {
			continue
		}
		if t[j].kind == 's' && j+1 < end && t[j+1].text == ":" {
			fn(t[j].text, j+2)
		}
		if t[j].text == "**" && j+1 < end {
			if dd := p.dictAt(j+1, depth+1); dd >= 0 {
				p.dictItems(dd, depth+1, fn)
			}
		}
	}
}

// literal returns the token at k as a literal value when it is one (a
// string, a number, True/False) followed by the item's end.
func (p *pyFile) literal(k int) (string, bool) {
	if k >= len(p.toks) {
		return "", false
	}
	t := p.toks[k]
	end := k+1 >= len(p.toks) || p.toks[k+1].text == "," || p.toks[k+1].text == "}"
	switch {
	case t.kind == 's' && end:
		return t.text, true
	case t.kind == 'd' && end:
		return t.text, true
	case t.kind == 'n' && (t.text == "True" || t.text == "False") && end:
		return strings.ToLower(t.text), true
	}
	return "", false
}
