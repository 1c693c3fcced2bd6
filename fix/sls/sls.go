// Package sls rewrites serverless.yml (Serverless Framework) for
// `corsdoctor fix`: cors settings of http events (from which the
// framework generates the OPTIONS methods), provider.httpApi.cors, origin
// values, and gateway responses declared as CloudFormation resources
// under resources.Resources, as the framework's documentation shows
// (https://www.serverless.com/framework/docs/providers/aws/events/apigateway#enabling-cors).
package sls

import (
	"fmt"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/corsdoctor/corsdoctor/apimodel"
	"github.com/corsdoctor/corsdoctor/fix/fixer"
	"github.com/corsdoctor/corsdoctor/fix/yamledit"
)

// Rules are the findings fixed in serverless.yml, with what the fix
// writes.
var Rules = map[string]string{
	"CD2001": "REST: sets cors (origin, headers) on the path's http events, so the framework generates the OPTIONS method; HTTP API: provider.httpApi.cors",
	"CD2009": "adds GatewayResponseDefault4XX and GatewayResponseDefault5XX (AWS::ApiGateway::GatewayResponse with Access-Control-Allow-Origin, RestApiId Ref ApiGatewayRestApi) under resources.Resources",
	"CD2010": "rewrites the origin (trailing slash, path, case, default port; a missing scheme from a matching --origin)",
	"CD2011": "replaces the wildcard origin with the --origin value(s)",
	"CD2012": "replaces the wildcard origin pattern with the --origin value(s)",
	"CD2013": "adds the headers the clients send to provider.httpApi.cors.allowedHeaders",
	"CD2014": "splits an allowedOrigins item holding several origins; an http event's origin takes the one --origin",
	"CD2020": "replaces the http origin with the https --origin of the same host",
	"CD2021": "lowers maxAge to 7200, Chromium's cap",
	"CD2025": "adds the SigV4 request headers to the events' cors.headers or httpApi allowedHeaders",
	"CD2050": "for a predicted block at the preflight: adds the missing request headers to the events' cors.headers or httpApi allowedHeaders",
}

type file struct {
	c    *fixer.Ctx
	d    *yamledit.Doc
	root *yaml.Node
}

// Fix fixes one finding in a serverless.yml.
func Fix(c *fixer.Ctx) (*fixer.Change, error) {
	if c.API == nil {
		return nil, fixer.Skipf("the finding could not be matched to an API")
	}
	d, err := c.Files.Doc(c.Finding.Location.File)
	if err != nil {
		return nil, err
	}
	f := &file{c: c, d: d, root: d.Root()}
	api := c.API
	loc := c.Finding.Location
	switch c.Finding.RuleID {
	case "CD2001":
		if api.Kind != apimodel.REST {
			return f.httpAPICors()
		}
		res := fixer.ResourceAt(api, loc)
		if res == nil {
			return nil, fixer.Skipf("no resource at %s", loc)
		}
		return f.eventCors(res)
	case "CD2009":
		return f.gateway()
	case "CD2010", "CD2011", "CD2012", "CD2014", "CD2020":
		n := fixer.ValueAt(d, loc)
		if p := d.Parent(n); p != nil && p.Kind == yaml.SequenceNode {
			return c.RewriteOriginItem(d, n)
		}
		ch, err := c.RewriteOrigin(d, n)
		if err != nil {
			return nil, err
		}
		ch.Targets = fixer.ValueTargets(api, loc)
		return ch, nil
	case "CD2013":
		return f.allowedHeaders(true)
	case "CD2021":
		return fixer.CapMaxAge(d, fixer.ValueAt(d, loc))
	case "CD2050", "CD2025":
		if api.Kind != apimodel.REST {
			if api.Cors == nil {
				return f.httpAPICors()
			}
			if strings.Contains(c.Finding.Detail, "AllowOriginMismatch") || strings.Contains(c.Finding.Detail, "MissingAllowOriginHeader") {
				return f.allowedOrigins()
			}
			return f.allowedHeaders(false)
		}
		res := fixer.ResourceAt(api, loc)
		if res == nil {
			return nil, fixer.Skipf("no resource at %s", loc)
		}
		if res.Method("OPTIONS") == nil {
			return f.eventCors(res)
		}
		return f.eventHeaders(res)
	}
	return nil, fixer.Skipf("no Serverless Framework fix for %s", c.Finding.RuleID)
}

