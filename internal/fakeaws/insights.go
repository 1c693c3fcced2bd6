package fakeaws

import (
	"encoding/json"
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"
)

// LogEvent is one raw log event of a fixture's log group. N (default 1)
// counts identical events at the same time: a fixture compression, not
// an AWS field.
type LogEvent struct {
	T       time.Time `json:"t"`
	Message string    `json:"m"`
	N       int       `json:"n,omitempty"`
}

// The fake's CloudWatch Logs Insights: a parser and evaluator of the
// documented query language subset corsdoctor and the documentation's
// examples use (awsdocs/amazon-cloudwatch-logs-user-guide,
// doc_source/CWL_QuerySyntax.md and CWL_QuerySyntax-examples.md, CC
// BY-SA 4.0):
//
//   - commands separated by | (on one line or several): fields, display,
//     filter, parse, stats, sort, limit;
//   - fields/display: field names (backticks for other characters), the
//     general functions coalesce() and ispresent(), aliases with as;
//   - filter: = != < <= > >= (numeric when both sides read as numbers,
//     otherwise text), like/not like "substring" or /regex/, =~ /regex/,
//     ispresent(), and, or, not, parentheses;
//   - parse FIELD "glob with *" as a, b (each * captures, non-greedy; the
//     last one greedy) or /regex/ with named groups (?<name>...);
//   - stats count(*), count(f), min(f), max(f), sum(f), avg(f) [as a] by
//     field [as a] | bin(period) [as a];
//   - sort field [asc|desc] (asc when not given); limit n.
//
// JSON messages have their keys discovered as fields, nested objects
// flattened with dots, as Logs Insights does. What the real service does
// and this one cannot know (comparing a string field with a number, the
// regex dialect, the default sort order) is listed in docs/aws.md under
// "Not verified against real AWS".

type tokKind int

const (
	tEOF tokKind = iota
	tIdent
	tString
	tRegex
	tNumber
	tOp
	tPipe
)

type token struct {
	kind tokKind
	s    string
}

// lex splits a query into tokens. A / starts a regular expression after
// like, =~, or in parse's pattern position; otherwise it is division.
func lex(q string) ([]token, error) {
	var out []token
	i := 0
	regexNext := func() bool {
		if len(out) == 0 {
			return false
		}
		last := out[len(out)-1]
		if last.kind == tIdent && (strings.EqualFold(last.s, "like") || strings.EqualFold(last.s, "parse")) || last.kind == tOp && last.s == "=~" {
			return true
		}
		// parse FIELD /re/
		return len(out) >= 2 && out[len(out)-2].kind == tIdent && strings.EqualFold(out[len(out)-2].s, "parse") && last.kind == tIdent
	}
	for i < len(q) {
		c := q[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			i++
		case c == '#':
			for i < len(q) && q[i] != '\n' {
				i++
			}
		case c == '|':
			out = append(out, token{tPipe, "|"})
			i++
		case c == '"' || c == '\'':
			j := i + 1
			var b strings.Builder
			for j < len(q) && q[j] != c {
				if q[j] == '\\' && j+1 < len(q) {
					j++
				}
				b.WriteByte(q[j])
				j++
			}
			if j >= len(q) {
				return nil, fmt.Errorf("unterminated string at %d", i)
			}
			out = append(out, token{tString, b.String()})
			i = j + 1
		case c == '`':
			j := strings.IndexByte(q[i+1:], '`')
			if j < 0 {
				return nil, fmt.Errorf("unterminated backtick at %d", i)
			}
			out = append(out, token{tIdent, q[i+1 : i+1+j]})
			i += j + 2
		case c == '/' && regexNext():
			j := i + 1
			for j < len(q) && q[j] != '/' {
				if q[j] == '\\' && j+1 < len(q) {
					j++
				}
				j++
			}
			if j >= len(q) {
				return nil, fmt.Errorf("unterminated regex at %d", i)
			}
			out = append(out, token{tRegex, q[i+1 : j]})
			i = j + 1
		case c >= '0' && c <= '9':
			j := i
			for j < len(q) && (q[j] >= '0' && q[j] <= '9' || q[j] == '.') {
				j++
			}
			// a period such as 1m, 5m, 1h
			for j < len(q) && (q[j] >= 'a' && q[j] <= 'z') {
				j++
			}
			out = append(out, token{tNumber, q[i:j]})
			i = j
		case isIdentByte(c):
			j := i
			for j < len(q) && (isIdentByte(q[j]) || q[j] >= '0' && q[j] <= '9') {
				j++
			}
			out = append(out, token{tIdent, q[i:j]})
			i = j
		default:
			for _, op := range []string{"!=", "<=", ">=", "=~", "=", "<", ">", "(", ")", ",", "*", "+", "-", "/", "%", "^"} {
				if strings.HasPrefix(q[i:], op) {
					out = append(out, token{tOp, op})
					i += len(op)
					goto next
				}
			}
			return nil, fmt.Errorf("unexpected %q at %d", c, i)
		next:
		}
	}
	return append(out, token{kind: tEOF}), nil
}

