package apimodel

import (
	"net/http"
	"regexp"
	"strconv"
	"strings"

	"github.com/corsdoctor/corsdoctor/cors"
)

// Scenario selects which outcome of the actual request Simulate predicts.
type Scenario string

// Scenarios.
const (
	// Success: the authorizer accepts and the backend succeeds.
	Success Scenario = "success"
	// Unauthorized: the authorizer (or IAM, or a missing API key)
	// rejects the request, so API Gateway answers with a gateway response.
	Unauthorized Scenario = "unauthorized"
	// BackendError: the backend fails (an exception, a timeout).
	BackendError Scenario = "backend-error"
	// Throttled: API Gateway throttles the request (a REST API answers
	// with the THROTTLED gateway response, 429).
	Throttled Scenario = "throttled"
	// CodeError: the handler returns one of its own error responses
	// (Function.Responses with a 4xx/5xx status).
	CodeError Scenario = "code-error"
)

// Simulation is what API Gateway (or Lambda) would answer.
type Simulation struct {
	// Route is the resource method or route that answered the actual
	// request ("GET /items", "ANY /{proxy+}", "$default"), "" when none.
	Route string `json:"route"`
	// Preflight is the answer to the browser's OPTIONS request; nil when
	// the request needs no preflight.
	Preflight *cors.Response `json:"preflight,omitempty"`
	// Actual is the answer to the request itself.
	Actual *cors.Response `json:"actual"`
	// Notes explain, step by step, where each response comes from.
	Notes []string `json:"notes,omitempty"`
	// Unknown lists facts the model could not determine (unresolved
	// values, function code not found); when non-empty the predicted
	// headers may be incomplete and a verdict is a guess.
	Unknown []string `json:"unknown,omitempty"`
	// PreflightUnknown counts the entries of Unknown that concern the
	// preflight (the first ones): a verdict decided at the preflight
	// depends only on those.
	PreflightUnknown int `json:"-"`
}

// Result runs package cors over the simulated responses.
func (s *Simulation) Result(req *cors.Request) cors.Result {
	return cors.Evaluate(req, cors.Hop{Preflight: s.Preflight, Response: s.Actual})
}

// gatewayDefaults is each gateway response type's default status and the
// type it falls back to (cors-semantics.md §6.3).
var gatewayDefaults = map[string]struct {
	status   int
	fallback string
}{
	"ACCESS_DENIED": {403, "DEFAULT_4XX"}, "API_CONFIGURATION_ERROR": {500, "DEFAULT_5XX"},
	"AUTHORIZER_CONFIGURATION_ERROR": {500, "DEFAULT_5XX"}, "AUTHORIZER_FAILURE": {500, "DEFAULT_5XX"},
	"BAD_REQUEST_PARAMETERS": {400, "DEFAULT_4XX"}, "BAD_REQUEST_BODY": {400, "DEFAULT_4XX"},
	"EXPIRED_TOKEN": {403, "DEFAULT_4XX"}, "INTEGRATION_FAILURE": {504, "DEFAULT_5XX"},
	"INTEGRATION_TIMEOUT": {504, "DEFAULT_5XX"}, "INVALID_API_KEY": {403, "DEFAULT_4XX"},
	"INVALID_SIGNATURE": {403, "DEFAULT_4XX"}, "MISSING_AUTHENTICATION_TOKEN": {403, "DEFAULT_4XX"},
	"QUOTA_EXCEEDED": {429, "DEFAULT_4XX"}, "REQUEST_TOO_LARGE": {413, "DEFAULT_4XX"},
	"RESOURCE_NOT_FOUND": {404, "DEFAULT_4XX"}, "THROTTLED": {429, "DEFAULT_4XX"},
	"UNAUTHORIZED": {401, "DEFAULT_4XX"}, "UNSUPPORTED_MEDIA_TYPE": {415, "DEFAULT_4XX"},
	"WAF_FILTERED": {403, "DEFAULT_4XX"}, "DEFAULT_4XX": {403, ""}, "DEFAULT_5XX": {500, ""},
}

// GatewayResponseTypes lists the REST gateway response types.
func GatewayResponseTypes() []string {
	return SortedKeys(gatewayDefaults)
}