// events returns the http event mappings (the value of "http") of the
// methods of res, converting the "METHOD path" shorthand to a mapping.
func (f *file) events(res *apimodel.Resource) ([]*yaml.Node, error) {
	var out []*yaml.Node
	for _, m := range res.Methods {
		if m.Generated != "" {
			continue
		}
		k := f.key(m.Source)
		if k == nil || k.Value != "http" {
			continue
		}
		v := f.d.ValueOf(k)
		if v.Kind == yaml.ScalarNode {
			verb, p, _ := strings.Cut(v.Value, " ")
			mm := fixer.Map("path", p, "method", strings.ToLower(verb))
			if err := f.d.Replace(v, mm); err != nil {
				return nil, err
			}
			v = mm
		}
		if v.Kind != yaml.MappingNode {
			return nil, fixer.Skipf("http event at %s is not a mapping", m.Source)
		}
		out = append(out, v)
	}
	if len(out) == 0 {
		return nil, fixer.Skipf("no http event of %s is written in this file", res.Path)
	}
	return out, nil
}

func (f *file) key(loc fixer.Source) *yaml.Node {
	if loc.File != f.d.Name {
		return nil
	}
	for _, n := range f.d.NodesAt(loc.Line, loc.Column) {
		if f.d.ValueOf(n) != nil {
			return n
		}
	}
	return nil
}

// eventCors sets cors on the http events of a path.
func (f *file) eventCors(res *apimodel.Resource) (*fixer.Change, error) {
	pf, err := f.c.PreflightFor(res)
	if err != nil {
		return nil, err
	}
	evs, err := f.events(res)
	if err != nil {
		return nil, err
	}
	for _, ev := range evs {
		cors := fixer.Map("origin", pf.Origin, "headers", pf.Headers)
		if pf.Credentials {
			cors.Content = append(cors.Content, fixer.Str("allowCredentials"), fixer.Bool(true))
		}
		if err := f.d.Set(ev, "cors", cors); err != nil {
			return nil, err
		}
	}
	return &fixer.Change{Summary: fmt.Sprintf("http events of %s set cors (origin %s): the framework generates the OPTIONS method", res.Path, pf.Origin),
		Targets: fixer.PreflightTargets(f.c.API, res)}, nil
}

// eventHeaders adds the clients' headers to the cors.headers of a path's
// events.
func (f *file) eventHeaders(res *apimodel.Resource) (*fixer.Change, error) {
	add := f.c.ClientHeaders(res.Methods)
	evs, err := f.events(res)
	if err != nil {
		return nil, err
	}
	for _, ev := range evs {
		c := yamledit.Get(ev, "cors")
		if c == nil {
			continue
		}
		if c.Kind == yaml.ScalarNode {
			// cors: true sends Serverless's default headers; an object
			// with the clients' headers replaces it.
			o, err := f.c.RESTOrigin(false)
			if err != nil {
				return nil, err
			}
			if err := f.d.Set(ev, "cors", fixer.Map("origin", o, "headers", add)); err != nil {
				return nil, err
			}
			continue
		}
		hs := yamledit.Get(c, "headers")
		if hs == nil {
			if err := f.d.Set(c, "headers", fixer.Strs(add)); err != nil {
				return nil, err
			}
			continue
		}
		have := map[string]bool{}
		for _, it := range hs.Content {
			have[strings.ToLower(it.Value)] = true
		}
		for _, h := range add {
			if !have[strings.ToLower(h)] {
				if err := f.d.Append(hs, fixer.Str(h)); err != nil {
					return nil, err
				}
			}
		}
	}
	return &fixer.Change{Summary: fmt.Sprintf("cors.headers of %s's events include %s", res.Path, strings.Join(add, ", ")), Targets: fixer.PreflightTargets(f.c.API, res)}, nil
}

// httpAPICors sets provider.httpApi.cors.
func (f *file) httpAPICors() (*fixer.Change, error) {
	origins, err := f.c.ListOrigins()
	if err != nil {
		return nil, err
	}
	prov := yamledit.Get(f.root, "provider")
	if prov == nil {
		return nil, fixer.Skipf("no provider section")
	}
	cors := fixer.Map("allowedOrigins", origins, "allowedHeaders", f.c.ClientHeaders(nil), "allowedMethods", fixer.RouteMethods(f.c.API))
	h := yamledit.Get(prov, "httpApi")
	if h == nil {
		if err := f.d.Set(prov, "httpApi", fixer.Map("cors", cors)); err != nil {
			return nil, err
		}
	} else if err := f.d.Set(h, "cors", cors); err != nil {
		return nil, err
	}
	return &fixer.Change{Summary: "provider.httpApi.cors allows " + strings.Join(origins, ", "), Targets: fixer.RouteTargets(f.c.API, false)}, nil
}

