package tf

import (
	"fmt"
	"path"
	"sort"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/ext/tryfunc"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/function"
	"github.com/zclconf/go-cty/cty/function/stdlib"

	"github.com/corsdoctor/corsdoctor/collect/iac/tree"
	"github.com/corsdoctor/corsdoctor/evidence"
)

// ListFunc lists the .tf files of a directory (for local module calls).
type ListFunc func(dir string) ([]string, error)

// Options configure ParseWith.
type Options struct {
	Read  tree.ReadFunc
	List  ListFunc
	Notes *tree.Notes
}

// maxModuleDepth bounds nested local module calls.
const maxModuleDepth = 8

// instance is one module instance: the root module of the directory, or
// a local module call below it. Variables of a called module take the
// call's argument (evaluated in the caller) or their default; the root
// module's variables stay unknown (tfvars and -var can set them).
type instance struct {
	prefix string // "" or "module.a." (nested: "module.a.module.b.")
	dir    string
	parent *instance
	call   map[string]*hclsyntax.Attribute
	vars   map[string]*hclsyntax.Attribute // variable defaults
	locals map[string]*hclsyntax.Attribute
	srcs   map[string][]byte
	ctx    *hcl.EvalContext
	busy   bool
	depth  int
}

// functions are the Terraform built-ins that go-cty implements with the
// same semantics; any other call leaves the value unknown.
var functions = map[string]function.Function{
	"lower": stdlib.LowerFunc, "upper": stdlib.UpperFunc, "join": stdlib.JoinFunc, "split": stdlib.SplitFunc,
	"concat": stdlib.ConcatFunc, "merge": stdlib.MergeFunc, "lookup": stdlib.LookupFunc, "length": stdlib.LengthFunc,
	"keys": stdlib.KeysFunc, "values": stdlib.ValuesFunc, "coalesce": stdlib.CoalesceFunc, "format": stdlib.FormatFunc,
	"jsonencode": stdlib.JSONEncodeFunc, "distinct": stdlib.DistinctFunc, "flatten": stdlib.FlattenFunc,
	"tolist": stdlib.MakeToFunc(cty.List(cty.DynamicPseudoType)), "toset": stdlib.MakeToFunc(cty.Set(cty.DynamicPseudoType)),
	"tostring": stdlib.MakeToFunc(cty.String), "tonumber": stdlib.MakeToFunc(cty.Number), "tobool": stdlib.MakeToFunc(cty.Bool),
	"contains": stdlib.ContainsFunc, "trimspace": stdlib.TrimSpaceFunc, "replace": stdlib.ReplaceFunc,
	"try": tryfunc.TryFunc, "can": tryfunc.CanFunc,
}

// relevant reports whether a resource type matters for CORS: only those
// are listed when they cannot be evaluated.
func relevant(typ string) bool {
	return strings.HasPrefix(typ, "aws_api_gateway_") || strings.HasPrefix(typ, "aws_apigatewayv2_") || strings.HasPrefix(typ, "aws_lambda_function")
}

// evalCtx returns the instance's evaluation context: path.*, the known
// var.* and local.* values and the functions above.
func (in *instance) evalCtx() *hcl.EvalContext {
	if in.ctx != nil {
		return in.ctx
	}
	vars := map[string]cty.Value{
		"path": cty.ObjectVal(map[string]cty.Value{"module": cty.StringVal("."), "root": cty.StringVal("."), "cwd": cty.StringVal(".")}),
	}
	ctx := &hcl.EvalContext{Variables: vars, Functions: functions}
	if in.busy {
		return ctx // a cycle through module arguments: nothing is known
	}
	in.busy = true
	defer func() { in.busy = false }()
	if in.parent != nil {
		known := map[string]cty.Value{}
		for name, def := range in.vars {
			var v cty.Value
			if a := in.call[name]; a != nil {
				v, _ = a.Expr.Value(in.parent.evalCtx())
			} else if def != nil {
				v, _ = def.Expr.Value(ctx)
			}
			if v != cty.NilVal && v.IsKnown() {
				known[name] = v // unknown parts stay unknown
			}
		}
		for name, a := range in.call {
			if _, ok := in.vars[name]; !ok {
				if v, d := a.Expr.Value(in.parent.evalCtx()); !d.HasErrors() && v.IsKnown() {
					known[name] = v
				}
			}
		}
		vars["var"] = cty.ObjectVal(known)
	}
	// Locals may use each other: evaluate in rounds until none is added.
	locals := map[string]cty.Value{}
	for round := 0; round < 4; round++ {
		vars["local"] = cty.ObjectVal(locals)
		added := false
		for _, name := range sortedAttrNames(in.locals) {
			if _, ok := locals[name]; ok {
				continue
			}
			if v, d := in.locals[name].Expr.Value(ctx); !d.HasErrors() && v.IsKnown() {
				locals[name] = v
				added = true
			}
		}
		if !added {
			break
		}
	}
	vars["local"] = cty.ObjectVal(locals)
	in.ctx = ctx
	return ctx
}

