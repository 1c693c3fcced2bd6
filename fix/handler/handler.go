// Package handler fixes Lambda proxy handlers whose responses lack
// Access-Control-Allow-Origin (rule CD2008) for `corsdoctor fix`.
//
// With a Lambda proxy integration (REST AWS_PROXY, HTTP API, function
// URL) API Gateway passes the function's response through: the function
// must set the CORS headers on every response
// (https://docs.aws.amazon.com/apigateway/latest/developerguide/how-to-cors.html,
// "Enabling CORS support for Lambda or HTTP proxy integrations").
//
// The handler is patched only where the code path is certain: the handler
// function is found by name, it defines no nested function, and every
// return statement returns a dict (Python) or object (Node.js) literal
// with statusCode, whose headers, if present, are a literal too. Each
// response then gets Access-Control-Allow-Origin: the one --origin as a
// literal; with several, the request's Origin echoed from an allowlist,
// with Vary: Origin. Anything else gets advice: the exact snippet and the
// file:line to put it at.
package handler

import (
	"fmt"
	"path"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"

	"github.com/corsdoctor/corsdoctor/apimodel"
	"github.com/corsdoctor/corsdoctor/fix/fixer"
)

// Rules are the findings this package fixes, with what the fix writes.
var Rules = map[string]string{
	"CD2008": "adds Access-Control-Allow-Origin to every response of the proxy handler where every return is a statusCode dict/object literal (one --origin: the literal; several: the request's Origin from an allowlist, with Vary: Origin); otherwise prints the snippet and where it goes",
	"CD2026": "the responses of the handler that lack the CORS headers (an error path) get them: the module-level headers constant the other responses already return (no value written), else as for CD2008",
}

// Fix fixes CD2008 and CD2026 for the function behind the finding's
// integration (CD2026: the function whose code the finding is in).
func Fix(c *fixer.Ctx) (*fixer.Change, error) {
	fn := functionAt(c)
	if fn == nil {
		return nil, fixer.Skipf("the function behind %s was not found", c.Finding.Location)
	}
	if len(c.Origins) == 0 && c.API != nil {
		for _, o := range fixer.ConfiguredOrigins(c.API) {
			if fixer.WellFormedOrigin(o) && o != "*" {
				c.Origins = append(c.Origins, o)
			}
		}
	}
	lang := language(fn)
	needs := func() (*fixer.Change, error) {
		return nil, fixer.Needs("--origin", "the function must return the page's origin; give it, e.g. --origin https://app.example.com")
	}
	if fn.CodePath == "" || fn.Inline || lang == "" {
		if len(c.Origins) == 0 {
			return needs()
		}
		return advice(fn, lang, c.Origins, "", "")
	}
	src, err := c.Files.Read(fn.CodePath)
	if err != nil {
		if len(c.Origins) == 0 {
			return needs()
		}
		return advice(fn, lang, c.Origins, "", "")
	}
	name := handlerName(fn.Handler)
	var out string
	var why string
	switch lang {
	case "python":
		out, why = patchPython(string(src), name, c.Origins)
	case "node":
		out, why = patchNode(string(src), name, c.Origins)
	}
	if why == needOrigin {
		return needs()
	}
	if why != "" {
		if len(c.Origins) == 0 {
			return nil, fixer.Needs("--origin", "the function must return the page's origin (%s); give it, e.g. --origin https://app.example.com", why)
		}
		return advice(fn, lang, c.Origins, why, string(src))
	}
	if out == string(src) {
		return nil, fixer.Skipf("every response of %s in %s sets Access-Control-Allow-Origin already", name, fn.CodePath)
	}
	if err := c.Files.Write(fn.CodePath, []byte(out)); err != nil {
		return nil, err
	}
	targets := targetsOf(c.API, fn)
	if shared := sharedHeaders(string(src), lang == "python"); shared != "" {
		return &fixer.Change{Summary: fmt.Sprintf("%s: every response of %s sets the headers of %s, which carry Access-Control-Allow-Origin", fn.CodePath, name, shared), Files: []string{fn.CodePath}, Targets: targets}, nil
	}
	what := "Access-Control-Allow-Origin " + c.Origins[0]
	if len(c.Origins) > 1 {
		what = "Access-Control-Allow-Origin echoed from " + strings.Join(c.Origins, ", ") + " with Vary: Origin"
	}
	return &fixer.Change{Summary: fmt.Sprintf("%s: every response of %s sets %s", fn.CodePath, name, what), Files: []string{fn.CodePath}, Targets: targets}, nil
}

