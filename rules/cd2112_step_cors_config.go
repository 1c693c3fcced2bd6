package rules

import (
	"fmt"
	"net/url"
	"strings"

	"github.com/corsdoctor/corsdoctor/apimodel"
	"github.com/corsdoctor/corsdoctor/diag"
	"github.com/corsdoctor/corsdoctor/evidence"
)

// CD2112 judges step 2: the API's CORS configuration.
var cd2112 = &diag.Rule{
	ID: "CD2112", Needs: diag.NeedsPlaybook | diag.NeedsAPIs, Name: "playbook-step-cors-config", Severity: diag.Error, Rank: 900, Since: "0.2.0",
	Title: "Playbook step 2: the API's CORS configuration is missing or cannot work",
	Doc: `Step 2 of the API Gateway CORS playbook: inspect the CORS configuration (allowed
origins, methods and headers) and verify CORS is enabled.

REST APIs have no API-level switch. The step lists the integration responses that
map no Access-Control-Allow-Origin (non-proxy methods answer without it), the proxy
integrations (their backend must send the headers), the origins OPTIONS methods
allow, and the gateway responses browsers meet most (DEFAULT_4XX, DEFAULT_5XX,
UNAUTHORIZED, ACCESS_DENIED, MISSING_AUTHENTICATION_TOKEN, THROTTLED, EXPIRED_TOKEN,
INVALID_API_KEY, INTEGRATION_FAILURE, INTEGRATION_TIMEOUT) without the header. It
fails when the resources could not be read, when an integration response lacks the
header, when no OPTIONS method maps Access-Control-Allow-Origin at all (CORS is not
enabled), or when those gateway responses lack it.

HTTP APIs configure CORS once (CorsConfiguration). The step fails when it is
absent, when an allowed origin can never equal a browser's Origin (not
scheme://host[:port], a path or trailing slash, the default port, upper case), when
AllowOrigins '*' is combined with AllowCredentials, or when AllowOrigins or
AllowMethods is empty; it notes common request headers AllowHeaders does not cover
and a negative MaxAge.

This rule reports no finding of its own: it gives the step its verdict in
corsdoctor aws diagnose. See
https://docs.aws.amazon.com/apigateway/latest/developerguide/how-to-cors.html and
https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-cors.html`,
	Fix:   map[diag.Platform]string{diag.Generic: stepFix},
	Check: func(p *diag.Pass) { byAPIKind(p, restCORSStep, httpCORSStep) },
}

// restCORSStep judges a REST API's integration responses, OPTIONS
// origins and gateway responses.
func restCORSStep(p *diag.Pass, pb *evidence.Playbook, api *apimodel.API) {
	if g := pb.GapFor(evidence.GapResources); g != nil {
		p.FailStep(evidence.StepCORS, "resources could not be read: %s", g.Err)
	} else if len(api.Resources) > 0 {
		restMappingsStep(p, api)
	}
	if pb.GapFor(evidence.GapGatewayResponses) == nil {
		gatewayResponsesStep(p, api)
	}
}

// restMappingsStep lists integration responses without
// Access-Control-Allow-Origin, proxy integrations, and the origins the
// OPTIONS methods allow.
func restMappingsStep(p *diag.Pass, api *apimodel.API) {
	var noACAO, proxies []string
	for _, res := range api.Resources {
		for _, m := range res.Methods {
			if strings.EqualFold(m.HTTPMethod, "OPTIONS") || m.Integration == nil {
				continue
			}
			if m.Integration.Type.IsProxy() {
				proxies = append(proxies, m.HTTPMethod+" "+res.Path)
				continue
			}
			for _, ir := range m.Integration.Responses {
				if _, ok := ir.Header("Access-Control-Allow-Origin"); !ok {
					pat := ir.StatusPattern
					if ir.IsDefault() {
						pat = "default"
					}
					noACAO = append(noACAO, fmt.Sprintf("%s %s (status %s, pattern %s)", m.HTTPMethod, res.Path, ir.StatusCode, pat))
				}
			}
		}
	}
	if len(noACAO) > 0 {
		p.StepEvidence(evidence.StepCORS, "integration responses without Access-Control-Allow-Origin: %s", evidence.JoinFirst(noACAO, 8))
		p.FailStep(evidence.StepCORS, "%d integration response(s) without Access-Control-Allow-Origin", len(noACAO))
	}
	if len(proxies) > 0 {
		p.StepEvidence(evidence.StepCORS, "proxy integrations (the backend must return CORS headers): %s", evidence.JoinFirst(proxies, 8))
	}
	if origins := optionsOrigins(api); len(origins) > 0 {
		p.StepEvidence(evidence.StepCORS, "allowed origins mapped by OPTIONS methods: %s", strings.Join(origins, ", "))
	} else {
		p.FailStep(evidence.StepCORS, "no OPTIONS method maps Access-Control-Allow-Origin: CORS is not enabled")
	}
}

// optionsOrigins lists the Access-Control-Allow-Origin values mapped by
// OPTIONS methods: the static value, or the mapping expression.
func optionsOrigins(api *apimodel.API) []string {
	seen := map[string]bool{}
	optionsAllowOrigins(api, func(v apimodel.Value) bool {
		if s, ok := v.Static(); ok {
			seen[s] = true
		} else {
			seen[v.S] = true
		}
		return true
	})
	return apimodel.SortedKeys(seen)
}

