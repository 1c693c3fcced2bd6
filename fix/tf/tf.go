// Package tf rewrites Terraform modules for `corsdoctor fix` with
// hashicorp/hcl/v2's hclwrite, which keeps every token it is not asked
// to change (comments, alignment, blank lines). Positions come from
// hclsyntax (hclwrite has none): a finding's file:line:col names a block
// or an attribute, which is then edited through hclwrite.
//
// Resource shapes follow the AWS provider's documentation for
// aws_api_gateway_method, _integration, _method_response,
// _integration_response, _gateway_response and _deployment (triggers),
// aws_apigatewayv2_api cors_configuration and aws_lambda_function_url
// cors.
package tf

import (
	"bytes"
	"fmt"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/hashicorp/hcl/v2/hclwrite"
	"github.com/zclconf/go-cty/cty"

	"github.com/corsdoctor/corsdoctor/apimodel"
	"github.com/corsdoctor/corsdoctor/fix/fixer"
	"github.com/corsdoctor/corsdoctor/fix/handler"
)

// Rules are the findings fixed in Terraform, with what the fix writes.
var Rules = map[string]string{
	"CD2001": "REST: adds aws_api_gateway_method OPTIONS (authorization NONE), a MOCK aws_api_gateway_integration, aws_api_gateway_method_response and aws_api_gateway_integration_response mapping Access-Control-Allow-Origin/-Methods/-Headers, and adds them to the deployment triggers; HTTP API: a cors_configuration block",
	"CD2002": "authorization = \"NONE\" on the OPTIONS method, authorizer_id and authorization_scopes removed; HTTP API: a cors_configuration block",
	"CD2003": "api_key_required = false on the OPTIONS method",
	"CD2004": "adds the missing Access-Control-Allow-* keys to the OPTIONS integration response and its method response",
	"CD2005": "adds the resource's missing methods to Access-Control-Allow-Methods",
	"CD2006": "declares the mapped headers in the aws_api_gateway_method_response of that status",
	"CD2007": "maps Access-Control-Allow-Origin on every integration response of the method",
	"CD2009": "adds aws_api_gateway_gateway_response DEFAULT_4XX and DEFAULT_5XX with Access-Control-Allow-Origin; customized responses without the header get it",
	"CD2010": "rewrites the origin (trailing slash, path, case, default port; a missing scheme from a matching --origin)",
	"CD2011": "replaces the wildcard origin with the --origin value(s)",
	"CD2012": "replaces the reflected origin with the --origin value(s)",
	"CD2013": "adds the headers the clients send to allow_headers",
	"CD2014": "splits an allow_origins item holding several origins; a REST mapping takes the one --origin",
	"CD2016": "adds triggers = { redeployment = sha1(jsonencode([...])) } over the API's resources, methods, integrations and responses, with lifecycle create_before_destroy",
	"CD2018": "sets content_handling = \"CONVERT_TO_TEXT\" on the MOCK OPTIONS integrations",
	"CD2020": "replaces the http origin with the https --origin of the same host",
	"CD2021": "lowers max_age to 7200, Chromium's cap",
	"CD2025": "adds the SigV4 request headers (authorization, x-amz-date, x-amz-security-token) to allow_headers or the OPTIONS Access-Control-Allow-Headers",
	"CD2050": "for a predicted block at the preflight: adds the missing request headers or methods to the OPTIONS mapping or allow_headers/allow_methods",
}

// file is one .tf file: hclwrite for edits, hclsyntax for positions.
type file struct {
	name string
	w    *hclwrite.File
	body *hclsyntax.Body
	src  []byte
}

type mod struct {
	c     *fixer.Ctx
	dir   string
	files map[string]*file
	names []string
}

// Fix fixes one finding in a Terraform module.
func Fix(c *fixer.Ctx) (*fixer.Change, error) {
	if c.API == nil {
		return nil, fixer.Skipf("the finding could not be matched to an API")
	}
	m := &mod{c: c, dir: filepath.Dir(c.Finding.Location.File), files: map[string]*file{}}
	for _, n := range c.Files.Names() {
		if strings.HasSuffix(n, ".tf") && filepath.Dir(n) == m.dir {
			m.names = append(m.names, n)
		}
	}
	sort.Strings(m.names)
	switch c.Finding.RuleID {
	case "CD2001":
		if c.API.Kind != apimodel.REST {
			return m.cors()
		}
		res := fixer.ResourceAt(c.API, c.Finding.Location)
		if res == nil {
			return nil, fixer.Skipf("no resource at %s", c.Finding.Location)
		}
		return m.addOptions(res)
	case "CD2002":
		if c.API.Kind != apimodel.REST {
			return m.cors()
		}
		return m.optionsAuth(false)
	case "CD2003":
		return m.optionsAuth(true)
	case "CD2004":
		return m.missingMappings()
	case "CD2005":
		return m.methodsValue()
	case "CD2006":
		return m.declare()
	case "CD2007":
		return m.errorResponses()
	case "CD2009":
		return m.gateway()
	case "CD2010", "CD2011", "CD2012", "CD2014", "CD2020":
		return m.origin()
	case "CD2013":
		return m.allowHeaders(c.API.Cors.AllowHeaders, "allow_headers", lower(c.ClientHeaders(nil)), true)
	case "CD2016":
		return m.triggers()
	case "CD2018":
		return m.contentHandling()
	case "CD2021":
		return m.maxAge()
	case "CD2050":
		return m.predicted()
	case "CD2025":
		m.c.Finding.Detail = "(HeaderDisallowedByPreflightResponse)"
		return m.predicted()
	}
	return nil, fixer.Skipf("no Terraform fix for %s", c.Finding.RuleID)
}

func lower(ss []string) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = strings.ToLower(s)
	}
	return out
}

func (m *mod) file(name string) (*file, error) {
	if f := m.files[name]; f != nil {
		return f, nil
	}
	w, err := m.c.Files.HCL(name)
	if err != nil {
		return nil, err
	}
	src, err := m.c.Files.Read(name)
	if err != nil {
		return nil, err
	}
	sf, diags := hclsyntax.ParseConfig(src, name, hcl.Pos{Line: 1, Column: 1})
	if diags.HasErrors() {
		return nil, fmt.Errorf("%s: %s", name, diags.Error())
	}
	body, _ := sf.Body.(*hclsyntax.Body)
	f := &file{name: name, w: w, body: body, src: src}
	m.files[name] = f
	return f, nil
}

// block is a resource found in the module.
type block struct {
	f   *file
	syn *hclsyntax.Block
	w   *hclwrite.Block
}

func (b *block) addr() string { return b.syn.Labels[0] + "." + b.syn.Labels[1] }

