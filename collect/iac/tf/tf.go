// Package tf reads Terraform configuration (.tf files of one module,
// parsed with github.com/hashicorp/hcl/v2) into the apimodel:
// aws_api_gateway_{rest_api,resource,method,integration,method_response,
// integration_response,gateway_response,deployment,stage},
// aws_apigatewayv2_{api,route,integration} with cors_configuration, and
// aws_lambda_function_url with cors. Function code is found through
// aws_lambda_function filename -> data.archive_file source_dir/source_file.
//
// Expressions are evaluated without variables: literals are known;
// references to other resources are followed where they name an attribute
// written as a literal (aws_api_gateway_method.x.http_method); variables,
// locals and function calls are unknown values, never guesses.
package tf

import (
	"fmt"
	"path"
	"sort"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"

	"github.com/corsdoctor/corsdoctor/apimodel"
	"github.com/corsdoctor/corsdoctor/collect/iac/tree"
	"github.com/corsdoctor/corsdoctor/evidence"
)

// File is one .tf file of a module.
type File struct {
	Name string
	Data []byte
}

// block is a resource or data block.
type block struct {
	addr, typ string
	body      *hclsyntax.Body
	file      string
	src       evidence.Source
	dependsOn []string
}

type module struct {
	dir    string
	read   tree.ReadFunc
	blocks map[string]*block
	order  []string
	apis   map[string]*apimodel.API
	list   []*apimodel.API
	srcs   map[string][]byte
}

// Parse reads the .tf files of one module directory. Files that do not
// parse are reported in errs (with file:line) and skipped.
func Parse(dir string, files []File, read tree.ReadFunc) (apis []*apimodel.API, errs []error) {
	m := &module{dir: dir, read: read, blocks: map[string]*block{}, apis: map[string]*apimodel.API{}, srcs: map[string][]byte{}}
	for _, f := range files {
		hf, diags := hclsyntax.ParseConfig(f.Data, f.Name, hcl.Pos{Line: 1, Column: 1, Byte: 0})
		if diags.HasErrors() {
			for _, d := range diags {
				if d.Severity == hcl.DiagError {
					line := 0
					if d.Subject != nil {
						line = d.Subject.Start.Line
					}
					errs = append(errs, fmt.Errorf("%s:%d: invalid HCL: %s: %s", f.Name, line, d.Summary, d.Detail))
					break
				}
			}
			continue
		}
		m.srcs[f.Name] = f.Data
		body, ok := hf.Body.(*hclsyntax.Body)
		if !ok {
			continue
		}
		for _, b := range body.Blocks {
			if (b.Type != "resource" && b.Type != "data") || len(b.Labels) != 2 {
				continue
			}
			addr := b.Labels[0] + "." + b.Labels[1]
			if b.Type == "data" {
				addr = "data." + addr
			}
			bl := &block{addr: addr, typ: b.Labels[0], body: b.Body, file: f.Name,
				src: evidence.Source{File: f.Name, Line: b.TypeRange.Start.Line, Column: b.TypeRange.Start.Column}}
			if a := b.Body.Attributes["depends_on"]; a != nil {
				for _, r := range refs(a.Expr) {
					bl.dependsOn = append(bl.dependsOn, r)
				}
			}
			m.blocks[addr] = bl
			m.order = append(m.order, addr)
		}
	}
	m.build()
	return m.list, errs
}

func srcOf(r hcl.Range) evidence.Source {
	return evidence.Source{File: r.Filename, Line: r.Start.Line, Column: r.Start.Column}
}

// refs lists the resource addresses an expression references
// ("aws_api_gateway_method.options").
func refs(e hclsyntax.Expression) []string {
	var out []string
	for _, t := range e.Variables() {
		parts := []string{t.RootName()}
		for _, s := range t[1:] {
			if a, ok := s.(hcl.TraverseAttr); ok {
				parts = append(parts, a.Name)
			}
		}
		switch {
		case parts[0] == "data" && len(parts) >= 3:
			out = append(out, strings.Join(parts[:3], "."))
		case len(parts) >= 2 && strings.Contains(parts[0], "_"):
			out = append(out, parts[0]+"."+parts[1])
		}
	}
	return out
}

