package apigw

import (
	"context"
	"fmt"
	"net/url"
	"strconv"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/apigatewayv2"
	"github.com/aws/aws-sdk-go-v2/service/apigatewayv2/types"

	"github.com/corsdoctor/corsdoctor/apimodel"
	"github.com/corsdoctor/corsdoctor/evidence"
)

// clientHeaders are request headers browsers' clients commonly send that
// need Access-Control-Allow-Headers.
var clientHeaders = []string{"content-type", "authorization", "x-api-key", "x-amz-date", "x-amz-security-token"}

// httpAPI converts GetApi's CORS configuration and writes steps 2 and 5.
func (r *run) httpAPI(v2 *apigatewayv2.GetApiOutput) {
	src := r.api.Source
	r.evidenceLine(5, "type: %s API (apigatewayv2): CORS is one API-level CorsConfiguration; API Gateway answers preflights itself and replaces the integration's CORS headers once it is set", v2.ProtocolType)
	c := v2.CorsConfiguration
	if c == nil {
		r.evidenceLine(2, "no CorsConfiguration: API Gateway does not answer preflights; OPTIONS goes to a route (or 404), and CORS headers must come from the integration")
		r.fail(2, "CORS is not configured on the API")
		return
	}
	csrc := evidence.Source{URL: src.URL + "#CorsConfiguration"}
	cc := &apimodel.CorsConfig{Source: csrc, CredentialsSource: csrc, AllowCredentials: apimodel.TriOf(aws.ToBool(c.AllowCredentials))}
	vals := func(ss []string) []apimodel.Value {
		var out []apimodel.Value
		for _, s := range ss {
			out = append(out, apimodel.Known(s, csrc))
		}
		return out
	}
	cc.AllowOrigins, cc.AllowMethods, cc.AllowHeaders, cc.ExposeHeaders = vals(c.AllowOrigins), vals(c.AllowMethods), vals(c.AllowHeaders), vals(c.ExposeHeaders)
	if c.MaxAge != nil {
		v := apimodel.Known(strconv.Itoa(int(*c.MaxAge)), csrc)
		cc.MaxAge = &v
	}
	r.api.Cors = cc
	r.evidenceLine(2, "CorsConfiguration: AllowOrigins=%s AllowMethods=%s AllowHeaders=%s AllowCredentials=%t MaxAge=%s",
		listOr(c.AllowOrigins), listOr(c.AllowMethods), listOr(c.AllowHeaders), aws.ToBool(c.AllowCredentials), maxAge(c.MaxAge))
	var issues []string
	for _, o := range c.AllowOrigins {
		if p := originProblem(o); p != "" {
			issues = append(issues, fmt.Sprintf("origin %q %s", o, p))
		}
		if o == "*" && aws.ToBool(c.AllowCredentials) {
			issues = append(issues, "AllowOrigins '*' with AllowCredentials true: browsers reject credentialed responses with ACAO '*'")
		}
	}
	if len(c.AllowOrigins) == 0 {
		issues = append(issues, "AllowOrigins is empty: no origin is allowed")
	}
	if !containsFold(c.AllowHeaders, "*") {
		var miss []string
		for _, h := range clientHeaders {
			if !containsFold(c.AllowHeaders, h) {
				miss = append(miss, h)
			}
		}
		if len(miss) > 0 {
			r.evidenceLine(2, "AllowHeaders does not cover %s (fine only if clients never send them)", strings.Join(miss, ", "))
		}
	}
	if len(c.AllowMethods) == 0 {
		issues = append(issues, "AllowMethods is empty: preflights for PUT/PATCH/DELETE fail")
	}
	if c.MaxAge != nil && *c.MaxAge < 0 {
		r.evidenceLine(2, "MaxAge %d disables preflight caching: every request is preceded by a preflight", *c.MaxAge)
	}
	for _, s := range issues {
		r.evidenceLine(2, "%s", s)
	}
	if len(issues) > 0 {
		r.fail(2, "%s", issues[0])
	}
}

func maxAge(v *int32) string {
	if v == nil {
		return "unset"
	}
	return strconv.Itoa(int(*v))
}

func listOr(ss []string) string {
	if len(ss) == 0 {
		return "[]"
	}
	return "[" + strings.Join(ss, ",") + "]"
}

func containsFold(ss []string, s string) bool {
	for _, x := range ss {
		if strings.EqualFold(strings.TrimSpace(x), s) {
			return true
		}
	}
	return false
}

