// Package sls reads Serverless Framework configuration (serverless.yml)
// into the apimodel: http events (REST API, with cors: true or an object,
// authorizers, private API keys, lambda vs lambda-proxy integrations),
// httpApi events and provider.httpApi.cors (HTTP API),
// provider.apiGateway.binaryMediaTypes, and the gateway responses declared
// in resources.Resources.
//
// Variables (${self:...}, ${env:...}, ${ssm:...}) are unknown values.
package sls

import (
	"path"
	"sort"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/corsdoctor/corsdoctor/apimodel"
	"github.com/corsdoctor/corsdoctor/collect/iac/tree"
)

// Detect reports whether root is a serverless.yml for AWS.
func Detect(root *yaml.Node) bool {
	if tree.Get(root, "service") == nil || tree.Get(root, "provider") == nil {
		return false
	}
	name := tree.Str(tree.Get(tree.Get(root, "provider"), "name"))
	return name == "" || name == "aws"
}

// defaultHeaders is what Serverless puts in Access-Control-Allow-Headers
// for cors: true (serverless/serverless#4681).
const defaultHeaders = "Content-Type,X-Amz-Date,Authorization,X-Api-Key,X-Amz-Security-Token,X-Amz-User-Agent"

type parser struct {
	file, dir string
	read      tree.ReadFunc
	root      *yaml.Node
	notes     *tree.Notes
}

func (p *parser) value(n *yaml.Node) apimodel.Value {
	v := tree.Value(p.file, n)
	if !v.Unknown && strings.Contains(v.S, "${") {
		return apimodel.UnknownValue(v.S, v.Source)
	}
	return v
}

// Parse builds the REST API and HTTP API a serverless.yml defines.
func Parse(file string, root *yaml.Node, read tree.ReadFunc, notes *tree.Notes) []*apimodel.API {
	p := &parser{file: file, dir: path.Dir(file), read: read, root: root, notes: notes}
	prov := tree.Get(root, "provider")
	service := tree.Str(tree.Get(root, "service"))
	rest := &apimodel.API{ID: "ApiGatewayRestApi", Name: service, Kind: apimodel.REST, Format: "serverless", Source: tree.Src(file, tree.KeyNode(root, "functions"))}
	httpAPI := &apimodel.API{ID: "HttpApi", Name: service, Kind: apimodel.HTTP, Format: "serverless", Source: tree.Src(file, tree.KeyNode(root, "functions"))}
	for _, b := range tree.Items(tree.Get(tree.Get(prov, "apiGateway"), "binaryMediaTypes")) {
		rest.BinaryMediaTypes = append(rest.BinaryMediaTypes, p.value(b))
	}
	if c := tree.Get(tree.Get(prov, "httpApi"), "cors"); c != nil {
		httpAPI.Cors = p.httpCors(c)
	}
	tree.Pairs(tree.Get(tree.Get(prov, "httpApi"), "authorizers"), func(k, v *yaml.Node) {
		if httpAPI.Authorizers == nil {
			httpAPI.Authorizers = map[string]*apimodel.Authorizer{}
		}
		typ := "JWT"
		if strings.EqualFold(tree.Str(tree.Get(v, "type")), "request") {
			typ = "REQUEST"
		}
		httpAPI.Authorizers[k.Value] = &apimodel.Authorizer{ID: k.Value, Type: typ, Source: tree.Src(file, k)}
	})
	runtime := tree.Str(tree.Get(prov, "runtime"))
	corsByPath := map[string]*yaml.Node{}
	var urls []*apimodel.API
	p.plugins()
	tree.Pairs(tree.Get(root, "functions"), func(fk, fn *yaml.Node) {
		rt := tree.Str(tree.Get(fn, "runtime"))
		if rt == "" {
			rt = runtime
		}
		var function *apimodel.Function
		getFn := func() *apimodel.Function {
			if function == nil {
				function = tree.HandlerFunction(read, fk.Value, p.dir, rt, tree.Str(tree.Get(fn, "handler")), apimodel.Known(fk.Value, tree.Src(file, fk)))
			}
			return function
		}
		if u := tree.Get(fn, "url"); u != nil {
			if api := p.functionURL(fk, u, getFn); api != nil {
				urls = append(urls, api)
			}
		}
		for _, ev := range tree.Items(tree.Get(fn, "events")) {
			if h := tree.Get(ev, "http"); h != nil {
				p.httpEvent(rest, h, tree.KeyNode(ev, "http"), getFn, corsByPath)
			}
			if h := tree.Get(ev, "httpApi"); h != nil {
				p.httpAPIEvent(httpAPI, h, tree.KeyNode(ev, "httpApi"), getFn)
			}
		}
	})
	// OPTIONS methods generated for cors-enabled paths.
	for _, pth := range apimodel.SortedKeys(corsByPath) {
		res := rest.Resource(pth)
		if res == nil || res.Method("OPTIONS") != nil {
			continue
		}
		res.AddMethod(p.corsOptions(res, corsByPath[pth]))
	}
	tree.Pairs(tree.Get(tree.Get(root, "resources"), "Resources"), func(k, v *yaml.Node) {
		if tree.Str(tree.Get(v, "Type")) != "AWS::ApiGateway::GatewayResponse" {
			return
		}
		props := tree.Get(v, "Properties")
		g := &apimodel.GatewayResponse{Type: tree.Str(tree.Get(props, "ResponseType")), StatusCode: tree.Str(tree.Get(props, "StatusCode")), Source: tree.Src(file, k)}
		tree.Pairs(tree.Get(props, "ResponseParameters"), func(pk, pv *yaml.Node) {
			if g.ResponseParameters == nil {
				g.ResponseParameters = map[string]apimodel.Value{}
			}
			g.ResponseParameters[pk.Value] = p.value(pv)
		})
		if rest.GatewayResponses == nil {
			rest.GatewayResponses = map[string]*apimodel.GatewayResponse{}
		}
		rest.GatewayResponses[g.Type] = g
	})
	var out []*apimodel.API
	if len(rest.Resources) > 0 {
		rest.Normalize()
		out = append(out, rest)
	}
	if len(httpAPI.Routes) > 0 {
		sort.SliceStable(httpAPI.Routes, func(i, j int) bool { return httpAPI.Routes[i].Key < httpAPI.Routes[j].Key })
		out = append(out, httpAPI)
	}
	return append(out, urls...)
}

