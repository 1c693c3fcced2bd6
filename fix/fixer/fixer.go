// Package fixer holds what the format packages of `corsdoctor fix`
// share: the context a fix runs in (the finding, the API model, the
// user's --origin and --header values, the files open for editing), what
// a fix returns (a one-line summary, the routes it must make pass, or
// advice to apply by hand), the ways a fix declines (a value the user
// must give, or a reason), and the values every format derives the same
// way from the model: the origin to allow, the methods of a resource, the
// headers its clients send.
//
// Values are never invented: an origin comes from --origin or from the
// API's own configuration; when neither is certain the fix asks for the
// flag by name.
package fixer

import (
	"errors"
	"fmt"
	"github.com/corsdoctor/corsdoctor/rules"
	"net/url"
	"path/filepath"
	"regexp"
	"sort"
	"strings"

	"github.com/hashicorp/hcl/v2/hclwrite"

	"github.com/corsdoctor/corsdoctor/apimodel"
	"github.com/corsdoctor/corsdoctor/diag"
	"github.com/corsdoctor/corsdoctor/evidence"
	"github.com/corsdoctor/corsdoctor/fix/yamledit"
)

// Source is a location in a file.
type Source = evidence.Source

// Files gives a fix the files of the run, open for editing in the current
// transaction. Edits to docs are applied when the engine commits.
type Files interface {
	// Doc opens a YAML/JSON file (once per transaction).
	Doc(name string) (*yamledit.Doc, error)
	// HCL opens a Terraform file (once per transaction).
	HCL(name string) (*hclwrite.File, error)
	// Read returns a file's current bytes.
	Read(name string) ([]byte, error)
	// Write replaces a text file's bytes (function handlers).
	Write(name string, b []byte) error
	// Names lists the files of the run (for new Terraform resources in
	// the module of the API).
	Names() []string
}

// Ctx is one fix being made.
type Ctx struct {
	Finding diag.Finding
	// API is the API the finding is about (nil when it could not be
	// matched); APIs every API of the run.
	API  *apimodel.API
	APIs []*apimodel.API
	// Origins are the --origin values (normalized); Headers the --header
	// names the API's clients send.
	Origins []string
	Headers []string
	Files   Files
	// ChangedAPI is set when an earlier fix of this run changed the API
	// (a deployment must then be re-created to serve the change).
	ChangedAPI bool
}

// Stage is the step of the browser's check a fix targets.
type Stage string

// Stages.
const (
	Preflight Stage = "preflight" // the preflight must pass
	Actual    Stage = "actual"    // the whole request must be ALLOWED
)

// Scenario names the outcome simulated for a target.
type Scenario = apimodel.Scenario

// Target is a route the fix must make pass: method and path as the
// proof's client requests name them ("PUT", "/items/{id}").
type Target struct {
	API      string
	Method   string
	Path     string
	Stage    Stage
	Scenario Scenario
}

// Change is what a fix did.
type Change struct {
	// Summary says what changed, in one line.
	Summary string
	// Targets are the routes the fix must make pass (none for fixes that
	// do not change a simulated verdict, such as redeployment triggers:
	// those are proved by the rule no longer firing).
	Targets []Target
	// Advice is the change to make by hand when the code is generated
	// (CDK output) or uncertain (a handler): no file is edited.
	Advice string
	// Files the fix edited.
	Files []string
}

// NeedFlag is a fix that needs a value only the user can give.
type NeedFlag struct {
	Flag string // "--origin"
	Why  string
}

func (e *NeedFlag) Error() string { return "needs " + e.Flag + ": " + e.Why }

// Needs returns a NeedFlag error.
func Needs(flag, format string, a ...any) error {
	return &NeedFlag{Flag: flag, Why: fmt.Sprintf(format, a...)}
}

// Skip is a fix declined for a reason (the construct is not mechanical
// to change, or the change would be wrong). Satisfied marks a finding
// that is in the state the fix would produce (a deployment already named
// after the current methods): nothing to do, nothing to report.
type Skip struct {
	Reason    string
	Satisfied bool
}