// browserGatewayTypes are the gateway responses browsers meet most: auth,
// throttling and integration errors that look like CORS errors without
// Access-Control-Allow-Origin.
var browserGatewayTypes = []string{"DEFAULT_4XX", "DEFAULT_5XX", "UNAUTHORIZED", "ACCESS_DENIED", "MISSING_AUTHENTICATION_TOKEN", "THROTTLED", "EXPIRED_TOKEN", "INVALID_API_KEY", "INTEGRATION_FAILURE", "INTEGRATION_TIMEOUT"}

// gatewayResponsesStep judges the gateway responses browsers meet most.
func gatewayResponsesStep(p *diag.Pass, api *apimodel.API) {
	var bare []string
	for _, t := range browserGatewayTypes {
		g := api.EffectiveGatewayResponse(t)
		if g == nil {
			bare = append(bare, t)
			continue
		}
		if _, ok := g.Header("Access-Control-Allow-Origin"); !ok {
			bare = append(bare, t)
		}
	}
	if len(bare) == 0 {
		p.StepEvidence(evidence.StepCORS, "gateway responses DEFAULT_4XX/DEFAULT_5XX and the auth/throttling types carry Access-Control-Allow-Origin")
		return
	}
	p.StepEvidence(evidence.StepCORS, "gateway responses without Access-Control-Allow-Origin (auth, throttling and integration errors look like CORS errors): %s", strings.Join(bare, ", "))
	p.FailStep(evidence.StepCORS, "gateway responses without CORS headers")
}

// commonRequestHeaders are request headers browsers' clients commonly
// send that need Access-Control-Allow-Headers.
var commonRequestHeaders = []string{"content-type", "authorization", "x-api-key", "x-amz-date", "x-amz-security-token"}

// httpCORSStep judges an HTTP API's CorsConfiguration.
func httpCORSStep(p *diag.Pass, _ *evidence.Playbook, api *apimodel.API) {
	c := api.Cors
	if c == nil {
		p.FailStep(evidence.StepCORS, "CORS is not configured on the API")
		return
	}
	credentials := c.AllowCredentials == apimodel.TriYes
	var issues []string
	for _, v := range c.AllowOrigins {
		o := v.S
		if why := allowOriginDefect(o); why != "" {
			issues = append(issues, fmt.Sprintf("origin %q %s", o, why))
		}
		if o == "*" && credentials {
			issues = append(issues, "AllowOrigins '*' with AllowCredentials true: browsers reject credentialed responses with ACAO '*'")
		}
	}
	if len(c.AllowOrigins) == 0 {
		issues = append(issues, "AllowOrigins is empty: no origin is allowed")
	}
	if !hasValueFold(c.AllowHeaders, "*") {
		var miss []string
		for _, h := range commonRequestHeaders {
			if !hasValueFold(c.AllowHeaders, h) {
				miss = append(miss, h)
			}
		}
		if len(miss) > 0 {
			p.StepEvidence(evidence.StepCORS, "AllowHeaders does not cover %s (fine only if clients never send them)", strings.Join(miss, ", "))
		}
	}
	if len(c.AllowMethods) == 0 {
		issues = append(issues, "AllowMethods is empty: preflights for PUT/PATCH/DELETE fail")
	}
	if c.MaxAge != nil && strings.HasPrefix(c.MaxAge.S, "-") {
		p.StepEvidence(evidence.StepCORS, "MaxAge %s disables preflight caching: every request is preceded by a preflight", c.MaxAge.S)
	}
	for _, s := range issues {
		p.StepEvidence(evidence.StepCORS, "%s", s)
	}
	if len(issues) > 0 {
		p.FailStep(evidence.StepCORS, "%s", issues[0])
	}
}

func hasValueFold(vs []apimodel.Value, s string) bool {
	for _, v := range vs {
		if strings.EqualFold(strings.TrimSpace(v.S), s) {
			return true
		}
	}
	return false
}

// allowOriginDefect explains why an HTTP API's AllowOrigins entry can
// never equal a browser's Origin header ("" when it is well formed;
// API Gateway accepts "*" and scheme wildcards such as "https://*").
func allowOriginDefect(o string) string {
	if o == "*" || o == "https://*" || o == "http://*" {
		return ""
	}
	u, err := url.Parse(o)
	switch {
	case err != nil || u.Host == "":
		return "is not an origin (want scheme://host[:port])"
	case u.Scheme != "https" && u.Scheme != "http":
		return "has scheme " + u.Scheme
	case u.Path == "/":
		return "has a trailing slash: the browser's Origin never ends with /"
	case u.Path != "" || u.RawQuery != "":
		return "has a path: origins are scheme://host[:port] only"
	case u.Scheme == "https" && u.Port() == "443", u.Scheme == "http" && u.Port() == "80":
		return "names the default port: browsers omit it from Origin"
	case strings.ToLower(o) != o:
		return "has upper-case letters: browsers send the host in lower case"
	}
	return ""
}
