package rules

import (
	"fmt"
	"strings"

	"github.com/corsdoctor/corsdoctor/apimodel"
	"github.com/corsdoctor/corsdoctor/cors"
	"github.com/corsdoctor/corsdoctor/diag"
)

// CD2013 fires when an HTTP API / function URL CORS configuration does not
// allow the request headers its callers must send.
var cd2013 = &diag.Rule{
	ID: "CD2013", Needs: diag.NeedsAPIs, Name: "allow-headers-missing", Severity: diag.Warning, Rank: 212, Since: "0.1.0",
	Title: "CORS AllowHeaders lacks authorization or content-type",
	Doc: `Routes with JWT or Lambda authorizers need the browser to send Authorization,
which always triggers a preflight; the preflight fails ("Request header field
authorization is not allowed by Access-Control-Allow-Headers") unless AllowHeaders
lists it. Per the Fetch standard a wildcard "*" never covers Authorization; Chromium
and Firefox still accept it today with a deprecation warning
(AuthorizationCoveredByWildcard), so configurations relying on it are on borrowed
time. JSON bodies (Content-Type: application/json) need content-type.

Before:  AllowHeaders: ["x-requested-with"]
After:   AllowHeaders: ["authorization", "content-type"]`,
	Fix: map[diag.Platform]string{
		diag.Generic:   "Add authorization and content-type to the allowed headers.",
		diag.APIGwHTTP: awsFix("aws apigatewayv2 update-api --api-id {{api_id}} --cors-configuration AllowHeaders=authorization,content-type,...", "CorsConfiguration.AllowHeaders: [authorization, content-type]", "cors_configuration { allow_headers = [\"authorization\", \"content-type\"] }"),
		diag.LambdaURL: awsFix("aws lambda update-function-url-config --function-name FN --cors AllowHeaders=authorization,content-type", "AWS::Lambda::Url Cors.AllowHeaders: [authorization, content-type]", "aws_lambda_function_url cors { allow_headers = [\"authorization\", \"content-type\"] }"),
	},
	Check: func(p *diag.Pass) {
		for _, api := range p.APIs() {
			if api.Kind == apimodel.REST {
				restWildcardHeaders(p, api)
				continue
			}
			c := api.Cors
			if c == nil || len(api.Routes) == 0 && api.Kind != apimodel.FunctionURL {
				continue
			}
			var hs []string
			unknown := false
			for _, v := range c.AllowHeaders {
				if v.Unknown {
					unknown = true
				}
				hs = append(hs, strings.TrimSpace(v.String()))
			}
			if unknown {
				continue
			}
			loc := c.Source
			if len(c.AllowHeaders) > 0 {
				loc = c.AllowHeaders[0].Source
			}
			// The request each route's client sends: Authorization for
			// JWT and Lambda authorizers, a JSON Content-Type for bodies
			// (SigV4 headers for AWS_IAM are CD2025's).
			routes := api.Routes
			if api.Kind == apimodel.FunctionURL {
				// A function URL takes a body when its CORS configuration
				// allows a body method by name.
				verb := "GET"
				for _, m := range c.AllowMethods {
					if s := strings.ToUpper(strings.TrimSpace(m.S)); !m.Unknown && (s == "POST" || s == "PUT" || s == "PATCH") {
						verb = s
					}
				}
				routes = []*apimodel.Route{{Key: "function URL", Method: verb, Path: "/", AuthorizationType: api.AuthType}}
			}
			for _, r := range routes {
				if isIAM(r.AuthorizationType) {
					continue
				}
				t := strings.ToUpper(r.AuthorizationType.S)
				// Routes named with a body method take JSON; ANY and
				// $default say nothing about what the page sends.
				body := r.Method == "POST" || r.Method == "PUT" || r.Method == "PATCH"
				if r.AuthorizationType.Unknown || (t != "JWT" && t != "CUSTOM") && !body {
					continue
				}
				route := r
				var why []string
				if t == "JWT" || t == "CUSTOM" {
					why = append(why, "route "+r.Key+" uses an authorizer, so the page sends Authorization")
				}
				if body {
					why = append(why, r.Key+" takes a body, which a page sends as JSON (Content-Type: application/json is not safelisted)")
				}
				mod := func(req *cors.Request) *cors.Request {
					if body && !requestHas(req, "Content-Type") {
						req.Headers = append(req.Headers, cors.Header{Name: "Content-Type", Value: "application/json"})
					}
					return req
				}
				pr := proveRoute(p, api, route, apimodel.Success, mod)
				if pr == nil {
					// Allowed: only the wildcard-covers-Authorization
					// deprecation is worth a finding.
					if t != "JWT" && t != "CUSTOM" || !containsFold(hs, "*") || containsFold(hs, "authorization") {
						continue
					}
					req := requestFor(api, originFor(p, api), "GET", "/", r.AuthorizationType, false)
					if route != nil {
						req = requestFor(api, originFor(p, api), r.Method, strings.ReplaceAll(r.Path, "{proxy+}", "x"), r.AuthorizationType, false)
					}
					pw := simulate(api, "", req, apimodel.Success)
					if len(pw.res.Warnings) == 0 {
						continue
					}
					reportAPI(p, api, loc, fmt.Sprintf("CORS AllowHeaders of %s is [%s]: route %s sends Authorization, which the Fetch standard says \"*\" never covers; Chromium and Firefox still accept it with a deprecation warning, and will stop",
						apiName(api), strings.Join(hs, ", "), r.Key), pw.evidence()...)
					break
				}
				reportAPI(p, api, loc, fmt.Sprintf("CORS AllowHeaders of %s is [%s] and the preflight of %s fails: %s",
					apiName(api), strings.Join(hs, ", "), r.Key, strings.Join(why, "; ")), pr.evidence()...)
				break
			}
		}
	},
}