// EffectiveGatewayResponse returns the customized response that applies to
// type t (t itself, else its DEFAULT_4XX/5XX fallback), or nil when AWS's
// default (no CORS headers) applies.
func (a *API) EffectiveGatewayResponse(t string) *GatewayResponse {
	if g := a.GatewayResponses[t]; g != nil {
		return g
	}
	if d, ok := gatewayDefaults[t]; ok && d.fallback != "" {
		return a.GatewayResponses[d.fallback]
	}
	return nil
}

// Simulate predicts API Gateway's answers to req for the given path on
// api. path is the request path below the stage ("/items/42"); when
// empty it is taken from req.URL (the first segment is dropped when the
// API has no resource for the full path, as stage names are).
func Simulate(api *API, path string, req *cors.Request, sc Scenario) *Simulation {
	s := &Simulation{}
	if path == "" {
		path = urlPath(req.URL)
	}
	plan := cors.PlanRequest(req)
	method := plan.Method
	switch api.Kind {
	case REST:
		s.rest(api, path, req, plan, method, sc)
	default:
		s.httpAPI(api, path, req, plan, method, sc)
	}
	return s
}

func urlPath(u string) string {
	if i := strings.Index(u, "://"); i >= 0 {
		u = u[i+3:]
		if j := strings.IndexByte(u, '/'); j >= 0 {
			u = u[j:]
		} else {
			u = "/"
		}
	}
	if i := strings.IndexAny(u, "?#"); i >= 0 {
		u = u[:i]
	}
	if u == "" {
		u = "/"
	}
	return u
}

func (s *Simulation) note(f string) { s.Notes = append(s.Notes, f) }

func (s *Simulation) unknown(f string) { s.Unknown = append(s.Unknown, f) }

// matchPath matches a concrete path against a resource template
// ("/items/{id}", "/{proxy+}"); it returns a score (higher is more
// specific) or -1.
func matchPath(tmpl, path string) int {
	if tmpl == path {
		return 1 << 20
	}
	ts := splitPath(tmpl)
	ps := splitPath(path)
	score := 0
	for i, t := range ts {
		if strings.HasPrefix(t, "{") && strings.HasSuffix(t, "+}") {
			if i >= len(ps) {
				return -1
			}
			return score
		}
		if i >= len(ps) {
			return -1
		}
		switch {
		case strings.HasPrefix(t, "{") && strings.HasSuffix(t, "}"):
			score += 1
		case t == ps[i]:
			score += 100
		default:
			return -1
		}
	}
	if len(ts) != len(ps) {
		return -1
	}
	return score + 10
}

func splitPath(p string) []string {
	p = strings.Trim(p, "/")
	if p == "" {
		return nil
	}
	return strings.Split(p, "/")
}

func (a *API) findResource(path string) *Resource {
	best, bestScore := (*Resource)(nil), -1
	for _, r := range a.Resources {
		if sc := matchPath(r.Path, path); sc > bestScore {
			best, bestScore = r, sc
		}
	}
	if best == nil && strings.Count(path, "/") > 1 {
		// The first segment may be the stage name.
		return a.findResource(path[strings.IndexByte(path[1:], '/')+1:])
	}
	return best
}

// FindResource returns the REST resource that serves path, or nil.
func (a *API) FindResource(path string) *Resource { return a.findResource(path) }

func (s *Simulation) gateway(api *API, t string, req *cors.Request) *cors.Response {
	d := gatewayDefaults[t]
	resp := &cors.Response{URL: req.URL, Status: d.status, Header: http.Header{}}
	g := api.EffectiveGatewayResponse(t)
	if g == nil {
		s.note("API Gateway answers with the default " + t + " gateway response (" + strconv.Itoa(d.status) + "), which carries no CORS headers")
		return resp
	}
	if g.StatusCode != "" {
		if n, err := strconv.Atoi(g.StatusCode); err == nil {
			resp.Status = n
		}
	}
	s.note("API Gateway answers with the " + t + " gateway response (customized as " + g.Type + ")")
	for _, k := range SortedKeys(g.ResponseParameters) {
		name, ok := strings.CutPrefix(strings.ToLower(k), "gatewayresponse.header.")
		if !ok {
			continue
		}
		s.mapHeader(resp.Header, name, g.ResponseParameters[k], req)
	}
	return resp
}

