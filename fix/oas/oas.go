// Package oas rewrites OpenAPI 3 and Swagger 2 documents with API
// Gateway extensions: standalone exports and the definitions embedded in
// CloudFormation/SAM templates (Body, DefinitionBody). It adds OPTIONS
// operations with a MOCK integration, takes security off OPTIONS, maps
// and declares CORS headers, adds x-amazon-apigateway-gateway-responses,
// and edits x-amazon-apigateway-cors.
//
// The REST mapping keys and the mock integration follow API Gateway's
// OpenAPI extensions reference
// (https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-swagger-extensions.html)
// and what `aws apigateway get-export --export-type oas30
// --parameters extensions=integrations` writes for a console "Enable
// CORS" resource.
package oas

import (
	"fmt"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/corsdoctor/corsdoctor/apimodel"
	"github.com/corsdoctor/corsdoctor/fix/fixer"
	"github.com/corsdoctor/corsdoctor/fix/yamledit"
)

// Rules are the findings this package fixes in a standalone OpenAPI
// document, with what the fix writes.
var Rules = map[string]string{
	"CD2001": "adds an `options` operation to the path with a `mock` x-amazon-apigateway-integration answering 200 and mapping Access-Control-Allow-Origin, -Methods and -Headers, declared in the 200 response, with `security: []`",
	"CD2002": "sets `security: []` on the `options` operation",
	"CD2003": "sets `security: []` on the `options` operation (no API key on preflights)",
	"CD2004": "adds the missing Access-Control-Allow-* responseParameters to the options integration response and declares them in the response headers",
	"CD2005": "adds the missing methods to the options Access-Control-Allow-Methods mapping",
	"CD2006": "declares the mapped CORS headers in the operation's response headers",
	"CD2007": "maps Access-Control-Allow-Origin on every integration response of the operation",
	"CD2009": "adds DEFAULT_4XX and DEFAULT_5XX to x-amazon-apigateway-gateway-responses with Access-Control-Allow-Origin",
	"CD2010": "rewrites the origin (trailing slash, path, case, default port; a missing scheme from a matching --origin)",
	"CD2011": "replaces the wildcard with the --origin value(s)",
	"CD2012": "replaces the reflected origin with the --origin value(s)",
	"CD2013": "adds the missing headers to x-amazon-apigateway-cors allowHeaders",
	"CD2014": "splits allowOrigins items holding several origins; a REST mapping takes the --origin",
	"CD2018": "sets contentHandling: CONVERT_TO_TEXT on the mock OPTIONS integrations",
	"CD2021": "lowers the preflight max age to 7200 s, Chromium's cap",
	"CD2024": "a REST definition ignores x-amazon-apigateway-cors: adds an options operation (mock integration) answering with its origin, methods and headers to every path that lacks one, then removes the extension",
	"CD2025": "adds the SigV4 request headers (Authorization, X-Amz-Date, X-Amz-Security-Token) to allowHeaders or the options Access-Control-Allow-Headers",
	"CD2050": "for a predicted block at the preflight: adds the missing request headers or methods to the options mapping or allowHeaders/allowMethods, or the options operation",
}

// Doc is one OpenAPI definition inside a document: root is the OpenAPI
// object (the document root, or a Body property).
type Doc struct {
	D    *yamledit.Doc
	Root *yaml.Node
}

// Swagger2 reports a Swagger 2.0 document.
func (o *Doc) Swagger2() bool { return yamledit.Get(o.Root, "swagger") != nil }

// Op is an operation of the definition.
type Op struct {
	Path, Verb string
	PathItem   *yaml.Node
	Node       *yaml.Node
}

// OpAt finds the operation that holds n (its key, or a node inside it).
func (o *Doc) OpAt(n *yaml.Node) *Op {
	paths := yamledit.Get(o.Root, "paths")
	if paths == nil {
		return nil
	}
	cur := n
	if v := o.D.ValueOf(n); v != nil {
		cur = v
	}
	for depth := 0; cur != nil && depth < 64; depth++ {
		item := o.D.Parent(cur)
		if item != nil && o.D.Parent(item) == paths {
			k, pk := o.D.KeyOf(cur), o.D.KeyOf(item)
			if k != nil && pk != nil && isVerb(k.Value) {
				return &Op{Path: pk.Value, Verb: strings.ToLower(k.Value), PathItem: item, Node: cur}
			}
			return nil
		}
		cur = item
	}
	return nil
}