// find returns the resource block with that address.
func (m *mod) find(addr string) (*block, error) {
	typ, name, ok := strings.Cut(addr, ".")
	if !ok {
		return nil, fixer.Skipf("%q is not a resource address", addr)
	}
	for _, n := range m.names {
		f, err := m.file(n)
		if err != nil {
			return nil, err
		}
		if b := f.resource(typ, name); b != nil {
			return b, nil
		}
	}
	return nil, fixer.Skipf("resource %s not found in %s", addr, m.dir)
}

func (f *file) resource(typ, name string) *block {
	for _, sb := range f.body.Blocks {
		if sb.Type == "resource" && len(sb.Labels) == 2 && sb.Labels[0] == typ && sb.Labels[1] == name {
			for _, wb := range f.w.Body().Blocks() {
				if wb.Type() == "resource" && len(wb.Labels()) == 2 && wb.Labels()[0] == typ && wb.Labels()[1] == name {
					return &block{f: f, syn: sb, w: wb}
				}
			}
		}
	}
	return nil
}

// blockAt returns the resource block that starts at (or holds) loc.
func (m *mod) blockAt(loc fixer.Source) (*block, error) {
	f, err := m.file(loc.File)
	if err != nil {
		return nil, err
	}
	for _, sb := range f.body.Blocks {
		r := sb.Range()
		if sb.Type != "resource" || len(sb.Labels) != 2 {
			continue
		}
		if loc.Line >= r.Start.Line && loc.Line <= r.End.Line {
			return f.resource(sb.Labels[0], sb.Labels[1]), nil
		}
	}
	return nil, fixer.Skipf("no resource block at %s", loc)
}

// each lists the module's resources of a type.
func (m *mod) each(typ string) ([]*block, error) {
	var out []*block
	for _, n := range m.names {
		f, err := m.file(n)
		if err != nil {
			return nil, err
		}
		for _, sb := range f.body.Blocks {
			if sb.Type == "resource" && len(sb.Labels) == 2 && sb.Labels[0] == typ {
				if b := f.resource(typ, sb.Labels[1]); b != nil {
					out = append(out, b)
				}
			}
		}
	}
	return out, nil
}

// text returns the source text of an attribute expression, "" when
// absent.
func (b *block) text(name string) string {
	a := b.syn.Body.Attributes[name]
	if a == nil {
		return ""
	}
	r := a.Expr.Range()
	return string(b.f.src[r.Start.Byte:r.End.Byte])
}

// literal returns an attribute's literal string value.
func (b *block) literal(name string) (string, bool) {
	a := b.syn.Body.Attributes[name]
	if a == nil {
		return "", false
	}
	v, diags := a.Expr.Value(nil)
	if diags.HasErrors() || !v.IsKnown() || v.IsNull() {
		return "", false
	}
	switch v.Type() {
	case cty.String:
		return v.AsString(), true
	case cty.Bool:
		return strconv.FormatBool(v.True()), true
	case cty.Number:
		return v.AsBigFloat().Text('f', -1), true
	}
	return "", false
}

// fresh returns expression source s as one token, for the attributes of
// a block this package creates: hclwrite then aligns the block's
// attributes as terraform fmt does.
func fresh(s string) hclwrite.Tokens {
	return hclwrite.Tokens{{Type: hclsyntax.TokenIdent, Bytes: []byte(strings.TrimSpace(s))}}
}

// raw returns the tokens of expression source s. They are lexed, not one
// opaque token: hclwrite realigns the attributes around an expression
// whose tokens carry no spacing.
func raw(s string) hclwrite.Tokens {
	f, diags := hclwrite.ParseConfig([]byte("x = "+s+"\n"), "expr.tf", hcl.Pos{Line: 1, Column: 1})
	if !diags.HasErrors() {
		if a := f.Body().GetAttribute("x"); a != nil {
			return a.Expr().BuildTokens(nil)
		}
	}
	return hclwrite.Tokens{{Type: hclsyntax.TokenIdent, Bytes: []byte(s), SpacesBefore: 1}}
}

// copyAttr copies an attribute's expression from b to the new block nb.
func copyAttr(nb *hclwrite.Body, b *block, name string) {
	if a := b.w.Body().GetAttribute(name); a != nil {
		nb.SetAttributeRaw(name, fresh(string(a.Expr().BuildTokens(nil).Bytes())))
	}
}

// ref is a reference expression to an attribute of a resource.
func ref(addr, attr string) hcl.Traversal {
	typ, name, _ := strings.Cut(addr, ".")
	return hcl.Traversal{hcl.TraverseRoot{Name: typ}, hcl.TraverseAttr{Name: name}, hcl.TraverseAttr{Name: attr}}
}

// mapItems returns the items of an object attribute as source text pairs
// (key, value), in order; ok is false when the attribute is not an
// object constructor.
func (b *block) mapItems(name string) (keys, vals []string, ok bool) {
	a := b.syn.Body.Attributes[name]
	if a == nil {
		return nil, nil, true
	}
	oc, isObj := a.Expr.(*hclsyntax.ObjectConsExpr)
	if !isObj {
		return nil, nil, false
	}
	for _, it := range oc.Items {
		kr, vr := it.KeyExpr.Range(), it.ValueExpr.Range()
		keys = append(keys, string(b.f.src[kr.Start.Byte:kr.End.Byte]))
		vals = append(vals, string(b.f.src[vr.Start.Byte:vr.End.Byte]))
	}
	return keys, vals, true
}

func unquote(k string) string {
	if s, err := strconv.Unquote(k); err == nil {
		return s
	}
	return k
}

// setMap writes an object attribute with items set (key -> value source
// text) after the existing ones, keeping their text.
func (b *block) setMap(name string, set []string) error {
	keys, vals, ok := b.mapItems(name)
	if !ok {
		return fixer.Skipf("%s.%s is not written as a map literal", b.addr(), name)
	}
	idx := map[string]int{}
	for i, k := range keys {
		idx[unquote(k)] = i
	}
	for i := 0; i+1 < len(set); i += 2 {
		if j, ok := idx[set[i]]; ok {
			vals[j] = set[i+1]
			continue
		}
		idx[set[i]] = len(keys)
		keys = append(keys, strconv.Quote(set[i]))
		vals = append(vals, set[i+1])
	}
	if text, ok := b.spliceMap(name, set); ok {
		b.w.Body().SetAttributeRaw(name, raw(text))
		return nil
	}
	ind := "  "
	if a := b.syn.Body.Attributes[name]; a != nil {
		line := lineOf(b.f.src, a.SrcRange.Start.Byte)
		ind = line[:len(line)-len(strings.TrimLeft(line, " \t"))]
	} else if len(b.syn.Body.Attributes) > 0 {
		for _, a := range b.syn.Body.Attributes {
			line := lineOf(b.f.src, a.SrcRange.Start.Byte)
			ind = line[:len(line)-len(strings.TrimLeft(line, " \t"))]
			break
		}
	}
	width := 0
	for _, k := range keys {
		if len(k) > width {
			width = len(k)
		}
	}
	var sb strings.Builder
	sb.WriteString("{\n")
	for i, k := range keys {
		fmt.Fprintf(&sb, "%s  %-*s = %s\n", ind, width, k, vals[i])
	}
	sb.WriteString(ind + "}")
	b.w.Body().SetAttributeRaw(name, raw(sb.String()))
	return nil
}