// targetsOf lists the actual responses of the routes fn answers: a
// patched handler must make them readable.
func targetsOf(api *apimodel.API, fn *apimodel.Function) []fixer.Target {
	if api == nil {
		return nil
	}
	verb := func(m string) string {
		if strings.EqualFold(m, "ANY") {
			return ""
		}
		return m
	}
	var out []fixer.Target
	for _, r := range api.Resources {
		for _, m := range r.Methods {
			if m.Integration != nil && m.Integration.Function == fn {
				out = append(out, fixer.Target{API: api.ID, Method: verb(m.HTTPMethod), Path: r.Path, Stage: fixer.Actual})
			}
		}
	}
	for _, r := range api.Routes {
		if r.Integration != nil && r.Integration.Function == fn && r.Path != "" {
			out = append(out, fixer.Target{API: api.ID, Method: verb(r.Method), Path: r.Path, Stage: fixer.Actual})
		}
	}
	return out
}

// functionAt returns the function of the proxy integration the finding
// names.
func functionAt(c *fixer.Ctx) *apimodel.Function {
	if c.API == nil {
		return nil
	}
	loc := c.Finding.Location
	for _, r := range c.API.Resources {
		for _, m := range r.Methods {
			if fixer.Same(m.Source, loc) && m.Integration != nil && m.Integration.Function != nil {
				return m.Integration.Function
			}
		}
	}
	for _, r := range c.API.Routes {
		if fixer.Same(r.Source, loc) && r.Integration != nil && r.Integration.Function != nil {
			return r.Integration.Function
		}
	}
	// A finding in the handler's code (CD2026): the function it names,
	// else the first whose code is in the file.
	var first, named *apimodel.Function
	fixer.Functions(c.API, func(fn *apimodel.Function) {
		if !sameFile(fn.CodePath, loc.File) {
			return
		}
		if first == nil {
			first = fn
		}
		if fn.ID != "" && strings.Contains(c.Finding.Detail, "function "+fn.ID+" ") {
			named = fn
		}
	})
	switch {
	case named != nil:
		return named
	case first != nil:
		return first
	}
	return c.API.Function
}

func sameFile(a, b string) bool {
	return a != "" && filepath.Clean(a) == filepath.Clean(b)
}

// needOrigin is the reason a patch gives when it must write an origin
// and none was given.
const needOrigin = "needs an origin"

// sharedHeaders returns the name of the module-level dict/object literal
// the handler's responses use as headers ("headers": CORS) when there is
// exactly one and it sets Access-Control-Allow-Origin: the responses
// without headers then get the same headers, which writes no new value.
func sharedHeaders(src string, python bool) string {
	use := regexp.MustCompile(`\bheaders\s*:\s*([A-Za-z_$][\w$]*)\s*[,}\n]`)
	if python {
		use = regexp.MustCompile(`["']headers["']\s*:\s*([A-Za-z_]\w*)\s*[,}\n]`)
	}
	names := map[string]bool{}
	for _, m := range use.FindAllStringSubmatch(src, -1) {
		names[m[1]] = true
	}
	if len(names) != 1 {
		return ""
	}
	var name string
	for n := range names {
		name = n
	}
	def := regexp.MustCompile(`(?m)^(?:export\s+)?(?:const\s+|let\s+|var\s+)?` + regexp.QuoteMeta(name) + `\s*=\s*\{`)
	if python {
		def = regexp.MustCompile(`(?m)^` + regexp.QuoteMeta(name) + `\s*=\s*\{`)
	}
	locs := def.FindAllStringIndex(src, -1)
	if len(locs) != 1 {
		return ""
	}
	at := locs[0][1] - 1
	end := matchClose(src, at, python)
	if end < 0 {
		return ""
	}
	for k := range topKeys(src[at:end], python) {
		if strings.EqualFold(k, "Access-Control-Allow-Origin") {
			return name
		}
	}
	return ""
}

func language(fn *apimodel.Function) string {
	rt := strings.ToLower(fn.Runtime)
	ext := path.Ext(fn.CodePath)
	switch {
	case strings.HasPrefix(rt, "python") || ext == ".py":
		return "python"
	case strings.HasPrefix(rt, "nodejs") || ext == ".js" || ext == ".mjs" || ext == ".cjs" || ext == ".ts":
		return "node"
	}
	return ""
}

func handlerName(h string) string {
	if i := strings.LastIndexByte(h, '.'); i >= 0 {
		return h[i+1:]
	}
	return h
}

