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
	// calls maps a module prefix ("module.x.") to its call, so that
	// var.NAME inside the module follows the caller's argument.
	calls := map[string]*planCall{}
	var conf func(mod *yaml.Node, prefix string)
	conf = func(mod *yaml.Node, prefix string) {
		for _, r := range tree.Items(tree.Get(mod, "resources")) {
			addr := prefix + tree.Str(tree.Get(r, "address"))
			p := get(addr)
			p.expr, p.prefix, p.calls = tree.Get(r, "expressions"), prefix, calls
			p.repeated = tree.Get(r, "count_expression") != nil || tree.Get(r, "for_each_expression") != nil
			p.src = tree.Src(file, tree.Get(r, "address"))
			types[addr] = tree.Str(tree.Get(r, "type"))
			for _, d := range tree.Items(tree.Get(r, "depends_on")) {
				deps[addr] = append(deps[addr], prefix+tree.Str(d))
			}
		}
		tree.Pairs(tree.Get(mod, "module_calls"), func(k, v *yaml.Node) {
			if len(calls) >= maxPlanModules {
				return
			}
			calls[prefix+"module."+k.Value+"."] = &planCall{args: tree.Get(v, "expressions"), prefix: prefix}
			conf(tree.Get(v, "module"), prefix+"module."+k.Value+".")
		})
	}
	conf(tree.Get(tree.Get(root, "configuration"), "root_module"), "")
	// instances lists the instances of a resource with count or
	// for_each (aws_x.y[0], aws_x.y["key"]): each is a resource of its
	// own, as terraform plans it, with the configuration of aws_x.y.
	instances := map[string][]string{}
	var vals func(mod *yaml.Node)
	vals = func(mod *yaml.Node) {
		for _, r := range tree.Items(tree.Get(mod, "resources")) {
			an := tree.Get(r, "address")
			full := tree.Str(an)
			addr := indexRe.ReplaceAllString(full, "")
			if full != addr && strings.HasSuffix(full, "]") {
				p := get(full)
				p.values, p.src = tree.Get(r, "values"), tree.Src(file, an)
				if c := blocks[addr]; c != nil {
					p.expr, p.prefix, p.calls = c.expr, c.prefix, c.calls
				}
				types[full] = tree.Str(tree.Get(r, "type"))
				instances[addr] = append(instances[addr], full)
				continue
			}
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
		p := blocks[addr]
		if typ == "" || len(instances[addr]) > 0 || p.repeated && p.values == nil {
			// count = 0 / an empty for_each plans no instance
			continue
		}
		base := indexRe.ReplaceAllString(addr, "")
		m.add(&block{addr: addr, typ: typ, a: p, src: p.src, dependsOn: deps[base]})
	}
	// A reference to aws_x.y (without its key) finds the first instance,
	// as it does in .tf files (modules.go addResource).
	for base, list := range instances {
		if _, ok := m.blocks[base]; !ok {
			m.blocks[base] = m.blocks[list[0]]
		}
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
	calls  map[string]*planCall
	// repeated: the configuration has count or for_each
	repeated bool
}

// planCall is a module call of the plan's configuration: its arguments'
// expressions and the prefix of the calling module.
type planCall struct {
	args   *yaml.Node
	prefix string
}

// maxPlanModules bounds the module calls followed in one plan.
const maxPlanModules = 256

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
	return planRefs(tree.Get(p.expr, name), p.prefix, p.calls, 0)
}

// planRefs lists the resource addresses an expression references; a
// var.NAME of a child module follows the module call's argument NAME in
// the calling module (terraform lists references as written, so
// api_id = var.api_id names the variable, not the API).
func planRefs(e *yaml.Node, prefix string, calls map[string]*planCall, depth int) []string {
	var out []string
	for _, r := range tree.Items(tree.Get(e, "references")) {
		parts := strings.Split(indexRe.ReplaceAllString(tree.Str(r), ""), ".")
		switch {
		case parts[0] == "var" && len(parts) >= 2 && depth < 16:
			if c := calls[prefix]; c != nil {
				out = append(out, planRefs(tree.Get(c.args, parts[1]), c.prefix, calls, depth+1)...)
			}
		case parts[0] == "data" && len(parts) >= 3:
			out = append(out, prefix+strings.Join(parts[:3], "."))
		case len(parts) >= 2 && strings.Contains(parts[0], "_"):
			out = append(out, prefix+parts[0]+"."+parts[1])
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
	s := &planAttrs{file: p.file, prefix: p.prefix, calls: p.calls}
	if len(v) > 0 {
		s.values = v[0]
	}
	if len(e) > 0 {
		s.expr = e[0]
	}
	return s
}
