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

// LogEvent is one raw log event of a fixture's log group.
type LogEvent struct {
	T       time.Time `json:"t"`
	Message string    `json:"m"`
}

// evalInsights runs a CloudWatch Logs Insights query over raw events. It
// implements the subset corsdoctor generates, with Logs Insights'
// semantics as documented: commands separated by "\n|"; filter with =,
// !=, <, <=, >, >=, like/not like "substring" or /regex/, ispresent(),
// and/or/not; parse @message "glob with *" as a, b or /regex with
// (?<name>...)/; stats count(*) as n by field [as alias], bin(1m) [as
// alias]; sort; limit. JSON messages have their top-level keys
// discovered as fields, like Logs Insights does.
func evalInsights(query string, events []LogEvent, start, end time.Time) ([][]map[string]string, error) {
	type rec map[string]string
	var recs []rec
	for _, e := range events {
		if e.T.Before(start) || e.T.After(end) {
			continue
		}
		r := rec{"@timestamp": e.T.UTC().Format("2006-01-02 15:04:05.000"), "@message": e.Message}
		var m map[string]any
		if json.Unmarshal([]byte(e.Message), &m) == nil {
			for k, v := range m {
				switch x := v.(type) {
				case nil:
				case float64:
					r[k] = strconv.FormatFloat(x, 'f', -1, 64)
				case string:
					r[k] = x
				default:
					b, _ := json.Marshal(x)
					r[k] = string(b)
				}
			}
		}
		recs = append(recs, r)
	}
	var out [][]map[string]string
	aggregated := false
	for _, cmd := range strings.Split(query, "\n|") {
		cmd = strings.TrimSpace(cmd)
		verb, rest, _ := strings.Cut(cmd, " ")
		rest = strings.TrimSpace(rest)
		switch verb {
		case "fields", "display":
		case "filter":
			expr, err := parseExpr(rest)
			if err != nil {
				return nil, fmt.Errorf("filter %q: %w", rest, err)
			}
			var kept []rec
			for _, r := range recs {
				if expr(r) {
					kept = append(kept, r)
				}
			}
			recs = kept
		case "parse":
			src, pat, ok := strings.Cut(rest, " ")
			if !ok {
				return nil, fmt.Errorf("parse %q: want a field and a pattern", rest)
			}
			re, names, err := parsePattern(strings.TrimSpace(pat))
			if err != nil {
				return nil, fmt.Errorf("parse %q: %w", rest, err)
			}
			for _, r := range recs {
				if m := re.FindStringSubmatch(r[src]); m != nil {
					for i, n := range names {
						if n != "" && i+1 < len(m) {
							r[n] = m[i+1]
						}
					}
				}
			}
		case "stats":
			rows, err := stats(rest, recsToMaps(recs))
			if err != nil {
				return nil, err
			}
			recs = recs[:0]
			for _, row := range rows {
				recs = append(recs, rec(row.values))
			}
			out = nil
			aggregated = true
			// Keep column order: group keys, then the count.
			for _, row := range rows {
				var fr []map[string]string
				for _, k := range row.keys {
					fr = append(fr, map[string]string{"field": k, "value": row.values[k]})
				}
				out = append(out, fr)
			}
		case "sort":
			f, dir, _ := strings.Cut(rest, " ")
			desc := strings.TrimSpace(dir) == "desc"
			less := func(a, b map[string]string) bool {
				x, y := a[f], b[f]
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
			}
			if aggregated {
				sort.SliceStable(out, func(i, j int) bool { return less(rowMap(out[i]), rowMap(out[j])) })
			} else {
				sort.SliceStable(recs, func(i, j int) bool { return less(recs[i], recs[j]) })
			}
		case "limit":
			n, err := strconv.Atoi(rest)
			if err != nil {
				return nil, fmt.Errorf("limit %q: %w", rest, err)
			}
			if aggregated && len(out) > n {
				out = out[:n]
			}
			if !aggregated && len(recs) > n {
				recs = recs[:n]
			}
		default:
			return nil, fmt.Errorf("unsupported command %q", verb)
		}
	}
	if !aggregated {
		for _, r := range recs {
			out = append(out, []map[string]string{{"field": "@timestamp", "value": r["@timestamp"]}, {"field": "@message", "value": r["@message"]}})
		}
	}
	return out, nil
}

