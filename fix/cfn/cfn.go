// Package cfn rewrites CloudFormation and SAM templates (YAML with
// short-form tags, or JSON) for `corsdoctor fix`: OPTIONS methods with a
// MOCK integration, authorizers and API keys taken off preflights,
// Access-Control-Allow-* mappings and their method response declarations,
// gateway responses, origin values, SAM Cors quoting and Auth flags, HTTP
// API CorsConfiguration, deployment dependencies and logical IDs.
// Definitions embedded as Body/DefinitionBody are edited through package
// oas.
//
// Resource shapes follow the CloudFormation reference for
// AWS::ApiGateway::Method, ::GatewayResponse, ::Deployment and
// AWS::ApiGatewayV2::Api, and the SAM specification for
// AWS::Serverless::Api Cors, Auth (AddDefaultAuthorizerToCorsPreflight,
// AddApiKeyRequiredToCorsPreflight) and GatewayResponses.
package cfn

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/corsdoctor/corsdoctor/apimodel"
	"github.com/corsdoctor/corsdoctor/evidence"
	"github.com/corsdoctor/corsdoctor/fix/fixer"
	"github.com/corsdoctor/corsdoctor/fix/handler"
	"github.com/corsdoctor/corsdoctor/fix/oas"
	"github.com/corsdoctor/corsdoctor/fix/yamledit"
)

// Rules are the findings fixed in CloudFormation/SAM templates, with what
// the fix writes.
var Rules = map[string]string{
	"CD2001": "REST: adds an AWS::ApiGateway::Method OPTIONS (AuthorizationType NONE, MOCK integration answering 200, Access-Control-Allow-Origin/-Methods/-Headers mapped and declared) and lists it in the deployments' DependsOn; SAM events: adds Cors to the AWS::Serverless::Api (or Globals.Api), with the Auth preflight flags off; inline OpenAPI: an options operation. HTTP API: adds CorsConfiguration",
	"CD2002": "OPTIONS method: AuthorizationType NONE, AuthorizerId and AuthorizationScopes removed; SAM: Auth.AddDefaultAuthorizerToCorsPreflight: false; an ANY method catching preflights gets its own OPTIONS method; HTTP API: CorsConfiguration",
	"CD2003": "OPTIONS method: ApiKeyRequired false; SAM: Auth.AddApiKeyRequiredToCorsPreflight: false",
	"CD2004": "adds the missing Access-Control-Allow-* ResponseParameters to the OPTIONS integration response and declares them in its method response; SAM: adds AllowHeaders to Cors",
	"CD2005": "adds the resource's missing methods to the Access-Control-Allow-Methods value",
	"CD2006": "declares the mapped headers (method.response.header.X: true) in the method response of that status",
	"CD2007": "maps Access-Control-Allow-Origin (the value the success response maps) on every integration response of the method, declared in its method responses",
	"CD2009": "adds AWS::ApiGateway::GatewayResponse DEFAULT_4XX and DEFAULT_5XX with gatewayresponse.header.Access-Control-Allow-Origin (SAM: GatewayResponses on the API or Globals.Api); customized responses without the header get it",
	"CD2010": "rewrites the origin: trailing slash or path removed, lower case, default port removed; a missing scheme only from a matching --origin",
	"CD2011": "replaces the wildcard origin with the --origin value(s)",
	"CD2012": "replaces the reflected origin (method.request.header.origin, https://*) with the --origin value(s)",
	"CD2013": "adds the headers the clients send (authorization for authorized routes, content-type, --header) to AllowHeaders",
	"CD2014": "splits an AllowOrigins item holding several origins; a REST mapping takes the one --origin",
	"CD2015": "wraps the SAM Cors value in the single quotes SAM requires",
	"CD2016": "adds the API's methods to the deployment's DependsOn",
	"CD2018": "sets ContentHandling: CONVERT_TO_TEXT on the MOCK OPTIONS integrations",
	"CD2020": "replaces the http origin with the https --origin of the same host",
	"CD2021": "lowers the max age to 7200 s, Chromium's cap",
	"CD2025": "adds Authorization, X-Amz-Date and X-Amz-Security-Token (what a SigV4-signing page sends) to AllowHeaders or the OPTIONS Access-Control-Allow-Headers",
	"CD2050": "for a predicted block at the preflight: adds the missing request headers or methods to the OPTIONS answer (REST mapping, SAM Cors, AllowHeaders/AllowMethods), or adds the OPTIONS method",
	"CD2023": "when the run changed the API: renames the deployment to a logical ID carrying a hash of the API's methods (references updated), so the stack update deploys the change",
}

// tmpl is an open template.
type tmpl struct {
	c         *fixer.Ctx
	d         *yamledit.Doc
	file      string
	root      *yaml.Node
	resources *yaml.Node
	short     bool // short-form intrinsic tags (!Ref)
}

func open(c *fixer.Ctx, file string) (*tmpl, error) {
	d, err := c.Files.Doc(file)
	if err != nil {
		return nil, err
	}
	t := &tmpl{c: c, d: d, file: file, root: d.Root()}
	t.resources = yamledit.Get(t.root, "Resources")
	t.short = !d.JSON() && usesShortTags(t.root)
	return t, nil
}

func usesShortTags(root *yaml.Node) bool {
	short, long := 0, 0
	var walk func(n *yaml.Node, depth int)
	walk = func(n *yaml.Node, depth int) {
		if n == nil || depth > 64 {
			return
		}
		if strings.HasPrefix(n.Tag, "!") && !strings.HasPrefix(n.Tag, "!!") {
			short++
		}
		if n.Kind == yaml.MappingNode && len(n.Content) == 2 && (n.Content[0].Value == "Ref" || strings.HasPrefix(n.Content[0].Value, "Fn::")) {
			long++
		}
		for _, c := range n.Content {
			walk(c, depth+1)
		}
	}
	walk(root, 0)
	return short >= long
}

// Fix fixes one finding in a CloudFormation/SAM template.
func Fix(c *fixer.Ctx) (*fixer.Change, error) {
	if c.API == nil {
		return nil, fixer.Skipf("the finding could not be matched to an API of the template")
	}
	t, err := open(c, c.Finding.Location.File)
	if err != nil {
		return nil, err
	}
	if t.resources == nil {
		return nil, fixer.Skipf("%s has no Resources", t.file)
	}
	if where, body := t.siteOf(t.first(c.Finding.Location)); where == siteBody && body.Root != nil {
		// The finding is inside an embedded OpenAPI definition.
		return body.Fix(c)
	}
	switch c.Finding.RuleID {
	case "CD2001":
		return t.cd2001()
	case "CD2002":
		return t.cd2002()
	case "CD2003":
		return t.cd2003()
	case "CD2004":
		return t.cd2004()
	case "CD2005":
		return t.cd2005()
	case "CD2006":
		return t.cd2006()
	case "CD2007":
		return t.cd2007()
	case "CD2009":
		return t.cd2009()
	case "CD2010", "CD2011", "CD2012", "CD2014", "CD2020":
		return t.origin()
	case "CD2013":
		return t.cd2013()
	case "CD2015":
		return t.cd2015()
	case "CD2016":
		return t.cd2016()
	case "CD2018":
		return t.cd2018()
	case "CD2021":
		return t.cd2021()
	case "CD2023":
		return t.cd2023()
	case "CD2050":
		return t.cd2050()
	case "CD2025":
		return t.cd2025()
	}
	return nil, fixer.Skipf("no CloudFormation fix for %s", c.Finding.RuleID)
}

// ---- locating ----

// at returns the nodes at a location (outermost first).
func (t *tmpl) at(loc evidence.Source) []*yaml.Node {
	if loc.File != t.file {
		return nil
	}
	return t.d.NodesAt(loc.Line, loc.Column)
}

// first returns the first node at loc, or nil.
func (t *tmpl) first(loc evidence.Source) *yaml.Node {
	ns := t.at(loc)
	if len(ns) == 0 {
		return nil
	}
	return ns[0]
}