// spliceMap returns the source of the object attribute name with the
// items of set (key -> value source text) replaced in place or added as
// lines before the closing brace, everything else (comments, alignment,
// order) as written; ok is false for a map it cannot edit in place (one
// line, empty, absent).
func (b *block) spliceMap(name string, set []string) (string, bool) {
	a := b.syn.Body.Attributes[name]
	if a == nil {
		return "", false
	}
	oc, isObj := a.Expr.(*hclsyntax.ObjectConsExpr)
	if !isObj || len(oc.Items) == 0 {
		return "", false
	}
	r := oc.Range()
	src := b.f.src
	if r.Start.Line == r.End.Line {
		return "", false
	}
	base := r.Start.Byte
	type edit struct {
		at, end int
		text    string
	}
	var edits []edit
	idx := map[string]int{}
	for i, it := range oc.Items {
		kr := it.KeyExpr.Range()
		idx[unquote(string(src[kr.Start.Byte:kr.End.Byte]))] = i
	}
	// New lines go after the last item's line, keyed and aligned like it.
	last := oc.Items[len(oc.Items)-1]
	lk, lv := last.KeyExpr.Range(), last.ValueExpr.Range()
	eol := bytes.IndexByte(src[lv.End.Byte:], '\n')
	if eol < 0 || lv.End.Byte+eol >= r.End.Byte {
		return "", false
	}
	insertAt := lv.End.Byte + eol + 1
	lineStart := bytes.LastIndexByte(src[:lk.Start.Byte], '\n') + 1
	ind := string(src[lineStart:lk.Start.Byte])
	if strings.TrimSpace(ind) != "" {
		return "", false
	}
	keyWidth := 0
	if eq := bytes.IndexByte(src[lk.End.Byte:lv.Start.Byte], '='); eq >= 0 {
		keyWidth = lk.End.Byte - lk.Start.Byte + len(bytes.TrimRight(src[lk.End.Byte:lk.End.Byte+eq], "=")) - 1
	}
	var added strings.Builder
	for i := 0; i+1 < len(set); i += 2 {
		if j, ok := idx[set[i]]; ok {
			vr := oc.Items[j].ValueExpr.Range()
			edits = append(edits, edit{vr.Start.Byte, vr.End.Byte, set[i+1]})
			continue
		}
		k := strconv.Quote(set[i])
		fmt.Fprintf(&added, "%s%-*s = %s\n", ind, keyWidth, k, set[i+1])
	}
	if added.Len() > 0 {
		edits = append(edits, edit{insertAt, insertAt, added.String()})
	}
	sort.Slice(edits, func(i, j int) bool { return edits[i].at > edits[j].at })
	text := string(src[base:r.End.Byte])
	for _, e := range edits {
		text = text[:e.at-base] + e.text + text[e.end-base:]
	}
	return text, true
}

func lineOf(src []byte, off int) string {
	start := bytes.LastIndexByte(src[:off], '\n') + 1
	end := bytes.IndexByte(src[off:], '\n')
	if end < 0 {
		return string(src[start:])
	}
	return string(src[start : off+end])
}

// newBlock appends a resource block to f, after a blank line.
func (f *file) newBlock(typ, name, comment string) *hclwrite.Body {
	body := f.w.Body()
	body.AppendNewline()
	if comment != "" {
		body.AppendUnstructuredTokens(hclwrite.Tokens{{Type: hclsyntax.TokenComment, Bytes: []byte("# " + comment + "\n")}})
	}
	return body.AppendNewBlock("resource", []string{typ, name}).Body()
}

// unique returns a resource name of typ not used in the module.
func (m *mod) unique(typ, base string) string {
	base = regexp.MustCompile(`[^A-Za-z0-9_-]`).ReplaceAllString(base, "_")
	name := base
	for i := 2; ; i++ {
		if b, _ := m.find(typ + "." + name); b == nil {
			return name
		}
		name = base + "_" + strconv.Itoa(i)
	}
}

// ---- CD2001: OPTIONS ----

func (m *mod) methodBlock(mt *apimodel.Method) (*block, error) {
	if mt == nil || !strings.HasPrefix(mt.ID, "aws_api_gateway_method.") {
		return nil, fixer.Skipf("the method is defined in the API's body (an OpenAPI document in the .tf file): edit the definition, or move it to a file fix can edit")
	}
	return m.find(mt.ID)
}

func (m *mod) addOptions(res *apimodel.Resource) (*fixer.Change, error) {
	var sib *apimodel.Method
	for _, x := range res.Methods {
		if x.HTTPMethod != "OPTIONS" {
			sib = x
			break
		}
	}
	if sib == nil {
		return nil, fixer.Skipf("resource %s has no method to pattern the OPTIONS method on", res.Path)
	}
	mb, err := m.methodBlock(sib)
	if err != nil {
		return nil, err
	}
	pf, err := m.c.PreflightFor(res)
	if err != nil {
		return nil, err
	}
	base := mb.syn.Labels[1] + "_options"
	if t := mb.text("resource_id"); strings.HasPrefix(t, "aws_api_gateway_resource.") {
		base = strings.Split(t, ".")[1] + "_options"
	}
	name := m.unique("aws_api_gateway_method", base)
	f := mb.f
	meth := f.newBlock("aws_api_gateway_method", name, "CORS preflight for "+res.Path+" (corsdoctor fix)")
	copyAttr(meth, mb, "rest_api_id")
	copyAttr(meth, mb, "resource_id")
	meth.SetAttributeValue("http_method", cty.StringVal("OPTIONS"))
	meth.SetAttributeValue("authorization", cty.StringVal("NONE"))
	maddr := "aws_api_gateway_method." + name

	integ := f.newBlock("aws_api_gateway_integration", name, "")
	copyAttr(integ, mb, "rest_api_id")
	copyAttr(integ, mb, "resource_id")
	integ.SetAttributeTraversal("http_method", ref(maddr, "http_method"))
	integ.SetAttributeValue("type", cty.StringVal("MOCK"))
	integ.SetAttributeRaw("request_templates", fresh("{\n    \"application/json\" = jsonencode({ statusCode = 200 })\n  }"))

	kv := pf.Params()
	var declared, mapped strings.Builder
	width := 0
	for i := 0; i < len(kv); i += 2 {
		if len(kv[i])+2 > width {
			width = len(kv[i]) + 2
		}
	}
	declared.WriteString("{\n")
	mapped.WriteString("{\n")
	for i := 0; i < len(kv); i += 2 {
		fmt.Fprintf(&declared, "    %-*s = true\n", width, strconv.Quote(kv[i]))
		fmt.Fprintf(&mapped, "    %-*s = %s\n", width, strconv.Quote(kv[i]), strconv.Quote(kv[i+1]))
	}
	declared.WriteString("  }")
	mapped.WriteString("  }")
	mr := f.newBlock("aws_api_gateway_method_response", name, "")
	copyAttr(mr, mb, "rest_api_id")
	copyAttr(mr, mb, "resource_id")
	mr.SetAttributeTraversal("http_method", ref(maddr, "http_method"))
	mr.SetAttributeValue("status_code", cty.StringVal("200"))
	mr.SetAttributeRaw("response_parameters", fresh(declared.String()))

	ir := f.newBlock("aws_api_gateway_integration_response", name, "")
	copyAttr(ir, mb, "rest_api_id")
	copyAttr(ir, mb, "resource_id")
	ir.SetAttributeTraversal("http_method", ref(maddr, "http_method"))
	ir.SetAttributeTraversal("status_code", ref("aws_api_gateway_method_response."+name, "status_code"))
	ir.SetAttributeRaw("response_parameters", fresh(mapped.String()))
	ir.SetAttributeRaw("depends_on", fresh("[aws_api_gateway_integration."+name+"]"))

	added := []string{maddr, "aws_api_gateway_integration." + name, "aws_api_gateway_method_response." + name, "aws_api_gateway_integration_response." + name}
	if err := m.addToTriggers(added); err != nil {
		return nil, err
	}
	return &fixer.Change{Summary: fmt.Sprintf("added OPTIONS for %s: %s with a MOCK integration and responses mapping Access-Control-Allow-Origin %s", res.Path, maddr, pf.Origin),
		Targets: fixer.PreflightTargets(m.c.API, res)}, nil
}