func (e *Skip) Error() string { return e.Reason }

// Skipf returns a Skip error.
func Skipf(format string, a ...any) error { return &Skip{Reason: fmt.Sprintf(format, a...)} }

// Satisfiedf returns a Skip for a finding already in the fixed state.
func Satisfiedf(format string, a ...any) error {
	return &Skip{Reason: fmt.Sprintf(format, a...), Satisfied: true}
}

// IsDecline reports whether err is a NeedFlag or a Skip.
func IsDecline(err error) bool {
	var nf *NeedFlag
	var sk *Skip
	return errors.As(err, &nf) || errors.As(err, &sk)
}

// ---- the model ----

// Sources calls fn with every location an API's model records.
func Sources(api *apimodel.API, fn func(evidence.Source)) {
	fn(api.Source)
	val := func(v apimodel.Value) { fn(v.Source) }
	for _, r := range api.Resources {
		fn(r.Source)
		for _, m := range r.Methods {
			fn(m.Source)
			val(m.AuthorizationType)
			if in := m.Integration; in != nil {
				fn(in.Source)
				for _, ir := range in.Responses {
					fn(ir.Source)
					for _, v := range ir.ResponseParameters {
						val(v)
					}
				}
			}
			for _, mr := range m.MethodResponses {
				fn(mr.Source)
			}
		}
	}
	for _, r := range api.Routes {
		fn(r.Source)
		val(r.AuthorizationType)
	}
	if c := api.Cors; c != nil {
		fn(c.Source)
		fn(c.CredentialsSource)
		for _, l := range [][]apimodel.Value{c.AllowOrigins, c.AllowMethods, c.AllowHeaders, c.ExposeHeaders} {
			for _, v := range l {
				val(v)
			}
		}
		if c.MaxAge != nil {
			val(*c.MaxAge)
		}
	}
	if s := api.SAMCors; s != nil {
		fn(s.Source)
		fn(s.AuthSource)
		for _, v := range []*apimodel.Value{s.AllowOrigin, s.AllowMethods, s.AllowHeaders, s.MaxAge} {
			if v != nil {
				val(*v)
			}
		}
	}
	for _, g := range api.GatewayResponses {
		fn(g.Source)
		for _, v := range g.ResponseParameters {
			val(v)
		}
	}
	for _, v := range api.BinaryMediaTypes {
		val(v)
	}
	for _, d := range api.Deployments {
		fn(d.Source)
	}
	for _, s := range api.Stages {
		fn(s.Source)
	}
	for _, a := range api.Authorizers {
		fn(a.Source)
	}
	for _, c := range api.Clients {
		fn(c.Source)
	}
}

// APIAt returns the API whose model records loc; failing that, the API
// of loc's file whose nearest recorded element precedes loc (a finding
// about a construct the model does not keep, such as an ignored
// extension, sits inside its API's definition); nil when none.
func APIAt(apis []*apimodel.API, loc evidence.Source) *apimodel.API {
	var near *apimodel.API
	nearLine := -1
	for _, a := range apis {
		found := false
		Sources(a, func(s evidence.Source) {
			if s.File == "" || s.File != loc.File {
				return
			}
			if s.Line == loc.Line && s.Column == loc.Column {
				found = true
			}
			if s.Line <= loc.Line && s.Line > nearLine {
				near, nearLine = a, s.Line
			}
		})
		if found {
			return a
		}
	}
	if near == nil {
		// A finding in a function's code (CD2026).
		for _, a := range apis {
			found := false
			Functions(a, func(fn *apimodel.Function) {
				if fn.CodePath != "" && filepath.Clean(fn.CodePath) == filepath.Clean(loc.File) {
					found = true
				}
			})
			if found {
				return a
			}
		}
	}
	return near
}

