package apigw

import (
	"context"
	"strconv"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/apigatewayv2"
	"github.com/aws/aws-sdk-go-v2/service/apigatewayv2/types"

	"github.com/corsdoctor/corsdoctor/apimodel"
	"github.com/corsdoctor/corsdoctor/evidence"
)

// httpAPI converts GetApi's CORS configuration into the model and
// describes it (StepAPIType, StepCORS).
func (r *run) httpAPI(v2 *apigatewayv2.GetApiOutput) {
	src := r.api.Source
	r.evidenceLine(evidence.StepAPIType, "type: %s API (apigatewayv2): CORS is one API-level CorsConfiguration; API Gateway answers preflights itself and replaces the integration's CORS headers once it is set", v2.ProtocolType)
	c := v2.CorsConfiguration
	if c == nil {
		r.evidenceLine(evidence.StepCORS, "no CorsConfiguration: API Gateway does not answer preflights; OPTIONS goes to a route (or 404), and CORS headers must come from the integration")
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
	r.evidenceLine(evidence.StepCORS, "CorsConfiguration: AllowOrigins=%s AllowMethods=%s AllowHeaders=%s AllowCredentials=%t MaxAge=%s",
		listOr(c.AllowOrigins), listOr(c.AllowMethods), listOr(c.AllowHeaders), aws.ToBool(c.AllowCredentials), maxAge(c.MaxAge))
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

// httpConfig reads routes and integrations into the model (StepMethods).
func (r *run) httpConfig(ctx context.Context) error {
	routes, routesOK, err := r.routes(ctx)
	if err != nil {
		return err
	}
	integrations, intOK, err := r.integrations(ctx)
	if err != nil {
		return err
	}
	r.mu.Lock()
	r.httpModel(routes, integrations)
	r.mu.Unlock()
	if !routesOK {
		return nil
	}
	r.evidenceLine(evidence.StepMethods, "%d routes, %d integrations", len(routes), len(integrations))
	if !intOK {
		r.evidenceLine(evidence.StepMethods, "integrations could not be read: proxy behaviour unknown")
	}
	return nil
}

// routes reads every route; ok is false (and a gap recorded) when a page
// could not be read. err is set for credential problems only.
func (r *run) routes(ctx context.Context) (routes []types.Route, ok bool, err error) {
	var token *string
	for {
		var out *apigatewayv2.GetRoutesOutput
		err := r.call(ctx, func(ctx context.Context) (err error) {
			out, err = r.c.V2.GetRoutes(ctx, &apigatewayv2.GetRoutesInput{ApiId: aws.String(r.opt.APIID), NextToken: token, MaxResults: aws.String("500")})
			return err
		})
		if err != nil {
			return routes, false, r.gap(evidence.StepMethods, evidence.GapRoutes, "routes", "apigateway:GET on arn:aws:apigateway:"+r.c.Region+"::/apis/"+r.opt.APIID+"/routes", err)
		}
		routes = append(routes, out.Items...)
		if token = out.NextToken; token == nil {
			return routes, true, nil
		}
	}
}

// integrations reads every integration; ok is false (and a gap recorded)
// when a page could not be read. err is set for credential problems only.
func (r *run) integrations(ctx context.Context) (integrations []types.Integration, ok bool, err error) {
	var token *string
	for {
		var out *apigatewayv2.GetIntegrationsOutput
		err := r.call(ctx, func(ctx context.Context) (err error) {
			out, err = r.c.V2.GetIntegrations(ctx, &apigatewayv2.GetIntegrationsInput{ApiId: aws.String(r.opt.APIID), NextToken: token, MaxResults: aws.String("500")})
			return err
		})
		if err != nil {
			return integrations, false, r.gap(evidence.StepMethods, evidence.GapIntegrations, "integrations", "apigateway:GET on arn:aws:apigateway:"+r.c.Region+"::/apis/"+r.opt.APIID+"/integrations", err)
		}
		integrations = append(integrations, out.Items...)
		if token = out.NextToken; token == nil {
			return integrations, true, nil
		}
	}
}

// httpModel converts routes and integrations into the model.
// Precondition: r.mu held.
func (r *run) httpModel(routes []types.Route, integrations []types.Integration) {
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
}
