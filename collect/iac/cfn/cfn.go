// Package cfn reads CloudFormation templates (YAML with short-form
// intrinsic tags, and JSON), SAM templates (AWS::Serverless::*
// resources, Globals, implicit APIs and the OPTIONS methods SAM generates
// from Cors) and CDK output (cdk.out/*.template.json) into the apimodel.
//
// Intrinsic functions are resolved only where the answer is certain:
// !Ref and !GetAtt name the resources they point at; !Sub without
// variables and !Join over literals give strings; !ImportValue, parameters,
// !If, !FindInMap and !Sub with variables are unknown values, never
// guesses.
package cfn

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

// Detect reports whether root is a CloudFormation or SAM template.
func Detect(root *yaml.Node) bool {
	if root == nil || root.Kind != yaml.MappingNode {
		return false
	}
	if tree.Get(root, "AWSTemplateFormatVersion") != nil {
		return true
	}
	res := tree.Get(root, "Resources")
	if res == nil || res.Kind != yaml.MappingNode || len(res.Content) == 0 {
		return false
	}
	ok := false
	tree.Pairs(res, func(_, v *yaml.Node) {
		if strings.HasPrefix(tree.Str(tree.Get(v, "Type")), "AWS::") {
			ok = true
		}
	})
	return ok
}

// Options configure Parse.
type Options struct {
	// Read reads repository files (function handlers); nil disables
	// function code lookups.
	Read tree.ReadFunc
	// Notes receives the constructs that are not evaluated.
	Notes *tree.Notes
}

type resource struct {
	id, typ   string
	key, node *yaml.Node
	props     *yaml.Node
	dependsOn []string
}

type template struct {
	file    string
	dir     string
	opt     Options
	root    *yaml.Node
	res     map[string]*resource
	order   []string
	apis    map[string]*apimodel.API
	list    []*apimodel.API
	globals *yaml.Node
	isCDK   bool
	fns     map[string]*apimodel.Function
}

