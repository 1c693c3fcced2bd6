package apigw

import (
	"context"
	"sort"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/apigateway"
	"github.com/aws/aws-sdk-go-v2/service/apigateway/types"

	"github.com/corsdoctor/corsdoctor/apimodel"
	"github.com/corsdoctor/corsdoctor/evidence"
)

// getResourcesLimit is GetResources' maximum page size: with
// embed=methods one call returns 500 resources with their methods,
// integrations and responses, so control-plane calls do not grow with
// resources × methods (GetResources is limited to 5 calls every 2 s).
const getResourcesLimit = 500

// restConfig reads a REST API's resources (with embedded methods) and
// gateway responses into the model. What they mean for CORS is the rules'
// to say (StepCORS, StepMethods).
func (r *run) restConfig(ctx context.Context) error {
	resources, pages, err := r.resources(ctx)
	if err != nil {
		return err
	}
	gws, err := r.gatewayResponses(ctx)
	if err != nil {
		return err
	}
	r.mu.Lock()
	r.restModel(resources, gws)
	r.mu.Unlock()
	if resources != nil {
		n := 0
		for _, res := range r.api.Resources {
			n += len(res.Methods)
		}
		r.evidenceLine(evidence.StepMethods, "%d resources, %d methods (GetResources embed=methods, %d page(s))", len(r.api.Resources), n, pages)
	}
	return nil
}

// resources reads every resource with its methods; nil (and a gap) when
// a page could not be read. err is set for credential problems only.
func (r *run) resources(ctx context.Context) (resources []types.Resource, pages int, err error) {
	p := apigateway.NewGetResourcesPaginator(r.c.APIGateway, &apigateway.GetResourcesInput{
		RestApiId: aws.String(r.opt.APIID), Embed: []string{"methods"}, Limit: aws.Int32(getResourcesLimit),
	})
	for p.HasMorePages() {
		var out *apigateway.GetResourcesOutput
		err := r.call(ctx, func(ctx context.Context) (err error) {
			out, err = p.NextPage(ctx)
			return err
		})
		if err != nil {
			return nil, pages, r.gap(evidence.StepMethods, evidence.GapResources, "resources and methods", "apigateway:GET on arn:aws:apigateway:"+r.c.Region+"::/restapis/"+r.opt.APIID+"/resources", err)
		}
		pages++
		resources = append(resources, out.Items...)
	}
	return resources, pages, nil
}

// gatewayResponses reads the API's gateway responses (a gap when they
// could not be read). err is set for credential problems only.
func (r *run) gatewayResponses(ctx context.Context) ([]types.GatewayResponse, error) {
	var gws []types.GatewayResponse
	err := r.call(ctx, func(ctx context.Context) error {
		out, err := r.c.APIGateway.GetGatewayResponses(ctx, &apigateway.GetGatewayResponsesInput{RestApiId: aws.String(r.opt.APIID), Limit: aws.Int32(500)})
		if err == nil {
			gws = out.Items
		}
		return err
	})
	if err != nil {
		return nil, r.gap(evidence.StepCORS, evidence.GapGatewayResponses, "gateway responses", "apigateway:GET on arn:aws:apigateway:"+r.c.Region+"::/restapis/"+r.opt.APIID+"/gatewayresponses", err)
	}
	return gws, nil
}

// restModel converts the SDK's resources and gateway responses into the
// normalized model. Precondition: r.mu held.
func (r *run) restModel(resources []types.Resource, gws []types.GatewayResponse) {
	base := r.api.Source.URL
	for _, res := range resources {
		path := aws.ToString(res.Path)
		id := aws.ToString(res.Id)
		r.config.resourcePath[id] = path
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
			mir := &apimodel.IntegrationResponse{StatusPattern: aws.ToString(ir.SelectionPattern), StatusCode: aws.ToString(ir.StatusCode), ResponseTemplates: ir.ResponseTemplates, ContentHandling: string(ir.ContentHandling), Source: rsrc}
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