// text returns the source text of an expression.
func (m *module) text(r hcl.Range) string {
	b := m.srcs[r.Filename]
	if r.Start.Byte < 0 || r.End.Byte > len(b) || r.Start.Byte > r.End.Byte {
		return ""
	}
	s := string(b[r.Start.Byte:r.End.Byte])
	if len(s) > 120 {
		s = s[:117] + "..."
	}
	return s
}

func (m *module) attr(b *block, name string) *hclsyntax.Attribute {
	if b == nil {
		return nil
	}
	return b.body.Attributes[name]
}

// value evaluates an attribute: a literal, or a reference to a literal
// attribute of another block.
func (m *module) value(b *block, name string) apimodel.Value {
	a := m.attr(b, name)
	if a == nil {
		return apimodel.Value{}
	}
	return m.expr(a.Expr, 0)
}

func (m *module) expr(e hclsyntax.Expression, depth int) apimodel.Value {
	src := srcOf(e.Range())
	if v, diags := e.Value(nil); !diags.HasErrors() && v.IsWhollyKnown() && !v.IsNull() {
		switch v.Type() {
		case cty.String:
			return apimodel.Known(v.AsString(), src)
		case cty.Bool:
			if v.True() {
				return apimodel.Known("true", src)
			}
			return apimodel.Known("false", src)
		case cty.Number:
			return apimodel.Known(v.AsBigFloat().Text('f', -1), src)
		}
	}
	if st, ok := e.(*hclsyntax.ScopeTraversalExpr); ok && depth < 8 {
		parts := []string{st.Traversal.RootName()}
		for _, s := range st.Traversal[1:] {
			if a, ok := s.(hcl.TraverseAttr); ok {
				parts = append(parts, a.Name)
			}
		}
		if len(parts) == 3 {
			if b := m.blocks[parts[0]+"."+parts[1]]; b != nil {
				if a := m.attr(b, parts[2]); a != nil {
					v := m.expr(a.Expr, depth+1)
					v.Source = src
					return v
				}
			}
		}
	}
	return apimodel.UnknownValue(m.text(e.Range()), src)
}

// list evaluates a list attribute (or a block attribute) item by item.
func (m *module) listAttr(body *hclsyntax.Body, name string) []apimodel.Value {
	a := body.Attributes[name]
	if a == nil {
		return nil
	}
	if t, ok := a.Expr.(*hclsyntax.TupleConsExpr); ok {
		var out []apimodel.Value
		for _, e := range t.Exprs {
			out = append(out, m.expr(e, 0))
		}
		return out
	}
	return []apimodel.Value{m.expr(a.Expr, 0)}
}

// mapAttr evaluates a map attribute (response_parameters).
func (m *module) mapAttr(b *block, name string) map[string]apimodel.Value {
	a := m.attr(b, name)
	if a == nil {
		return nil
	}
	oc, ok := a.Expr.(*hclsyntax.ObjectConsExpr)
	if !ok {
		return nil
	}
	out := map[string]apimodel.Value{}
	for _, it := range oc.Items {
		k := m.expr(it.KeyExpr, 0)
		if k.Unknown {
			if kw, ok := it.KeyExpr.(*hclsyntax.ObjectConsKeyExpr); ok {
				k = apimodel.Known(hcl.ExprAsKeyword(kw.Wrapped), k.Source)
			}
		}
		if k.S == "" {
			continue
		}
		out[k.S] = m.expr(it.ValueExpr, 0)
	}
	return out
}

// target returns the block an attribute references.
func (m *module) target(b *block, name string) *block {
	a := m.attr(b, name)
	if a == nil {
		return nil
	}
	for _, r := range refs(a.Expr) {
		if t := m.blocks[r]; t != nil {
			return t
		}
	}
	return nil
}

func (m *module) ofType(typ string) []*block {
	var out []*block
	for _, a := range m.order {
		if m.blocks[a].typ == typ {
			out = append(out, m.blocks[a])
		}
	}
	return out
}