// addToTriggers adds resources to the deployments' triggers when they
// hash a list of the API's resources (sha1(jsonencode([...]))).
func (m *mod) addToTriggers(addrs []string) error {
	deps, err := m.each("aws_api_gateway_deployment")
	if err != nil {
		return err
	}
	for _, d := range deps {
		if !strings.Contains(d.text("rest_api_id"), strings.TrimPrefix(m.c.API.ID, "")) {
			continue
		}
		a := d.syn.Body.Attributes["triggers"]
		if a == nil {
			continue
		}
		var tuple *hclsyntax.TupleConsExpr
		hclsyntax.VisitAll(a.Expr, func(n hclsyntax.Node) hcl.Diagnostics {
			if t, ok := n.(*hclsyntax.TupleConsExpr); ok && tuple == nil {
				tuple = t
			}
			return nil
		})
		if tuple == nil {
			continue
		}
		r := a.Expr.Range()
		expr := string(d.f.src[r.Start.Byte:r.End.Byte])
		tr := tuple.Range()
		inner := string(d.f.src[tr.Start.Byte+1 : tr.End.Byte-1])
		var items []string
		for _, x := range addrs {
			if !strings.Contains(inner, x+".id") {
				items = append(items, x+".id")
			}
		}
		if len(items) == 0 {
			continue
		}
		trimmed := strings.TrimRight(inner, " \t\n")
		sep := ", "
		ind := ""
		if strings.Contains(inner, "\n") {
			last := inner[strings.LastIndexByte(strings.TrimRight(inner, " \t\n"), '\n')+1:]
			ind = last[:len(last)-len(strings.TrimLeft(last, " \t"))]
			sep = ",\n" + ind
		}
		if strings.HasSuffix(trimmed, ",") {
			trimmed = strings.TrimSuffix(trimmed, ",")
		}
		newInner := trimmed + sep + strings.Join(items, sep)
		if strings.Contains(inner, "\n") {
			newInner += "," + inner[len(strings.TrimRight(inner, " \t\n")):]
		} else {
			newInner += inner[len(strings.TrimRight(inner, " \t\n")):]
		}
		start, end := tr.Start.Byte-r.Start.Byte+1, tr.End.Byte-r.Start.Byte-1
		d.w.Body().SetAttributeRaw("triggers", raw(expr[:start]+newInner+expr[end:]))
	}
	return nil
}

// ---- HTTP API / function URL: cors_configuration ----

func (m *mod) apiBlock() (*block, error) { return m.find(m.c.API.ID) }

func (m *mod) cors() (*fixer.Change, error) {
	api := m.c.API
	if api.Cors != nil {
		return nil, fixer.Skipf("%s has a CORS configuration already", api.ID)
	}
	b, err := m.apiBlock()
	if err != nil {
		return nil, err
	}
	origins, err := m.c.ListOrigins()
	if err != nil {
		return nil, err
	}
	name := "cors_configuration"
	if b.syn.Labels[0] == "aws_lambda_function_url" {
		name = "cors"
	}
	cb := b.w.Body().AppendNewBlock(name, nil).Body()
	cb.SetAttributeValue("allow_origins", strList(origins))
	cb.SetAttributeValue("allow_methods", strList(fixer.RouteMethods(api)))
	cb.SetAttributeValue("allow_headers", strList(lower(m.c.ClientHeaders(nil))))
	return &fixer.Change{Summary: fmt.Sprintf("added %s to %s (allow_origins %s): API Gateway answers preflights itself", name, api.ID, strings.Join(origins, ", ")),
		Targets: fixer.RouteTargets(api, false)}, nil
}

func strList(ss []string) cty.Value {
	if len(ss) == 0 {
		return cty.ListValEmpty(cty.String)
	}
	vs := make([]cty.Value, len(ss))
	for i, s := range ss {
		vs[i] = cty.StringVal(s)
	}
	return cty.TupleVal(vs)
}

// ---- CD2002 / CD2003 ----

func (m *mod) optionsAuth(apiKey bool) (*fixer.Change, error) {
	api := m.c.API
	loc := m.c.Finding.Location
	var targets []fixer.Target
	var did []string
	for _, res := range api.Resources {
		for _, mt := range res.Methods {
			if !fixer.Same(mt.Source, loc) && !fixer.Same(mt.AuthorizationType.Source, loc) {
				continue
			}
			if mt.HTTPMethod == "ANY" && res.Method("OPTIONS") == nil {
				ch, err := m.addOptions(res)
				if err != nil {
					return nil, err
				}
				did = append(did, ch.Summary)
				targets = append(targets, ch.Targets...)
				continue
			}
			if mt.HTTPMethod != "OPTIONS" {
				continue
			}
			b, err := m.methodBlock(mt)
			if err != nil {
				return nil, err
			}
			if apiKey {
				b.w.Body().SetAttributeValue("api_key_required", cty.False)
				did = append(did, b.addr()+": api_key_required = false")
			} else {
				b.w.Body().SetAttributeValue("authorization", cty.StringVal("NONE"))
				b.w.Body().RemoveAttribute("authorizer_id")
				b.w.Body().RemoveAttribute("authorization_scopes")
				did = append(did, b.addr()+": authorization = \"NONE\"")
			}
			targets = append(targets, fixer.PreflightTargets(api, res)...)
		}
	}
	if len(did) == 0 {
		return nil, fixer.Skipf("no OPTIONS method at %s", loc)
	}
	return &fixer.Change{Summary: strings.Join(did, "; "), Targets: targets}, nil
}