// resource returns a resource's mapping by logical ID.
func (t *tmpl) resource(id string) *yaml.Node { return yamledit.Get(t.resources, id) }

func typeOf(r *yaml.Node) string {
	s, _ := fixer.ScalarValue(yamledit.Get(r, "Type"))
	return s
}

func props(r *yaml.Node) *yaml.Node { return yamledit.Get(r, "Properties") }

// owner returns the logical ID of the resource holding n.
func (t *tmpl) owner(n *yaml.Node) string {
	p := t.d.Path(n)
	if len(p) >= 2 && p[0] == "Resources" {
		return p[1]
	}
	return ""
}

// kind of place a model element was read from.
type site int

const (
	siteNone site = iota
	siteMethod
	siteSAMEvent
	siteBody
)

// siteOf classifies the node a model element points at.
func (t *tmpl) siteOf(n *yaml.Node) (site, *oas.Doc) {
	if n == nil {
		return siteNone, nil
	}
	p := t.d.Path(n)
	if len(p) >= 4 && p[0] == "Resources" && p[2] == "Properties" && (p[3] == "Body" || p[3] == "DefinitionBody") {
		body := props(t.resource(p[1]))
		return siteBody, &oas.Doc{D: t.d, Root: yamledit.Get(body, p[3])}
	}
	if len(p) >= 4 && p[0] == "Resources" && p[2] == "Properties" && p[3] == "Events" {
		return siteSAMEvent, nil
	}
	if len(p) >= 2 && p[0] == "Resources" && typeOf(t.resource(p[1])) == "AWS::ApiGateway::Method" {
		return siteMethod, nil
	}
	return siteNone, nil
}

// refID returns the logical ID a !Ref / !GetAtt / {"Ref": } names.
func refID(n *yaml.Node) string {
	if n == nil {
		return ""
	}
	switch n.Tag {
	case "!Ref":
		return n.Value
	case "!GetAtt":
		if n.Kind == yaml.ScalarNode {
			id, _, _ := strings.Cut(n.Value, ".")
			return id
		}
		if len(n.Content) > 0 {
			return n.Content[0].Value
		}
	}
	if n.Kind == yaml.MappingNode && len(n.Content) == 2 {
		switch n.Content[0].Value {
		case "Ref":
			return n.Content[1].Value
		case "Fn::GetAtt":
			v := n.Content[1]
			if v.Kind == yaml.ScalarNode {
				id, _, _ := strings.Cut(v.Value, ".")
				return id
			}
			if len(v.Content) > 0 {
				return v.Content[0].Value
			}
		}
	}
	return ""
}

// ref builds a reference to a logical ID in the template's style.
func (t *tmpl) ref(id string) *yaml.Node {
	if t.short {
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!Ref", Value: id}
	}
	return fixer.Map("Ref", id)
}

var idClean = regexp.MustCompile(`[^A-Za-z0-9]`)

// newID returns an unused logical ID built from base.
func (t *tmpl) newID(base string) string {
	base = idClean.ReplaceAllString(base, "")
	if base == "" {
		base = "Cors"
	}
	id := base
	for i := 2; t.resource(id) != nil; i++ {
		id = base + strconv.Itoa(i)
	}
	return id
}

// methodsOf lists a resource's model methods that are CFN Method
// resources, with their template nodes.
func (t *tmpl) methodNode(m *apimodel.Method) *yaml.Node {
	if m == nil || m.ID == "" || strings.Contains(m.ID, " ") {
		return nil
	}
	r := t.resource(m.ID)
	if typeOf(r) != "AWS::ApiGateway::Method" {
		return nil
	}
	return r
}

// ---- values ----

func (t *tmpl) credentials() bool { return fixer.CredentialsAllowed(t.c.API) }

// ---- CD2001: OPTIONS method ----

func (t *tmpl) resourceOfFinding() *apimodel.Resource {
	return fixer.ResourceAt(t.c.API, t.c.Finding.Location)
}

func (t *tmpl) cd2001() (*fixer.Change, error) {
	api := t.c.API
	if api.Kind != apimodel.REST {
		return t.httpCors()
	}
	res := t.resourceOfFinding()
	if res == nil {
		return nil, fixer.Skipf("no resource at %s", t.c.Finding.Location)
	}
	return t.addOptions(res)
}

// addOptions gives a REST resource an OPTIONS answer, where the
// resource's methods are written.
func (t *tmpl) addOptions(res *apimodel.Resource) (*fixer.Change, error) {
	api := t.c.API
	var m *apimodel.Method
	for _, x := range res.Methods {
		if x.HTTPMethod != "OPTIONS" {
			m = x
			break
		}
	}
	if m == nil {
		return nil, fixer.Skipf("resource %s has no method to pattern the OPTIONS method on", res.Path)
	}
	where, body := t.siteOf(t.first(m.Source))
	switch where {
	case siteMethod:
		pf, err := t.c.PreflightFor(res)
		if err != nil {
			return nil, err
		}
		id, err := t.addOptionsMethod(t.methodNode(m), m.ID, pf)
		if err != nil {
			return nil, err
		}
		return &fixer.Change{Summary: fmt.Sprintf("added OPTIONS method %s to %s (MOCK, 200, Access-Control-Allow-Origin %s)", id, res.Path, pf.Origin),
			Targets: fixer.PreflightTargets(api, res)}, nil
	case siteBody:
		pf, err := t.c.PreflightFor(res)
		if err != nil {
			return nil, err
		}
		if err := body.AddOptions(res.Path, pf); err != nil {
			return nil, err
		}
		return &fixer.Change{Summary: fmt.Sprintf("added an options operation to %s in the definition body (mock, Access-Control-Allow-Origin %s)", res.Path, pf.Origin),
			Targets: fixer.PreflightTargets(api, res)}, nil
	case siteSAMEvent:
		return t.samCors(res)
	}
	return nil, fixer.Skipf("the methods of %s are not written in this template", res.Path)
}

// addOptionsMethod adds an AWS::ApiGateway::Method OPTIONS next to
// sibling (same RestApiId and ResourceId) and returns its logical ID.
func (t *tmpl) addOptionsMethod(sibling *yaml.Node, siblingID string, pf fixer.PreflightAnswer) (string, error) {
	sp := props(sibling)
	apiRef, resRef := yamledit.Get(sp, "RestApiId"), yamledit.Get(sp, "ResourceId")
	if apiRef == nil || resRef == nil {
		return "", fixer.Skipf("method %s has no RestApiId/ResourceId to copy", siblingID)
	}
	base := refID(resRef)
	if base == "" || strings.Contains(base, ".") {
		base = siblingID
	}
	id := t.newID(base + "Options")
	kv := pf.Params()
	params, declared := fixer.Map(), fixer.Map()
	for i := 0; i < len(kv); i += 2 {
		params.Content = append(params.Content, fixer.Str(kv[i]), fixer.Str(kv[i+1]))
		declared.Content = append(declared.Content, fixer.Str(kv[i]), fixer.Bool(true))
	}
	method := fixer.Map(
		"Type", "AWS::ApiGateway::Method",
		"Properties", fixer.Map(
			"RestApiId", yamledit.Copy(apiRef),
			"ResourceId", yamledit.Copy(resRef),
			"HttpMethod", "OPTIONS",
			"AuthorizationType", "NONE",
			"Integration", fixer.Map(
				"Type", "MOCK",
				"RequestTemplates", fixer.Map("application/json", `{"statusCode": 200}`),
				"IntegrationResponses", fixer.Seq(fixer.Map("StatusCode", "200", "ResponseParameters", params)),
			),
			"MethodResponses", fixer.Seq(fixer.Map("StatusCode", "200", "ResponseParameters", declared)),
		),
	)
	key := fixer.Str(id)
	if !t.d.JSON() {
		key.HeadComment = "# CORS preflight for " + siblingID + "'s resource (corsdoctor fix)"
	}
	if err := t.d.InsertPair(t.resources, key, method); err != nil {
		return "", err
	}
	if err := t.dependOn(refID(apiRef), id); err != nil {
		return "", err
	}
	return id, nil
}

