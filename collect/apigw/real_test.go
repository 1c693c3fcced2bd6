package apigw

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cttypes "github.com/aws/aws-sdk-go-v2/service/cloudtrail/types"

	"github.com/corsdoctor/corsdoctor/apimodel"
	"github.com/corsdoctor/corsdoctor/evidence"
	"github.com/corsdoctor/corsdoctor/internal/fakeaws"
)

// Every real AWS sample (internal/fakeaws/testdata/real, see its README)
// read by the collector code that reads such data.

func realText(t testing.TB, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "internal", "fakeaws", "testdata", "real", name))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func realJSON(t testing.TB, name string) any {
	t.Helper()
	v, err := fakeaws.SampleJSON(realText(t, name))
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return v
}

func realMap(t testing.TB, name string) map[string]any {
	t.Helper()
	return toMap(t, realJSON(t, name))
}

func toMap(t testing.TB, v any) map[string]any {
	t.Helper()
	m, ok := v.(map[string]any)
	if !ok {
		t.Fatalf("%T is not an object", v)
	}
	return m
}

// rawJSON re-encodes a sample fragment.
func rawJSON(t testing.TB, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestRealExports reads the three real export shapes.
func TestRealExports(t *testing.T) {
	t.Parallel()
	pet, issues, err := exportModel([]byte(realText(t, "export/apigateway2openapi-PetStore-staging-oas30-apigateway.trimmed.json")), "eq3vgsjkve", evidence.Source{URL: "x"})
	if err != nil || len(issues) != 0 {
		t.Fatalf("PetStore export: %v %v", err, issues)
	}
	opt := pet.Resource("/pets").Method("OPTIONS")
	if opt == nil || opt.Integration.Type != apimodel.Mock || len(pet.GatewayResponses) != 0 {
		t.Fatalf("PetStore: OPTIONS %+v, gateway responses %v", opt, pet.GatewayResponses)
	}
	if v, ok := opt.Integration.Responses[0].Header("Access-Control-Allow-Origin"); !ok || v.S != "'*'" {
		t.Errorf("PetStore OPTIONS ACAO = %+v", v)
	}
	if d := Drift(pet, pet, true); len(d) != 0 {
		t.Errorf("self drift: %+v", d)
	}
	// Gateway responses with statusCode as a JSON number (a real export)
	// and as a string (the documented import form).
	for _, tc := range []struct {
		file, typ, status string
	}{
		{"export/dynabench-oas30-gateway-responses-excerpt.json", "AUTHORIZER_FAILURE", "401"},
		{"export/dynabench-oas30-gateway-responses-excerpt.json", "DEFAULT_4XX", ""},
		{"export/awsdocs-x-amazon-apigateway-gateway-responses-example.txt", "INVALID_API_KEY", "429"},
	} {
		api, issues, err := exportModel(rawJSON(t, realJSON(t, tc.file)), "x", evidence.Source{})
		if err != nil || len(issues) != 0 {
			t.Fatalf("%s: %v %v", tc.file, err, issues)
		}
		g := api.GatewayResponses[tc.typ]
		if g == nil || g.StatusCode != tc.status {
			t.Errorf("%s %s = %+v, want status %q", tc.file, tc.typ, g, tc.status)
		}
	}
	// A field of an unexpected type is partial evidence with its raw
	// value; the rest of the export is read.
	bad := `{"paths":{"/a":{"options":{"x-amazon-apigateway-integration":{"type":"mock","responses":{"default":{"statusCode":["200"],"responseParameters":{"method.response.header.Access-Control-Allow-Origin":"'*'"}}}}}}},` +
		`"x-amazon-apigateway-gateway-responses":{"DEFAULT_4XX":{"statusCode":{"x":1},"responseParameters":{"gatewayresponse.header.Access-Control-Allow-Origin":"'*'"},"responseTemplates":{"application/json":null}},"UNAUTHORIZED":"oops"}}`
	api, issues, err := exportModel([]byte(bad), "x", evidence.Source{})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, is := range issues {
		got = append(got, is.String())
	}
	want := []string{
		`paths./a.options.x-amazon-apigateway-integration.responses.default.statusCode: want a string or number, got ["200"]`,
		`x-amazon-apigateway-gateway-responses.DEFAULT_4XX.statusCode: want a string or number, got {"x":1}`,
		`x-amazon-apigateway-gateway-responses.UNAUTHORIZED: want an object, got "oops"`,
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("issues:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if _, ok := api.GatewayResponses["DEFAULT_4XX"].Header("Access-Control-Allow-Origin"); !ok || api.Resource("/a").Method("OPTIONS") == nil {
		t.Error("the readable rest of the export was dropped")
	}
}

// TestRealCloudTrail reads the CloudTrail samples as the collector
// receives them (LookupEvents items).
func TestRealCloudTrail(t *testing.T) {
	t.Parallel()
	item := func(m map[string]any) cttypes.Event {
		e := cttypes.Event{EventName: aws.String(str(m["EventName"])), EventId: aws.String(str(m["EventId"])), Username: aws.String(str(m["Username"])),
			CloudTrailEvent: aws.String(str(m["CloudTrailEvent"])), ReadOnly: aws.String(str(m["ReadOnly"]))}
		if ts, err := time.Parse(time.RFC3339, str(m["EventTime"])); err == nil {
			e.EventTime = &ts
		}
		rs, _ := m["Resources"].([]any)
		for _, r := range rs {
			rm := r.(map[string]any)
			e.Resources = append(e.Resources, cttypes.Resource{ResourceType: aws.String(str(rm["ResourceType"])), ResourceName: aws.String(str(rm["ResourceName"]))})
		}
		return e
	}
	runFor := func(api string) *run {
		return &run{opt: Options{APIID: api}, pb: &evidence.Playbook{}, config: configState{resourcePath: map[string]string{}}}
	}
	// The documented GetResource record: a read, dropped.
	rec := realMap(t, "cloudtrail/awsdocs-apigateway-getresource-record.txt")["Records"].([]any)[0]
	b := rawJSON(t, rec)
	if _, ok, bad := runFor("3rbEXAMPLE").change(cttypes.Event{EventName: aws.String("GetResource"), CloudTrailEvent: aws.String(string(b))}); ok || bad != nil {
		t.Errorf("a read (readOnly true, template false) was kept: ok=%v bad=%v", ok, bad)
	}
	// The CLI's LookupEvents example: another service, dropped.
	cli := toMap(t, realJSON(t, "cloudtrail/awscli-lookup-events-output.rst"))["Events"].([]any)[0].(map[string]any)
	if _, ok, bad := runFor("3rbEXAMPLE").change(item(cli)); ok || bad != nil {
		t.Errorf("ConsoleLogin kept: ok=%v bad=%v", ok, bad)
	}
	// REST CreateDeployment (body under createDeploymentInput) and HTTP
	// API CreateStage (flat, apiId) under the same event source.
	evs := toMap(t, realJSON(t, "cloudtrail/reconstructed-lookup-events-apigateway.json"))["Events"].([]any)
	c, ok, bad := runFor("k3x9v2w7qa").change(item(evs[0].(map[string]any)))
	if !ok || bad != nil || c.Detail != "stage test, deployment abc123" || !c.Deploy || c.User != "jane.doe@example.com" || c.Time.Format(time.RFC3339) != "2024-04-17T10:40:57Z" {
		t.Errorf("REST CreateDeployment = %+v ok=%v bad=%v", c, ok, bad)
	}
	c, ok, bad = runFor("h4m8n2p6r0").change(item(evs[1].(map[string]any)))
	if !ok || bad != nil || c.Detail != "stage prod" || !c.CORS {
		t.Errorf("HTTP CreateStage = %+v ok=%v bad=%v", c, ok, bad)
	}
	if _, ok, _ := runFor("zz").change(item(evs[0].(map[string]any))); ok {
		t.Error("another API's event kept")
	}
	// An unreadable record naming this API (or no API) is partial
	// evidence with its raw value; one naming another API is not ours.
	broken := item(evs[0].(map[string]any))
	broken.CloudTrailEvent = aws.String(`{"eventName":"CreateDeployment","requestParameters":{"restApiId":`)
	if _, ok, bad := runFor("k3x9v2w7qa").change(broken); ok || bad == nil || !strings.Contains(bad.raw, `"restApiId":`) {
		t.Errorf("unreadable record: ok=%v bad=%+v", ok, bad)
	}
	broken.Resources = nil
	if _, _, bad := runFor("k3x9v2w7qa").change(broken); bad == nil {
		t.Error("an unreadable record naming no API was dropped silently")
	}
	broken.Resources = []cttypes.Resource{{ResourceType: aws.String("AWS::ApiGateway::RestApi"), ResourceName: aws.String("other")}}
	if _, _, bad := runFor("k3x9v2w7qa").change(broken); bad != nil {
		t.Error("an unreadable record of another API reported")
	}
	// Dates of responseElements in both forms.
	for _, s := range []string{"Apr 17, 2024 10:40:57 AM", "2024-04-17T10:40:57Z"} {
		if ts, ok := parseTrailTime(s); !ok || ts.Format(time.RFC3339) != "2024-04-17T10:40:57Z" {
			t.Errorf("parseTrailTime(%q) = %v %v", s, ts, ok)
		}
	}
}

func str(v any) string { s, _ := v.(string); return s }

// TestRealExecutionLogs runs the execution-log queries over the real
// lines: the test-invoke log (no Origin, a response without ACAO) and a
// CloudWatch preflight (lower-case origin=, "(<request id>) " prefix).
func TestRealExecutionLogs(t *testing.T) {
	t.Parallel()
	t0 := time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC)
	events := func(name string) []fakeaws.LogEvent {
		var out []fakeaws.LogEvent
		for _, l := range strings.Split(strings.TrimSpace(realText(t, name)), "\n") {
			l = strings.TrimSpace(l)
			if len(out) > 0 && !strings.HasPrefix(l, "(") && !strings.Contains(l, " : ") {
				out[len(out)-1].Message += "\n" + l // a continuation ("{}" after "Method request path:")
				continue
			}
			out = append(out, fakeaws.LogEvent{T: t0, Message: l})
		}
		return out
	}
	rows := func(ev []fakeaws.LogEvent, purpose string) []map[string]string {
		res, err := fakeaws.EvalInsights(execQueries[purpose], ev, t0, t0.Add(time.Minute))
		if err != nil {
			t.Fatal(err)
		}
		var out []map[string]string
		for _, r := range res {
			m := map[string]string{}
			for _, f := range r {
				m[f["field"]] = f["value"]
			}
			out = append(out, m)
		}
		return out
	}
	ti := events("execution-logs/awsdocs-test-invoke-log-lambda-non-proxy.txt")
	if r := rows(ti, "exec-missing-acao"); len(r) != 1 || r[0]["responses_without_acao"] != "1" {
		t.Errorf("test-invoke log: %v", r)
	}
	if r := rows(ti, "exec-origins"); len(r) != 0 {
		t.Errorf("test-invoke log origins: %v", r)
	}
	cw := events("execution-logs/reconstructed-cloudwatch-preflight.txt")
	if r := rows(cw, "exec-origins"); len(r) != 1 || r[0]["origin"] != "http://web-bucket.s3-website.eu-central-1.amazonaws.com" || r[0]["origin_requests"] != "2" {
		t.Errorf("CloudWatch preflight origins: %v", r)
	}
}

// TestRealHealth decodes DescribeEvents events (epoch seconds with
// fractions) and the empty-message SubscriptionRequiredException.
func TestRealHealth(t *testing.T) {
	t.Parallel()
	evs, err := fakeaws.CompleteObjects(realText(t, "health/awscli-health-describe-events.rst"), "events")
	if err != nil || len(evs) != 2 {
		t.Fatalf("%d events: %v", len(evs), err)
	}
	var he []healthEvent
	if err := json.Unmarshal(rawJSON(t, evs), &he); err != nil {
		t.Fatal(err)
	}
	if he[0].StartTime != 1589077890.53 || he[0].StatusCode != "closed" || he[1].EventTypeCategory != "accountNotification" {
		t.Errorf("events = %+v", he)
	}
	r, _, err := runScenario(t, scenario{fixture: "rest-drift", opt: Options{APIID: "a1b2c3d4e5"}})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(strings.Join(r.Playbook.Steps[0].Evidence, "\n"), "AWS Health: not available to this account") || r.Playbook.GapFor(evidence.GapHealth) != nil {
		t.Errorf("step 1: %v gaps %v", r.Playbook.Steps[0].Evidence, r.Playbook.Gaps)
	}
}

// TestRealControlPlane serves the get-* samples from the fake (in the
// wire's shape: apigatewayv2 members camelCase) and runs the playbook on
// them: the SDK and the collector read the real shapes, null map values
// included.
func TestRealControlPlane(t *testing.T) {
	t.Parallel()
	res := toMap(t, realMap(t, "get-resources/awscli-apigateway-get-resources.rst")["items"].([]any)[0])
	method := realMap(t, "get-resources/awscli-apigateway-get-method.rst")
	ir := realMap(t, "get-resources/awscli-apigateway-get-integration-response.rst")
	post := map[string]any{"httpMethod": "POST", "authorizationType": "NONE", "apiKeyRequired": false,
		"methodIntegration": map[string]any{"type": "AWS", "integrationResponses": map[string]any{"200": ir}}}
	res["resourceMethods"] = map[string]any{"GET": method, "POST": post}
	stage := realMap(t, "get-resources/awscli-apigateway-get-stage.rst")
	api := fakeaws.Camel(realJSON(t, "get-resources/awscli-apigatewayv2-update-api.rst")).(map[string]any)
	v2stage := fakeaws.Camel(realJSON(t, "get-resources/awscli-apigatewayv2-get-stage.rst")).(map[string]any)
	now := time.Date(2026, 11, 20, 10, 0, 0, 0, time.UTC)
	st := &fakeaws.State{Region: "us-east-1", Account: "123456789012", Now: now,
		RestAPIs: []fakeaws.RestAPI{{API: map[string]any{"id": "1234123412", "name": "sample"}, Resources: []map[string]any{{"id": "ai5b02", "path": "/resource"}, res},
			Stages: []map[string]any{stage}, Deployments: []map[string]any{{"id": "rbh1fj", "createdDate": 1466802961}},
			Exports: map[string]any{"dev": realJSON(t, "export/apigateway2openapi-PetStore-staging-oas30-apigateway.trimmed.json")}}},
		HTTPAPIs: []fakeaws.HTTPAPI{{API: api, Stages: []map[string]any{v2stage}}},
	}
	for _, id := range []string{"1234123412", "a1b2c3d4"} {
		fake := fakeaws.New(st)
		srv := fake.Start()
		defer srv.Close()
		r, err := Diagnose(context.Background(), NewClients(testConfig(srv.URL, "us-east-1", "AKIAIOSFODNN7EXAMPLE"), fastBackoff{}),
			Options{APIID: id, Now: func() time.Time { return now }, PollInterval: time.Millisecond})
		if err != nil {
			t.Fatalf("%s: %v", id, err)
		}
		pb := r.Playbook
		switch id {
		case "1234123412":
			get := r.API.Resource("/resource/subresource").Method("GET")
			if pb.Kind != "REST" || pb.Stage != "dev" || get == nil || get.Integration.Type != apimodel.AWS || len(get.Integration.Responses) != 1 || get.Integration.Responses[0].StatusCode != "200" {
				t.Errorf("REST model: kind %s stage %s GET %+v", pb.Kind, pb.Stage, get)
			}
			if p := r.API.Resource("/resource/subresource").Method("POST"); p == nil || p.Integration.Responses[0].StatusCode != "200" {
				t.Errorf("POST (GetIntegrationResponse sample) = %+v", p)
			}
			if g := pb.GapFor(evidence.GapExecLogGroup); g == nil || g.What != "execution log group API-Gateway-Execution-Logs_1234123412/dev" || g.Cause != "not-configured" {
				t.Errorf("execution logging INFO (from methodSettings */*) not recognised: %+v", pb.Gaps)
			}
			if r.Deployed == nil || r.Deployed.Resource("/pets").Method("OPTIONS") == nil {
				t.Error("export not read")
			}
		case "a1b2c3d4":
			c := r.API.Cors
			if pb.Kind != "HTTP" || pb.Stage != "prod" || c == nil || len(c.AllowOrigins) != 1 || c.AllowOrigins[0].S != "https://www.example.com" || len(c.AllowMethods) != 2 || c.AllowCredentials != apimodel.TriNo {
				t.Errorf("HTTP API: kind %s stage %s cors %+v", pb.Kind, pb.Stage, c)
			}
		}
		for _, g := range pb.Gaps {
			if g.Cause == "unreadable" {
				t.Errorf("%s: unreadable: %+v", id, g)
			}
		}
	}
}