func (m *module) newAPI(b *block, kind apimodel.Kind) *apimodel.API {
	api := &apimodel.API{ID: b.addr, Kind: kind, Format: "terraform", Source: b.src}
	if v := m.value(b, "name"); !v.Unknown {
		api.Name = v.S
	}
	m.apis[b.addr] = api
	m.list = append(m.list, api)
	return api
}

func (m *module) apiOf(b *block, attr string) *apimodel.API {
	if t := m.target(b, attr); t != nil {
		return m.apis[t.addr]
	}
	return nil
}

// resourcePath walks parent_id to the root.
func (m *module) resourcePath(b *block, depth int) string {
	if b == nil || depth > 64 {
		return "/"
	}
	if b.typ == "aws_api_gateway_rest_api" {
		return "/"
	}
	part := m.value(b, "path_part")
	seg := part.S
	if part.Unknown {
		seg = "{" + part.Expr + "}"
	}
	return strings.TrimSuffix(m.resourcePath(m.target(b, "parent_id"), depth+1), "/") + "/" + seg
}

// methodKey identifies a REST method by resource block and verb.
type methodKey struct{ res, verb string }

func (m *module) methodFor(api *apimodel.API, b *block, methods map[methodKey]*apimodel.Method) *apimodel.Method {
	res := m.target(b, "resource_id")
	resAddr := "root"
	p := "/"
	if res != nil && res.typ == "aws_api_gateway_resource" {
		resAddr, p = res.addr, m.resourcePath(res, 0)
	}
	verb := strings.ToUpper(m.value(b, "http_method").S)
	k := methodKey{resAddr, verb}
	if mt := methods[k]; mt != nil {
		return mt
	}
	mt := &apimodel.Method{HTTPMethod: verb, Source: b.src, AuthorizationType: apimodel.Known("NONE", b.src), APIKeyRequired: apimodel.TriNo}
	methods[k] = mt
	api.AddResource(p, b.src).AddMethod(mt)
	return mt
}

