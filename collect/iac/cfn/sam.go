package cfn

import (
	"sort"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/corsdoctor/corsdoctor/apimodel"
	"github.com/corsdoctor/corsdoctor/collect/iac/openapi"
	"github.com/corsdoctor/corsdoctor/collect/iac/tree"
)

// Implicit API logical IDs SAM creates for events without RestApiId/ApiId.
const (
	implicitREST = "ServerlessRestApi"
	implicitHTTP = "ServerlessHttpApi"
)

// samProp reads a property of a SAM API, falling back to Globals.
func (t *template) samProp(r *resource, global, name string) *yaml.Node {
	if r != nil {
		if v := t.prop(r, name); v != nil {
			return v
		}
	}
	return tree.Get(tree.Get(t.globals, global), name)
}

func (t *template) samAPI(r *resource) *apimodel.API {
	var api *apimodel.API
	if r == nil {
		api = &apimodel.API{ID: implicitREST, Kind: apimodel.REST, Format: "sam", Source: t.src(tree.KeyNode(t.root, "Resources"))}
		t.apis[api.ID] = api
		t.list = append(t.list, api)
	} else {
		api = t.newAPI(r, apimodel.REST, "sam")
	}
	if st := t.samProp(r, "Api", "StageName"); st != nil {
		// SAM creates the deployment and stage itself and re-creates the
		// deployment when the definition changes.
		api.Stages = append(api.Stages, &apimodel.Stage{Name: t.value(st).S, Source: t.src(st), Stale: apimodel.TriNo})
	}
	for _, b := range tree.Items(t.samProp(r, "Api", "BinaryMediaTypes")) {
		api.BinaryMediaTypes = append(api.BinaryMediaTypes, t.value(b))
	}
	t.definition(api, t.samProp(r, "Api", "DefinitionBody"), t.samProp(r, "Api", "DefinitionUri"))
	if c := t.samProp(r, "Api", "Cors"); c != nil {
		sc := &apimodel.SAMCors{Source: t.src(c), AllowCredentials: apimodel.TriNo}
		if fn, _ := intrinsic(c); c.Kind == yaml.MappingNode && fn == "" {
			get := func(k string) *apimodel.Value {
				if n := tree.Get(c, k); n != nil {
					v := t.value(n)
					return &v
				}
				return nil
			}
			sc.AllowOrigin, sc.AllowMethods, sc.AllowHeaders, sc.MaxAge = get("AllowOrigin"), get("AllowMethods"), get("AllowHeaders"), get("MaxAge")
			if b, ok := tree.Bool(tree.Get(c, "AllowCredentials")); ok {
				sc.AllowCredentials = apimodel.TriOf(b)
			}
		} else {
			v := t.value(c)
			sc.AllowOrigin = &v
		}
		if sc.AllowOrigin == nil {
			// SAM's CorsProperties default AllowOrigin to "'*'"
			// (samtranslator api_generator CorsProperties).
			v := apimodel.Known("'*'", t.src(c))
			sc.AllowOrigin = &v
		}
		api.SAMCors = sc
	}
	auth := t.samProp(r, "Api", "Auth")
	if auth != nil {
		if api.SAMCors == nil {
			api.SAMCors = &apimodel.SAMCors{AllowCredentials: apimodel.TriNo}
		}
		sc := api.SAMCors
		sc.AuthSource = t.src(auth)
		sc.DefaultAuthorizer = tree.Str(tree.Get(auth, "DefaultAuthorizer"))
		sc.AuthorizerOnPreflight = apimodel.TriYes // SAM default
		if b, ok := tree.Bool(tree.Get(auth, "AddDefaultAuthorizerToCorsPreflight")); ok {
			sc.AuthorizerOnPreflight = apimodel.TriOf(b)
		}
		sc.APIKeyRequired = apimodel.TriNo
		if b, ok := tree.Bool(tree.Get(auth, "ApiKeyRequired")); ok {
			sc.APIKeyRequired = apimodel.TriOf(b)
		}
		sc.APIKeyOnPreflight = apimodel.TriYes // documented default
		if b, ok := tree.Bool(tree.Get(auth, "AddApiKeyRequiredToCorsPreflight")); ok {
			sc.APIKeyOnPreflight = apimodel.TriOf(b)
		}
		tree.Pairs(tree.Get(auth, "Authorizers"), func(k, v *yaml.Node) {
			if api.Authorizers == nil {
				api.Authorizers = map[string]*apimodel.Authorizer{}
			}
			typ := "CUSTOM"
			if tree.Get(v, "UserPoolArn") != nil {
				typ = "COGNITO_USER_POOLS"
			}
			api.Authorizers[k.Value] = &apimodel.Authorizer{ID: k.Value, Name: k.Value, Type: typ, Source: t.src(k)}
		})
	}
	tree.Pairs(t.samProp(r, "Api", "GatewayResponses"), func(k, v *yaml.Node) {
		if api.GatewayResponses == nil {
			api.GatewayResponses = map[string]*apimodel.GatewayResponse{}
		}
		g := &apimodel.GatewayResponse{Type: k.Value, StatusCode: tree.Str(tree.Get(v, "StatusCode")), Source: t.src(k)}
		rp := tree.Get(v, "ResponseParameters")
		tree.Pairs(tree.Get(rp, "Headers"), func(hk, hv *yaml.Node) {
			if g.ResponseParameters == nil {
				g.ResponseParameters = map[string]apimodel.Value{}
			}
			g.ResponseParameters["gatewayresponse.header."+hk.Value] = t.value(hv)
		})
		api.GatewayResponses[k.Value] = g
	})
	return api
}

