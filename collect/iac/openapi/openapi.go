// Package openapi reads OpenAPI 3 and Swagger 2 documents carrying API
// Gateway extensions (x-amazon-apigateway-integration, -cors,
// -gateway-responses, -binary-media-types, -any-method), as produced by
// `aws apigateway get-export` and `aws apigatewayv2 export-api` or
// embedded as a SAM DefinitionBody / RestApi Body, into the apimodel.
//
// It reads the YAML/JSON node tree directly (package tree) rather than
// through kin-openapi or libopenapi: those resolve the document into Go
// structs and drop the line and column every finding needs, and they
// reject the CloudFormation intrinsic tags (!Sub, !GetAtt) that inline
// definitions contain. Only the fields that decide CORS behaviour are read.
package openapi

import (
	"path/filepath"
	"sort"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/corsdoctor/corsdoctor/apimodel"
	"github.com/corsdoctor/corsdoctor/collect/iac/tree"
)

// Detect reports whether root is an OpenAPI/Swagger document with API
// Gateway extensions.
func Detect(root *yaml.Node) bool {
	if tree.Get(root, "openapi") == nil && tree.Get(root, "swagger") == nil {
		return false
	}
	return hasExtension(root, 0)
}

func hasExtension(n *yaml.Node, depth int) bool {
	if n == nil || depth > 6 {
		return false
	}
	if n.Kind == yaml.MappingNode {
		for i := 0; i+1 < len(n.Content); i += 2 {
			if strings.HasPrefix(n.Content[i].Value, "x-amazon-apigateway-") {
				return true
			}
			if hasExtension(n.Content[i+1], depth+1) {
				return true
			}
		}
	}
	return false
}

// Parse builds the API described by a standalone export. Whether it is a
// REST or an HTTP API is decided from evidence in the document (see
// Kind); a document without any is listed in notes as not evaluated
// rather than guessed.
func Parse(file string, root *yaml.Node, notes *tree.Notes) []*apimodel.API {
	name := strings.TrimSuffix(filepath.Base(file), filepath.Ext(file))
	if info := tree.Get(root, "info"); info != nil {
		if t := tree.Str(tree.Get(info, "title")); t != "" {
			name = t
		}
	}
	kind, _ := Kind(root)
	if kind == "" {
		notes.Add(tree.Src(file, root), "OpenAPI document "+name,
			"nothing in it tells a REST API from an HTTP API (no REST-only integration settings, no payloadFormatVersion or other HTTP API extension), so its CORS behaviour is not modelled")
		return nil
	}
	api := &apimodel.API{ID: name, Name: name, Kind: kind, Format: "openapi", Source: tree.Src(file, root)}
	Fill(file, root, api)
	return []*apimodel.API{api}
}

// restOnly and httpOnly are the API Gateway extensions and integration
// fields that exist for one kind of API only (API Gateway developer guide,
// "OpenAPI extensions": x-amazon-apigateway-integration lists
// passthroughBehavior, requestTemplates and responses for REST APIs and
// payloadFormatVersion, integrationSubtype for HTTP APIs; the
// x-amazon-apigateway-cors object "is supported only for HTTP APIs").
var (
	restOnlyRoot = []string{"x-amazon-apigateway-gateway-responses", "x-amazon-apigateway-request-validators",
		"x-amazon-apigateway-api-key-source", "x-amazon-apigateway-policy", "x-amazon-apigateway-minimum-compression-size",
		"x-amazon-apigateway-documentation"}
	httpOnlyRoot        = []string{"x-amazon-apigateway-cors", "x-amazon-apigateway-importexport-version"}
	restOnlyIntegration = []string{"passthroughBehavior", "requestTemplates", "responses", "requestParameters", "cacheKeyParameters", "contentHandling"}
	httpOnlyIntegration = []string{"payloadFormatVersion", "integrationSubtype"}
)