func isIdentByte(c byte) bool {
	return c == '_' || c == '@' || c == '.' || c == '$' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}

// record is one event's fields; nil values are absent fields.
type record struct {
	f map[string]string
	n int
}

func (r record) get(name string) (string, bool) {
	v, ok := r.f[name]
	return v, ok
}

// expr is a compiled value expression: ok is false when absent.
type expr func(record) (string, bool)

// cond is a compiled filter condition.
type cond func(record) bool

type parser struct {
	toks []token
	pos  int
}

func (p *parser) peek() token { return p.toks[p.pos] }
func (p *parser) next() token {
	t := p.toks[p.pos]
	if t.kind != tEOF {
		p.pos++
	}
	return t
}
func (p *parser) isWord(w string) bool {
	t := p.peek()
	return t.kind == tIdent && strings.EqualFold(t.s, w)
}
func (p *parser) isOp(op string) bool { t := p.peek(); return t.kind == tOp && t.s == op }
func (p *parser) expectOp(op string) error {
	if !p.isOp(op) {
		return fmt.Errorf("want %q, got %q", op, p.peek().s)
	}
	p.next()
	return nil
}
func (p *parser) atEnd() bool { k := p.peek().kind; return k == tEOF || k == tPipe }

// value parses a value expression: a field, a literal, or a function call.
func (p *parser) value() (expr, string, error) {
	t := p.next()
	switch t.kind {
	case tString:
		return func(record) (string, bool) { return t.s, true }, strconv.Quote(t.s), nil
	case tNumber:
		return func(record) (string, bool) { return t.s, true }, t.s, nil
	case tIdent:
		if !p.isOp("(") {
			name := t.s
			return func(r record) (string, bool) { return r.get(name) }, name, nil
		}
		p.next()
		var args []expr
		var texts []string
		for !p.isOp(")") {
			a, s, err := p.value()
			if err != nil {
				return nil, "", err
			}
			args, texts = append(args, a), append(texts, s)
			if p.isOp(",") {
				p.next()
			} else if !p.isOp(")") {
				return nil, "", fmt.Errorf("%s(: want , or ), got %q", t.s, p.peek().s)
			}
		}
		p.next()
		text := t.s + "(" + strings.Join(texts, ", ") + ")"
		switch strings.ToLower(t.s) {
		case "coalesce":
			return func(r record) (string, bool) {
				for _, a := range args {
					if v, ok := a(r); ok {
						return v, true
					}
				}
				return "", false
			}, text, nil
		case "ispresent":
			if len(args) != 1 {
				return nil, "", fmt.Errorf("ispresent takes one field")
			}
			return func(r record) (string, bool) {
				_, ok := args[0](r)
				return strconv.FormatBool(ok), true
			}, text, nil
		case "tolower", "toupper":
			if len(args) != 1 {
				return nil, "", fmt.Errorf("%s takes one string", t.s)
			}
			up := strings.EqualFold(t.s, "toupper")
			return func(r record) (string, bool) {
				v, ok := args[0](r)
				if up {
					return strings.ToUpper(v), ok
				}
				return strings.ToLower(v), ok
			}, text, nil
		}
		return nil, "", fmt.Errorf("unsupported function %s", t.s)
	}
	return nil, "", fmt.Errorf("want a value, got %q", t.s)
}

