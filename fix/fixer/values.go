package fixer

import (
	"fmt"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/corsdoctor/corsdoctor/evidence"
	"github.com/corsdoctor/corsdoctor/fix/yamledit"
)

// Value rewrites shared by the YAML/JSON formats (CloudFormation, SAM,
// OpenAPI, Serverless): they work on the node a finding points at.

// ValueAt returns the scalar value written at loc in d: the value itself,
// or the value of a key written there.
func ValueAt(d *yamledit.Doc, loc evidence.Source) *yaml.Node {
	if loc.File != d.Name {
		return nil
	}
	ns := d.NodesAt(loc.Line, loc.Column)
	for i := len(ns) - 1; i >= 0; i-- {
		if n := ns[i]; n.Kind == yaml.ScalarNode && d.ValueOf(n) == nil {
			return n
		}
	}
	for _, n := range ns {
		if v := d.ValueOf(n); v != nil && v.Kind == yaml.ScalarNode {
			return v
		}
	}
	if len(ns) > 0 {
		return ns[len(ns)-1]
	}
	return nil
}

// MappingAt returns the mapping written at loc (a mapping starting there,
// or the mapping value of a key written there).
func MappingAt(d *yamledit.Doc, loc evidence.Source) *yaml.Node {
	if loc.File != d.Name {
		return nil
	}
	for _, n := range d.NodesAt(loc.Line, loc.Column) {
		if n.Kind == yaml.MappingNode {
			return n
		}
		if v := d.ValueOf(n); v != nil && v.Kind == yaml.MappingNode {
			return v
		}
	}
	return nil
}

func plainScalar(n *yaml.Node) bool {
	return n.Kind == yaml.ScalarNode && (n.Tag == "" || strings.HasPrefix(n.Tag, "!!"))
}

// RewriteOrigin fixes the origin value n for the finding's rule: a REST
// mapping or SAM value ('origin', in single quotes), a mapping expression
// (method.request.header.origin), or a plain origin string. REST values
// carry one origin.
func (c *Ctx) RewriteOrigin(d *yamledit.Doc, n *yaml.Node) (*Change, error) {
	if n == nil || n.Kind != yaml.ScalarNode || !plainScalar(n) && n.Tag != "!Sub" {
		return nil, Skipf("the origin at %s is an expression", c.Finding.Location)
	}
	raw := strings.TrimSpace(n.Value)
	inner := raw
	quoted := len(inner) >= 2 && inner[0] == '\'' && inner[len(inner)-1] == '\''
	if quoted {
		inner = inner[1 : len(inner)-1]
	}
	next, err := c.nextOrigin(inner, true)
	if err != nil {
		return nil, err
	}
	if quoted || strings.EqualFold(raw, "method.request.header.origin") {
		next = Quote(next)
	}
	if err := d.SetScalar(n, next); err != nil {
		return nil, err
	}
	return &Change{Summary: fmt.Sprintf("origin %s -> %s", raw, next)}, nil
}

// nextOrigin is the replacement of one origin value for the rule.
func (c *Ctx) nextOrigin(cur string, single bool) (string, error) {
	switch c.Finding.RuleID {
	case "CD2010":
		fixed, ok := c.FixOrigin(cur)
		if !ok {
			return "", Needs("--origin", "%q is not an origin (no scheme?); give the page's origin, e.g. --origin https://%s", cur, strings.Trim(strings.TrimPrefix(strings.TrimPrefix(cur, "https://"), "http://"), "/"))
		}
		return fixed, nil
	case "CD2011", "CD2012":
		if single {
			return c.RESTOrigin(true)
		}
		if len(c.Origins) == 0 {
			return "", Needs("--origin", "replacing %q needs the page origins; give each one with --origin", cur)
		}
		return c.Origins[0], nil
	case "CD2014":
		if len(c.Origins) != 1 {
			return "", Needs("--origin", "%q lists several origins but the header carries one; give the one origin this API serves", cur)
		}
		return c.Origins[0], nil
	case "CD2020":
		host := strings.TrimPrefix(cur, "http://")
		for _, o := range c.Origins {
			if strings.HasPrefix(o, "https://") && strings.EqualFold(strings.TrimPrefix(o, "https://"), host) {
				return o, nil
			}
		}
		return "", Needs("--origin", "replace %q only with the https origin the page really has: give --origin https://%s if that is it", cur, host)
	}
	return "", Skipf("no origin rewrite for %s", c.Finding.RuleID)
}

