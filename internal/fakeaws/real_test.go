package fakeaws

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"
)

// Real AWS samples (testdata/real, see its README) against the fake: the
// fake serves each sample unchanged (round trip), and what it serves from
// the scenario fixtures has the samples' shape (no field AWS does not
// send, the same JSON types), apart from the members listed in extras,
// each documented in the API reference.

// realFile reads a sample.
func realFile(t testing.TB, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "real", name))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func sampleJSON(t testing.TB, name string) any {
	t.Helper()
	v, err := SampleJSON(realFile(t, name))
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return v
}

func completeObjects(t testing.TB, name, key string) []any {
	t.Helper()
	out, err := CompleteObjects(realFile(t, name), key)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return out
}

// shape maps each path of a JSON value to its type. Keys of data maps
// (resourceMethods, responseParameters, ...) become "*"; array elements
// share "[]".
type shape map[string]string

// restData are members whose keys are data, in API Gateway answers and
// exports.
var restData = map[string]bool{
	"resourceMethods": true, "methodResponses": true, "integrationResponses": true, "responseParameters": true,
	"responseTemplates": true, "requestTemplates": true, "responseModels": true, "requestModels": true, "requestParameters": true,
	"methodSettings": true, "tags": true, "stageVariables": true, "routeSettings": true, "paths": true, "responses": true,
	"headers": true, "content": true, "x-amazon-apigateway-gateway-responses": true, "variables": true,
}

func shapeOf(v any, data map[string]bool) shape {
	out := shape{}
	var walk func(v any, path, key string, verbs bool)
	walk = func(v any, path, key string, verbs bool) {
		switch x := v.(type) {
		case map[string]any:
			out[path] = "object"
			for k, e := range x {
				nk := k
				if data[key] || verbs {
					nk = "*"
				}
				walk(e, path+"."+nk, k, key == "paths")
			}
		case []any:
			out[path] = "array"
			for _, e := range x {
				walk(e, path+"[]", key, false)
			}
		case string:
			out[path] = "string"
		case json.Number, float64:
			out[path] = "number"
		case bool:
			out[path] = "bool"
		case nil:
			out[path] = "null"
		}
	}
	walk(v, "", "", false)
	return out
}

// merge adds b's paths to a.
func (a shape) merge(b shape) shape {
	for k, v := range b {
		if _, ok := a[k]; !ok || a[k] == "null" {
			a[k] = v
		}
	}
	return a
}

// conform reports fake paths the real shape lacks (unless listed in
// extras) and paths whose JSON types differ (null is compatible with any
// type: absent values).
func conform(real, fake shape, extras map[string]string) []string {
	var bad []string
	for _, p := range sortedKeys(fake) {
		rt, ok := real[p]
		_, extra := extras[p]
		switch {
		case !ok && !extra:
			bad = append(bad, fmt.Sprintf("%s (%s) is not in the real shape", p, fake[p]))
		case ok && rt != fake[p] && rt != "null" && fake[p] != "null":
			bad = append(bad, fmt.Sprintf("%s is %s, real %s", p, fake[p], rt))
		}
	}
	return bad
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// fakeCall sends a signed-looking request to the fake and decodes the answer.
func fakeCall(t testing.TB, s *Server, method, path, target string, body any) (int, any) {
	t.Helper()
	var rd io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	}
	req, _ := http.NewRequest(method, "http://fake"+path, rd)
	req.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20261120/us-east-1/apigateway/aws4_request, SignedHeaders=host, Signature=0")
	if target != "" {
		req.Header.Set("X-Amz-Target", target)
		req.Header.Set("Content-Type", "application/x-amz-json-1.1")
	}
	w := &recorder{h: http.Header{}}
	s.ServeHTTP(w, req)
	dec := json.NewDecoder(&w.body)
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		t.Fatalf("%s %s: %d %v", method, path, w.code, err)
	}
	return w.code, v
}

