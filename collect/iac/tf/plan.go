package tf

import (
	"regexp"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/corsdoctor/corsdoctor/apimodel"
	"github.com/corsdoctor/corsdoctor/collect/iac/tree"
	"github.com/corsdoctor/corsdoctor/evidence"
)

// DetectPlan reports whether root is `terraform show -json` output (a plan
// or a state).
func DetectPlan(root *yaml.Node) bool {
	if tree.Get(root, "format_version") == nil {
		return false
	}
	return tree.Get(root, "planned_values") != nil || tree.Get(tree.Get(root, "values"), "root_module") != nil
}

// ParsePlan builds the APIs of a `terraform show -json` document. Values
// come from planned_values (or values, for state); links between
// resources from configuration expressions' references (plans) or from
// matching "id" attributes (state). Locations point into the JSON file.
func ParsePlan(file string, root *yaml.Node, read tree.ReadFunc, notes *tree.Notes) []*apimodel.API {
	dir := ""
	if i := strings.LastIndexAny(file, "/\\"); i >= 0 {
		dir = file[:i]
	}
	m := newModule(dir, "terraform-plan", read)
	m.notes = notes
	blocks := map[string]*planAttrs{}
	var order []string
	get := func(addr string) *planAttrs {
		if p := blocks[addr]; p != nil {
			return p
		}
		p := &planAttrs{file: file, addr: addr}
		blocks[addr] = p
		order = append(order, addr)
		return p
	}
	types := map[string]string{}
	deps := map[string][]string{}
	var conf func(mod *yaml.Node, prefix string)
	conf = func(mod *yaml.Node, prefix string) {
		for _, r := range tree.Items(tree.Get(mod, "resources")) {
			addr := prefix + tree.Str(tree.Get(r, "address"))
			p := get(addr)
			p.expr, p.prefix = tree.Get(r, "expressions"), prefix
			p.src = tree.Src(file, tree.Get(r, "address"))
			types[addr] = tree.Str(tree.Get(r, "type"))
			for _, d := range tree.Items(tree.Get(r, "depends_on")) {
				deps[addr] = append(deps[addr], prefix+tree.Str(d))
			}
		}
		tree.Pairs(tree.Get(mod, "module_calls"), func(k, v *yaml.Node) {
			conf(tree.Get(v, "module"), prefix+"module."+k.Value+".")
		})
	}
	conf(tree.Get(tree.Get(root, "configuration"), "root_module"), "")
	var vals func(mod *yaml.Node)
	vals = func(mod *yaml.Node) {
		for _, r := range tree.Items(tree.Get(mod, "resources")) {
			an := tree.Get(r, "address")
			addr := indexRe.ReplaceAllString(tree.Str(an), "")
			p := get(addr)
			if p.values == nil {
				p.values = tree.Get(r, "values")
				p.src = tree.Src(file, an)
			}
			if p.prefix == "" {
				if i := strings.LastIndex(addr, "module."); i >= 0 {
					if j := strings.Index(addr[i+7:], "."); j >= 0 {
						p.prefix = addr[:i+7+j+1]
					}
				}
			}
			types[addr] = tree.Str(tree.Get(r, "type"))
		}
		for _, c := range tree.Items(tree.Get(mod, "child_modules")) {
			vals(c)
		}
	}
	pv := tree.Get(root, "planned_values")
	if pv == nil {
		pv = tree.Get(root, "values")
	}
	vals(tree.Get(pv, "root_module"))
	for _, addr := range order {
		typ := types[addr]
		if typ == "" {
			continue
		}
		p := blocks[addr]
		m.add(&block{addr: addr, typ: typ, a: p, src: p.src, dependsOn: deps[addr]})
	}
	return m.build()
}

var indexRe = regexp.MustCompile(`\[[^\]]*\]`)

// planAttrs reads one resource of plan JSON.
type planAttrs struct {
	file   string
	addr   string
	prefix string // "module.x." for resources of child modules
	values *yaml.Node
	expr   *yaml.Node
	src    evidence.Source
}