// Parse builds every API a template defines.
func Parse(file string, root *yaml.Node, opt Options) []*apimodel.API {
	t := &template{file: file, dir: path.Dir(file), opt: opt, root: root, res: map[string]*resource{}, apis: map[string]*apimodel.API{}}
	t.globals = tree.Get(root, "Globals")
	tree.Pairs(tree.Get(root, "Resources"), func(k, v *yaml.Node) {
		r := &resource{id: k.Value, typ: tree.Str(tree.Get(v, "Type")), key: k, node: v, props: tree.Get(v, "Properties")}
		for _, d := range tree.Items(tree.Get(v, "DependsOn")) {
			r.dependsOn = append(r.dependsOn, tree.Str(d))
		}
		if tree.Get(tree.Get(v, "Metadata"), "aws:cdk:path") != nil {
			t.isCDK = true
		}
		t.res[k.Value] = r
		t.order = append(t.order, k.Value)
	})
	format := "cdk"
	if !t.isCDK {
		format = "cloudformation"
	} else if t.opt.Notes != nil {
		// Map each resource's lines to its construct path, so findings
		// name the CDK construct to change.
		for i, id := range t.order {
			r := t.res[id]
			p := tree.Str(tree.Get(tree.Get(r.node, "Metadata"), "aws:cdk:path"))
			if p == "" || r.key == nil {
				continue
			}
			to := 1 << 30
			if i+1 < len(t.order) && t.res[t.order[i+1]].key != nil {
				to = t.res[t.order[i+1]].key.Line - 1
			}
			t.opt.Notes.Constructs = append(t.opt.Notes.Constructs, tree.Construct{File: file, From: r.key.Line, To: to, Path: p})
		}
	}
	// APIs first, then their parts.
	for _, id := range t.order {
		r := t.res[id]
		switch r.typ {
		case "AWS::ApiGateway::RestApi":
			api := t.newAPI(r, apimodel.REST, format)
			for _, b := range tree.Items(t.prop(r, "BinaryMediaTypes")) {
				api.BinaryMediaTypes = append(api.BinaryMediaTypes, t.value(b))
			}
			t.definition(api, t.prop(r, "Body"), t.prop(r, "BodyS3Location"))
		case "AWS::ApiGatewayV2::Api":
			if p := strings.ToUpper(tree.Str(t.prop(r, "ProtocolType"))); p != "" && p != "HTTP" {
				continue
			}
			api := t.newAPI(r, apimodel.HTTP, format)
			if c := t.prop(r, "CorsConfiguration"); c != nil {
				api.Cors = openapi.CorsConfig(file, c, false)
			}
			t.definition(api, t.prop(r, "Body"), t.prop(r, "BodyS3Location"))
			if target := t.prop(r, "Target"); target != nil {
				api.Routes = append(api.Routes, &apimodel.Route{Key: "$default", AuthorizationType: apimodel.Known("NONE", t.src(target)),
					Integration: &apimodel.Integration{Type: apimodel.AWSProxy, URI: t.value(target), Function: t.functionIn(target), Source: t.src(target)}, Source: t.src(target)})
			}
		case "AWS::Serverless::Api":
			t.samAPI(r)
		case "AWS::Serverless::HttpApi":
			t.samHTTPAPI(r)
		}
	}
	for _, id := range t.order {
		r := t.res[id]
		switch r.typ {
		case "AWS::ApiGateway::Method":
			t.method(r)
		case "AWS::ApiGateway::GatewayResponse":
			if api := t.api(t.prop(r, "RestApiId")); api != nil {
				g := &apimodel.GatewayResponse{Type: tree.Str(t.prop(r, "ResponseType")), StatusCode: tree.Str(t.prop(r, "StatusCode")), Source: t.src(r.key)}
				g.ResponseParameters = t.params(t.prop(r, "ResponseParameters"))
				if api.GatewayResponses == nil {
					api.GatewayResponses = map[string]*apimodel.GatewayResponse{}
				}
				api.GatewayResponses[g.Type] = g
			}
		case "AWS::ApiGateway::Deployment":
			if api := t.api(t.prop(r, "RestApiId")); api != nil {
				api.Deployments = append(api.Deployments, &apimodel.Deployment{ID: r.id, DependsOn: r.dependsOn,
					StageName: tree.Str(t.prop(r, "StageName")), Source: t.src(r.key)})
			}
		case "AWS::ApiGateway::Stage", "AWS::ApiGatewayV2::Stage":
			apiRef := t.prop(r, "RestApiId")
			if apiRef == nil {
				apiRef = t.prop(r, "ApiId")
			}
			if api := t.api(apiRef); api != nil {
				st := &apimodel.Stage{Name: tree.Str(t.prop(r, "StageName")), DeploymentID: t.ref(t.prop(r, "DeploymentId")), Source: t.src(r.key)}
				if b, ok := tree.Bool(t.prop(r, "AutoDeploy")); ok {
					st.AutoDeploy = apimodel.TriOf(b)
				}
				api.Stages = append(api.Stages, st)
			}
		case "AWS::ApiGateway::Authorizer", "AWS::ApiGatewayV2::Authorizer":
			apiRef := t.prop(r, "RestApiId")
			if apiRef == nil {
				apiRef = t.prop(r, "ApiId")
			}
			if api := t.api(apiRef); api != nil {
				typ := tree.Str(t.prop(r, "Type"))
				if typ == "" {
					typ = tree.Str(t.prop(r, "AuthorizerType"))
				}
				if api.Authorizers == nil {
					api.Authorizers = map[string]*apimodel.Authorizer{}
				}
				api.Authorizers[r.id] = &apimodel.Authorizer{ID: r.id, Name: tree.Str(t.prop(r, "Name")), Type: typ, Source: t.src(r.key)}
			}
		case "AWS::ApiGatewayV2::Route":
			t.v2route(r)
		case "AWS::Lambda::Url":
			t.functionURL(r, t.prop(r, "Cors"), t.ref(t.prop(r, "TargetFunctionArn")))
			t.apis[r.id].AuthType = t.value(t.prop(r, "AuthType"))
		case "AWS::Serverless::Function":
			t.samFunction(r)
		}
	}
	t.samCorsOptions()
	t.linkFunctions()
	for _, api := range t.list {
		api.Normalize()
	}
	return t.list
}

