package apigw

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/apigateway"
	"github.com/aws/aws-sdk-go-v2/service/apigateway/types"

	"github.com/corsdoctor/corsdoctor/apimodel"
	"github.com/corsdoctor/corsdoctor/cors"
	"github.com/corsdoctor/corsdoctor/evidence"
)

// getResourcesLimit is GetResources' maximum page size: with
// embed=methods one call returns 500 resources with their methods,
// integrations and responses, so control-plane calls do not grow with
// resources × methods (GetResources is limited to 5 calls every 2 s).
const getResourcesLimit = 500

// restConfig reads a REST API's resources (with embedded methods) and
// gateway responses.
func (r *run) restConfig(ctx context.Context) error {
	var resources []types.Resource
	p := apigateway.NewGetResourcesPaginator(r.c.APIGateway, &apigateway.GetResourcesInput{
		RestApiId: aws.String(r.opt.APIID), Embed: []string{"methods"}, Limit: aws.Int32(getResourcesLimit),
	})
	pages := 0
	for p.HasMorePages() {
		var out *apigateway.GetResourcesOutput
		err := r.call(ctx, func(ctx context.Context) (err error) {
			out, err = p.NextPage(ctx)
			return err
		})
		if err != nil {
			if e := r.gap(6, "resources and methods", "apigateway:GET on arn:aws:apigateway:"+r.c.Region+"::/restapis/"+r.opt.APIID+"/resources", err); e != nil {
				return e
			}
			r.fail(6, "resources could not be read: %s", shortErr(err))
			r.fail(2, "resources could not be read: %s", shortErr(err))
			resources = nil
			break
		}
		pages++
		resources = append(resources, out.Items...)
	}
	var gws []types.GatewayResponse
	gwOK := true
	err := r.call(ctx, func(ctx context.Context) error {
		out, err := r.c.APIGateway.GetGatewayResponses(ctx, &apigateway.GetGatewayResponsesInput{RestApiId: aws.String(r.opt.APIID), Limit: aws.Int32(500)})
		if err == nil {
			gws = out.Items
		}
		return err
	})
	if err != nil {
		gwOK = false
		if e := r.gap(2, "gateway responses", "apigateway:GET on arn:aws:apigateway:"+r.c.Region+"::/restapis/"+r.opt.APIID+"/gatewayresponses", err); e != nil {
			return e
		}
	}
	r.mu.Lock()
	r.restModel(resources, gws)
	r.mu.Unlock()
	if resources != nil {
		n := 0
		for _, res := range r.api.Resources {
			n += len(res.Methods)
		}
		r.evidenceLine(6, "%d resources, %d methods (GetResources embed=methods, %d page(s))", len(r.api.Resources), n, pages)
		r.restChecks()
	}
	if gwOK {
		r.gatewayChecks()
	}
	return nil
}

// restModel converts the SDK's resources and gateway responses into the
// normalized model. Precondition: r.mu held.
func (r *run) restModel(resources []types.Resource, gws []types.GatewayResponse) {
	base := r.api.Source.URL
	for _, res := range resources {
		path := aws.ToString(res.Path)
		id := aws.ToString(res.Id)
		r.resourcePath[id] = path
		src := evidence.Source{URL: base + "/resources/" + id}
		mr := r.api.AddResource(path, src)
		mr.ID = id
		for verb, m := range res.ResourceMethods {
			mr.AddMethod(methodModel(verb, m, evidence.Source{URL: src.URL + "/methods/" + verb}))
		}
	}
	r.api.Normalize()
	for _, g := range gws {
		if g.DefaultResponse {
			continue
		}
		if r.api.GatewayResponses == nil {
			r.api.GatewayResponses = map[string]*apimodel.GatewayResponse{}
		}
		t := string(g.ResponseType)
		src := evidence.Source{URL: base + "/gatewayresponses/" + t}
		gr := &apimodel.GatewayResponse{Type: t, StatusCode: aws.ToString(g.StatusCode), Source: src, ResponseParameters: map[string]apimodel.Value{}}
		for k, v := range g.ResponseParameters {
			gr.ResponseParameters[k] = apimodel.Known(v, src)
		}
		r.api.GatewayResponses[t] = gr
	}
}