// advice returns the snippet to add by hand.
func advice(fn *apimodel.Function, lang string, origins []string, why, src string) (*fixer.Change, error) {
	where := fn.CodePath
	if n := handlerLine(src, handlerName(fn.Handler), lang); where != "" && n > 0 {
		where = fmt.Sprintf("%s:%d", where, n)
	}
	if where == "" {
		where = fn.Source.String()
		if fn.Inline {
			where += " (inline code)"
		}
	}
	var b strings.Builder
	if why != "" {
		fmt.Fprintf(&b, "not patched: %s\n", why)
	}
	fmt.Fprintf(&b, "in %s, handler %s, set the header on every response, errors included:\n", where, fn.Handler)
	switch lang {
	case "python":
		b.WriteString(pythonHelper(origins, ""))
		b.WriteString("# ... and in every return: {'statusCode': ..., 'headers': cors_headers(event), 'body': ...}\n")
	case "node":
		b.WriteString(nodeHelper(origins, ""))
		b.WriteString("// ... and in every return: { statusCode: ..., headers: corsHeaders(event), body: ... }\n")
	default:
		if len(origins) == 1 {
			fmt.Fprintf(&b, "Access-Control-Allow-Origin: %s\n", origins[0])
		} else {
			fmt.Fprintf(&b, "Access-Control-Allow-Origin: the request's Origin when it is one of %s, and Vary: Origin\n", strings.Join(origins, ", "))
		}
	}
	return &fixer.Change{Summary: "set Access-Control-Allow-Origin in function " + fn.ID, Advice: b.String()}, nil
}

// pythonHelper is the helper a patched Python handler calls.
func pythonHelper(origins []string, ind string) string {
	var b strings.Builder
	b.WriteString(ind + "# CORS headers for every response (corsdoctor fix)\n")
	b.WriteString(ind + "CORS_ALLOWED_ORIGINS = {" + joinQuoted(origins, "'") + "}\n\n\n")
	b.WriteString(ind + "def cors_headers(event):\n")
	b.WriteString(ind + "    headers = {k.lower(): v for k, v in ((event or {}).get('headers') or {}).items()}\n")
	b.WriteString(ind + "    origin = headers.get('origin')\n")
	b.WriteString(ind + "    if origin in CORS_ALLOWED_ORIGINS:\n")
	b.WriteString(ind + "        return {'Access-Control-Allow-Origin': origin, 'Vary': 'Origin'}\n")
	b.WriteString(ind + "    return {'Vary': 'Origin'}\n")
	return b.String()
}

// nodeHelper is the helper a patched Node.js handler calls.
func nodeHelper(origins []string, _ string) string {
	var b strings.Builder
	b.WriteString("// CORS headers for every response (corsdoctor fix)\n")
	b.WriteString("const CORS_ALLOWED_ORIGINS = new Set([" + joinQuoted(origins, "'") + "]);\n")
	b.WriteString("function corsHeaders(event) {\n")
	b.WriteString("  const h = (event && event.headers) || {};\n")
	b.WriteString("  const origin = h.origin || h.Origin;\n")
	b.WriteString("  return CORS_ALLOWED_ORIGINS.has(origin) ? { 'Access-Control-Allow-Origin': origin, Vary: 'Origin' } : { Vary: 'Origin' };\n")
	b.WriteString("}\n")
	return b.String()
}

func joinQuoted(ss []string, q string) string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = q + strings.ReplaceAll(s, q, "\\"+q) + q
	}
	return strings.Join(out, ", ")
}

// ---- scanning ----

// matchClose returns the index just past the bracket closing the one at
// i (which is '{', '(' or '['), skipping string literals and comments.
func matchClose(s string, i int, python bool) int {
	depth := 0
	for j := i; j < len(s); j++ {
		switch c := s[j]; c {
		case '{', '(', '[':
			depth++
		case '}', ')', ']':
			depth--
			if depth == 0 {
				return j + 1
			}
		case '"', '\'', '`':
			if c == '`' && python {
				continue
			}
			// Triple quotes (Python) and template literals are skipped
			// as plain strings would be; escapes honoured.
			if python && strings.HasPrefix(s[j:], strings.Repeat(string(c), 3)) {
				end := strings.Index(s[j+3:], strings.Repeat(string(c), 3))
				if end < 0 {
					return -1
				}
				j += 3 + end + 2
				continue
			}
			for k := j + 1; k < len(s); k++ {
				if s[k] == '\\' {
					k++
					continue
				}
				if s[k] == c {
					j = k
					break
				}
				if s[k] == '\n' && c != '`' {
					return -1
				}
			}
		case '#':
			if python {
				for j < len(s) && s[j] != '\n' {
					j++
				}
			}
		case '/':
			if !python && j+1 < len(s) && s[j+1] == '/' {
				for j < len(s) && s[j] != '\n' {
					j++
				}
			} else if !python && j+1 < len(s) && s[j+1] == '*' {
				end := strings.Index(s[j+2:], "*/")
				if end < 0 {
					return -1
				}
				j += 2 + end + 1
			}
		}
	}
	return -1
}