// slsDefaultURLHeaders are the AllowHeaders Serverless writes for a
// function URL with cors: true (lib/plugins/aws/package/compile/
// functions.js defaultCors); AllowOrigins and AllowMethods default to *.
var slsDefaultURLHeaders = []string{"Content-Type", "X-Amz-Date", "Authorization", "X-Api-Key", "X-Amz-Security-Token", "X-Amzn-Trace-Id"}

// functionURL reads functions.NAME.url: true, or {authorizer: aws_iam,
// cors: true | {allowedOrigins, allowedHeaders, allowedMethods,
// allowCredentials, exposedResponseHeaders, maxAge}}, into a function
// URL API as Serverless compiles it to AWS::Lambda::Url.
func (p *parser) functionURL(fk, u *yaml.Node, fn func() *apimodel.Function) *apimodel.API {
	if b, ok := tree.Bool(u); ok && !b {
		return nil
	}
	src := tree.Src(p.file, tree.KeyNode(tree.Get(tree.Get(p.root, "functions"), fk.Value), "url"))
	api := &apimodel.API{ID: fk.Value + "Url", Kind: apimodel.FunctionURL, Format: "serverless", Source: src, Function: fn()}
	api.AuthType = apimodel.Known("NONE", src)
	if a := tree.Get(u, "authorizer"); a != nil && strings.EqualFold(tree.Str(a), "aws_iam") {
		api.AuthType = apimodel.Known("AWS_IAM", tree.Src(p.file, a))
	}
	c := tree.Get(u, "cors")
	if c == nil {
		return api
	}
	if b, ok := tree.Bool(c); ok && !b {
		return api
	}
	csrc := tree.Src(p.file, c)
	cc := &apimodel.CorsConfig{Source: csrc, AllowCredentials: apimodel.TriNo}
	list := func(key string, def []string) []apimodel.Value {
		n := tree.Get(c, key)
		if n != nil && n.Tag == "!!null" {
			return nil // null removes the default
		}
		if n == nil {
			var out []apimodel.Value
			for _, d := range def {
				out = append(out, apimodel.Known(d, csrc))
			}
			return out
		}
		var out []apimodel.Value
		for _, it := range tree.Items(n) {
			out = append(out, p.value(it))
		}
		return out
	}
	cc.AllowOrigins = list("allowedOrigins", []string{"*"})
	cc.AllowHeaders = list("allowedHeaders", slsDefaultURLHeaders)
	cc.AllowMethods = list("allowedMethods", []string{"*"})
	cc.ExposeHeaders = list("exposedResponseHeaders", nil)
	if a := tree.Get(c, "allowCredentials"); a != nil {
		if b, _ := tree.Bool(a); b {
			cc.AllowCredentials, cc.CredentialsSource = apimodel.TriYes, tree.Src(p.file, a)
		}
	}
	if m := tree.Get(c, "maxAge"); m != nil {
		v := p.value(m)
		cc.MaxAge = &v
	}
	api.Cors = cc
	return api
}