func isVerb(k string) bool {
	switch strings.ToLower(k) {
	case "get", "put", "post", "delete", "options", "head", "patch", "x-amazon-apigateway-any-method":
		return true
	}
	return false
}

// PathItem returns the path item for p, or nil.
func (o *Doc) PathItem(p string) *yaml.Node { return yamledit.Get(yamledit.Get(o.Root, "paths"), p) }

// headerSchema is a response header declaration.
func (o *Doc) headerSchema() *yaml.Node {
	if o.Swagger2() {
		return fixer.Map("type", "string")
	}
	return fixer.Map("schema", fixer.Map("type", "string"))
}

// AddOptions adds an options operation to path p.
func (o *Doc) AddOptions(p string, pf fixer.PreflightAnswer) error {
	item := o.PathItem(p)
	if item == nil {
		return fixer.Skipf("path %s not found in the definition", p)
	}
	if yamledit.Get(item, "options") != nil {
		return fixer.Skipf("path %s already has an options operation", p)
	}
	kv := pf.Params()
	params := fixer.Map()
	headers := fixer.Map()
	for i := 0; i < len(kv); i += 2 {
		params.Content = append(params.Content, fixer.Str(kv[i]), fixer.Str(kv[i+1]))
		headers.Content = append(headers.Content, fixer.Str(strings.TrimPrefix(kv[i], "method.response.header.")), o.headerSchema())
	}
	op := fixer.Map(
		"summary", "CORS preflight (corsdoctor fix)",
		"security", fixer.Flow(fixer.Seq()),
		"responses", fixer.Map("200", fixer.Map("description", "CORS preflight", "headers", headers)),
		"x-amazon-apigateway-integration", fixer.Map(
			"type", "mock",
			"requestTemplates", fixer.Map("application/json", `{"statusCode": 200}`),
			"passthroughBehavior", "when_no_match",
			"responses", fixer.Map("default", fixer.Map("statusCode", "200", "responseParameters", params)),
		),
	)
	return o.D.Insert(item, "options", op)
}

// NoSecurity sets security: [] on an operation.
func (o *Doc) NoSecurity(op *yaml.Node) error {
	if s := yamledit.Get(op, "security"); s != nil && s.Kind == yaml.SequenceNode && len(s.Content) == 0 {
		return nil
	}
	return o.D.Set(op, "security", fixer.Flow(fixer.Seq()))
}

// Integration returns an operation's x-amazon-apigateway-integration.
func Integration(op *yaml.Node) *yaml.Node {
	return yamledit.Get(op, "x-amazon-apigateway-integration")
}

// SetParam sets responseParameters[name] = value on an integration
// response (a mapping under integration.responses).
func (o *Doc) SetParam(ir *yaml.Node, name, value string) error {
	rp := yamledit.Get(ir, "responseParameters")
	if rp == nil {
		return o.D.Set(ir, "responseParameters", fixer.Map(name, value))
	}
	if old := yamledit.Get(rp, name); old != nil {
		if s, ok := fixer.ScalarValue(old); ok && s == value {
			return nil
		}
	}
	return o.D.Set(rp, name, fixer.Str(value))
}