func recsToMaps[T ~map[string]string](rs []T) []map[string]string {
	out := make([]map[string]string, len(rs))
	for i, r := range rs {
		out[i] = r
	}
	return out
}

func rowMap(fr []map[string]string) map[string]string {
	m := map[string]string{}
	for _, f := range fr {
		m[f["field"]] = f["value"]
	}
	return m
}

type statRow struct {
	keys   []string
	values map[string]string
}

var statsRe = regexp.MustCompile(`^count\(\*\)\s+as\s+(\w+)(?:\s+by\s+(.+))?$`)

// stats implements "count(*) as n by a, bin(1m) as minute, `b c`".
func stats(spec string, recs []map[string]string) ([]statRow, error) {
	m := statsRe.FindStringSubmatch(strings.TrimSpace(spec))
	if m == nil {
		return nil, fmt.Errorf("stats %q: only count(*) as NAME [by ...] is supported", spec)
	}
	type key struct{ expr, alias string }
	var keys []key
	if m[2] != "" {
		for _, part := range strings.Split(m[2], ",") {
			part = strings.TrimSpace(part)
			expr, alias, ok := strings.Cut(part, " as ")
			expr = strings.Trim(strings.TrimSpace(expr), "`")
			if !ok {
				alias = expr
			}
			keys = append(keys, key{expr, strings.TrimSpace(alias)})
		}
	}
	groups := map[string]*statRow{}
	var order []string
	for _, r := range recs {
		vals := map[string]string{}
		var id []string
		for _, k := range keys {
			v, ok := r[k.expr]
			if strings.HasPrefix(k.expr, "bin(") {
				d, err := time.ParseDuration(strings.TrimSuffix(strings.TrimPrefix(k.expr, "bin("), ")"))
				t, err2 := time.Parse("2006-01-02 15:04:05.000", r["@timestamp"])
				if err != nil || err2 != nil {
					return nil, fmt.Errorf("stats: bad bin %q", k.expr)
				}
				v, ok = t.Truncate(d).Format("2006-01-02 15:04:05.000"), true
			}
			if !ok {
				v = ""
			}
			vals[k.alias] = v
			id = append(id, v)
		}
		g := strings.Join(id, "\x00")
		row := groups[g]
		if row == nil {
			row = &statRow{values: vals}
			for _, k := range keys {
				row.keys = append(row.keys, k.alias)
			}
			row.keys = append(row.keys, m[1])
			row.values[m[1]] = "0"
			groups[g] = row
			order = append(order, g)
		}
		n, _ := strconv.Atoi(row.values[m[1]])
		row.values[m[1]] = strconv.Itoa(n + 1)
	}
	out := make([]statRow, 0, len(order))
	for _, g := range order {
		out = append(out, *groups[g])
	}
	if len(keys) == 0 && len(out) == 0 {
		out = append(out, statRow{keys: []string{m[1]}, values: map[string]string{m[1]: "0"}})
	}
	return out, nil
}

// parsePattern compiles a parse pattern: "glob with *" (each * captures,
// non-greedy) or /regex/ with named groups.
func parsePattern(p string) (*regexp.Regexp, []string, error) {
	if strings.HasPrefix(p, "/") {
		end := strings.LastIndex(p, "/")
		if end <= 0 {
			return nil, nil, fmt.Errorf("unterminated regex")
		}
		re, err := regexp.Compile(strings.ReplaceAll(p[1:end], "(?<", "(?P<"))
		if err != nil {
			return nil, nil, err
		}
		return re, re.SubexpNames()[1:], nil
	}
	q := strings.Index(p[1:], "\"")
	if !strings.HasPrefix(p, "\"") || q < 0 {
		return nil, nil, fmt.Errorf("want \"glob\" as names or /regex/")
	}
	glob, rest := p[1:q+1], strings.TrimSpace(p[q+2:])
	names := strings.Split(strings.TrimSpace(strings.TrimPrefix(rest, "as")), ",")
	for i := range names {
		names[i] = strings.TrimSpace(names[i])
	}
	parts := strings.Split(glob, "*")
	var b strings.Builder
	for i, part := range parts {
		if i > 0 {
			b.WriteString("(.*?)")
		}
		b.WriteString(regexp.QuoteMeta(part))
	}
	if strings.HasSuffix(glob, "*") {
		s := b.String()
		b.Reset()
		b.WriteString(strings.TrimSuffix(s, "(.*?)") + "(.*)")
	}
	re, err := regexp.Compile(b.String())
	return re, names, err
}