// plugins names the plugin configuration lint does not model: the APIs
// those plugins generate are not evaluated.
func (p *parser) plugins() {
	custom := tree.Get(p.root, "custom")
	if n := tree.Get(custom, "apiGatewayServiceProxies"); n != nil {
		var what []string
		for _, it := range tree.Items(n) {
			tree.Pairs(it, func(k, v *yaml.Node) {
				what = append(what, k.Value+" "+strings.ToUpper(tree.Str(tree.Get(v, "method")))+" /"+strings.Trim(tree.Str(tree.Get(v, "path")), "/"))
			})
		}
		p.notes.Add(tree.Src(p.file, tree.KeyNode(custom, "apiGatewayServiceProxies")), "custom.apiGatewayServiceProxies ("+strings.Join(what, ", ")+")",
			"the serverless-apigateway-service-proxy plugin generates these REST methods and their CORS settings; lint does not model the plugin")
	}
}

func (p *parser) httpEvent(api *apimodel.API, h, key *yaml.Node, fn func() *apimodel.Function, corsByPath map[string]*yaml.Node) {
	var pth, verb string
	if s, ok := tree.Scalar(h); ok {
		verb, pth, _ = strings.Cut(s, " ")
	} else {
		pth, verb = tree.Str(tree.Get(h, "path")), tree.Str(tree.Get(h, "method"))
	}
	pth = "/" + strings.Trim(pth, "/")
	verb = strings.ToUpper(verb)
	m := &apimodel.Method{ID: verb + " " + pth, HTTPMethod: verb, Source: tree.Src(p.file, key), APIKeyRequired: apimodel.TriNo}
	m.AuthorizationType = apimodel.Known("NONE", m.Source)
	if a := tree.Get(h, "authorizer"); a != nil {
		m.AuthorizationType = apimodel.Known("CUSTOM", tree.Src(p.file, a))
		name := tree.Str(a)
		if name == "" {
			name = tree.Str(tree.Get(a, "name"))
			switch strings.ToLower(tree.Str(tree.Get(a, "type"))) {
			case "aws_iam":
				m.AuthorizationType.S = "AWS_IAM"
			case "cognito_user_pools":
				m.AuthorizationType.S = "COGNITO_USER_POOLS"
			}
		}
		if strings.EqualFold(name, "aws_iam") {
			m.AuthorizationType.S = "AWS_IAM"
		}
		m.AuthorizerID = name
	}
	if b, ok := tree.Bool(tree.Get(h, "private")); ok && b {
		m.APIKeyRequired = apimodel.TriYes
	}
	in := &apimodel.Integration{Type: apimodel.AWSProxy, Function: fn(), URI: apimodel.Known(fn().ID, m.Source), Source: m.Source}
	switch strings.ToLower(tree.Str(tree.Get(h, "integration"))) {
	case "lambda":
		in.Type = apimodel.AWS
		in.Responses = []*apimodel.IntegrationResponse{{StatusPattern: "", StatusCode: "200", Source: m.Source}}
		if c := tree.Get(h, "cors"); c != nil {
			if o := p.corsOrigin(c); o != nil {
				in.Responses[0].ResponseParameters = map[string]apimodel.Value{"method.response.header.Access-Control-Allow-Origin": *o}
			}
		}
		m.MethodResponses = map[string]*apimodel.MethodResponse{"200": {StatusCode: "200", Headers: []string{"Access-Control-Allow-Origin"}, Source: m.Source}}
	case "http-proxy", "http_proxy":
		in.Type, in.Function = apimodel.HTTPProxy, nil
	case "mock":
		in.Type, in.Function = apimodel.Mock, nil
	}
	m.Integration = in
	if c := tree.Get(h, "cors"); c != nil {
		if b, ok := tree.Bool(c); !ok || b {
			corsByPath[pth] = c
		}
	}
	api.AddResource(pth, m.Source).AddMethod(m)
}

