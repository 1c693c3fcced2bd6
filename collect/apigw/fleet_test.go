package apigw

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/corsdoctor/corsdoctor/evidence"
	"github.com/corsdoctor/corsdoctor/internal/fakeaws"
)

// runFleet diagnoses every API of st through clients paced to q, against
// the fake enforcing the same quotas with the given latency.
func runFleet(t testing.TB, st *fakeaws.State, q Quotas, latency time.Duration, backoff bool) (*Fleet, *fakeaws.Server, *Limiter, time.Duration) {
	t.Helper()
	fake := fakeaws.New(st)
	fake.Latency = latency
	fake.EnforceQuotas(fakeaws.Quotas{TotalRate: q.TotalRate, TotalBurst: q.TotalBurst, GetResourcesRate: q.GetResourcesRate, GetResourcesBurst: q.GetResourcesBurst})
	srv := fake.Start()
	t.Cleanup(srv.Close)
	l := NewLimiter(q)
	var bo fastBackoff
	c := NewClientsLimited(testConfig(srv.URL, "us-east-1", "AKIAIOSFODNN7EXAMPLE"), nil, l)
	if backoff {
		c = NewClientsLimited(testConfig(srv.URL, "us-east-1", "AKIAIOSFODNN7EXAMPLE"), bo, l)
	}
	t0 := time.Now()
	f, err := DiagnoseAll(context.Background(), c, AllOptions{Options: Options{Now: func() time.Time { return st.Now }}})
	if err != nil {
		t.Fatal(err)
	}
	return f, fake, l, time.Since(t0)
}

// TestDiagnoseAll: every REST and HTTP API of a Region, configuration
// steps only, paced to the quotas (scaled up so the test is quick): every
// API is reported, the broken one is found, every call went through the
// limiter, and no throttling ended as missing evidence.
func TestDiagnoseAll(t *testing.T) {
	t.Parallel()
	st := fakeaws.Fleet(20, 10)
	// One API lacks an OPTIONS method; one HTTP API without CORS.
	delete(st.RestAPIs[3].Resources[2]["resourceMethods"].(map[string]any), "OPTIONS")
	http, err := fakeaws.LoadFile(filepath.Join("..", "..", "internal", "fakeaws", "testdata", "http-no-cors.json"))
	if err != nil {
		t.Fatal(err)
	}
	st.HTTPAPIs = http.HTTPAPIs
	q := Quotas{TotalRate: 50, TotalBurst: 40, GetResourcesRate: 12.5, GetResourcesBurst: 5}
	f, fake, l, elapsed := runFleet(t, st, q, 2*time.Millisecond, true)
	if len(f.APIs) != 21 || len(f.Errors) != 0 {
		t.Fatalf("%d APIs, errors %v", len(f.APIs), f.Errors)
	}
	for _, r := range f.APIs {
		judge(t, r)
		pb := r.Playbook
		for _, g := range pb.Gaps {
			if g.Cause == "throttled" {
				t.Errorf("%s: throttling was not retried: %+v", pb.APIID, g)
			}
		}
		if stepStatus(pb, 3) != evidence.StepSkipped || stepStatus(pb, 4) != evidence.StepSkipped {
			t.Errorf("%s: window steps ran with --all", pb.APIID)
		}
		want := evidence.StepPassed
		if pb.APIID == "fleet00003" || pb.APIID == "h7k8m9n0p1" {
			want = evidence.StepFailed
		}
		if got := stepStatus(pb, 6); pb.Kind == "REST" && got != want || pb.APIID == "h7k8m9n0p1" && stepStatus(pb, 2) != evidence.StepFailed {
			t.Errorf("%s (%s): step 6 %s, step 2 %s", pb.APIID, pb.Kind, got, stepStatus(pb, 2))
		}
	}
	calls := fake.CallsTo("apigateway:") + fake.CallsTo("apigatewayv2:")
	throttled := 0
	for _, n := range fake.Throttled() {
		throttled += n
	}
	// 2 listings, 5 calls per REST API, 4 per HTTP API; throttled calls
	// are retried.
	if want := 2 + 20*5 + 4; calls != want+throttled || int(l.Calls.Load()) != calls {
		t.Errorf("%d API Gateway calls (%d throttled), limiter paced %d; want %d: %s", calls, throttled, l.Calls.Load(), want, fake.CallSummary())
	}
	if fake.CallsTo("health:")+fake.CallsTo("logs:")+fake.CallsTo("cloudwatch:")+fake.CallsTo("cloudtrail:") != 0 {
		t.Errorf("window or Health calls with --all: %s", fake.CallSummary())
	}
	t.Logf("%s for %d calls (%d GetResources), quota bound %s, %d throttled", elapsed, calls, l.GetResources.Load(), q.Bound(calls, int(l.GetResources.Load())), throttled)
}

// TestDiagnoseAllQuotaBound is the benchmark of BENCHMARKS.md ("aws
// diagnose --all"): 100 REST APIs of 50 resources, the documented quotas
// enforced by the fake, 50 ms per call. The run must finish within 1.1x
// the least time the quotas allow for its calls. It takes about a
// minute, so it runs only with CORSDOCTOR_BENCH_ALL=1 (a wall-clock
// bound does not belong in the regular suite on a shared machine).
func TestDiagnoseAllQuotaBound(t *testing.T) {
	if os.Getenv("CORSDOCTOR_BENCH_ALL") == "" {
		t.Skip("set CORSDOCTOR_BENCH_ALL=1 to run the quota-bound benchmark (about a minute)")
	}
	st := fakeaws.Fleet(100, 50)
	f, fake, l, elapsed := runFleet(t, st, DefaultQuotas, 50*time.Millisecond, false)
	if len(f.APIs) != 100 || len(f.Errors) != 0 {
		t.Fatalf("%d APIs, errors %v", len(f.APIs), f.Errors)
	}
	calls, gr := int(l.Calls.Load()), int(l.GetResources.Load())
	bound := DefaultQuotas.Bound(calls, gr) + 50*time.Millisecond
	throttled := 0
	for _, n := range fake.Throttled() {
		throttled += n
	}
	for _, r := range f.APIs {
		for _, g := range r.Playbook.Gaps {
			if g.Cause == "throttled" {
				t.Errorf("%s: throttling not retried: %+v", r.Playbook.APIID, g)
			}
		}
	}
	t.Logf("100 APIs x 50 resources: %s; %d API Gateway calls (%d GetResources), %d throttled and retried; quota bound %s; ratio %.3f",
		elapsed.Round(time.Millisecond), calls, gr, throttled, bound.Round(time.Millisecond), elapsed.Seconds()/bound.Seconds())
	if elapsed.Seconds() > 1.1*bound.Seconds() {
		t.Errorf("took %s, more than 1.1x the quota bound %s", elapsed, bound)
	}
}

func TestQuotasBound(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		total, gr int
		want      time.Duration
	}{
		{502, 100, 46200 * time.Millisecond}, // total bucket binds: (502-40)/10
		{120, 100, 38 * time.Second},         // GetResources binds: (100-5)/2.5
		{30, 3, 0},                           // within the bursts
	} {
		if got := DefaultQuotas.Bound(tc.total, tc.gr); got != tc.want {
			t.Errorf("Bound(%d, %d) = %s, want %s", tc.total, tc.gr, got, tc.want)
		}
	}
}