func (t *template) samHTTPAPI(r *resource) *apimodel.API {
	var api *apimodel.API
	if r == nil {
		api = &apimodel.API{ID: implicitHTTP, Kind: apimodel.HTTP, Format: "sam", Source: t.src(tree.KeyNode(t.root, "Resources"))}
		t.apis[api.ID] = api
		t.list = append(t.list, api)
	} else {
		api = t.newAPI(r, apimodel.HTTP, "sam")
	}
	t.definition(api, t.samProp(r, "HttpApi", "DefinitionBody"), t.samProp(r, "HttpApi", "DefinitionUri"))
	if c := t.samProp(r, "HttpApi", "CorsConfiguration"); c != nil {
		// SAM merges the property into the definition's
		// x-amazon-apigateway-cors key by key; true means AllowOrigins
		// ["*"] and nothing else (samtranslator http_api_generator
		// _add_cors).
		if b, ok := tree.Bool(c); ok {
			if b {
				star := apimodel.Known("*", t.src(c))
				api.Cors = openapi.MergeCors(api.Cors, &apimodel.CorsConfig{AllowOrigins: []apimodel.Value{star}, AllowCredentials: apimodel.TriNo, Source: t.src(c)})
			}
		} else {
			api.Cors = openapi.MergeCors(api.Cors, openapi.CorsConfig(t.file, c, false))
		}
	}
	if auth := t.samProp(r, "HttpApi", "Auth"); auth != nil {
		tree.Pairs(tree.Get(auth, "Authorizers"), func(k, v *yaml.Node) {
			if api.Authorizers == nil {
				api.Authorizers = map[string]*apimodel.Authorizer{}
			}
			typ := "REQUEST"
			if tree.Get(v, "JwtConfiguration") != nil {
				typ = "JWT"
			}
			api.Authorizers[k.Value] = &apimodel.Authorizer{ID: k.Value, Name: k.Value, Type: typ, Source: t.src(k)}
		})
	}
	return api
}

func (t *template) restOrImplicit(n *yaml.Node, http bool) *apimodel.API {
	if id := t.ref(n); id != "" {
		return t.apis[id]
	}
	if n != nil {
		return nil
	}
	if http {
		if a := t.apis[implicitHTTP]; a != nil {
			return a
		}
		return t.samHTTPAPI(nil)
	}
	if a := t.apis[implicitREST]; a != nil {
		return a
	}
	return t.samAPI(nil)
}