// condition parses: or of ands of [not] primaries.
func (p *parser) condition() (cond, error) {
	left, err := p.andCond()
	if err != nil {
		return nil, err
	}
	for p.isWord("or") {
		p.next()
		right, err := p.andCond()
		if err != nil {
			return nil, err
		}
		l := left
		left = func(r record) bool { return l(r) || right(r) }
	}
	return left, nil
}

func (p *parser) andCond() (cond, error) {
	left, err := p.notCond()
	if err != nil {
		return nil, err
	}
	for p.isWord("and") {
		p.next()
		right, err := p.notCond()
		if err != nil {
			return nil, err
		}
		l := left
		left = func(r record) bool { return l(r) && right(r) }
	}
	return left, nil
}

func (p *parser) notCond() (cond, error) {
	if p.isWord("not") {
		p.next()
		c, err := p.notCond()
		if err != nil {
			return nil, err
		}
		return func(r record) bool { return !c(r) }, nil
	}
	if p.isOp("(") {
		p.next()
		c, err := p.condition()
		if err != nil {
			return nil, err
		}
		return c, p.expectOp(")")
	}
	left, text, err := p.value()
	if err != nil {
		return nil, err
	}
	neg := false
	if p.isWord("not") {
		p.next()
		neg = true
		if !p.isWord("like") {
			return nil, fmt.Errorf("want like after not")
		}
	}
	switch {
	case p.isWord("like") || p.isOp("=~"):
		p.next()
		t := p.next()
		var match func(string) bool
		switch t.kind {
		case tRegex:
			re, err := compileRegex(t.s)
			if err != nil {
				return nil, err
			}
			match = re.MatchString
		case tString:
			sub := t.s
			match = func(v string) bool { return strings.Contains(v, sub) }
		default:
			return nil, fmt.Errorf("like: want \"substring\" or /regex/, got %q", t.s)
		}
		return func(r record) bool {
			v, ok := left(r)
			if !ok {
				return false
			}
			return match(v) != neg
		}, nil
	case p.peek().kind == tOp && strings.Contains("= != < <= > >=", p.peek().s) && p.peek().s != "=~":
		op := p.next().s
		right, _, err := p.value()
		if err != nil {
			return nil, err
		}
		return func(r record) bool {
			a, ok1 := left(r)
			b, ok2 := right(r)
			if !ok1 || !ok2 {
				return false
			}
			c := strings.Compare(a, b)
			if x, e1 := strconv.ParseFloat(a, 64); e1 == nil {
				if y, e2 := strconv.ParseFloat(b, 64); e2 == nil {
					c = 0
					if x < y {
						c = -1
					} else if x > y {
						c = 1
					}
				}
			}
			switch op {
			case "=":
				return c == 0
			case "!=":
				return c != 0
			case "<":
				return c < 0
			case "<=":
				return c <= 0
			case ">":
				return c > 0
			}
			return c >= 0
		}, nil
	}
	if strings.HasPrefix(strings.ToLower(text), "ispresent(") {
		return func(r record) bool { v, _ := left(r); return v == "true" }, nil
	}
	return nil, fmt.Errorf("want a comparison after %s, got %q", text, p.peek().s)
}

// compileRegex accepts Logs Insights' named groups (?<name>...).
func compileRegex(s string) (*regexp.Regexp, error) {
	return regexp.Compile(strings.ReplaceAll(s, "(?<", "(?P<"))
}

// command is one compiled query command.
type command struct {
	verb string
	// filter
	cond cond
	// fields/display
	cols []column
	// parse
	src   string
	re    *regexp.Regexp
	names []string
	// stats
	aggs []agg
	by   []column
	// sort, limit
	sortField string
	desc      bool
	limit     int
}

type column struct {
	e    expr
	name string
	bin  time.Duration
}

type agg struct {
	fn, name string
	arg      expr
}