// Functions calls fn for each Lambda function the API's model records
// (behind a function URL, a REST proxy integration or an HTTP API route).
func Functions(api *apimodel.API, fn func(*apimodel.Function)) {
	if api.Function != nil {
		fn(api.Function)
	}
	for _, r := range api.Resources {
		for _, m := range r.Methods {
			if m.Integration != nil && m.Integration.Function != nil {
				fn(m.Integration.Function)
			}
		}
	}
	for _, r := range api.Routes {
		if r.Integration != nil && r.Integration.Function != nil {
			fn(r.Integration.Function)
		}
	}
}

// Same reports whether two locations are the same place.
func Same(a, b evidence.Source) bool {
	return a.File == b.File && a.Line == b.Line && a.Column == b.Column && a.URL == b.URL
}

// ResourceAt returns the REST resource one of whose methods is at loc.
func ResourceAt(api *apimodel.API, loc evidence.Source) *apimodel.Resource {
	for _, r := range api.Resources {
		for _, m := range r.Methods {
			if Same(m.Source, loc) || Same(m.AuthorizationType.Source, loc) {
				return r
			}
		}
	}
	for _, r := range api.Resources {
		if Same(r.Source, loc) {
			return r
		}
	}
	return nil
}

// ---- values ----

// AllMethods are the methods ANY stands for in Access-Control-Allow-Methods.
var AllMethods = []string{"DELETE", "GET", "HEAD", "PATCH", "POST", "PUT"}

// Methods returns the methods a resource serves plus OPTIONS, sorted (as
// SAM and Serverless generate them).
func Methods(res *apimodel.Resource) []string {
	set := map[string]bool{"OPTIONS": true}
	for _, m := range res.Methods {
		if m.HTTPMethod == "ANY" {
			for _, x := range AllMethods {
				set[x] = true
			}
			continue
		}
		set[strings.ToUpper(m.HTTPMethod)] = true
	}
	out := make([]string, 0, len(set))
	for m := range set {
		out = append(out, m)
	}
	sort.Strings(out)
	return out
}

// RouteMethods returns the methods of an HTTP API's routes plus OPTIONS.
func RouteMethods(api *apimodel.API) []string {
	set := map[string]bool{"OPTIONS": true}
	for _, r := range api.Routes {
		switch r.Method {
		case "", "ANY", "*":
			for _, x := range AllMethods {
				set[x] = true
			}
		default:
			set[strings.ToUpper(r.Method)] = true
		}
	}
	if api.Kind == apimodel.FunctionURL {
		for _, x := range AllMethods {
			set[x] = true
		}
	}
	out := make([]string, 0, len(set))
	for m := range set {
		out = append(out, m)
	}
	sort.Strings(out)
	return out
}

// headerOrder fixes the order of well-known request headers.
var headerOrder = []string{"Content-Type", "Authorization", "X-Api-Key", "X-Amz-Date", "X-Amz-Security-Token"}