func (t *template) src(n *yaml.Node) evidence.Source { return tree.Src(t.file, n) }

func (t *template) prop(r *resource, name string) *yaml.Node { return tree.Get(r.props, name) }

func (t *template) newAPI(r *resource, kind apimodel.Kind, format string) *apimodel.API {
	api := &apimodel.API{ID: r.id, Name: tree.Str(t.prop(r, "Name")), Kind: kind, Format: format, Source: t.src(r.key)}
	t.apis[r.id] = api
	t.list = append(t.list, api)
	return api
}

// intrinsic returns the function name and argument of an intrinsic in
// short (!Ref X) or long ({"Ref": X}) form.
func intrinsic(n *yaml.Node) (string, *yaml.Node) {
	if n == nil {
		return "", nil
	}
	if strings.HasPrefix(n.Tag, "!") && !strings.HasPrefix(n.Tag, "!!") {
		name := n.Tag[1:]
		if name != "Ref" && name != "Condition" {
			name = "Fn::" + name
		}
		return name, n
	}
	if n.Kind == yaml.MappingNode && len(n.Content) == 2 {
		k := n.Content[0].Value
		if k == "Ref" || strings.HasPrefix(k, "Fn::") {
			return k, n.Content[1]
		}
	}
	return "", nil
}

// ref returns the logical ID a !Ref / !GetAtt points at, or "".
func (t *template) ref(n *yaml.Node) string {
	fn, arg := intrinsic(n)
	switch fn {
	case "Ref":
		return arg.Value
	case "Fn::GetAtt":
		if arg.Kind == yaml.ScalarNode {
			id, _, _ := strings.Cut(arg.Value, ".")
			return id
		}
		if items := tree.Items(arg); len(items) > 0 {
			return items[0].Value
		}
	}
	return ""
}

var subVar = regexp.MustCompile(`\$\{([^}!]+)\}`)

// value resolves a node to a string where that is certain.
func (t *template) value(n *yaml.Node) apimodel.Value {
	if n == nil {
		return apimodel.Value{}
	}
	if s, ok := tree.Scalar(n); ok {
		return apimodel.Known(s, t.src(n))
	}
	fn, arg := intrinsic(n)
	switch fn {
	case "Fn::Sub":
		if arg.Kind == yaml.ScalarNode && !subVar.MatchString(arg.Value) {
			return apimodel.Known(strings.ReplaceAll(arg.Value, "${!", "${"), t.src(n))
		}
	case "Fn::Join":
		items := tree.Items(arg)
		if len(items) == 2 {
			var parts []string
			for _, it := range tree.Items(items[1]) {
				v := t.value(it)
				if v.Unknown {
					return apimodel.UnknownValue(tree.Render(n), t.src(n))
				}
				parts = append(parts, v.S)
			}
			return apimodel.Known(strings.Join(parts, tree.Str(items[0])), t.src(n))
		}
	}
	return apimodel.UnknownValue(tree.Render(n), t.src(n))
}

func (t *template) api(n *yaml.Node) *apimodel.API {
	return t.apis[t.ref(n)]
}

func (t *template) params(n *yaml.Node) map[string]apimodel.Value {
	var out map[string]apimodel.Value
	tree.Pairs(n, func(k, v *yaml.Node) {
		if out == nil {
			out = map[string]apimodel.Value{}
		}
		out[k.Value] = t.value(v)
	})
	return out
}

// resourcePath computes the path of an AWS::ApiGateway::Resource.
func (t *template) resourcePath(n *yaml.Node, depth int) (string, *apimodel.API, bool) {
	fn, arg := intrinsic(n)
	id := t.ref(n)
	if fn == "Fn::GetAtt" && (strings.HasSuffix(arg.Value, ".RootResourceId") || len(tree.Items(arg)) == 2 && tree.Items(arg)[1].Value == "RootResourceId") {
		if api := t.apis[id]; api != nil {
			return "/", api, true
		}
		return "", nil, false
	}
	r := t.res[id]
	if r == nil || r.typ != "AWS::ApiGateway::Resource" || depth > 64 {
		return "", nil, false
	}
	parent, api, ok := t.resourcePath(t.prop(r, "ParentId"), depth+1)
	if !ok {
		return "", nil, false
	}
	part := t.value(t.prop(r, "PathPart"))
	seg := part.S
	if part.Unknown {
		seg = "{" + part.Expr + "}"
	}
	return strings.TrimSuffix(parent, "/") + "/" + seg, api, true
}