// compile parses a whole query.
func compile(q string) ([]command, error) {
	toks, err := lex(q)
	if err != nil {
		return nil, err
	}
	p := &parser{toks: toks}
	var cmds []command
	for {
		for p.peek().kind == tPipe {
			p.next()
		}
		if p.peek().kind == tEOF {
			break
		}
		t := p.next()
		if t.kind != tIdent {
			return nil, fmt.Errorf("want a command, got %q", t.s)
		}
		c := command{verb: strings.ToLower(t.s)}
		switch c.verb {
		case "fields", "display":
			for !p.atEnd() {
				e, text, err := p.value()
				if err != nil {
					return nil, fmt.Errorf("%s: %w", c.verb, err)
				}
				name := text
				if p.isWord("as") {
					p.next()
					name = p.next().s
				}
				c.cols = append(c.cols, column{e: e, name: name})
				if p.isOp(",") {
					p.next()
				}
			}
		case "filter":
			c.cond, err = p.condition()
			if err != nil {
				return nil, fmt.Errorf("filter: %w", err)
			}
		case "parse":
			src := p.next()
			if src.kind != tIdent {
				return nil, fmt.Errorf("parse: want a field, got %q", src.s)
			}
			c.src = src.s
			pat := p.next()
			switch pat.kind {
			case tRegex:
				c.re, err = compileRegex(pat.s)
				if err != nil {
					return nil, fmt.Errorf("parse: %w", err)
				}
				c.names = c.re.SubexpNames()[1:]
			case tString:
				if !p.isWord("as") {
					return nil, fmt.Errorf("parse: a glob needs as NAMES")
				}
				p.next()
				for !p.atEnd() {
					n := p.next()
					if n.kind != tIdent {
						return nil, fmt.Errorf("parse: want a field name, got %q", n.s)
					}
					c.names = append(c.names, n.s)
					if p.isOp(",") {
						p.next()
					}
				}
				parts := strings.Split(pat.s, "*")
				if len(parts)-1 != len(c.names) {
					return nil, fmt.Errorf("parse: %d wildcards, %d names", len(parts)-1, len(c.names))
				}
				var b strings.Builder
				for i, part := range parts {
					if i > 0 {
						if i == len(parts)-1 && part == "" {
							b.WriteString("(.*)")
						} else {
							b.WriteString("(.*?)")
						}
					}
					b.WriteString(regexp.QuoteMeta(part))
				}
				c.re, err = regexp.Compile(b.String())
				if err != nil {
					return nil, fmt.Errorf("parse: %w", err)
				}
			default:
				return nil, fmt.Errorf("parse: want \"glob\" or /regex/, got %q", pat.s)
			}
		case "stats":
			for {
				fn := p.next()
				if fn.kind != tIdent || !p.isOp("(") {
					return nil, fmt.Errorf("stats: want an aggregation function, got %q", fn.s)
				}
				p.next()
				a := agg{fn: strings.ToLower(fn.s)}
				argText := "*"
				if p.isOp("*") {
					p.next()
				} else {
					a.arg, argText, err = p.value()
					if err != nil {
						return nil, fmt.Errorf("stats %s: %w", fn.s, err)
					}
				}
				if err := p.expectOp(")"); err != nil {
					return nil, fmt.Errorf("stats %s: %w", fn.s, err)
				}
				switch a.fn {
				case "count", "min", "max", "sum", "avg":
				default:
					return nil, fmt.Errorf("stats: unsupported function %s", fn.s)
				}
				if a.fn != "count" && a.arg == nil {
					return nil, fmt.Errorf("stats: %s needs a field", fn.s)
				}
				a.name = fn.s + "(" + argText + ")"
				if p.isWord("as") {
					p.next()
					a.name = p.next().s
				}
				c.aggs = append(c.aggs, a)
				if !p.isOp(",") {
					break
				}
				p.next()
			}
			if p.isWord("by") {
				p.next()
				for !p.atEnd() {
					var col column
					if p.isWord("bin") {
						p.next()
						if err := p.expectOp("("); err != nil {
							return nil, fmt.Errorf("stats bin: %w", err)
						}
						per := p.next()
						d, err := time.ParseDuration(per.s)
						if err != nil || d <= 0 {
							return nil, fmt.Errorf("stats: bad bin period %q", per.s)
						}
						if err := p.expectOp(")"); err != nil {
							return nil, fmt.Errorf("stats bin: %w", err)
						}
						col = column{bin: d, name: "bin(" + per.s + ")"}
					} else {
						e, text, err := p.value()
						if err != nil {
							return nil, fmt.Errorf("stats by: %w", err)
						}
						col = column{e: e, name: text}
					}
					if p.isWord("as") {
						p.next()
						col.name = p.next().s
					}
					c.by = append(c.by, col)
					if p.isOp(",") {
						p.next()
					} else if !p.atEnd() {
						return nil, fmt.Errorf("stats by: unexpected %q", p.peek().s)
					}
				}
			}
		case "sort":
			f := p.next()
			if f.kind != tIdent {
				return nil, fmt.Errorf("sort: want a field, got %q", f.s)
			}
			c.sortField = f.s
			if p.isWord("desc") || p.isWord("asc") {
				c.desc = strings.EqualFold(p.next().s, "desc")
			}
		case "limit":
			n := p.next()
			v, err := strconv.Atoi(n.s)
			if err != nil || v <= 0 || v > 10000 {
				return nil, fmt.Errorf("limit: want 1-10000, got %q", n.s)
			}
			c.limit = v
		default:
			return nil, fmt.Errorf("unsupported command %q", t.s)
		}
		if !p.atEnd() {
			return nil, fmt.Errorf("%s: unexpected %q", c.verb, p.peek().s)
		}
		cmds = append(cmds, c)
	}
	if len(cmds) == 0 {
		return nil, fmt.Errorf("empty query")
	}
	return cmds, nil
}