// ---- integration and method responses ----

// irBlock finds the integration response block at loc with its model.
func (m *mod) irBlock(loc fixer.Source) (*block, *apimodel.Resource, *apimodel.Method, *apimodel.IntegrationResponse, error) {
	for _, res := range m.c.API.Resources {
		for _, mt := range res.Methods {
			if mt.Integration == nil {
				continue
			}
			for _, ir := range mt.Integration.Responses {
				if fixer.Same(ir.Source, loc) {
					b, err := m.blockAt(loc)
					if err != nil {
						return nil, nil, nil, nil, err
					}
					if b == nil || b.syn.Labels[0] != "aws_api_gateway_integration_response" {
						return nil, nil, nil, nil, fixer.Skipf("no aws_api_gateway_integration_response at %s", loc)
					}
					return b, res, mt, ir, nil
				}
			}
		}
	}
	return nil, nil, nil, nil, fixer.Skipf("no integration response at %s", loc)
}

// methodResponse finds the aws_api_gateway_method_response of the same
// resource, method and status as the integration response b.
func (m *mod) methodResponse(b *block, status string) (*block, error) {
	mrs, err := m.each("aws_api_gateway_method_response")
	if err != nil {
		return nil, err
	}
	for _, mr := range mrs {
		if mr.text("rest_api_id") != b.text("rest_api_id") || mr.text("resource_id") != b.text("resource_id") {
			continue
		}
		if !sameMethod(mr.text("http_method"), b.text("http_method")) {
			continue
		}
		if st, ok := mr.literal("status_code"); ok && st == status {
			return mr, nil
		}
		if strings.Contains(b.text("status_code"), mr.addr()) {
			return mr, nil
		}
	}
	return nil, nil
}

func sameMethod(a, b string) bool {
	if a == b {
		return true
	}
	strip := func(s string) string { return strings.TrimSuffix(strings.TrimSuffix(s, ".http_method"), ".id") }
	return strip(a) == strip(b) && a != ""
}

// mapAndDeclare maps headers on the integration response b and declares
// them in its method response (created when missing).
func (m *mod) mapAndDeclare(b *block, status string, kv []string, mapToo bool) error {
	if mapToo {
		set := make([]string, 0, len(kv))
		for i := 0; i+1 < len(kv); i += 2 {
			set = append(set, kv[i], strconv.Quote(kv[i+1]))
		}
		if err := b.setMap("response_parameters", set); err != nil {
			return err
		}
	}
	mr, err := m.methodResponse(b, status)
	if err != nil {
		return err
	}
	var decl []string
	for i := 0; i+1 < len(kv); i += 2 {
		decl = append(decl, kv[i], "true")
	}
	if mr == nil {
		name := m.unique("aws_api_gateway_method_response", b.syn.Labels[1])
		nb := b.f.newBlock("aws_api_gateway_method_response", name, "")
		copyAttr(nb, b, "rest_api_id")
		copyAttr(nb, b, "resource_id")
		copyAttr(nb, b, "http_method")
		nb.SetAttributeValue("status_code", cty.StringVal(status))
		var sb strings.Builder
		sb.WriteString("{\n")
		for i := 0; i+1 < len(decl); i += 2 {
			fmt.Fprintf(&sb, "    %s = true\n", strconv.Quote(decl[i]))
		}
		sb.WriteString("  }")
		nb.SetAttributeRaw("response_parameters", fresh(sb.String()))
		return nil
	}
	keys, _, _ := mr.mapItems("response_parameters")
	have := map[string]bool{}
	for _, k := range keys {
		have[unquote(k)] = true
	}
	var add []string
	for i := 0; i+1 < len(decl); i += 2 {
		if !have[decl[i]] {
			add = append(add, decl[i], decl[i+1])
		}
	}
	if len(add) == 0 {
		return nil
	}
	return mr.setMap("response_parameters", add)
}

func (m *mod) missingMappings() (*fixer.Change, error) {
	b, res, _, ir, err := m.irBlock(m.c.Finding.Location)
	if err != nil {
		return nil, err
	}
	pf, err := m.c.PreflightFor(res)
	if err != nil {
		return nil, err
	}
	want := pf.Params()
	var kv, added []string
	for i := 0; i+1 < len(want); i += 2 {
		name := strings.TrimPrefix(want[i], "method.response.header.")
		if _, ok := ir.Header(name); ok || name == "Access-Control-Allow-Credentials" {
			continue
		}
		kv = append(kv, want[i], want[i+1])
		added = append(added, name+" "+want[i+1])
	}
	if len(kv) == 0 {
		return nil, fixer.Skipf("every header is mapped already")
	}
	if err := m.mapAndDeclare(b, ir.StatusCode, kv, true); err != nil {
		return nil, err
	}
	return &fixer.Change{Summary: b.addr() + " now maps " + strings.Join(added, ", "), Targets: fixer.PreflightTargets(m.c.API, res)}, nil
}

func (m *mod) declare() (*fixer.Change, error) {
	b, _, _, ir, err := m.irBlock(m.c.Finding.Location)
	if err != nil {
		return nil, err
	}
	var kv []string
	for _, k := range apimodel.SortedKeys(ir.ResponseParameters) {
		if h, ok := strings.CutPrefix(k, "method.response.header."); ok && strings.HasPrefix(strings.ToLower(h), "access-control-") {
			kv = append(kv, k, ir.ResponseParameters[k].S)
		}
	}
	if err := m.mapAndDeclare(b, ir.StatusCode, kv, false); err != nil {
		return nil, err
	}
	return &fixer.Change{Summary: fmt.Sprintf("the %s method response of %s declares %d CORS header(s)", ir.StatusCode, b.addr(), len(kv)/2)}, nil
}

func (m *mod) errorResponses() (*fixer.Change, error) {
	return m.c.ErrorResponses(func(ir *apimodel.IntegrationResponse, kv []string) error {
		b, _, _, _, err := m.irBlock(ir.Source)
		if err != nil {
			return err
		}
		return m.mapAndDeclare(b, ir.StatusCode, kv, true)
	})
}

// ---- values inside maps and lists ----

