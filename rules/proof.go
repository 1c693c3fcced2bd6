package rules

import (
	"fmt"
	"net/http"
	"sort"
	"strings"

	"github.com/corsdoctor/corsdoctor/apimodel"
	"github.com/corsdoctor/corsdoctor/cors"
	"github.com/corsdoctor/corsdoctor/diag"
)

// Every CD20xx rule that claims the browser blocks a request proves it:
// it builds one concrete request, predicts API Gateway's answers with
// apimodel.Simulate and runs the browser's algorithm (package cors) on
// them. A rule reports only when the simulation blocks the request
// without depending on an unknown fact, and shows the simulation as the
// finding's evidence (request, simulated responses, console message).

// defaultOrigin is the page origin used when the API names none.
const defaultOrigin = "https://app.example.com"

// originFor picks the page origin a simulation uses: the first --origin,
// else the first exact origin the API allows, else defaultOrigin.
func originFor(p *diag.Pass, api *apimodel.API) string {
	if o := p.Input().Origins; len(o) > 0 {
		return o[0]
	}
	found := ""
	originValues(api, func(o string, _ apimodel.Value, _ string) {
		if found == "" && strings.HasPrefix(o, "https://") && !strings.ContainsAny(o, "*, ") && strings.Count(o, "/") == 2 {
			found = o
		}
	})
	if found != "" {
		return found
	}
	return defaultOrigin
}

// proof is a simulated request and its verdict.
type proof struct {
	req *cors.Request
	sim *apimodel.Simulation
	res cors.Result
}

// simulate runs req through the model and the engine.
func simulate(api *apimodel.API, path string, req *cors.Request, sc apimodel.Scenario) *proof {
	s := apimodel.Simulate(api, path, req, sc)
	return &proof{req: req, sim: s, res: s.Result(req)}
}

// blocked reports whether the browser blocks the request and the
// decision does not rest on an unknown fact.
func (pr *proof) blocked() bool {
	if !pr.res.Blocked() {
		return false
	}
	if pr.res.Stage == cors.StagePreflight {
		return pr.sim.PreflightUnknown == 0
	}
	return len(pr.sim.Unknown) == 0
}

// allowed reports an allowed request decided without unknown facts.
func (pr *proof) allowed() bool { return pr.res.Allowed && len(pr.sim.Unknown) == 0 }

// evidence renders the simulation: the request, the simulated
// responses with their CORS headers, the console message and the notes
// that explain where each answer comes from.
func (pr *proof) evidence() []string {
	r := pr.req
	line := "simulated request: " + strings.ToUpper(r.Method) + " " + r.URL + " from " + r.Origin
	var hs []string
	for _, h := range r.Headers {
		hs = append(hs, h.Name)
	}
	if len(hs) > 0 {
		line += " with " + strings.Join(hs, ", ")
	}
	if r.Credentials == cors.CredentialsInclude {
		line += " (credentials: include)"
	}
	out := []string{line}
	if pr.sim.Preflight != nil {
		out = append(out, respLines("simulated preflight (OPTIONS)", pr.sim.Preflight)...)
	}
	if pr.res.ActualSent || pr.sim.Preflight == nil {
		out = append(out, respLines("simulated response", pr.sim.Actual)...)
	}
	if m := pr.res.ConsoleMessage(); m != "" {
		out = append(out, "console: "+m)
	}
	for _, w := range pr.res.Warnings {
		out = append(out, "warning: "+w.Message)
	}
	for _, n := range pr.sim.Notes {
		out = append(out, "  because "+n)
	}
	return out
}

func respLines(kind string, r *cors.Response) []string {
	if r == nil {
		return nil
	}
	out := []string{fmt.Sprintf("%s: %d %s", kind, r.Status, http.StatusText(r.Status))}
	var names []string
	for k := range r.Header {
		if cors.IsCORSHeader(k) {
			names = append(names, k)
		}
	}
	sort.Strings(names)
	for _, k := range names {
		out = append(out, "  "+k+": "+strings.Join(r.Header[k], ", "))
	}
	if len(names) == 0 {
		out = append(out, "  (no Access-Control-* headers)")
	}
	return out
}

