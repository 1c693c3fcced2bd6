package rules

import (
	"fmt"
	"strings"

	"github.com/corsdoctor/corsdoctor/apimodel"
	"github.com/corsdoctor/corsdoctor/cors"
	"github.com/corsdoctor/corsdoctor/diag"
	"github.com/corsdoctor/corsdoctor/evidence"
)

// CD2116 judges step 6: the methods, and the OPTIONS methods as preflight
// handlers.
var cd2116 = &diag.Rule{
	ID: "CD2116", Needs: diag.NeedsPlaybook | diag.NeedsAPIs, Name: "playbook-step-methods", Severity: diag.Error, Rank: 900, Since: "0.2.0",
	Title: "Playbook step 6: a preflight cannot be answered (missing or broken OPTIONS, authorized route)",
	Doc: `Step 6 of the API Gateway CORS playbook: check the methods and the OPTIONS
configuration, verifying an OPTIONS method exists for preflight requests.

REST APIs: the step fails when the resources could not be read, when a resource
with methods has no OPTIONS method (API Gateway answers the preflight 403 Missing
Authentication Token), or when an OPTIONS method cannot answer a preflight: it
requires authorization or an API key (the preflight carries neither), has no
integration, has no default integration response (a MOCK then answers 500), answers
a non-2xx status, does not map Access-Control-Allow-Origin, -Methods and -Headers,
allows methods that lack some of the resource's, or maps a header its method
response does not declare. A proxy or non-MOCK OPTIONS integration is noted: the
backend must answer the preflight. With --test-invoke, it fails when a method
answers TestInvokeMethod without Access-Control-Allow-Origin.

HTTP APIs: the step fails when the routes could not be read, or when an authorized
$default, ANY or OPTIONS route catches the preflight (without CorsConfiguration,
or OPTIONS routes always): the authorizer answers it 401/403.

This rule reports no finding of its own: it gives the step its verdict in
corsdoctor aws diagnose. See
https://docs.aws.amazon.com/apigateway/latest/developerguide/how-to-cors.html and
https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-cors.html`,
	Fix: map[diag.Platform]string{diag.Generic: stepFix},
	Check: func(p *diag.Pass) {
		if pb := byAPIKind(p, restMethodsStep, httpMethodsStep); pb != nil {
			invokesStep(p, pb)
		}
	},
}

// restMethodsStep judges a REST API's resources and OPTIONS methods.
func restMethodsStep(p *diag.Pass, pb *evidence.Playbook, api *apimodel.API) {
	if g := pb.GapFor(evidence.GapResources); g != nil {
		p.FailStep(evidence.StepMethods, "resources could not be read: %s", g.Err)
	} else if len(api.Resources) > 0 {
		optionsStep(p, api)
	}
}

// httpMethodsStep judges an HTTP API's routes.
func httpMethodsStep(p *diag.Pass, pb *evidence.Playbook, api *apimodel.API) {
	if g := pb.GapFor(evidence.GapRoutes); g != nil {
		p.FailStep(evidence.StepMethods, "routes could not be read: %s", g.Err)
	} else {
		routesStep(p, api)
	}
}

// optionsStep judges each REST resource's OPTIONS method.
func optionsStep(p *diag.Pass, api *apimodel.API) {
	var missing, issues []string
	withOptions := 0
	for _, res := range api.Resources {
		if opt := res.Method("OPTIONS"); opt != nil {
			withOptions++
			issues = append(issues, preflightIssues(res, opt)...)
		} else if len(res.Methods) > 0 {
			// Any method may be called with a non-simple header
			// (Content-Type: application/json, Authorization).
			missing = append(missing, res.Path)
		}
	}
	p.StepEvidence(evidence.StepMethods, "%d of %d resources with methods have an OPTIONS method", withOptions, withOptions+len(missing))
	if len(missing) > 0 {
		p.StepEvidence(evidence.StepMethods, "no OPTIONS method (preflight answered 403 Missing Authentication Token): %s", evidence.JoinFirst(missing, 8))
		p.FailStep(evidence.StepMethods, "%d resource(s) without an OPTIONS method", len(missing))
	}
	for _, s := range issues {
		p.StepEvidence(evidence.StepMethods, "%s", s)
	}
	if len(issues) > 0 {
		p.FailStep(evidence.StepMethods, "OPTIONS methods that cannot answer a preflight")
	}
}

