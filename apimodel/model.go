// Package apimodel is the normalized model of an API's CORS behaviour on
// AWS: REST APIs (API Gateway v1), HTTP APIs (API Gateway v2) and Lambda
// function URLs. Every infrastructure-code collector (CloudFormation, SAM,
// CDK output, OpenAPI exports, Serverless Framework, Terraform) and the
// live AWS collector translate what they read into this model, and the
// CD20xx rules read only the model, so a template and a deployed API get
// the same findings with the same IDs.
//
// The model records what API Gateway would do, not how it was written:
// who answers OPTIONS and with what, which headers each method maps on
// each status, what the gateway itself answers on errors, which
// authorizers and API keys guard which methods, and which deployment a
// stage serves. Every element carries an [evidence.Source] (file:line:col
// for code, an ARN-like URL for live AWS) so a finding points at the line
// to change.
//
// Values that could not be resolved (!ImportValue, Terraform variables,
// SSM parameters, values computed at deploy time) are kept as a [Value]
// with Unknown set and the original expression; they are never guessed.
// Rules treat an unknown value as "cannot tell" and stay silent about it.
//
// [Simulate] predicts the preflight and actual responses API Gateway would
// return for a [cors.Request], so a caller can run package cors on them
// and predict the browser's verdict per route.
package apimodel

import (
	"sort"
	"strings"

	"github.com/corsdoctor/corsdoctor/evidence"
)

// Kind is the kind of API: one vocabulary with the playbook's
// evidence.Playbook.Kind.
type Kind = evidence.APIKind

// API kinds.
const (
	REST        = evidence.RESTAPI     // API Gateway REST API (apigateway, v1)
	HTTP        = evidence.HTTPAPI     // API Gateway HTTP API (apigatewayv2, protocol HTTP)
	FunctionURL = evidence.FunctionURL // Lambda function URL
)

// IntegrationType is API Gateway's integration type.
type IntegrationType string

// Integration types (REST names; HTTP API Lambda/HTTP proxies map to the
// proxy types).
const (
	Mock      IntegrationType = "MOCK"
	AWS       IntegrationType = "AWS"
	AWSProxy  IntegrationType = "AWS_PROXY"
	HTTPInt   IntegrationType = "HTTP"
	HTTPProxy IntegrationType = "HTTP_PROXY"
)

// IsProxy reports whether the backend's response passes through unchanged
// (no integration response, so the backend must set CORS headers).
func (t IntegrationType) IsProxy() bool { return t == AWSProxy || t == HTTPProxy }

// Value is a string read from configuration. When the collector could not
// resolve it (an import, a variable, a parameter without default), Unknown
// is true and Expr holds the original expression, e.g. "!ImportValue
// SharedOrigin" or "var.allowed_origin".
type Value struct {
	S       string          `json:"value,omitempty"`
	Unknown bool            `json:"unknown,omitempty"`
	Expr    string          `json:"expr,omitempty"`
	Source  evidence.Source `json:"source"`
}

// Known returns a resolved value.
func Known(s string, src evidence.Source) Value { return Value{S: s, Source: src} }

// UnknownValue returns an unresolvable value with its expression.
func UnknownValue(expr string, src evidence.Source) Value {
	return Value{Unknown: true, Expr: expr, Source: src}
}

// String renders the value, or "<unknown: EXPR>".
func (v Value) String() string {
	if v.Unknown {
		return "<unknown: " + v.Expr + ">"
	}
	return v.S
}

// Static returns the content of a REST mapping value written as a static
// string literal in single quotes ("'*'" -> "*", true). Mapping
// expressions (method.request.header.origin, integration.response.header.X,
// stageVariables.x, context.x) and unknown values return ("", false).
func (v Value) Static() (string, bool) {
	if v.Unknown {
		return "", false
	}
	s := strings.TrimSpace(v.S)
	if len(s) >= 2 && s[0] == '\'' && s[len(s)-1] == '\'' {
		return s[1 : len(s)-1], true
	}
	return "", false
}