// requestFor builds the request a page sends to one method of an API:
// JSON Content-Type for bodies, Authorization (or the SigV4 headers for
// AWS_IAM) when authorized, X-Api-Key when a key is required.
func requestFor(api *apimodel.API, origin, method, path string, auth apimodel.Value, apiKey bool) *cors.Request {
	rt := simRoute{method: method, path: path, key: apiKey}
	if !auth.Unknown {
		t := strings.ToUpper(auth.S)
		rt.auth = t != "" && t != "NONE"
		rt.iam = t == "AWS_IAM"
	}
	return simulatedRequest(api, origin, rt)
}

// forcePreflight adds a JSON Content-Type when req would go without a
// preflight: the request a page sends with a JSON body.
func forcePreflight(req *cors.Request) *cors.Request {
	if cors.PlanRequest(req).Required {
		return req
	}
	c := *req
	c.Headers = append(append([]cors.Header(nil), req.Headers...), cors.Header{Name: "Content-Type", Value: "application/json"})
	if c.Method == "GET" || c.Method == "HEAD" {
		c.Method = "POST"
	}
	return &c
}

// sigV4Headers are the headers a browser sends when it signs a request
// with AWS Signature Version 4 (aws4fetch, AWS SDK, Amplify): the
// signature in Authorization, its time in X-Amz-Date and, with the
// temporary credentials a browser always has (Cognito identity pools,
// STS), X-Amz-Security-Token. (AWS General Reference, "Signature Version
// 4 signing process": "Add the signature to the request".)
var sigV4Headers = []string{"Authorization", "X-Amz-Date", "X-Amz-Security-Token"}

// proveMethod simulates the request a page sends to method m of a REST
// resource (or, with m nil, to its first method), after mod adjusts it.
// nil when no such request is blocked without unknowns.
func proveMethod(p *diag.Pass, api *apimodel.API, res *apimodel.Resource, m *apimodel.Method, sc apimodel.Scenario, mod func(*cors.Request) *cors.Request) *proof {
	if m == nil {
		for _, x := range res.Methods {
			if x.HTTPMethod != "OPTIONS" {
				m = x
				break
			}
		}
	}
	if m == nil {
		return nil
	}
	verb := m.HTTPMethod
	if verb == "ANY" {
		verb = "PUT"
	}
	req := requestFor(api, originFor(p, api), verb, res.Path, m.AuthorizationType, m.APIKeyRequired == apimodel.TriYes)
	if mod != nil {
		req = mod(req)
	}
	pr := simulate(api, res.Path, req, sc)
	if !pr.blocked() {
		return nil
	}
	return pr
}

// proveRoute is proveMethod for an HTTP API route or a function URL
// (r nil).
func proveRoute(p *diag.Pass, api *apimodel.API, r *apimodel.Route, sc apimodel.Scenario, mod func(*cors.Request) *cors.Request) *proof {
	verb, path, auth := "POST", "/", api.AuthType
	if r != nil {
		verb, path, auth = r.Method, r.Path, r.AuthorizationType
		if verb == "ANY" || verb == "" {
			verb = "PUT"
		}
		if path == "" {
			path = "/"
		}
		path = strings.ReplaceAll(path, "{proxy+}", "x")
	}
	req := requestFor(api, originFor(p, api), verb, path, auth, false)
	if mod != nil {
		req = mod(req)
	}
	pr := simulate(api, path, req, sc)
	if !pr.blocked() {
		return originEitherWay(api, path, req, sc, pr)
	}
	return pr
}