type recorder struct {
	h    http.Header
	code int
	body bytes.Buffer
}

func (r *recorder) Header() http.Header         { return r.h }
func (r *recorder) Write(b []byte) (int, error) { return r.body.Write(b) }
func (r *recorder) WriteHeader(c int)           { r.code = c }

func get(v any, path ...any) any {
	for _, p := range path {
		switch k := p.(type) {
		case string:
			m, _ := v.(map[string]any)
			v = m[k]
		case int:
			a, _ := v.([]any)
			if k >= len(a) {
				return nil
			}
			v = a[k]
		}
	}
	return v
}

func asMap(v any) map[string]any { m, _ := v.(map[string]any); return m }

// realSamples are the samples' answers in the wire's shape.
type realSamples struct {
	resource, method, integrationResponse, restStage, v2API, v2Stage, export, gatewayResponses shape
	lookupItem, trailRecord, health                                                            shape
}

func loadRealSamples(t testing.TB) realSamples {
	var r realSamples
	r.resource = shapeOf(get(sampleJSON(t, "get-resources/awscli-apigateway-get-resources.rst"), "items", 0), restData)
	r.method = shapeOf(sampleJSON(t, "get-resources/awscli-apigateway-get-method.rst"), restData)
	r.integrationResponse = shapeOf(sampleJSON(t, "get-resources/awscli-apigateway-get-integration-response.rst"), restData)
	r.restStage = shapeOf(sampleJSON(t, "get-resources/awscli-apigateway-get-stage.rst"), restData)
	r.v2API = shapeOf(Camel(sampleJSON(t, "get-resources/awscli-apigatewayv2-get-api.rst")), restData).
		merge(shapeOf(Camel(sampleJSON(t, "get-resources/awscli-apigatewayv2-update-api.rst")), restData))
	r.v2Stage = shapeOf(Camel(sampleJSON(t, "get-resources/awscli-apigatewayv2-get-stage.rst")), restData)
	r.export = shapeOf(sampleJSON(t, "export/apigateway2openapi-PetStore-staging-oas30-apigateway.trimmed.json"), restData)
	r.gatewayResponses = shapeOf(sampleJSON(t, "export/dynabench-oas30-gateway-responses-excerpt.json"), restData).
		merge(shapeOf(sampleJSON(t, "export/awsdocs-x-amazon-apigateway-gateway-responses-example.txt"), restData))
	// LookupEvents items: the CLI prints EventTime as text; the wire
	// (awsJson1_1) sends epoch seconds.
	items := append(get(sampleJSON(t, "cloudtrail/awscli-lookup-events-output.rst"), "Events").([]any),
		get(sampleJSON(t, "cloudtrail/reconstructed-lookup-events-apigateway.json"), "Events").([]any)...)
	r.lookupItem, r.trailRecord = shape{}, shape{}
	for _, it := range items {
		m := asMap(it)
		inner := map[string]any{}
		dec := json.NewDecoder(strings.NewReader(m["CloudTrailEvent"].(string)))
		dec.UseNumber()
		if err := dec.Decode(&inner); err != nil {
			t.Fatal(err)
		}
		r.trailRecord.merge(shapeOf(inner, nil))
		m["EventTime"] = json.Number("1700000000")
		r.lookupItem.merge(shapeOf(m, nil))
	}
	r.trailRecord.merge(shapeOf(get(sampleJSON(t, "cloudtrail/awsdocs-apigateway-getresource-record.txt"), "Records", 0), nil))
	r.health = shape{}
	for _, e := range completeObjects(t, "health/awscli-health-describe-events.rst", "events") {
		r.health.merge(shapeOf(e, nil))
	}
	return r
}