func sortedAttrNames(m map[string]*hclsyntax.Attribute) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// refs lists the resource addresses e references, following var.X to
// the caller's argument and local.X to its expression.
func (in *instance) refs(e hclsyntax.Expression, depth int) []string {
	var out []string
	for _, t := range e.Variables() {
		parts := []string{t.RootName()}
		for _, s := range t[1:] {
			if a, ok := s.(hcl.TraverseAttr); ok {
				parts = append(parts, a.Name)
			}
		}
		switch {
		case parts[0] == "var" && len(parts) >= 2 && in.parent != nil && depth < 16:
			if a := in.call[parts[1]]; a != nil {
				out = append(out, in.parent.refs(a.Expr, depth+1)...)
			}
		case parts[0] == "local" && len(parts) >= 2 && depth < 16:
			if a := in.locals[parts[1]]; a != nil {
				out = append(out, in.refs(a.Expr, depth+1)...)
			}
		case parts[0] == "data" && len(parts) >= 3:
			out = append(out, in.prefix+strings.Join(parts[:3], "."))
		case len(parts) >= 2 && strings.Contains(parts[0], "_"):
			out = append(out, in.prefix+parts[0]+"."+parts[1])
		}
	}
	return out
}

// parseInstance parses the .tf files of one module instance into m,
// following local module calls.
func parseInstance(m *module, in *instance, files []File, o Options) (errs []error) {
	var bodies []*hclsyntax.Body
	for _, f := range files {
		if err := CheckLimits(f.Name, f.Data); err != nil {
			errs = append(errs, err) // before hclsyntax can overflow the stack
			continue
		}
		hf, diags := hclsyntax.ParseConfig(f.Data, f.Name, hcl.Pos{Line: 1, Column: 1, Byte: 0})
		if diags.HasErrors() {
			for _, d := range diags {
				if d.Severity == hcl.DiagError {
					line := 0
					if d.Subject != nil {
						line = d.Subject.Start.Line
					}
					errs = append(errs, &evidence.SourceError{Source: evidence.Source{File: f.Name, Line: line}, Msg: fmt.Sprintf("invalid HCL: %s: %s", d.Summary, d.Detail)})
					break
				}
			}
			continue
		}
		in.srcs[f.Name] = f.Data
		if body, ok := hf.Body.(*hclsyntax.Body); ok {
			bodies = append(bodies, body)
		}
	}
	for _, body := range bodies {
		for _, b := range body.Blocks {
			switch {
			case b.Type == "variable" && len(b.Labels) == 1:
				in.vars[b.Labels[0]] = b.Body.Attributes["default"]
			case b.Type == "locals":
				for k, a := range b.Body.Attributes {
					in.locals[k] = a
				}
			}
		}
	}
	for _, body := range bodies {
		for _, b := range body.Blocks {
			switch {
			case (b.Type == "resource" || b.Type == "data") && len(b.Labels) == 2:
				m.addResource(in, b)
			case b.Type == "module" && len(b.Labels) == 1:
				errs = append(errs, m.moduleCall(in, b, o)...)
			}
		}
	}
	return errs
}

