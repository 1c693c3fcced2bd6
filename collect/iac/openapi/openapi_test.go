package openapi

import (
	"os"
	"testing"

	"github.com/corsdoctor/corsdoctor/apimodel"
	"github.com/corsdoctor/corsdoctor/collect/iac/tree"
)

func parse(t *testing.T, name string) *apimodel.API {
	t.Helper()
	b, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	root, err := tree.Parse(name, b)
	if err != nil {
		t.Fatal(err)
	}
	if !Detect(root) {
		t.Fatalf("%s not detected", name)
	}
	apis := Parse(name, root)
	if len(apis) != 1 {
		t.Fatalf("got %d APIs", len(apis))
	}
	return apis[0]
}

func TestRESTExport(t *testing.T) {
	t.Parallel()
	api := parse(t, "testdata/rest-export.yaml")
	if api.Kind != apimodel.REST || api.Name != "items-api" {
		t.Fatalf("kind %s name %s", api.Kind, api.Name)
	}
	res := api.Resource("/items")
	get, opt := res.Method("GET"), res.Method("OPTIONS")
	if get.AuthorizationType.S != "COGNITO_USER_POOLS" || get.AuthorizerID != "cognito" {
		t.Errorf("GET inherits the global security: %+v", get.AuthorizationType)
	}
	if opt.Authorized() != apimodel.TriNo {
		t.Errorf("OPTIONS has security: [] and must be public, got %+v", opt.AuthorizationType)
	}
	if len(get.Integration.Responses) != 2 || get.Integration.Responses[1].StatusCode != "404" {
		t.Errorf("integration responses: %+v", get.Integration.Responses)
	}
	if mr := get.MethodResponses["200"]; mr == nil || !mr.Declares("access-control-allow-origin") {
		t.Errorf("method response headers: %+v", get.MethodResponses)
	}
	if len(api.BinaryMediaTypes) != 1 || api.BinaryMediaTypes[0].S != "*/*" {
		t.Errorf("binary media types: %+v", api.BinaryMediaTypes)
	}
	if g := api.EffectiveGatewayResponse("UNAUTHORIZED"); g == nil || g.Type != "DEFAULT_4XX" {
		t.Errorf("UNAUTHORIZED falls back to DEFAULT_4XX: %+v", g)
	}
	if v, _ := api.GatewayResponses["DEFAULT_4XX"].Header("Access-Control-Allow-Origin"); v.Source.Line != 45 {
		t.Errorf("gateway response header located at %v", v.Source)
	}
}

func TestHTTPExport(t *testing.T) {
	t.Parallel()
	api := parse(t, "testdata/http-export.json")
	if api.Kind != apimodel.HTTP || api.Cors == nil {
		t.Fatalf("kind %s cors %v", api.Kind, api.Cors)
	}
	if api.Cors.AllowCredentials != apimodel.TriYes || api.Cors.MaxAge.S != "600" {
		t.Errorf("cors: %+v", api.Cors)
	}
	if len(api.Routes) != 1 || api.Routes[0].Key != "ANY /items" || api.Routes[0].AuthorizationType.S != "JWT" {
		t.Errorf("routes: %+v", api.Routes)
	}
}

func FuzzParse(f *testing.F) {
	for _, n := range []string{"testdata/rest-export.yaml", "testdata/http-export.json"} {
		b, _ := os.ReadFile(n)
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		root, err := tree.Parse("f", data)
		if err != nil {
			return
		}
		if Detect(root) {
			for _, a := range Parse("f", root) {
				a.Normalize()
			}
		}
	})
}