// originProblem explains why an allowed origin can never equal a
// browser's Origin header ("" when it is well formed).
func originProblem(o string) string {
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

// httpConfig reads routes and integrations (steps 5 and 6).
func (r *run) httpConfig(ctx context.Context) error {
	var routes []types.Route
	var integrations []types.Integration
	routesOK, intOK := true, true
	var token *string
	for {
		var out *apigatewayv2.GetRoutesOutput
		err := r.call(ctx, func(ctx context.Context) (err error) {
			out, err = r.c.V2.GetRoutes(ctx, &apigatewayv2.GetRoutesInput{ApiId: aws.String(r.opt.APIID), NextToken: token, MaxResults: aws.String("500")})
			return err
		})
		if err != nil {
			routesOK = false
			if e := r.gap(6, "routes", "apigateway:GET on arn:aws:apigateway:"+r.c.Region+"::/apis/"+r.opt.APIID+"/routes", err); e != nil {
				return e
			}
			r.fail(6, "routes could not be read: %s", shortErr(err))
			break
		}
		routes = append(routes, out.Items...)
		if token = out.NextToken; token == nil {
			break
		}
	}
	token = nil
	for {
		var out *apigatewayv2.GetIntegrationsOutput
		err := r.call(ctx, func(ctx context.Context) (err error) {
			out, err = r.c.V2.GetIntegrations(ctx, &apigatewayv2.GetIntegrationsInput{ApiId: aws.String(r.opt.APIID), NextToken: token, MaxResults: aws.String("500")})
			return err
		})
		if err != nil {
			intOK = false
			if e := r.gap(6, "integrations", "apigateway:GET on arn:aws:apigateway:"+r.c.Region+"::/apis/"+r.opt.APIID+"/integrations", err); e != nil {
				return e
			}
			break
		}
		integrations = append(integrations, out.Items...)
		if token = out.NextToken; token == nil {
			break
		}
	}
	r.mu.Lock()
	byID := map[string]*apimodel.Integration{}
	for _, in := range integrations {
		id := aws.ToString(in.IntegrationId)
		isrc := evidence.Source{URL: r.api.Source.URL + "/integrations/" + id}
		t := apimodel.IntegrationType(in.IntegrationType)
		// HTTP API Lambda (AWS_PROXY) and HTTP_PROXY integrations pass the
		// backend's response through.
		byID[id] = &apimodel.Integration{Type: t, URI: apimodel.Known(aws.ToString(in.IntegrationUri), isrc), Source: isrc}
	}
	for _, rt := range routes {
		key := aws.ToString(rt.RouteKey)
		src := evidence.Source{URL: r.api.Source.URL + "/routes/" + aws.ToString(rt.RouteId)}
		mr := &apimodel.Route{Key: key, AuthorizationType: apimodel.Known(string(rt.AuthorizationType), src), AuthorizerID: aws.ToString(rt.AuthorizerId), Source: src}
		if verb, path, ok := strings.Cut(key, " "); ok {
			mr.Method, mr.Path = verb, path
		}
		if tgt, ok := strings.CutPrefix(aws.ToString(rt.Target), "integrations/"); ok {
			mr.Integration = byID[tgt]
		}
		r.api.Routes = append(r.api.Routes, mr)
	}
	r.mu.Unlock()
	if !routesOK {
		return nil
	}
	r.evidenceLine(6, "%d routes, %d integrations", len(routes), len(integrations))
	if !intOK {
		r.evidenceLine(6, "integrations could not be read: proxy behaviour unknown")
	}
	// Routes whose authorizer catches the preflight.
	var caught []string
	for _, rt := range r.api.Routes {
		if rt.Authorized() != apimodel.TriYes {
			continue
		}
		if rt.Key == "$default" || rt.Method == "ANY" || rt.Method == "OPTIONS" {
			if r.api.Cors == nil || rt.Method == "OPTIONS" {
				caught = append(caught, fmt.Sprintf("%s (%s)", rt.Key, rt.AuthorizationType.S))
			}
		}
	}
	if len(caught) > 0 {
		r.evidenceLine(6, "routes whose authorizer answers the preflight with 401/403: %s", strings.Join(caught, ", "))
		r.fail(6, "the preflight is caught by an authorized route")
	}
	if r.api.Cors != nil {
		r.evidenceLine(6, "API Gateway answers OPTIONS itself (CorsConfiguration) and ignores CORS headers returned by integrations")
	}
	return nil
}
