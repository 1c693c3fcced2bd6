package oas

import (
	"fmt"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/corsdoctor/corsdoctor/apimodel"
	"github.com/corsdoctor/corsdoctor/fix/fixer"
	"github.com/corsdoctor/corsdoctor/fix/handler"
	"github.com/corsdoctor/corsdoctor/fix/yamledit"
)

// Fix fixes one finding in a standalone OpenAPI document.
func Fix(c *fixer.Ctx) (*fixer.Change, error) {
	if c.API == nil {
		return nil, fixer.Skipf("the finding could not be matched to an API")
	}
	d, err := c.Files.Doc(c.Finding.Location.File)
	if err != nil {
		return nil, err
	}
	o := &Doc{D: d, Root: d.Root()}
	return o.Fix(c)
}

// Fix fixes one finding located in this definition (standalone, or the
// Body of a template).
func (o *Doc) Fix(c *fixer.Ctx) (*fixer.Change, error) {
	api := c.API
	loc := c.Finding.Location
	switch c.Finding.RuleID {
	case "CD2001":
		if api.Kind != apimodel.REST {
			return o.httpCors(c)
		}
		res := fixer.ResourceAt(api, loc)
		if res == nil {
			return nil, fixer.Skipf("no resource at %s", loc)
		}
		return o.options(c, res)
	case "CD2002", "CD2003":
		if api.Kind != apimodel.REST {
			return o.httpCors(c)
		}
		var targets []fixer.Target
		var did []string
		for _, res := range api.Resources {
			for _, m := range res.Methods {
				if !fixer.Same(m.Source, loc) && !fixer.Same(m.AuthorizationType.Source, loc) {
					continue
				}
				if m.HTTPMethod == "ANY" && res.Method("OPTIONS") == nil {
					ch, err := o.options(c, res)
					if err != nil {
						return nil, err
					}
					did = append(did, ch.Summary)
					targets = append(targets, ch.Targets...)
					continue
				}
				if m.HTTPMethod != "OPTIONS" {
					continue
				}
				op := o.OpAt(first(o.D, m.Source))
				if op == nil {
					return nil, fixer.Skipf("operation OPTIONS %s not found", res.Path)
				}
				if err := o.NoSecurity(op.Node); err != nil {
					return nil, err
				}
				did = append(did, "options "+res.Path+": security: []")
				targets = append(targets, fixer.PreflightTargets(api, res)...)
			}
		}
		if len(did) == 0 {
			return nil, fixer.Skipf("no options operation at %s", loc)
		}
		return &fixer.Change{Summary: strings.Join(did, "; "), Targets: targets}, nil
	case "CD2004":
		return o.missingMappings(c)
	case "CD2005":
		n := fixer.ValueAt(o.D, loc)
		var add []string
		var targets []fixer.Target
		for _, res := range api.Resources {
			if ir := fixer.OptionsIR(res); ir != nil {
				if v, ok := ir.Header("Access-Control-Allow-Methods"); ok && fixer.Same(v.Source, loc) {
					add = append(add, fixer.Methods(res)...)
					targets = append(targets, fixer.PreflightTargets(api, res)...)
				}
			}
		}
		if n == nil {
			return nil, fixer.Skipf("no value at %s", loc)
		}
		nv, err := fixer.AddListItems(o.D, n, add)
		if err != nil {
			return nil, err
		}
		return &fixer.Change{Summary: "Access-Control-Allow-Methods is now " + nv, Targets: targets}, nil
	case "CD2006":
		return o.declareMapped(c)
	case "CD2007":
		return o.errorResponses(c)
	case "CD2009":
		return o.gateway(c)
	case "CD2010", "CD2011", "CD2012", "CD2014", "CD2020":
		n := fixer.ValueAt(o.D, loc)
		if api.Cors != nil {
			for _, v := range api.Cors.AllowOrigins {
				if fixer.Same(v.Source, loc) {
					ch, err := c.RewriteOriginItem(o.D, n)
					if err != nil {
						return nil, err
					}
					ch.Targets = fixer.ValueTargets(api, loc)
					return ch, nil
				}
			}
		}
		ch, err := c.RewriteOrigin(o.D, n)
		if err != nil {
			return nil, err
		}
		ch.Targets = fixer.ValueTargets(api, loc)
		return ch, nil
	case "CD2013":
		return o.allowHeaders(c)
	case "CD2018":
		var did []string
		var targets []fixer.Target
		for _, op := range o.OptionsOps() {
			in := Integration(op.Node)
			if in == nil {
				continue
			}
			if t, _ := fixer.ScalarValue(yamledit.Get(in, "type")); !strings.EqualFold(t, "mock") {
				continue
			}
			if ch, _ := fixer.ScalarValue(yamledit.Get(in, "contentHandling")); strings.EqualFold(ch, "CONVERT_TO_TEXT") {
				continue
			}
			if err := o.D.Set(in, "contentHandling", fixer.Str("CONVERT_TO_TEXT")); err != nil {
				return nil, err
			}
			did = append(did, "options "+op.Path)
			if res := api.Resource(op.Path); res != nil {
				targets = append(targets, fixer.PreflightTargets(api, res)...)
			}
		}
		if len(did) == 0 {
			return nil, fixer.Skipf("no mock options integration to change")
		}
		return &fixer.Change{Summary: "contentHandling CONVERT_TO_TEXT on " + strings.Join(did, ", "), Targets: targets}, nil
	case "CD2021":
		return fixer.CapMaxAge(o.D, fixer.ValueAt(o.D, loc))
	case "CD2024":
		return o.restCors(c)
	case "CD2025":
		return o.predicted(c, "HeaderDisallowedByPreflightResponse")
	case "CD2050":
		return o.predicted(c, c.PredictedError())
	}
	return nil, fixer.Skipf("no OpenAPI fix for %s", c.Finding.RuleID)
}

