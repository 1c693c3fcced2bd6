// Package code reads Lambda handler source next to a template and
// follows its response paths: which responses the handler returns (status
// code, Access-Control-Allow-Origin, Access-Control-Allow-Credentials) and
// which exceptions escape it (Lambda then answers 502 without headers).
//
// Parsers, by language:
//   - Go: the standard library's go/parser and go/ast;
//   - JavaScript and TypeScript: github.com/dop251/goja/parser (a
//     maintained pure-Go ECMAScript parser with source positions); ES
//     modules and TypeScript are first transformed to CommonJS by
//     github.com/evanw/esbuild/pkg/api, and positions are mapped back
//     through esbuild's source map;
//   - Python and Java: no maintained pure-Go parser exists for the
//     language versions Lambda runs (go-python/gpython stops at Python 3.4:
//     no f-strings, annotations, async, walrus), so a documented token-level
//     scan reads them: a real tokenizer (strings with prefixes and triple
//     quotes, comments, brackets, indentation), then dict literals after
//     return, headers dicts assigned to names, helper functions that build
//     responses, and raise statements outside try blocks (Python);
//     withStatusCode/setStatusCode calls and the header names set in the
//     same method (Java).
//
// The facts are what the code shows; anything computed at run time stays
// unknown.
package code

import (
	"path"
	"strings"

	"github.com/corsdoctor/corsdoctor/apimodel"
	"github.com/corsdoctor/corsdoctor/evidence"
)

// MaxSize bounds one source file.
const MaxSize = 1 << 20

// Facts are what a handler file shows.
type Facts struct {
	// Parser names how the file was read.
	Parser string
	// Responses are the response paths found, in source order.
	Responses []*apimodel.CodeResponse
	// SetsAllowOrigin: some response sets Access-Control-Allow-Origin
	// (TriUnknown when no response was found).
	SetsAllowOrigin apimodel.Tri
	// ParseError is set when the parser failed (the facts are empty).
	ParseError string
}

// Lang returns the language of a source file by extension: "go", "js",
// "ts", "python", "java", or "".
func Lang(name string) string {
	switch strings.ToLower(path.Ext(name)) {
	case ".go":
		return "go"
	case ".js", ".mjs", ".cjs", ".jsx":
		return "js"
	case ".ts", ".mts", ".cts", ".tsx":
		return "ts"
	case ".py":
		return "python"
	case ".java":
		return "java"
	}
	return ""
}

// Analyze reads one handler file.
func Analyze(name string, src []byte) (f *Facts) {
	f = &Facts{}
	defer func() {
		if v := recover(); v != nil {
			f = &Facts{ParseError: "internal error while reading the code"}
		}
	}()
	if len(src) > MaxSize {
		return &Facts{ParseError: "file too large"}
	}
	switch Lang(name) {
	case "go":
		f = analyzeGo(name, src)
	case "js", "ts":
		f = analyzeJS(name, src)
	case "python":
		f = analyzePython(name, src)
	case "java":
		f = analyzeJava(name, src)
	default:
		return &Facts{ParseError: "unsupported language"}
	}
	f.settle()
	return f
}

func (f *Facts) settle() {
	if len(f.Responses) == 0 {
		f.SetsAllowOrigin = apimodel.TriUnknown
		return
	}
	f.SetsAllowOrigin = apimodel.TriNo
	for _, r := range f.Responses {
		if r.AllowOrigin == apimodel.TriYes {
			f.SetsAllowOrigin = apimodel.TriYes
		}
	}
}

// headerSet accumulates the CORS facts of one headers object.
type headerSet struct {
	origin      apimodel.Tri
	originValue string
	credentials apimodel.Tri
}

// add records one header name and its literal value ("" when computed).
func (h *headerSet) add(name, value string, literal bool) {
	switch strings.ToLower(strings.TrimSpace(name)) {
	case "access-control-allow-origin":
		h.origin = apimodel.TriYes
		if literal {
			h.originValue = value
		}
	case "access-control-allow-credentials":
		if literal && strings.EqualFold(strings.TrimSpace(value), "true") {
			h.credentials = apimodel.TriYes
		}
	}
}

func (h headerSet) response(status string, src evidence.Source) *apimodel.CodeResponse {
	r := &apimodel.CodeResponse{Status: status, AllowOrigin: h.origin, AllowOriginValue: h.originValue, AllowCredentials: h.credentials, Source: src}
	if r.AllowOrigin == apimodel.TriUnknown {
		r.AllowOrigin = apimodel.TriNo
	}
	if r.AllowCredentials == apimodel.TriUnknown {
		r.AllowCredentials = apimodel.TriNo
	}
	return r
}

// viaHelper is the response a call of a local helper gives: the helper's
// first returned response, carrying Access-Control-Allow-Origin only when
// every return does, with the status the caller passes (status) when the
// helper computes it.
func viaHelper(returns []*apimodel.CodeResponse, status string) *apimodel.CodeResponse {
	if len(returns) == 0 {
		return nil
	}
	out := *returns[0]
	for _, r := range returns[1:] {
		if r.AllowOrigin != apimodel.TriYes {
			out.AllowOrigin = apimodel.TriNo
		}
	}
	if out.Status == "" {
		out.Status = status
	}
	return &out
}
