package sls

import (
	"io/fs"
	"os"
	"strings"
	"testing"

	"github.com/corsdoctor/corsdoctor/apimodel"
	"github.com/corsdoctor/corsdoctor/collect/iac/tree"
)

func TestParse(t *testing.T) {
	t.Parallel()
	name := "testdata/serverless.yml"
	b, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	root, err := tree.Parse(name, b)
	if err != nil {
		t.Fatal(err)
	}
	if !Detect(root) {
		t.Fatal("not detected")
	}
	read := func(p string) ([]byte, error) {
		if p == "testdata/src/items.js" {
			return []byte("module.exports.handler = async () => ({ statusCode: 204 })"), nil
		}
		return nil, fs.ErrNotExist
	}
	apis := Parse(name, root, read, nil)
	if len(apis) != 2 {
		t.Fatalf("want REST and HTTP API, got %d", len(apis))
	}
	rest, httpAPI := apis[0], apis[1]
	res := rest.Resource("/items/{id}")
	if res == nil {
		t.Fatalf("resources: %+v", rest.Resources)
	}
	del, opt := res.Method("DELETE"), res.Method("OPTIONS")
	if del.AuthorizationType.S != "AWS_IAM" || del.APIKeyRequired != apimodel.TriYes {
		t.Errorf("DELETE auth %+v key %v", del.AuthorizationType, del.APIKeyRequired)
	}
	if opt == nil || opt.Generated != "serverless-cors" || opt.Authorized() != apimodel.TriNo || opt.APIKeyRequired != apimodel.TriNo {
		t.Fatalf("generated OPTIONS: %+v", opt)
	}
	ir := opt.Integration.Responses[0]
	if v, _ := ir.Header("Access-Control-Allow-Origin"); v.S != "'https://app.example.com'" {
		t.Errorf("ACAO %+v", v)
	}
	if v, _ := ir.Header("Access-Control-Allow-Methods"); v.S != "'DELETE,GET,OPTIONS'" {
		t.Errorf("ACAM %+v", v)
	}
	if v, _ := ir.Header("Access-Control-Allow-Credentials"); v.S != "'true'" {
		t.Errorf("ACAC %+v", v)
	}
	if fn := del.Integration.Function; fn == nil || fn.CodePath != "testdata/src/items.js" || fn.SetsAllowOrigin != apimodel.TriNo {
		t.Errorf("handler: %+v", fn)
	}
	if rest.GatewayResponses["DEFAULT_4XX"] == nil || len(rest.BinaryMediaTypes) != 1 {
		t.Errorf("gateway responses / binary types: %+v %+v", rest.GatewayResponses, rest.BinaryMediaTypes)
	}
	c := httpAPI.Cors
	if c == nil || len(c.AllowOrigins) != 2 || !c.AllowOrigins[1].Unknown || c.AllowCredentials != apimodel.TriYes {
		t.Errorf("httpApi cors: %+v", c)
	}
	if r := httpAPI.Routes[0]; r.Key != "POST /v2/items" || r.AuthorizationType.S != "JWT" {
		t.Errorf("route %+v", r)
	}
}

func FuzzParse(f *testing.F) {
	b, _ := os.ReadFile("testdata/serverless.yml")
	f.Add(b)
	f.Add([]byte("service: s\nprovider: {name: aws}\nfunctions: {f: {handler: h.h, events: [{http: 'GET /'}, {httpApi: '*'}]}}\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		root, err := tree.Parse("serverless.yml", data)
		if err != nil {
			return
		}
		if Detect(root) {
			Parse("serverless.yml", root, nil, nil)
		}
	})
}

// TestFunctionURLAndPlugins: functions.*.url becomes a function URL with
// Serverless's cors defaults; plugin-generated APIs are named, not
// silently dropped.
func TestFunctionURLAndPlugins(t *testing.T) {
	t.Parallel()
	src := `service: s
provider: {name: aws, runtime: nodejs20.x}
custom:
  apiGatewayServiceProxies:
    - sqs: {path: /queue, method: post, queueName: q, cors: true}
functions:
  open: {handler: h.h, url: {cors: true}}
  signed: {handler: h.h, url: {authorizer: aws_iam, cors: {allowedOrigins: [https://app.example.com], allowedHeaders: [content-type]}}}
  bare: {handler: h.h, url: true}
`
	root, err := tree.Parse("serverless.yml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	var notes tree.Notes
	apis := Parse("serverless.yml", root, nil, &notes)
	got := map[string]*apimodel.API{}
	for _, a := range apis {
		got[a.ID] = a
	}
	open, signed, bare := got["openUrl"], got["signedUrl"], got["bareUrl"]
	if open == nil || signed == nil || bare == nil {
		t.Fatalf("function URLs: %v", apis)
	}
	if open.Cors == nil || len(open.Cors.AllowHeaders) != 6 || open.Cors.AllowOrigins[0].S != "*" || open.AuthType.S != "NONE" {
		t.Errorf("cors: true defaults: %+v", open.Cors)
	}
	if signed.AuthType.S != "AWS_IAM" || len(signed.Cors.AllowHeaders) != 1 || signed.Cors.AllowMethods[0].S != "*" {
		t.Errorf("aws_iam URL: auth %v cors %+v", signed.AuthType, signed.Cors)
	}
	if bare.Cors != nil {
		t.Errorf("url: true has no CORS configuration: %+v", bare.Cors)
	}
	if len(notes.List) != 1 || !strings.Contains(notes.List[0].What, "sqs POST /queue") {
		t.Errorf("plugin not named: %+v", notes.List)
	}
}