// allowedHeaders adds the clients' headers to provider.httpApi.cors.
func (f *file) allowedHeaders(authorizedOnly bool) (*fixer.Change, error) {
	cors := yamledit.Get(yamledit.Get(yamledit.Get(f.root, "provider"), "httpApi"), "cors")
	if cors == nil || cors.Kind != yaml.MappingNode {
		return nil, fixer.Skipf("provider.httpApi.cors is not an object")
	}
	hs := yamledit.Get(cors, "allowedHeaders")
	have := map[string]bool{}
	lowerCase := true
	if hs != nil {
		for _, it := range hs.Content {
			have[strings.ToLower(it.Value)] = true
			lowerCase = lowerCase && it.Value == strings.ToLower(it.Value)
		}
	}
	var add []string
	for _, h := range f.c.ClientHeaders(nil) {
		if !have[strings.ToLower(h)] {
			if lowerCase {
				h = strings.ToLower(h)
			}
			add = append(add, h)
		}
	}
	if len(add) == 0 {
		return nil, fixer.Skipf("allowedHeaders lists every header the clients send")
	}
	if err := fixer.SetOrAppend(f.d, cors, "allowedHeaders", hs, add); err != nil {
		return nil, err
	}
	return &fixer.Change{Summary: "provider.httpApi.cors.allowedHeaders adds " + strings.Join(add, ", "), Targets: fixer.RouteTargets(f.c.API, authorizedOnly)}, nil
}

// gateway adds DEFAULT_4XX/5XX gateway responses as resources.
func (f *file) gateway() (*fixer.Change, error) {
	api := f.c.API
	cred := fixer.CredentialsAllowed(api)
	o, err := f.c.RESTOrigin(cred)
	if err != nil {
		return nil, err
	}
	params := fixer.Map("gatewayresponse.header.Access-Control-Allow-Origin", fixer.Quote(o))
	if cred && o != "*" {
		params.Content = append(params.Content, fixer.Str("gatewayresponse.header.Access-Control-Allow-Credentials"), fixer.Str("'true'"))
	}
	var did []string
	for _, typ := range []string{"DEFAULT_4XX", "DEFAULT_5XX"} {
		if api.GatewayResponses[typ] != nil {
			continue
		}
		did = append(did, typ)
	}
	if len(did) == 0 {
		return nil, fixer.Skipf("DEFAULT_4XX and DEFAULT_5XX exist; add the header to them by hand")
	}
	res := yamledit.Get(f.root, "resources")
	if res == nil {
		if err := f.d.Insert(f.root, "resources", fixer.Map("Resources", fixer.Map())); err != nil {
			return nil, err
		}
		res = yamledit.Get(f.root, "resources")
	}
	rs := yamledit.Get(res, "Resources")
	if rs == nil {
		if err := f.d.Set(res, "Resources", fixer.Map()); err != nil {
			return nil, err
		}
		rs = yamledit.Get(res, "Resources")
	}
	for _, typ := range did {
		id := "GatewayResponseDefault" + strings.TrimPrefix(typ, "DEFAULT_")
		r := fixer.Map("Type", "AWS::ApiGateway::GatewayResponse", "Properties", fixer.Map(
			"ResponseParameters", yamledit.Copy(params), "ResponseType", typ, "RestApiId", fixer.Map("Ref", "ApiGatewayRestApi")))
		if err := f.d.Set(rs, id, r); err != nil {
			return nil, err
		}
	}
	return &fixer.Change{Summary: fmt.Sprintf("resources.Resources declares gateway responses %s with Access-Control-Allow-Origin %s", strings.Join(did, ", "), o),
		Targets: fixer.UnauthorizedTargets(api)}, nil
}

// allowedOrigins adds the --origin values to provider.httpApi.cors.
func (f *file) allowedOrigins() (*fixer.Change, error) {
	if len(f.c.Origins) == 0 {
		return nil, fixer.Needs("--origin", "the page's origin is not allowed; give it with --origin to add it to allowedOrigins")
	}
	cors := yamledit.Get(yamledit.Get(yamledit.Get(f.root, "provider"), "httpApi"), "cors")
	if cors == nil || cors.Kind != yaml.MappingNode {
		return nil, fixer.Skipf("provider.httpApi.cors is not an object")
	}
	l := yamledit.Get(cors, "allowedOrigins")
	have := map[string]bool{}
	if l != nil {
		for _, it := range l.Content {
			have[it.Value] = true
		}
	}
	var add []string
	for _, o := range f.c.Origins {
		if !have[o] {
			add = append(add, o)
		}
	}
	if len(add) == 0 {
		return nil, fixer.Skipf("allowedOrigins lists the origins already")
	}
	if err := fixer.SetOrAppend(f.d, cors, "allowedOrigins", l, add); err != nil {
		return nil, err
	}
	return &fixer.Change{Summary: "provider.httpApi.cors.allowedOrigins adds " + strings.Join(add, ", "), Targets: fixer.RouteTargets(f.c.API, false)}, nil
}