func (m *module) build() {
	for _, b := range m.ofType("aws_api_gateway_rest_api") {
		api := m.newAPI(b, apimodel.REST)
		api.BinaryMediaTypes = m.listAttr(b.body, "binary_media_types")
	}
	for _, b := range m.ofType("aws_apigatewayv2_api") {
		if v := m.value(b, "protocol_type"); !v.Unknown && !strings.EqualFold(v.S, "HTTP") {
			continue
		}
		api := m.newAPI(b, apimodel.HTTP)
		for _, cb := range b.body.Blocks {
			if cb.Type == "cors_configuration" {
				api.Cors = m.corsBlock(cb)
			}
		}
		if t := m.attr(b, "target"); t != nil {
			api.Routes = append(api.Routes, &apimodel.Route{Key: "$default", AuthorizationType: apimodel.Known("NONE", b.src),
				Integration: &apimodel.Integration{Type: apimodel.AWSProxy, Function: m.functionIn(t.Expr), Source: srcOf(t.Expr.Range())}, Source: srcOf(t.Expr.Range())})
		}
	}
	methods := map[methodKey]*apimodel.Method{}
	for _, b := range m.ofType("aws_api_gateway_method") {
		api := m.apiOf(b, "rest_api_id")
		if api == nil {
			continue
		}
		mt := m.methodFor(api, b, methods)
		mt.ID, mt.Source = b.addr, b.src
		if v := m.value(b, "authorization"); v.S != "" || v.Unknown {
			mt.AuthorizationType = v
		}
		if t := m.target(b, "authorizer_id"); t != nil {
			mt.AuthorizerID = t.addr
		}
		if v := m.value(b, "api_key_required"); v.Unknown {
			mt.APIKeyRequired = apimodel.TriUnknown
		} else if v.S == "true" {
			mt.APIKeyRequired = apimodel.TriYes
		}
	}
	for _, b := range m.ofType("aws_api_gateway_integration") {
		api := m.apiOf(b, "rest_api_id")
		if api == nil {
			continue
		}
		mt := m.methodFor(api, b, methods)
		in := &apimodel.Integration{Type: apimodel.IntegrationType(strings.ToUpper(m.value(b, "type").S)), URI: m.value(b, "uri"),
			PassthroughBehavior: m.value(b, "passthrough_behavior").S, ContentHandling: m.value(b, "content_handling").S, Source: b.src}
		if a := m.attr(b, "uri"); a != nil {
			in.Function = m.functionIn(a.Expr)
		}
		if mt.Integration != nil {
			in.Responses = mt.Integration.Responses
		}
		mt.Integration = in
	}
	for _, b := range m.ofType("aws_api_gateway_integration_response") {
		api := m.apiOf(b, "rest_api_id")
		if api == nil {
			continue
		}
		mt := m.methodFor(api, b, methods)
		if mt.Integration == nil {
			mt.Integration = &apimodel.Integration{Source: b.src}
		}
		mt.Integration.Responses = append(mt.Integration.Responses, &apimodel.IntegrationResponse{
			StatusPattern: m.value(b, "selection_pattern").S, StatusCode: m.value(b, "status_code").S,
			ResponseParameters: m.mapAttr(b, "response_parameters"), ContentHandling: m.value(b, "content_handling").S, Source: b.src})
	}
	for _, b := range m.ofType("aws_api_gateway_method_response") {
		api := m.apiOf(b, "rest_api_id")
		if api == nil {
			continue
		}
		mt := m.methodFor(api, b, methods)
		st := m.value(b, "status_code").S
		mr := &apimodel.MethodResponse{StatusCode: st, Source: b.src}
		for _, k := range apimodel.SortedKeys(m.mapAttr(b, "response_parameters")) {
			if h, ok := strings.CutPrefix(k, "method.response.header."); ok {
				mr.Headers = append(mr.Headers, h)
			}
		}
		if mt.MethodResponses == nil {
			mt.MethodResponses = map[string]*apimodel.MethodResponse{}
		}
		mt.MethodResponses[st] = mr
	}
	for _, b := range m.ofType("aws_api_gateway_gateway_response") {
		api := m.apiOf(b, "rest_api_id")
		if api == nil {
			continue
		}
		g := &apimodel.GatewayResponse{Type: m.value(b, "response_type").S, StatusCode: m.value(b, "status_code").S,
			ResponseParameters: m.mapAttr(b, "response_parameters"), Source: b.src}
		if api.GatewayResponses == nil {
			api.GatewayResponses = map[string]*apimodel.GatewayResponse{}
		}
		api.GatewayResponses[g.Type] = g
	}
	for _, b := range m.ofType("aws_api_gateway_deployment") {
		api := m.apiOf(b, "rest_api_id")
		if api == nil {
			continue
		}
		d := &apimodel.Deployment{ID: b.addr, DependsOn: b.dependsOn, StageName: m.value(b, "stage_name").S, Source: b.src, Redeploys: apimodel.TriNo}
		if m.attr(b, "triggers") != nil || m.attr(b, "stage_description") != nil {
			d.Redeploys = apimodel.TriYes
		}
		api.Deployments = append(api.Deployments, d)
	}
	for _, b := range m.ofType("aws_api_gateway_stage") {
		api := m.apiOf(b, "rest_api_id")
		if api == nil {
			continue
		}
		st := &apimodel.Stage{Name: m.value(b, "stage_name").S, Source: b.src}
		if t := m.target(b, "deployment_id"); t != nil {
			st.DeploymentID = t.addr
		}
		api.Stages = append(api.Stages, st)
	}
	for _, b := range m.ofType("aws_apigatewayv2_route") {
		api := m.apiOf(b, "api_id")
		if api == nil {
			continue
		}
		key := m.value(b, "route_key").S
		rt := &apimodel.Route{Key: key, Source: b.src, AuthorizationType: apimodel.Known("NONE", b.src)}
		if key != "$default" {
			rt.Method, rt.Path, _ = strings.Cut(key, " ")
		}
		if v := m.value(b, "authorization_type"); v.S != "" || v.Unknown {
			rt.AuthorizationType = v
		}
		if t := m.target(b, "authorizer_id"); t != nil {
			rt.AuthorizerID = t.addr
		}
		if t := m.target(b, "target"); t != nil && t.typ == "aws_apigatewayv2_integration" {
			rt.Integration = &apimodel.Integration{Type: apimodel.IntegrationType(strings.ToUpper(m.value(t, "integration_type").S)),
				URI: m.value(t, "integration_uri"), Source: t.src}
			if a := m.attr(t, "integration_uri"); a != nil {
				rt.Integration.Function = m.functionIn(a.Expr)
			}
		}
		api.Routes = append(api.Routes, rt)
	}
	for _, b := range m.ofType("aws_lambda_function_url") {
		api := &apimodel.API{ID: b.addr, Kind: apimodel.FunctionURL, Format: "terraform", Source: b.src}
		for _, cb := range b.body.Blocks {
			if cb.Type == "cors" {
				api.Cors = m.corsBlock(cb)
			}
		}
		if a := m.attr(b, "function_name"); a != nil {
			api.Function = m.functionIn(a.Expr)
		}
		m.list = append(m.list, api)
	}
	for _, api := range m.list {
		api.Normalize()
		sort.SliceStable(api.Routes, func(i, j int) bool { return api.Routes[i].Key < api.Routes[j].Key })
	}
}