// Kind decides whether an OpenAPI document describes a REST or an HTTP
// API from the evidence it carries: REST-only integration types (aws,
// mock, http without proxy) and fields, or HTTP-only ones. why names the
// deciding evidence; kind is "" when the document has none. REST evidence
// wins over x-amazon-apigateway-cors: an HTTP API import rejects REST
// integrations, while REST silently ignores the CORS extension.
func Kind(root *yaml.Node) (kind apimodel.Kind, why string) {
	rest, http := "", ""
	for _, k := range restOnlyRoot {
		if rest == "" && tree.Get(root, k) != nil {
			rest = k
		}
	}
	for _, k := range httpOnlyRoot {
		if http == "" && tree.Get(root, k) != nil {
			http = k
		}
	}
	tree.Pairs(tree.Get(root, "paths"), func(pk, item *yaml.Node) {
		if pk.Value == "$default" && http == "" {
			http = "the $default path"
		}
		tree.Pairs(item, func(_, op *yaml.Node) {
			in := tree.Get(op, "x-amazon-apigateway-integration")
			if in == nil {
				return
			}
			switch t := strings.ToLower(tree.Str(tree.Get(in, "type"))); t {
			case "aws", "mock", "http":
				if rest == "" {
					rest = "integration type " + t
				}
			}
			for _, k := range restOnlyIntegration {
				if rest == "" && tree.Get(in, k) != nil {
					rest = "integration " + k
				}
			}
			for _, k := range httpOnlyIntegration {
				if http == "" && tree.Get(in, k) != nil {
					http = "integration " + k
				}
			}
			if b, _ := tree.Bool(tree.Get(op, "isDefaultRoute")); b && http == "" {
				http = "isDefaultRoute"
			}
		})
	})
	switch {
	case rest != "":
		return apimodel.REST, rest
	case http != "":
		return apimodel.HTTP, http
	}
	return "", ""
}

var verbs = map[string]string{
	"get": "GET", "put": "PUT", "post": "POST", "delete": "DELETE", "options": "OPTIONS",
	"head": "HEAD", "patch": "PATCH", "x-amazon-apigateway-any-method": "ANY",
}

type scheme struct {
	authType     string // CUSTOM, COGNITO_USER_POOLS, AWS_IAM, JWT
	apiKey       bool
	authorizerID string
}