// topKeys lists the top-level keys of a dict/object literal s ("{...}").
func topKeys(s string, python bool) map[string]int {
	keys := map[string]int{}
	depth := 0
	start := 1
	for j := 0; j < len(s); j++ {
		switch c := s[j]; c {
		case '{', '(', '[':
			depth++
			if depth > 1 {
				e := matchClose(s, j, python)
				if e < 0 {
					return keys
				}
				j = e - 1
				depth--
			}
		case '}', ')', ']':
			depth--
		case '"', '\'', '`':
			e := j + 1
			for e < len(s) && s[e] != c {
				if s[e] == '\\' {
					e++
				}
				e++
			}
			j = e
		case ':':
			if depth == 1 {
				k := strings.TrimSpace(s[start:j])
				k = strings.Trim(k, `"'`)
				keys[k] = j
			}
		case ',':
			if depth == 1 {
				start = j + 1
			}
		}
	}
	return keys
}

// ---- Python ----

var pyDef = regexp.MustCompile(`(?m)^([ \t]*)(?:async[ \t]+)?def[ \t]+(\w+)[ \t]*\(([^)]*)\)`)

func patchPython(src, name string, origins []string) (string, string) {
	var def []int
	for _, m := range pyDef.FindAllStringSubmatchIndex(src, -1) {
		if src[m[4]:m[5]] == name {
			def = m
		}
	}
	if def == nil {
		return "", fmt.Sprintf("function %s not found", name)
	}
	ind := src[def[2]:def[3]]
	params := strings.Split(src[def[6]:def[7]], ",")
	event := strings.TrimSpace(strings.Split(params[0], ":")[0])
	if event == "" {
		return "", "the handler takes no event parameter"
	}
	// The body: the lines after the def indented deeper.
	bodyStart := strings.IndexByte(src[def[1]:], '\n')
	if bodyStart < 0 {
		return "", "the handler has no body"
	}
	bodyStart += def[1] + 1
	bodyEnd := len(src)
	for off := bodyStart; off < len(src); {
		nl := strings.IndexByte(src[off:], '\n')
		line := src[off:]
		if nl >= 0 {
			line = src[off : off+nl]
		}
		t := strings.TrimSpace(line)
		if t != "" && !strings.HasPrefix(t, "#") && len(line)-len(strings.TrimLeft(line, " \t")) <= len(ind) {
			bodyEnd = off
			break
		}
		if nl < 0 {
			break
		}
		off += nl + 1
	}
	body := src[bodyStart:bodyEnd]
	if regexp.MustCompile(`(?m)^\s*(?:async\s+)?def\s|\blambda\b`).MatchString(body) {
		return "", "the handler defines nested functions, so which code path returns is not certain"
	}
	if regexp.MustCompile(`\byield\b`).MatchString(body) {
		return "", "the handler is a generator"
	}
	shared := sharedHeaders(src, true)
	value, helper, headersExpr := "", "", shared
	switch {
	case shared != "":
	case len(origins) == 0:
		return "", needOrigin
	case len(origins) > 1:
		helper = pythonHelper(origins, "") + "\n\n"
		headersExpr = "cors_headers(" + event + ")"
	default:
		value = "'" + origins[0] + "'"
		headersExpr = "{'Access-Control-Allow-Origin': " + value + "}"
	}
	type edit struct {
		at   int
		text string
	}
	var edits []edit
	n := 0
	for _, m := range regexp.MustCompile(`(?m)^[ \t]*return\b[ \t]*`).FindAllStringIndex(body, -1) {
		at := m[1]
		if at >= len(body) || body[at] != '{' {
			return "", "a return statement does not return a dict literal"
		}
		end := matchClose(body, at, true)
		if end < 0 {
			return "", "a returned dict could not be read"
		}
		lit := body[at:end]
		keys := topKeys(lit, true)
		if _, ok := keys["statusCode"]; !ok {
			return "", "a returned dict has no statusCode"
		}
		n++
		q := quoteOf(lit)
		if colon, ok := keys["headers"]; ok {
			v := strings.TrimLeft(lit[colon+1:], " \t\n")
			if shared != "" && isName(v, shared) {
				continue
			}
			if !strings.HasPrefix(v, "{") {
				return "", "a response's headers are not a dict literal"
			}
			ve := matchClose(v, 0, true)
			if ve < 0 {
				return "", "a response's headers could not be read"
			}
			hk := topKeys(v[:ve], true)
			if _, ok := hk["Access-Control-Allow-Origin"]; ok {
				continue
			}
			vAt := at + colon + 1 + (len(lit[colon+1:]) - len(v))
			if shared != "" || len(origins) > 1 {
				edits = append(edits, edit{vAt + 1, "**" + headersExpr + ", "})
			} else {
				edits = append(edits, edit{vAt + 1, requote("'Access-Control-Allow-Origin': "+value+", ", q)})
			}
			continue
		}
		edits = append(edits, edit{at + 1, requote("'headers': "+headersExpr+", ", q)})
	}
	if n == 0 {
		return "", "the handler has no return statement"
	}
	var b strings.Builder
	b.WriteString(src[:bodyStart])
	last := 0
	for _, e := range edits {
		b.WriteString(body[last:e.at])
		b.WriteString(e.text)
		last = e.at
	}
	b.WriteString(body[last:])
	b.WriteString(src[bodyEnd:])
	out := b.String()
	if helper != "" {
		// Before the handler's def (and its decorators).
		at := def[0]
		out = out[:at] + helper + out[at:]
	}
	return out, ""
}