// samAuth returns the authorization of an event given the API defaults.
func samAuth(api *apimodel.API, ev *yaml.Node, src apimodel.Value) (typ apimodel.Value, authorizer string, apiKey apimodel.Tri) {
	typ = apimodel.Value{S: "NONE", Source: src.Source}
	authorizer = ""
	if api.SAMCors != nil {
		authorizer = api.SAMCors.DefaultAuthorizer
		apiKey = api.SAMCors.APIKeyRequired
	}
	if apiKey == apimodel.TriUnknown {
		apiKey = apimodel.TriNo
	}
	a := tree.Get(ev, "Auth")
	if n := tree.Get(a, "Authorizer"); n != nil {
		authorizer = tree.Str(n)
		typ.Source = tree.Src(src.Source.File, n)
	}
	if b, ok := tree.Bool(tree.Get(a, "ApiKeyRequired")); ok {
		apiKey = apimodel.TriOf(b)
	}
	switch {
	case authorizer == "" || strings.EqualFold(authorizer, "NONE"):
		authorizer = ""
	case authorizer == "AWS_IAM":
		typ.S, authorizer = "AWS_IAM", ""
	default:
		typ.S = "CUSTOM"
		if az := api.Authorizers[authorizer]; az != nil {
			switch az.Type {
			case "COGNITO_USER_POOLS":
				typ.S = "COGNITO_USER_POOLS"
			case "JWT":
				typ.S = "JWT"
			}
		}
	}
	return typ, authorizer, apiKey
}

func (t *template) samFunction(r *resource) {
	if u := t.prop(r, "FunctionUrlConfig"); u != nil {
		t.functionURL(r, tree.Get(u, "Cors"), r.id)
		if api := t.apis[r.id+"Url"]; api != nil {
			api.AuthType = t.value(tree.Get(u, "AuthType"))
		}
	}
	var fn *apimodel.Function
	tree.Pairs(t.prop(r, "Events"), func(k, ev *yaml.Node) {
		typ := tree.Str(tree.Get(ev, "Type"))
		props := tree.Get(ev, "Properties")
		if typ != "Api" && typ != "HttpApi" {
			return
		}
		if fn == nil {
			fn = t.function(r.id)
		}
		if typ == "Api" {
			api := t.restOrImplicit(tree.Get(props, "RestApiId"), false)
			if api == nil || api.Kind != apimodel.REST {
				return
			}
			p := tree.Str(tree.Get(props, "Path"))
			verb := strings.ToUpper(tree.Str(tree.Get(props, "Method")))
			if verb == "ANY" || verb == "X-AMAZON-APIGATEWAY-ANY-METHOD" {
				verb = "ANY"
			}
			at := apimodel.Known(r.id, t.src(k))
			authType, authorizer, apiKey := samAuth(api, props, at)
			m := &apimodel.Method{ID: r.id + "." + k.Value, HTTPMethod: verb, AuthorizationType: authType, AuthorizerID: authorizer,
				APIKeyRequired: apiKey, Source: t.src(k),
				Integration: &apimodel.Integration{Type: apimodel.AWSProxy, URI: apimodel.Known(r.id, t.src(k)), Function: fn, Source: t.src(k)}}
			api.AddResource(p, t.src(k)).AddMethod(m)
			return
		}
		api := t.restOrImplicit(tree.Get(props, "ApiId"), true)
		if api == nil || api.Kind != apimodel.HTTP {
			return
		}
		p := tree.Str(tree.Get(props, "Path"))
		verb := strings.ToUpper(tree.Str(tree.Get(props, "Method")))
		rt := &apimodel.Route{Method: verb, Path: p, Source: t.src(k)}
		switch {
		case p == "" && verb == "":
			rt.Key = "$default"
		case verb == "":
			rt.Method, rt.Key = "ANY", "ANY "+p
		default:
			rt.Key = verb + " " + p
		}
		authz := ""
		if a := t.samProp(t.res[api.ID], "HttpApi", "Auth"); a != nil {
			authz = tree.Str(tree.Get(a, "DefaultAuthorizer"))
		}
		src := t.src(k)
		if n := tree.Get(tree.Get(props, "Auth"), "Authorizer"); n != nil {
			authz = tree.Str(n)
			src = t.src(n)
		}
		rt.AuthorizationType = apimodel.Known("NONE", src)
		if authz != "" && authz != "NONE" {
			rt.AuthorizerID = authz
			rt.AuthorizationType.S = "CUSTOM"
			if az := api.Authorizers[authz]; az != nil && az.Type == "JWT" {
				rt.AuthorizationType.S = "JWT"
			}
			if authz == "AWS_IAM" {
				rt.AuthorizationType.S, rt.AuthorizerID = "AWS_IAM", ""
			}
		}
		rt.Integration = &apimodel.Integration{Type: apimodel.AWSProxy, URI: apimodel.Known(r.id, t.src(k)), Function: fn, Source: t.src(k)}
		api.Routes = append(api.Routes, rt)
	})
}