// valueAt finds the attribute (and map key, for an object item) whose
// expression starts at loc.
func (m *mod) valueAt(loc fixer.Source) (b *block, attr, key string, sub string, err error) {
	b, err = m.blockAt(loc)
	if err != nil || b == nil {
		return nil, "", "", "", fixer.Skipf("no resource at %s", loc)
	}
	at := func(r hcl.Range) bool { return r.Start.Line == loc.Line && r.Start.Column == loc.Column }
	var found bool
	var visit func(body *hclsyntax.Body, subName string)
	visit = func(body *hclsyntax.Body, subName string) {
		for name, a := range body.Attributes {
			if at(a.Expr.Range()) {
				attr, sub, found = name, subName, true
				return
			}
			if oc, ok := a.Expr.(*hclsyntax.ObjectConsExpr); ok {
				for _, it := range oc.Items {
					if at(it.ValueExpr.Range()) || at(it.KeyExpr.Range()) {
						kr := it.KeyExpr.Range()
						attr, key, sub, found = name, unquote(string(b.f.src[kr.Start.Byte:kr.End.Byte])), subName, true
						return
					}
				}
			}
			if tc, ok := a.Expr.(*hclsyntax.TupleConsExpr); ok {
				for _, it := range tc.Exprs {
					if at(it.Range()) {
						attr, sub, found = name, subName, true
						return
					}
				}
			}
		}
		for _, nb := range body.Blocks {
			visit(nb.Body, nb.Type)
			if found {
				return
			}
		}
	}
	visit(b.syn.Body, "")
	if !found {
		return nil, "", "", "", fixer.Skipf("no value at %s", loc)
	}
	return b, attr, key, sub, nil
}

// nested returns the nested block of b by type (hclsyntax and hclwrite).
func nested(b *block, typ string) (*hclsyntax.Body, *hclwrite.Body) {
	for _, sb := range b.syn.Body.Blocks {
		if sb.Type == typ {
			for _, wb := range b.w.Body().Blocks() {
				if wb.Type() == typ {
					return sb.Body, wb.Body()
				}
			}
		}
	}
	return nil, nil
}

// listItems returns a list attribute's item source texts.
func listItems(src []byte, body *hclsyntax.Body, name string) ([]string, bool) {
	a := body.Attributes[name]
	if a == nil {
		return nil, true
	}
	tc, ok := a.Expr.(*hclsyntax.TupleConsExpr)
	if !ok {
		return nil, false
	}
	var out []string
	for _, e := range tc.Exprs {
		r := e.Range()
		out = append(out, string(src[r.Start.Byte:r.End.Byte]))
	}
	return out, true
}

func (m *mod) origin() (*fixer.Change, error) {
	loc := m.c.Finding.Location
	b, attr, key, sub, err := m.valueAt(loc)
	if err != nil {
		return nil, err
	}
	if key != "" {
		// A REST mapping inside response_parameters.
		keys, vals, ok := b.mapItems(attr)
		if !ok {
			return nil, fixer.Skipf("%s is not a map literal", attr)
		}
		for i, k := range keys {
			if unquote(k) != key {
				continue
			}
			cur := unquote(vals[i])
			next, err := m.nextOrigin(strings.Trim(cur, "'"), true)
			if err != nil {
				return nil, err
			}
			if err := b.setMap(attr, []string{key, strconv.Quote(fixer.Quote(next))}); err != nil {
				return nil, err
			}
			return &fixer.Change{Summary: fmt.Sprintf("%s %s: %s -> %s", b.addr(), key, cur, fixer.Quote(next)), Targets: fixer.ValueTargets(m.c.API, loc)}, nil
		}
		return nil, fixer.Skipf("key %s not found", key)
	}
	if sub == "" || attr != "allow_origins" {
		return nil, fixer.Skipf("the origin at %s is not in allow_origins", loc)
	}
	sb, wb := nested(b, sub)
	items, ok := listItems(b.f.src, sb, attr)
	if !ok {
		return nil, fixer.Skipf("allow_origins is not a list literal")
	}
	var out []string
	for _, it := range items {
		v := unquote(it)
		if !strings.HasPrefix(it, "\"") {
			out = append(out, it)
			continue
		}
		itLoc := ""
		_ = itLoc
		next, err := m.rewriteItem(v)
		if err != nil {
			return nil, err
		}
		for _, n := range next {
			out = append(out, strconv.Quote(n))
		}
	}
	out = dedupe(out)
	wb.SetAttributeRaw(attr, raw("["+strings.Join(out, ", ")+"]"))
	return &fixer.Change{Summary: fmt.Sprintf("%s %s.allow_origins = [%s]", b.addr(), sub, strings.Join(out, ", "))}, nil
}