// quoteOf returns the quote character a literal's keys use.
func quoteOf(lit string) byte {
	i := strings.IndexAny(lit, `'"`)
	if i < 0 {
		return '\''
	}
	return lit[i]
}

// requote writes inserted text with the literal's quote character.
func requote(s string, q byte) string {
	if q == '\'' || strings.ContainsRune(s, '"') {
		return s
	}
	return strings.ReplaceAll(s, "'", string(q))
}

// ---- Node.js ----

// nodeHandler finds the definition of the Node.js handler name: the
// submatch indexes of the first form that matches (group 1: the
// parameters), nil when none does.
func nodeHandler(src, name string) []int {
	q := regexp.QuoteMeta(name)
	forms := []*regexp.Regexp{
		regexp.MustCompile(`(?:module\.)?exports\.` + q + `\s*=\s*(?:async\s*)?(?:function\s*\w*)?\s*\(([^)]*)\)\s*(?:=>\s*)?`),
		regexp.MustCompile(`export\s+(?:const|let|var)\s+` + q + `\s*=\s*(?:async\s*)?(?:function\s*\w*)?\s*\(([^)]*)\)\s*(?:=>\s*)?`),
		regexp.MustCompile(`export\s+(?:async\s+)?function\s+` + q + `\s*\(([^)]*)\)\s*`),
		regexp.MustCompile(`(?:async\s+)?function\s+` + q + `\s*\(([^)]*)\)\s*`),
		regexp.MustCompile(`(?:const|let|var)\s+` + q + `\s*=\s*(?:async\s*)?(?:function\s*\w*)?\s*\(([^)]*)\)\s*(?:=>\s*)?`),
	}
	for _, re := range forms {
		if m := re.FindStringSubmatchIndex(src); m != nil {
			return m
		}
	}
	return nil
}

// handlerLine is the 1-based line where the handler name is defined in
// src, 0 when it is not found.
func handlerLine(src, name, lang string) int {
	at := -1
	switch lang {
	case "python":
		for _, m := range pyDef.FindAllStringSubmatchIndex(src, -1) {
			if src[m[4]:m[5]] == name {
				at = m[4]
			}
		}
	case "node":
		if m := nodeHandler(src, name); m != nil {
			at = m[0]
		}
	}
	if at < 0 {
		return 0
	}
	return strings.Count(src[:at], "\n") + 1
}