// dependOn adds id to the DependsOn of the API's deployments that
// already depend on some of its methods.
func (t *tmpl) dependOn(apiID, id string) error {
	for i := 0; i+1 < len(t.resources.Content); i += 2 {
		r := t.resources.Content[i+1]
		if typeOf(r) != "AWS::ApiGateway::Deployment" || refID(yamledit.Get(props(r), "RestApiId")) != apiID {
			continue
		}
		deps := yamledit.Get(r, "DependsOn")
		if deps == nil {
			continue
		}
		if err := t.addDependsOn(r, []string{id}); err != nil {
			return err
		}
	}
	return nil
}

// addDependsOn appends ids to a resource's DependsOn.
func (t *tmpl) addDependsOn(r *yaml.Node, ids []string) error {
	deps := yamledit.Get(r, "DependsOn")
	if deps == nil {
		return t.d.Insert(r, "DependsOn", fixer.Strs(ids))
	}
	have := map[string]bool{}
	for _, it := range itemsOf(deps) {
		have[it.Value] = true
	}
	if deps.Kind == yaml.ScalarNode {
		list := fixer.Seq(yamledit.Copy(deps))
		for _, id := range ids {
			if !have[id] {
				list.Content = append(list.Content, fixer.Str(id))
			}
		}
		if deps.Style&yaml.FlowStyle == 0 && len(list.Content) <= 4 {
			fixer.Flow(list)
		}
		return t.d.Replace(deps, list)
	}
	for _, id := range ids {
		if have[id] {
			continue
		}
		have[id] = true
		if err := t.d.Append(deps, fixer.Str(id)); err != nil {
			return err
		}
	}
	return nil
}

func itemsOf(n *yaml.Node) []*yaml.Node {
	if n == nil {
		return nil
	}
	if n.Kind == yaml.SequenceNode {
		return n.Content
	}
	if n.Kind == yaml.ScalarNode {
		return []*yaml.Node{n}
	}
	return nil
}

// ---- SAM ----

// samAPI returns the properties mapping holding an API's settings (the
// AWS::Serverless::Api's Properties, or Globals.Api for the implicit
// API), creating Globals.Api when create is set.
func (t *tmpl) samAPI(global string, create bool) (*yaml.Node, error) {
	api := t.c.API
	if r := t.resource(api.ID); r != nil {
		p := props(r)
		if p == nil {
			if !create {
				return nil, nil
			}
			if err := t.d.Insert(r, "Properties", fixer.Map()); err != nil {
				return nil, err
			}
			p = props(r)
		}
		return p, nil
	}
	g := yamledit.Get(t.root, "Globals")
	if g == nil {
		if !create {
			return nil, nil
		}
		if err := t.d.Insert(t.root, "Globals", fixer.Map(global, fixer.Map())); err != nil {
			return nil, err
		}
		return yamledit.Get(yamledit.Get(t.root, "Globals"), global), nil
	}
	a := yamledit.Get(g, global)
	if a == nil && create {
		if err := t.d.Insert(g, global, fixer.Map()); err != nil {
			return nil, err
		}
		a = yamledit.Get(g, global)
	}
	return a, nil
}

// samSetting reads a SAM API setting from the API's properties or
// Globals.
func (t *tmpl) samSetting(global, name string) (*yaml.Node, *yaml.Node) {
	if r := t.resource(t.c.API.ID); r != nil {
		if v := yamledit.Get(props(r), name); v != nil {
			return props(r), v
		}
	}
	g := yamledit.Get(yamledit.Get(t.root, "Globals"), global)
	return g, yamledit.Get(g, name)
}

// samCors adds Cors to a SAM API whose function events define the
// routes: SAM then generates the OPTIONS methods.
func (t *tmpl) samCors(res *apimodel.Resource) (*fixer.Change, error) {
	api := t.c.API
	if _, c := t.samSetting("Api", "Cors"); c != nil {
		return nil, fixer.Skipf("the API has Cors already; SAM generates OPTIONS from it")
	}
	o, err := t.c.RESTOrigin(t.credentials())
	if err != nil {
		return nil, err
	}
	headers := t.c.ClientHeaders(nil)
	cors := fixer.Map("AllowOrigin", fixer.Quote(o), "AllowHeaders", fixer.Quote(strings.Join(headers, ",")))
	if t.credentials() && o != "*" {
		cors.Content = append(cors.Content, fixer.Str("AllowCredentials"), fixer.Bool(true))
	}
	p, err := t.samAPI("Api", true)
	if err != nil {
		return nil, err
	}
	if err := t.d.Set(p, "Cors", cors); err != nil {
		return nil, err
	}
	if err := t.samPreflightAuthOff(); err != nil {
		return nil, err
	}
	var targets []fixer.Target
	for _, r := range api.Resources {
		targets = append(targets, fixer.PreflightTargets(api, r)...)
	}
	return &fixer.Change{Summary: fmt.Sprintf("added Cors (AllowOrigin '%s') to SAM API %s: SAM generates an OPTIONS method for every path", o, api.ID), Targets: targets}, nil
}

// samPreflightAuthOff sets the SAM Auth flags that keep the default
// authorizer and API key off the generated OPTIONS methods.
func (t *tmpl) samPreflightAuthOff() error {
	holder, auth := t.samSetting("Api", "Auth")
	if auth == nil || auth.Kind != yaml.MappingNode {
		return nil
	}
	_ = holder
	if da, ok := fixer.ScalarValue(yamledit.Get(auth, "DefaultAuthorizer")); ok && da != "" && !strings.EqualFold(da, "NONE") {
		if err := t.setBool(auth, "AddDefaultAuthorizerToCorsPreflight", false); err != nil {
			return err
		}
	}
	if v, ok := fixer.ScalarValue(yamledit.Get(auth, "ApiKeyRequired")); ok && strings.EqualFold(v, "true") {
		if err := t.setBool(auth, "AddApiKeyRequiredToCorsPreflight", false); err != nil {
			return err
		}
	}
	return nil
}

func (t *tmpl) setBool(m *yaml.Node, key string, b bool) error {
	if v := yamledit.Get(m, key); v != nil {
		if s, ok := fixer.ScalarValue(v); ok && strings.EqualFold(s, strconv.FormatBool(b)) {
			return nil
		}
	}
	return t.d.Set(m, key, fixer.Bool(b))
}

// ---- HTTP API: CorsConfiguration ----

func (t *tmpl) httpCors() (*fixer.Change, error) {
	api := t.c.API
	if api.Cors != nil {
		return nil, fixer.Skipf("%s has a CORS configuration already", api.ID)
	}
	origins, err := t.c.ListOrigins()
	if err != nil {
		return nil, err
	}
	methods := fixer.RouteMethods(api)
	headers := t.c.ClientHeaders(nil)
	cfg := fixer.Map("AllowOrigins", origins, "AllowMethods", methods, "AllowHeaders", headers)
	r := t.resource(api.ID)
	switch {
	case r != nil && typeOf(r) == "AWS::ApiGatewayV2::Api":
		if b := yamledit.Get(props(r), "Body"); b != nil {
			o := &oas.Doc{D: t.d, Root: b}
			if err := o.AddCors(origins, methods, headers); err != nil {
				return nil, err
			}
			break
		}
		if err := t.d.Set(props(r), "CorsConfiguration", cfg); err != nil {
			return nil, err
		}
	case r != nil && typeOf(r) == "AWS::Serverless::HttpApi" || r == nil && api.Format == "sam":
		p, err := t.samAPI("HttpApi", true)
		if err != nil {
			return nil, err
		}
		if err := t.d.Set(p, "CorsConfiguration", cfg); err != nil {
			return nil, err
		}
	default:
		return nil, fixer.Skipf("%s is not defined in this template", api.ID)
	}
	var targets []fixer.Target
	for _, rt := range api.Routes {
		if rt.Method == "" || rt.Method == "OPTIONS" {
			continue
		}
		targets = append(targets, fixer.Target{API: api.ID, Method: fixer.CallVerb(rt.Method), Path: rt.Path, Stage: fixer.Preflight})
	}
	return &fixer.Change{Summary: fmt.Sprintf("added a CORS configuration to HTTP API %s (AllowOrigins %s): API Gateway answers preflights itself", api.ID, strings.Join(origins, ", ")), Targets: targets}, nil
}

