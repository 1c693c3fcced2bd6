package code

import (
	"strings"

	"github.com/dop251/goja/ast"

	"github.com/corsdoctor/corsdoctor/apimodel"
)

// Clients finds the requests front-end code makes with fetch(url, {method,
// headers, credentials}), axios(config) / axios.METHOD(url, [data],
// config), and xhr.setRequestHeader(name, value): the request headers a
// preflight must allow. Only literal header names are read.
func Clients(name string, src []byte) (out []*apimodel.ClientCall) {
	defer func() {
		if recover() != nil {
			out = nil
		}
	}()
	if len(src) > MaxSize || Lang(name) != "js" && Lang(name) != "ts" {
		return nil
	}
	j, err := parseJS(name, src)
	if err != nil {
		return nil
	}
	walkJS(j.prog, func(n ast.Node, _ int) bool {
		call, ok := n.(*ast.CallExpression)
		if !ok || len(out) >= 256 {
			return true
		}
		var c *apimodel.ClientCall
		switch fn := call.Callee.(type) {
		case *ast.Identifier:
			switch string(fn.Name) {
			case "fetch":
				c = &apimodel.ClientCall{Method: "GET"}
				if len(call.ArgumentList) > 1 {
					j.clientOptions(c, call.ArgumentList[1])
				}
			case "axios":
				c = &apimodel.ClientCall{Method: "GET"}
				if len(call.ArgumentList) > 0 {
					j.clientOptions(c, call.ArgumentList[len(call.ArgumentList)-1])
				}
			}
		case *ast.DotExpression:
			m := strings.ToLower(string(fn.Identifier.Name))
			switch {
			case isAxios(fn.Left) && strings.Contains("get post put patch delete head options request", m):
				c = &apimodel.ClientCall{Method: strings.ToUpper(m)}
				if len(call.ArgumentList) > 1 {
					j.clientOptions(c, call.ArgumentList[len(call.ArgumentList)-1])
				}
			case m == "setrequestheader" && len(call.ArgumentList) == 2:
				if h, ok := jsLiteral(call.ArgumentList[0]); ok {
					c = &apimodel.ClientCall{Method: "", Headers: []string{h}}
				}
			}
		}
		if c == nil {
			return true
		}
		if len(call.ArgumentList) > 0 {
			if u, ok := jsLiteral(call.ArgumentList[0]); ok && c.Method != "" {
				c.URL = u
			}
		}
		if len(c.Headers) == 0 {
			return true
		}
		c.Source = j.src(call.LeftParenthesis)
		out = append(out, c)
		return true
	})
	return out
}

// clientOptions reads a fetch init / axios config object.
func (j *jsFile) clientOptions(c *apimodel.ClientCall, e ast.Expression) {
	obj := j.object(e, 0)
	if obj == nil {
		return
	}
	j.props(obj, 0, func(k string, v ast.Expression) {
		switch k {
		case "method":
			if m, ok := jsLiteral(v); ok {
				c.Method = strings.ToUpper(m)
			}
		case "credentials":
			if m, ok := jsLiteral(v); ok && m == "include" {
				c.Credentials = true
			}
		case "withCredentials":
			if m, ok := jsLiteral(v); ok && m == "true" {
				c.Credentials = true
			}
		case "headers":
			if h := j.object(v, 0); h != nil {
				j.props(h, 0, func(name string, _ ast.Expression) {
					c.Headers = append(c.Headers, name)
				})
			}
		}
	})
}

// isAxios reports axios, or the import binding esbuild makes of it
// (import_axios.default).
func isAxios(e ast.Expression) bool {
	switch x := e.(type) {
	case *ast.Identifier:
		return string(x.Name) == "axios"
	case *ast.DotExpression:
		if id, ok := x.Left.(*ast.Identifier); ok {
			return strings.HasPrefix(string(id.Name), "import_axios") && string(x.Identifier.Name) == "default"
		}
	}
	return false
}
