package code

import (
	"go/ast"
	"go/parser"
	"go/token"
	"strconv"
	"strings"

	"github.com/corsdoctor/corsdoctor/apimodel"
	"github.com/corsdoctor/corsdoctor/evidence"
)

// httpStatus are net/http's status constants a handler names.
var httpStatus = map[string]string{
	"StatusOK": "200", "StatusCreated": "201", "StatusAccepted": "202", "StatusNoContent": "204",
	"StatusMovedPermanently": "301", "StatusFound": "302", "StatusBadRequest": "400", "StatusUnauthorized": "401",
	"StatusForbidden": "403", "StatusNotFound": "404", "StatusMethodNotAllowed": "405", "StatusConflict": "409",
	"StatusUnprocessableEntity": "422", "StatusTooManyRequests": "429", "StatusInternalServerError": "500",
	"StatusNotImplemented": "501", "StatusBadGateway": "502", "StatusServiceUnavailable": "503", "StatusGatewayTimeout": "504",
}

// analyzeGo follows aws-lambda-go handlers: composite literals of
// events.APIGatewayProxyResponse, APIGatewayV2HTTPResponse and
// LambdaFunctionURLResponse in return statements (a non-nil error
// returned beside them makes Lambda answer 502), and net/http handlers
// setting headers with w.Header().Set/Add.
func analyzeGo(name string, src []byte) *Facts {
	f := &Facts{Parser: "go/ast"}
	fset := token.NewFileSet()
	file, err := parser.ParseFile(fset, name, src, 0)
	if err != nil {
		f.ParseError = err.Error()
		return f
	}
	vars := map[string]ast.Expr{}
	ast.Inspect(file, func(n ast.Node) bool {
		switch x := n.(type) {
		case *ast.AssignStmt:
			if len(x.Lhs) == len(x.Rhs) {
				for i, l := range x.Lhs {
					if id, ok := l.(*ast.Ident); ok {
						vars[id.Name] = x.Rhs[i]
					}
				}
			}
		case *ast.ValueSpec:
			if len(x.Names) == len(x.Values) {
				for i, id := range x.Names {
					vars[id.Name] = x.Values[i]
				}
			}
		}
		return true
	})
	pos := func(p token.Pos) evidence.Source {
		q := fset.Position(p)
		return evidence.Source{File: name, Line: q.Line, Column: q.Column}
	}
	var httpSets headerSet
	httpAt := token.NoPos
	ast.Inspect(file, func(n ast.Node) bool {
		switch x := n.(type) {
		case *ast.ReturnStmt:
			if len(x.Results) == 0 {
				return true
			}
			lit := goResponse(x.Results[0], vars, 0)
			if lit == nil {
				return true
			}
			r := goFacts(lit, vars)
			r.Source = pos(x.Return)
			if len(x.Results) == 2 {
				if id, ok := x.Results[1].(*ast.Ident); !ok || id.Name != "nil" {
					r = &apimodel.CodeResponse{Thrown: true, AllowOrigin: apimodel.TriNo, AllowCredentials: apimodel.TriNo, Source: r.Source}
				}
			}
			f.Responses = append(f.Responses, r)
		case *ast.CallExpr:
			// w.Header().Set("Access-Control-Allow-Origin", v)
			if sel, ok := x.Fun.(*ast.SelectorExpr); ok && (sel.Sel.Name == "Set" || sel.Sel.Name == "Add") && len(x.Args) == 2 {
				if inner, ok := sel.X.(*ast.CallExpr); ok {
					if is, ok := inner.Fun.(*ast.SelectorExpr); ok && is.Sel.Name == "Header" {
						k, kok := goString(x.Args[0])
						v, vok := goString(x.Args[1])
						if kok {
							httpSets.add(k, v, vok)
							if httpAt == token.NoPos {
								httpAt = x.Pos()
							}
						}
					}
				}
			}
		}
		return true
	})
	if httpAt != token.NoPos {
		f.Responses = append(f.Responses, httpSets.response("", pos(httpAt)))
	}
	return f
}

// goResponse resolves a returned expression to a response composite
// literal (events.*Response{...}, possibly through a variable).
func goResponse(e ast.Expr, vars map[string]ast.Expr, depth int) *ast.CompositeLit {
	if depth > 4 {
		return nil
	}
	switch x := e.(type) {
	case *ast.CompositeLit:
		if sel, ok := x.Type.(*ast.SelectorExpr); ok && strings.HasSuffix(sel.Sel.Name, "Response") {
			return x
		}
	case *ast.UnaryExpr:
		return goResponse(x.X, vars, depth+1)
	case *ast.Ident:
		if v, ok := vars[x.Name]; ok {
			return goResponse(v, vars, depth+1)
		}
	}
	return nil
}

func goFacts(lit *ast.CompositeLit, vars map[string]ast.Expr) *apimodel.CodeResponse {
	status := ""
	var h headerSet
	for _, el := range lit.Elts {
		kv, ok := el.(*ast.KeyValueExpr)
		if !ok {
			continue
		}
		key, _ := kv.Key.(*ast.Ident)
		if key == nil {
			continue
		}
		switch key.Name {
		case "StatusCode":
			switch v := kv.Value.(type) {
			case *ast.BasicLit:
				status = v.Value
			case *ast.SelectorExpr:
				status = httpStatus[v.Sel.Name]
			}
		case "Headers", "MultiValueHeaders":
			m := kv.Value
			if id, ok := m.(*ast.Ident); ok {
				m = vars[id.Name]
			}
			if cl, ok := m.(*ast.CompositeLit); ok {
				for _, e := range cl.Elts {
					if hkv, ok := e.(*ast.KeyValueExpr); ok {
						k, kok := goString(hkv.Key)
						v, vok := goString(hkv.Value)
						if kok {
							h.add(k, v, vok)
						}
					}
				}
			}
		}
	}
	return h.response(status, evidence.Source{})
}

func goString(e ast.Expr) (string, bool) {
	if b, ok := e.(*ast.BasicLit); ok && b.Kind == token.STRING {
		s, err := strconv.Unquote(b.Value)
		return s, err == nil
	}
	return "", false
}