// originEitherWay settles a simulation that only an unresolved
// allowOrigins entry (a !Ref, a variable) kept open: if the origin is not
// allowed the browser gets no CORS headers and blocks the request; if the
// request is blocked when it is allowed too, it is blocked either way.
func originEitherWay(api *apimodel.API, path string, req *cors.Request, sc apimodel.Scenario, pr *proof) *proof {
	c := api.Cors
	if c == nil || len(pr.sim.Unknown) == 0 || apimodel.OriginAllowed(c.AllowOrigins, req.Origin) != apimodel.TriUnknown {
		return nil
	}
	cc := *c
	cc.AllowOrigins = []apimodel.Value{apimodel.Known(req.Origin, c.Source)}
	alt := *api
	alt.Cors = &cc
	x := simulate(&alt, path, req, sc)
	if !x.blocked() {
		return nil
	}
	x.sim.Notes = append(x.sim.Notes, "allowOrigins is only known at deploy time: blocked whether or not it allows "+req.Origin)
	return x
}

// withCredentials makes the request credentialed (cookies, fetch
// credentials: 'include').
func withCredentials(r *cors.Request) *cors.Request {
	c := *r
	c.Credentials = cors.CredentialsInclude
	return &c
}

// withOrigin sends the request from another page origin.
func withOrigin(o string) func(*cors.Request) *cors.Request {
	return func(r *cors.Request) *cors.Request {
		c := *r
		c.Origin = o
		return &c
	}
}

// proveAny simulates each route of the API in turn (after mod) and
// returns the first blocked one, or nil.
func proveAny(p *diag.Pass, api *apimodel.API, sc apimodel.Scenario, mod func(*cors.Request) *cors.Request) *proof {
	n := 0
	routes := routesOf(api)
	if len(routes) == 0 && api.Cors != nil {
		// No route in the code, but the CORS configuration answers
		// every preflight: a JSON PUT is decided at the preflight.
		routes = []simRoute{{method: "PUT", path: "/"}}
	}
	for _, rt := range routes {
		if n++; n > 32 {
			break
		}
		req := simulatedRequest(api, originFor(p, api), rt)
		if mod != nil {
			req = mod(req)
		}
		if pr := simulate(api, rt.path, req, sc); pr.blocked() {
			return pr
		}
	}
	return nil
}

// intendedOrigin is the origin a malformed allowed origin was meant to
// be: scheme added, path and trailing slash dropped, host lower-cased,
// default port removed.
func intendedOrigin(o string) string {
	s := strings.TrimSpace(o)
	if !strings.Contains(s, "://") {
		s = "https://" + s
	}
	scheme, rest, _ := strings.Cut(s, "://")
	if i := strings.IndexByte(rest, '/'); i >= 0 {
		rest = rest[:i]
	}
	rest = strings.ToLower(rest)
	scheme = strings.ToLower(scheme)
	if scheme == "https" {
		rest = strings.TrimSuffix(rest, ":443")
	} else if scheme == "http" {
		rest = strings.TrimSuffix(rest, ":80")
	}
	return scheme + "://" + rest
}

// actual returns the proof about the actual response: pr itself when the
// browser got that far, else the same simulation evaluated with a
// preflight that passes (the preflight's own failure is another finding),
// which the evidence says.
func (pr *proof) actual() *proof {
	if pr == nil || pr.sim.Preflight == nil || pr.res.Stage != cors.StagePreflight || pr.sim.Actual == nil {
		return pr
	}
	plan := cors.PlanRequest(pr.req)
	h := http.Header{}
	h.Set("Access-Control-Allow-Origin", pr.req.Origin)
	h.Set("Access-Control-Allow-Methods", plan.Method)
	if plan.RequestHeaders != "" {
		h.Set("Access-Control-Allow-Headers", plan.RequestHeaders)
	}
	if pr.req.Credentials == cors.CredentialsInclude {
		h.Set("Access-Control-Allow-Credentials", "true")
	}
	sim := *pr.sim
	sim.Preflight = &cors.Response{URL: pr.sim.Preflight.URL, Status: 204, Header: h}
	sim.Notes = append([]string{"the preflight is assumed to pass here (it does not today: see the preflight finding)"}, pr.sim.Notes...)
	sim.PreflightUnknown = 0
	return &proof{req: pr.req, sim: &sim, res: cors.Evaluate(pr.req, cors.Hop{Preflight: sim.Preflight, Response: sim.Actual})}
}