// mapHeader applies one REST mapping value to h.
func (s *Simulation) mapHeader(h http.Header, name string, v Value, req *cors.Request) {
	if st, ok := v.Static(); ok {
		h.Add(http.CanonicalHeaderKey(name), st)
		return
	}
	if strings.EqualFold(strings.TrimSpace(v.S), "method.request.header.origin") && !v.Unknown {
		if req.Origin != "" {
			h.Add(http.CanonicalHeaderKey(name), req.Origin)
		}
		return
	}
	if !strings.HasPrefix(strings.ToLower(name), "access-control-") {
		// The browser's CORS check and preflight read only the
		// Access-Control-* headers (Fetch standard, "CORS check" and
		// "CORS-preflight fetch"), so a run-time Content-Type or
		// X-Request-Id leaves the verdict known.
		s.note("the value of " + name + " comes from " + v.String() + " at run time (not a CORS header)")
		return
	}
	s.unknown("the value of " + name + " comes from " + v.String() + ", which is only known at run time")
}

func (s *Simulation) rest(api *API, path string, req *cors.Request, plan cors.Plan, method string, sc Scenario) {
	res := api.findResource(path)
	if plan.Required {
		s.Preflight = s.restAnswer(api, res, "OPTIONS", req, Success, true)
		if s.Preflight.Status < 200 || s.Preflight.Status > 299 || s.Preflight.Header.Get("Access-Control-Allow-Origin") == "" {
			// The browser stops here; still predict the actual response
			// for completeness.
			s.note("the browser does not send the actual request when the preflight fails")
		}
	}
	s.PreflightUnknown = len(s.Unknown)
	s.Actual = s.restAnswer(api, res, method, req, sc, false)
}

func (s *Simulation) restAnswer(api *API, res *Resource, verb string, req *cors.Request, sc Scenario, preflight bool) *cors.Response {
	if res == nil {
		s.note("no resource matches the path")
		return s.gateway(api, "MISSING_AUTHENTICATION_TOKEN", req)
	}
	m := res.Route(verb)
	if m == nil {
		s.note("resource " + res.Path + " has no " + verb + " method (and no ANY)")
		return s.gateway(api, "MISSING_AUTHENTICATION_TOKEN", req)
	}
	if !preflight {
		s.Route = m.HTTPMethod + " " + res.Path
	}
	switch m.Authorized() {
	case TriUnknown:
		s.unknown("the authorization type of " + verb + " " + res.Path + " is " + m.AuthorizationType.String())
	case TriYes:
		if preflight || sc == Unauthorized {
			what := "the browser sends the preflight without credentials"
			if !preflight {
				what = "the authorizer rejects the request"
			}
			s.note(verb + " " + res.Path + " requires authorization (" + m.AuthorizationType.S + "); " + what)
			if strings.EqualFold(m.AuthorizationType.S, "AWS_IAM") {
				return s.gateway(api, "MISSING_AUTHENTICATION_TOKEN", req)
			}
			return s.gateway(api, "UNAUTHORIZED", req)
		}
	}
	if sc == Throttled && !preflight {
		s.note("API Gateway throttles " + verb + " " + res.Path)
		return s.gateway(api, "THROTTLED", req)
	}
	if m.APIKeyRequired == TriYes && (preflight || sc == Unauthorized) {
		s.note(verb + " " + res.Path + " requires an API key; the request carries none")
		return s.gateway(api, "INVALID_API_KEY", req)
	}
	in := m.Integration
	if in == nil {
		s.note(verb + " " + res.Path + " has no integration")
		return s.gateway(api, "API_CONFIGURATION_ERROR", req)
	}
	if in.Type.IsProxy() {
		return s.proxyAnswer(in, verb, res.Path, req, sc, preflight, false)
	}
	if in.Type == Mock && hasBinaryAll(api) && in.ContentHandling != "CONVERT_TO_TEXT" {
		s.note("binaryMediaTypes includes */*, so the MOCK integration gets a binary body it cannot transform (\"Unable to transform request\")")
		return &cors.Response{URL: req.URL, Status: 500, Header: http.Header{}}
	}
	if sc == BackendError && in.Type != Mock {
		ir := errorResponse(in)
		if ir == nil {
			s.note("no integration response maps a backend error; API Gateway answers 502/500 with no mapped headers")
			return s.gateway(api, "DEFAULT_5XX", req)
		}
		return s.integrationAnswer(m, ir, req)
	}
	ir := defaultResponse(in)
	if ir == nil {
		s.note(verb + " " + res.Path + " has no default integration response")
		return s.gateway(api, "API_CONFIGURATION_ERROR", req)
	}
	return s.integrationAnswer(m, ir, req)
}