// Tri is a three-valued fact: Unknown when the collector could not tell.
type Tri int8

// Tri values.
const (
	TriUnknown Tri = iota
	TriNo
	TriYes
)

// TriOf converts a bool.
func TriOf(b bool) Tri {
	if b {
		return TriYes
	}
	return TriNo
}

func (t Tri) String() string {
	switch t {
	case TriYes:
		return "yes"
	case TriNo:
		return "no"
	}
	return "unknown"
}

// MarshalText renders "yes", "no" or "unknown".
func (t Tri) MarshalText() ([]byte, error) { return []byte(t.String()), nil }

// API is one API: a REST API, an HTTP API or a Lambda function URL.
type API struct {
	// ID is the logical ID (CloudFormation), resource address (Terraform),
	// file-derived name (OpenAPI, Serverless) or the live API ID.
	ID   string `json:"id"`
	Name string `json:"name,omitempty"`
	Kind Kind   `json:"kind"`
	// Format names the collector: "cloudformation", "sam", "cdk",
	// "openapi", "serverless", "terraform", "terraform-plan", "aws".
	Format string          `json:"format"`
	Source evidence.Source `json:"source"`

	// Resources are the REST API's resources (paths) with their methods,
	// sorted by path. Empty for HTTP APIs and function URLs.
	Resources []*Resource `json:"resources,omitempty"`
	// Routes are the HTTP API's routes ("GET /items", "ANY /{proxy+}",
	// "$default"), in source order.
	Routes []*Route `json:"routes,omitempty"`
	// Cors is the built-in CORS configuration of an HTTP API or function
	// URL (nil when none is configured; API Gateway / Lambda then does not
	// answer preflights itself).
	Cors *CorsConfig `json:"cors,omitempty"`
	// GatewayResponses are the REST API's customized gateway responses,
	// keyed by type (DEFAULT_4XX, UNAUTHORIZED, ...). A type not present
	// answers with AWS's default: no CORS headers.
	GatewayResponses map[string]*GatewayResponse `json:"gateway_responses,omitempty"`
	// BinaryMediaTypes of a REST API ("*/*" breaks MOCK OPTIONS
	// integrations that lack contentHandling CONVERT_TO_TEXT).
	BinaryMediaTypes []Value `json:"binary_media_types,omitempty"`
	// Authorizers by ID (logical ID, Terraform address or live ID).
	Authorizers map[string]*Authorizer `json:"authorizers,omitempty"`
	// Deployments and Stages of a REST API (HTTP API stages too).
	Deployments []*Deployment `json:"deployments,omitempty"`
	Stages      []*Stage      `json:"stages,omitempty"`
	// Function is the function behind a function URL.
	Function *Function `json:"function,omitempty"`
	// SAMCors is the SAM AWS::Serverless::Api Cors property as written
	// (each value must be a string with inner single quotes); nil when not
	// a SAM API or not set. The collector also expands it into the OPTIONS
	// methods SAM generates.
	SAMCors *SAMCors `json:"sam_cors,omitempty"`
	// Endpoint is the API's base URL when known (live AWS); "" otherwise.
	// API Gateway endpoints are always https.
	Endpoint string `json:"endpoint,omitempty"`
	// IgnoredCors is an x-amazon-apigateway-cors object found in the
	// OpenAPI definition of a REST API: only HTTP APIs read it, so REST
	// ignores it and answers no preflight because of it (nil otherwise).
	IgnoredCors *CorsConfig `json:"ignored_cors,omitempty"`
	// AuthType is a function URL's AuthType (NONE or AWS_IAM); the zero
	// Value when not a function URL or not set.
	AuthType Value `json:"auth_type"`
	// Clients are the requests front-end code next to the API sends (read
	// by the collector from the repository); nil when none was found.
	Clients []*ClientCall `json:"clients,omitempty"`
}