func (t *template) method(r *resource) {
	p, api, ok := t.resourcePath(t.prop(r, "ResourceId"), 0)
	if !ok {
		api = t.api(t.prop(r, "RestApiId"))
		if api == nil {
			return
		}
		p = "{" + tree.Render(t.prop(r, "ResourceId")) + "}"
	}
	verb := strings.ToUpper(tree.Str(t.prop(r, "HttpMethod")))
	m := &apimodel.Method{ID: r.id, HTTPMethod: verb, Source: t.src(r.key)}
	if a := t.prop(r, "AuthorizationType"); a != nil {
		m.AuthorizationType = t.value(a)
	} else {
		m.AuthorizationType = apimodel.Known("NONE", t.src(r.key))
	}
	m.AuthorizerID = t.ref(t.prop(r, "AuthorizerId"))
	m.APIKeyRequired = apimodel.TriNo
	if k := t.prop(r, "ApiKeyRequired"); k != nil {
		if b, ok := tree.Bool(k); ok {
			m.APIKeyRequired = apimodel.TriOf(b)
		} else {
			m.APIKeyRequired = apimodel.TriUnknown
		}
	}
	if in := t.prop(r, "Integration"); in != nil {
		integ := &apimodel.Integration{
			Type:                apimodel.IntegrationType(strings.ToUpper(tree.Str(tree.Get(in, "Type")))),
			URI:                 t.value(tree.Get(in, "Uri")),
			PassthroughBehavior: tree.Str(tree.Get(in, "PassthroughBehavior")),
			ContentHandling:     tree.Str(tree.Get(in, "ContentHandling")),
			Function:            t.functionIn(tree.Get(in, "Uri")),
			Source:              t.src(in),
		}
		integ.RequestTemplates = tree.Templates(tree.Get(in, "RequestTemplates"))
		for _, ir := range tree.Items(tree.Get(in, "IntegrationResponses")) {
			integ.Responses = append(integ.Responses, &apimodel.IntegrationResponse{
				StatusPattern:      tree.Str(tree.Get(ir, "SelectionPattern")),
				StatusCode:         tree.Str(tree.Get(ir, "StatusCode")),
				ResponseParameters: t.params(tree.Get(ir, "ResponseParameters")),
				ResponseTemplates:  tree.Templates(tree.Get(ir, "ResponseTemplates")),
				ContentHandling:    tree.Str(tree.Get(ir, "ContentHandling")),
				Source:             t.src(ir),
			})
		}
		m.Integration = integ
	}
	for _, mr := range tree.Items(t.prop(r, "MethodResponses")) {
		if m.MethodResponses == nil {
			m.MethodResponses = map[string]*apimodel.MethodResponse{}
		}
		st := tree.Str(tree.Get(mr, "StatusCode"))
		out := &apimodel.MethodResponse{StatusCode: st, Source: t.src(mr)}
		tree.Pairs(tree.Get(mr, "ResponseParameters"), func(k, _ *yaml.Node) {
			if h, ok := strings.CutPrefix(k.Value, "method.response.header."); ok {
				out.Headers = append(out.Headers, h)
			}
		})
		m.MethodResponses[st] = out
	}
	api.AddResource(p, m.Source).AddMethod(m)
}