// ---- CD2002 / CD2003: preflights without authorizer or API key ----

func (t *tmpl) cd2002() (*fixer.Change, error) {
	api := t.c.API
	if api.Kind != apimodel.REST {
		return t.httpCors()
	}
	loc := t.c.Finding.Location
	if api.SAMCors != nil && fixer.Same(api.SAMCors.AuthSource, loc) {
		holder, auth := t.samSetting("Api", "Auth")
		_ = holder
		if auth == nil {
			return nil, fixer.Skipf("SAM Auth not found")
		}
		if err := t.setBool(auth, "AddDefaultAuthorizerToCorsPreflight", false); err != nil {
			return nil, err
		}
		return &fixer.Change{Summary: "set Auth.AddDefaultAuthorizerToCorsPreflight: false: SAM no longer puts the default authorizer on the OPTIONS methods it generates",
			Targets: fixer.AllPreflightTargets(t.c.API)}, nil
	}
	var changed []string
	var targets []fixer.Target
	for _, res := range api.Resources {
		for _, m := range res.Methods {
			if !fixer.Same(m.AuthorizationType.Source, loc) {
				continue
			}
			if m.HTTPMethod == "ANY" && res.Method("OPTIONS") == nil {
				ch, err := t.addOptions(res)
				if err != nil {
					return nil, err
				}
				changed = append(changed, ch.Summary)
				targets = append(targets, ch.Targets...)
				continue
			}
			if err := t.noAuth(m); err != nil {
				return nil, err
			}
			changed = append(changed, "OPTIONS "+res.Path)
			targets = append(targets, fixer.PreflightTargets(api, res)...)
		}
	}
	if len(changed) == 0 {
		return nil, fixer.Skipf("no OPTIONS method at %s", loc)
	}
	return &fixer.Change{Summary: "preflights no longer require authorization: " + strings.Join(changed, "; "), Targets: targets}, nil
}

// noAuth takes the authorizer off an OPTIONS method (CFN method or an
// operation of an inline definition).
func (t *tmpl) noAuth(m *apimodel.Method) error {
	if r := t.methodNode(m); r != nil {
		p := props(r)
		if err := t.d.Set(p, "AuthorizationType", fixer.Str("NONE")); err != nil {
			return err
		}
		for _, k := range []string{"AuthorizerId", "AuthorizationScopes"} {
			if yamledit.Get(p, k) != nil {
				if err := t.d.Delete(p, k); err != nil {
					return err
				}
			}
		}
		return nil
	}
	n := t.first(m.Source)
	if where, body := t.siteOf(n); where == siteBody {
		op := body.OpAt(n)
		if op == nil {
			return fixer.Skipf("operation not found at %s", m.Source)
		}
		return body.NoSecurity(op.Node)
	}
	return fixer.Skipf("OPTIONS %s is not written as a method in this template", m.ID)
}

func (t *tmpl) cd2003() (*fixer.Change, error) {
	api := t.c.API
	loc := t.c.Finding.Location
	if api.SAMCors != nil && (fixer.Same(api.SAMCors.Source, loc) || fixer.Same(api.SAMCors.AuthSource, loc)) {
		_, auth := t.samSetting("Api", "Auth")
		if auth == nil {
			return nil, fixer.Skipf("SAM Auth not found")
		}
		if err := t.setBool(auth, "AddApiKeyRequiredToCorsPreflight", false); err != nil {
			return nil, err
		}
		return &fixer.Change{Summary: "set Auth.AddApiKeyRequiredToCorsPreflight: false: SAM no longer requires the API key on the OPTIONS methods it generates",
			Targets: fixer.AllPreflightTargets(t.c.API)}, nil
	}
	var targets []fixer.Target
	n := 0
	for _, res := range api.Resources {
		for _, m := range res.Methods {
			if m.HTTPMethod != "OPTIONS" && m.HTTPMethod != "ANY" || !fixer.Same(m.Source, loc) && !fixer.Same(m.AuthorizationType.Source, loc) {
				continue
			}
			if m.HTTPMethod == "ANY" {
				ch, err := t.addOptions(res)
				if err != nil {
					return nil, err
				}
				targets = append(targets, ch.Targets...)
				n++
				continue
			}
			if r := t.methodNode(m); r != nil {
				if err := t.d.Set(props(r), "ApiKeyRequired", fixer.Bool(false)); err != nil {
					return nil, err
				}
			} else if where, body := t.siteOf(t.first(m.Source)); where == siteBody {
				op := body.OpAt(t.first(m.Source))
				if op == nil {
					return nil, fixer.Skipf("operation not found")
				}
				if err := body.NoSecurity(op.Node); err != nil {
					return nil, err
				}
			} else {
				return nil, fixer.Skipf("OPTIONS %s is not written in this template", res.Path)
			}
			targets = append(targets, fixer.PreflightTargets(api, res)...)
			n++
		}
	}
	if n == 0 {
		return nil, fixer.Skipf("no OPTIONS method at %s", loc)
	}
	return &fixer.Change{Summary: "preflights no longer require an API key", Targets: targets}, nil
}

// ---- integration responses ----

// irNode finds the integration response written at loc: an item of a
// Method's IntegrationResponses, or a response of an inline definition's
// integration. It returns the owning method node (CFN) or operation.
type irSite struct {
	ir     *yaml.Node // the integration response mapping
	method *yaml.Node // CFN Method properties, or nil
	body   *oas.Doc
	op     *oas.Op
	status string
}

func (t *tmpl) irAt(loc evidence.Source) (*irSite, error) {
	for _, n := range t.at(loc) {
		where, body := t.siteOf(n)
		switch where {
		case siteMethod:
			if n.Kind != yaml.MappingNode {
				continue
			}
			p := t.d.Path(n)
			if len(p) < 5 || p[3] != "Integration" || p[4] != "IntegrationResponses" {
				continue
			}
			st, _ := fixer.ScalarValue(yamledit.Get(n, "StatusCode"))
			return &irSite{ir: n, method: props(t.resource(p[1])), status: st}, nil
		case siteBody:
			op := body.OpAt(n)
			ir := n
			if v := t.d.ValueOf(n); v != nil {
				ir = v
			}
			if op == nil || ir.Kind != yaml.MappingNode {
				continue
			}
			st, _ := fixer.ScalarValue(yamledit.Get(ir, "statusCode"))
			return &irSite{ir: ir, body: body, op: op, status: st}, nil
		}
	}
	return nil, fixer.Skipf("no integration response written at %s", loc)
}

// setParams maps headers on an integration response and declares them.
func (t *tmpl) setParams(s *irSite, kv []string) error {
	if s.body != nil {
		var names []string
		for i := 0; i+1 < len(kv); i += 2 {
			if err := s.body.SetParam(s.ir, kv[i], kv[i+1]); err != nil {
				return err
			}
			names = append(names, strings.TrimPrefix(kv[i], "method.response.header."))
		}
		return s.body.Declare(s.op.Node, s.status, names)
	}
	rp := yamledit.Get(s.ir, "ResponseParameters")
	if rp == nil {
		m := fixer.Map()
		for i := 0; i+1 < len(kv); i += 2 {
			m.Content = append(m.Content, fixer.Str(kv[i]), fixer.Str(kv[i+1]))
		}
		if err := t.d.Set(s.ir, "ResponseParameters", m); err != nil {
			return err
		}
	} else {
		for i := 0; i+1 < len(kv); i += 2 {
			if err := t.d.Set(rp, kv[i], fixer.Str(kv[i+1])); err != nil {
				return err
			}
		}
	}
	var names []string
	for i := 0; i+1 < len(kv); i += 2 {
		names = append(names, kv[i])
	}
	return t.declare(s.method, s.status, names)
}