// TestRealShapesRoundTrip: a sample loaded as a fixture comes back from
// the fake with exactly its shape.
func TestRealShapesRoundTrip(t *testing.T) {
	t.Parallel()
	method := asMap(sampleJSON(t, "get-resources/awscli-apigateway-get-method.rst"))
	ir := asMap(sampleJSON(t, "get-resources/awscli-apigateway-get-integration-response.rst"))
	res := asMap(get(sampleJSON(t, "get-resources/awscli-apigateway-get-resources.rst"), "items", 0))
	embedded := map[string]any{}
	for k, v := range res {
		embedded[k] = v
	}
	methodWithIR := map[string]any{}
	for k, v := range method {
		methodWithIR[k] = v
	}
	methodWithIR["methodIntegration"] = map[string]any{"type": "AWS", "integrationResponses": map[string]any{"200": ir}}
	embedded["resourceMethods"] = map[string]any{"GET": method, "POST": methodWithIR}
	stage := asMap(sampleJSON(t, "get-resources/awscli-apigateway-get-stage.rst"))
	export := sampleJSON(t, "export/apigateway2openapi-PetStore-staging-oas30-apigateway.trimmed.json")
	v2api := asMap(Camel(sampleJSON(t, "get-resources/awscli-apigatewayv2-update-api.rst")))
	v2stage := asMap(Camel(sampleJSON(t, "get-resources/awscli-apigatewayv2-get-stage.rst")))
	events := get(sampleJSON(t, "cloudtrail/reconstructed-lookup-events-apigateway.json"), "Events").([]any)
	var evs []map[string]any
	for _, e := range events {
		evs = append(evs, asMap(e))
	}
	var health []map[string]any
	for _, e := range completeObjects(t, "health/awscli-health-describe-events.rst", "events") {
		health = append(health, asMap(e))
	}
	st := &State{Region: "us-east-1", Account: "123456789012",
		RestAPIs: []RestAPI{{API: map[string]any{"id": "1234123412", "name": "sample"}, Resources: []map[string]any{embedded},
			Stages: []map[string]any{stage}, Exports: map[string]any{"staging": export}}},
		HTTPAPIs: []HTTPAPI{{API: v2api, Stages: []map[string]any{v2stage}}},
		Events:   evs, Health: &Health{Events: health},
	}
	s := New(st)
	for _, tc := range []struct {
		desc   string
		got    any
		want   any
		wireTS []string // CLI text timestamps the wire sends as epoch seconds
	}{
		{"GetResources without embed", get(second(fakeCall(t, s, "GET", "/restapis/1234123412/resources", "", nil)), "item", 0), res, nil},
		{"GetResources embed=methods: GetMethod's shape", get(second(fakeCall(t, s, "GET", "/restapis/1234123412/resources?embed=methods", "", nil)), "item", 0, "resourceMethods", "GET"), method, nil},
		{"GetResources embed=methods: GetIntegrationResponse's shape", get(second(fakeCall(t, s, "GET", "/restapis/1234123412/resources?embed=methods", "", nil)), "item", 0, "resourceMethods", "POST", "methodIntegration", "integrationResponses", "200"), ir, nil},
		{"GetStages", get(second(fakeCall(t, s, "GET", "/restapis/1234123412/stages", "", nil)), "item", 0), stage, nil},
		{"GetExport", second(fakeCall(t, s, "GET", "/restapis/1234123412/stages/staging/exports/oas30", "", nil)), export, nil},
		{"apigatewayv2 GetApi", second(fakeCall(t, s, "GET", "/v2/apis/a1b2c3d4", "", nil)), v2api, nil},
		{"apigatewayv2 GetStages", get(second(fakeCall(t, s, "GET", "/v2/apis/a1b2c3d4/stages", "", nil)), "items", 0), v2stage, nil},
		{"LookupEvents", get(second(fakeCall(t, s, "POST", "/", "CloudTrail_20131101.LookupEvents", map[string]any{})), "Events"), events, []string{"EventTime"}},
		{"Health DescribeEvents", get(second(fakeCall(t, s, "POST", "/", "AWSHealth_20160804.DescribeEvents", map[string]any{})), "events"), toAny(health), nil},
	} {
		want := tc.want
		if len(tc.wireTS) > 0 {
			b, _ := json.Marshal(want)
			var c any
			dec := json.NewDecoder(bytes.NewReader(b))
			dec.UseNumber()
			dec.Decode(&c)
			for _, e := range c.([]any) {
				for _, k := range tc.wireTS {
					asMap(e)[k] = json.Number("1")
				}
			}
			want = c
		}
		ws, gs := shapeOf(want, restData), shapeOf(tc.got, restData)
		if d := diffShapes(ws, gs); d != "" {
			t.Errorf("%s: the fake changes the sample's shape:\n%s", tc.desc, d)
		}
	}
	// AWS Health without a Business plan: the real error has an empty message.
	st.Health = nil
	code, v := fakeCall(t, s, "POST", "/", "AWSHealth_20160804.DescribeEvents", map[string]any{})
	want := sampleJSON(t, "errors/reconstructed-subscription-required.json")
	if code != 400 || fmt.Sprint(v) != fmt.Sprint(want) {
		t.Errorf("DescribeEvents without a plan = %d %v, want 400 %v", code, v, want)
	}
}

