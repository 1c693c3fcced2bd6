package apigw

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"

	"github.com/corsdoctor/corsdoctor/apimodel"
	"github.com/corsdoctor/corsdoctor/diag"
	"github.com/corsdoctor/corsdoctor/evidence"
	"github.com/corsdoctor/corsdoctor/internal/fakeaws"
	"github.com/corsdoctor/corsdoctor/rules"
)

// testConfig is an SDK config pointed at the fake.
func testConfig(url, region, key string) aws.Config {
	return aws.Config{
		Region:       region,
		Credentials:  credentials.NewStaticCredentialsProvider(key, "secretsecretsecretsecretsecretsecret1234", ""),
		BaseEndpoint: aws.String(url),
	}
}

// fastBackoff keeps retries quick in tests.
type fastBackoff struct{}

func (fastBackoff) BackoffDelay(int, error) (time.Duration, error) { return 5 * time.Millisecond, nil }

type scenario struct {
	fixture string
	mutate  func(*fakeaws.State)
	opt     Options
	setup   func(*fakeaws.Server)
	region  string
	key     string
}

func runScenario(t testing.TB, sc scenario) (*Result, *fakeaws.Server, error) {
	t.Helper()
	st, err := fakeaws.LoadFile(filepath.Join("..", "..", "internal", "fakeaws", "testdata", sc.fixture+".json"))
	if err != nil {
		t.Fatal(err)
	}
	if sc.mutate != nil {
		sc.mutate(st)
	}
	fake := fakeaws.New(st)
	if sc.setup != nil {
		sc.setup(fake)
	}
	srv := fake.Start()
	t.Cleanup(srv.Close)
	region, key := sc.region, sc.key
	if region == "" {
		region = "us-east-1"
	}
	if key == "" {
		key = "AKIAIOSFODNN7EXAMPLE"
	}
	opt := sc.opt
	opt.Now = func() time.Time { return st.Now }
	opt.PollInterval = 2 * time.Millisecond
	res, err := Diagnose(context.Background(), NewClients(testConfig(srv.URL, region, key), fastBackoff{}), opt)
	if err == nil {
		judge(t, res)
	}
	return res, fake, err
}

func stepStatus(pb *evidence.Playbook, n int) evidence.StepStatus {
	if s := pb.Step(evidence.StepID(n)); s != nil {
		return s.Status
	}
	return ""
}

// judge checks that the collector failed no step (only rules judge), then
// writes the rules' step verdicts into the playbook as aws diagnose does.
func judge(t testing.TB, res *Result) {
	t.Helper()
	for _, s := range res.Playbook.Steps {
		if s.Status == evidence.StepFailed {
			t.Errorf("the collector failed step %d (%s): only rules judge", s.N, s.Reason)
		}
	}
	in := &diag.Input{Playbook: res.Playbook}
	if res.API != nil {
		in.APIs = []*apimodel.API{res.API}
	}
	diag.Analyze(rules.All(), in).ApplySteps(res.Playbook)
}

