package code

import (
	"reflect"
	"strings"

	"github.com/dop251/goja/ast"
	"github.com/dop251/goja/file"
	"github.com/dop251/goja/parser"
	"github.com/evanw/esbuild/pkg/api"

	"github.com/corsdoctor/corsdoctor/apimodel"
	"github.com/corsdoctor/corsdoctor/evidence"
)

// jsFile is one parsed JavaScript file with the declarations response
// objects refer to.
type jsFile struct {
	name  string
	prog  *ast.Program
	lines *lineMap // generated line -> source line (esbuild), nil when parsed as is
	decls map[string]ast.Expression
	funcs map[string]*ast.FunctionLiteral
	arrow map[string]*ast.ArrowFunctionLiteral
}

func analyzeJS(name string, src []byte) *Facts {
	f := &Facts{Parser: "js (goja)"}
	j, err := parseJS(name, src)
	if err != nil {
		f.ParseError = err.Error()
		return f
	}
	if j.lines != nil {
		f.Parser = "js (esbuild + goja)"
		if Lang(name) == "ts" {
			f.Parser = "ts (esbuild + goja)"
		}
	}
	prog := j.prog
	walkJS(prog, func(n ast.Node, tries int) bool {
		switch x := n.(type) {
		case *ast.ReturnStatement:
			if r := j.response(x.Argument, 0); r != nil {
				r.Source = j.src(x.Return)
				f.Responses = append(f.Responses, r)
			}
		case *ast.ThrowStatement:
			if tries == 0 {
				f.Responses = append(f.Responses, &apimodel.CodeResponse{Thrown: true, AllowOrigin: apimodel.TriNo, AllowCredentials: apimodel.TriNo, Source: j.src(x.Throw)})
			}
		}
		return true
	})
	return f
}

// parseJS parses JavaScript as is, or through esbuild (ES modules,
// TypeScript, JSX) with a source map back to the file's lines, and
// collects the declarations response and options objects refer to.
func parseJS(name string, src []byte) (*jsFile, error) {
	prog, err := parser.ParseFile(nil, name, string(src), 0)
	var lines *lineMap
	if err != nil || Lang(name) == "ts" {
		loader := api.LoaderJS
		switch strings.ToLower(name[strings.LastIndexByte(name, '.')+1:]) {
		case "ts", "mts", "cts":
			loader = api.LoaderTS
		case "tsx":
			loader = api.LoaderTSX
		case "jsx":
			loader = api.LoaderJSX
		}
		r := api.Transform(string(src), api.TransformOptions{Loader: loader, Format: api.FormatCommonJS, Sourcemap: api.SourceMapExternal, Target: api.ES2020, Sourcefile: name})
		if len(r.Errors) > 0 {
			e := r.Errors[0]
			line := 0
			if e.Location != nil {
				line = e.Location.Line
			}
			return nil, &evidence.SourceError{Source: evidence.Source{File: name, Line: line}, Msg: e.Text}
		}
		lines = parseSourceMap(r.Map)
		prog, err = parser.ParseFile(nil, name, string(r.Code), 0)
		if err != nil {
			return nil, err
		}
	}
	j := &jsFile{name: name, prog: prog, lines: lines, decls: map[string]ast.Expression{}, funcs: map[string]*ast.FunctionLiteral{}, arrow: map[string]*ast.ArrowFunctionLiteral{}}
	walkJS(prog, func(n ast.Node, _ int) bool {
		switch x := n.(type) {
		case *ast.Binding:
			if id, ok := x.Target.(*ast.Identifier); ok && x.Initializer != nil {
				nm := string(id.Name)
				switch fn := x.Initializer.(type) {
				case *ast.FunctionLiteral:
					j.funcs[nm] = fn
				case *ast.ArrowFunctionLiteral:
					j.arrow[nm] = fn
				default:
					j.decls[nm] = x.Initializer
				}
			}
		case *ast.FunctionDeclaration:
			if x.Function != nil && x.Function.Name != nil {
				j.funcs[string(x.Function.Name.Name)] = x.Function
			}
		}
		return true
	})
	return j, nil
}

func (j *jsFile) src(idx file.Idx) evidence.Source {
	p := j.prog.File.Position(int(idx))
	line, col := p.Line, p.Column
	if j.lines != nil {
		line, col = j.lines.source(line, col)
	}
	return evidence.Source{File: j.name, Line: line, Column: col}
}