// declare adds method.response.header.X: true to the method response of
// status, creating it when missing.
func (t *tmpl) declare(p *yaml.Node, status string, params []string) error {
	if p == nil {
		return nil
	}
	mrs := yamledit.Get(p, "MethodResponses")
	build := func() *yaml.Node {
		m := fixer.Map()
		for _, k := range params {
			m.Content = append(m.Content, fixer.Str(k), fixer.Bool(true))
		}
		return fixer.Map("StatusCode", status, "ResponseParameters", m)
	}
	if mrs == nil {
		return t.d.Set(p, "MethodResponses", fixer.Seq(build()))
	}
	for _, mr := range itemsOf(mrs) {
		if st, _ := fixer.ScalarValue(yamledit.Get(mr, "StatusCode")); st != status {
			continue
		}
		rp := yamledit.Get(mr, "ResponseParameters")
		if rp == nil {
			m := fixer.Map()
			for _, k := range params {
				m.Content = append(m.Content, fixer.Str(k), fixer.Bool(true))
			}
			return t.d.Set(mr, "ResponseParameters", m)
		}
		for _, k := range params {
			if yamledit.Get(rp, k) != nil {
				continue
			}
			if err := t.d.Set(rp, k, fixer.Bool(true)); err != nil {
				return err
			}
		}
		return nil
	}
	return t.d.Append(mrs, build())
}

func (t *tmpl) cd2004() (*fixer.Change, error) {
	api := t.c.API
	loc := t.c.Finding.Location
	if api.SAMCors != nil && fixer.Same(api.SAMCors.Source, loc) {
		return t.samCorsHeaders()
	}
	s, err := t.irAt(loc)
	if err != nil {
		return nil, err
	}
	var res *apimodel.Resource
	for _, r := range api.Resources {
		if m := r.Method("OPTIONS"); m != nil && m.Integration != nil {
			for _, ir := range m.Integration.Responses {
				if fixer.Same(ir.Source, loc) {
					res = r
				}
			}
		}
	}
	if res == nil {
		return nil, fixer.Skipf("no OPTIONS integration response at %s", loc)
	}
	pf, err := t.c.PreflightFor(res)
	if err != nil {
		return nil, err
	}
	ir := fixer.OptionsIR(res)
	var kv []string
	want := []struct{ name, val string }{
		{"Access-Control-Allow-Origin", fixer.Quote(pf.Origin)},
		{"Access-Control-Allow-Methods", fixer.Quote(strings.Join(pf.Methods, ","))},
		{"Access-Control-Allow-Headers", fixer.Quote(strings.Join(pf.Headers, ","))},
	}
	var added []string
	for _, w := range want {
		if ir != nil {
			if _, ok := ir.Header(w.name); ok {
				continue
			}
		}
		kv = append(kv, "method.response.header."+w.name, w.val)
		added = append(added, w.name+" "+w.val)
	}
	if len(kv) == 0 {
		return nil, fixer.Skipf("the OPTIONS integration response maps every header already")
	}
	if err := t.setParams(s, kv); err != nil {
		return nil, err
	}
	return &fixer.Change{Summary: "OPTIONS " + res.Path + " now maps " + strings.Join(added, ", "), Targets: fixer.PreflightTargets(api, res)}, nil
}

// samCorsHeaders adds AllowHeaders to a SAM Cors setting.
func (t *tmpl) samCorsHeaders() (*fixer.Change, error) {
	holder, c := t.samSetting("Api", "Cors")
	if c == nil {
		return nil, fixer.Skipf("SAM Cors not found")
	}
	headers := fixer.Quote(strings.Join(t.c.ClientHeaders(nil), ","))
	if c.Kind == yaml.ScalarNode {
		m := fixer.Map("AllowOrigin", yamledit.Copy(c), "AllowHeaders", headers)
		if err := t.d.Set(holder, "Cors", m); err != nil {
			return nil, err
		}
	} else if err := t.d.Set(c, "AllowHeaders", fixer.Str(headers)); err != nil {
		return nil, err
	}
	return &fixer.Change{Summary: "SAM Cors now sets AllowHeaders " + headers, Targets: fixer.AllPreflightTargets(t.c.API)}, nil
}

// ---- CD2005: Allow-Methods ----

func (t *tmpl) cd2005() (*fixer.Change, error) {
	api := t.c.API
	loc := t.c.Finding.Location
	n := t.valueNodeAt(loc)
	if n == nil {
		return nil, fixer.Skipf("no value at %s", loc)
	}
	var add []string
	var targets []fixer.Target
	for _, res := range api.Resources {
		ir := fixer.OptionsIR(res)
		if ir == nil {
			continue
		}
		if v, ok := ir.Header("Access-Control-Allow-Methods"); ok && fixer.Same(v.Source, loc) {
			add = append(add, fixer.Methods(res)...)
			targets = append(targets, fixer.PreflightTargets(api, res)...)
		}
	}
	if api.SAMCors != nil && api.SAMCors.AllowMethods != nil && fixer.Same(api.SAMCors.AllowMethods.Source, loc) {
		for _, res := range api.Resources {
			add = append(add, fixer.Methods(res)...)
		}
		targets = fixer.AllPreflightTargets(t.c.API)
	}
	nv, err := fixer.AddListItems(t.d, n, add)
	if err != nil {
		return nil, err
	}
	return &fixer.Change{Summary: "Access-Control-Allow-Methods is now " + nv, Targets: targets}, nil
}

// ---- CD2006 / CD2007: declarations, error responses ----

func (t *tmpl) cd2006() (*fixer.Change, error) {
	loc := t.c.Finding.Location
	s, err := t.irAt(loc)
	if err != nil {
		return nil, err
	}
	var irm *apimodel.IntegrationResponse
	for _, res := range t.c.API.Resources {
		for _, m := range res.Methods {
			if m.Integration == nil {
				continue
			}
			for _, ir := range m.Integration.Responses {
				if fixer.Same(ir.Source, loc) {
					irm = ir
				}
			}
		}
	}
	if irm == nil {
		return nil, fixer.Skipf("no integration response at %s", loc)
	}
	var names []string
	for _, k := range apimodel.SortedKeys(irm.ResponseParameters) {
		if h, ok := strings.CutPrefix(k, "method.response.header."); ok && strings.HasPrefix(strings.ToLower(h), "access-control-") {
			names = append(names, k)
		}
	}
	if s.body != nil {
		var hs []string
		for _, k := range names {
			hs = append(hs, strings.TrimPrefix(k, "method.response.header."))
		}
		if err := s.body.Declare(s.op.Node, s.status, hs); err != nil {
			return nil, err
		}
	} else if err := t.declare(s.method, s.status, names); err != nil {
		return nil, err
	}
	return &fixer.Change{Summary: fmt.Sprintf("the %s method response declares %s", s.status, strings.Join(names, ", "))}, nil
}

func (t *tmpl) cd2007() (*fixer.Change, error) {
	return t.c.ErrorResponses(func(ir *apimodel.IntegrationResponse, kv []string) error {
		s, err := t.irAt(ir.Source)
		if err != nil {
			return err
		}
		return t.setParams(s, kv)
	})
}

// ---- CD2009: gateway responses ----

// gatewayTypes are the responses the fix configures: the two defaults
// cover every type not customized.
var gatewayTypes = []string{"DEFAULT_4XX", "DEFAULT_5XX"}