func (s *Simulation) integrationAnswer(m *Method, ir *IntegrationResponse, req *cors.Request) *cors.Response {
	st, err := strconv.Atoi(ir.StatusCode)
	if err != nil {
		st = 200
		s.unknown("integration response status " + strconv.Quote(ir.StatusCode))
	}
	resp := &cors.Response{URL: req.URL, Status: st, Header: http.Header{}}
	for _, k := range SortedKeys(ir.ResponseParameters) {
		name, ok := strings.CutPrefix(strings.ToLower(k), "method.response.header.")
		if !ok {
			continue
		}
		s.mapHeader(resp.Header, name, ir.ResponseParameters[k], req)
	}
	for _, h := range []string{"Access-Control-Allow-Origin", "Access-Control-Allow-Credentials", "Access-Control-Allow-Methods", "Access-Control-Allow-Headers"} {
		if ir.TemplateSetsHeader(h) {
			s.unknown(h + " set by the response template of integration response " + ir.StatusCode + " ($context.responseOverride), depending on the request")
		}
	}
	s.note(m.HTTPMethod + " answers " + ir.StatusCode + " through its integration response (pattern " + strconv.Quote(ir.StatusPattern) + ")")
	return resp
}

func (s *Simulation) proxyAnswer(in *Integration, verb, path string, req *cors.Request, sc Scenario, preflight, gatewayCORS bool) *cors.Response {
	resp := &cors.Response{URL: req.URL, Status: 200, Header: http.Header{}}
	fn := in.Function
	if gatewayCORS && !preflight {
		// The CORS configuration replaces whatever the backend sends.
		s.note(verb + " " + path + " is answered by its integration; the CORS headers come from the API's CORS configuration")
		if sc == BackendError {
			resp.Status = 502
		}
		return resp
	}
	what := verb + " " + path + " is a proxy integration: the backend's headers pass through"
	if fn == nil {
		s.note(what)
		s.unknown("the backend's code was not found, so its CORS headers are unknown")
		return resp
	}
	if preflight && fn.HandlesOptions == TriNo {
		s.note(what + "; the function does not answer OPTIONS")
		return resp
	}
	if sc == BackendError {
		s.note(what + "; an unhandled exception or timeout gives 502/504 with no CORS headers")
		resp.Status = 502
		return resp
	}
	if r := pickResponse(fn.Responses, sc); r != nil {
		// The handler's own response path, as its code shows it.
		if n, err := strconv.Atoi(r.Status); err == nil {
			resp.Status = n
		}
		at := r.Source.String()
		switch {
		case r.AllowOrigin != TriYes:
			s.note(what + "; the function answers " + r.Status + " at " + at + " without Access-Control-Allow-Origin")
		case r.AllowOriginValue != "":
			s.note(what + "; the function answers " + r.Status + " at " + at + " with Access-Control-Allow-Origin: " + r.AllowOriginValue)
			resp.Header.Set("Access-Control-Allow-Origin", r.AllowOriginValue)
		default:
			s.note(what + "; the function answers " + r.Status + " at " + at + " with Access-Control-Allow-Origin (computed; assumed to match)")
			resp.Header.Set("Access-Control-Allow-Origin", req.Origin)
			s.unknown("the Access-Control-Allow-Origin value the function computes")
		}
		if r.AllowCredentials == TriYes {
			resp.Header.Set("Access-Control-Allow-Credentials", "true")
		}
		return resp
	}
	if sc == CodeError {
		s.note(what + "; no error response of the function was found")
		s.unknown("the function's error responses")
		return resp
	}
	switch fn.SetsAllowOrigin {
	case TriNo:
		s.note(what + "; the function never sets Access-Control-Allow-Origin")
	case TriYes:
		s.note(what + "; the function sets Access-Control-Allow-Origin (value assumed to match)")
		resp.Header.Set("Access-Control-Allow-Origin", req.Origin)
		s.unknown("the exact header values the function returns")
	default:
		s.note(what)
		s.unknown("whether the function sets Access-Control-Allow-Origin")
	}
	return resp
}