// ClientHeaders returns the request headers a page sends to the methods
// (all of the API's when methods is nil): Content-Type for methods with a
// body, Authorization for authorized ones (with X-Amz-Date and
// X-Amz-Security-Token for SigV4), X-Api-Key when a key is required, the
// --header names, and the headers the API already allows elsewhere. The
// first spelling seen of a name wins; the order is stable.
func (c *Ctx) ClientHeaders(methods []*apimodel.Method) []string {
	var out []string
	seen := map[string]bool{}
	add := func(h string) {
		h = strings.TrimSpace(h)
		if h == "" || h == "*" || seen[strings.ToLower(h)] {
			return
		}
		seen[strings.ToLower(h)] = true
		out = append(out, h)
	}
	if methods == nil && c.API != nil {
		for _, r := range c.API.Resources {
			methods = append(methods, r.Methods...)
		}
	}
	need := map[string]bool{}
	for _, m := range methods {
		switch m.HTTPMethod {
		case "OPTIONS":
			continue
		case "GET", "HEAD":
		default:
			need["Content-Type"] = true
		}
		if m.Authorized() == apimodel.TriYes {
			need["Authorization"] = true
			if strings.EqualFold(m.AuthorizationType.S, "AWS_IAM") {
				need["X-Amz-Date"], need["X-Amz-Security-Token"] = true, true
			}
		}
		if m.APIKeyRequired == apimodel.TriYes {
			need["X-Api-Key"] = true
		}
	}
	sigv4 := func(t apimodel.Value) {
		// A page calling an AWS_IAM route signs with SigV4: Authorization,
		// X-Amz-Date, and X-Amz-Security-Token with temporary
		// credentials (rule CD2025).
		if !t.Unknown && strings.EqualFold(strings.TrimSpace(t.S), "AWS_IAM") {
			need["Authorization"], need["X-Amz-Date"], need["X-Amz-Security-Token"] = true, true, true
		}
	}
	if c.API != nil && c.API.Kind == apimodel.FunctionURL {
		need["Content-Type"] = true
		sigv4(c.API.AuthType)
	}
	if c.API != nil {
		for _, r := range c.API.Routes {
			if r.Method != "GET" && r.Method != "HEAD" && r.Method != "OPTIONS" {
				need["Content-Type"] = true
			}
			if r.Authorized() == apimodel.TriYes {
				need["Authorization"] = true
			}
			sigv4(r.AuthorizationType)
		}
	}
	for _, h := range headerOrder {
		if need[h] {
			add(h)
		}
	}
	for _, h := range c.Headers {
		add(h)
	}
	if c.API != nil {
		// The headers the repository's front-end code sends (CD2027).
		for _, call := range c.API.Clients {
			for _, h := range call.Headers {
				add(h)
			}
		}
		for _, h := range AllowedHeaders(c.API) {
			add(h)
		}
	}
	return out
}

// AllowedHeaders lists the header names an API already allows somewhere
// (static Access-Control-Allow-Headers mappings, allowHeaders, SAM Cors).
func AllowedHeaders(api *apimodel.API) []string {
	var out []string
	seen := map[string]bool{}
	add := func(s string) {
		for _, h := range strings.Split(s, ",") {
			h = strings.TrimSpace(h)
			if h != "" && h != "*" && !seen[strings.ToLower(h)] {
				seen[strings.ToLower(h)] = true
				out = append(out, h)
			}
		}
	}
	var sam *apimodel.Value
	var list []apimodel.Value
	if api.SAMCors != nil {
		sam = api.SAMCors.AllowHeaders
	}
	if api.Cors != nil {
		list = api.Cors.AllowHeaders
	}
	staticValues(api, "Access-Control-Allow-Headers", false, list, sam, add)
	return out
}

