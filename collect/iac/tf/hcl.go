package tf

import (
	"path"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
	"go.yaml.in/yaml/v3"

	"github.com/corsdoctor/corsdoctor/apimodel"
	"github.com/corsdoctor/corsdoctor/collect/iac/tree"
	"github.com/corsdoctor/corsdoctor/evidence"
)

// File is one .tf file of a module.
type File struct {
	Name string
	Data []byte
}

// Parse reads the .tf files of one module directory. Files that do not
// parse are reported in errs (file:line first) and skipped. Local module
// calls are not followed (see ParseWith).
func Parse(dir string, files []File, read tree.ReadFunc, notes *tree.Notes) (apis []*apimodel.API, errs []error) {
	return ParseWith(dir, files, Options{Read: read, Notes: notes})
}

// ParseWith reads the .tf files of one module directory and the local
// modules it calls (o.List lists a called module's files).
func ParseWith(dir string, files []File, o Options) (apis []*apimodel.API, errs []error) {
	m := newModule(dir, "terraform", o.Read)
	m.notes = o.Notes
	root := &instance{dir: dir, vars: map[string]*hclsyntax.Attribute{}, locals: map[string]*hclsyntax.Attribute{}, srcs: map[string][]byte{}}
	errs = parseInstance(m, root, files, o)
	return m.build(), errs
}

func srcOf(r hcl.Range) evidence.Source {
	return evidence.Source{File: r.Filename, Line: r.Start.Line, Column: r.Start.Column}
}

// exprRefs lists the resource addresses an expression references (in a
// root module without locals).
func exprRefs(e hclsyntax.Expression) []string {
	return (&instance{}).refs(e, 0)
}

// evalCtx knows path.module/root/cwd (".": paths are relative to the
// module directory) and nothing else.
var evalCtx = &hcl.EvalContext{Variables: map[string]cty.Value{
	"path": cty.ObjectVal(map[string]cty.Value{"module": cty.StringVal("."), "root": cty.StringVal("."), "cwd": cty.StringVal(".")}),
}}

type hclAttrs struct {
	m    *module
	in   *instance
	srcs map[string][]byte
	body *hclsyntax.Body
	// extra are each.*, count.* or a dynamic block's iterator.
	extra map[string]cty.Value
}

// ctx is the evaluation context of the attributes: the module instance's
// plus extra.
func (h *hclAttrs) ctx() *hcl.EvalContext {
	if h.in == nil {
		return evalCtx
	}
	c := h.in.evalCtx()
	if len(h.extra) == 0 {
		return c
	}
	vars := make(map[string]cty.Value, len(c.Variables)+len(h.extra))
	for k, v := range c.Variables {
		vars[k] = v
	}
	for k, v := range h.extra {
		vars[k] = v
	}
	return &hcl.EvalContext{Variables: vars, Functions: c.Functions}
}

func (h *hclAttrs) text(r hcl.Range) string {
	b := h.srcs[r.Filename]
	if r.Start.Byte < 0 || r.End.Byte > len(b) || r.Start.Byte > r.End.Byte {
		return ""
	}
	s := string(b[r.Start.Byte:r.End.Byte])
	if len(s) > 120 {
		s = s[:117] + "..."
	}
	return s
}

func (h *hclAttrs) has(name string) bool { return h.body.Attributes[name] != nil }

func (h *hclAttrs) val(name string) apimodel.Value {
	a := h.body.Attributes[name]
	if a == nil {
		return apimodel.Value{}
	}
	return h.expr(a.Expr, 0)
}