// samCorsOptions adds the OPTIONS methods SAM generates for an API with
// Cors: a MOCK integration answering 200 with the configured values, with
// the default authorizer and API key unless the Auth flags turn them off.
func (t *template) samCorsOptions() {
	for _, api := range t.list {
		sc := api.SAMCors
		if api.Kind != apimodel.REST || sc == nil || sc.AllowOrigin == nil {
			continue
		}
		for _, res := range api.Resources {
			if res.Method("OPTIONS") != nil {
				continue
			}
			params := map[string]apimodel.Value{"method.response.header.Access-Control-Allow-Origin": *sc.AllowOrigin}
			methods := sc.AllowMethods
			if methods == nil {
				var vs []string
				for _, m := range res.Methods {
					if m.HTTPMethod == "ANY" {
						vs = append(vs, "DELETE", "GET", "HEAD", "PATCH", "POST", "PUT")
					} else {
						vs = append(vs, m.HTTPMethod)
					}
				}
				vs = append(vs, "OPTIONS")
				sort.Strings(vs)
				v := apimodel.Known("'"+strings.Join(vs, ",")+"'", sc.Source)
				methods = &v
			}
			params["method.response.header.Access-Control-Allow-Methods"] = *methods
			if sc.AllowHeaders != nil {
				params["method.response.header.Access-Control-Allow-Headers"] = *sc.AllowHeaders
			}
			if sc.MaxAge != nil {
				params["method.response.header.Access-Control-Max-Age"] = *sc.MaxAge
			}
			if sc.AllowCredentials == apimodel.TriYes {
				params["method.response.header.Access-Control-Allow-Credentials"] = apimodel.Known("'true'", sc.Source)
			}
			var headers []string
			for _, k := range apimodel.SortedKeys(params) {
				headers = append(headers, strings.TrimPrefix(k, "method.response.header."))
			}
			m := &apimodel.Method{ID: "sam-cors " + res.Path, HTTPMethod: "OPTIONS", Generated: "sam-cors", Source: sc.Source,
				AuthorizationType: apimodel.Known("NONE", sc.Source), APIKeyRequired: apimodel.TriNo,
				Integration: &apimodel.Integration{Type: apimodel.Mock, PassthroughBehavior: "WHEN_NO_MATCH",
					RequestTemplates: map[string]string{"application/json": `{"statusCode": 200}`}, Source: sc.Source,
					Responses: []*apimodel.IntegrationResponse{{StatusPattern: "default", StatusCode: "200", ResponseParameters: params, Source: sc.Source}}},
				MethodResponses: map[string]*apimodel.MethodResponse{"200": {StatusCode: "200", Headers: headers, Source: sc.Source}},
			}
			if sc.DefaultAuthorizer != "" && sc.AuthorizerOnPreflight != apimodel.TriNo {
				typ := "CUSTOM"
				if az := api.Authorizers[sc.DefaultAuthorizer]; az != nil && az.Type == "COGNITO_USER_POOLS" {
					typ = "COGNITO_USER_POOLS"
				}
				if sc.DefaultAuthorizer == "AWS_IAM" {
					typ = "AWS_IAM"
				}
				m.AuthorizationType = apimodel.Known(typ, sc.AuthSource)
				m.AuthorizerID = sc.DefaultAuthorizer
			}
			if sc.APIKeyRequired == apimodel.TriYes && sc.APIKeyOnPreflight != apimodel.TriNo {
				m.APIKeyRequired = apimodel.TriYes
			}
			res.AddMethod(m)
		}
	}
}