func hasBinaryAll(api *API) bool {
	for _, v := range api.BinaryMediaTypes {
		if !v.Unknown && strings.TrimSpace(v.S) == "*/*" {
			return true
		}
	}
	return false
}

// defaultResponse is the integration response used on success: the
// default pattern, else one whose pattern matches 200, else the first 2xx.
func defaultResponse(in *Integration) *IntegrationResponse {
	for _, r := range in.Responses {
		if r.IsDefault() {
			return r
		}
	}
	for _, r := range in.Responses {
		if re, err := regexp.Compile("^(?:" + r.StatusPattern + ")$"); err == nil && re.MatchString("200") {
			return r
		}
	}
	for _, r := range in.Responses {
		if strings.HasPrefix(r.StatusCode, "2") {
			return r
		}
	}
	return nil
}

func errorResponse(in *Integration) *IntegrationResponse {
	for _, r := range in.Responses {
		if !r.IsDefault() && strings.HasPrefix(r.StatusCode, "5") {
			return r
		}
	}
	return nil
}

// OriginAllowed applies HTTP API / function URL allowOrigins matching:
// "*" is any origin, an entry with one "*" matches as a prefix/suffix glob
// ("https://*"), anything else must equal the origin.
func OriginAllowed(origins []Value, origin string) Tri {
	unknown := false
	for _, o := range origins {
		if o.Unknown {
			unknown = true
			continue
		}
		p := strings.TrimSpace(o.S)
		if p == "*" || strings.EqualFold(p, origin) {
			return TriYes
		}
		if pre, suf, ok := strings.Cut(p, "*"); ok && len(origin) >= len(pre)+len(suf) &&
			strings.HasPrefix(strings.ToLower(origin), strings.ToLower(pre)) && strings.HasSuffix(strings.ToLower(origin), strings.ToLower(suf)) {
			return TriYes
		}
	}
	if unknown {
		return TriUnknown
	}
	return TriNo
}

func joinValues(vs []Value) string {
	var parts []string
	for _, v := range vs {
		if !v.Unknown {
			parts = append(parts, strings.TrimSpace(v.S))
		}
	}
	return strings.Join(parts, ",")
}

func hasWildcard(vs []Value) bool {
	for _, v := range vs {
		if !v.Unknown && strings.TrimSpace(v.S) == "*" {
			return true
		}
	}
	return false
}

// corsHeaders adds the built-in CORS headers an HTTP API / function URL
// returns for origin.
func (s *Simulation) corsHeaders(c *CorsConfig, h http.Header, req *cors.Request, preflight bool) {
	switch OriginAllowed(c.AllowOrigins, req.Origin) {
	case TriNo:
		s.note("the origin " + req.Origin + " is not in allowOrigins, so no CORS headers are added")
		return
	case TriUnknown:
		s.unknown("allowOrigins contains unresolved values")
		return
	}
	if hasWildcard(c.AllowOrigins) && c.AllowCredentials != TriYes {
		h.Set("Access-Control-Allow-Origin", "*")
	} else {
		h.Set("Access-Control-Allow-Origin", req.Origin)
	}
	if c.AllowCredentials == TriYes {
		h.Set("Access-Control-Allow-Credentials", "true")
	}
	if preflight {
		if m := joinValues(c.AllowMethods); m != "" {
			h.Set("Access-Control-Allow-Methods", m)
		}
		if hd := joinValues(c.AllowHeaders); hd != "" {
			h.Set("Access-Control-Allow-Headers", hd)
		}
		if c.MaxAge != nil && !c.MaxAge.Unknown && c.MaxAge.S != "" {
			h.Set("Access-Control-Max-Age", c.MaxAge.S)
		}
	} else if e := joinValues(c.ExposeHeaders); e != "" {
		h.Set("Access-Control-Expose-Headers", e)
	}
}

