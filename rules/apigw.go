package rules

import (
	"fmt"
	"strings"

	"github.com/corsdoctor/corsdoctor/apimodel"
	"github.com/corsdoctor/corsdoctor/diag"
	"github.com/corsdoctor/corsdoctor/evidence"
)

// Helpers for the API Gateway / infrastructure-code rules (CD2001-CD2099),
// which read p.APIs(): the same rules run on templates (lint) and on live
// AWS (aws).

// platformOf is the fix platform for an API kind.
func platformOf(api *apimodel.API) diag.Platform {
	switch api.Kind {
	case apimodel.HTTP:
		return diag.APIGwHTTP
	case apimodel.FunctionURL:
		return diag.LambdaURL
	}
	return diag.APIGwREST
}

// reportAPI reports a finding about api at loc (falling back to the API's
// own location).
func reportAPI(p *diag.Pass, api *apimodel.API, loc evidence.Source, detail string, ev ...string) {
	if loc.File == "" && loc.URL == "" {
		loc = api.Source
	}
	p.ReportFix(-1, loc, platformOf(api), detail, ev...)
}

// apiName names an API in messages.
func apiName(api *apimodel.API) string {
	kind := map[apimodel.Kind]string{apimodel.REST: "REST API", apimodel.HTTP: "HTTP API", apimodel.FunctionURL: "function URL"}[api.Kind]
	if api.Name != "" && api.Name != api.ID {
		return fmt.Sprintf("%s %s (%s)", kind, api.ID, api.Name)
	}
	return kind + " " + api.ID
}

// eachMethod calls fn for every REST method.
func eachMethod(p *diag.Pass, fn func(api *apimodel.API, res *apimodel.Resource, m *apimodel.Method)) {
	for _, api := range p.APIs() {
		if api.Kind != apimodel.REST {
			continue
		}
		for _, res := range api.Resources {
			for _, m := range res.Methods {
				fn(api, res, m)
			}
		}
	}
}

// corsEnabled reports whether a REST API shows intent to serve browsers:
// an OPTIONS method, a mapped Access-Control-Allow-Origin, or SAM Cors.
func corsEnabled(api *apimodel.API) bool {
	if api.Kind != apimodel.REST {
		return api.Cors != nil
	}
	if api.SAMCors != nil && api.SAMCors.AllowOrigin != nil {
		return true
	}
	for _, res := range api.Resources {
		for _, m := range res.Methods {
			if m.HTTPMethod == "OPTIONS" {
				return true
			}
			if m.Integration != nil {
				for _, ir := range m.Integration.Responses {
					if _, ok := ir.Header("Access-Control-Allow-Origin"); ok {
						return true
					}
				}
				if f := m.Integration.Function; f != nil && f.SetsAllowOrigin == apimodel.TriYes {
					return true
				}
			}
		}
	}
	for _, g := range api.GatewayResponses {
		if _, ok := g.Header("Access-Control-Allow-Origin"); ok {
			return true
		}
	}
	return false
}

// optionsResponse returns the default integration response of a non-proxy
// OPTIONS method, or nil.
func optionsResponse(m *apimodel.Method) *apimodel.IntegrationResponse {
	if m == nil || m.Integration == nil || m.Integration.Type.IsProxy() {
		return nil
	}
	for _, ir := range m.Integration.Responses {
		if ir.IsDefault() {
			return ir
		}
	}
	for _, ir := range m.Integration.Responses {
		if strings.HasPrefix(ir.StatusCode, "2") {
			return ir
		}
	}
	return nil
}

// staticList splits a static mapping value ("'GET,POST'") into items.
func staticList(v apimodel.Value) ([]string, bool) {
	s, ok := v.Static()
	if !ok {
		return nil, false
	}
	var out []string
	for _, it := range strings.Split(s, ",") {
		if it = strings.TrimSpace(it); it != "" {
			out = append(out, it)
		}
	}
	return out, true
}

func containsFold(list []string, s string) bool {
	for _, x := range list {
		if strings.EqualFold(strings.TrimSpace(x), s) {
			return true
		}
	}
	return false
}