func dedupe(ss []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, s := range ss {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}

// rewriteItem returns what one allow_origins item becomes for the rule
// (itself when the rule does not concern it).
func (m *mod) rewriteItem(v string) ([]string, error) {
	switch m.c.Finding.RuleID {
	case "CD2014":
		if strings.ContainsAny(v, ", ") {
			return strings.FieldsFunc(v, func(r rune) bool { return r == ',' || r == ' ' }), nil
		}
	case "CD2010":
		if !fixer.WellFormedOrigin(v) {
			n, err := m.nextOrigin(v, false)
			return []string{n}, err
		}
	case "CD2011":
		if v == "*" {
			if len(m.c.Origins) == 0 {
				return nil, fixer.Needs("--origin", "replacing \"*\" needs the page origins; give each one with --origin")
			}
			return m.c.Origins, nil
		}
	case "CD2012":
		if strings.Contains(v, "*") && v != "*" {
			if len(m.c.Origins) == 0 {
				return nil, fixer.Needs("--origin", "replacing %q needs the page origins; give each one with --origin", v)
			}
			return m.c.Origins, nil
		}
	case "CD2020":
		if strings.HasPrefix(v, "http://") {
			n, err := m.nextOrigin(v, false)
			return []string{n}, err
		}
	}
	return []string{v}, nil
}

// nextOrigin shares the origin rules of the YAML formats.
func (m *mod) nextOrigin(cur string, single bool) (string, error) {
	c := m.c
	switch c.Finding.RuleID {
	case "CD2010":
		fixed, ok := c.FixOrigin(cur)
		if !ok {
			return "", fixer.Needs("--origin", "%q is not an origin (no scheme?); give the page's origin", cur)
		}
		return fixed, nil
	case "CD2011", "CD2012":
		if single {
			return c.RESTOrigin(true)
		}
	case "CD2014":
		if len(c.Origins) == 1 {
			return c.Origins[0], nil
		}
		return "", fixer.Needs("--origin", "%q lists several origins but the header carries one; give the one origin this API serves", cur)
	case "CD2020":
		host := strings.TrimPrefix(cur, "http://")
		for _, o := range c.Origins {
			if strings.EqualFold(o, "https://"+host) {
				return o, nil
			}
		}
		return "", fixer.Needs("--origin", "replace %q only with the https origin the page really has: give --origin https://%s if that is it", cur, host)
	}
	return "", fixer.Skipf("no origin rewrite for %s", c.Finding.RuleID)
}

// allowHeaders appends items to a cors block list (allow_headers,
// allow_methods).
func (m *mod) allowHeaders(list []apimodel.Value, attr string, add []string, authorizedOnly bool) (*fixer.Change, error) {
	b, err := m.apiBlock()
	if err != nil {
		return nil, err
	}
	sub := "cors_configuration"
	if b.syn.Labels[0] == "aws_lambda_function_url" {
		sub = "cors"
	}
	sb, wb := nested(b, sub)
	if sb == nil {
		return nil, fixer.Skipf("%s has no %s block", b.addr(), sub)
	}
	items, ok := listItems(b.f.src, sb, attr)
	if !ok {
		return nil, fixer.Skipf("%s is not a list literal", attr)
	}
	have := map[string]bool{}
	for _, it := range items {
		have[strings.ToLower(unquote(it))] = true
	}
	var added []string
	for _, h := range add {
		if !have[strings.ToLower(h)] {
			have[strings.ToLower(h)] = true
			items = append(items, strconv.Quote(h))
			added = append(added, h)
		}
	}
	if len(added) == 0 {
		return nil, fixer.Skipf("%s lists every value already", attr)
	}
	wb.SetAttributeRaw(attr, raw("["+strings.Join(items, ", ")+"]"))
	return &fixer.Change{Summary: fmt.Sprintf("%s %s.%s adds %s", b.addr(), sub, attr, strings.Join(added, ", ")), Targets: fixer.RouteTargets(m.c.API, authorizedOnly)}, nil
}

// ---- CD2005, CD2050 ----

func (m *mod) methodsValue() (*fixer.Change, error) {
	loc := m.c.Finding.Location
	for _, res := range m.c.API.Resources {
		ir := fixer.OptionsIR(res)
		if ir == nil {
			continue
		}
		if v, ok := ir.Header("Access-Control-Allow-Methods"); ok && fixer.Same(v.Source, loc) {
			return m.addToMapping(res, ir, "Access-Control-Allow-Methods", fixer.Methods(res))
		}
	}
	return nil, fixer.Skipf("no Access-Control-Allow-Methods at %s", loc)
}

// addToMapping adds items to a comma-list mapping ('GET,PUT') of the
// OPTIONS integration response, or maps the header when absent.
func (m *mod) addToMapping(res *apimodel.Resource, ir *apimodel.IntegrationResponse, header string, add []string) (*fixer.Change, error) {
	b, _, _, _, err := m.irBlock(ir.Source)
	if err != nil {
		return nil, err
	}
	key := "method.response.header." + header
	var items []string
	have := map[string]bool{}
	if v, ok := ir.Header(header); ok {
		s, isStatic := v.Static()
		if !isStatic {
			return nil, fixer.Skipf("%s is not a static value", header)
		}
		for _, x := range strings.Split(s, ",") {
			if x = strings.TrimSpace(x); x != "" {
				items = append(items, x)
				have[strings.ToLower(x)] = true
			}
		}
	}
	for _, x := range add {
		if !have[strings.ToLower(x)] {
			have[strings.ToLower(x)] = true
			items = append(items, x)
		}
	}
	val := fixer.Quote(strings.Join(items, ","))
	if err := m.mapAndDeclare(b, ir.StatusCode, []string{key, val}, true); err != nil {
		return nil, err
	}
	return &fixer.Change{Summary: fmt.Sprintf("%s %s is now %s", b.addr(), header, val), Targets: fixer.PreflightTargets(m.c.API, res)}, nil
}

func (m *mod) predicted() (*fixer.Change, error) {
	api := m.c.API
	e := m.c.PredictedError()
	if api.Kind != apimodel.REST {
		if api.Cors == nil {
			return m.cors()
		}
		switch e {
		case "HeaderDisallowedByPreflightResponse":
			return m.allowHeaders(api.Cors.AllowHeaders, "allow_headers", lower(m.c.ClientHeaders(nil)), false)
		case "MethodDisallowedByPreflightResponse":
			return m.allowHeaders(api.Cors.AllowMethods, "allow_methods", fixer.RouteMethods(api), false)
		case "AllowOriginMismatch", "PreflightAllowOriginMismatch", "PreflightMissingAllowOriginHeader", "MissingAllowOriginHeader":
			if len(m.c.Origins) == 0 {
				return nil, fixer.Needs("--origin", "the page's origin is not allowed; give it with --origin to add it to allow_origins")
			}
			return m.allowHeaders(api.Cors.AllowOrigins, "allow_origins", m.c.Origins, false)
		}
		return nil, fixer.Skipf("%s has no mechanical fix here: see the more specific finding on the route", e)
	}
	res := fixer.ResourceAt(api, m.c.Finding.Location)
	if res == nil {
		return nil, fixer.Skipf("no resource at %s", m.c.Finding.Location)
	}
	switch e {
	case "MissingAllowOriginHeader", "InvalidAllowCredentials":
		return m.actualOrigin(res)
	case "PreflightMissingAllowOriginHeader", "PreflightInvalidStatus":
		if res.Method("OPTIONS") == nil {
			return m.addOptions(res)
		}
	case "HeaderDisallowedByPreflightResponse", "MethodDisallowedByPreflightResponse":
		ir := fixer.OptionsIR(res)
		if ir == nil {
			return nil, fixer.Skipf("OPTIONS %s has no integration response", res.Path)
		}
		if e == "HeaderDisallowedByPreflightResponse" {
			return m.addToMapping(res, ir, "Access-Control-Allow-Headers", m.c.ClientHeaders(res.Methods))
		}
		return m.addToMapping(res, ir, "Access-Control-Allow-Methods", fixer.Methods(res))
	}
	return nil, fixer.Skipf("%s has no mechanical fix here: see the more specific finding on the route", e)
}

// ---- CD2009: gateway responses ----

func (m *mod) gateway() (*fixer.Change, error) {
	api := m.c.API
	kv, o, err := m.c.OriginParams("gatewayresponse.header.")
	if err != nil {
		return nil, err
	}
	var did []string
	for _, typ := range apimodel.SortedKeys(api.GatewayResponses) {
		g := api.GatewayResponses[typ]
		if _, ok := g.Header("Access-Control-Allow-Origin"); ok {
			continue
		}
		b, err := m.blockAt(g.Source)
		if err != nil || b == nil {
			return nil, fixer.Skipf("gateway response %s not found", typ)
		}
		var set []string
		for i := 0; i+1 < len(kv); i += 2 {
			set = append(set, kv[i], strconv.Quote(kv[i+1]))
		}
		if err := b.setMap("response_parameters", set); err != nil {
			return nil, err
		}
		did = append(did, typ)
	}
	ab, err := m.apiBlock()
	if err != nil {
		return nil, err
	}
	var added []string
	for _, typ := range []string{"DEFAULT_4XX", "DEFAULT_5XX"} {
		if api.GatewayResponses[typ] != nil {
			continue
		}
		name := m.unique("aws_api_gateway_gateway_response", ab.syn.Labels[1]+"_"+strings.ToLower(typ))
		comment := ""
		if len(added) == 0 {
			comment = "Errors API Gateway answers itself carry CORS headers too (corsdoctor fix)"
		}
		nb := ab.f.newBlock("aws_api_gateway_gateway_response", name, comment)
		nb.SetAttributeTraversal("rest_api_id", ref(ab.addr(), "id"))
		nb.SetAttributeValue("response_type", cty.StringVal(typ))
		var sb strings.Builder
		sb.WriteString("{\n")
		for i := 0; i+1 < len(kv); i += 2 {
			fmt.Fprintf(&sb, "    %s = %s\n", strconv.Quote(kv[i]), strconv.Quote(kv[i+1]))
		}
		sb.WriteString("  }")
		nb.SetAttributeRaw("response_parameters", fresh(sb.String()))
		did = append(did, typ)
		added = append(added, "aws_api_gateway_gateway_response."+name)
	}
	if len(did) == 0 {
		return nil, fixer.Skipf("every gateway response carries the header already")
	}
	if err := m.addToTriggers(added); err != nil {
		return nil, err
	}
	return &fixer.Change{Summary: fmt.Sprintf("gateway responses %s carry Access-Control-Allow-Origin %s", strings.Join(did, ", "), o), Targets: fixer.UnauthorizedTargets(api)}, nil
}

// ---- CD2016: triggers ----

// triggerTypes are the resources whose change must redeploy the API.
var triggerTypes = []string{"aws_api_gateway_resource", "aws_api_gateway_method", "aws_api_gateway_integration",
	"aws_api_gateway_method_response", "aws_api_gateway_integration_response", "aws_api_gateway_gateway_response"}

func (m *mod) triggers() (*fixer.Change, error) {
	b, err := m.blockAt(m.c.Finding.Location)
	if err != nil || b == nil || b.syn.Labels[0] != "aws_api_gateway_deployment" {
		return nil, fixer.Skipf("no aws_api_gateway_deployment at %s", m.c.Finding.Location)
	}
	if b.syn.Body.Attributes["triggers"] != nil {
		return nil, fixer.Skipf("%s has triggers already", b.addr())
	}
	api := b.text("rest_api_id")
	apiAddr := strings.TrimSuffix(api, ".id")
	var items []string
	for _, typ := range triggerTypes {
		bs, err := m.each(typ)
		if err != nil {
			return nil, err
		}
		for _, x := range bs {
			if x.text("rest_api_id") == api {
				items = append(items, x.addr()+".id")
			}
		}
	}
	if len(items) == 0 {
		// An API defined by its OpenAPI body: hashing the body redeploys
		// on every change of the definition (the provider's documented
		// recipe for body-defined APIs).
		if ab, err := m.find(apiAddr); err == nil && ab.syn.Body.Attributes["body"] != nil {
			items = append(items, apiAddr+".body")
		} else {
			return nil, fixer.Skipf("no resource of %s to hash", apiAddr)
		}
	}
	var sb strings.Builder
	sb.WriteString("{\n    redeployment = sha1(jsonencode([\n")
	for _, it := range items {
		fmt.Fprintf(&sb, "      %s,\n", it)
	}
	sb.WriteString("    ]))\n  }")
	b.w.Body().SetAttributeRaw("triggers", raw(sb.String()))
	if lc := b.w.Body().FirstMatchingBlock("lifecycle", nil); lc == nil {
		b.w.Body().AppendNewline()
		b.w.Body().AppendNewBlock("lifecycle", nil).Body().SetAttributeValue("create_before_destroy", cty.True)
	}
	return &fixer.Change{Summary: fmt.Sprintf("%s is re-created when any of %d resources of the API changes (triggers, create_before_destroy)", b.addr(), len(items))}, nil
}

// ---- CD2018, CD2021 ----

func (m *mod) contentHandling() (*fixer.Change, error) {
	var did []string
	var targets []fixer.Target
	for _, res := range m.c.API.Resources {
		mt := res.Method("OPTIONS")
		if mt == nil || mt.Integration == nil || mt.Integration.Type != apimodel.Mock || mt.Integration.ContentHandling == "CONVERT_TO_TEXT" {
			continue
		}
		b, err := m.blockAt(mt.Integration.Source)
		if err != nil || b == nil || b.syn.Labels[0] != "aws_api_gateway_integration" {
			continue
		}
		b.w.Body().SetAttributeValue("content_handling", cty.StringVal("CONVERT_TO_TEXT"))
		did = append(did, b.addr())
		targets = append(targets, fixer.PreflightTargets(m.c.API, res)...)
	}
	if len(did) == 0 {
		return nil, fixer.Skipf("no MOCK OPTIONS integration to change")
	}
	return &fixer.Change{Summary: "content_handling = \"CONVERT_TO_TEXT\" on " + strings.Join(did, ", "), Targets: targets}, nil
}

func (m *mod) maxAge() (*fixer.Change, error) {
	b, attr, key, sub, err := m.valueAt(m.c.Finding.Location)
	if err != nil {
		return nil, err
	}
	if key != "" {
		if err := b.setMap(attr, []string{key, strconv.Quote(fixer.Quote(fixer.MaxAgeCap))}); err != nil {
			return nil, err
		}
		return &fixer.Change{Summary: b.addr() + " " + key + " = '7200' (Chromium's cap)"}, nil
	}
	if sub == "" {
		return nil, fixer.Skipf("max age not found")
	}
	_, wb := nested(b, sub)
	wb.SetAttributeValue(attr, cty.NumberIntVal(7200))
	return &fixer.Change{Summary: fmt.Sprintf("%s %s.%s = 7200 (Chromium caches preflights for at most 7200 s)", b.addr(), sub, attr)}, nil
}

// actualOrigin maps Access-Control-Allow-Origin on the integration
// responses of the finding's method (a proxy's function must send it:
// package handler).
func (m *mod) actualOrigin(res *apimodel.Resource) (*fixer.Change, error) {
	return m.c.ActualOrigin(res, handler.Fix, func(ir *apimodel.IntegrationResponse, kv []string) error {
		b, _, _, _, err := m.irBlock(ir.Source)
		if err != nil {
			return err
		}
		return m.mapAndDeclare(b, ir.StatusCode, kv, true)
	})
}