// ClientCall is one request the front-end code of the repository makes
// (fetch, axios, XMLHttpRequest): the headers it sets are the ones a
// preflight must allow.
type ClientCall struct {
	// Method as written ("GET" when not set), URL the literal or template
	// of the first argument as far as it is known.
	Method string `json:"method"`
	URL    string `json:"url,omitempty"`
	// Headers are the request header names the call sets.
	Headers []string `json:"headers,omitempty"`
	// Credentials reports credentials: 'include' / withCredentials.
	Credentials bool            `json:"credentials,omitempty"`
	Source      evidence.Source `json:"source"`
}

// Unread is a construct a collector saw and could not evaluate (a
// registry module, a plugin, a definition in S3, code in an unsupported
// language): lint lists it as "not evaluated" instead of counting it as
// clean.
type Unread struct {
	What   string          `json:"what"`
	Why    string          `json:"why"`
	Source evidence.Source `json:"source"`
}

// Resource is a REST API resource (a path) and its methods.
type Resource struct {
	ID     string          `json:"id,omitempty"`
	Path   string          `json:"path"`
	Source evidence.Source `json:"source"`
	// Methods sorted by HTTP method; "ANY" covers methods not defined.
	Methods []*Method `json:"methods,omitempty"`
}

// Method returns the method with that verb (exact, not ANY), or nil.
func (r *Resource) Method(verb string) *Method {
	for _, m := range r.Methods {
		if strings.EqualFold(m.HTTPMethod, verb) {
			return m
		}
	}
	return nil
}

// Route returns the method that answers verb: the exact method, else ANY.
func (r *Resource) Route(verb string) *Method {
	if m := r.Method(verb); m != nil {
		return m
	}
	return r.Method("ANY")
}

// Method is one REST method (or, inside a Route, the HTTP API route's
// authorization).
type Method struct {
	ID         string `json:"id,omitempty"`
	HTTPMethod string `json:"http_method"`
	// AuthorizationType: NONE, AWS_IAM, CUSTOM, COGNITO_USER_POOLS (REST);
	// NONE, AWS_IAM, JWT, CUSTOM (HTTP API). "" means NONE.
	AuthorizationType Value  `json:"authorization_type"`
	AuthorizerID      string `json:"authorizer_id,omitempty"`
	APIKeyRequired    Tri    `json:"api_key_required"`
	// Integration is nil when the method has none (a deploy error on REST).
	Integration *Integration `json:"integration,omitempty"`
	// MethodResponses by status code: the headers each declares
	// (method.response.header.NAME -> NAME).
	MethodResponses map[string]*MethodResponse `json:"method_responses,omitempty"`
	// Generated names what created the method: "" for code written by the
	// user, "sam-cors" / "serverless-cors" / "cdk-cors" for OPTIONS methods
	// a framework generates from its CORS setting.
	Generated string          `json:"generated,omitempty"`
	Source    evidence.Source `json:"source"`
}

// Authorized reports whether the method requires an authorizer or IAM
// (TriUnknown when the type is unresolvable).
func (m *Method) Authorized() Tri {
	if m.AuthorizationType.Unknown {
		return TriUnknown
	}
	t := strings.ToUpper(m.AuthorizationType.S)
	return TriOf(t != "" && t != "NONE")
}

// MethodResponse is a declared method response.
type MethodResponse struct {
	StatusCode string `json:"status_code"`
	// Headers declared (method.response.header.X keys), canonical case as
	// written.
	Headers []string        `json:"headers,omitempty"`
	Source  evidence.Source `json:"source"`
}

// Declares reports whether the response declares header name.
func (r *MethodResponse) Declares(name string) bool {
	for _, h := range r.Headers {
		if strings.EqualFold(h, name) {
			return true
		}
	}
	return false
}

