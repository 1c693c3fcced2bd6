package apigw

import (
	"context"
	"testing"
	"time"

	"github.com/corsdoctor/corsdoctor/internal/fakeaws"
)

// runLarge runs the whole playbook on 300 resources × 4 methods with the
// given latency per call (default clients: adaptive retry, 1 s polling).
func runLarge(tb testing.TB, latency time.Duration) (*Result, *fakeaws.Server, time.Duration) {
	st := fakeaws.LargeREST(300)
	fake := fakeaws.New(st)
	fake.Latency = latency
	srv := fake.Start()
	tb.Cleanup(srv.Close)
	t0 := time.Now()
	res, err := Diagnose(context.Background(), NewClients(testConfig(srv.URL, "us-east-1", "AKIAIOSFODNN7EXAMPLE"), nil), Options{
		APIID: "big0000001", AppLogGroups: []string{"/app/web"}, Now: func() time.Time { return st.Now },
	})
	if err != nil {
		tb.Fatal(err)
	}
	return res, fake, time.Since(t0)
}

// TestLargeAPIPerformance: control-plane calls do not grow with resources
// × methods (≤ 20 API Gateway calls for 300 × 4); with 50 ms per call the
// whole playbook, widened window included, is measured in BENCHMARKS.md.
func TestLargeAPIPerformance(t *testing.T) {
	res, fake, elapsed := runLarge(t, 50*time.Millisecond)
	n := 0
	for _, r := range res.API.Resources {
		n += len(r.Methods)
	}
	if len(res.API.Resources) != 301 || n != 1200 {
		t.Fatalf("model has %d resources, %d methods", len(res.API.Resources), n)
	}
	apigw := fake.CallsTo("apigateway:") + fake.CallsTo("apigatewayv2:")
	if apigw > 20 {
		t.Errorf("%d API Gateway calls, want ≤ 20: %s", apigw, fake.CallSummary())
	}
	if !res.Playbook.Widened {
		t.Error("window not widened: the worst case was not exercised")
	}
	if len(res.Playbook.Drift) != 0 {
		t.Errorf("drift on an API whose export matches: %+v", res.Playbook.Drift[:min(3, len(res.Playbook.Drift))])
	}
	// The 5 s target is BenchmarkPlaybook300x4's (BENCHMARKS.md), not an
	// assertion: a loaded CI runner is slower.
	t.Logf("%s; API Gateway calls %d; all calls: %s", elapsed, apigw, fake.CallSummary())
}

func BenchmarkPlaybook300x4(b *testing.B) {
	for _, lat := range []time.Duration{0, 50 * time.Millisecond} {
		b.Run("latency="+lat.String(), func(b *testing.B) {
			var calls, apigw int
			for i := 0; i < b.N; i++ {
				_, fake, _ := runLarge(b, lat)
				calls = fake.CallsTo("")
				apigw = fake.CallsTo("apigateway:") + fake.CallsTo("apigatewayv2:")
			}
			b.ReportMetric(float64(calls), "calls/op")
			b.ReportMetric(float64(apigw), "apigw-calls/op")
		})
	}
}