func (t *template) v2route(r *resource) {
	api := t.api(t.prop(r, "ApiId"))
	if api == nil || api.Kind != apimodel.HTTP {
		return
	}
	key := tree.Str(t.prop(r, "RouteKey"))
	rt := &apimodel.Route{Key: key, Source: t.src(r.key), AuthorizerID: t.ref(t.prop(r, "AuthorizerId"))}
	if key != "$default" {
		rt.Method, rt.Path, _ = strings.Cut(key, " ")
	}
	if a := t.prop(r, "AuthorizationType"); a != nil {
		rt.AuthorizationType = t.value(a)
	} else {
		rt.AuthorizationType = apimodel.Known("NONE", t.src(r.key))
	}
	target := t.prop(r, "Target")
	if id := t.integrationID(target); id != "" {
		if ir := t.res[id]; ir != nil {
			rt.Integration = &apimodel.Integration{
				Type:   apimodel.IntegrationType(strings.ToUpper(tree.Str(t.prop(ir, "IntegrationType")))),
				URI:    t.value(t.prop(ir, "IntegrationUri")),
				Source: t.src(ir.key), Function: t.functionIn(t.prop(ir, "IntegrationUri")),
			}
		}
	}
	api.Routes = append(api.Routes, rt)
}

// integrationID finds the integration a route Target names:
// "integrations/${Int}" via !Sub or !Join, or a !Ref inside.
func (t *template) integrationID(n *yaml.Node) string {
	var found string
	var walk func(n *yaml.Node)
	walk = func(n *yaml.Node) {
		if n == nil || found != "" {
			return
		}
		if id := t.ref(n); id != "" && t.res[id] != nil {
			found = id
			return
		}
		if n.Kind == yaml.ScalarNode {
			for _, m := range subVar.FindAllStringSubmatch(n.Value, -1) {
				if r := t.res[m[1]]; r != nil && r.typ == "AWS::ApiGatewayV2::Integration" {
					found = m[1]
					return
				}
			}
		}
		for _, c := range n.Content {
			walk(c)
		}
	}
	walk(n)
	return found
}

func isFunction(typ string) bool {
	return typ == "AWS::Lambda::Function" || typ == "AWS::Serverless::Function"
}

// functionIn finds the Lambda function an integration URI or target
// names (${Fn.Arn} in a !Sub, !GetAtt Fn.Arn, !Ref Fn).
func (t *template) functionIn(n *yaml.Node) *apimodel.Function {
	var found string
	var walk func(n *yaml.Node)
	walk = func(n *yaml.Node) {
		if n == nil || found != "" {
			return
		}
		if id := t.ref(n); id != "" && t.res[id] != nil && isFunction(t.res[id].typ) {
			found = id
			return
		}
		if n.Kind == yaml.ScalarNode {
			for _, m := range subVar.FindAllStringSubmatch(n.Value, -1) {
				id, _, _ := strings.Cut(m[1], ".")
				if r := t.res[id]; r != nil && isFunction(r.typ) {
					found = id
					return
				}
			}
		}
		for _, c := range n.Content {
			walk(c)
		}
	}
	walk(n)
	if found == "" {
		return nil
	}
	return t.function(found)
}

// function reads a function's code facts, once per function.
func (t *template) function(id string) *apimodel.Function {
	if f, ok := t.fns[id]; ok {
		return f
	}
	f := t.readFunction(id)
	if t.fns == nil {
		t.fns = map[string]*apimodel.Function{}
	}
	t.fns[id] = f
	return f
}

func (t *template) readFunction(id string) *apimodel.Function {
	r := t.res[id]
	if r == nil {
		return nil
	}
	gf := tree.Get(t.globals, "Function")
	get := func(name string) *yaml.Node {
		if v := t.prop(r, name); v != nil {
			return v
		}
		if r.typ == "AWS::Serverless::Function" {
			return tree.Get(gf, name)
		}
		return nil
	}
	runtime := tree.Str(get("Runtime"))
	handler := tree.Str(get("Handler"))
	at := apimodel.Known(id, t.src(r.key))
	if code := tree.Get(t.prop(r, "Code"), "ZipFile"); code != nil {
		return tree.InlineFunction(id, runtime, handler, tree.Str(code)+code.Value, t.value(code))
	}
	if code := get("InlineCode"); code != nil {
		return tree.InlineFunction(id, runtime, handler, code.Value, t.value(code))
	}
	dir := ""
	if cu := get("CodeUri"); cu != nil {
		if s, ok := tree.Scalar(cu); ok && !strings.HasPrefix(s, "s3://") {
			dir = path.Join(t.dir, s)
		}
	}
	if a := tree.Str(tree.Get(tree.Get(r.node, "Metadata"), "aws:asset:path")); a != "" {
		dir = path.Join(t.dir, a)
	}
	if dir == "" {
		return &apimodel.Function{ID: id, Runtime: runtime, Handler: handler, Source: at.Source}
	}
	return tree.HandlerFunction(t.opt.Read, id, dir, runtime, handler, at)
}