func second(_ int, v any) any { return v }

func toAny(ms []map[string]any) []any {
	out := make([]any, len(ms))
	for i, m := range ms {
		out[i] = m
	}
	return out
}

func diffShapes(want, got shape) string {
	var b strings.Builder
	for _, p := range sortedKeys(want) {
		if got[p] != want[p] {
			fmt.Fprintf(&b, "  %s: real %s, fake %q\n", p, want[p], got[p])
		}
	}
	for _, p := range sortedKeys(got) {
		if _, ok := want[p]; !ok {
			fmt.Fprintf(&b, "  %s: fake %s, not in the sample\n", p, got[p])
		}
	}
	return b.String()
}

// Members the scenario fixtures carry that no sample shows, each
// documented in the API reference.
var (
	restStageExtras = map[string]string{
		".accessLogSettings":                    "https://docs.aws.amazon.com/apigateway/latest/api/API_Stage.html#apigw-Type-Stage-accessLogSettings",
		".accessLogSettings.destinationArn":     "API_AccessLogSettings",
		".accessLogSettings.format":             "API_AccessLogSettings",
		".description":                          "API_Stage description",
		".tracingEnabled":                       "API_Stage tracingEnabled",
		".methodSettings.*.throttlingRateLimit": "API_MethodSetting",
	}
	methodExtras = map[string]string{
		".methodResponses.*.responseParameters":                          "API_MethodResponse responseParameters (map of header to boolean)",
		".methodResponses.*.responseParameters.*":                        "API_MethodResponse",
		".methodIntegration.integrationResponses.*.responseParameters":   "API_IntegrationResponse responseParameters",
		".methodIntegration.integrationResponses.*.responseParameters.*": "API_IntegrationResponse",
		".methodIntegration.integrationResponses.*.selectionPattern":     "API_IntegrationResponse selectionPattern",
		".methodIntegration.requestTemplates":                            "API_Integration requestTemplates",
		".methodIntegration.requestTemplates.*":                          "API_Integration",
		".methodIntegration.passthroughBehavior":                         "API_Integration passthroughBehavior",
		".methodIntegration.timeoutInMillis":                             "API_Integration timeoutInMillis",
		".methodIntegration.connectionType":                              "API_Integration connectionType",
		".authorizerId":                                                  "API_Method authorizerId",
	}
	v2APIExtras = map[string]string{
		".disableExecuteApiEndpoint":         "https://docs.aws.amazon.com/apigatewayv2/latest/api-reference/apis-apiid.html#apis-apiid-model-api",
		".corsConfiguration.maxAge":          "CorsConfiguration maxAge",
		".corsConfiguration.exposeHeaders":   "CorsConfiguration exposeHeaders",
		".corsConfiguration.exposeHeaders[]": "CorsConfiguration exposeHeaders",
	}
	v2StageExtras = map[string]string{
		".autoDeploy":                       "https://docs.aws.amazon.com/apigatewayv2/latest/api-reference/apis-apiid-stages-stagename.html#apis-apiid-stages-stagename-model-stage",
		".lastDeploymentStatusMessage":      "Stage lastDeploymentStatusMessage",
		".accessLogSettings":                "Stage accessLogSettings",
		".accessLogSettings.destinationArn": "AccessLogSettings destinationArn",
		".accessLogSettings.format":         "AccessLogSettings format",
	}
	exportExtras = map[string]string{
		".components":                               "OpenAPI 3 components (in the full PetStore export, trimmed from the sample)",
		".paths.*.*.security":                       "OpenAPI 3 operation security (an API key or authorizer)",
		".paths.*.*.security[]":                     "OpenAPI 3 security requirement",
		".paths.*.*.security[].api_key":             "API Gateway export: the API key security scheme",
		".paths.*.*.security[].api_key[]":           "scopes (empty)",
		".paths.*.*.x-amazon-apigateway-any-method": "x-amazon-apigateway-any-method",
		// Exports the fake renders after CreateDeployment (aws fix): the
		// authorizer and SigV4 schemes of the API Gateway OpenAPI
		// extensions reference (x-amazon-apigateway-authtype,
		// x-amazon-apigateway-authorizer).
		".components.securitySchemes":                                                "OpenAPI 3 security schemes",
		".components.securitySchemes.authorizer":                                     "an authorizer's scheme (AWS names it after the authorizer)",
		".components.securitySchemes.authorizer.type":                                "apiKey",
		".components.securitySchemes.authorizer.name":                                "Authorization",
		".components.securitySchemes.authorizer.in":                                  "header",
		".components.securitySchemes.authorizer.x-amazon-apigateway-authtype":        "cognito_user_pools or custom",
		".components.securitySchemes.authorizer.x-amazon-apigateway-authorizer":      "x-amazon-apigateway-authorizer object",
		".components.securitySchemes.authorizer.x-amazon-apigateway-authorizer.type": "token, request or cognito_user_pools",
		".components.securitySchemes.sigv4":                                          "the AWS_IAM scheme",
		".components.securitySchemes.sigv4.type":                                     "apiKey",
		".components.securitySchemes.sigv4.name":                                     "Authorization",
		".components.securitySchemes.sigv4.in":                                       "header",
		".components.securitySchemes.sigv4.x-amazon-apigateway-authtype":             "awsSigv4",
		".components.securitySchemes.api_key":                                        "the API key scheme",
		".components.securitySchemes.api_key.type":                                   "apiKey",
		".components.securitySchemes.api_key.name":                                   "x-api-key",
		".components.securitySchemes.api_key.in":                                     "header",
		".paths.*.*.security[].authorizer":                                           "the authorizer requirement",
		".paths.*.*.security[].authorizer[]":                                         "scopes (empty)",
		".paths.*.*.security[].sigv4":                                                "the SigV4 requirement",
		".paths.*.*.security[].sigv4[]":                                              "scopes (empty)",
	}
	lookupExtras = map[string]string{}
)