func first(d *yamledit.Doc, loc fixer.Source) *yaml.Node {
	if loc.File != d.Name {
		return nil
	}
	ns := d.NodesAt(loc.Line, loc.Column)
	if len(ns) == 0 {
		return nil
	}
	return ns[0]
}

// options adds an options operation to a path.
func (o *Doc) options(c *fixer.Ctx, res *apimodel.Resource) (*fixer.Change, error) {
	pf, err := c.PreflightFor(res)
	if err != nil {
		return nil, err
	}
	if err := o.AddOptions(res.Path, pf); err != nil {
		return nil, err
	}
	return &fixer.Change{Summary: fmt.Sprintf("added an options operation to %s (mock integration, Access-Control-Allow-Origin %s)", res.Path, pf.Origin),
		Targets: fixer.PreflightTargets(c.API, res)}, nil
}

// httpCors adds x-amazon-apigateway-cors to an HTTP API definition.
func (o *Doc) httpCors(c *fixer.Ctx) (*fixer.Change, error) {
	if o.Cors() != nil {
		return nil, fixer.Skipf("x-amazon-apigateway-cors is set already")
	}
	origins, err := c.ListOrigins()
	if err != nil {
		return nil, err
	}
	if err := o.AddCors(origins, fixer.RouteMethods(c.API), c.ClientHeaders(nil)); err != nil {
		return nil, err
	}
	return &fixer.Change{Summary: "added x-amazon-apigateway-cors (allowOrigins " + strings.Join(origins, ", ") + "): API Gateway answers preflights itself",
		Targets: fixer.RouteTargets(c.API, false)}, nil
}

// irSite is an integration response of an operation.
type irSite struct {
	op     *Op
	ir     *yaml.Node
	status string
	model  *apimodel.IntegrationResponse
	res    *apimodel.Resource
	method *apimodel.Method
}

func (o *Doc) irAt(c *fixer.Ctx, loc fixer.Source) (*irSite, error) {
	var n, ir *yaml.Node
	if loc.File == o.D.Name {
		for _, x := range o.D.NodesAt(loc.Line, loc.Column) {
			if v := o.D.ValueOf(x); v != nil && v.Kind == yaml.MappingNode {
				n, ir = x, v
			}
		}
	}
	if n == nil {
		return nil, fixer.Skipf("no integration response at %s", loc)
	}
	op := o.OpAt(n)
	if op == nil {
		return nil, fixer.Skipf("no operation holds the integration response at %s", loc)
	}
	st, _ := fixer.ScalarValue(yamledit.Get(ir, "statusCode"))
	s := &irSite{op: op, ir: ir, status: st}
	for _, res := range c.API.Resources {
		for _, m := range res.Methods {
			if m.Integration == nil {
				continue
			}
			for _, x := range m.Integration.Responses {
				if fixer.Same(x.Source, loc) {
					s.model, s.res, s.method = x, res, m
				}
			}
		}
	}
	if s.model == nil {
		return nil, fixer.Skipf("no integration response at %s", loc)
	}
	return s, nil
}