// Declare declares headers in responses[status].headers of op.
func (o *Doc) Declare(op *yaml.Node, status string, headers []string) error {
	resps := yamledit.Get(op, "responses")
	if resps == nil {
		h := fixer.Map()
		for _, x := range headers {
			h.Content = append(h.Content, fixer.Str(x), o.headerSchema())
		}
		return o.D.Set(op, "responses", fixer.Map(status, fixer.Map("description", status+" response", "headers", h)))
	}
	r := yamledit.Get(resps, status)
	if r == nil {
		h := fixer.Map()
		for _, x := range headers {
			h.Content = append(h.Content, fixer.Str(x), o.headerSchema())
		}
		return o.D.Set(resps, status, fixer.Map("description", status+" response", "headers", h))
	}
	hs := yamledit.Get(r, "headers")
	if hs == nil {
		h := fixer.Map()
		for _, x := range headers {
			h.Content = append(h.Content, fixer.Str(x), o.headerSchema())
		}
		return o.D.Set(r, "headers", h)
	}
	for _, x := range headers {
		if has(hs, x) {
			continue
		}
		if err := o.D.Set(hs, x, o.headerSchema()); err != nil {
			return err
		}
	}
	return nil
}

func has(m *yaml.Node, key string) bool {
	for i := 0; i+1 < len(m.Content); i += 2 {
		if strings.EqualFold(m.Content[i].Value, key) {
			return true
		}
	}
	return false
}

// GatewayResponses adds or completes x-amazon-apigateway-gateway-responses
// of the given types with the header mappings.
func (o *Doc) GatewayResponses(types []string, params []string) error {
	gr := yamledit.Get(o.Root, "x-amazon-apigateway-gateway-responses")
	build := func() *yaml.Node {
		rp := fixer.Map()
		for i := 0; i+1 < len(params); i += 2 {
			rp.Content = append(rp.Content, fixer.Str(params[i]), fixer.Str(params[i+1]))
		}
		return fixer.Map("responseParameters", rp)
	}
	if gr == nil {
		m := fixer.Map()
		for _, t := range types {
			m.Content = append(m.Content, fixer.Str(t), build())
		}
		return o.D.Set(o.Root, "x-amazon-apigateway-gateway-responses", m)
	}
	for _, t := range types {
		g := yamledit.Get(gr, t)
		if g == nil {
			if err := o.D.Set(gr, t, build()); err != nil {
				return err
			}
			continue
		}
		for i := 0; i+1 < len(params); i += 2 {
			if err := o.SetParam(g, params[i], params[i+1]); err != nil {
				return err
			}
		}
	}
	return nil
}

// Cors returns the x-amazon-apigateway-cors object, or nil.
func (o *Doc) Cors() *yaml.Node { return yamledit.Get(o.Root, "x-amazon-apigateway-cors") }

// AddCors adds x-amazon-apigateway-cors to an HTTP API definition.
func (o *Doc) AddCors(origins, methods, headers []string) error {
	return o.D.Set(o.Root, "x-amazon-apigateway-cors", fixer.Map(
		"allowOrigins", origins, "allowMethods", methods, "allowHeaders", headers))
}

// OptionsOps returns the options operations of every path with their
// path.
func (o *Doc) OptionsOps() []*Op {
	var out []*Op
	paths := yamledit.Get(o.Root, "paths")
	if paths == nil {
		return nil
	}
	for i := 0; i+1 < len(paths.Content); i += 2 {
		item := paths.Content[i+1]
		if op := yamledit.Get(item, "options"); op != nil {
			out = append(out, &Op{Path: paths.Content[i].Value, Verb: "options", PathItem: item, Node: op})
		}
	}
	return out
}

// DefaultResponse returns the default (or first 2xx) integration
// response of an integration.
func DefaultResponse(in *yaml.Node) *yaml.Node {
	rs := yamledit.Get(in, "responses")
	if rs == nil {
		return nil
	}
	for i := 0; i+1 < len(rs.Content); i += 2 {
		if rs.Content[i].Value == "default" {
			return rs.Content[i+1]
		}
	}
	for i := 0; i+1 < len(rs.Content); i += 2 {
		if s, _ := fixer.ScalarValue(yamledit.Get(rs.Content[i+1], "statusCode")); strings.HasPrefix(s, "2") {
			return rs.Content[i+1]
		}
	}
	return nil
}

// MethodsOf lists the model methods of a path item.
func MethodsOf(api *apimodel.API, p string) []*apimodel.Method {
	if r := api.Resource(p); r != nil {
		return r.Methods
	}
	return nil
}

var _ = fmt.Sprint
