package cfn

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"testing"

	"github.com/corsdoctor/corsdoctor/apimodel"
	"github.com/corsdoctor/corsdoctor/collect/iac/tree"
)

// files is a ReadFunc over a map.
func files(m map[string]string) tree.ReadFunc {
	return func(name string) ([]byte, error) {
		if s, ok := m[filepath.ToSlash(name)]; ok {
			return []byte(s), nil
		}
		return nil, fs.ErrNotExist
	}
}

func load(t *testing.T, name string, read tree.ReadFunc) map[string]*apimodel.API {
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
		t.Fatalf("%s not detected as a template", name)
	}
	out := map[string]*apimodel.API{}
	for _, a := range Parse(name, root, Options{Read: read}) {
		out[a.ID] = a
	}
	return out
}

func TestSAM(t *testing.T) {
	t.Parallel()
	apis := load(t, "testdata/sam.yaml", files(map[string]string{
		"testdata/src/app.py": "def list_items(e, c):\n    return {'statusCode': 200, 'headers': {'Access-Control-Allow-Origin': 'https://app.example.com'}}\n",
	}))
	rest := apis["ServerlessRestApi"]
	if rest == nil || rest.Kind != apimodel.REST || rest.Format != "sam" {
		t.Fatalf("implicit REST API missing: %v", apis)
	}
	res := rest.Resource("/items")
	if res == nil {
		t.Fatal("no /items resource")
	}
	opt := res.Method("OPTIONS")
	if opt == nil || opt.Generated != "sam-cors" {
		t.Fatalf("SAM Cors OPTIONS method not generated: %+v", res.Methods)
	}
	ir := opt.Integration.Responses[0]
	if v, _ := ir.Header("Access-Control-Allow-Origin"); !v.Unknown || v.Expr != "!Sub '${Origin}'" {
		t.Errorf("AllowOrigin from !Sub with a parameter must be unknown, got %+v", v)
	}
	if v, _ := ir.Header("Access-Control-Allow-Methods"); v.S != "'GET,OPTIONS,POST'" {
		t.Errorf("generated AllowMethods = %q", v.S)
	}
	post := res.Method("POST")
	if post.APIKeyRequired != apimodel.TriYes || opt.APIKeyRequired != apimodel.TriNo {
		t.Errorf("API key: POST %v, OPTIONS %v", post.APIKeyRequired, opt.APIKeyRequired)
	}
	fn := res.Method("GET").Integration.Function
	if fn == nil || fn.CodePath != "testdata/src/app.py" || fn.SetsAllowOrigin != apimodel.TriYes {
		t.Errorf("handler lookup through Globals.CodeUri: %+v", fn)
	}
	url := apis["HttpFnUrl"]
	if url == nil || url.Kind != apimodel.FunctionURL || url.Cors.AllowCredentials != apimodel.TriYes || url.Cors.AllowOrigins[0].S != "*" {
		t.Errorf("function URL: %+v", url)
	}
	if h := apis["ServerlessHttpApi"]; h == nil || len(h.Routes) != 1 || h.Routes[0].Key != "$default" {
		t.Errorf("implicit HTTP API with $default route: %+v", h)
	}
}

func TestCDK(t *testing.T) {
	t.Parallel()
	apis := load(t, "testdata/cdk.template.json", files(map[string]string{
		"testdata/asset.abc123/index.js": "exports.handler = async () => ({ statusCode: 200, body: 'x' })",
	}))
	api := apis["ItemsApi5A2B"]
	if api == nil || api.Format != "cdk" {
		t.Fatalf("CDK API missing: %v", apis)
	}
	if len(api.BinaryMediaTypes) != 1 || !api.BinaryMediaTypes[0].Unknown {
		t.Errorf("!ImportValue must be unknown: %+v", api.BinaryMediaTypes)
	}
	opt := api.Resource("/items").Method("OPTIONS")
	if opt.Authorized() != apimodel.TriYes || opt.AuthorizerID != "Authorizer" {
		t.Errorf("OPTIONS authorization: %+v", opt.AuthorizationType)
	}
	if v, _ := opt.Integration.Responses[0].Header("Access-Control-Allow-Origin"); v.S != "'https://app.example.com'" || v.Source.Line != 19 {
		t.Errorf("Fn::Join of literals = %+v, want known at line 19", v)
	}
	fn := api.Resource("/items").Method("GET").Integration.Function
	if fn == nil || fn.CodePath != "testdata/asset.abc123/index.js" || fn.SetsAllowOrigin != apimodel.TriNo {
		t.Errorf("CDK asset handler lookup: %+v", fn)
	}
}