func (o *Doc) set(s *irSite, kv []string) error {
	var names []string
	for i := 0; i+1 < len(kv); i += 2 {
		if err := o.SetParam(s.ir, kv[i], kv[i+1]); err != nil {
			return err
		}
		names = append(names, strings.TrimPrefix(kv[i], "method.response.header."))
	}
	return o.Declare(s.op.Node, s.status, names)
}

func (o *Doc) missingMappings(c *fixer.Ctx) (*fixer.Change, error) {
	s, err := o.irAt(c, c.Finding.Location)
	if err != nil {
		return nil, err
	}
	pf, err := c.PreflightFor(s.res)
	if err != nil {
		return nil, err
	}
	want := pf.Params()
	var kv, added []string
	for i := 0; i+1 < len(want); i += 2 {
		name := strings.TrimPrefix(want[i], "method.response.header.")
		if _, ok := s.model.Header(name); ok || name == "Access-Control-Allow-Credentials" {
			continue
		}
		kv = append(kv, want[i], want[i+1])
		added = append(added, name+" "+want[i+1])
	}
	if len(kv) == 0 {
		return nil, fixer.Skipf("every header is mapped already")
	}
	if err := o.set(s, kv); err != nil {
		return nil, err
	}
	return &fixer.Change{Summary: "options " + s.res.Path + " now maps " + strings.Join(added, ", "), Targets: fixer.PreflightTargets(c.API, s.res)}, nil
}

func (o *Doc) declareMapped(c *fixer.Ctx) (*fixer.Change, error) {
	s, err := o.irAt(c, c.Finding.Location)
	if err != nil {
		return nil, err
	}
	var names []string
	for _, k := range apimodel.SortedKeys(s.model.ResponseParameters) {
		if h, ok := strings.CutPrefix(k, "method.response.header."); ok && strings.HasPrefix(strings.ToLower(h), "access-control-") {
			names = append(names, h)
		}
	}
	if err := o.Declare(s.op.Node, s.status, names); err != nil {
		return nil, err
	}
	return &fixer.Change{Summary: fmt.Sprintf("response %s of %s %s declares %s", s.status, strings.ToUpper(s.op.Verb), s.op.Path, strings.Join(names, ", "))}, nil
}

func (o *Doc) errorResponses(c *fixer.Ctx) (*fixer.Change, error) {
	return c.ErrorResponses(func(ir *apimodel.IntegrationResponse, kv []string) error {
		s, err := o.irAt(c, ir.Source)
		if err != nil {
			return err
		}
		return o.set(s, kv)
	})
}

func (o *Doc) gateway(c *fixer.Ctx) (*fixer.Change, error) {
	kv, origin, err := c.OriginParams("gatewayresponse.header.")
	if err != nil {
		return nil, err
	}
	types := []string{"DEFAULT_4XX", "DEFAULT_5XX"}
	for _, t := range apimodel.SortedKeys(c.API.GatewayResponses) {
		if _, ok := c.API.GatewayResponses[t].Header("Access-Control-Allow-Origin"); !ok && t != "DEFAULT_4XX" && t != "DEFAULT_5XX" {
			types = append(types, t)
		}
	}
	if err := o.GatewayResponses(types, kv); err != nil {
		return nil, err
	}
	return &fixer.Change{Summary: fmt.Sprintf("x-amazon-apigateway-gateway-responses %s carry Access-Control-Allow-Origin %s", strings.Join(types, ", "), origin),
		Targets: fixer.UnauthorizedTargets(c.API)}, nil
}