// CheckInsights reports whether a query parses in the documented subset
// the fake implements.
func CheckInsights(query string) error {
	_, err := compile(query)
	return err
}

const tsLayout = "2006-01-02 15:04:05.000"

// flatten adds JSON keys as fields, nested objects with dotted names.
func flatten(prefix string, m map[string]any, out map[string]string) {
	for k, v := range m {
		switch x := v.(type) {
		case nil:
		case map[string]any:
			flatten(prefix+k+".", x, out)
		case string:
			out[prefix+k] = x
		case json.Number:
			out[prefix+k] = x.String()
		default:
			b, _ := json.Marshal(x)
			out[prefix+k] = string(b)
		}
	}
}

// EvalInsights runs a Logs Insights query over raw events in
// [start, end] and returns rows of {field, value} as GetQueryResults
// does.
func EvalInsights(query string, events []LogEvent, start, end time.Time) ([][]map[string]string, error) {
	cmds, err := compile(query)
	if err != nil {
		return nil, err
	}
	var recs []record
	for _, e := range events {
		if e.T.Before(start) || e.T.After(end) {
			continue
		}
		r := record{f: map[string]string{"@timestamp": e.T.UTC().Format(tsLayout), "@message": e.Message}, n: max(e.N, 1)}
		dec := json.NewDecoder(strings.NewReader(e.Message))
		dec.UseNumber()
		var m map[string]any
		if dec.Decode(&m) == nil {
			flatten("", m, r.f)
		}
		recs = append(recs, r)
	}
	var cols []string // output columns
	for _, c := range cmds {
		switch c.verb {
		case "fields", "display":
			if c.verb == "display" {
				cols = nil
			}
			for i := range recs {
				for _, col := range c.cols {
					if v, ok := col.e(recs[i]); ok {
						recs[i].f[col.name] = v
					} else {
						delete(recs[i].f, col.name)
					}
				}
			}
			for _, col := range c.cols {
				cols = append(cols, col.name)
			}
		case "filter":
			kept := recs[:0]
			for _, r := range recs {
				if c.cond(r) {
					kept = append(kept, r)
				}
			}
			recs = kept
		case "parse":
			for _, r := range recs {
				v, ok := r.get(c.src)
				if !ok {
					continue
				}
				if m := c.re.FindStringSubmatch(v); m != nil {
					for i, n := range c.names {
						if n != "" && i+1 < len(m) {
							r.f[n] = m[i+1]
						}
					}
				}
			}
		case "stats":
			recs, cols = stats(c, recs)
		case "sort":
			f, desc := c.sortField, c.desc
			sort.SliceStable(recs, func(i, j int) bool {
				x, _ := recs[i].get(f)
				y, _ := recs[j].get(f)
				fx, e1 := strconv.ParseFloat(x, 64)
				fy, e2 := strconv.ParseFloat(y, 64)
				if e1 == nil && e2 == nil {
					if desc {
						return fx > fy
					}
					return fx < fy
				}
				if desc {
					return x > y
				}
				return x < y
			})
		case "limit":
			if len(recs) > c.limit {
				recs = recs[:c.limit]
			}
		}
	}
	if cols == nil {
		cols = []string{"@timestamp", "@message"}
	}
	out := [][]map[string]string{}
	for _, r := range recs {
		var row []map[string]string
		for _, col := range cols {
			if v, ok := r.f[col]; ok {
				row = append(row, map[string]string{"field": col, "value": v})
			}
		}
		out = append(out, row)
	}
	return out, nil
}