// ConfiguredOrigins lists the distinct origins an API allows statically
// (REST mappings, gateway responses, allowOrigins, SAM Cors), "*"
// included.
func ConfiguredOrigins(api *apimodel.API) []string {
	var out []string
	seen := map[string]bool{}
	add := func(s string) {
		s = strings.TrimSpace(s)
		if s != "" && !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	var sam *apimodel.Value
	var list []apimodel.Value
	if api.SAMCors != nil {
		sam = api.SAMCors.AllowOrigin
	}
	if api.Cors != nil {
		list = api.Cors.AllowOrigins
	}
	staticValues(api, "Access-Control-Allow-Origin", true, list, sam, add)
	return out
}

// staticValues calls add with each static value of header an API sets:
// on its integration responses (and gateway responses with gateway), the
// known items of its CORS configuration list, its SAM Cors value.
func staticValues(api *apimodel.API, header string, gateway bool, list []apimodel.Value, sam *apimodel.Value, add func(string)) {
	static := func(v apimodel.Value, ok bool) {
		if ok {
			if s, ok := v.Static(); ok {
				add(s)
			}
		}
	}
	for _, r := range api.Resources {
		for _, m := range r.Methods {
			if m.Integration == nil {
				continue
			}
			for _, ir := range m.Integration.Responses {
				static(ir.Header(header))
			}
		}
	}
	if gateway {
		for _, t := range apimodel.SortedKeys(api.GatewayResponses) {
			static(api.GatewayResponses[t].Header(header))
		}
	}
	for _, v := range list {
		if !v.Unknown {
			add(v.S)
		}
	}
	if sam != nil {
		static(*sam, true)
	}
}

// WellFormedOrigin reports whether s is a serialized origin a browser
// sends (scheme://host[:port], lower case, no path, no default port) or
// "*".
func WellFormedOrigin(s string) bool {
	if s == "*" {
		return true
	}
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || u.Path != "" || u.RawQuery != "" || u.User != nil || u.Fragment != "" {
		return false
	}
	if s != strings.ToLower(s) {
		return false
	}
	if p := u.Port(); p == "443" && u.Scheme == "https" || p == "80" && u.Scheme == "http" {
		return false
	}
	return u.Scheme+"://"+u.Host == s
}

// RESTOrigin returns the one origin a REST static mapping should send:
// the single --origin, else the single well-formed origin the API
// already uses. REST mappings are static strings: several origins cannot
// be served by one mapping. credentials forbids "*".
func (c *Ctx) RESTOrigin(credentials bool) (string, error) {
	switch len(c.Origins) {
	case 1:
		return c.Origins[0], nil
	case 0:
	default:
		return "", Needs("--origin", "an API Gateway REST mapping sends one static Access-Control-Allow-Origin; give one --origin for this API (several origins need the function to echo the allowed one)")
	}
	var good []string
	if c.API != nil {
		for _, o := range ConfiguredOrigins(c.API) {
			if WellFormedOrigin(o) && !(credentials && o == "*") {
				good = append(good, o)
			}
		}
	}
	if len(good) == 1 {
		return good[0], nil
	}
	if len(good) == 0 {
		return "", Needs("--origin", "the API allows no origin this fix can reuse; give the page's origin, e.g. --origin https://app.example.com")
	}
	return "", Needs("--origin", "the API allows several origins (%s); give the one this route serves", strings.Join(good, ", "))
}

// ListOrigins returns the origins for an allowOrigins list: every
// --origin, else the well-formed non-wildcard ones the API already lists.
func (c *Ctx) ListOrigins() ([]string, error) {
	if len(c.Origins) > 0 {
		return c.Origins, nil
	}
	var good []string
	if c.API != nil {
		for _, o := range ConfiguredOrigins(c.API) {
			if WellFormedOrigin(o) && o != "*" {
				good = append(good, o)
			}
		}
	}
	if len(good) == 0 {
		return nil, Needs("--origin", "the allowed origins are not known; give each page origin, e.g. --origin https://app.example.com")
	}
	return good, nil
}

// Quote writes a REST static mapping value: 'value'.
func Quote(s string) string { return "'" + s + "'" }

// CredentialsAllowed reports whether the API sends
// Access-Control-Allow-Credentials: true anywhere.
func CredentialsAllowed(api *apimodel.API) bool {
	if api.Cors != nil && api.Cors.AllowCredentials == apimodel.TriYes {
		return true
	}
	if api.SAMCors != nil && api.SAMCors.AllowCredentials == apimodel.TriYes {
		return true
	}
	for _, r := range api.Resources {
		for _, m := range r.Methods {
			if m.Integration == nil {
				continue
			}
			for _, ir := range m.Integration.Responses {
				if v, ok := ir.Header("Access-Control-Allow-Credentials"); ok {
					if s, ok := v.Static(); ok && strings.EqualFold(s, "true") {
						return true
					}
				}
			}
		}
	}
	return false
}

// FixOrigin repairs a malformed origin where the repair is certain: a
// trailing slash or path, upper case, a default port. An origin without a
// scheme is repaired only from an --origin with the same host. ok is
// false when no certain repair exists.
func (c *Ctx) FixOrigin(o string) (string, bool) {
	s := strings.TrimSpace(o)
	if s == "*" || WellFormedOrigin(s) {
		return s, s != o
	}
	if !strings.Contains(s, "://") {
		host := strings.ToLower(strings.TrimSuffix(s, "/"))
		for _, g := range c.Origins {
			if u, err := url.Parse(g); err == nil && strings.EqualFold(u.Host, host) {
				return g, true
			}
		}
		return "", false
	}
	u, err := url.Parse(s)
	if err != nil || u.Host == "" || (u.Scheme != "http" && u.Scheme != "https" && !strings.EqualFold(u.Scheme, "http") && !strings.EqualFold(u.Scheme, "https")) {
		return "", false
	}
	scheme := strings.ToLower(u.Scheme)
	host := strings.ToLower(u.Hostname())
	port := u.Port()
	if port == "443" && scheme == "https" || port == "80" && scheme == "http" {
		port = ""
	}
	out := scheme + "://" + host
	if port != "" {
		out += ":" + port
	}
	if !WellFormedOrigin(out) {
		return "", false
	}
	return out, true
}

// PreflightAnswer is what an OPTIONS answer maps.
type PreflightAnswer struct {
	Origin      string
	Methods     []string
	Headers     []string
	Credentials bool
}

// Params lists the method.response.header mappings, name then value.
func (p PreflightAnswer) Params() []string {
	kv := []string{
		"method.response.header.Access-Control-Allow-Origin", Quote(p.Origin),
		"method.response.header.Access-Control-Allow-Methods", Quote(strings.Join(p.Methods, ",")),
		"method.response.header.Access-Control-Allow-Headers", Quote(strings.Join(p.Headers, ",")),
	}
	if p.Credentials {
		kv = append(kv, "method.response.header.Access-Control-Allow-Credentials", "'true'")
	}
	return kv
}

// OptionsIR returns the integration response of res's OPTIONS method that
// answers preflights (the default, else the first 2xx), or nil.
func OptionsIR(res *apimodel.Resource) *apimodel.IntegrationResponse {
	return rules.OptionsResponse(res.Method("OPTIONS"))
}

// ErrorResponses fixes CD2007: the Access-Control-Allow-Origin value the
// finding's method maps on one integration response is mapped by mapOn on
// each of its integration responses that lacks it.
func (c *Ctx) ErrorResponses(mapOn func(ir *apimodel.IntegrationResponse, kv []string) error) (*Change, error) {
	loc := c.Finding.Location
	var m *apimodel.Method
	var res *apimodel.Resource
	for _, r := range c.API.Resources {
		for _, x := range r.Methods {
			if Same(x.Source, loc) {
				m, res = x, r
			}
		}
	}
	if m == nil || m.Integration == nil {
		return nil, Skipf("no method at %s", loc)
	}
	var val string
	for _, ir := range m.Integration.Responses {
		if v, ok := ir.Header("Access-Control-Allow-Origin"); ok && !v.Unknown {
			val = v.S
			break
		}
	}
	if val == "" {
		return nil, Skipf("no Access-Control-Allow-Origin value to reuse")
	}
	n, _, err := mapMissing(m, []string{"method.response.header.Access-Control-Allow-Origin", val}, mapOn)
	if err != nil {
		return nil, err
	}
	return &Change{Summary: fmt.Sprintf("%s %s maps Access-Control-Allow-Origin %s on %d more integration response(s)", m.HTTPMethod, res.Path, val, n)}, nil
}

// ActualOrigin makes the actual responses of the finding's REST method
// carry the page's origin (OriginParams): for a proxy integration by
// proxy (the function must send it: package handler), else by mapOn on
// each integration response that lacks a parameter, with the ones it
// lacks.
func (c *Ctx) ActualOrigin(res *apimodel.Resource, proxy func(*Ctx) (*Change, error), mapOn func(ir *apimodel.IntegrationResponse, kv []string) error) (*Change, error) {
	var m *apimodel.Method
	for _, x := range res.Methods {
		if Same(x.Source, c.Finding.Location) {
			m = x
		}
	}
	if m == nil || m.Integration == nil {
		return nil, Skipf("no method with an integration at %s", c.Finding.Location)
	}
	if m.Integration.Type.IsProxy() {
		return proxy(c)
	}
	kv, o, err := c.OriginParams("method.response.header.")
	if err != nil {
		return nil, err
	}
	if len(m.Integration.Responses) == 0 {
		return nil, Skipf("%s %s has no integration response to map the header on", m.HTTPMethod, res.Path)
	}
	n, names, err := mapMissing(m, kv, mapOn)
	if err != nil {
		return nil, err
	}
	if n == 0 {
		return nil, Skipf("%s %s maps %s on every integration response already", m.HTTPMethod, res.Path, strings.Join(headerNames(kv), ", "))
	}
	return &Change{Summary: fmt.Sprintf("%s %s maps %s (origin %s) on %d integration response(s)", m.HTTPMethod, res.Path, strings.Join(names, ", "), o, n),
		Targets: []Target{{API: c.API.ID, Method: CallVerb(m.HTTPMethod), Path: res.Path, Stage: Actual}}}, nil
}

// mapMissing calls mapOn on each integration response of m with the
// parameters of kv (name, value) it does not map, and counts them; names
// are the headers it mapped somewhere.
func mapMissing(m *apimodel.Method, kv []string, mapOn func(*apimodel.IntegrationResponse, []string) error) (int, []string, error) {
	n := 0
	var names []string
	for _, ir := range m.Integration.Responses {
		var set []string
		for i := 0; i+1 < len(kv); i += 2 {
			h := strings.TrimPrefix(kv[i], "method.response.header.")
			if _, ok := ir.Header(h); !ok {
				set = append(set, kv[i], kv[i+1])
				if !ContainsFold(names, h) {
					names = append(names, h)
				}
			}
		}
		if len(set) == 0 {
			continue
		}
		if err := mapOn(ir, set); err != nil {
			return n, names, err
		}
		n++
	}
	return n, names, nil
}

// ContainsFold reports whether list holds s, case-insensitively (header
// names).
func ContainsFold(list []string, s string) bool {
	for _, x := range list {
		if strings.EqualFold(x, s) {
			return true
		}
	}
	return false
}

// headerNames are the header names of parameters kv (name, value).
func headerNames(kv []string) []string {
	var out []string
	for i := 0; i+1 < len(kv); i += 2 {
		out = append(out, strings.TrimPrefix(kv[i], "method.response.header."))
	}
	return out
}

var corsErrorRe = regexp.MustCompile(`\(([A-Za-z]+)\)$`)

// PredictedError returns the Chromium CorsError a CD2050 finding names
// at the end of its message ("... would be blocked (CorsError)").
func (c *Ctx) PredictedError() string {
	if m := corsErrorRe.FindStringSubmatch(strings.TrimSpace(c.Finding.Detail)); m != nil {
		return m[1]
	}
	return ""
}

// OriginParams returns the parameters that give a REST response the
// page's origin, name then value: prefix+"Access-Control-Allow-Origin"
// (and -Credentials 'true' when the API allows credentials), prefix being
// "method.response.header." or "gatewayresponse.header."; and the origin.
func (c *Ctx) OriginParams(prefix string) ([]string, string, error) {
	cred := c.API != nil && CredentialsAllowed(c.API)
	o, err := c.RESTOrigin(cred)
	if err != nil {
		return nil, "", err
	}
	kv := []string{prefix + "Access-Control-Allow-Origin", Quote(o)}
	if cred && o != "*" {
		kv = append(kv, prefix+"Access-Control-Allow-Credentials", "'true'")
	}
	return kv, o, nil
}

// PreflightFor computes the OPTIONS answer of a REST resource.
func (c *Ctx) PreflightFor(res *apimodel.Resource) (PreflightAnswer, error) {
	cred := c.API != nil && CredentialsAllowed(c.API)
	o, err := c.RESTOrigin(cred)
	if err != nil {
		return PreflightAnswer{}, err
	}
	return PreflightAnswer{Origin: o, Methods: Methods(res), Headers: c.ClientHeaders(res.Methods), Credentials: cred && o != "*"}, nil
}

// PreflightTargets are the routes of res that need a preflight: each must
// pass it after the fix.
func PreflightTargets(api *apimodel.API, res *apimodel.Resource) []Target {
	return methodTargets(api, []*apimodel.Resource{res}, Preflight, "", nil)
}

// AllPreflightTargets lists PreflightTargets for every resource.
func AllPreflightTargets(api *apimodel.API) []Target {
	return methodTargets(api, api.Resources, Preflight, "", nil)
}

// ActualTargets: every route of the API must be ALLOWED.
func ActualTargets(api *apimodel.API) []Target {
	return methodTargets(api, api.Resources, Actual, "", nil)
}

// UnauthorizedTargets: authorized routes must let the page read the
// gateway's 401/403.
func UnauthorizedTargets(api *apimodel.API) []Target {
	return methodTargets(api, api.Resources, Actual, apimodel.Unauthorized, func(m *apimodel.Method) bool {
		return m.Authorized() == apimodel.TriYes || m.APIKeyRequired == apimodel.TriYes
	})
}

// CallVerb is the method a page calls a route with: ANY (and an HTTP
// API's $default) is called with PUT, as rules.ClientRoutes does.
func CallVerb(method string) string {
	if method == "ANY" || method == "" {
		return "PUT"
	}
	return method
}

// methodTargets lists a target for each non-OPTIONS method of resources
// that keep accepts (nil: all).
func methodTargets(api *apimodel.API, resources []*apimodel.Resource, stage Stage, sc apimodel.Scenario, keep func(*apimodel.Method) bool) []Target {
	var out []Target
	for _, res := range resources {
		for _, m := range res.Methods {
			if m.HTTPMethod == "OPTIONS" || keep != nil && !keep(m) {
				continue
			}
			out = append(out, Target{API: api.ID, Method: CallVerb(m.HTTPMethod), Path: res.Path, Stage: stage, Scenario: sc})
		}
	}
	return out
}

// RouteTargets are the HTTP API routes that must pass the preflight
// (authorized only, when authorizedOnly).
func RouteTargets(api *apimodel.API, authorizedOnly bool) []Target {
	var out []Target
	for _, rt := range api.Routes {
		if rt.Method == "OPTIONS" || authorizedOnly && rt.Authorized() != apimodel.TriYes {
			continue
		}
		// As the proof's client requests name them (rules.ClientRoutes).
		verb, path := CallVerb(rt.Method), rt.Path
		if path == "" {
			path = "/"
		}
		path = strings.ReplaceAll(path, "{proxy+}", "x")
		out = append(out, Target{API: api.ID, Method: verb, Path: path, Stage: Preflight})
	}
	if api.Kind == apimodel.FunctionURL {
		out = append(out, Target{API: api.ID, Method: "POST", Path: "/", Stage: Preflight})
	}
	return out
}

// ValueTargets are the routes a fix of the value at loc must make pass:
// a value of an OPTIONS answer must let the preflight pass; a value of a
// method's response must make that route ALLOWED; a gateway response's
// must let the page read the gateway's error; anything else (SAM Cors,
// allowOrigins) must make every route ALLOWED.
func ValueTargets(api *apimodel.API, loc Source) []Target {
	for _, res := range api.Resources {
		for _, m := range res.Methods {
			if m.Integration == nil {
				continue
			}
			for _, ir := range m.Integration.Responses {
				for _, v := range ir.ResponseParameters {
					if !Same(v.Source, loc) {
						continue
					}
					if m.HTTPMethod == "OPTIONS" {
						if m.Generated != "" {
							return AllPreflightTargets(api)
						}
						return PreflightTargets(api, res)
					}
					return []Target{{API: api.ID, Method: CallVerb(m.HTTPMethod), Path: res.Path, Stage: Actual}}
				}
			}
		}
	}
	for _, g := range api.GatewayResponses {
		for _, v := range g.ResponseParameters {
			if Same(v.Source, loc) {
				return UnauthorizedTargets(api)
			}
		}
	}
	if api.SAMCors != nil {
		return AllPreflightTargets(api)
	}
	if api.Kind == apimodel.REST {
		return ActualTargets(api)
	}
	return RouteTargets(api, false)
}