// originValues calls fn for every statically known
// Access-Control-Allow-Origin value an API returns, with its location:
// REST mappings (integration and gateway responses), HTTP API and function
// URL allowOrigins, SAM AllowOrigin.
func originValues(api *apimodel.API, fn func(origin string, v apimodel.Value, where string)) {
	if api.Cors != nil {
		for _, v := range api.Cors.AllowOrigins {
			if !v.Unknown {
				fn(strings.TrimSpace(v.S), v, "allowOrigins")
			}
		}
	}
	seen := map[evidence.Source]bool{}
	for _, res := range api.Resources {
		for _, m := range res.Methods {
			if m.Integration == nil {
				continue
			}
			for _, ir := range m.Integration.Responses {
				v, ok := ir.Header("Access-Control-Allow-Origin")
				if !ok || seen[v.Source] {
					continue
				}
				seen[v.Source] = true
				if s, ok := v.Static(); ok {
					fn(s, v, m.HTTPMethod+" "+res.Path+" ("+ir.StatusCode+")")
				}
			}
		}
	}
	for _, t := range apimodel.SortedKeys(api.GatewayResponses) {
		v, ok := api.GatewayResponses[t].Header("Access-Control-Allow-Origin")
		if !ok || seen[v.Source] {
			continue
		}
		seen[v.Source] = true
		if s, ok := v.Static(); ok {
			fn(s, v, "gateway response "+t)
		}
	}
}

// credentialsAllowed reports whether the API sends
// Access-Control-Allow-Credentials: true anywhere, with a location.
func credentialsAllowed(api *apimodel.API) (evidence.Source, bool) {
	if api.Cors != nil && api.Cors.AllowCredentials == apimodel.TriYes {
		return api.Cors.CredentialsSource, true
	}
	if api.SAMCors != nil && api.SAMCors.AllowCredentials == apimodel.TriYes {
		return api.SAMCors.Source, true
	}
	for _, res := range api.Resources {
		for _, m := range res.Methods {
			if m.Integration == nil {
				continue
			}
			for _, ir := range m.Integration.Responses {
				if v, ok := ir.Header("Access-Control-Allow-Credentials"); ok {
					if s, ok := v.Static(); ok && strings.EqualFold(s, "true") {
						return v.Source, true
					}
				}
			}
		}
	}
	return evidence.Source{}, false
}

// verb picks the singular or plural form for a list of items.
func verb(items, one, many string) string {
	if strings.Contains(items, ", ") {
		return many
	}
	return one
}

// restFix formats a REST fix in CLI, CloudFormation/SAM and Terraform terms.
func awsFix(cli, cfn, tf string) string {
	return "AWS CLI: " + cli + "\nCloudFormation/SAM: " + cfn + "\nTerraform: " + tf
}

// byLoc groups items (resource paths) by location, so that one setting
// that generates many methods (SAM or Serverless Cors) is reported once.
type byLoc struct {
	order []evidence.Source
	m     map[evidence.Source][]string
}

func (b *byLoc) add(loc evidence.Source, item string) {
	if b.m == nil {
		b.m = map[evidence.Source][]string{}
	}
	if _, ok := b.m[loc]; !ok {
		b.order = append(b.order, loc)
	}
	b.m[loc] = append(b.m[loc], item)
}

// each calls fn per location, in first-seen order, with the items joined.
func (b *byLoc) each(fn func(loc evidence.Source, items string)) {
	for _, l := range b.order {
		fn(l, strings.Join(b.m[l], ", "))
	}
}

// grouper merges per-resource findings that share an API, a location and
// a message (settings that generate many methods), listing the paths.
type grouper struct {
	order []*pendingFinding
	idx   map[string]*pendingFinding
}

type pendingFinding struct {
	api    *apimodel.API
	loc    evidence.Source
	paths  []string
	format func(paths string) string
	ev     []string
}

func (g *grouper) add(api *apimodel.API, loc evidence.Source, key, path string, format func(paths string) string, ev ...string) {
	if g.idx == nil {
		g.idx = map[string]*pendingFinding{}
	}
	k := fmt.Sprintf("%p|%s|%s", api, loc, key)
	pf := g.idx[k]
	if pf == nil {
		pf = &pendingFinding{api: api, loc: loc, format: format, ev: ev}
		g.idx[k] = pf
		g.order = append(g.order, pf)
	}
	pf.paths = append(pf.paths, path)
}

func (g *grouper) flush(p *diag.Pass) {
	for _, pf := range g.order {
		reportAPI(p, pf.api, pf.loc, pf.format(strings.Join(pf.paths, ", ")), pf.ev...)
	}
}