// Integration is a method's or route's backend.
type Integration struct {
	Type IntegrationType `json:"type"`
	// URI is the integration URI (Lambda ARN, HTTP URL), possibly unknown.
	URI Value `json:"uri"`
	// PassthroughBehavior: WHEN_NO_MATCH, WHEN_NO_TEMPLATES, NEVER.
	PassthroughBehavior string `json:"passthrough_behavior,omitempty"`
	// RequestTemplates by content type.
	RequestTemplates map[string]string `json:"request_templates,omitempty"`
	// ContentHandling: CONVERT_TO_TEXT, CONVERT_TO_BINARY or "".
	ContentHandling string `json:"content_handling,omitempty"`
	// Responses are the integration responses of a non-proxy integration,
	// in source order.
	Responses []*IntegrationResponse `json:"responses,omitempty"`
	// Function is the Lambda function behind a proxy integration when the
	// collector could find it.
	Function *Function       `json:"function,omitempty"`
	Source   evidence.Source `json:"source"`
}

// IntegrationResponse maps a backend result to a method response.
type IntegrationResponse struct {
	// StatusPattern is the selection pattern (a regex over the backend's
	// status or Lambda error message); "" or "default" is the default.
	StatusPattern string `json:"status_pattern,omitempty"`
	// StatusCode is the method response status this maps to.
	StatusCode string `json:"status_code"`
	// ResponseParameters: "method.response.header.X" -> mapping value
	// ("'static'", "integration.response.header.Y", ...).
	ResponseParameters map[string]Value `json:"response_parameters,omitempty"`
	// ResponseTemplates by content type: a template can set headers
	// itself with $context.responseOverride.header.NAME.
	ResponseTemplates map[string]string `json:"response_templates,omitempty"`
	ContentHandling   string            `json:"content_handling,omitempty"`
	Source            evidence.Source   `json:"source"`
}

// IsDefault reports whether this is the default integration response.
func (r *IntegrationResponse) IsDefault() bool {
	p := strings.TrimSpace(r.StatusPattern)
	return p == "" || p == "default" || p == "-"
}

// Header returns the mapping for method.response.header.NAME.
func (r *IntegrationResponse) Header(name string) (Value, bool) {
	return headerParam(r.ResponseParameters, "method.response.header.", name)
}

// TemplateSetsHeader reports whether a response template overrides header
// NAME ("#set($context.responseOverride.header.NAME = ...)"), which API
// Gateway applies after the parameter mappings (API Gateway developer
// guide, "Override your API's request and response parameters and status
// codes for REST APIs").
func (r *IntegrationResponse) TemplateSetsHeader(name string) bool {
	want := strings.ToLower("$context.responseOverride.header." + name)
	for _, t := range r.ResponseTemplates {
		if strings.Contains(strings.ToLower(t), want) {
			return true
		}
	}
	return false
}

func headerParam(m map[string]Value, prefix, name string) (Value, bool) {
	for k, v := range m {
		if len(k) == len(prefix)+len(name) && strings.EqualFold(k[:len(prefix)], prefix) && strings.EqualFold(k[len(prefix):], name) {
			return v, true
		}
	}
	return Value{}, false
}

// Function is a Lambda function's code as far as the collector found it.
type Function struct {
	ID      string `json:"id,omitempty"`
	Runtime string `json:"runtime,omitempty"`
	Handler string `json:"handler,omitempty"`
	// CodePath is the handler file found in the repository, "" when the
	// code is inline or was not found.
	CodePath string `json:"code_path,omitempty"`
	// Inline reports inline code (ZipFile / InlineCode).
	Inline bool `json:"inline,omitempty"`
	// SetsAllowOrigin: does the code set Access-Control-Allow-Origin?
	// TriUnknown when the code was not found or is in an unsupported
	// language. The collector decides; rules do no I/O.
	SetsAllowOrigin Tri `json:"sets_allow_origin"`
	// HandlesOptions: does the code answer OPTIONS itself?
	HandlesOptions Tri             `json:"handles_options"`
	Source         evidence.Source `json:"source"`
	// Parser names how the code was read ("go/ast", "js", "ts",
	// "python tokens", "java tokens"); "" when not read.
	Parser string `json:"parser,omitempty"`
	// Responses are the responses the handler's code returns or throws,
	// in source order, as far as the parser could follow them.
	Responses []*CodeResponse `json:"responses,omitempty"`
}