func (t *tmpl) cd2009() (*fixer.Change, error) {
	api := t.c.API
	kv, o, err := t.c.OriginParams("gatewayresponse.header.")
	if err != nil {
		return nil, err
	}
	var did []string
	// Customized responses that lack the header.
	for _, typ := range apimodel.SortedKeys(api.GatewayResponses) {
		g := api.GatewayResponses[typ]
		if _, ok := g.Header("Access-Control-Allow-Origin"); ok {
			continue
		}
		if err := t.gatewayHeader(g, kv); err != nil {
			return nil, err
		}
		did = append(did, typ)
	}
	explicit := t.resource(api.ID) != nil
	switch {
	case api.Format == "sam" && explicit:
		var add []string
		for _, typ := range gatewayTypes {
			if api.GatewayResponses[typ] == nil {
				add = append(add, typ)
			}
		}
		if len(add) > 0 {
			p, err := t.samAPI("Api", true)
			if err != nil {
				return nil, err
			}
			gr := yamledit.Get(p, "GatewayResponses")
			headers := fixer.Map()
			for i := 0; i+1 < len(kv); i += 2 {
				headers.Content = append(headers.Content, fixer.Str(strings.TrimPrefix(kv[i], "gatewayresponse.header.")), fixer.Str(kv[i+1]))
			}
			for _, typ := range add {
				entry := fixer.Map("ResponseParameters", fixer.Map("Headers", yamledit.Copy(headers)))
				if gr == nil {
					if err := t.d.Set(p, "GatewayResponses", fixer.Map(typ, entry)); err != nil {
						return nil, err
					}
					gr = yamledit.Get(p, "GatewayResponses")
					continue
				}
				if err := t.d.Set(gr, typ, entry); err != nil {
					return nil, err
				}
			}
			did = append(did, add...)
		}
	case !explicit && api.Format == "sam" || explicit && typeOf(t.resource(api.ID)) == "AWS::ApiGateway::RestApi":
		// A RestApi, or SAM's implicit ServerlessRestApi, which takes
		// GatewayResponse resources that reference its logical ID.
		for _, typ := range gatewayTypes {
			if api.GatewayResponses[typ] != nil {
				continue
			}
			params := fixer.Map()
			for i := 0; i+1 < len(kv); i += 2 {
				params.Content = append(params.Content, fixer.Str(kv[i]), fixer.Str(kv[i+1]))
			}
			id := t.newID(api.ID + "GatewayResponse" + "Default" + strings.TrimPrefix(typ, "DEFAULT_"))
			r := fixer.Map("Type", "AWS::ApiGateway::GatewayResponse", "Properties", fixer.Map(
				"RestApiId", t.ref(api.ID), "ResponseType", typ, "ResponseParameters", params))
			key := fixer.Str(id)
			if !t.d.JSON() && typ == gatewayTypes[0] {
				key.HeadComment = "# Errors API Gateway answers itself carry CORS headers too (corsdoctor fix)"
			}
			if err := t.d.InsertPair(t.resources, key, r); err != nil {
				return nil, err
			}
			did = append(did, typ)
		}
	default:
		return nil, fixer.Skipf("API %s is not defined in this template", api.ID)
	}
	if len(did) == 0 {
		return nil, fixer.Skipf("every gateway response carries the header already")
	}
	targets := fixer.UnauthorizedTargets(api)
	return &fixer.Change{Summary: fmt.Sprintf("gateway responses %s carry Access-Control-Allow-Origin %s", strings.Join(did, ", "), o), Targets: targets}, nil
}

// gatewayHeader adds header mappings to an existing gateway response.
func (t *tmpl) gatewayHeader(g *apimodel.GatewayResponse, kv []string) error {
	n := t.first(g.Source)
	if n == nil {
		return fixer.Skipf("gateway response %s is not in this template", g.Type)
	}
	if v := t.d.ValueOf(n); v != nil {
		n = v
	}
	if typeOf(n) == "AWS::ApiGateway::GatewayResponse" {
		p := props(n)
		rp := yamledit.Get(p, "ResponseParameters")
		if rp == nil {
			m := fixer.Map()
			for i := 0; i+1 < len(kv); i += 2 {
				m.Content = append(m.Content, fixer.Str(kv[i]), fixer.Str(kv[i+1]))
			}
			return t.d.Set(p, "ResponseParameters", m)
		}
		for i := 0; i+1 < len(kv); i += 2 {
			if err := t.d.Set(rp, kv[i], fixer.Str(kv[i+1])); err != nil {
				return err
			}
		}
		return nil
	}
	// SAM: GatewayResponses.TYPE.ResponseParameters.Headers.
	rp := yamledit.Get(n, "ResponseParameters")
	if rp == nil {
		h := fixer.Map()
		for i := 0; i+1 < len(kv); i += 2 {
			h.Content = append(h.Content, fixer.Str(strings.TrimPrefix(kv[i], "gatewayresponse.header.")), fixer.Str(kv[i+1]))
		}
		return t.d.Set(n, "ResponseParameters", fixer.Map("Headers", h))
	}
	hs := yamledit.Get(rp, "Headers")
	if hs == nil {
		h := fixer.Map()
		for i := 0; i+1 < len(kv); i += 2 {
			h.Content = append(h.Content, fixer.Str(strings.TrimPrefix(kv[i], "gatewayresponse.header.")), fixer.Str(kv[i+1]))
		}
		return t.d.Set(rp, "Headers", h)
	}
	for i := 0; i+1 < len(kv); i += 2 {
		if err := t.d.Set(hs, strings.TrimPrefix(kv[i], "gatewayresponse.header."), fixer.Str(kv[i+1])); err != nil {
			return err
		}
	}
	return nil
}

// ---- origins: CD2010, CD2011, CD2012, CD2014, CD2020 ----

func (t *tmpl) origin() (*fixer.Change, error) {
	api := t.c.API
	loc := t.c.Finding.Location
	n := t.valueNodeAt(loc)
	if api.Cors != nil {
		for _, v := range api.Cors.AllowOrigins {
			if fixer.Same(v.Source, loc) {
				ch, err := t.c.RewriteOriginItem(t.d, n)
				if err != nil {
					return nil, err
				}
				ch.Targets = fixer.ValueTargets(t.c.API, loc)
				return ch, nil
			}
		}
	}
	ch, err := t.c.RewriteOrigin(t.d, n)
	if err != nil {
		return nil, err
	}
	ch.Targets = fixer.ValueTargets(t.c.API, loc)
	return ch, nil
}

func (t *tmpl) valueNodeAt(loc evidence.Source) *yaml.Node { return fixer.ValueAt(t.d, loc) }

// ---- CD2013: AllowHeaders ----

func (t *tmpl) cd2013() (*fixer.Change, error) {
	c := t.c.API.Cors
	if c == nil {
		return nil, fixer.Skipf("no CORS configuration")
	}
	var add []string
	for _, h := range t.c.ClientHeaders(nil) {
		add = append(add, strings.ToLower(h))
	}
	ch, err := t.appendList(c, c.AllowHeaders, "AllowHeaders", add)
	if err != nil {
		return nil, err
	}
	ch.Targets = fixer.RouteTargets(t.c.API, true)
	return ch, nil
}

// ---- CD2015: SAM quoting ----

func (t *tmpl) cd2015() (*fixer.Change, error) {
	return fixer.QuoteSAM(t.d, t.valueNodeAt(t.c.Finding.Location))
}

// ---- CD2016: DependsOn ----

func (t *tmpl) deploymentAt() (string, *yaml.Node) {
	for _, n := range t.at(t.c.Finding.Location) {
		if v := t.d.ValueOf(n); v != nil && typeOf(v) == "AWS::ApiGateway::Deployment" {
			return n.Value, v
		}
	}
	return "", nil
}

func (t *tmpl) cd2016() (*fixer.Change, error) {
	id, dep := t.deploymentAt()
	if dep == nil {
		return nil, fixer.Skipf("no deployment at %s", t.c.Finding.Location)
	}
	var ids []string
	for _, res := range t.c.API.Resources {
		for _, m := range res.Methods {
			if m.Generated == "" && t.methodNode(m) != nil {
				ids = append(ids, m.ID)
			}
		}
	}
	sort.Strings(ids)
	if len(ids) == 0 {
		return nil, fixer.Skipf("the API's methods are not CloudFormation resources")
	}
	if err := t.addDependsOn(dep, ids); err != nil {
		return nil, err
	}
	return &fixer.Change{Summary: fmt.Sprintf("deployment %s DependsOn %s", id, strings.Join(ids, ", "))}, nil
}