func TestDiagnoseScenarios(t *testing.T) {
	tests := []struct {
		desc  string
		sc    scenario
		check func(t *testing.T, r *Result, f *fakeaws.Server)
	}{
		{desc: "REST incident: deployment removed OPTIONS", sc: scenario{fixture: "rest-incident", opt: Options{APIID: "a1b2c3d4e5", AppLogGroups: []string{"/ecs/orders-web"}}},
			check: func(t *testing.T, r *Result, f *fakeaws.Server) {
				pb := r.Playbook
				if pb.Kind != "REST" || pb.Stage != "prod" || pb.Widened {
					t.Errorf("kind %s stage %s widened %v", pb.Kind, pb.Stage, pb.Widened)
				}
				rise, ok := pb.FirstRise()
				if !ok || rise.At.Format("15:04") != "09:31" {
					t.Errorf("rise = %+v %v, want 09:31", rise, ok)
				}
				if n := pb.PreflightFailures(); n != 522 {
					t.Errorf("preflight failures = %d", n)
				}
				if near := pb.ChangesNear(rise.At); len(near) != 2 || near[0].Event != "DeleteMethod" || near[0].Detail != "OPTIONS /orders" {
					t.Errorf("changes near rise = %+v", near)
				}
				if q := pb.Log("access-aggregate"); q == nil || q.Polls != 3 {
					t.Errorf("access-log query = %+v (want 3 polls: Running twice)", q)
				}
				for _, n := range []int{2, 3, 4, 6} {
					if s := stepStatus(pb, n); s != evidence.StepFailed {
						t.Errorf("step %d = %s, want failed", n, s)
					}
				}
				if len(pb.Drift) != 0 {
					t.Errorf("drift = %+v, want none (the deployment made the removal live)", pb.Drift)
				}
				if r.API.Resource("/orders").Method("OPTIONS") != nil {
					t.Error("model has OPTIONS /orders")
				}
			}},
		{desc: "drift after a deployment, window widened", sc: scenario{fixture: "rest-drift", opt: Options{APIID: "a1b2c3d4e5"}},
			check: func(t *testing.T, r *Result, f *fakeaws.Server) {
				pb := r.Playbook
				if !pb.Widened || pb.End.Sub(pb.Start) != 2*time.Hour {
					t.Errorf("widened %v window %s..%s", pb.Widened, pb.Start, pb.End)
				}
				kinds := map[string]int{}
				for _, d := range pb.Drift {
					kinds[d.Kind]++
				}
				if kinds["not-deployed"] == 0 || kinds["removed"] == 0 {
					t.Errorf("drift = %+v", pb.Drift)
				}
				if stepStatus(pb, 8) != evidence.StepFailed {
					t.Errorf("step 8 = %s", stepStatus(pb, 8))
				}
			}},
		{desc: "method-specific errors found after widening to 2 h", sc: scenario{fixture: "rest-method", opt: Options{APIID: "a1b2c3d4e5"}},
			check: func(t *testing.T, r *Result, f *fakeaws.Server) {
				pb := r.Playbook
				if !pb.Widened || !pb.Correlated() {
					t.Errorf("widened %v correlated %v", pb.Widened, pb.Correlated())
				}
				rise, _ := pb.FirstRise()
				if rise.At.Format("15:04") != "08:17" {
					t.Errorf("rise at %s", rise.At.Format("15:04"))
				}
			}},
		{desc: "pagination, AccessDenied on one step, throttling", sc: scenario{fixture: "rest-origin", opt: Options{APIID: "a1b2c3d4e5", AppLogGroups: []string{"/ecs/orders-web"}},
			setup: func(f *fakeaws.Server) {
				f.Deny("apigateway:GetGatewayResponses")
				f.Throttle("apigateway:GetResources", 1)
			}},
			check: func(t *testing.T, r *Result, f *fakeaws.Server) {
				c := f.Calls()
				if c["apigateway:GetResources"] != 2+1 { // 3 resources, page size 2: 2 pages + 1 throttled
					t.Errorf("GetResources calls = %d", c["apigateway:GetResources"])
				}
				if c["cloudtrail:LookupEvents"] < 4 { // 7 events, 2 per page
					t.Errorf("LookupEvents calls = %d", c["cloudtrail:LookupEvents"])
				}
				if len(r.API.Resources) != 3 {
					t.Errorf("resources = %d", len(r.API.Resources))
				}
				g := r.Playbook.GapFor(evidence.GapGatewayResponses)
				if g == nil || g.Cause != "access-denied" || !strings.Contains(g.Need, "gatewayresponses") {
					t.Errorf("gap = %+v", g)
				}
				if stepStatus(r.Playbook, 2) == evidence.StepPassed {
					t.Error("step 2 passed despite the missing gateway responses")
				}
				for _, c := range r.Playbook.Changes {
					if c.CORS {
						t.Errorf("change %+v counted as CORS-relevant (stage variables and description only)", c)
					}
				}
				if len(r.Playbook.Changes) != 7 {
					t.Errorf("changes = %d, want 7", len(r.Playbook.Changes))
				}
			}},
		{desc: "throttling on every protocol is retried", sc: scenario{fixture: "rest-incident", opt: Options{APIID: "a1b2c3d4e5"},
			setup: func(f *fakeaws.Server) {
				// One throttle per protocol family on a client with one call (the
				// adaptive limiter then has nothing left to slow down).
				for _, op := range []string{"apigatewayv2:GetApi", "cloudwatch:GetMetricData", "cloudtrail:LookupEvents", "health:DescribeEvents"} {
					f.Throttle(op, 1)
				}
			}},
			check: func(t *testing.T, r *Result, f *fakeaws.Server) {
				if len(r.Playbook.Gaps) != 0 {
					t.Errorf("gaps after retries: %+v", r.Playbook.Gaps)
				}
				c := f.Calls()
				for _, op := range []string{"apigatewayv2:GetApi", "cloudwatch:GetMetricData", "cloudtrail:LookupEvents"} {
					if c[op] != 2 {
						t.Errorf("%s called %d times, want 2 (throttled, then retried)", op, c[op])
					}
				}
				if _, ok := r.Playbook.FirstRise(); !ok {
					t.Error("metrics lost")
				}
			}},
		{desc: "API configuration denied: history and logs still read", sc: scenario{fixture: "rest-incident", opt: Options{APIID: "a1b2c3d4e5", AppLogGroups: []string{"/ecs/orders-web"}},
			setup: func(f *fakeaws.Server) { f.Deny("apigateway:GetRestApi", "apigatewayv2:GetApi") }},
			check: func(t *testing.T, r *Result, f *fakeaws.Server) {
				pb := r.Playbook
				if pb.Kind != "UNKNOWN" || stepStatus(pb, 1) != evidence.StepFailed {
					t.Errorf("kind %s step 1 %s", pb.Kind, stepStatus(pb, 1))
				}
				if len(pb.Changes) == 0 || pb.Log("app-cors-errors") == nil {
					t.Errorf("CloudTrail or application logs not read: %s", f.CallSummary())
				}
				for _, n := range []int{2, 5, 6} {
					if stepStatus(pb, n) != evidence.StepSkipped {
						t.Errorf("step %d = %s", n, stepStatus(pb, n))
					}
				}
				// CloudTrail alone shows the deployment that made the
				// OPTIONS deletion live.
				if stepStatus(pb, 8) != evidence.StepFailed {
					t.Errorf("step 8 = %s", stepStatus(pb, 8))
				}
			}},
		{desc: "HTTP API without CORS", sc: scenario{fixture: "http-no-cors", opt: Options{APIID: "h7k8m9n0p1"}},
			check: func(t *testing.T, r *Result, f *fakeaws.Server) {
				pb := r.Playbook
				if pb.Kind != "HTTP" || pb.Stage != "$default" || r.API.Cors != nil {
					t.Errorf("kind %s stage %s cors %v", pb.Kind, pb.Stage, r.API.Cors)
				}
				if stepStatus(pb, 9) != evidence.StepSkipped {
					t.Errorf("step 9 = %s, want skipped (no execution logs on HTTP APIs)", stepStatus(pb, 9))
				}
				if !pb.Correlated() {
					t.Error("not correlated")
				}
			}},
		{desc: "HTTP API credentials, queries running for a while", sc: scenario{fixture: "http-credentials", opt: Options{APIID: "h7k8m9n0p1", AppLogGroups: []string{"/ecs/orders-web"}}},
			check: func(t *testing.T, r *Result, f *fakeaws.Server) {
				q := r.Playbook.Log("app-cors-errors")
				if q == nil || q.Polls != 4 || len(q.Rows) != 2 {
					t.Errorf("app query = %+v", q)
				}
			}},
		{desc: "HTTP API without auto-deploy: CORS change after the deployment is not live", sc: scenario{fixture: "http-credentials", opt: Options{APIID: "h7k8m9n0p1"},
			mutate: func(st *fakeaws.State) {
				st.Events = append(st.Events, map[string]any{"EventName": "UpdateApi", "EventTime": "2026-11-20T09:10:00Z", "EventSource": "apigateway.amazonaws.com", "Username": "alice",
					"CloudTrailEvent": `{"eventName":"UpdateApi","readOnly":false,"requestParameters":{"apiId":"h7k8m9n0p1","corsConfiguration":{"allowCredentials":true}}}`})
			}},
			check: func(t *testing.T, r *Result, f *fakeaws.Server) {
				pb := r.Playbook
				if len(pb.Drift) != 1 || pb.Drift[0].Kind != "not-deployed" || !strings.Contains(pb.Drift[0].Element, "UpdateApi CorsConfiguration") {
					t.Errorf("drift = %+v", pb.Drift)
				}
				if stepStatus(pb, 8) != evidence.StepFailed {
					t.Errorf("step 8 = %s", stepStatus(pb, 8))
				}
			}},
		{desc: "WebSocket API: CORS steps not applicable", sc: scenario{fixture: "http-credentials", opt: Options{APIID: "h7k8m9n0p1"},
			mutate: func(st *fakeaws.State) { st.HTTPAPIs[0].API["protocolType"] = "WEBSOCKET" }},
			check: func(t *testing.T, r *Result, f *fakeaws.Server) {
				if r.API != nil || r.Playbook.Kind != "WEBSOCKET" {
					t.Errorf("kind %s, model %v", r.Playbook.Kind, r.API)
				}
				for _, n := range []int{2, 3, 4, 6, 9} {
					if stepStatus(r.Playbook, n) != evidence.StepSkipped {
						t.Errorf("step %d = %s", n, stepStatus(r.Playbook, n))
					}
				}
				if f.Calls()["apigatewayv2:GetRoutes"] != 0 || f.Calls()["cloudwatch:GetMetricData"] != 0 {
					t.Errorf("calls %s", f.CallSummary())
				}
			}},
		{desc: "access log group deleted", sc: scenario{fixture: "rest-incident", opt: Options{APIID: "a1b2c3d4e5"},
			mutate: func(st *fakeaws.State) { st.LogGroups = st.LogGroups[1:] }},
			check: func(t *testing.T, r *Result, f *fakeaws.Server) {
				n := 0
				for _, g := range r.Playbook.Gaps {
					if g.Step == 3 && g.Cause == "missing-log-group" && strings.Contains(g.Need, "/aws/apigateway/orders-api-prod") {
						n++
					}
				}
				if n != 1 || stepStatus(r.Playbook, 3) != evidence.StepPartial || r.Playbook.Access != nil {
					t.Errorf("%d missing-log-group gaps, step 3 %s: %+v", n, stepStatus(r.Playbook, 3), r.Playbook.Gaps)
				}
				if q := r.Playbook.Log("exec-missing-acao"); q == nil {
					t.Error("execution-log queries did not run")
				}
			}},
		{desc: "logging off, execution log group never created", sc: scenario{fixture: "rest-incident", opt: Options{APIID: "a1b2c3d4e5"},
			mutate: func(st *fakeaws.State) {
				delete(st.RestAPIs[0].Stages[0], "accessLogSettings")
				st.LogGroups = st.LogGroups[2:]
			}},
			check: func(t *testing.T, r *Result, f *fakeaws.Server) {
				var causes []string
				for _, g := range r.Playbook.Gaps {
					causes = append(causes, fmt.Sprintf("%d %s %s", g.Step, g.Cause, g.What))
				}
				got := strings.Join(causes, "; ")
				if !strings.Contains(got, "3 not-configured access logs") || !strings.Contains(got, "9 not-configured execution log group") {
					t.Errorf("gaps: %s", got)
				}
				if f.Calls()["logs:StartQuery"] != 0 {
					t.Errorf("queries started without log groups: %s", f.CallSummary())
				}
			}},
	}
	for _, tt := range tests {
		t.Run(tt.desc, func(t *testing.T) {
			t.Parallel()
			r, f, err := runScenario(t, tt.sc)
			if err != nil {
				t.Fatal(err)
			}
			tt.check(t, r, f)
			if t.Failed() {
				b, _ := json.MarshalIndent(r.Playbook, "", "  ")
				t.Logf("playbook: %s\ncalls: %s", b, f.CallSummary())
			}
		})
	}
}

func TestDiagnoseInputErrors(t *testing.T) {
	tests := []struct {
		desc   string
		sc     scenario
		reason InputReason
	}{
		{"unknown API id", scenario{fixture: "rest-incident", opt: Options{APIID: "nope000000"}}, "unknown-api"},
		{"wrong region", scenario{fixture: "rest-incident", opt: Options{APIID: "a1b2c3d4e5"}, region: "eu-west-1"}, "unknown-api"},
		{"expired credentials", scenario{fixture: "rest-incident", opt: Options{APIID: "a1b2c3d4e5"}, key: fakeaws.ExpiredKey}, "expired-credentials"},
		{"unknown stage", scenario{fixture: "rest-incident", opt: Options{APIID: "a1b2c3d4e5", Stage: "dev"}}, "unknown-stage"},
		{"no API id", scenario{fixture: "rest-incident"}, "bad-option"},
	}
	for _, tt := range tests {
		t.Run(tt.desc, func(t *testing.T) {
			_, _, err := runScenario(t, tt.sc)
			var ie *InputError
			if !errors.As(err, &ie) || ie.Reason != tt.reason || ie.Hint == "" {
				t.Fatalf("err = %v, want InputError %s with a hint", err, tt.reason)
			}
		})
	}
}