// preflightIssues checks one OPTIONS method as a preflight handler.
func preflightIssues(res *apimodel.Resource, m *apimodel.Method) []string {
	var out []string
	where := "OPTIONS " + res.Path
	if m.Authorized() == apimodel.TriYes {
		out = append(out, fmt.Sprintf("%s requires authorization (%s): the browser's preflight carries no credentials and gets 401/403", where, m.AuthorizationType.S))
	}
	if m.APIKeyRequired == apimodel.TriYes {
		out = append(out, fmt.Sprintf("%s requires an API key: the preflight carries no x-api-key and gets 403", where))
	}
	in := m.Integration
	if in == nil {
		return append(out, where+" has no integration")
	}
	if in.Type.IsProxy() {
		return append(out, fmt.Sprintf("%s is a %s integration: the backend must answer the preflight with CORS headers", where, in.Type))
	}
	if in.Type != apimodel.Mock {
		out = append(out, fmt.Sprintf("%s uses a %s integration, not MOCK: every preflight calls the backend, which must answer 2xx quickly", where, in.Type))
	}
	def := defaultResponse(in)
	if def == nil {
		return append(out, where+" has no default integration response: the MOCK answers 500")
	}
	if !strings.HasPrefix(def.StatusCode, "2") {
		out = append(out, fmt.Sprintf("%s answers %s: a preflight needs a 2xx status", where, def.StatusCode))
	}
	return append(out, preflightMappingIssues(where, res, m, def)...)
}

func defaultResponse(in *apimodel.Integration) *apimodel.IntegrationResponse {
	for _, ir := range in.Responses {
		if ir.IsDefault() {
			return ir
		}
	}
	return nil
}

// preflightHeaders are the headers an OPTIONS method must map.
var preflightHeaders = []string{"Access-Control-Allow-Origin", "Access-Control-Allow-Methods", "Access-Control-Allow-Headers"}

// preflightMappingIssues checks the headers the default integration
// response def of OPTIONS method m maps.
func preflightMappingIssues(where string, res *apimodel.Resource, m *apimodel.Method, def *apimodel.IntegrationResponse) []string {
	var out, lacks []string
	for _, h := range preflightHeaders {
		if _, ok := def.Header(h); !ok {
			lacks = append(lacks, h)
		}
	}
	if len(lacks) > 0 {
		out = append(out, fmt.Sprintf("%s integration response %s does not map %s", where, def.StatusCode, strings.Join(lacks, ", ")))
	}
	if v, ok := def.Header("Access-Control-Allow-Methods"); ok {
		if s, ok := v.Static(); ok && s != "*" {
			allowed := map[string]bool{}
			for _, x := range strings.Split(s, ",") {
				allowed[strings.TrimSpace(x)] = true
			}
			var miss []string
			for _, om := range res.Methods {
				if om.HTTPMethod == "ANY" || om.HTTPMethod == "OPTIONS" || cors.IsSafelistedMethod(om.HTTPMethod) {
					continue
				}
				if !allowed[om.HTTPMethod] {
					miss = append(miss, om.HTTPMethod)
				}
			}
			if len(miss) > 0 {
				out = append(out, fmt.Sprintf("%s Access-Control-Allow-Methods '%s' lacks %s", where, s, strings.Join(miss, ", ")))
			}
		}
	}
	if mr := m.MethodResponses[def.StatusCode]; mr != nil {
		for _, h := range preflightHeaders {
			if _, mapped := def.Header(h); mapped && !mr.Declares(h) {
				out = append(out, fmt.Sprintf("%s method response %s does not declare %s", where, def.StatusCode, h))
			}
		}
	}
	return out
}

// routesStep judges the HTTP API routes that catch the preflight.
func routesStep(p *diag.Pass, api *apimodel.API) {
	var caught []string
	for _, rt := range api.Routes {
		if rt.Authorized() != apimodel.TriYes {
			continue
		}
		if rt.Key == "$default" || rt.Method == "ANY" || rt.Method == "OPTIONS" {
			if api.Cors == nil || rt.Method == "OPTIONS" {
				caught = append(caught, fmt.Sprintf("%s (%s)", rt.Key, rt.AuthorizationType.S))
			}
		}
	}
	if len(caught) > 0 {
		p.StepEvidence(evidence.StepMethods, "routes whose authorizer answers the preflight with 401/403: %s", strings.Join(caught, ", "))
		p.FailStep(evidence.StepMethods, "the preflight is caught by an authorized route")
	}
	if api.Cors != nil {
		p.StepEvidence(evidence.StepMethods, "API Gateway answers OPTIONS itself (CorsConfiguration) and ignores CORS headers returned by integrations")
	}
}

// invokesStep lists what TestInvokeMethod answered (--test-invoke).
func invokesStep(p *diag.Pass, pb *evidence.Playbook) {
	failed := false
	for _, inv := range pb.Invokes {
		if inv.Err != "" {
			continue
		}
		if acao := invokeAllowOrigin(inv); acao != "" {
			p.StepEvidence(evidence.StepMethods, "TestInvokeMethod %s %s: %d, Access-Control-Allow-Origin: %s", inv.Method, inv.Path, inv.Status, acao)
			continue
		}
		p.StepEvidence(evidence.StepMethods, "TestInvokeMethod %s %s: %d without Access-Control-Allow-Origin", inv.Method, inv.Path, inv.Status)
		if !failed {
			p.FailStep(evidence.StepMethods, "test invocations return no Access-Control-Allow-Origin")
			failed = true
		}
	}
}