func requestHas(req *cors.Request, name string) bool {
	for _, h := range req.Headers {
		if strings.EqualFold(h.Name, name) {
			return true
		}
	}
	return false
}

// restWildcardHeaders reports REST OPTIONS methods that answer
// Access-Control-Allow-Headers '*' for resources whose methods use a
// Cognito or Lambda authorizer: a MOCK integration answers the literal
// "*", which never covers Authorization for credentialed requests (Fetch
// "CORS-preflight fetch" step 7) and covers it for the others only
// through Chromium's deprecated behaviour.
func restWildcardHeaders(p *diag.Pass, api *apimodel.API) {
	seen := map[string]bool{}
	for _, res := range api.Resources {
		ir := optionsResponse(res.Method("OPTIONS"))
		if ir == nil {
			continue
		}
		v, ok := ir.Header("Access-Control-Allow-Headers")
		if s, static := v.Static(); !ok || !static || strings.TrimSpace(s) != "*" || seen[v.Source.String()] {
			continue
		}
		var authed *apimodel.Method
		for _, m := range res.Methods {
			t := strings.ToUpper(m.AuthorizationType.S)
			if m.HTTPMethod != "OPTIONS" && (t == "CUSTOM" || t == "COGNITO_USER_POOLS") {
				authed = m
				break
			}
		}
		if authed == nil {
			continue
		}
		_, cred := credentialsAllowed(api)
		mod := func(r *cors.Request) *cors.Request { return r }
		if cred {
			mod = withCredentials
		}
		verb := authed.HTTPMethod
		if verb == "ANY" {
			verb = "PUT"
		}
		req := mod(requestFor(api, originFor(p, api), verb, res.Path, authed.AuthorizationType, false))
		pr := simulate(api, res.Path, req, apimodel.Success)
		if !pr.blocked() && (len(pr.res.Warnings) == 0 || len(pr.sim.Unknown) > 0) {
			continue
		}
		seen[v.Source.String()] = true
		what := "Chromium and Firefox accept it today only with a deprecation warning, and will stop"
		if pr.blocked() {
			what = "the API allows credentials, so the browser reads \"*\" literally and blocks the request"
		}
		reportAPI(p, api, v.Source, fmt.Sprintf("OPTIONS %s of %s answers Access-Control-Allow-Headers '*' while %s %s requires %s authorization: \"*\" does not cover Authorization (%s)",
			res.Path, apiName(api), authed.HTTPMethod, res.Path, authed.AuthorizationType.S, what), pr.evidence()...)
	}
}