// parseExpr compiles a filter expression.
func parseExpr(s string) (func(map[string]string) bool, error) {
	if parts := splitTop(s, " or "); len(parts) > 1 {
		var fs []func(map[string]string) bool
		for _, p := range parts {
			f, err := parseExpr(p)
			if err != nil {
				return nil, err
			}
			fs = append(fs, f)
		}
		return func(r map[string]string) bool {
			for _, f := range fs {
				if f(r) {
					return true
				}
			}
			return false
		}, nil
	}
	if parts := splitTop(s, " and "); len(parts) > 1 {
		var fs []func(map[string]string) bool
		for _, p := range parts {
			f, err := parseExpr(p)
			if err != nil {
				return nil, err
			}
			fs = append(fs, f)
		}
		return func(r map[string]string) bool {
			for _, f := range fs {
				if !f(r) {
					return false
				}
			}
			return true
		}, nil
	}
	s = strings.TrimSpace(s)
	if strings.HasPrefix(s, "ispresent(") && strings.HasSuffix(s, ")") {
		f := strings.Trim(s[len("ispresent("):len(s)-1], "`")
		return func(r map[string]string) bool { _, ok := r[f]; return ok }, nil
	}
	for _, op := range []string{" not like ", " like ", " >= ", " <= ", " != ", " = ", " > ", " < "} {
		l, rv, ok := strings.Cut(s, op)
		if !ok {
			continue
		}
		f := strings.Trim(strings.TrimSpace(l), "`")
		rv = strings.TrimSpace(rv)
		switch op {
		case " like ", " not like ":
			var match func(string) bool
			if strings.HasPrefix(rv, "/") && strings.HasSuffix(rv, "/") && len(rv) > 1 {
				re, err := regexp.Compile(rv[1 : len(rv)-1])
				if err != nil {
					return nil, err
				}
				match = re.MatchString
			} else {
				sub, err := strconv.Unquote(rv)
				if err != nil {
					return nil, fmt.Errorf("like %s: %w", rv, err)
				}
				match = func(v string) bool { return strings.Contains(v, sub) }
			}
			neg := op == " not like "
			return func(r map[string]string) bool {
				v, ok := r[f]
				if !ok {
					return false
				}
				return match(v) != neg
			}, nil
		default:
			want := rv
			if u, err := strconv.Unquote(rv); err == nil {
				want = u
			}
			cmp := strings.TrimSpace(op)
			return func(r map[string]string) bool {
				v, ok := r[f]
				if !ok {
					return false
				}
				a, e1 := strconv.ParseFloat(v, 64)
				b, e2 := strconv.ParseFloat(want, 64)
				c := strings.Compare(v, want)
				if e1 == nil && e2 == nil {
					c = 0
					if a < b {
						c = -1
					} else if a > b {
						c = 1
					}
				}
				switch cmp {
				case "=":
					return c == 0
				case "!=":
					return c != 0
				case ">=":
					return c >= 0
				case "<=":
					return c <= 0
				case ">":
					return c > 0
				}
				return c < 0
			}, nil
		}
	}
	return nil, fmt.Errorf("unsupported expression %q", s)
}

// splitTop splits on sep outside quotes and /regex/.
func splitTop(s, sep string) []string {
	var out []string
	inQ, inRe := false, false
	last := 0
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '"' && !inRe && (i == 0 || s[i-1] != '\\'):
			inQ = !inQ
		case c == '/' && !inQ:
			inRe = !inRe
		case !inQ && !inRe && strings.HasPrefix(s[i:], sep):
			out = append(out, s[last:i])
			last = i + len(sep)
			i += len(sep) - 1
		}
	}
	return append(out, s[last:])
}