func patchNode(src, name string, origins []string) (string, string) {
	m := nodeHandler(src, name)
	if m == nil {
		return "", fmt.Sprintf("handler %s not found", name)
	}
	event := strings.TrimSpace(strings.Split(src[m[2]:m[3]], ",")[0])
	event = strings.TrimSpace(strings.Split(event, "=")[0])
	bodyAt := m[1]
	if bodyAt >= len(src) {
		return "", "the handler has no body"
	}
	shared := sharedHeaders(src, false)
	value, helper, headersExpr := "", "", shared
	switch {
	case shared != "":
	case len(origins) == 0:
		return "", needOrigin
	case len(origins) == 1:
		value = "'" + origins[0] + "'"
		headersExpr = "{ 'Access-Control-Allow-Origin': " + value + " }"
	default:
		if event == "" {
			return "", "the handler takes no event parameter to read the Origin from"
		}
		helper = nodeHelper(origins, "") + "\n"
		headersExpr = "corsHeaders(" + event + ")"
	}
	type edit struct {
		at   int
		text string
	}
	var edits []edit
	patchObj := func(at int, lit string) string {
		keys := topKeys(lit, false)
		if _, ok := keys["statusCode"]; !ok {
			return "a returned object has no statusCode"
		}
		if colon, ok := keys["headers"]; ok {
			v := strings.TrimLeft(lit[colon+1:], " \t\n")
			if shared != "" && isName(v, shared) {
				return ""
			}
			if !strings.HasPrefix(v, "{") {
				return "a response's headers are not an object literal"
			}
			ve := matchClose(v, 0, false)
			if ve < 0 {
				return "a response's headers could not be read"
			}
			hk := topKeys(v[:ve], false)
			if _, ok := hk["Access-Control-Allow-Origin"]; ok {
				return ""
			}
			vAt := at + colon + 1 + (len(lit[colon+1:]) - len(v))
			if shared != "" || len(origins) > 1 {
				edits = append(edits, edit{vAt + 1, " ..." + headersExpr + ","})
			} else {
				edits = append(edits, edit{vAt + 1, " 'Access-Control-Allow-Origin': " + value + ","})
			}
			return ""
		}
		edits = append(edits, edit{at + 1, " headers: " + headersExpr + ","})
		return ""
	}
	switch src[bodyAt] {
	case '(':
		// Concise arrow body: => ({ ... })
		end := matchClose(src, bodyAt, false)
		if end < 0 {
			return "", "the arrow function's body could not be read"
		}
		inner := strings.TrimSpace(src[bodyAt+1 : end-1])
		if !strings.HasPrefix(inner, "{") {
			return "", "the arrow function does not return an object literal"
		}
		at := bodyAt + 1 + strings.Index(src[bodyAt+1:], "{")
		oe := matchClose(src, at, false)
		if oe < 0 {
			return "", "the returned object could not be read"
		}
		if why := patchObj(at, src[at:oe]); why != "" {
			return "", why
		}
	case '{':
		end := matchClose(src, bodyAt, false)
		if end < 0 {
			return "", "the handler's body could not be read"
		}
		body := src[bodyAt+1 : end-1]
		if regexp.MustCompile(`\bfunction\b|=>`).MatchString(body) {
			return "", "the handler defines nested functions, so which code path returns is not certain"
		}
		n := 0
		for _, r := range regexp.MustCompile(`\breturn\b\s*`).FindAllStringIndex(body, -1) {
			at := bodyAt + 1 + r[1]
			if at >= len(src) || src[at] != '{' {
				return "", "a return statement does not return an object literal"
			}
			oe := matchClose(src, at, false)
			if oe < 0 {
				return "", "a returned object could not be read"
			}
			if why := patchObj(at, src[at:oe]); why != "" {
				return "", why
			}
			n++
		}
		if n == 0 {
			return "", "the handler has no return statement"
		}
	default:
		return "", "the handler's body could not be read"
	}
	var b strings.Builder
	last := 0
	for _, e := range edits {
		b.WriteString(src[last:e.at])
		b.WriteString(e.text)
		last = e.at
	}
	b.WriteString(src[last:])
	out := b.String()
	if helper != "" {
		at := m[0]
		// Keep the helper after leading imports/requires: before the
		// handler's line.
		ls := strings.LastIndexByte(out[:at], '\n') + 1
		out = out[:ls] + helper + "\n" + out[ls:]
	}
	return out, ""
}

var _ = strconv.Quote

// isName reports whether s starts with the identifier name.
func isName(s, name string) bool {
	if !strings.HasPrefix(s, name) {
		return false
	}
	rest := s[len(name):]
	return rest == "" || !(rest[0] == '_' || rest[0] == '$' || rest[0] >= 'a' && rest[0] <= 'z' || rest[0] >= 'A' && rest[0] <= 'Z' || rest[0] >= '0' && rest[0] <= '9')
}