// CodeResponse is one response path of a handler: a returned response
// object or an exception that escapes the handler (Lambda then answers
// 502 without headers).
type CodeResponse struct {
	// Status is the literal status code ("200", "500"), "" when computed.
	Status string `json:"status,omitempty"`
	// Thrown marks an exception escaping the handler.
	Thrown bool `json:"thrown,omitempty"`
	// AllowOrigin: does this response carry Access-Control-Allow-Origin?
	AllowOrigin Tri `json:"allow_origin"`
	// AllowOriginValue is its literal value ("*", an origin) or "".
	AllowOriginValue string `json:"allow_origin_value,omitempty"`
	// AllowCredentials: Access-Control-Allow-Credentials: true?
	AllowCredentials Tri             `json:"allow_credentials"`
	Source           evidence.Source `json:"source"`
}

// IsError reports a 4xx/5xx status or a thrown exception.
func (r *CodeResponse) IsError() bool {
	return r.Thrown || len(r.Status) == 3 && (r.Status[0] == '4' || r.Status[0] == '5')
}

// Route is an HTTP API route.
type Route struct {
	// Key is the route key: "GET /items", "ANY /{proxy+}", "$default".
	Key    string `json:"key"`
	Method string `json:"method"` // "GET", "ANY", or "" for $default
	Path   string `json:"path"`   // "/items", "" for $default
	// AuthorizationType NONE, JWT, CUSTOM, AWS_IAM.
	AuthorizationType Value           `json:"authorization_type"`
	AuthorizerID      string          `json:"authorizer_id,omitempty"`
	Integration       *Integration    `json:"integration,omitempty"`
	Source            evidence.Source `json:"source"`
}

// Authorized reports whether the route requires authorization.
func (r *Route) Authorized() Tri {
	if r.AuthorizationType.Unknown {
		return TriUnknown
	}
	t := strings.ToUpper(r.AuthorizationType.S)
	return TriOf(t != "" && t != "NONE")
}

// CorsConfig is an HTTP API's or function URL's CORS configuration.
type CorsConfig struct {
	AllowOrigins  []Value `json:"allow_origins,omitempty"`
	AllowMethods  []Value `json:"allow_methods,omitempty"`
	AllowHeaders  []Value `json:"allow_headers,omitempty"`
	ExposeHeaders []Value `json:"expose_headers,omitempty"`
	// MaxAge in seconds; nil when unset.
	MaxAge *Value `json:"max_age,omitempty"`
	// AllowCredentials; TriNo when unset.
	AllowCredentials Tri `json:"allow_credentials"`
	// CredentialsSource locates AllowCredentials when set.
	CredentialsSource evidence.Source `json:"credentials_source"`
	Source            evidence.Source `json:"source"`
}

// SAMCors is SAM's AWS::Serverless::Api Cors property as written: each
// field is the raw string, which SAM requires to carry inner single
// quotes ("'*'").
type SAMCors struct {
	AllowOrigin      *Value `json:"allow_origin,omitempty"`
	AllowMethods     *Value `json:"allow_methods,omitempty"`
	AllowHeaders     *Value `json:"allow_headers,omitempty"`
	MaxAge           *Value `json:"max_age,omitempty"`
	AllowCredentials Tri    `json:"allow_credentials"`
	// AddDefaultAuthorizerToCorsPreflight (SAM default true) and
	// AddApiKeyRequiredToCorsPreflight (default true) from Auth.
	DefaultAuthorizer     string          `json:"default_authorizer,omitempty"`
	AuthorizerOnPreflight Tri             `json:"authorizer_on_preflight"`
	APIKeyRequired        Tri             `json:"api_key_required"`
	APIKeyOnPreflight     Tri             `json:"api_key_on_preflight"`
	AuthSource            evidence.Source `json:"auth_source"`
	Source                evidence.Source `json:"source"`
}

