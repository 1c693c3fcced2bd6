package fakeaws

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
)

// do sends one signed-looking restJson1 request and decodes the answer.
func do(t *testing.T, url, method, path, body string) (int, map[string]any) {
	t.Helper()
	req, _ := http.NewRequest(method, url+path, strings.NewReader(body))
	req.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20261202/us-east-1/apigateway/aws4_request")
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	var out map[string]any
	_ = json.Unmarshal(b, &out)
	return resp.StatusCode, out
}

func TestWriteCalls(t *testing.T) {
	t.Parallel()
	st, err := LoadFile("testdata/rest-fix.json")
	if err != nil {
		t.Fatal(err)
	}
	f := New(st)
	srv := f.Start()
	defer srv.Close()
	base := "/restapis/f1x2c3d4e5/resources/items00001/methods/OPTIONS"
	steps := []struct {
		method, path, body string
		status             int
	}{
		{"PUT", base, `{"authorizationType":"NONE"}`, 200},
		{"PUT", base, `{"authorizationType":"NONE"}`, 409}, // exists
		{"PUT", base + "/integration/responses/200", `{"responseParameters":{"method.response.header.Access-Control-Allow-Origin":"'*'"}}`, 404}, // no integration yet
		{"PUT", base + "/integration", `{"type":"MOCK","requestTemplates":{"application/json":"{\"statusCode\": 200}"}}`, 200},
		{"PUT", base + "/integration/responses/200", `{"responseParameters":{"method.response.header.Access-Control-Allow-Origin":"'*'"}}`, 400}, // no method response
		{"PUT", base + "/responses/200", `{"responseParameters":{"method.response.header.Access-Control-Allow-Origin":false}}`, 200},
		{"PUT", base + "/integration/responses/200", `{"responseParameters":{"method.response.header.Access-Control-Allow-Headers":"'x'"}}`, 400}, // undeclared
		{"PUT", base + "/integration/responses/200", `{"responseParameters":{"method.response.header.Access-Control-Allow-Origin":"'*'"}}`, 200},
		{"PATCH", base + "/integration/responses/200", `{"patchOperations":[{"op":"replace","path":"/responseParameters/method.response.header.Access-Control-Allow-Origin","value":"'https://app.example.com'"}]}`, 200},
		{"PATCH", "/restapis/f1x2c3d4e5/resources/itemid0001/methods/OPTIONS", `{"patchOperations":[{"op":"replace","path":"/authorizationType","value":"NONE"}]}`, 200},
		{"PUT", "/restapis/f1x2c3d4e5/gatewayresponses/DEFAULT_4XX", `{"responseParameters":{"gatewayresponse.header.Access-Control-Allow-Origin":"'https://app.example.com'"}}`, 200},
		{"PUT", "/restapis/f1x2c3d4e5/gatewayresponses/NOT_A_TYPE", `{}`, 400},
		{"POST", "/restapis/f1x2c3d4e5/deployments", `{"stageName":"prod","description":"fix"}`, 200},
	}
	for i, s := range steps {
		if code, body := do(t, srv.URL, s.method, s.path, s.body); code != s.status {
			t.Fatalf("step %d %s %s: %d %v, want %d", i, s.method, s.path, code, body, s.status)
		}
	}
	// The deployed export carries the new OPTIONS method and mapping.
	doc, ok := f.DeployedExport("f1x2c3d4e5", "prod")
	if !ok {
		t.Fatal("no export after CreateDeployment")
	}
	b, _ := json.Marshal(doc)
	for _, want := range []string{`"options"`, `'https://app.example.com'`, `"x-amazon-apigateway-gateway-responses"`} {
		if !strings.Contains(string(b), want) {
			t.Errorf("export lacks %s: %s", want, b)
		}
	}
	// UpdateMethod to NONE dropped the authorizer.
	_, res := do(t, srv.URL, "GET", "/restapis/f1x2c3d4e5/resources?embed=methods", "")
	if strings.Contains(mustJSON(res), `"OPTIONS":{"apiKeyRequired":false,"authorizationType":"NONE","authorizerId"`) {
		t.Error("authorizerId kept on a method without authorization")
	}
	// GetStage serves the new deployment; UpdateStage rolls it back and
	// the export follows.
	_, stg := do(t, srv.URL, "GET", "/restapis/f1x2c3d4e5/stages/prod", "")
	if stg["deploymentId"] == "dep0000001" {
		t.Fatalf("stage not moved to the new deployment: %v", stg)
	}
	if code, _ := do(t, srv.URL, "PATCH", "/restapis/f1x2c3d4e5/stages/prod", `{"patchOperations":[{"op":"replace","path":"/deploymentId","value":"dep0000001"}]}`); code != 200 {
		t.Fatalf("UpdateStage: %d", code)
	}
	if _, stg = do(t, srv.URL, "GET", "/restapis/f1x2c3d4e5/stages/prod", ""); stg["deploymentId"] != "dep0000001" {
		t.Errorf("rollback did not restore the deployment: %v", stg)
	}
	if got := f.CallSummary(); !strings.Contains(got, "apigateway:PutMethod=2") || !strings.Contains(got, "apigateway:CreateDeployment=1") {
		t.Errorf("calls: %s", got)
	}
}

func mustJSON(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}