// RewriteOriginItem fixes one item n of an allowOrigins list: split
// several origins into items (CD2014), repair it (CD2010, CD2020), or
// replace it with every --origin (CD2011, CD2012).
func (c *Ctx) RewriteOriginItem(d *yamledit.Doc, n *yaml.Node) (*Change, error) {
	seq := d.Parent(n)
	if n == nil || !plainScalar(n) || seq == nil || seq.Kind != yaml.SequenceNode {
		return nil, Skipf("the allowed origins at %s are not a list of strings", c.Finding.Location)
	}
	cur := n.Value
	switch c.Finding.RuleID {
	case "CD2014":
		parts := strings.FieldsFunc(cur, func(r rune) bool { return r == ',' || r == ' ' })
		if len(parts) < 2 {
			return nil, Skipf("cannot split %q", cur)
		}
		if err := d.SetScalar(n, parts[0]); err != nil {
			return nil, err
		}
		for _, p := range parts[1:] {
			if err := d.Append(seq, Str(p)); err != nil {
				return nil, err
			}
		}
		return &Change{Summary: fmt.Sprintf("allowed origins item %q split into %s", cur, strings.Join(parts, ", "))}, nil
	case "CD2011", "CD2012":
		if len(c.Origins) == 0 {
			return nil, Needs("--origin", "replacing %q needs the page origins; give each one with --origin", cur)
		}
		if err := d.SetScalar(n, c.Origins[0]); err != nil {
			return nil, err
		}
		have := map[string]bool{}
		for _, it := range seq.Content {
			have[it.Value] = true
		}
		for _, o := range c.Origins[1:] {
			if !have[o] {
				if err := d.Append(seq, Str(o)); err != nil {
					return nil, err
				}
			}
		}
		return &Change{Summary: fmt.Sprintf("allowed origin %s replaced by %s", cur, strings.Join(c.Origins, ", "))}, nil
	}
	next, err := c.nextOrigin(cur, false)
	if err != nil {
		return nil, err
	}
	if err := d.SetScalar(n, next); err != nil {
		return nil, err
	}
	return &Change{Summary: fmt.Sprintf("allowed origin %s -> %s", cur, next)}, nil
}

// SetOrAppend appends items to the sequence list, or, when list is not
// a sequence (absent), sets key of parent to a sequence of them.
func SetOrAppend(d *yamledit.Doc, parent *yaml.Node, key string, list *yaml.Node, items []string) error {
	if list == nil || list.Kind != yaml.SequenceNode {
		return d.Set(parent, key, Strs(items))
	}
	for _, x := range items {
		if err := d.Append(list, Str(x)); err != nil {
			return err
		}
	}
	return nil
}

// AddListItems appends to a quoted comma list value ('GET,PUT') the items
// it lacks (case-insensitive), keeping its order.
func AddListItems(d *yamledit.Doc, n *yaml.Node, items []string) (string, error) {
	cur, ok := ScalarValue(n)
	if !ok {
		return "", Skipf("the value at line %d is not a plain string", n.Line)
	}
	s := strings.TrimSpace(cur)
	quoted := len(s) >= 2 && s[0] == '\'' && s[len(s)-1] == '\''
	s = strings.Trim(s, "'")
	var out []string
	have := map[string]bool{}
	for _, x := range strings.Split(s, ",") {
		if x = strings.TrimSpace(x); x != "" {
			out = append(out, x)
			have[strings.ToLower(x)] = true
		}
	}
	items = MatchCase(out, items)
	for _, x := range items {
		if !have[strings.ToLower(x)] {
			have[strings.ToLower(x)] = true
			out = append(out, x)
		}
	}
	next := strings.Join(out, ",")
	if quoted {
		next = Quote(next)
	}
	return next, d.SetScalar(n, next)
}

// QuoteSAM wraps a SAM Cors value in the single quotes SAM requires.
func QuoteSAM(d *yamledit.Doc, n *yaml.Node) (*Change, error) {
	if n == nil || n.Kind != yaml.ScalarNode {
		return nil, Skipf("no string value")
	}
	v := strings.TrimSpace(n.Value)
	if len(v) >= 2 && v[0] == '\'' && v[len(v)-1] == '\'' {
		return nil, Skipf("already quoted")
	}
	if err := d.SetScalarTag(n, Quote(v), "!!str"); err != nil {
		return nil, err
	}
	return &Change{Summary: fmt.Sprintf("SAM Cors value %s -> %s", v, Quote(v))}, nil
}

// MaxAgeCap is Chromium's cap on preflight caching, in seconds
// (kMaxTimeout, services/network/cors/preflight_result.cc: 2 hours).
const MaxAgeCap = "7200"

// CapMaxAge lowers a max age value to MaxAgeCap, keeping its form
// (quoted REST mapping or number).
func CapMaxAge(d *yamledit.Doc, n *yaml.Node) (*Change, error) {
	if n == nil || n.Kind != yaml.ScalarNode || !plainScalar(n) {
		return nil, Skipf("the max age is not a literal")
	}
	v := strings.TrimSpace(n.Value)
	next := MaxAgeCap
	if strings.HasPrefix(v, "'") {
		next = Quote(MaxAgeCap)
	}
	if err := d.SetScalar(n, next); err != nil {
		return nil, err
	}
	return &Change{Summary: fmt.Sprintf("max age %s -> %s (Chromium caches preflights for at most 7200 s)", v, next)}, nil
}

// MatchCase writes header names added to a list the way the list writes
// them: all lower case when every existing item is, as given otherwise.
func MatchCase(existing, add []string) []string {
	lower := len(existing) > 0
	for _, e := range existing {
		if e != strings.ToLower(e) {
			lower = false
		}
	}
	if !lower {
		return add
	}
	out := make([]string, len(add))
	for i, a := range add {
		out[i] = strings.ToLower(a)
	}
	return out
}