// Fill adds the document's paths, CORS configuration, gateway responses
// and binary media types to api (whose Kind is already set).
func Fill(file string, root *yaml.Node, api *apimodel.API) {
	schemes := map[string]scheme{}
	secs := tree.Get(tree.Get(root, "components"), "securitySchemes")
	if secs == nil {
		secs = tree.Get(root, "securityDefinitions")
	}
	tree.Pairs(secs, func(k, v *yaml.Node) {
		s := scheme{authorizerID: k.Value}
		authz := tree.Get(v, "x-amazon-apigateway-authorizer")
		at := strings.ToLower(tree.Str(tree.Get(v, "x-amazon-apigateway-authtype")))
		switch {
		case authz != nil:
			switch strings.ToLower(tree.Str(tree.Get(authz, "type"))) {
			case "jwt":
				s.authType = "JWT"
			case "cognito_user_pools":
				s.authType = "COGNITO_USER_POOLS"
			default:
				s.authType = "CUSTOM"
			}
			if api.Authorizers == nil {
				api.Authorizers = map[string]*apimodel.Authorizer{}
			}
			api.Authorizers[k.Value] = &apimodel.Authorizer{ID: k.Value, Name: k.Value, Type: strings.ToUpper(tree.Str(tree.Get(authz, "type"))), Source: tree.Src(file, k)}
		case at == "awssigv4":
			s.authType = "AWS_IAM"
		case at == "cognito_user_pools":
			s.authType = "COGNITO_USER_POOLS"
		case strings.EqualFold(tree.Str(tree.Get(v, "type")), "apiKey"):
			s.apiKey = true
		case strings.EqualFold(tree.Str(tree.Get(v, "type")), "oauth2") || strings.EqualFold(tree.Str(tree.Get(v, "type")), "openIdConnect"):
			s.authType = "JWT"
		}
		schemes[k.Value] = s
	})
	global := tree.Get(root, "security")

	if c := tree.Get(root, "x-amazon-apigateway-cors"); c != nil {
		if api.Kind == apimodel.REST {
			// REST APIs ignore the extension: recorded for CD2024.
			api.IgnoredCors = CorsConfig(file, c, false)
		} else if api.Cors == nil {
			// A CorsConfiguration property set by the caller replaces
			// the extension (CloudFormation, Terraform); SAM merges
			// (MergeCors) after Fill.
			api.Cors = CorsConfig(file, c, false)
		}
	}
	if b := tree.Get(root, "x-amazon-apigateway-binary-media-types"); b != nil {
		for _, it := range tree.Items(b) {
			api.BinaryMediaTypes = append(api.BinaryMediaTypes, tree.Value(file, it))
		}
	}
	tree.Pairs(tree.Get(root, "x-amazon-apigateway-gateway-responses"), func(k, v *yaml.Node) {
		if api.GatewayResponses == nil {
			api.GatewayResponses = map[string]*apimodel.GatewayResponse{}
		}
		g := &apimodel.GatewayResponse{Type: k.Value, StatusCode: tree.Str(tree.Get(v, "statusCode")), Source: tree.Src(file, k)}
		g.ResponseParameters = params(file, tree.Get(v, "responseParameters"))
		api.GatewayResponses[k.Value] = g
	})

	tree.Pairs(tree.Get(root, "paths"), func(pk, item *yaml.Node) {
		path := pk.Value
		tree.Pairs(item, func(vk, op *yaml.Node) {
			verb, ok := verbs[strings.ToLower(vk.Value)]
			if !ok {
				return
			}
			auth, apiKey, authorizer := security(op, global, schemes)
			authVal := apimodel.Known(auth, tree.Src(file, vk))
			if s := tree.Get(op, "security"); s != nil {
				authVal.Source = tree.Src(file, s)
			}
			integ := Integration(file, tree.Get(op, "x-amazon-apigateway-integration"))
			if api.Kind != apimodel.REST {
				key := verb + " " + path
				if verb == "ANY" && path == "$default" || path == "$default" {
					key = "$default"
				}
				api.Routes = append(api.Routes, &apimodel.Route{Key: key, Method: verb, Path: path,
					AuthorizationType: authVal, AuthorizerID: authorizer, Integration: integ, Source: tree.Src(file, vk)})
				return
			}
			m := &apimodel.Method{ID: verb + " " + path, HTTPMethod: verb, AuthorizationType: authVal, AuthorizerID: authorizer,
				APIKeyRequired: apimodel.TriOf(apiKey), Integration: integ, Source: tree.Src(file, vk)}
			tree.Pairs(tree.Get(op, "responses"), func(sk, r *yaml.Node) {
				if m.MethodResponses == nil {
					m.MethodResponses = map[string]*apimodel.MethodResponse{}
				}
				mr := &apimodel.MethodResponse{StatusCode: sk.Value, Source: tree.Src(file, sk)}
				tree.Pairs(tree.Get(r, "headers"), func(hk, _ *yaml.Node) { mr.Headers = append(mr.Headers, hk.Value) })
				m.MethodResponses[sk.Value] = mr
			})
			api.AddResource(path, tree.Src(file, pk)).AddMethod(m)
		})
	})
}

func security(op, global *yaml.Node, schemes map[string]scheme) (auth string, apiKey bool, authorizer string) {
	reqs := tree.Get(op, "security")
	if reqs == nil {
		reqs = global
	}
	auth = "NONE"
	for _, req := range tree.Items(reqs) {
		tree.Pairs(req, func(k, _ *yaml.Node) {
			s, ok := schemes[k.Value]
			if !ok {
				return
			}
			if s.apiKey {
				apiKey = true
				return
			}
			if s.authType != "" && auth == "NONE" {
				auth, authorizer = s.authType, s.authorizerID
			}
		})
	}
	return auth, apiKey, authorizer
}