// addResource adds one resource or data block, expanding count and
// for_each when their values are known.
func (m *module) addResource(in *instance, b *hclsyntax.Block) {
	addr := b.Labels[0] + "." + b.Labels[1]
	if b.Type == "data" {
		addr = "data." + addr
	}
	addr = in.prefix + addr
	src := evidence.Source{File: b.TypeRange.Filename, Line: b.TypeRange.Start.Line, Column: b.TypeRange.Start.Column}
	mk := func(a string, extra map[string]cty.Value) {
		bl := &block{addr: a, typ: b.Labels[0], a: &hclAttrs{m: m, in: in, srcs: in.srcs, body: b.Body, extra: extra}, src: src}
		if d := b.Body.Attributes["depends_on"]; d != nil {
			bl.dependsOn = in.refs(d.Expr, 0)
		}
		m.add(bl)
		if _, ok := m.blocks[addr]; !ok {
			m.blocks[addr] = bl // "type.name" finds the first instance
		}
	}
	if a := b.Body.Attributes["count"]; a != nil {
		v, d := a.Expr.Value(in.evalCtx())
		if d.HasErrors() || !v.IsWhollyKnown() || v.IsNull() || !v.Type().Equals(cty.Number) {
			if !relevant(b.Labels[0]) {
				return
			}
			m.notes.Add(src, addr, "count = "+exprText(in, a.Expr)+" is not known without a plan, so the resource is not evaluated")
			return
		}
		n, _ := v.AsBigFloat().Int64()
		for i := int64(0); i < n && i < 16; i++ {
			mk(fmt.Sprintf("%s[%d]", addr, i), map[string]cty.Value{"count": cty.ObjectVal(map[string]cty.Value{"index": cty.NumberIntVal(i)})})
		}
		return
	}
	if a := b.Body.Attributes["for_each"]; a != nil {
		v, d := a.Expr.Value(in.evalCtx())
		if d.HasErrors() || !v.IsKnown() || v.IsNull() || !v.CanIterateElements() {
			if !relevant(b.Labels[0]) {
				return
			}
			m.notes.Add(src, addr, "for_each = "+exprText(in, a.Expr)+" is not known without a plan, so the resource is not evaluated")
			return
		}
		n := 0
		for it := v.ElementIterator(); it.Next() && n < 64; n++ {
			k, val := it.Element()
			if v.Type().IsSetType() || v.Type().IsListType() || v.Type().IsTupleType() {
				k = val
			}
			ks := k.GoString()
			if k.Type() == cty.String {
				ks = k.AsString()
			}
			mk(addr+"["+fmt.Sprintf("%q", ks)+"]", map[string]cty.Value{"each": cty.ObjectVal(map[string]cty.Value{"key": k, "value": val})})
		}
		return
	}
	mk(addr, nil)
}

func exprText(in *instance, e hclsyntax.Expression) string {
	h := &hclAttrs{srcs: in.srcs}
	return h.text(e.Range())
}

// moduleCall follows a local module (source "./x" or "../x"); registry,
// git and other remote modules are listed as not evaluated.
func (m *module) moduleCall(in *instance, b *hclsyntax.Block, o Options) []error {
	name := b.Labels[0]
	src := evidence.Source{File: b.TypeRange.Filename, Line: b.TypeRange.Start.Line, Column: b.TypeRange.Start.Column}
	source := ""
	if a := b.Body.Attributes["source"]; a != nil {
		if v, d := a.Expr.Value(nil); !d.HasErrors() && v.Type() == cty.String && v.IsKnown() && !v.IsNull() {
			source = v.AsString()
		}
	}
	local := strings.HasPrefix(source, "./") || strings.HasPrefix(source, "../")
	switch {
	case !local:
		m.notes.Add(src, "module \""+name+"\" (source "+fmt.Sprintf("%q", source)+")", "registry, git and remote modules are not fetched, so the APIs they create are not evaluated")
		return nil
	case b.Body.Attributes["count"] != nil || b.Body.Attributes["for_each"] != nil:
		m.notes.Add(src, "module \""+name+"\"", "module calls with count or for_each are not evaluated")
		return nil
	case in.depth >= maxModuleDepth || o.List == nil || o.Read == nil:
		m.notes.Add(src, "module \""+name+"\" (source "+fmt.Sprintf("%q", source)+")", "not followed (nested too deep)")
		return nil
	}
	dir := path.Join(in.dir, source)
	names, err := o.List(dir)
	if err != nil || len(names) == 0 {
		m.notes.Add(src, "module \""+name+"\" (source "+fmt.Sprintf("%q", source)+")", "the module directory "+dir+" has no .tf files here")
		return nil
	}
	var files []File
	for _, n := range names {
		if data, err := o.Read(n); err == nil {
			files = append(files, File{Name: n, Data: data})
		}
	}
	child := &instance{prefix: in.prefix + "module." + name + ".", dir: dir, parent: in, call: b.Body.Attributes,
		vars: map[string]*hclsyntax.Attribute{}, locals: map[string]*hclsyntax.Attribute{}, srcs: in.srcs, depth: in.depth + 1}
	return parseInstance(m, child, files, o)
}