func methodModel(verb string, m types.Method, src evidence.Source) *apimodel.Method {
	if m.HttpMethod != nil {
		verb = *m.HttpMethod
	}
	out := &apimodel.Method{
		HTTPMethod:        verb,
		AuthorizationType: apimodel.Known(aws.ToString(m.AuthorizationType), src),
		AuthorizerID:      aws.ToString(m.AuthorizerId),
		APIKeyRequired:    apimodel.TriOf(aws.ToBool(m.ApiKeyRequired)),
		Source:            src,
	}
	for code, resp := range m.MethodResponses {
		if out.MethodResponses == nil {
			out.MethodResponses = map[string]*apimodel.MethodResponse{}
		}
		mresp := &apimodel.MethodResponse{StatusCode: code, Source: evidence.Source{URL: src.URL + "/responses/" + code}}
		for k := range resp.ResponseParameters {
			if name, ok := strings.CutPrefix(k, "method.response.header."); ok {
				mresp.Headers = append(mresp.Headers, name)
			}
		}
		sort.Strings(mresp.Headers)
		out.MethodResponses[code] = mresp
	}
	if in := m.MethodIntegration; in != nil {
		isrc := evidence.Source{URL: src.URL + "/integration"}
		mi := &apimodel.Integration{
			Type: apimodel.IntegrationType(in.Type), URI: apimodel.Known(aws.ToString(in.Uri), isrc),
			PassthroughBehavior: aws.ToString(in.PassthroughBehavior), RequestTemplates: in.RequestTemplates,
			ContentHandling: string(in.ContentHandling), Source: isrc,
		}
		for _, code := range apimodel.SortedKeys(in.IntegrationResponses) {
			ir := in.IntegrationResponses[code]
			rsrc := evidence.Source{URL: isrc.URL + "/responses/" + code}
			mir := &apimodel.IntegrationResponse{StatusPattern: aws.ToString(ir.SelectionPattern), StatusCode: aws.ToString(ir.StatusCode), ContentHandling: string(ir.ContentHandling), Source: rsrc}
			if mir.StatusCode == "" {
				mir.StatusCode = code
			}
			for k, v := range ir.ResponseParameters {
				if mir.ResponseParameters == nil {
					mir.ResponseParameters = map[string]apimodel.Value{}
				}
				mir.ResponseParameters[k] = apimodel.Known(v, rsrc)
			}
			mi.Responses = append(mi.Responses, mir)
		}
		// The default response (no selection pattern) first, then by pattern.
		sort.SliceStable(mi.Responses, func(i, j int) bool {
			return mi.Responses[i].IsDefault() && !mi.Responses[j].IsDefault()
		})
		out.Integration = mi
	}
	return out
}

