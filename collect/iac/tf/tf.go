// Package tf reads Terraform into the apimodel: .tf files of one module
// (parsed with github.com/hashicorp/hcl/v2) and `terraform show -json`
// output (plans and state). Resources read:
// aws_api_gateway_{rest_api,resource,method,integration,method_response,
// integration_response,gateway_response,deployment,stage},
// aws_apigatewayv2_{api,route,integration,authorizer} with
// cors_configuration, and aws_lambda_function_url with cors. Function code
// is found through aws_lambda_function filename / source_code_hash ->
// data.archive_file source_dir / source_file.
//
// Expressions are evaluated without variables: literals are known
// (path.module is "."); references to other resources are followed where
// they name an attribute written as a literal
// (aws_api_gateway_method.x.http_method); variables, locals and function
// calls are unknown values, never guesses.
package tf

import (
	"path"
	"regexp"
	"sort"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/corsdoctor/corsdoctor/apimodel"
	"github.com/corsdoctor/corsdoctor/collect/iac/openapi"
	"github.com/corsdoctor/corsdoctor/collect/iac/tree"
	"github.com/corsdoctor/corsdoctor/evidence"
)

// attrs is one resource's (or nested block's) attributes, from HCL or
// from plan JSON.
type attrs interface {
	// val evaluates an attribute; the zero Value when absent.
	val(name string) apimodel.Value
	has(name string) bool
	// refs lists the resource addresses the attribute references.
	refs(name string) []string
	list(name string) []apimodel.Value
	kv(name string) map[string]apimodel.Value
	// sub returns a nested block (cors_configuration, cors), or nil.
	sub(name string) attrs
	// document returns an embedded OpenAPI document: a file
	// (file()/templatefile()) or a jsonencode({...}) object in HCL, a
	// string in plan JSON. file names the document for locations; root
	// is nil when there is none or it cannot be read.
	document(name string, read tree.ReadFunc, dir string) (file string, root *yaml.Node)
}

// block is a resource or data source.
type block struct {
	addr, typ string
	a         attrs
	src       evidence.Source
	dependsOn []string
}

type module struct {
	dir    string
	read   tree.ReadFunc
	format string
	blocks map[string]*block
	order  []string
	apis   map[string]*apimodel.API
	list   []*apimodel.API
	// byID maps a known "id" attribute (state JSON) to the address.
	byID map[string]string
	// notes receives the constructs that are not evaluated.
	notes *tree.Notes
}

func newModule(dir, format string, read tree.ReadFunc) *module {
	return &module{dir: dir, format: format, read: read, blocks: map[string]*block{}, apis: map[string]*apimodel.API{}, byID: map[string]string{}}
}

func (m *module) add(b *block) {
	if _, dup := m.blocks[b.addr]; !dup {
		m.order = append(m.order, b.addr)
	}
	m.blocks[b.addr] = b
	if id := b.a.val("id"); !id.Unknown && id.S != "" {
		m.byID[id.S] = b.addr
	}
}

// target returns the block an attribute references.
func (m *module) target(b *block, name string) *block {
	if b == nil {
		return nil
	}
	key := instanceKey(b.addr)
	for _, r := range b.a.refs(name) {
		// An instance of count/for_each referring to aws_x.y[each.key]
		// means the instance of aws_x.y with its own key.
		if key != "" {
			if t := m.blocks[r+key]; t != nil {
				return t
			}
		}
		if t := m.blocks[r]; t != nil {
			return t
		}
	}
	if v := b.a.val(name); !v.Unknown && v.S != "" {
		if addr, ok := m.byID[v.S]; ok {
			return m.blocks[addr]
		}
	}
	return nil
}