// TestRealShapesScenarios: every scenario fixture is answered in the
// samples' shapes.
func TestRealShapesScenarios(t *testing.T) {
	t.Parallel()
	real := loadRealSamples(t)
	names, _ := filepath.Glob("testdata/*.json")
	states := map[string]*State{"LargeREST(3)": LargeREST(3)}
	for _, n := range names {
		st, err := LoadFile(n)
		if err != nil {
			t.Fatal(err)
		}
		states[n] = st
	}
	for _, name := range sortedKeys(states) {
		st := states[name]
		s := New(st)
		check := func(what string, realShape shape, v any, data map[string]bool, extras map[string]string) {
			if v == nil {
				return
			}
			for _, p := range conform(realShape, shapeOf(v, data), extras) {
				t.Errorf("%s: %s: %s", name, what, p)
			}
		}
		for _, a := range st.RestAPIs {
			id := str(a.API, "id")
			_, out := fakeCall(t, s, "GET", "/restapis/"+id+"/resources?embed=methods&limit=500", "", nil)
			for _, item := range get(out, "item").([]any) {
				res := asMap(item)
				bare := map[string]any{}
				for k, v := range res {
					bare[k] = v
				}
				if rm := asMap(res["resourceMethods"]); rm != nil {
					names := map[string]any{}
					for verb, m := range rm {
						names[verb] = map[string]any{}
						check("embedded method "+verb, real.method, m, restData, methodExtras)
					}
					bare["resourceMethods"] = names
				}
				check("resource", real.resource, bare, restData, nil)
			}
			_, out = fakeCall(t, s, "GET", "/restapis/"+id+"/stages", "", nil)
			for _, stg := range get(out, "item").([]any) {
				check("stage", real.restStage, stg, restData, restStageExtras)
			}
			for stage := range a.Exports {
				_, exp := fakeCall(t, s, "GET", "/restapis/"+id+"/stages/"+stage+"/exports/oas30", "", nil)
				gw := asMap(exp)["x-amazon-apigateway-gateway-responses"]
				delete(asMap(exp), "x-amazon-apigateway-gateway-responses")
				check("export", real.export, exp, restData, exportExtras)
				if gw != nil {
					check("export gateway responses", real.gatewayResponses, map[string]any{"x-amazon-apigateway-gateway-responses": gw}, restData, nil)
				}
			}
		}
		for _, a := range st.HTTPAPIs {
			id := str(a.API, "apiId")
			_, api := fakeCall(t, s, "GET", "/v2/apis/"+id, "", nil)
			check("GetApi", real.v2API, api, restData, v2APIExtras)
			_, out := fakeCall(t, s, "GET", "/v2/apis/"+id+"/stages", "", nil)
			for _, stg := range get(out, "items").([]any) {
				check("v2 stage", real.v2Stage, stg, restData, v2StageExtras)
			}
		}
		_, out := fakeCall(t, s, "POST", "/", "CloudTrail_20131101.LookupEvents", map[string]any{"StartTime": 0, "EndTime": float64(time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC).Unix())})
		events, _ := get(out, "Events").([]any)
		for _, e := range events {
			m := asMap(e)
			check("LookupEvents item", real.lookupItem, m, nil, lookupExtras)
			inner := map[string]any{}
			dec := json.NewDecoder(strings.NewReader(m["CloudTrailEvent"].(string)))
			dec.UseNumber()
			if err := dec.Decode(&inner); err != nil {
				t.Errorf("%s: CloudTrailEvent is not JSON: %v", name, err)
				continue
			}
			// requestParameters are per operation: their members are
			// checked by the collector's tests, not here.
			delete(inner, "requestParameters")
			delete(inner, "responseElements")
			check("CloudTrail record", real.trailRecord, inner, nil, nil)
		}
		if st.Health != nil {
			_, out := fakeCall(t, s, "POST", "/", "AWSHealth_20160804.DescribeEvents", map[string]any{})
			for _, e := range get(out, "events").([]any) {
				check("Health event", real.health, e, nil, nil)
			}
		}
	}
}

func FuzzSampleJSON(f *testing.F) {
	names, _ := filepath.Glob("testdata/real/*/*")
	for _, n := range names {
		b, err := os.ReadFile(n)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(string(b))
	}
	f.Add(`"k": {"a": [1, {"b": "}"}]},`)
	f.Fuzz(func(t *testing.T, s string) {
		v, err := SampleJSON(s)
		if (err == nil) != (v != nil) {
			t.Fatalf("want a value xor an error: %v %v", v, err)
		}
		if out, err := CompleteObjects(s, "events"); err == nil {
			for _, o := range out {
				if o == nil {
					t.Fatal("nil object")
				}
			}
		}
	})
}