// FindRoute returns the HTTP API route that serves verb on path following
// API Gateway's priority: exact route and method, then ANY on the path,
// then greedy paths, then $default.
func (a *API) FindRoute(verb, path string) *Route {
	var best *Route
	bestScore := -1
	for _, r := range a.Routes {
		if r.Key == "$default" {
			continue
		}
		if !strings.EqualFold(r.Method, verb) && r.Method != "ANY" {
			continue
		}
		sc := matchPath(r.Path, path)
		if sc < 0 {
			continue
		}
		sc *= 2
		if r.Method != "ANY" {
			sc++
		}
		if sc > bestScore {
			best, bestScore = r, sc
		}
	}
	if best != nil {
		return best
	}
	for _, r := range a.Routes {
		if r.Key == "$default" {
			return r
		}
	}
	return nil
}

func (s *Simulation) httpAPI(api *API, path string, req *cors.Request, plan cors.Plan, method string, sc Scenario) {
	name := "the HTTP API"
	if api.Kind == FunctionURL {
		name = "the function URL"
	}
	if plan.Required {
		if api.Cors != nil {
			st := 204
			if api.Kind == FunctionURL {
				st = 200
			}
			resp := &cors.Response{URL: req.URL, Status: st, Header: http.Header{}}
			s.note(name + " has a CORS configuration, so it answers the preflight itself")
			s.corsHeaders(api.Cors, resp.Header, req, true)
			s.Preflight = resp
		} else {
			s.Preflight = s.httpRoute(api, name, "OPTIONS", path, req, Success, true)
		}
	}
	s.PreflightUnknown = len(s.Unknown)
	s.Actual = s.httpRoute(api, name, method, path, req, sc, false)
	if api.Cors != nil {
		// "API Gateway ignores CORS headers returned from your backend
		// integration" and adds the configured ones (http-api-cors.md).
		for k := range s.Actual.Header {
			if cors.IsCORSHeader(k) {
				s.Actual.Header.Del(k)
			}
		}
		s.corsHeaders(api.Cors, s.Actual.Header, req, false)
	}
}

func (s *Simulation) httpRoute(api *API, name, verb, path string, req *cors.Request, sc Scenario, preflight bool) *cors.Response {
	if api.Kind == FunctionURL {
		in := &Integration{Type: AWSProxy, Function: api.Function}
		return s.proxyAnswer(in, verb, path, req, sc, preflight, api.Cors != nil)
	}
	r := api.FindRoute(verb, path)
	if r == nil {
		s.note("no route of " + name + " matches " + verb + " " + path)
		return &cors.Response{URL: req.URL, Status: 404, Header: http.Header{}}
	}
	if !preflight {
		s.Route = r.Key
	}
	switch r.Authorized() {
	case TriUnknown:
		s.unknown("the authorization type of route " + r.Key)
	case TriYes:
		if preflight || sc == Unauthorized {
			s.note("route " + r.Key + " requires authorization (" + r.AuthorizationType.S + ")")
			st := 401
			if strings.EqualFold(r.AuthorizationType.S, "AWS_IAM") {
				st = 403
			}
			return &cors.Response{URL: req.URL, Status: st, Header: http.Header{}}
		}
	}
	if r.Integration == nil {
		s.note("route " + r.Key + " has no integration")
		return &cors.Response{URL: req.URL, Status: 500, Header: http.Header{}}
	}
	return s.proxyAnswer(r.Integration, "route", r.Key, req, sc, preflight, api.Cors != nil)
}

// pickResponse chooses the handler response a scenario meets: the first
// success response (status 2xx, or the only kind found) for Success, the
// first returned 4xx/5xx for CodeError; nil when the code shows none.
func pickResponse(rs []*CodeResponse, sc Scenario) *CodeResponse {
	if sc == CodeError {
		// The error response without CORS headers when there is one.
		for _, r := range rs {
			if !r.Thrown && r.IsError() && r.AllowOrigin != TriYes {
				return r
			}
		}
	}
	for _, r := range rs {
		switch {
		case sc == CodeError && !r.Thrown && r.IsError():
			return r
		case sc == Success && !r.Thrown && strings.HasPrefix(r.Status, "2"):
			return r
		}
	}
	return nil
}