// ---- CD2018: binary media types ----

func (t *tmpl) cd2018() (*fixer.Change, error) {
	api := t.c.API
	var did []string
	var targets []fixer.Target
	for _, res := range api.Resources {
		m := res.Method("OPTIONS")
		if m == nil || m.Integration == nil || m.Integration.Type != apimodel.Mock || m.Integration.ContentHandling == "CONVERT_TO_TEXT" {
			continue
		}
		if m.Generated != "" {
			return nil, fixer.Skipf("%s generates OPTIONS %s and offers no ContentHandling: remove \"*/*\" from BinaryMediaTypes or list the binary types you serve", m.Generated, res.Path)
		}
		if r := t.methodNode(m); r != nil {
			in := yamledit.Get(props(r), "Integration")
			if in == nil {
				continue
			}
			if err := t.d.Set(in, "ContentHandling", fixer.Str("CONVERT_TO_TEXT")); err != nil {
				return nil, err
			}
		} else if where, body := t.siteOf(t.first(m.Source)); where == siteBody {
			op := body.OpAt(t.first(m.Source))
			if op == nil {
				continue
			}
			if err := t.d.Set(oas.Integration(op.Node), "contentHandling", fixer.Str("CONVERT_TO_TEXT")); err != nil {
				return nil, err
			}
		} else {
			continue
		}
		did = append(did, "OPTIONS "+res.Path)
		targets = append(targets, fixer.PreflightTargets(api, res)...)
	}
	if len(did) == 0 {
		return nil, fixer.Skipf("no MOCK OPTIONS integration written in this template")
	}
	return &fixer.Change{Summary: "ContentHandling CONVERT_TO_TEXT on " + strings.Join(did, ", "), Targets: targets}, nil
}

// ---- CD2021: max age ----

func (t *tmpl) cd2021() (*fixer.Change, error) {
	return fixer.CapMaxAge(t.d, t.valueNodeAt(t.c.Finding.Location))
}

// ---- CD2023: a new deployment logical ID ----

var hashSuffix = regexp.MustCompile(`[0-9a-f]{8}$`)

func (t *tmpl) cd2023() (*fixer.Change, error) {
	if !t.c.ChangedAPI {
		return nil, fixer.Skipf("this run changed nothing in the API to deploy; after a change, rename the deployment (or let corsdoctor fix do it) so CloudFormation creates a new one")
	}
	id, dep := t.deploymentAt()
	if dep == nil {
		return nil, fixer.Skipf("no deployment at %s", t.c.Finding.Location)
	}
	// A hash of the API's method, resource and gateway response
	// definitions: it changes when they change.
	h := sha256.New()
	for i := 0; i+1 < len(t.resources.Content); i += 2 {
		r := t.resources.Content[i+1]
		switch typeOf(r) {
		case "AWS::ApiGateway::Method", "AWS::ApiGateway::Resource", "AWS::ApiGateway::GatewayResponse", "AWS::ApiGateway::RestApi":
			fmt.Fprintf(h, "%s\n", t.resources.Content[i].Value)
			writeNode(h, r, 0)
		}
	}
	sum := hex.EncodeToString(h.Sum(nil))[:8]
	base := id
	if hashSuffix.MatchString(base) && len(base) > 8 {
		base = base[:len(base)-8]
	}
	next := base + sum
	if next == id {
		return nil, fixer.Satisfiedf("deployment %s already carries the hash of the current methods", id)
	}
	if t.resource(next) != nil {
		return nil, fixer.Skipf("logical ID %s is taken", next)
	}
	if err := t.renameResource(id, next); err != nil {
		return nil, err
	}
	return &fixer.Change{Summary: fmt.Sprintf("deployment %s renamed %s (hash of the API's methods): CloudFormation creates a new deployment with this change", id, next)}, nil
}

func writeNode(h interface{ Write([]byte) (int, error) }, n *yaml.Node, depth int) {
	if n == nil || depth > 64 {
		return
	}
	fmt.Fprintf(h, "%d|%s|%s|", n.Kind, n.ShortTag(), n.Value)
	for _, c := range n.Content {
		writeNode(h, c, depth+1)
	}
}

// renameResource renames a logical ID and every reference to it (Ref,
// GetAtt, DependsOn, ${ID} in Sub).
func (t *tmpl) renameResource(from, to string) error {
	var key *yaml.Node
	for i := 0; i+1 < len(t.resources.Content); i += 2 {
		if t.resources.Content[i].Value == from {
			key = t.resources.Content[i]
		}
	}
	if key == nil {
		return fixer.Skipf("resource %s not found", from)
	}
	if err := t.d.SetScalar(key, to); err != nil {
		return err
	}
	var walk func(n *yaml.Node, depth int) error
	walk = func(n *yaml.Node, depth int) error {
		if n == nil || depth > 64 || n == key {
			return nil
		}
		switch {
		case n.Kind == yaml.ScalarNode && (n.Tag == "!Ref" && n.Value == from):
			return t.d.SetScalar(n, to)
		case n.Kind == yaml.ScalarNode && n.Tag == "!GetAtt" && strings.HasPrefix(n.Value, from+"."):
			return t.d.SetScalar(n, to+strings.TrimPrefix(n.Value, from))
		case n.Kind == yaml.ScalarNode && (strings.Contains(n.Value, "${"+from+"}") || strings.Contains(n.Value, "${"+from+".")):
			if n.Tag == "!Sub" || t.inSub(n) {
				v := strings.ReplaceAll(n.Value, "${"+from+"}", "${"+to+"}")
				v = strings.ReplaceAll(v, "${"+from+".", "${"+to+".")
				return t.d.SetScalar(n, v)
			}
		case n.Kind == yaml.MappingNode && len(n.Content) == 2 && n.Content[0].Value == "Ref" && n.Content[1].Value == from:
			return t.d.SetScalar(n.Content[1], to)
		case n.Kind == yaml.ScalarNode && n.Value == from && t.inDependsOnOrGetAtt(n):
			return t.d.SetScalar(n, to)
		}
		for _, c := range n.Content {
			if err := walk(c, depth+1); err != nil {
				return err
			}
		}
		return nil
	}
	return walk(t.root, 0)
}

func (t *tmpl) inSub(n *yaml.Node) bool {
	for p := t.d.Parent(n); p != nil; p = t.d.Parent(p) {
		if p.Tag == "!Sub" {
			return true
		}
		if k := t.d.KeyOf(p); k != nil && k.Value == "Fn::Sub" {
			return true
		}
		if k := t.d.KeyOf(n); k != nil && k.Value == "Fn::Sub" {
			return true
		}
	}
	return false
}

func (t *tmpl) inDependsOnOrGetAtt(n *yaml.Node) bool {
	p := t.d.Parent(n)
	if p == nil {
		return false
	}
	if k := t.d.KeyOf(n); k != nil && k.Value == "DependsOn" {
		return true
	}
	if k := t.d.KeyOf(p); k != nil && (k.Value == "DependsOn" || k.Value == "Fn::GetAtt") {
		return true
	}
	if p.Tag == "!GetAtt" && len(p.Content) > 0 && p.Content[0] == n {
		return true
	}
	return false
}

// ---- CD2050: a predicted block at the preflight ----