// restChecks writes the step 2 and 6 evidence for a REST API.
func (r *run) restChecks() {
	var missing, optIssues, noACAO, proxies []string
	withOptions := 0
	for _, res := range r.api.Resources {
		nonSimple := false
		for _, m := range res.Methods {
			v := strings.ToUpper(m.HTTPMethod)
			if v != "GET" && v != "HEAD" && v != "POST" && v != "OPTIONS" {
				nonSimple = true
			}
		}
		opt := res.Method("OPTIONS")
		if opt != nil {
			withOptions++
			optIssues = append(optIssues, optionsIssues(res, opt)...)
		} else if nonSimple || len(res.Methods) > 0 {
			// Any method may be called with a non-simple header
			// (Content-Type: application/json, Authorization).
			if len(res.Methods) > 0 {
				missing = append(missing, res.Path)
			}
		}
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
	r.evidenceLine(6, "%d of %d resources with methods have an OPTIONS method", withOptions, withOptions+len(missing))
	if len(missing) > 0 {
		r.evidenceLine(6, "no OPTIONS method (preflight answered 403 Missing Authentication Token): %s", list(missing, 8))
		r.fail(6, "%d resource(s) without an OPTIONS method", len(missing))
	}
	for _, s := range optIssues {
		r.evidenceLine(6, "%s", s)
	}
	if len(optIssues) > 0 {
		r.fail(6, "OPTIONS methods that cannot answer a preflight")
	}
	if len(noACAO) > 0 {
		r.evidenceLine(2, "integration responses without Access-Control-Allow-Origin: %s", list(noACAO, 8))
		r.fail(2, "%d integration response(s) without Access-Control-Allow-Origin", len(noACAO))
	}
	if len(proxies) > 0 {
		r.evidenceLine(2, "proxy integrations (the backend must return CORS headers): %s", list(proxies, 8))
	}
	origins := restOrigins(r.api)
	if len(origins) > 0 {
		r.evidenceLine(2, "allowed origins mapped by OPTIONS methods: %s", strings.Join(origins, ", "))
	} else if len(r.api.Resources) > 0 {
		r.fail(2, "no OPTIONS method maps Access-Control-Allow-Origin: CORS is not enabled")
	}
}

// optionsIssues checks one OPTIONS method as a preflight handler.
func optionsIssues(res *apimodel.Resource, m *apimodel.Method) []string {
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
	var def *apimodel.IntegrationResponse
	for _, ir := range in.Responses {
		if ir.IsDefault() {
			def = ir
			break
		}
	}
	if def == nil {
		return append(out, where+" has no default integration response: the MOCK answers 500")
	}
	if !strings.HasPrefix(def.StatusCode, "2") {
		out = append(out, fmt.Sprintf("%s answers %s: a preflight needs a 2xx status", where, def.StatusCode))
	}
	var lacks []string
	for _, h := range []string{"Access-Control-Allow-Origin", "Access-Control-Allow-Methods", "Access-Control-Allow-Headers"} {
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
		for _, h := range []string{"Access-Control-Allow-Origin", "Access-Control-Allow-Methods", "Access-Control-Allow-Headers"} {
			if _, mapped := def.Header(h); mapped && !mr.Declares(h) {
				out = append(out, fmt.Sprintf("%s method response %s does not declare %s", where, def.StatusCode, h))
			}
		}
	}
	return out
}

// restOrigins lists the static Access-Control-Allow-Origin values mapped
// by OPTIONS methods.
func restOrigins(api *apimodel.API) []string {
	seen := map[string]bool{}
	for _, res := range api.Resources {
		m := res.Method("OPTIONS")
		if m == nil || m.Integration == nil {
			continue
		}
		for _, ir := range m.Integration.Responses {
			if v, ok := ir.Header("Access-Control-Allow-Origin"); ok {
				if s, ok := v.Static(); ok {
					seen[s] = true
				} else {
					seen[v.S] = true
				}
			}
		}
	}
	return apimodel.SortedKeys(seen)
}

// corsGatewayTypes are the gateway responses browsers hit most.
var corsGatewayTypes = []string{"DEFAULT_4XX", "DEFAULT_5XX", "UNAUTHORIZED", "ACCESS_DENIED", "MISSING_AUTHENTICATION_TOKEN", "THROTTLED", "EXPIRED_TOKEN", "INVALID_API_KEY", "INTEGRATION_FAILURE", "INTEGRATION_TIMEOUT"}

// gatewayChecks writes the gateway-response evidence (step 2).
func (r *run) gatewayChecks() {
	var bare []string
	for _, t := range corsGatewayTypes {
		g := r.api.EffectiveGatewayResponse(t)
		if g == nil {
			bare = append(bare, t)
			continue
		}
		if _, ok := g.Header("Access-Control-Allow-Origin"); !ok {
			bare = append(bare, t)
		}
	}
	if len(bare) > 0 {
		r.evidenceLine(2, "gateway responses without Access-Control-Allow-Origin (auth, throttling and integration errors look like CORS errors): %s", strings.Join(bare, ", "))
		r.fail(2, "gateway responses without CORS headers")
	} else {
		r.evidenceLine(2, "gateway responses DEFAULT_4XX/DEFAULT_5XX and the auth/throttling types carry Access-Control-Allow-Origin")
	}
}

// list renders at most n items and a count of the rest.
func list(items []string, n int) string {
	if len(items) <= n {
		return strings.Join(items, "; ")
	}
	return strings.Join(items[:n], "; ") + fmt.Sprintf("; and %d more", len(items)-n)
}