func scalarValue(file string, n *yaml.Node) (apimodel.Value, bool) {
	if n == nil || n.Kind != yaml.ScalarNode || n.Tag == "!!null" {
		return apimodel.Value{}, false
	}
	return apimodel.Known(n.Value, tree.Src(file, n)), true
}

func (p *planAttrs) val(name string) apimodel.Value {
	if v, ok := scalarValue(p.file, tree.Get(p.values, name)); ok {
		return v
	}
	e := tree.Get(p.expr, name)
	if v, ok := scalarValue(p.file, tree.Get(e, "constant_value")); ok {
		return v
	}
	if refs := tree.Items(tree.Get(e, "references")); len(refs) > 0 {
		return apimodel.UnknownValue(tree.Str(refs[0]), tree.Src(p.file, refs[0]))
	}
	if n := tree.Get(p.values, name); n != nil && n.Tag != "!!null" {
		return apimodel.UnknownValue(tree.Render(n), tree.Src(p.file, n))
	}
	return apimodel.Value{}
}

func (p *planAttrs) has(name string) bool {
	if n := tree.Get(p.values, name); n != nil && n.Tag != "!!null" {
		return !(n.Kind == yaml.MappingNode && len(n.Content) == 0) && !(n.Kind == yaml.SequenceNode && len(n.Content) == 0)
	}
	return tree.Get(p.expr, name) != nil
}

func (p *planAttrs) refs(name string) []string {
	var out []string
	for _, r := range tree.Items(tree.Get(tree.Get(p.expr, name), "references")) {
		parts := strings.Split(indexRe.ReplaceAllString(tree.Str(r), ""), ".")
		switch {
		case parts[0] == "data" && len(parts) >= 3:
			out = append(out, p.prefix+strings.Join(parts[:3], "."))
		case len(parts) >= 2 && strings.Contains(parts[0], "_"):
			out = append(out, p.prefix+parts[0]+"."+parts[1])
		}
	}
	return out
}

func (p *planAttrs) list(name string) []apimodel.Value {
	var out []apimodel.Value
	n := tree.Get(p.values, name)
	if n == nil {
		n = tree.Get(tree.Get(p.expr, name), "constant_value")
	}
	for _, it := range tree.Items(n) {
		if v, ok := scalarValue(p.file, it); ok {
			out = append(out, v)
		} else {
			out = append(out, apimodel.UnknownValue(tree.Render(it), tree.Src(p.file, it)))
		}
	}
	return out
}

func (p *planAttrs) kv(name string) map[string]apimodel.Value {
	n := tree.Get(p.values, name)
	if n == nil {
		n = tree.Get(tree.Get(p.expr, name), "constant_value")
	}
	var out map[string]apimodel.Value
	tree.Pairs(n, func(k, v *yaml.Node) {
		if out == nil {
			out = map[string]apimodel.Value{}
		}
		if sv, ok := scalarValue(p.file, v); ok {
			out[k.Value] = sv
		} else {
			out[k.Value] = apimodel.UnknownValue(tree.Render(v), tree.Src(p.file, v))
		}
	})
	return out
}

// document returns a body given as a string in the plan; locations are
// relative to that string, named "PLAN#ADDRESS.body".
func (p *planAttrs) document(name string, _ tree.ReadFunc, _ string) (string, *yaml.Node) {
	v, ok := scalarValue(p.file, tree.Get(p.values, name))
	if !ok || v.S == "" || p.addr == "" {
		return "", nil
	}
	file := p.file + "#" + p.addr + "." + name
	root, err := tree.Parse(file, []byte(v.S))
	if err != nil {
		return "", nil
	}
	return file, root
}

func (p *planAttrs) sub(name string) attrs {
	v := tree.Items(tree.Get(p.values, name))
	e := tree.Items(tree.Get(p.expr, name))
	if len(v) == 0 && len(e) == 0 {
		return nil
	}
	s := &planAttrs{file: p.file, prefix: p.prefix}
	if len(v) > 0 {
		s.values = v[0]
	}
	if len(e) > 0 {
		s.expr = e[0]
	}
	return s
}
