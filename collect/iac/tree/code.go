package tree

import (
	"path"
	"regexp"
	"strings"

	"github.com/corsdoctor/corsdoctor/apimodel"
	"github.com/corsdoctor/corsdoctor/collect/iac/code"
	"github.com/corsdoctor/corsdoctor/evidence"
)

// ReadFunc reads a file of the repository; collectors get it from the
// caller so that they do no I/O of their own (and tests use maps).
type ReadFunc func(name string) ([]byte, error)

// corsMarkers (lower case) recognise code that sets CORS response headers
// itself or through a well-known library (Express cors, middy http-cors,
// FastAPI/Starlette CORSMiddleware, flask-cors, django-cors-headers,
// Powertools CORSConfig).
var corsMarkers = []string{"access-control-allow-origin", "corsmiddleware", "flask_cors", "corsheaders", "corsconfig",
	"require('cors')", `require("cors")`, "from 'cors'", `from "cors"`, "@middy/http-cors"}

// corsCall matches a call of a function named cors.
var corsCall = regexp.MustCompile(`\bcors\(`)

var optionsMarkers = []string{`'options'`, `"options"`, ".options(", "httpmethod", "requestcontext"}

// ScanCode decides whether function source sets Access-Control-Allow-Origin
// and answers OPTIONS. It is a textual check: the finding it feeds says so.
func ScanCode(src string) (setsOrigin, handlesOptions apimodel.Tri) {
	lower := strings.ToLower(src)
	sets := containsAny(lower, corsMarkers) || strings.Contains(lower, "cors(") && corsCall.MatchString(lower)
	return apimodel.TriOf(sets), apimodel.TriOf(sets || containsAny(lower, optionsMarkers))
}

func containsAny(s string, subs []string) bool {
	for _, x := range subs {
		if strings.Contains(s, x) {
			return true
		}
	}
	return false
}

// InlineFunction builds a Function from inline code (its response paths
// are located in the template, below the code's key).
func InlineFunction(id, runtime, handler, src string, at apimodel.Value) *apimodel.Function {
	f := &apimodel.Function{ID: id, Runtime: runtime, Handler: handler, Inline: true, Source: at.Source}
	f.SetsAllowOrigin, f.HandlesOptions = ScanCode(src)
	ext := ".js"
	if strings.HasPrefix(strings.ToLower(runtime), "python") {
		ext = ".py"
	}
	readCode(f, "inline"+ext, []byte(src))
	for _, r := range f.Responses {
		r.Source = evidence.Source{File: at.Source.File, Line: at.Source.Line + r.Source.Line, Column: r.Source.Column}
	}
	return f
}

// readCode follows the response paths of a handler file with package
// code; its facts replace the textual ScanCode answer when the parser
// found responses, unless a CORS library or middleware is in use (the
// library sets the headers on every response).
func readCode(f *apimodel.Function, name string, src []byte) {
	facts := code.Analyze(name, src)
	if facts.ParseError != "" {
		return
	}
	f.Parser, f.Responses = facts.Parser, facts.Responses
	lib := libraryMarker(strings.ToLower(string(src)))
	if len(facts.Responses) > 0 && !lib {
		f.SetsAllowOrigin = facts.SetsAllowOrigin
	}
}

// libraryMarker reports a CORS library or middleware in the code.
func libraryMarker(lower string) bool {
	for _, m := range corsMarkers[1:] {
		if strings.Contains(lower, m) {
			return true
		}
	}
	return strings.Contains(lower, "cors(") && corsCall.MatchString(lower)
}