// corsOrigin returns the Access-Control-Allow-Origin mapping value
// Serverless generates for a cors setting ('*' for cors: true).
func (p *parser) corsOrigin(c *yaml.Node) *apimodel.Value {
	if b, ok := tree.Bool(c); ok {
		if !b {
			return nil
		}
		v := apimodel.Known("'*'", tree.Src(p.file, c))
		return &v
	}
	if o := tree.Get(c, "origin"); o != nil {
		v := p.value(o)
		if !v.Unknown {
			v.S = "'" + v.S + "'"
		}
		return &v
	}
	if os := tree.Items(tree.Get(c, "origins")); len(os) == 1 {
		v := p.value(os[0])
		if !v.Unknown {
			v.S = "'" + v.S + "'"
		}
		return &v
	} else if len(os) > 1 {
		v := apimodel.UnknownValue("origins list (chosen per request by a response template)", tree.Src(p.file, os[0]))
		return &v
	}
	v := apimodel.Known("'*'", tree.Src(p.file, c))
	return &v
}

func (p *parser) corsOptions(res *apimodel.Resource, c *yaml.Node) *apimodel.Method {
	src := tree.Src(p.file, c)
	params := map[string]apimodel.Value{"method.response.header.Access-Control-Allow-Origin": *p.corsOrigin(c)}
	hdrs := apimodel.Known("'"+defaultHeaders+"'", src)
	if hs := tree.Items(tree.Get(c, "headers")); len(hs) > 0 {
		var parts []string
		for _, h := range hs {
			parts = append(parts, tree.Str(h))
		}
		hdrs = apimodel.Known("'"+strings.Join(parts, ",")+"'", tree.Src(p.file, tree.Get(c, "headers")))
	}
	params["method.response.header.Access-Control-Allow-Headers"] = hdrs
	var ms []string
	for _, m := range res.Methods {
		if m.HTTPMethod == "ANY" {
			ms = append(ms, "DELETE", "GET", "HEAD", "PATCH", "POST", "PUT")
		} else {
			ms = append(ms, m.HTTPMethod)
		}
	}
	ms = append(ms, "OPTIONS")
	sort.Strings(ms)
	params["method.response.header.Access-Control-Allow-Methods"] = apimodel.Known("'"+strings.Join(ms, ",")+"'", src)
	if b, ok := tree.Bool(tree.Get(c, "allowCredentials")); ok && b {
		params["method.response.header.Access-Control-Allow-Credentials"] = apimodel.Known("'true'", tree.Src(p.file, tree.Get(c, "allowCredentials")))
	}
	if ma := tree.Get(c, "maxAge"); ma != nil {
		v := p.value(ma)
		if !v.Unknown {
			v.S = "'" + v.S + "'"
		}
		params["method.response.header.Access-Control-Max-Age"] = v
	}
	var headers []string
	for _, k := range apimodel.SortedKeys(params) {
		headers = append(headers, strings.TrimPrefix(k, "method.response.header."))
	}
	return &apimodel.Method{ID: "serverless-cors " + res.Path, HTTPMethod: "OPTIONS", Generated: "serverless-cors", Source: src,
		AuthorizationType: apimodel.Known("NONE", src), APIKeyRequired: apimodel.TriNo,
		Integration: &apimodel.Integration{Type: apimodel.Mock, RequestTemplates: map[string]string{"application/json": "{statusCode:200}"}, Source: src,
			Responses: []*apimodel.IntegrationResponse{{StatusCode: "200", ResponseParameters: params, Source: src}}},
		MethodResponses: map[string]*apimodel.MethodResponse{"200": {StatusCode: "200", Headers: headers, Source: src}}}
}

