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

// corsCode recognises code that sets CORS response headers itself or
// through a well-known library.
var corsCode = regexp.MustCompile(`(?i)access-control-allow-origin|CORSMiddleware|flask_cors|corsheaders|CORSConfig|require\(\s*['"]cors['"]\s*\)|from\s+['"]cors['"]|@middy/http-cors|\bcors\(`)

var optionsCode = regexp.MustCompile(`['"]OPTIONS['"]|\.options\(|httpMethod|requestContext`)

// ScanCode decides whether function source sets Access-Control-Allow-Origin
// and answers OPTIONS. It is a textual check: the finding it feeds says so.
func ScanCode(src string) (setsOrigin, handlesOptions apimodel.Tri) {
	return apimodel.TriOf(corsCode.MatchString(src)), apimodel.TriOf(optionsCode.MatchString(src) || corsCode.MatchString(src))
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