func (o *Doc) allowHeaders(c *fixer.Ctx) (*fixer.Change, error) {
	cors := o.Cors()
	if cors == nil {
		return nil, fixer.Skipf("no x-amazon-apigateway-cors")
	}
	have := map[string]bool{}
	hs := yamledit.Get(cors, "allowHeaders")
	for _, it := range itemsOf(hs) {
		have[strings.ToLower(it.Value)] = true
	}
	var add []string
	for _, h := range c.ClientHeaders(nil) {
		if !have[strings.ToLower(h)] {
			add = append(add, strings.ToLower(h))
		}
	}
	if len(add) == 0 {
		return nil, fixer.Skipf("allowHeaders lists every header the clients send")
	}
	if err := fixer.SetOrAppend(o.D, cors, "allowHeaders", hs, add); err != nil {
		return nil, err
	}
	return &fixer.Change{Summary: "allowHeaders now includes " + strings.Join(add, ", "), Targets: fixer.RouteTargets(c.API, true)}, nil
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

// predicted adds what a preflight lacks for the error e.
func (o *Doc) predicted(c *fixer.Ctx, e string) (*fixer.Change, error) {
	api := c.API
	if api.Kind != apimodel.REST {
		if o.Cors() == nil {
			return o.httpCors(c)
		}
		switch e {
		case "HeaderDisallowedByPreflightResponse":
			return o.allowHeaders(c)
		case "MethodDisallowedByPreflightResponse":
			return o.appendCors(c, "allowMethods", fixer.RouteMethods(api))
		case "AllowOriginMismatch", "PreflightAllowOriginMismatch", "PreflightMissingAllowOriginHeader", "MissingAllowOriginHeader":
			if len(c.Origins) == 0 {
				return nil, fixer.Needs("--origin", "the page's origin is not allowed; give it with --origin to add it to allowOrigins")
			}
			return o.appendCors(c, "allowOrigins", c.Origins)
		}
		return nil, fixer.Skipf("%s has no mechanical fix here: see the more specific finding on the route", e)
	}
	res := fixer.ResourceAt(api, c.Finding.Location)
	if res == nil {
		for _, r := range api.Resources {
			if ir := fixer.OptionsIR(r); ir != nil && (fixer.Same(ir.Source, c.Finding.Location) || headerAt(ir, c.Finding.Location)) {
				res = r
			}
		}
	}
	if res == nil {
		return nil, fixer.Skipf("no resource at %s", c.Finding.Location)
	}
	switch e {
	case "MissingAllowOriginHeader", "InvalidAllowCredentials":
		return o.actualOrigin(c, res)
	case "PreflightMissingAllowOriginHeader", "PreflightInvalidStatus":
		if res.Method("OPTIONS") == nil {
			return o.options(c, res)
		}
		return nil, fixer.Skipf("the preflight fails with %s although %s has an options operation: see the more specific finding", e, res.Path)
	case "HeaderDisallowedByPreflightResponse", "MethodDisallowedByPreflightResponse":
	default:
		return nil, fixer.Skipf("%s has no mechanical fix here: see the more specific finding on the route", e)
	}
	ir := fixer.OptionsIR(res)
	if ir == nil {
		return nil, fixer.Skipf("options %s has no integration response", res.Path)
	}
	name, add := "Access-Control-Allow-Headers", c.ClientHeaders(res.Methods)
	if e == "MethodDisallowedByPreflightResponse" {
		name, add = "Access-Control-Allow-Methods", fixer.Methods(res)
	}
	if v, ok := ir.Header(name); ok {
		nv, err := fixer.AddListItems(o.D, fixer.ValueAt(o.D, v.Source), add)
		if err != nil {
			return nil, err
		}
		return &fixer.Change{Summary: "options " + res.Path + " " + name + " is now " + nv, Targets: fixer.PreflightTargets(api, res)}, nil
	}
	s, err := o.irAt(c, ir.Source)
	if err != nil {
		return nil, err
	}
	val := fixer.Quote(strings.Join(add, ","))
	if err := o.set(s, []string{"method.response.header." + name, val}); err != nil {
		return nil, err
	}
	return &fixer.Change{Summary: "options " + res.Path + " maps " + name + " " + val, Targets: fixer.PreflightTargets(api, res)}, nil
}

func headerAt(ir *apimodel.IntegrationResponse, loc fixer.Source) bool {
	for _, v := range ir.ResponseParameters {
		if fixer.Same(v.Source, loc) {
			return true
		}
	}
	return false
}

// appendCors adds items to a list of x-amazon-apigateway-cors.
func (o *Doc) appendCors(c *fixer.Ctx, key string, add []string) (*fixer.Change, error) {
	cors := o.Cors()
	l := yamledit.Get(cors, key)
	have := map[string]bool{}
	var existing []string
	for _, it := range itemsOf(l) {
		have[strings.ToLower(it.Value)] = true
		existing = append(existing, it.Value)
	}
	if key == "allowHeaders" {
		add = fixer.MatchCase(existing, add)
	}
	var missing []string
	for _, x := range add {
		if !have[strings.ToLower(x)] {
			have[strings.ToLower(x)] = true
			missing = append(missing, x)
		}
	}
	if len(missing) == 0 {
		return nil, fixer.Skipf("%s lists every value already", key)
	}
	if err := fixer.SetOrAppend(o.D, cors, key, l, missing); err != nil {
		return nil, err
	}
	return &fixer.Change{Summary: key + " now includes " + strings.Join(missing, ", "), Targets: fixer.RouteTargets(c.API, false)}, nil
}

// restCors turns an x-amazon-apigateway-cors, which REST APIs ignore,
// into the options operations REST needs.
func (o *Doc) restCors(c *fixer.Ctx) (*fixer.Change, error) {
	cors := o.Cors()
	if cors == nil {
		return nil, fixer.Skipf("no x-amazon-apigateway-cors")
	}
	var origins, headers, methods []string
	for _, it := range itemsOf(yamledit.Get(cors, "allowOrigins")) {
		if v, ok := fixer.ScalarValue(it); ok {
			origins = append(origins, v)
		}
	}
	for _, it := range itemsOf(yamledit.Get(cors, "allowHeaders")) {
		if v, ok := fixer.ScalarValue(it); ok {
			headers = append(headers, v)
		}
	}
	for _, it := range itemsOf(yamledit.Get(cors, "allowMethods")) {
		if v, ok := fixer.ScalarValue(it); ok {
			methods = append(methods, strings.ToUpper(v))
		}
	}
	origin := ""
	switch {
	case len(c.Origins) == 1:
		origin = c.Origins[0]
	case len(c.Origins) > 1:
		return nil, fixer.Needs("--origin", "a REST mapping sends one static origin; give the one this API serves")
	case len(origins) == 1 && fixer.WellFormedOrigin(origins[0]):
		origin = origins[0]
	default:
		return nil, fixer.Needs("--origin", "x-amazon-apigateway-cors allows %s and a REST mapping sends one origin; give the one this API serves", strings.Join(origins, ", "))
	}
	cred := false
	if v, ok := fixer.ScalarValue(yamledit.Get(cors, "allowCredentials")); ok && strings.EqualFold(v, "true") {
		cred = origin != "*"
	}
	var did []string
	var targets []fixer.Target
	for _, res := range c.API.Resources {
		if res.Method("OPTIONS") != nil {
			continue
		}
		pf := fixer.PreflightAnswer{Origin: origin, Methods: fixer.Methods(res), Headers: c.ClientHeaders(res.Methods), Credentials: cred}
		for _, h := range headers {
			if !fixer.ContainsFold(pf.Headers, h) {
				pf.Headers = append(pf.Headers, h)
			}
		}
		for _, m := range methods {
			if m != "*" && !fixer.ContainsFold(pf.Methods, m) {
				pf.Methods = append(pf.Methods, m)
			}
		}
		if err := o.AddOptions(res.Path, pf); err != nil {
			return nil, err
		}
		did = append(did, res.Path)
		targets = append(targets, fixer.PreflightTargets(c.API, res)...)
	}
	if err := o.D.Delete(o.Root, "x-amazon-apigateway-cors"); err != nil {
		return nil, err
	}
	return &fixer.Change{Summary: fmt.Sprintf("replaced x-amazon-apigateway-cors (ignored by REST) with options operations on %s (Access-Control-Allow-Origin %s)", strings.Join(did, ", "), origin),
		Targets: targets}, nil
}

// actualOrigin maps Access-Control-Allow-Origin on the integration
// responses of the finding's operation (a proxy's function must send it:
// package handler).
func (o *Doc) actualOrigin(c *fixer.Ctx, res *apimodel.Resource) (*fixer.Change, error) {
	return c.ActualOrigin(res, handler.Fix, func(ir *apimodel.IntegrationResponse, kv []string) error {
		s, err := o.irAt(c, ir.Source)
		if err != nil {
			return err
		}
		return o.set(s, kv)
	})
}
