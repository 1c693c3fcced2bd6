package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/apigatewayv2"

	"github.com/corsdoctor/corsdoctor/apimodel"
	"github.com/corsdoctor/corsdoctor/collect/iac/openapi"
	"github.com/corsdoctor/corsdoctor/collect/iac/tree"
	"github.com/corsdoctor/corsdoctor/cors"
	"github.com/corsdoctor/corsdoctor/evidence"
	"github.com/corsdoctor/corsdoctor/internal/app/awsdiagnose"
	"github.com/corsdoctor/corsdoctor/internal/fakeaws"
	"github.com/corsdoctor/corsdoctor/internal/golden"
)

// dataPlane answers requests to the stage's invoke URL the way API
// Gateway would with what the stage serves: the fake's export of the
// deployed API (the snapshot CreateDeployment took), simulated by
// apimodel (the same model lint and aws read).
func dataPlane(t *testing.T, fake *fakeaws.Server, apiID, stage string) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		doc, ok := fake.DeployedExport(apiID, stage)
		if !ok {
			http.Error(w, `{"message":"Forbidden"}`, http.StatusForbidden)
			return
		}
		b, _ := json.Marshal(doc)
		root, err := tree.Parse("export.json", b)
		if err != nil {
			http.Error(w, err.Error(), 500)
			return
		}
		api := &apimodel.API{ID: apiID, Kind: apimodel.REST, Format: "aws"}
		openapi.Fill("export.json", root, api)
		api.Normalize()
		answer(w, r, api, strings.TrimPrefix(r.URL.Path, "/"+stage))
	}))
	t.Cleanup(srv.Close)
	return srv
}

// answer writes what API Gateway answers to r for api, as apimodel
// simulates it: the preflight's answer to a CORS preflight, else the
// actual response; path is the resource path (the stage removed).
func answer(w http.ResponseWriter, r *http.Request, api *apimodel.API, path string) {
	req := &cors.Request{Origin: r.Header.Get("Origin"), URL: "https://" + api.ID + ".execute-api.us-east-1.amazonaws.com" + r.URL.Path, Method: r.Method}
	preflight := r.Method == http.MethodOptions && r.Header.Get("Access-Control-Request-Method") != ""
	if preflight {
		req.Method = r.Header.Get("Access-Control-Request-Method")
		for _, h := range strings.Split(r.Header.Get("Access-Control-Request-Headers"), ",") {
			if h = strings.TrimSpace(h); h != "" {
				req.Headers = append(req.Headers, cors.Header{Name: h, Value: "x"})
			}
		}
	} else {
		for k := range r.Header {
			req.Headers = append(req.Headers, cors.Header{Name: k, Value: r.Header.Get(k)})
		}
	}
	s := apimodel.Simulate(api, path, req, apimodel.Success)
	resp := s.Actual
	if preflight && s.Preflight != nil {
		resp = s.Preflight
	}
	for k, vs := range resp.Header {
		for _, v := range vs {
			w.Header().Add(k, v)
		}
	}
	w.WriteHeader(resp.Status)
}

