package rules

import (
	"fmt"
	"strings"

	"github.com/corsdoctor/corsdoctor/apimodel"
	"github.com/corsdoctor/corsdoctor/cors"
	"github.com/corsdoctor/corsdoctor/diag"
)

// CD2019 fires when the routes of one API disagree on CORS settings.
var cd2019 = &diag.Rule{
	ID: "CD2019", Needs: diag.NeedsAPIs, Name: "inconsistent-cors", Severity: diag.Warning, Rank: 218, Since: "0.1.0",
	Title: "A route fails in the browser where other routes of the same API work",
	Doc: `When one resource or method allows a different origin, different headers or
credentials than the others, the page works on most routes and fails on one: the
classic "only POST fails" incident.

A difference alone is not reported: a route that allows one more header, or lists
that differ by a header no client sends, are harmless. corsdoctor builds the request
each route's client sends (from the origins the API allows: JSON Content-Type for
bodies, Authorization or the SigV4 headers when the route is authorized, X-Api-Key
when it needs a key, and the headers the front-end code in the repository sets),
predicts API Gateway's answers (apimodel.Simulate) and runs the browser's algorithm
on them. It reports a route only when that request is blocked while the same kind of
request succeeds on another route, and names the route, the request and the
console message.

Before:  OPTIONS /items: Access-Control-Allow-Origin 'https://app.example.com'
         OPTIONS /orders: Access-Control-Allow-Origin 'https://old.example.com'
         (PUT /orders from https://app.example.com is blocked)
After:   the same allowed origin, headers and credentials on every route and method`,
	Fix: map[diag.Platform]string{
		diag.Generic:   "Use one CORS setting for the whole API (one origin allowlist, one header list, one credentials choice).",
		diag.APIGwREST: "Make the Access-Control-Allow-* mappings identical across OPTIONS methods and integration responses (a shared YAML anchor, CDK defaultCorsPreflightOptions, or a Terraform module), then redeploy.",
	},
	Check: func(p *diag.Pass) {
		for _, api := range p.APIs() {
			if api.Kind != apimodel.REST {
				continue
			}
			checkConsistency(p, api)
		}
	},
}

// checkConsistency simulates every route's client request from every
// origin the API allows and reports the routes that are blocked where
// another route lets the same origin through.
func checkConsistency(p *diag.Pass, api *apimodel.API) {
	var origins []string
	seen := map[string]bool{}
	add := func(o string) {
		if !seen[o] && len(origins) < 4 {
			seen[o] = true
			origins = append(origins, o)
		}
	}
	for _, o := range p.Input().Origins {
		add(o)
	}
	originValues(api, func(o string, _ apimodel.Value, _ string) {
		if strings.HasPrefix(o, "http") && !strings.ContainsAny(o, "*, ") && strings.Count(o, "/") == 2 {
			add(o)
		}
	})
	if len(origins) == 0 {
		return
	}
	type route struct {
		res *apimodel.Resource
		m   *apimodel.Method
	}
	var routes []route
	for _, res := range api.Resources {
		for _, m := range res.Methods {
			if m.HTTPMethod != "OPTIONS" && m.Generated == "" {
				routes = append(routes, route{res, m})
			}
		}
	}
	if len(routes) < 2 {
		return
	}
	var clientHeaders []string
	for _, c := range api.Clients {
		clientHeaders = append(clientHeaders, c.Headers...)
	}
	for _, o := range origins {
		var ok []string
		type failure struct {
			rt route
			pr *proof
		}
		var failed []failure
		for _, rt := range routes {
			verb := rt.m.HTTPMethod
			if verb == "ANY" {
				verb = "PUT"
			}
			req := requestFor(api, o, verb, rt.res.Path, rt.m.AuthorizationType, rt.m.APIKeyRequired == apimodel.TriYes)
			for _, h := range clientHeaders {
				req.Headers = append(req.Headers, cors.Header{Name: h, Value: "x"})
			}
			pr := simulate(api, rt.res.Path, req, apimodel.Success)
			opt := rt.res.Route("OPTIONS")
			switch {
			case pr.blocked() && pr.res.Stage == cors.StagePreflight && (opt == nil || opt.Authorized() == apimodel.TriYes || opt.APIKeyRequired == apimodel.TriYes):
				// No answer to the preflight at all, or a guarded one:
				// CD2001/CD2002/CD2003 report it; not a difference in
				// CORS settings.
			case pr.blocked():
				failed = append(failed, failure{rt, pr})
			case pr.allowed():
				ok = append(ok, verb+" "+rt.res.Path)
			}
		}
		if len(ok) == 0 {
			continue // every route fails the same way: not an inconsistency
		}
		for _, f := range failed {
			loc := f.rt.m.Source
			if ir := optionsResponse(f.rt.m); ir != nil && f.pr.res.Stage != cors.StagePreflight {
				// The actual response's mapping decided.
				loc = ir.Source
				if v, found := ir.Header("Access-Control-Allow-Origin"); found {
					loc = v.Source
				}
			}
			if opt := f.rt.res.Method("OPTIONS"); opt != nil && f.pr.res.Stage == cors.StagePreflight {
				if ir := optionsResponse(opt); ir != nil {
					loc = ir.Source
					for _, h := range []string{"Access-Control-Allow-Origin", "Access-Control-Allow-Headers", "Access-Control-Allow-Methods"} {
						if v, found := ir.Header(h); found && strings.Contains(string(f.pr.res.Error), strings.TrimPrefix(h, "Access-Control-Allow-")) {
							loc = v.Source
						}
					}
				}
			}
			works := ok
			if len(works) > 3 {
				works = append(works[:3:3], fmt.Sprintf("... (%d more)", len(ok)-3))
			}
			ev := append(f.pr.evidence(), "works from "+o+": "+strings.Join(works, ", "))
			reportAPI(p, api, loc, fmt.Sprintf("%s %s of %s fails in the browser from %s (%s) while other routes of the API work from that origin: its CORS settings differ from theirs",
				strings.ToUpper(f.pr.req.Method), f.rt.res.Path, apiName(api), o, f.pr.res.Error), ev...)
		}
		return // one origin is enough to show the difference
	}
}