// instanceKey returns the key suffix of a count/for_each instance address
// (`["GET /items"]`, `[0]`), or "".
func instanceKey(addr string) string {
	if !strings.HasSuffix(addr, "]") {
		return ""
	}
	if i := strings.LastIndex(addr, "["); i > 0 && !strings.HasSuffix(addr[:i], "]") {
		return addr[i:]
	}
	return ""
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
	api := &apimodel.API{ID: b.addr, Kind: kind, Format: m.format, Source: b.src}
	if v := b.a.val("name"); !v.Unknown {
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
	if b == nil || depth > 64 || b.typ == "aws_api_gateway_rest_api" {
		return "/"
	}
	part := b.a.val("path_part")
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
	resAddr := api.ID + ".root"
	p := "/"
	if res != nil && res.typ == "aws_api_gateway_resource" {
		resAddr, p = res.addr, m.resourcePath(res, 0)
	}
	verb := strings.ToUpper(b.a.val("http_method").S)
	k := methodKey{resAddr, verb}
	if mt := methods[k]; mt != nil {
		return mt
	}
	mt := &apimodel.Method{HTTPMethod: verb, Source: b.src, AuthorizationType: apimodel.Known("NONE", b.src), APIKeyRequired: apimodel.TriNo}
	methods[k] = mt
	api.AddResource(p, b.src).AddMethod(mt)
	return mt
}

func (m *module) build() []*apimodel.API {
	for _, b := range m.ofType("aws_api_gateway_rest_api") {
		api := m.newAPI(b, apimodel.REST)
		api.BinaryMediaTypes = b.a.list("binary_media_types")
		m.body(api, b)
	}
	for _, b := range m.ofType("aws_apigatewayv2_api") {
		if v := b.a.val("protocol_type"); !v.Unknown && !strings.EqualFold(v.S, "HTTP") {
			continue
		}
		api := m.newAPI(b, apimodel.HTTP)
		m.body(api, b)
		if c := b.a.sub("cors_configuration"); c != nil {
			api.Cors = corsConfig(c, b.src)
		}
		if b.a.has("target") {
			src := b.a.val("target").Source
			api.Routes = append(api.Routes, &apimodel.Route{Key: "$default", AuthorizationType: apimodel.Known("NONE", src),
				Integration: &apimodel.Integration{Type: apimodel.AWSProxy, Function: m.function(b, "target"), Source: src}, Source: src})
		}
	}
	for _, b := range m.ofType("aws_apigatewayv2_authorizer") {
		if api := m.apiOf(b, "api_id"); api != nil {
			if api.Authorizers == nil {
				api.Authorizers = map[string]*apimodel.Authorizer{}
			}
			api.Authorizers[b.addr] = &apimodel.Authorizer{ID: b.addr, Name: b.a.val("name").S, Type: b.a.val("authorizer_type").S, Source: b.src}
		}
	}
	for _, b := range m.ofType("aws_api_gateway_authorizer") {
		if api := m.apiOf(b, "rest_api_id"); api != nil {
			if api.Authorizers == nil {
				api.Authorizers = map[string]*apimodel.Authorizer{}
			}
			typ := b.a.val("type").S
			if typ == "" {
				typ = "TOKEN"
			}
			api.Authorizers[b.addr] = &apimodel.Authorizer{ID: b.addr, Name: b.a.val("name").S, Type: typ, Source: b.src}
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
		if v := b.a.val("authorization"); v.S != "" || v.Unknown {
			mt.AuthorizationType = v
		}
		if t := m.target(b, "authorizer_id"); t != nil {
			mt.AuthorizerID = t.addr
		}
		if v := b.a.val("api_key_required"); v.Unknown {
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
		in := &apimodel.Integration{Type: apimodel.IntegrationType(strings.ToUpper(b.a.val("type").S)), URI: b.a.val("uri"),
			PassthroughBehavior: b.a.val("passthrough_behavior").S, ContentHandling: b.a.val("content_handling").S, Source: b.src,
			Function: m.function(b, "uri")}
		if kv := b.a.kv("request_templates"); len(kv) > 0 {
			in.RequestTemplates = map[string]string{}
			for k, v := range kv {
				in.RequestTemplates[k] = v.String()
			}
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
		var templates map[string]string
		for k, v := range b.a.kv("response_templates") {
			if templates == nil {
				templates = map[string]string{}
			}
			templates[k] = v.S
			if v.Unknown {
				templates[k] = v.Expr
			}
		}
		mt.Integration.Responses = append(mt.Integration.Responses, &apimodel.IntegrationResponse{
			StatusPattern: b.a.val("selection_pattern").S, StatusCode: b.a.val("status_code").S,
			ResponseParameters: b.a.kv("response_parameters"), ResponseTemplates: templates, ContentHandling: b.a.val("content_handling").S, Source: b.src})
	}
	for _, b := range m.ofType("aws_api_gateway_method_response") {
		api := m.apiOf(b, "rest_api_id")
		if api == nil {
			continue
		}
		mt := m.methodFor(api, b, methods)
		st := b.a.val("status_code").S
		mr := &apimodel.MethodResponse{StatusCode: st, Source: b.src}
		for _, k := range apimodel.SortedKeys(b.a.kv("response_parameters")) {
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
		g := &apimodel.GatewayResponse{Type: b.a.val("response_type").S, StatusCode: b.a.val("status_code").S,
			ResponseParameters: b.a.kv("response_parameters"), Source: b.src}
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
		d := &apimodel.Deployment{ID: b.addr, DependsOn: b.dependsOn, StageName: b.a.val("stage_name").S, Source: b.src, Redeploys: apimodel.TriNo}
		if b.a.has("triggers") || b.a.has("stage_description") {
			d.Redeploys = apimodel.TriYes
		}
		api.Deployments = append(api.Deployments, d)
	}
	for _, b := range m.ofType("aws_api_gateway_stage") {
		api := m.apiOf(b, "rest_api_id")
		if api == nil {
			continue
		}
		st := &apimodel.Stage{Name: b.a.val("stage_name").S, Source: b.src}
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
		key := b.a.val("route_key").S
		rt := &apimodel.Route{Key: key, Source: b.src, AuthorizationType: apimodel.Known("NONE", b.src)}
		if key != "$default" {
			rt.Method, rt.Path, _ = strings.Cut(key, " ")
		}
		if v := b.a.val("authorization_type"); v.S != "" || v.Unknown {
			rt.AuthorizationType = v
		}
		if t := m.target(b, "authorizer_id"); t != nil {
			rt.AuthorizerID = t.addr
		}
		if t := m.target(b, "target"); t != nil && t.typ == "aws_apigatewayv2_integration" {
			rt.Integration = &apimodel.Integration{Type: apimodel.IntegrationType(strings.ToUpper(t.a.val("integration_type").S)),
				URI: t.a.val("integration_uri"), Source: t.src, Function: m.function(t, "integration_uri")}
		}
		api.Routes = append(api.Routes, rt)
	}
	for _, b := range m.ofType("aws_lambda_function_url") {
		api := &apimodel.API{ID: b.addr, Kind: apimodel.FunctionURL, Format: m.format, Source: b.src}
		if c := b.a.sub("cors"); c != nil {
			api.Cors = corsConfig(c, b.src)
		}
		api.Function = m.function(b, "function_name")
		api.AuthType = b.a.val("authorization_type")
		m.list = append(m.list, api)
	}
	for _, api := range m.list {
		api.Normalize()
		sort.SliceStable(api.Routes, func(i, j int) bool { return api.Routes[i].Key < api.Routes[j].Key })
	}
	return m.list
}

// body reads the OpenAPI definition of an API ("body"), when it is a
// local file or a literal string.
func (m *module) body(api *apimodel.API, b *block) {
	name, root := b.a.document("body", m.read, m.dir)
	if root == nil {
		if b.a.has("body") {
			v := b.a.val("body")
			why := "the OpenAPI body " + v.String() + " is not read (only file(), templatefile() with a literal path, jsonencode() and literal strings are): the routes it defines are not evaluated"
			if m.format == "terraform-plan" && v.Unknown {
				// A plan shows a value computed from unknown
				// resource attributes as unknown (after_unknown).
				why = "the OpenAPI body is unknown in the plan (terraform computes it at apply; its expression uses " + v.Expr + "): the routes it defines are not evaluated"
			}
			m.notes.Add(b.src, b.addr+".body", why)
		}
		return
	}
	openapi.Fill(name, root, api)
	// Link proxy integrations to the functions their URI references.
	for _, res := range api.Resources {
		for _, mt := range res.Methods {
			in := mt.Integration
			if in == nil || in.Function != nil {
				continue
			}
			if sm := lambdaRef.FindStringSubmatch(in.URI.Expr + " " + in.URI.S); sm != nil {
				if fb := m.blocks["aws_lambda_function."+sm[1]]; fb != nil {
					in.Function = m.lambda(fb)
				}
			}
		}
	}
}

// lambdaRef finds a function reference in an integration URI expression
// or a template variable named after it.
var lambdaRef = regexp.MustCompile(`aws_lambda_function\.([A-Za-z0-9_-]+)`)

func corsConfig(c attrs, at evidence.Source) *apimodel.CorsConfig {
	cc := &apimodel.CorsConfig{Source: at, AllowCredentials: apimodel.TriNo}
	cc.AllowOrigins = c.list("allow_origins")
	cc.AllowMethods = c.list("allow_methods")
	cc.AllowHeaders = c.list("allow_headers")
	cc.ExposeHeaders = c.list("expose_headers")
	if len(cc.AllowOrigins) > 0 {
		cc.Source = cc.AllowOrigins[0].Source
		cc.Source.Line--
		if cc.Source.Line < at.Line {
			cc.Source = at
		}
	}
	if c.has("max_age") {
		v := c.val("max_age")
		if v.Unknown || v.S != "0" {
			cc.MaxAge = &v
		}
	}
	if c.has("allow_credentials") {
		v := c.val("allow_credentials")
		cc.CredentialsSource = v.Source
		switch {
		case v.Unknown:
			cc.AllowCredentials = apimodel.TriUnknown
		case v.S == "true":
			cc.AllowCredentials = apimodel.TriYes
		}
	}
	return cc
}

// function follows an attribute to an aws_lambda_function and reads its
// code facts.
func (m *module) function(b *block, attr string) *apimodel.Function {
	var fn *block
	for _, r := range b.a.refs(attr) {
		if t := m.blocks[r]; t != nil && t.typ == "aws_lambda_function" {
			fn = t
			break
		}
	}
	if fn == nil {
		return nil
	}
	return m.lambda(fn)
}

// lambda reads the code facts of an aws_lambda_function block.
func (m *module) lambda(fn *block) *apimodel.Function {
	runtime, handler := fn.a.val("runtime").S, fn.a.val("handler").S
	at := apimodel.Known(fn.addr, fn.src)
	dir := ""
	for _, attr := range []string{"filename", "source_code_hash"} {
		t := m.target(fn, attr)
		if t == nil || t.typ != "archive_file" {
			continue
		}
		if v := t.a.val("source_dir"); !v.Unknown && v.S != "" {
			dir = v.S
		} else if v := t.a.val("source_file"); !v.Unknown && v.S != "" {
			dir = path.Dir(v.S)
		}
		if dir != "" {
			break
		}
	}
	if dir == "" {
		return &apimodel.Function{ID: fn.addr, Runtime: runtime, Handler: handler, Source: fn.src}
	}
	if !path.IsAbs(dir) {
		dir = path.Join(m.dir, dir)
	}
	return tree.HandlerFunction(m.read, fn.addr, dir, runtime, handler, at)
}
