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
	apis := Parse(name, root, nil)
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
			for _, a := range Parse("f", root, nil) {
				a.Normalize()
			}
		}
	})
}

// TestKind: REST or HTTP API is decided from evidence in the document,
// never guessed (API Gateway "OpenAPI extensions" lists which fields each
// kind reads).
func TestKind(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		desc, doc string
		want      apimodel.Kind
	}{
		{"mock integration", `{"openapi": "3.0.1", "paths": {"/a": {"get": {"x-amazon-apigateway-integration": {"type": "mock"}}}}}`, apimodel.REST},
		{"integration responses", `{"openapi": "3.0.1", "paths": {"/a": {"get": {"x-amazon-apigateway-integration": {"type": "aws_proxy", "responses": {"default": {"statusCode": "200"}}}}}}}`, apimodel.REST},
		{"payloadFormatVersion", `{"openapi": "3.0.1", "paths": {"/a": {"get": {"x-amazon-apigateway-integration": {"type": "aws_proxy", "payloadFormatVersion": "2.0"}}}}}`, apimodel.HTTP},
		{"cors extension alone", `{"openapi": "3.0.1", "x-amazon-apigateway-cors": {"allowOrigins": ["*"]}, "paths": {}}`, apimodel.HTTP},
		{"REST evidence wins over the cors extension", `{"openapi": "3.0.1", "x-amazon-apigateway-cors": {"allowOrigins": ["*"]}, "paths": {"/a": {"post": {"x-amazon-apigateway-integration": {"type": "aws", "requestTemplates": {}}}}}}`, apimodel.REST},
		{"no evidence", `{"openapi": "3.0.1", "paths": {"/a": {"get": {"x-amazon-apigateway-integration": {"type": "aws_proxy", "uri": "x"}}}}}`, ""},
	} {
		root, err := tree.Parse("a.json", []byte(tc.doc))
		if err != nil {
			t.Fatal(err)
		}
		if got, why := Kind(root); got != tc.want {
			t.Errorf("%s: Kind = %q (%s), want %q", tc.desc, got, why, tc.want)
		}
	}
	// A REST definition keeps the ignored extension apart; an undecidable
	// one is listed as not evaluated.
	root, _ := tree.Parse("a.json", []byte(`{"openapi": "3.0.1", "x-amazon-apigateway-cors": {"allowOrigins": ["*"]}, "paths": {"/a": {"post": {"x-amazon-apigateway-integration": {"type": "aws"}}}}}`))
	var notes tree.Notes
	apis := Parse("a.json", root, &notes)
	if len(apis) != 1 || apis[0].Cors != nil || apis[0].IgnoredCors == nil {
		t.Errorf("REST with x-amazon-apigateway-cors: %+v", apis)
	}
	root, _ = tree.Parse("b.json", []byte(`{"openapi": "3.0.1", "paths": {"/a": {"get": {"x-amazon-apigateway-integration": {"type": "aws_proxy"}}}}}`))
	if apis := Parse("b.json", root, &notes); len(apis) != 0 || len(notes.List) != 1 {
		t.Errorf("undecidable document: %d APIs, notes %+v", len(apis), notes.List)
	}
}
