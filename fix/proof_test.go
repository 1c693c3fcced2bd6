package fix_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/corsdoctor/corsdoctor/apimodel"
	"github.com/corsdoctor/corsdoctor/collect/iac"
	"github.com/corsdoctor/corsdoctor/fix"
	"github.com/corsdoctor/corsdoctor/fix/fixer"
)

// restTemplate is a REST API with PUT /items and an OPTIONS method whose
// MOCK integration maps origin as Access-Control-Allow-Origin ("" maps
// none).
func restTemplate(origin string) string {
	allow := ""
	if origin != "" {
		allow = "\n              method.response.header.Access-Control-Allow-Origin: \"'" + origin + "'\""
	}
	return `Resources:
  Api:
    Type: AWS::ApiGateway::RestApi
  Items:
    Type: AWS::ApiGateway::Resource
    Properties: {RestApiId: !Ref Api, ParentId: !GetAtt Api.RootResourceId, PathPart: items}
  ItemsPut:
    Type: AWS::ApiGateway::Method
    Properties:
      RestApiId: !Ref Api
      ResourceId: !Ref Items
      HttpMethod: PUT
      AuthorizationType: NONE
      Integration:
        Type: AWS
        IntegrationResponses:
          - StatusCode: "200"
            ResponseParameters: {method.response.header.Access-Control-Allow-Origin: "'https://app.example.com'"}
      MethodResponses:
        - StatusCode: "200"
          ResponseParameters: {method.response.header.Access-Control-Allow-Origin: true}
  ItemsOptions:
    Type: AWS::ApiGateway::Method
    Properties:
      RestApiId: !Ref Api
      ResourceId: !Ref Items
      HttpMethod: OPTIONS
      AuthorizationType: NONE
      Integration:
        Type: MOCK
        RequestTemplates: {application/json: '{"statusCode": 200}'}
        IntegrationResponses:
          - StatusCode: "200"
            ResponseParameters:` + allow + `
              method.response.header.Access-Control-Allow-Methods: "'OPTIONS,PUT'"
              method.response.header.Access-Control-Allow-Headers: "'Content-Type'"
      MethodResponses:
        - StatusCode: "200"
          ResponseParameters:
            method.response.header.Access-Control-Allow-Origin: true
            method.response.header.Access-Control-Allow-Methods: true
            method.response.header.Access-Control-Allow-Headers: true
`
}

// modelOf loads one template, written at p, into API models.
func modelOf(t *testing.T, p, src string) []*apimodel.API {
	t.Helper()
	if err := os.WriteFile(p, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	res := iac.Load([]string{p}, iac.Options{Workers: 1})
	if len(res.Errors) > 0 || len(res.APIs) != 1 {
		t.Fatalf("template does not load: %v (%d APIs)", res.Errors, len(res.APIs))
	}
	return res.APIs
}

// TestProofRefuses checks the proof's two refusals, which every fix goes
// through: a change that makes a route worse (the request now stops at an
// earlier check), and a change that leaves its target blocked at the same
// check (another error, no further); and that a target getting through is
// proof by verdict.
func TestProofRefuses(t *testing.T) {
	t.Parallel()
	const app = "https://app.example.com"
	// The same file, before and after.
	p := filepath.Join(t.TempDir(), "template.yaml")
	good := modelOf(t, p, restTemplate(app))
	other := modelOf(t, p, restTemplate("https://other.example.com"))
	none := modelOf(t, p, restTemplate(""))
	target := []fixer.Target{{API: "Api", Method: "PUT", Path: "/items"}}
	for _, c := range []struct {
		name          string
		before, after []*apimodel.API
		targets       []fixer.Target
		verdict       bool
		reason        string
	}{
		{"a route gets worse", good, other, nil, false, "it would make another route worse: PUT /items from https://app.example.com with content-type: ALLOWED -> BLOCKED (PreflightAllowOriginMismatch)"},
		{"worse even when it is the target", good, none, target, false, "it would make another route worse"},
		{"the target is blocked at the same check", other, none, target, false, "it does not get PUT /items from https://app.example.com with content-type past BLOCKED (PreflightAllowOriginMismatch) (after the fix: BLOCKED (PreflightMissingAllowOriginHeader))"},
		{"the target gets through", other, good, target, true, ""},
		{"no target, nothing worse", other, good, nil, false, ""},
	} {
		p := fix.Prove(c.before, c.after, []string{app}, nil, c.targets)
		if p.Verdict != c.verdict || c.reason == "" && p.Reason != "" || c.reason != "" && !strings.HasPrefix(p.Reason, c.reason) {
			t.Errorf("%s: verdict %v, reason %q; want %v, %q", c.name, p.Verdict, p.Reason, c.verdict, c.reason)
		}
		if len(p.Rows) != 1 {
			t.Errorf("%s: %d rows, want one (PUT /items from %s)", c.name, len(p.Rows), app)
		}
	}
}
