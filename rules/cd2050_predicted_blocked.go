package rules

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/corsdoctor/corsdoctor/apimodel"
	"github.com/corsdoctor/corsdoctor/cors"
	"github.com/corsdoctor/corsdoctor/diag"
)

// CD2050 simulates each route for each --origin and reports the ones the
// browser would block.
var cd2050 = &diag.Rule{
	ID: "CD2050", Needs: diag.NeedsAPIs, Name: "predicted-blocked", Severity: diag.Error, Rank: 249, Since: "0.1.0",
	Title: "Simulated request from the given origin would be blocked by the browser",
	Doc: `With --origin, corsdoctor simulates what API Gateway (or Lambda) would answer
for each route and method (package apimodel, Simulate) and runs the browser's CORS
algorithm (package cors) on the simulated preflight and response. Requests are
modelled as a page would send them: JSON Content-Type for bodies, Authorization for
authorized methods, X-Api-Key when a key is required. Routes whose answer depends on
unknown values (unresolved references, function code not found) are not reported.`,
	Fix: map[diag.Platform]string{
		diag.Generic: "Apply the fix of the more specific finding on the same route (CD2001-CD2022); the console message shows which check fails.",
	},
	Check: func(p *diag.Pass) {
		for _, origin := range p.Input().Origins {
			for _, api := range p.APIs() {
				for _, rt := range routesOf(api) {
					req := simulatedRequest(api, origin, rt)
					s := apimodel.Simulate(api, rt.path, req, apimodel.Success)
					if len(s.Unknown) > 0 {
						continue
					}
					r := s.Result(req)
					if !r.Blocked() {
						continue
					}
					ev := (&proof{req: req, sim: s, res: r}).evidence()
					reportAPI(p, api, rt.src.Source, fmt.Sprintf("%s %s of %s from %s would be blocked (%s)", rt.method, rt.path, apiName(api), origin, r.Error), ev...)
				}
			}
		}
	},
}

type simRoute struct {
	method, path string
	auth, key    bool
	src          apimodel.Value
	// iam: the route uses AWS_IAM, so the page signs with SigV4.
	iam bool
}

func routesOf(api *apimodel.API) []simRoute {
	var out []simRoute
	for _, res := range api.Resources {
		for _, m := range res.Methods {
			if m.HTTPMethod == "OPTIONS" {
				continue
			}
			verb := m.HTTPMethod
			if verb == "ANY" {
				verb = "PUT"
			}
			out = append(out, simRoute{verb, res.Path, m.Authorized() == apimodel.TriYes, m.APIKeyRequired == apimodel.TriYes, apimodel.Value{Source: m.Source}, isIAM(m.AuthorizationType)})
		}
	}
	for _, r := range api.Routes {
		if r.Method == "OPTIONS" {
			continue
		}
		verb, path := r.Method, r.Path
		if verb == "ANY" || verb == "" {
			verb = "PUT"
		}
		if path == "" {
			path = "/"
		}
		path = strings.ReplaceAll(path, "{proxy+}", "x")
		out = append(out, simRoute{verb, path, r.Authorized() == apimodel.TriYes, false, apimodel.Value{Source: r.Source}, isIAM(r.AuthorizationType)})
	}
	if api.Kind == apimodel.FunctionURL {
		iam := isIAM(api.AuthType)
		out = append(out, simRoute{"POST", "/", iam, false, apimodel.Value{Source: api.Source}, iam})
	}
	return out
}

func isIAM(v apimodel.Value) bool {
	return !v.Unknown && strings.EqualFold(strings.TrimSpace(v.S), "AWS_IAM")
}

// pathParam matches a path parameter segment: {id} or {proxy+}.
var pathParam = regexp.MustCompile(`\{[^}/]*\}`)

func simulatedRequest(api *apimodel.API, origin string, rt simRoute) *cors.Request {
	// A placeholder host: the verdict does not depend on it, only on the
	// origin being cross-origin.
	base := "https://api-id.execute-api.region.amazonaws.com"
	if api.Kind == apimodel.FunctionURL {
		base = "https://url-id.lambda-url.region.on.aws"
	}
	if api.Endpoint != "" {
		base = strings.TrimSuffix(api.Endpoint, "/")
	} else if api.Kind == apimodel.REST {
		stage := "prod"
		if len(api.Stages) > 0 && api.Stages[0].Name != "" {
			stage = api.Stages[0].Name
		}
		base += "/" + stage
	}
	req := &cors.Request{Origin: origin, URL: base + pathParam.ReplaceAllString(rt.path, "1"), Method: rt.method}
	if rt.method != "GET" && rt.method != "HEAD" {
		req.Headers = append(req.Headers, cors.Header{Name: "Content-Type", Value: "application/json"})
	}
	switch {
	case rt.iam:
		for _, h := range sigV4Headers {
			req.Headers = append(req.Headers, cors.Header{Name: h, Value: "signed"})
		}
	case rt.auth:
		req.Headers = append(req.Headers, cors.Header{Name: "Authorization", Value: "Bearer token"})
	}
	if rt.key {
		req.Headers = append(req.Headers, cors.Header{Name: "X-Api-Key", Value: "key"})
	}
	return req
}