func (t *tmpl) cd2050() (*fixer.Change, error) {
	api := t.c.API
	e := t.c.PredictedError()
	if api.Kind != apimodel.REST {
		return t.httpPreflight(e)
	}
	res := t.resourceOfFinding()
	if res == nil {
		return nil, fixer.Skipf("no resource at %s", t.c.Finding.Location)
	}
	switch e {
	case "HeaderDisallowedByPreflightResponse", "MethodDisallowedByPreflightResponse":
	case "MissingAllowOriginHeader", "InvalidAllowCredentials":
		return t.actualOrigin(res)
	case "PreflightMissingAllowOriginHeader", "PreflightInvalidStatus":
		if res.Method("OPTIONS") == nil {
			return t.addOptions(res)
		}
		return nil, fixer.Skipf("the preflight fails with %s although %s has an OPTIONS method: see the more specific finding", e, res.Path)
	default:
		return nil, fixer.Skipf("%s has no mechanical fix here: see the more specific finding on the route", e)
	}
	name, add := "Access-Control-Allow-Headers", t.c.ClientHeaders(res.Methods)
	if e == "MethodDisallowedByPreflightResponse" {
		name, add = "Access-Control-Allow-Methods", fixer.Methods(res)
	}
	m := res.Method("OPTIONS")
	if m != nil && m.Generated == "sam-cors" && api.SAMCors != nil {
		field := "AllowHeaders"
		v := api.SAMCors.AllowHeaders
		if name == "Access-Control-Allow-Methods" {
			field, v = "AllowMethods", api.SAMCors.AllowMethods
		}
		if v == nil {
			holder, c := t.samSetting("Api", "Cors")
			if c == nil || c.Kind != yaml.MappingNode {
				_ = holder
				return nil, fixer.Skipf("SAM Cors is not a mapping")
			}
			if err := t.d.Set(c, field, fixer.Str(fixer.Quote(strings.Join(add, ",")))); err != nil {
				return nil, err
			}
			return &fixer.Change{Summary: "SAM Cors." + field + " " + fixer.Quote(strings.Join(add, ",")), Targets: fixer.AllPreflightTargets(api)}, nil
		}
		nv, err := fixer.AddListItems(t.d, t.valueNodeAt(v.Source), add)
		if err != nil {
			return nil, err
		}
		return &fixer.Change{Summary: "SAM Cors." + field + " is now " + nv, Targets: fixer.AllPreflightTargets(api)}, nil
	}
	ir := fixer.OptionsIR(res)
	if ir == nil {
		return nil, fixer.Skipf("OPTIONS %s has no integration response to change", res.Path)
	}
	v, ok := ir.Header(name)
	if !ok {
		s, err := t.irAt(ir.Source)
		if err != nil {
			return nil, err
		}
		val := fixer.Quote(strings.Join(add, ","))
		if err := t.setParams(s, []string{"method.response.header." + name, val}); err != nil {
			return nil, err
		}
		return &fixer.Change{Summary: "OPTIONS " + res.Path + " maps " + name + " " + val, Targets: fixer.PreflightTargets(api, res)}, nil
	}
	nv, err := fixer.AddListItems(t.d, t.valueNodeAt(v.Source), add)
	if err != nil {
		return nil, err
	}
	return &fixer.Change{Summary: "OPTIONS " + res.Path + " " + name + " is now " + nv, Targets: fixer.PreflightTargets(api, res)}, nil
}

// httpPreflight adds what a CORS configuration lacks for a predicted
// block of an HTTP API or function URL.
func (t *tmpl) httpPreflight(e string) (*fixer.Change, error) {
	api := t.c.API
	c := api.Cors
	if c == nil {
		return t.httpCors()
	}
	var list []apimodel.Value
	var add []string
	key := "AllowHeaders"
	switch e {
	case "HeaderDisallowedByPreflightResponse":
		list, add = c.AllowHeaders, t.c.ClientHeaders(nil)
	case "MethodDisallowedByPreflightResponse":
		list, add, key = c.AllowMethods, fixer.RouteMethods(api), "AllowMethods"
	case "AllowOriginMismatch", "PreflightAllowOriginMismatch", "PreflightMissingAllowOriginHeader", "MissingAllowOriginHeader":
		// The page's origin is not in AllowOrigins (API Gateway then
		// adds no CORS header): add the --origin values to the list.
		if len(t.c.Origins) == 0 {
			return nil, fixer.Needs("--origin", "the page's origin is not allowed; give it with --origin to add it to AllowOrigins")
		}
		list, add, key = c.AllowOrigins, t.c.Origins, "AllowOrigins"
	default:
		return nil, fixer.Skipf("%s has no mechanical fix here: see the more specific finding on the route", e)
	}
	return t.appendList(c, list, key, add)
}

// appendList adds items to an AllowHeaders/AllowMethods list of a CORS
// configuration (creating the key when absent).
func (t *tmpl) appendList(c *apimodel.CorsConfig, list []apimodel.Value, key string, add []string) (*fixer.Change, error) {
	have := map[string]bool{}
	var existing []string
	for _, v := range list {
		have[strings.ToLower(strings.TrimSpace(v.S))] = true
		existing = append(existing, strings.TrimSpace(v.S))
	}
	if key == "AllowHeaders" {
		add = fixer.MatchCase(existing, add)
	}
	var missing []string
	for _, h := range add {
		if !have[strings.ToLower(h)] {
			have[strings.ToLower(h)] = true
			missing = append(missing, h)
		}
	}
	if len(missing) == 0 {
		return nil, fixer.Skipf("%s lists every value already", key)
	}
	if len(list) > 0 {
		seq := t.d.Parent(t.valueNodeAt(list[0].Source))
		if seq == nil || seq.Kind != yaml.SequenceNode {
			return nil, fixer.Skipf("%s is not a list", key)
		}
		for _, h := range missing {
			if err := t.d.Append(seq, fixer.Str(h)); err != nil {
				return nil, err
			}
		}
	} else {
		cfg := fixer.MappingAt(t.d, c.Source)
		if cfg == nil {
			return nil, fixer.Skipf("the CORS configuration is not a mapping")
		}
		if yamledit.Get(cfg, "allowOrigins") != nil || yamledit.Get(cfg, "allowMethods") != nil {
			key = strings.ToLower(key[:1]) + key[1:]
		}
		if err := t.d.Set(cfg, key, fixer.Strs(missing)); err != nil {
			return nil, err
		}
	}
	return &fixer.Change{Summary: key + " now includes " + strings.Join(missing, ", "), Targets: fixer.RouteTargets(t.c.API, false)}, nil
}

// ---- CD2025: SigV4 headers ----

func (t *tmpl) cd2025() (*fixer.Change, error) {
	api := t.c.API
	if api.Kind != apimodel.REST {
		return t.httpPreflight("HeaderDisallowedByPreflightResponse")
	}
	loc := t.c.Finding.Location
	for _, res := range api.Resources {
		ir := fixer.OptionsIR(res)
		if ir == nil {
			continue
		}
		v, ok := ir.Header("Access-Control-Allow-Headers")
		if !fixer.Same(ir.Source, loc) && !(ok && fixer.Same(v.Source, loc)) {
			continue
		}
		add := t.c.ClientHeaders(res.Methods)
		if !ok {
			s, err := t.irAt(ir.Source)
			if err != nil {
				return nil, err
			}
			val := fixer.Quote(strings.Join(add, ","))
			if err := t.setParams(s, []string{"method.response.header.Access-Control-Allow-Headers", val}); err != nil {
				return nil, err
			}
			return &fixer.Change{Summary: "OPTIONS " + res.Path + " maps Access-Control-Allow-Headers " + val, Targets: fixer.PreflightTargets(api, res)}, nil
		}
		nv, err := fixer.AddListItems(t.d, t.valueNodeAt(v.Source), add)
		if err != nil {
			return nil, err
		}
		return &fixer.Change{Summary: "OPTIONS " + res.Path + " Access-Control-Allow-Headers is now " + nv, Targets: fixer.PreflightTargets(api, res)}, nil
	}
	return nil, fixer.Skipf("no OPTIONS answer at %s", loc)
}

// actualOrigin makes the actual response of the finding's route carry
// Access-Control-Allow-Origin (and -Credentials when the API allows
// them): mapped on every integration response of a non-proxy method; a
// proxy method's function must send it (package handler).
func (t *tmpl) actualOrigin(res *apimodel.Resource) (*fixer.Change, error) {
	return t.c.ActualOrigin(res, handler.Fix, func(ir *apimodel.IntegrationResponse, kv []string) error {
		s, err := t.irAt(ir.Source)
		if err != nil {
			return err
		}
		return t.setParams(s, kv)
	})
}