// stats groups records. A record that lacks a by-field is left out of
// the groups (not verified against the service: corsdoctor's queries
// give every grouped field a value, so they do not depend on it).
func stats(c command, recs []record) ([]record, []string) {
	type group struct {
		key  map[string]string
		vals []map[string]float64
		strs []string // min/max of non-numbers
		has  []bool
		n    []int
	}
	groups := map[string]*group{}
	var order []string
	for _, r := range recs {
		key := map[string]string{}
		var id []string
		missing := false
		for _, b := range c.by {
			var v string
			ok := true
			if b.bin > 0 {
				t, err := time.Parse(tsLayout, r.f["@timestamp"])
				if err == nil {
					v = t.Truncate(b.bin).Format(tsLayout)
				}
			} else {
				v, ok = b.e(r)
			}
			missing = missing || !ok
			key[b.name] = v
			id = append(id, v)
		}
		if missing {
			continue
		}
		k := strings.Join(id, "\x00")
		g := groups[k]
		if g == nil {
			g = &group{key: key, strs: make([]string, len(c.aggs)), has: make([]bool, len(c.aggs)), n: make([]int, len(c.aggs))}
			for range c.aggs {
				g.vals = append(g.vals, map[string]float64{})
			}
			groups[k] = g
			order = append(order, k)
		}
		for i, a := range c.aggs {
			if a.fn == "count" {
				if a.arg == nil {
					g.n[i] += r.n
				} else if _, ok := a.arg(r); ok {
					g.n[i] += r.n
				}
				continue
			}
			v, ok := a.arg(r)
			if !ok {
				continue
			}
			f, err := strconv.ParseFloat(v, 64)
			num := err == nil
			switch a.fn {
			case "min", "max":
				less := func(x, y string) bool {
					fx, e1 := strconv.ParseFloat(x, 64)
					fy, e2 := strconv.ParseFloat(y, 64)
					if e1 == nil && e2 == nil {
						return fx < fy
					}
					return x < y
				}
				if !g.has[i] || a.fn == "min" && less(v, g.strs[i]) || a.fn == "max" && less(g.strs[i], v) {
					g.strs[i] = v
				}
				g.has[i] = true
			case "sum", "avg":
				if num {
					g.vals[i]["sum"] += f * float64(r.n)
					g.n[i] += r.n
					g.has[i] = true
				}
			}
		}
	}
	if len(c.by) == 0 && len(order) == 0 {
		g := &group{key: map[string]string{}, strs: make([]string, len(c.aggs)), has: make([]bool, len(c.aggs)), n: make([]int, len(c.aggs))}
		for range c.aggs {
			g.vals = append(g.vals, map[string]float64{})
		}
		groups[""] = g
		order = append(order, "")
	}
	var cols []string
	for _, b := range c.by {
		cols = append(cols, b.name)
	}
	for _, a := range c.aggs {
		cols = append(cols, a.name)
	}
	out := make([]record, 0, len(order))
	for _, k := range order {
		g := groups[k]
		r := record{f: map[string]string{}, n: 1}
		for name, v := range g.key {
			r.f[name] = v
		}
		for i, a := range c.aggs {
			switch a.fn {
			case "count":
				r.f[a.name] = strconv.Itoa(g.n[i])
			case "min", "max":
				if g.has[i] {
					r.f[a.name] = g.strs[i]
				}
			case "sum":
				if g.has[i] {
					r.f[a.name] = strconv.FormatFloat(g.vals[i]["sum"], 'f', -1, 64)
				}
			case "avg":
				if g.has[i] {
					r.f[a.name] = strconv.FormatFloat(g.vals[i]["sum"]/float64(g.n[i]), 'f', -1, 64)
				}
			}
		}
		out = append(out, r)
	}
	return out, cols
}