// GatewayResponse is a customized REST gateway response.
type GatewayResponse struct {
	Type       string `json:"type"`
	StatusCode string `json:"status_code,omitempty"`
	// ResponseParameters: "gatewayresponse.header.X" -> value.
	ResponseParameters map[string]Value `json:"response_parameters,omitempty"`
	Source             evidence.Source  `json:"source"`
}

// Header returns the mapping for gatewayresponse.header.NAME.
func (g *GatewayResponse) Header(name string) (Value, bool) {
	return headerParam(g.ResponseParameters, "gatewayresponse.header.", name)
}

// Authorizer is a REST or HTTP API authorizer.
type Authorizer struct {
	ID   string `json:"id"`
	Name string `json:"name,omitempty"`
	// Type: TOKEN, REQUEST, COGNITO_USER_POOLS (REST); JWT, REQUEST (HTTP).
	Type   string          `json:"type"`
	Source evidence.Source `json:"source"`
}

// Deployment is a REST API deployment (a snapshot of the API's methods).
type Deployment struct {
	ID string `json:"id"`
	// DependsOn lists the resource IDs the deployment waits for
	// (CloudFormation DependsOn, Terraform depends_on).
	DependsOn []string `json:"depends_on,omitempty"`
	// Redeploys reports whether the deployment is re-created when the API
	// changes: Terraform triggers / a redeployment stage description
	// hash / a live deployment's creation after the last change. TriUnknown
	// where the format has no such notion (CloudFormation: see
	// DependsOn).
	Redeploys Tri `json:"redeploys"`
	// StageName is the stage a deployment creates inline (StageName).
	StageName string          `json:"stage_name,omitempty"`
	Source    evidence.Source `json:"source"`
}

// Stage is a deployed stage.
type Stage struct {
	Name string `json:"name"`
	// DeploymentID is the deployment the stage serves ("" when none or
	// unknown).
	DeploymentID string `json:"deployment_id,omitempty"`
	// AutoDeploy (HTTP API).
	AutoDeploy Tri `json:"auto_deploy"`
	// Stale reports whether the deployment the stage serves is known to
	// predate changes of the API's methods (live AWS; TriUnknown for code).
	Stale  Tri             `json:"stale"`
	Source evidence.Source `json:"source"`
}

// SortedKeys returns a map's keys in order; rules use it for stable output.
func SortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// Resource returns the resource with that exact path, or nil.
func (a *API) Resource(path string) *Resource {
	for _, r := range a.Resources {
		if r.Path == path {
			return r
		}
	}
	return nil
}

// AddResource returns the resource for path, creating it (sorted) when
// missing.
func (a *API) AddResource(path string, src evidence.Source) *Resource {
	if r := a.Resource(path); r != nil {
		return r
	}
	r := &Resource{Path: path, Source: src}
	a.Resources = append(a.Resources, r)
	sort.SliceStable(a.Resources, func(i, j int) bool { return a.Resources[i].Path < a.Resources[j].Path })
	return r
}

// AddMethod adds m to r, keeping methods sorted; an existing method with
// the same verb is replaced.
func (r *Resource) AddMethod(m *Method) {
	for i, x := range r.Methods {
		if strings.EqualFold(x.HTTPMethod, m.HTTPMethod) {
			r.Methods[i] = m
			return
		}
	}
	r.Methods = append(r.Methods, m)
	sort.SliceStable(r.Methods, func(i, j int) bool { return r.Methods[i].HTTPMethod < r.Methods[j].HTTPMethod })
}

// Normalize sorts everything that collectors may have appended out of
// order. Collectors call it once when an API is complete.
func (a *API) Normalize() {
	sort.SliceStable(a.Resources, func(i, j int) bool { return a.Resources[i].Path < a.Resources[j].Path })
	for _, r := range a.Resources {
		sort.SliceStable(r.Methods, func(i, j int) bool { return r.Methods[i].HTTPMethod < r.Methods[j].HTTPMethod })
	}
}