// Integration reads an x-amazon-apigateway-integration object.
func Integration(file string, n *yaml.Node) *apimodel.Integration {
	if n == nil {
		return nil
	}
	in := &apimodel.Integration{
		Type:                apimodel.IntegrationType(strings.ToUpper(tree.Str(tree.Get(n, "type")))),
		URI:                 tree.Value(file, tree.Get(n, "uri")),
		PassthroughBehavior: strings.ToUpper(tree.Str(tree.Get(n, "passthroughBehavior"))),
		ContentHandling:     strings.ToUpper(tree.Str(tree.Get(n, "contentHandling"))),
		Source:              tree.Src(file, n),
	}
	in.RequestTemplates = tree.Templates(tree.Get(n, "requestTemplates"))
	tree.Pairs(tree.Get(n, "responses"), func(k, v *yaml.Node) {
		in.Responses = append(in.Responses, &apimodel.IntegrationResponse{
			StatusPattern:      k.Value,
			StatusCode:         tree.Str(tree.Get(v, "statusCode")),
			ResponseParameters: params(file, tree.Get(v, "responseParameters")),
			ResponseTemplates:  tree.Templates(tree.Get(v, "responseTemplates")),
			ContentHandling:    strings.ToUpper(tree.Str(tree.Get(v, "contentHandling"))),
			Source:             tree.Src(file, k),
		})
	})
	return in
}

func params(file string, n *yaml.Node) map[string]apimodel.Value {
	var out map[string]apimodel.Value
	tree.Pairs(n, func(k, v *yaml.Node) {
		if out == nil {
			out = map[string]apimodel.Value{}
		}
		out[k.Value] = tree.Value(file, v)
	})
	return out
}

// CorsConfig reads an HTTP API / function URL CORS object. Keys are
// matched case-insensitively (OpenAPI uses allowOrigins, CloudFormation
// AllowOrigins, Terraform allow_origins is handled by package tf).
func CorsConfig(file string, n *yaml.Node, _ bool) *apimodel.CorsConfig {
	c := &apimodel.CorsConfig{Source: tree.Src(file, n), AllowCredentials: apimodel.TriNo}
	list := func(key string) []apimodel.Value {
		var out []apimodel.Value
		v := tree.GetFold(n, key)
		if v != nil && v.Kind != yaml.SequenceNode && v.Kind != yaml.ScalarNode {
			return []apimodel.Value{tree.Value(file, v)}
		}
		for _, it := range tree.Items(v) {
			out = append(out, tree.Value(file, it))
		}
		return out
	}
	c.AllowOrigins = list("allowOrigins")
	c.AllowMethods = list("allowMethods")
	c.AllowHeaders = list("allowHeaders")
	c.ExposeHeaders = list("exposeHeaders")
	if m := tree.GetFold(n, "maxAge"); m != nil {
		v := tree.Value(file, m)
		c.MaxAge = &v
	}
	if a := tree.GetFold(n, "allowCredentials"); a != nil {
		c.CredentialsSource = tree.Src(file, a)
		if b, ok := tree.Bool(a); ok {
			c.AllowCredentials = apimodel.TriOf(b)
		} else {
			c.AllowCredentials = apimodel.TriUnknown
		}
	}
	return c
}

// MergeCors lays over on base the fields over sets (nil over keeps
// base): SAM merges an HttpApi CorsConfiguration property into the
// definition's x-amazon-apigateway-cors key by key, the property winning
// (samtranslator open_api.add_cors).
func MergeCors(base, over *apimodel.CorsConfig) *apimodel.CorsConfig {
	if base == nil || over == nil {
		if over != nil {
			return over
		}
		return base
	}
	out := *base
	if len(over.AllowOrigins) > 0 {
		out.AllowOrigins = over.AllowOrigins
	}
	if len(over.AllowHeaders) > 0 {
		out.AllowHeaders = over.AllowHeaders
	}
	if len(over.AllowMethods) > 0 {
		out.AllowMethods = over.AllowMethods
	}
	if len(over.ExposeHeaders) > 0 {
		out.ExposeHeaders = over.ExposeHeaders
	}
	if over.MaxAge != nil {
		out.MaxAge = over.MaxAge
	}
	if over.AllowCredentials == apimodel.TriYes {
		out.AllowCredentials, out.CredentialsSource = over.AllowCredentials, over.CredentialsSource
	}
	out.Source = over.Source
	return &out
}

// SortRoutes orders HTTP API routes by key for stable output.
func SortRoutes(api *apimodel.API) {
	sort.SliceStable(api.Routes, func(i, j int) bool { return api.Routes[i].Key < api.Routes[j].Key })
}
