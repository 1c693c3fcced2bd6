package tree

import (
	"path"
	"regexp"
	"strings"

	"github.com/corsdoctor/corsdoctor/apimodel"
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

// InlineFunction builds a Function from inline code.
func InlineFunction(id, runtime, handler, src string, at apimodel.Value) *apimodel.Function {
	f := &apimodel.Function{ID: id, Runtime: runtime, Handler: handler, Inline: true, Source: at.Source}
	f.SetsAllowOrigin, f.HandlesOptions = ScanCode(src)
	return f
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
		return f
	}
	return f
}