func (h *hclAttrs) expr(e hclsyntax.Expression, depth int) apimodel.Value {
	src := srcOf(e.Range())
	if v, diags := e.Value(h.ctx()); !diags.HasErrors() && v.IsWhollyKnown() && !v.IsNull() {
		switch v.Type() {
		case cty.String:
			return apimodel.Known(v.AsString(), src)
		case cty.Bool:
			if v.True() {
				return apimodel.Known("true", src)
			}
			return apimodel.Known("false", src)
		case cty.Number:
			return apimodel.Known(v.AsBigFloat().Text('f', -1), src)
		}
	}
	if st, ok := e.(*hclsyntax.ScopeTraversalExpr); ok && depth < 8 {
		parts := []string{st.Traversal.RootName()}
		for _, s := range st.Traversal[1:] {
			if a, ok := s.(hcl.TraverseAttr); ok {
				parts = append(parts, a.Name)
			}
		}
		prefix := ""
		if h.in != nil {
			prefix = h.in.prefix
		}
		if len(parts) == 3 {
			if b := h.m.blocks[prefix+parts[0]+"."+parts[1]]; b != nil {
				if ha, ok := b.a.(*hclAttrs); ok {
					if a := ha.body.Attributes[parts[2]]; a != nil {
						v := ha.expr(a.Expr, depth+1)
						v.Source = src
						return v
					}
				}
			}
		}
	}
	return apimodel.UnknownValue(h.text(e.Range()), src)
}

func (h *hclAttrs) refs(name string) []string {
	a := h.body.Attributes[name]
	if a == nil {
		return nil
	}
	if h.in != nil {
		return h.in.refs(a.Expr, 0)
	}
	return exprRefs(a.Expr)
}

func (h *hclAttrs) list(name string) []apimodel.Value {
	a := h.body.Attributes[name]
	if a == nil {
		return nil
	}
	if t, ok := a.Expr.(*hclsyntax.TupleConsExpr); ok {
		var out []apimodel.Value
		for _, e := range t.Exprs {
			out = append(out, h.expr(e, 0))
		}
		return out
	}
	// A list computed from variables, locals or an iterator.
	if v, d := a.Expr.Value(h.ctx()); !d.HasErrors() && v.IsWhollyKnown() && !v.IsNull() && v.CanIterateElements() &&
		(v.Type().IsListType() || v.Type().IsTupleType() || v.Type().IsSetType()) {
		src := srcOf(a.Expr.Range())
		var out []apimodel.Value
		for it := v.ElementIterator(); it.Next(); {
			_, e := it.Element()
			if e.Type() != cty.String {
				return []apimodel.Value{h.expr(a.Expr, 0)}
			}
			out = append(out, apimodel.Known(e.AsString(), src))
		}
		return out
	}
	return []apimodel.Value{h.expr(a.Expr, 0)}
}

func (h *hclAttrs) kv(name string) map[string]apimodel.Value {
	a := h.body.Attributes[name]
	if a == nil {
		return nil
	}
	oc, ok := a.Expr.(*hclsyntax.ObjectConsExpr)
	if !ok {
		return nil
	}
	out := map[string]apimodel.Value{}
	for _, it := range oc.Items {
		k := h.expr(it.KeyExpr, 0)
		if k.Unknown {
			if kw, ok := it.KeyExpr.(*hclsyntax.ObjectConsKeyExpr); ok {
				k = apimodel.Known(hcl.ExprAsKeyword(kw.Wrapped), k.Source)
			}
		}
		if k.S == "" {
			continue
		}
		out[k.S] = h.expr(it.ValueExpr, 0)
	}
	return out
}

func (h *hclAttrs) document(name string, read tree.ReadFunc, dir string) (string, *yaml.Node) {
	a := h.body.Attributes[name]
	if a == nil {
		return "", nil
	}
	call, ok := a.Expr.(*hclsyntax.FunctionCallExpr)
	if !ok || len(call.Args) == 0 {
		return "", nil
	}
	switch call.Name {
	case "jsonencode", "yamlencode":
		// The document is written in HCL: convert the expression tree,
		// keeping the .tf positions.
		return a.SrcRange.Filename, h.node(call.Args[0], 0)
	case "file", "templatefile":
	default:
		return "", nil
	}
	p := h.expr(call.Args[0], 0)
	if p.Unknown || p.S == "" || read == nil {
		return "", nil
	}
	if h.in != nil {
		dir = h.in.dir
	}
	file := p.S
	if !path.IsAbs(file) {
		file = path.Join(dir, file)
	}
	b, err := read(file)
	if err != nil {
		return "", nil
	}
	root, err := tree.Parse(file, b)
	if err != nil {
		return "", nil
	}
	return file, root
}