func TestDetect(t *testing.T) {
	t.Parallel()
	cases := []struct {
		desc, src string
		want      bool
	}{
		{"version only", "AWSTemplateFormatVersion: '2010-09-09'\n", true},
		{"resources", "Resources:\n  A: {Type: AWS::SNS::Topic}\n", true},
		{"k8s", "apiVersion: v1\nkind: Service\n", false},
		{"compose", "services:\n  web: {image: nginx}\n", false},
	}
	for _, c := range cases {
		t.Run(c.desc, func(t *testing.T) {
			root, err := tree.Parse("t.yaml", []byte(c.src))
			if err != nil {
				t.Fatal(err)
			}
			if got := Detect(root); got != c.want {
				t.Errorf("Detect = %v", got)
			}
		})
	}
}

func FuzzParse(f *testing.F) {
	for _, n := range []string{"testdata/sam.yaml", "testdata/cdk.template.json"} {
		b, _ := os.ReadFile(n)
		f.Add(b)
	}
	f.Add([]byte("Resources:\n  R: {Type: AWS::ApiGateway::Resource, Properties: {ParentId: !Ref R, PathPart: x}}\n  M: {Type: AWS::ApiGateway::Method, Properties: {ResourceId: !Ref R}}\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		root, err := tree.Parse("f.yaml", data)
		if err != nil {
			return
		}
		if Detect(root) {
			Parse("f.yaml", root, Options{Read: func(string) ([]byte, error) { return nil, errors.New("no") }})
		}
	})
}

func TestIncludedDefinition(t *testing.T) {
	t.Parallel()
	read := func(name string) ([]byte, error) { return os.ReadFile(name) }
	apis := load(t, "testdata/sam-defuri.yaml", read)
	for _, id := range []string{"Api", "Included"} {
		a := apis[id]
		if a == nil || a.Resource("/things") == nil {
			t.Fatalf("%s: definition not read: %+v", id, a)
		}
		m := a.Resource("/things").Method("PUT")
		if m.Source.File != "testdata/api/openapi.yaml" || m.Source.Line != 5 {
			t.Errorf("%s: method located at %v, want the included file, line 5", id, m.Source)
		}
	}
}

// TestSAMCorsDefaults follows samtranslator: a Cors object without
// AllowOrigin allows '*' (CorsProperties defaults); HttpApi
// CorsConfiguration: true sets AllowOrigins ["*"] only and merges over
// the definition's x-amazon-apigateway-cors; an AWS::ApiGateway::RestApi
// Body with x-amazon-apigateway-cors keeps it apart (REST ignores it).
func TestSAMCorsDefaults(t *testing.T) {
	t.Parallel()
	src := `Transform: AWS::Serverless-2016-10-31
Resources:
  Rest:
    Type: AWS::Serverless::Api
    Properties:
      StageName: prod
      Cors: {AllowHeaders: "'content-type'"}
  Http:
    Type: AWS::Serverless::HttpApi
    Properties:
      CorsConfiguration: true
      DefinitionBody:
        openapi: 3.0.1
        x-amazon-apigateway-cors: {allowHeaders: [authorization], allowOrigins: [https://old.example.com]}
        paths: {}
  Legacy:
    Type: AWS::ApiGateway::RestApi
    Properties:
      Body:
        openapi: 3.0.1
        x-amazon-apigateway-cors: {allowOrigins: ["*"]}
        paths:
          /a: {post: {x-amazon-apigateway-integration: {type: aws_proxy, httpMethod: POST, uri: x}}}
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      Handler: a.h
      Runtime: python3.12
      InlineCode: "def h(e, c): pass"
      Events:
        Get: {Type: Api, Properties: {RestApiId: !Ref Rest, Path: /a, Method: post}}
`
	root, err := tree.Parse("t.yaml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	apis := map[string]*apimodel.API{}
	for _, a := range Parse("t.yaml", root, Options{}) {
		apis[a.ID] = a
	}
	opt := apis["Rest"].Resource("/a").Method("OPTIONS")
	if opt == nil {
		t.Fatal("Cors without AllowOrigin generates no OPTIONS")
	}
	if v, _ := opt.Integration.Responses[0].Header("Access-Control-Allow-Origin"); v.S != "'*'" {
		t.Errorf("default AllowOrigin = %v, want '*'", v)
	}
	c := apis["Http"].Cors
	if c == nil || len(c.AllowOrigins) != 1 || c.AllowOrigins[0].S != "*" || len(c.AllowHeaders) != 1 || c.AllowHeaders[0].S != "authorization" || len(c.AllowMethods) != 0 {
		t.Errorf("merged HttpApi cors = %+v", c)
	}
	if l := apis["Legacy"]; l.Cors != nil || l.IgnoredCors == nil {
		t.Errorf("REST body: cors %+v ignored %+v", l.Cors, l.IgnoredCors)
	}
}