// failsWith keeps a proof whose verdict is one of the given errors.
func (pr *proof) failsWith(names ...cors.ErrorName) *proof {
	if pr == nil || !pr.blocked() {
		return nil
	}
	for _, n := range names {
		if pr.res.Error == n {
			return pr
		}
	}
	return nil
}

// Error classes the rules expect their proof to show.
var (
	originErrors = []cors.ErrorName{cors.AllowOriginMismatch, cors.InvalidAllowOriginValue, cors.MultipleAllowOriginValues,
		cors.PreflightAllowOriginMismatch, cors.PreflightInvalidAllowOriginValue, cors.PreflightMultipleAllowOriginValues}
	// HTTP APIs and function URLs add no CORS headers at all for an
	// origin that matches no allowOrigins entry.
	configOriginErrors = append([]cors.ErrorName{cors.MissingAllowOriginHeader, cors.PreflightMissingAllowOriginHeader}, originErrors...)
)

// originErrorsFor is the failure a wrong allowed origin causes where it
// is configured.
func originErrorsFor(where string) []cors.ErrorName {
	if where == "allowOrigins" {
		return configOriginErrors
	}
	return originErrors
}

var (
	missingOrigin = []cors.ErrorName{cors.MissingAllowOriginHeader}
)

// proveActual simulates the request to m and keeps it when the actual
// response (with the preflight assumed to pass) fails with one of names.
func proveActual(p *diag.Pass, api *apimodel.API, res *apimodel.Resource, m *apimodel.Method, r *apimodel.Route, sc apimodel.Scenario, mod func(*cors.Request) *cors.Request, names ...cors.ErrorName) *proof {
	var req *cors.Request
	path := "/"
	switch {
	case m != nil:
		verb := m.HTTPMethod
		if verb == "ANY" {
			verb = "PUT"
		}
		path = res.Path
		req = requestFor(api, originFor(p, api), verb, path, m.AuthorizationType, m.APIKeyRequired == apimodel.TriYes)
	case r != nil:
		verb := r.Method
		if verb == "ANY" || verb == "" {
			verb = "PUT"
		}
		if r.Path != "" {
			path = strings.ReplaceAll(r.Path, "{proxy+}", "x")
		}
		req = requestFor(api, originFor(p, api), verb, path, r.AuthorizationType, false)
	default:
		req = requestFor(api, originFor(p, api), "POST", path, api.AuthType, false)
	}
	if mod != nil {
		req = mod(req)
	}
	pr := simulate(api, path, req, sc).actual()
	if len(pr.sim.Unknown) > 0 {
		return nil
	}
	return pr.failsWith(names...)
}

// proveAnyWith is proveAny for a failure of one of the given kinds, at
// whichever stage it shows (the actual response is evaluated with a
// passing preflight when the preflight fails for another reason).
func proveAnyWith(p *diag.Pass, api *apimodel.API, mod func(*cors.Request) *cors.Request, names ...cors.ErrorName) *proof {
	routes := routesOf(api)
	if len(routes) == 0 && api.Cors != nil {
		routes = []simRoute{{method: "PUT", path: "/"}}
	}
	for i, rt := range routes {
		if i >= 32 {
			break
		}
		req := simulatedRequest(api, originFor(p, api), rt)
		if mod != nil {
			req = mod(req)
		}
		pr := simulate(api, rt.path, req, apimodel.Success)
		if x := pr.failsWith(names...); x != nil {
			return x
		}
		if x := pr.actual(); x != pr && len(x.sim.Unknown) == 0 {
			if y := x.failsWith(names...); y != nil {
				return y
			}
		}
	}
	return nil
}