func (p *parser) httpAPIEvent(api *apimodel.API, h, key *yaml.Node, fn func() *apimodel.Function) {
	rt := &apimodel.Route{Source: tree.Src(p.file, key)}
	if s, ok := tree.Scalar(h); ok {
		if s == "*" {
			rt.Key = "$default"
		} else {
			rt.Method, rt.Path, _ = strings.Cut(s, " ")
		}
	} else {
		rt.Method, rt.Path = tree.Str(tree.Get(h, "method")), tree.Str(tree.Get(h, "path"))
	}
	rt.Method = strings.ToUpper(rt.Method)
	if rt.Method == "*" {
		rt.Method = "ANY"
	}
	if rt.Key == "" {
		rt.Key = rt.Method + " " + rt.Path
	}
	rt.AuthorizationType = apimodel.Known("NONE", rt.Source)
	if a := tree.Get(h, "authorizer"); a != nil {
		name := tree.Str(a)
		if name == "" {
			name = tree.Str(tree.Get(a, "name"))
		}
		typ := "JWT"
		if az := api.Authorizers[name]; az != nil && az.Type == "REQUEST" {
			typ = "CUSTOM"
		}
		if tree.Get(a, "type") != nil && strings.EqualFold(tree.Str(tree.Get(a, "type")), "aws_iam") {
			typ = "AWS_IAM"
		}
		rt.AuthorizationType = apimodel.Known(typ, tree.Src(p.file, a))
		rt.AuthorizerID = name
	}
	rt.Integration = &apimodel.Integration{Type: apimodel.AWSProxy, Function: fn(), Source: rt.Source}
	api.Routes = append(api.Routes, rt)
}

// slsDefaultHTTPHeaders are Serverless's httpApi cors AllowHeaders
// (compile/events/http-api.js defaultCors).
var slsDefaultHTTPHeaders = []string{"Content-Type", "X-Amz-Date", "Authorization", "X-Api-Key", "X-Amz-Security-Token", "X-Amz-User-Agent", "X-Amzn-Trace-Id"}

func (p *parser) httpCors(c *yaml.Node) *apimodel.CorsConfig {
	src := tree.Src(p.file, c)
	if b, ok := tree.Bool(c); ok {
		if !b {
			return nil
		}
		// Serverless's defaults for httpApi.cors: true.
		cc := &apimodel.CorsConfig{Source: src, AllowCredentials: apimodel.TriNo, AllowOrigins: []apimodel.Value{apimodel.Known("*", src)}}
		for _, h := range slsDefaultHTTPHeaders {
			cc.AllowHeaders = append(cc.AllowHeaders, apimodel.Known(h, src))
		}
		for _, m := range []string{"OPTIONS", "GET", "POST", "PUT", "PATCH", "DELETE"} {
			cc.AllowMethods = append(cc.AllowMethods, apimodel.Known(m, src))
		}
		return cc
	}
	cc := &apimodel.CorsConfig{Source: src, AllowCredentials: apimodel.TriNo}
	list := func(k string) []apimodel.Value {
		var out []apimodel.Value
		for _, it := range tree.Items(tree.Get(c, k)) {
			out = append(out, p.value(it))
		}
		return out
	}
	cc.AllowOrigins, cc.AllowHeaders, cc.AllowMethods, cc.ExposeHeaders = list("allowedOrigins"), list("allowedHeaders"), list("allowedMethods"), list("exposedResponseHeaders")
	// Serverless fills allowedOrigins and allowedHeaders with its
	// defaults when the object leaves them out (compile/events/
	// http-api.js).
	if tree.Get(c, "allowedOrigins") == nil {
		cc.AllowOrigins = []apimodel.Value{apimodel.Known("*", src)}
	}
	if tree.Get(c, "allowedHeaders") == nil {
		for _, h := range slsDefaultHTTPHeaders {
			cc.AllowHeaders = append(cc.AllowHeaders, apimodel.Known(h, src))
		}
	}
	if a := tree.Get(c, "allowCredentials"); a != nil {
		b, _ := tree.Bool(a)
		cc.AllowCredentials, cc.CredentialsSource = apimodel.TriOf(b), tree.Src(p.file, a)
	}
	if m := tree.Get(c, "maxAge"); m != nil {
		v := p.value(m)
		cc.MaxAge = &v
	}
	return cc
}