// linkFunctions attaches functions to proxy integrations whose URI came
// from an inline OpenAPI body.
func (t *template) linkFunctions() {
	for _, api := range t.list {
		link := func(in *apimodel.Integration) {
			if in == nil || in.Function != nil || !in.URI.Unknown {
				return
			}
			for _, m := range subVar.FindAllStringSubmatch(in.URI.Expr, -1) {
				id, _, _ := strings.Cut(m[1], ".")
				if r := t.res[id]; r != nil && isFunction(r.typ) {
					in.Function = t.function(id)
					return
				}
			}
		}
		for _, res := range api.Resources {
			for _, m := range res.Methods {
				link(m.Integration)
			}
		}
		for _, r := range api.Routes {
			link(r.Integration)
		}
	}
}

func (t *template) functionURL(r *resource, corsNode *yaml.Node, fnID string) {
	api := &apimodel.API{ID: r.id, Kind: apimodel.FunctionURL, Format: "cloudformation", Source: t.src(r.key)}
	if strings.HasPrefix(r.typ, "AWS::Serverless") {
		api.Format = "sam"
		api.ID = r.id + "Url"
	}
	if corsNode != nil {
		api.Cors = openapi.CorsConfig(t.file, corsNode, false)
	}
	api.Function = t.function(fnID)
	t.apis[api.ID] = api
	t.list = append(t.list, api)
}

// definition fills api from an OpenAPI definition: inline (Body,
// DefinitionBody), included from a local file (Fn::Transform AWS::Include
// with a relative Location), or a local DefinitionUri / BodyS3Location
// path (SAM packages those). Definitions in S3 are not read. Errors in an
// included file are recorded on the API's template as unknown (the
// definition is then simply absent from the model).
func (t *template) definition(api *apimodel.API, body, uri *yaml.Node) {
	if body != nil {
		if fn, arg := intrinsic(body); fn == "Fn::Transform" && tree.Str(tree.Get(arg, "Name")) == "AWS::Include" {
			t.includeDefinition(api, tree.Str(tree.Get(tree.Get(arg, "Parameters"), "Location")))
			return
		}
		openapi.Fill(t.file, body, api)
		return
	}
	if s, ok := tree.Scalar(uri); ok && !strings.Contains(s, "://") {
		t.includeDefinition(api, s)
		return
	}
	if uri != nil {
		t.opt.Notes.Add(t.src(uri), "definition "+tree.Render(uri)+" of "+api.ID, "definitions in S3 are not read: the routes they define are not evaluated")
	}
}

func (t *template) includeDefinition(api *apimodel.API, loc string) {
	if loc == "" || t.opt.Read == nil {
		return
	}
	if strings.Contains(loc, "://") {
		t.opt.Notes.Add(api.Source, "definition "+loc+" of "+api.ID, "definitions in S3 are not read: the routes they define are not evaluated")
		return
	}
	name := path.Join(t.dir, loc)
	b, err := t.opt.Read(name)
	if err != nil {
		t.opt.Notes.Add(api.Source, "definition "+loc+" of "+api.ID, "the file is not in the linted tree")
		return
	}
	root, err := tree.Parse(name, b)
	if err != nil {
		return
	}
	openapi.Fill(name, root, api)
}

// sortedIDs returns resource IDs of a type in template order.
func (t *template) ofType(typ string) []*resource {
	var out []*resource
	for _, id := range t.order {
		if t.res[id].typ == typ {
			out = append(out, t.res[id])
		}
	}
	return out
}

var _ = sort.Strings