// node converts an HCL expression into a YAML node tree with the .tf
// positions: objects become mappings, tuples sequences, literals scalars;
// anything else (references, function calls) is a scalar tagged !expr
// whose value is the source text, which package tree reads as unknown.
func (h *hclAttrs) node(e hclsyntax.Expression, depth int) *yaml.Node {
	r := e.Range()
	n := &yaml.Node{Line: r.Start.Line, Column: r.Start.Column}
	if depth > 64 {
		n.Kind, n.Tag, n.Value = yaml.ScalarNode, "!expr", h.text(r)
		return n
	}
	switch x := e.(type) {
	case *hclsyntax.ObjectConsExpr:
		n.Kind, n.Tag = yaml.MappingNode, "!!map"
		for _, it := range x.Items {
			k := h.expr(it.KeyExpr, 0)
			if k.Unknown {
				if kw, ok := it.KeyExpr.(*hclsyntax.ObjectConsKeyExpr); ok {
					k = apimodel.Known(hcl.ExprAsKeyword(kw.Wrapped), k.Source)
				}
			}
			kr := it.KeyExpr.Range()
			n.Content = append(n.Content, &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: k.S, Line: kr.Start.Line, Column: kr.Start.Column},
				h.node(it.ValueExpr, depth+1))
		}
		return n
	case *hclsyntax.TupleConsExpr:
		n.Kind, n.Tag = yaml.SequenceNode, "!!seq"
		for _, it := range x.Exprs {
			n.Content = append(n.Content, h.node(it, depth+1))
		}
		return n
	}
	n.Kind = yaml.ScalarNode
	v := h.expr(e, 0)
	if v.Unknown {
		n.Tag, n.Value = "!expr", v.Expr
		return n
	}
	n.Tag, n.Value = "!!str", v.S
	return n
}

func (h *hclAttrs) sub(name string) attrs {
	for _, b := range h.body.Blocks {
		if b.Type == name {
			return &hclAttrs{m: h.m, in: h.in, srcs: h.srcs, body: b.Body, extra: h.extra}
		}
	}
	// dynamic "name" { for_each = [...]; content { ... } } with a known
	// for_each of one element: its content, with the iterator bound.
	for _, b := range h.body.Blocks {
		if b.Type != "dynamic" || len(b.Labels) != 1 || b.Labels[0] != name {
			continue
		}
		fe := b.Body.Attributes["for_each"]
		var content *hclsyntax.Block
		for _, c := range b.Body.Blocks {
			if c.Type == "content" {
				content = c
			}
		}
		if fe == nil || content == nil {
			return nil
		}
		v, d := fe.Expr.Value(h.ctx())
		if d.HasErrors() || !v.IsKnown() || v.IsNull() || !v.CanIterateElements() || v.LengthInt() == 0 {
			return nil
		}
		iter := name
		if it := b.Body.Attributes["iterator"]; it != nil {
			iter = hcl.ExprAsKeyword(it.Expr)
		}
		var k, val cty.Value
		for it := v.ElementIterator(); it.Next(); {
			k, val = it.Element()
			break
		}
		extra := map[string]cty.Value{iter: cty.ObjectVal(map[string]cty.Value{"key": k, "value": val})}
		for ek, ev := range h.extra {
			extra[ek] = ev
		}
		return &hclAttrs{m: h.m, in: h.in, srcs: h.srcs, body: content.Body, extra: extra}
	}
	return nil
}