// runAWSFixArgs runs `corsdoctor aws fix ARGS` against the fake.
func runAWSFixArgs(t *testing.T, fake *fakeaws.Server, st *fakeaws.State, stdin string, args ...string) (string, string, int) {
	t.Helper()
	srv := fake.Start()
	t.Cleanup(srv.Close)
	var out, errOut bytes.Buffer
	app := NewApp(&IO{In: strings.NewReader(stdin), Out: &out, ErrOut: &errOut})
	app.Now = func() time.Time { return st.Now }
	cmd := NewCmdAWSFix(app, func(o *AWSFixOptions) error {
		o.Diagnose.LoadConfig = func(ctx context.Context, _ *awsdiagnose.Options) (aws.Config, error) {
			return aws.Config{Region: "us-east-1", BaseEndpoint: aws.String(srv.URL),
				Credentials: credentials.NewStaticCredentialsProvider("AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "")}, nil
		}
		o.Diagnose.Backoff = quickBackoff{}
		o.Diagnose.PollInterval = 2 * time.Millisecond
		return runAWSFix(context.Background(), o)
	})
	cmd.SetArgs(args)
	cmd.SetOut(&out)
	cmd.SetErr(&errOut)
	cmd.SilenceErrors, cmd.SilenceUsage = true, true
	err := cmd.Execute()
	PrintError(&errOut, err)
	return out.String(), errOut.String(), ExitCode(err)
}

func loadFixture(t *testing.T, name string) *fakeaws.State {
	t.Helper()
	st, err := fakeaws.LoadFile(filepath.Join("..", "fakeaws", "testdata", name+".json"))
	if err != nil {
		t.Fatal(err)
	}
	return st
}

// TestAWSFixPlan prints the plan for the incident fixture and changes
// nothing.
func TestAWSFixPlan(t *testing.T) {
	st := loadFixture(t, "rest-fix")
	fake := fakeaws.New(st)
	out, errOut, code := runAWSFixArgs(t, fake, st, "", "--api-id", "f1x2c3d4e5", "--stage", "prod", "--origin", "https://app.example.com")
	if code != ExitFindings {
		t.Fatalf("exit %d, want 1 (a change to make); stderr:\n%s", code, errOut)
	}
	golden.Check(t, filepath.Join("testdata", "aws-fix", "plan.golden"), []byte(out))
	for op := range fake.Calls() {
		if strings.Contains(op, "Put") || strings.Contains(op, "Update") || strings.Contains(op, "Create") {
			t.Errorf("the plan made a write call: %s", op)
		}
	}
	if !strings.Contains(out, "aws apigateway create-deployment") {
		t.Error("the plan does not end with create-deployment")
	}
}

// TestAWSFixApply applies the plan: rollback saved first, every call
// made with the real request shapes, deployed, and the re-check of the
// invoke URL (the fake's deployed snapshot) ALLOWED.
func TestAWSFixApply(t *testing.T) {
	st := loadFixture(t, "rest-fix")
	fake := fakeaws.New(st)
	plane := dataPlane(t, fake, "f1x2c3d4e5", "prod")
	dir := t.TempDir()
	out, errOut, code := runAWSFixArgs(t, fake, st, "", "--api-id", "f1x2c3d4e5", "--stage", "prod", "--origin", "https://app.example.com",
		"--apply", "--yes", "--rollback-dir", dir, "--invoke-url", plane.URL+"/prod")
	if code != ExitOK {
		t.Fatalf("exit %d, want 0; stdout:\n%s\nstderr:\n%s", code, out, errOut)
	}
	calls := fake.Calls()
	if calls["apigateway:CreateDeployment"] != 1 {
		t.Errorf("CreateDeployment calls = %d, want 1 (%s)", calls["apigateway:CreateDeployment"], fake.CallSummary())
	}
	if calls["apigateway:GetExport"] == 0 || calls["apigateway:GetStage"] == 0 {
		t.Errorf("no rollback read: %s", fake.CallSummary())
	}
	files, _ := filepath.Glob(filepath.Join(dir, "corsdoctor-rollback-*"))
	if len(files) != 2 {
		t.Fatalf("rollback files = %v, want the record and the export", files)
	}
	var rb struct {
		DeploymentID string `json:"deployment_id"`
		Commands     []string
	}
	for _, f := range files {
		if strings.HasSuffix(f, ".oas30.json") {
			continue
		}
		b, _ := os.ReadFile(f)
		if err := json.Unmarshal(b, &rb); err != nil {
			t.Fatal(err)
		}
	}
	if rb.DeploymentID != "dep0000001" || len(rb.Commands) != 2 {
		t.Errorf("rollback = %+v", rb)
	}
	if !strings.Contains(out, "Re-check of the invoke URL") || strings.Contains(out, "BLOCKED (") && strings.Contains(out[strings.Index(out, "Re-check"):], "BLOCKED") {
		t.Errorf("re-check missing or blocked:\n%s", out)
	}
	golden.Check(t, filepath.Join("testdata", "aws-fix", "apply.golden"), []byte(strings.ReplaceAll(strings.ReplaceAll(out, dir, "DIR"), plane.URL, "http://INVOKE")))
	// Nothing left to fix: a second run plans no call.
	out, _, code = runAWSFixArgs(t, fake, st, "", "--api-id", "f1x2c3d4e5", "--stage", "prod", "--origin", "https://app.example.com")
	if strings.Contains(out, "Plan:") {
		t.Errorf("second run still plans calls (exit %d):\n%s", code, out)
	}
}

// TestAWSFixFailureHalfway denies one write call: the plan stops there,
// nothing is deployed, the rollback is printed.
func TestAWSFixFailureHalfway(t *testing.T) {
	st := loadFixture(t, "rest-fix")
	fake := fakeaws.New(st)
	fake.Deny("apigateway:PutIntegrationResponse")
	dir := t.TempDir()
	out, errOut, code := runAWSFixArgs(t, fake, st, "", "--api-id", "f1x2c3d4e5", "--stage", "prod", "--origin", "https://app.example.com",
		"--apply", "--yes", "--rollback-dir", dir)
	if code != ExitFindings {
		t.Fatalf("exit %d, want 1; stdout:\n%s\nstderr:\n%s", code, out, errOut)
	}
	calls := fake.Calls()
	if calls["apigateway:CreateDeployment"] != 0 {
		t.Errorf("deployed after a failure: %s", fake.CallSummary())
	}
	if calls["apigateway:PutIntegrationResponse"] != 1 {
		t.Errorf("PutIntegrationResponse calls = %d, want 1 (no retry of AccessDenied, no call after)", calls["apigateway:PutIntegrationResponse"])
	}
	for _, want := range []string{"FAILED at call", "AccessDenied", "nothing was deployed", "aws apigateway update-stage", "aws apigateway put-rest-api"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	// No deployment snapshot was taken: the stage serves what the
	// fixture deployed, without the OPTIONS method the plan began.
	doc, _ := fake.DeployedExport("f1x2c3d4e5", "prod")
	if item, _ := doc["paths"].(map[string]any)["/items"].(map[string]any); item == nil || item["options"] != nil {
		t.Errorf("the stage serves the half-made change: %v", item)
	}
}

// TestAWSFixConfirmation: --apply without --yes asks on stdin and
// changes nothing unless the answer is yes.
func TestAWSFixConfirmation(t *testing.T) {
	st := loadFixture(t, "rest-fix")
	fake := fakeaws.New(st)
	_, errOut, code := runAWSFixArgs(t, fake, st, "n\n", "--api-id", "f1x2c3d4e5", "--stage", "prod", "--origin", "https://app.example.com", "--apply", "--rollback-dir", t.TempDir())
	if code != ExitUsage || !strings.Contains(errOut, "not confirmed") {
		t.Fatalf("exit %d, stderr:\n%s", code, errOut)
	}
	if fake.Calls()["apigateway:CreateDeployment"] != 0 || fake.Calls()["apigateway:GetExport"] > 1 {
		t.Errorf("changes made without confirmation: %s", fake.CallSummary())
	}
	if _, errOut, code := runAWSFixArgs(t, fake, st, "", "--api-id", "f1x2c3d4e5"); code != ExitUsage || !strings.Contains(errOut, "--origin") {
		t.Errorf("no --origin: exit %d, %s", code, errOut)
	}
}

// TestAWSFixHTTPAPI plans and applies the fix of an HTTP API without a
// CORS configuration (JWT authorizer on every route, $default stage with
// auto-deploy): UpdateApi with the CORS configuration, the rollback of
// the API's previous configuration (delete-cors-configuration, since
// there was none), and a second run plans nothing.
func TestAWSFixHTTPAPI(t *testing.T) {
	st := loadFixture(t, "http-no-cors")
	fake := fakeaws.New(st)
	out, errOut, code := runAWSFixArgs(t, fake, st, "", "--api-id", "h7k8m9n0p1", "--origin", "https://app.example.com")
	if code != ExitFindings {
		t.Fatalf("plan: exit %d, want 1; stdout:\n%s\nstderr:\n%s", code, out, errOut)
	}
	for _, want := range []string{"apigatewayv2:UpdateApi", "aws apigatewayv2 update-api --api-id h7k8m9n0p1 --cors-configuration", "https://app.example.com", "no create-deployment: stage $default deploys every change automatically"} {
		if !strings.Contains(out, want) {
			t.Errorf("plan lacks %q:\n%s", want, out)
		}
	}
	if n := fake.Calls()["apigatewayv2:UpdateApi"]; n != 0 {
		t.Fatalf("the plan called UpdateApi %d time(s)", n)
	}
	dir := t.TempDir()
	plane := httpDataPlane(t, fake, "h7k8m9n0p1")
	out, errOut, code = runAWSFixArgs(t, fake, st, "", "--api-id", "h7k8m9n0p1", "--origin", "https://app.example.com", "--apply", "--yes", "--rollback-dir", dir, "--invoke-url", plane.URL)
	if code != ExitOK {
		t.Fatalf("apply: exit %d; stdout:\n%s\nstderr:\n%s", code, out, errOut)
	}
	if fake.Calls()["apigatewayv2:UpdateApi"] != 1 {
		t.Errorf("UpdateApi calls: %s", fake.CallSummary())
	}
	if fake.Calls()["apigatewayv2:CreateDeployment"] != 0 {
		t.Errorf("CreateDeployment on an auto-deploy stage: %s", fake.CallSummary())
	}
	for _, want := range []string{"Re-check of the invoke URL", "GET /orders", "POST /orders"} {
		if !strings.Contains(out, want) {
			t.Errorf("apply output lacks %q:\n%s", want, out)
		}
	}
	if i := strings.Index(out, "Re-check"); i >= 0 && (strings.Contains(out[i:], "BLOCKED") || strings.Contains(out[i:], "ERROR")) {
		t.Errorf("re-check not ALLOWED:\n%s", out[i:])
	}
	if !strings.Contains(out, "aws apigatewayv2 delete-cors-configuration --api-id h7k8m9n0p1") {
		t.Errorf("rollback of an API without CORS is not delete-cors-configuration:\n%s", out)
	}
	out, _, _ = runAWSFixArgs(t, fake, st, "", "--api-id", "h7k8m9n0p1", "--origin", "https://app.example.com")
	if strings.Contains(out, "Plan:") {
		t.Errorf("second run still plans calls:\n%s", out)
	}
}

// httpDataPlane answers requests to an HTTP API's invoke URL as API
// Gateway does with the CORS configuration the fake holds now (an HTTP
// API's CORS changes apply without a deployment on an auto-deploy stage):
// the configuration read with GetApi from the fake, simulated by apimodel
// (API Gateway answers preflights itself and sets the configured headers
// on every response).
func httpDataPlane(t *testing.T, fake *fakeaws.Server, apiID string) *httptest.Server {
	t.Helper()
	control := fake.Start()
	t.Cleanup(control.Close)
	v2 := apigatewayv2.NewFromConfig(aws.Config{Region: "us-east-1", BaseEndpoint: aws.String(control.URL),
		Credentials: credentials.NewStaticCredentialsProvider("AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "")})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got, err := v2.GetApi(r.Context(), &apigatewayv2.GetApiInput{ApiId: aws.String(apiID)})
		if err != nil {
			http.Error(w, err.Error(), 500)
			return
		}
		api := &apimodel.API{ID: apiID, Kind: apimodel.HTTP, Format: "aws",
			Routes: []*apimodel.Route{{Key: "$default", AuthorizationType: apimodel.Known("NONE", evidence.Source{})}}}
		if c := got.CorsConfiguration; c != nil {
			cred := c.AllowCredentials != nil && *c.AllowCredentials
			vals := func(ss []string) []apimodel.Value {
				var out []apimodel.Value
				for _, s := range ss {
					out = append(out, apimodel.Known(s, evidence.Source{}))
				}
				return out
			}
			api.Cors = &apimodel.CorsConfig{AllowOrigins: vals(c.AllowOrigins), AllowMethods: vals(c.AllowMethods), AllowHeaders: vals(c.AllowHeaders), AllowCredentials: apimodel.TriOf(cred)}
		}
		api.Normalize()
		answer(w, r, api, r.URL.Path)
	}))
	t.Cleanup(srv.Close)
	return srv
}

// TestAWSFixHeader: --header names a header the pages send that lint's
// simulation does not; the preflights that refuse it are fixed in the
// plan (their Access-Control-Allow-Headers keeps what it allowed).
func TestAWSFixHeader(t *testing.T) {
	st := loadFixture(t, "rest-origin")
	fake := fakeaws.New(st)
	args := []string{"--api-id", "a1b2c3d4e5", "--stage", "prod", "--origin", "https://app.example.com"}
	out, _, code := runAWSFixArgs(t, fake, st, "", args...)
	if code != ExitOK || strings.Contains(out, "Plan:") {
		t.Fatalf("without --header: exit %d, want 0 and no plan:\n%s", code, out)
	}
	out, errOut, code := runAWSFixArgs(t, fake, st, "", append(args, "--header", "X-Request-Id")...)
	if code != ExitFindings {
		t.Fatalf("exit %d, want 1; stdout:\n%s\nstderr:\n%s", code, out, errOut)
	}
	for _, want := range []string{
		"OPTIONS /orders 200: replace /responseParameters/method.response.header.Access-Control-Allow-Headers = 'Content-Type,Authorization,X-Api-Key,X-Amz-Date,X-Amz-Security-Token,X-Request-Id'",
		"OPTIONS /orders/{id} 200: replace",
		"aws apigateway create-deployment --rest-api-id a1b2c3d4e5 --stage-name prod",
		"GET /orders BLOCKED (HeaderDisallowedByPreflightResponse) -> ALLOWED",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("plan lacks %q:\n%s", want, out)
		}
	}
}

// TestAWSFixConfirmedOnStdin: --apply without --yes applies when the
// answer typed is yes.
func TestAWSFixConfirmedOnStdin(t *testing.T) {
	st := loadFixture(t, "rest-fix")
	fake := fakeaws.New(st)
	plane := dataPlane(t, fake, "f1x2c3d4e5", "prod")
	out, errOut, code := runAWSFixArgs(t, fake, st, "y\n", "--api-id", "f1x2c3d4e5", "--stage", "prod", "--origin", "https://app.example.com",
		"--apply", "--rollback-dir", t.TempDir(), "--invoke-url", plane.URL+"/prod")
	if code != ExitOK {
		t.Fatalf("exit %d, want 0; stdout:\n%s\nstderr:\n%s", code, out, errOut)
	}
	if n := fake.Calls()["apigateway:CreateDeployment"]; n != 1 {
		t.Errorf("CreateDeployment calls = %d, want 1 (%s)", n, fake.CallSummary())
	}
}