func (m *module) corsBlock(cb *hclsyntax.Block) *apimodel.CorsConfig {
	c := &apimodel.CorsConfig{Source: srcOf(cb.TypeRange), AllowCredentials: apimodel.TriNo}
	c.AllowOrigins = m.listAttr(cb.Body, "allow_origins")
	c.AllowMethods = m.listAttr(cb.Body, "allow_methods")
	c.AllowHeaders = m.listAttr(cb.Body, "allow_headers")
	c.ExposeHeaders = m.listAttr(cb.Body, "expose_headers")
	if a := cb.Body.Attributes["max_age"]; a != nil {
		v := m.expr(a.Expr, 0)
		c.MaxAge = &v
	}
	if a := cb.Body.Attributes["allow_credentials"]; a != nil {
		v := m.expr(a.Expr, 0)
		c.CredentialsSource = v.Source
		switch {
		case v.Unknown:
			c.AllowCredentials = apimodel.TriUnknown
		case v.S == "true":
			c.AllowCredentials = apimodel.TriYes
		}
	}
	return c
}

// functionIn follows an expression to an aws_lambda_function and reads
// its code facts.
func (m *module) functionIn(e hclsyntax.Expression) *apimodel.Function {
	for _, r := range refs(e) {
		b := m.blocks[r]
		if b == nil || b.typ != "aws_lambda_function" {
			continue
		}
		runtime, handler := m.value(b, "runtime").S, m.value(b, "handler").S
		at := apimodel.Known(b.addr, b.src)
		dir := ""
		for _, attr := range []string{"filename", "source_code_hash"} {
			if t := m.target(b, attr); t != nil && t.typ == "archive_file" {
				if v := m.value(t, "source_dir"); !v.Unknown && v.S != "" {
					dir = v.S
				} else if v := m.value(t, "source_file"); !v.Unknown && v.S != "" {
					dir = path.Dir(v.S)
				} else if a := m.attr(t, "source_dir"); a != nil {
					dir = m.pathExpr(a.Expr)
				} else if a := m.attr(t, "source_file"); a != nil {
					dir = path.Dir(m.pathExpr(a.Expr))
				}
			}
		}
		if dir == "" {
			return &apimodel.Function{ID: b.addr, Runtime: runtime, Handler: handler, Source: b.src}
		}
		if !path.IsAbs(dir) {
			dir = path.Join(m.dir, dir)
		}
		return tree.HandlerFunction(m.read, b.addr, dir, runtime, handler, at)
	}
	return nil
}

// pathExpr resolves "${path.module}/src" style paths.
func (m *module) pathExpr(e hclsyntax.Expression) string {
	s := m.text(e.Range())
	s = strings.Trim(s, "\"")
	for _, p := range []string{"${path.module}", "${path.root}", "${path.cwd}"} {
		s = strings.ReplaceAll(s, p, ".")
	}
	if strings.Contains(s, "${") {
		return ""
	}
	return s
}