// response reads a returned expression as an HTTP response: an object
// literal with statusCode (directly, through a const, or returned by a
// local helper called with the status as its first argument).
func (j *jsFile) response(e ast.Expression, depth int) *apimodel.CodeResponse {
	if e == nil || depth > 4 {
		return nil
	}
	switch x := e.(type) {
	case *ast.Identifier:
		return j.response(j.decls[string(x.Name)], depth+1)
	case *ast.AwaitExpression:
		return j.response(x.Argument, depth+1)
	case *ast.CallExpression:
		id, ok := x.Callee.(*ast.Identifier)
		if !ok {
			return nil
		}
		var returns []*apimodel.CodeResponse
		collect := func(body ast.Node) {
			walkJS(body, func(n ast.Node, _ int) bool {
				if r, ok := n.(*ast.ReturnStatement); ok {
					if rr := j.response(r.Argument, depth+1); rr != nil {
						returns = append(returns, rr)
					}
				}
				return true
			})
		}
		if fn := j.funcs[string(id.Name)]; fn != nil {
			collect(fn.Body)
		} else if fn := j.arrow[string(id.Name)]; fn != nil {
			if b, ok := fn.Body.(*ast.ExpressionBody); ok {
				if rr := j.response(b.Expression, depth+1); rr != nil {
					returns = append(returns, rr)
				}
			} else {
				collect(fn.Body)
			}
		}
		status := ""
		if len(x.ArgumentList) > 0 {
			if n, ok := x.ArgumentList[0].(*ast.NumberLiteral); ok {
				status = n.Literal
			}
		}
		return viaHelper(returns, status)
	case *ast.ObjectLiteral:
		status, hasStatus := "", false
		var h headerSet
		j.props(x, 0, func(key string, v ast.Expression) {
			switch key {
			case "statusCode":
				hasStatus = true
				if n, ok := v.(*ast.NumberLiteral); ok {
					status = n.Literal
				}
			case "headers":
				if obj := j.object(v, 0); obj != nil {
					j.props(obj, 0, func(k string, hv ast.Expression) {
						lit, ok := jsLiteral(hv)
						h.add(k, lit, ok)
					})
				}
			}
		})
		if !hasStatus {
			return nil
		}
		return h.response(status, evidence.Source{})
	}
	return nil
}

// object resolves an expression to an object literal.
func (j *jsFile) object(e ast.Expression, depth int) *ast.ObjectLiteral {
	if depth > 4 {
		return nil
	}
	switch x := e.(type) {
	case *ast.ObjectLiteral:
		return x
	case *ast.Identifier:
		return j.object(j.decls[string(x.Name)], depth+1)
	}
	return nil
}

// props calls fn for each named property of obj, spreads included.
func (j *jsFile) props(obj *ast.ObjectLiteral, depth int, fn func(key string, v ast.Expression)) {
	if depth > 4 {
		return
	}
	for _, p := range obj.Value {
		switch x := p.(type) {
		case *ast.PropertyKeyed:
			if k, ok := jsLiteral(x.Key); ok && !x.Computed {
				fn(k, x.Value)
			} else if id, ok := x.Key.(*ast.Identifier); ok && !x.Computed {
				fn(string(id.Name), x.Value)
			}
		case *ast.PropertyShort:
			fn(string(x.Name.Name), &x.Name)
		case *ast.SpreadElement:
			if o := j.object(x.Expression, depth+1); o != nil {
				j.props(o, depth+1, fn)
			}
		}
	}
}

// jsLiteral returns the value of a string, number or boolean literal.
func jsLiteral(e ast.Expression) (string, bool) {
	switch x := e.(type) {
	case *ast.StringLiteral:
		return string(x.Value), true
	case *ast.NumberLiteral:
		return x.Literal, true
	case *ast.BooleanLiteral:
		if x.Value {
			return "true", true
		}
		return "false", true
	case *ast.TemplateLiteral:
		if len(x.Expressions) == 0 && len(x.Elements) == 1 {
			return string(x.Elements[0].Parsed), true
		}
	}
	return "", false
}

var nodeType = reflect.TypeOf((*ast.Node)(nil)).Elem()

// walkJS visits every node below n depth first; tries counts the try
// blocks (not catch or finally) around a node inside the same function.
// fn returns false to skip a node's children.
func walkJS(n ast.Node, fn func(ast.Node, int) bool) {
	var walk func(v reflect.Value, tries, depth int)
	walk = func(v reflect.Value, tries, depth int) {
		if depth > 512 || !v.IsValid() {
			return
		}
		switch v.Kind() {
		case reflect.Interface:
			if !v.IsNil() {
				walk(v.Elem(), tries, depth+1)
			}
		case reflect.Pointer:
			if v.IsNil() {
				return
			}
			if v.Type().Implements(nodeType) {
				node := v.Interface().(ast.Node)
				switch node.(type) {
				case *ast.FunctionLiteral, *ast.ArrowFunctionLiteral:
					tries = 0 // a function's throws escape that function
				}
				if !fn(node, tries) {
					return
				}
				if t, ok := node.(*ast.TryStatement); ok {
					walk(reflect.ValueOf(t.Body), tries+1, depth+1)
					if t.Catch != nil {
						walk(reflect.ValueOf(t.Catch), tries, depth+1)
					}
					if t.Finally != nil {
						walk(reflect.ValueOf(t.Finally), tries, depth+1)
					}
					return
				}
			}
			walk(v.Elem(), tries, depth+1)
		case reflect.Struct:
			for i := 0; i < v.NumField(); i++ {
				if v.Type().Field(i).IsExported() {
					walk(v.Field(i), tries, depth+1)
				}
			}
		case reflect.Slice:
			for i := 0; i < v.Len(); i++ {
				walk(v.Index(i), tries, depth+1)
			}
		}
	}
	walk(reflect.ValueOf(n), 0, 0)
}