// HandlerFunction looks for the handler file below dir ("app.lambda_handler"
// -> dir/app.py for Python, "src/index.handler" -> dir/src/index.{js,mjs,
// cjs,ts} for Node.js). Other runtimes, or a file not found, give a
// Function whose facts are unknown.
func HandlerFunction(read ReadFunc, id, dir, runtime, handler string, at apimodel.Value) *apimodel.Function {
	f := &apimodel.Function{ID: id, Runtime: runtime, Handler: handler, Source: at.Source}
	if read == nil || handler == "" {
		return f
	}
	mod := handler
	if i := strings.LastIndexByte(mod, '.'); i > 0 {
		mod = mod[:i]
	}
	var exts []string
	rt := strings.ToLower(runtime)
	switch {
	case strings.HasPrefix(rt, "python"):
		exts = []string{".py"}
		mod = strings.ReplaceAll(mod, ".", "/")
	case strings.HasPrefix(rt, "nodejs"):
		exts = []string{".js", ".mjs", ".cjs", ".ts"}
	case strings.HasPrefix(rt, "go") || strings.HasPrefix(rt, "provided"):
		// Go: the package in CodeUri; main.go by convention.
		mod, exts = "main", []string{".go"}
	case strings.HasPrefix(rt, "java"):
		// com.example.Handler::handleRequest -> src/main/java/com/example/Handler.java
		cls, _, _ := strings.Cut(handler, "::")
		mod, exts = "src/main/java/"+strings.ReplaceAll(cls, ".", "/"), []string{".java"}
	case rt == "":
		exts = []string{".py", ".js", ".mjs", ".ts"}
	default:
		return f
	}
	for _, e := range exts {
		p := path.Join(dir, mod+e)
		b, err := read(p)
		if err != nil {
			continue
		}
		f.CodePath = p
		f.SetsAllowOrigin, f.HandlesOptions = ScanCode(string(b))
		readCode(f, p, b)
		if f.SetsAllowOrigin != apimodel.TriYes && scanImports(read, dir, p, string(b), e == ".py") {
			// A local module the handler imports sets the headers
			// (a shared response helper).
			f.SetsAllowOrigin, f.HandlesOptions = apimodel.TriYes, apimodel.TriYes
		}
		return f
	}
	return f
}

// Local imports: Python "from x.y import z" / "import x", Node
// require('./x') and import ... from './x'.
var (
	pyImport   = regexp.MustCompile(`(?m)^\s*(?:from\s+(\.*[\w.]*)\s+import|import\s+([\w.]+))`)
	nodeImport = regexp.MustCompile(`(?:require\(\s*|from\s+|import\s+)['"](\.{1,2}/[^'"]+)['"]`)
)

// maxImports bounds how many local modules are scanned per function.
const maxImports = 20

// scanImports follows the local modules a handler imports (breadth first,
// at most maxImports files, within root) and reports whether one of them
// sets CORS headers.
func scanImports(read ReadFunc, root, file, src string, python bool) bool {
	seen := map[string]bool{file: true}
	queue := []struct{ file, src string }{{file, src}}
	for len(queue) > 0 && len(seen) <= maxImports {
		cur := queue[0]
		queue = queue[1:]
		for _, cand := range localImports(root, cur.file, cur.src, python) {
			if seen[cand] || len(seen) > maxImports {
				continue
			}
			b, err := read(cand)
			if err != nil {
				continue
			}
			seen[cand] = true
			if sets, _ := ScanCode(string(b)); sets == apimodel.TriYes {
				return true
			}
			queue = append(queue, struct{ file, src string }{cand, string(b)})
		}
	}
	return false
}

// localImports lists candidate files for the local modules src imports.
func localImports(root, file, src string, python bool) []string {
	var out []string
	if python {
		for _, m := range pyImport.FindAllStringSubmatch(src, -1) {
			mod := m[1]
			if mod == "" {
				mod = m[2]
			}
			base := root
			if strings.HasPrefix(mod, ".") {
				base = path.Dir(file)
				trimmed := strings.TrimLeft(mod, ".")
				for i := 1; i < len(mod)-len(trimmed); i++ {
					base = path.Dir(base)
				}
				mod = trimmed
			}
			if mod == "" {
				continue
			}
			p := path.Join(base, strings.ReplaceAll(mod, ".", "/"))
			out = append(out, p+".py", p+"/__init__.py")
		}
		return out
	}
	for _, m := range nodeImport.FindAllStringSubmatch(src, -1) {
		p := path.Join(path.Dir(file), m[1])
		if !strings.HasPrefix(p, strings.TrimSuffix(root, "/")) && root != "." {
			continue
		}
		if path.Ext(p) != "" {
			out = append(out, p)
			continue
		}
		for _, e := range []string{".js", ".mjs", ".cjs", ".ts", "/index.js", "/index.ts"} {
			out = append(out, p+e)
		}
	}
	return out
}
