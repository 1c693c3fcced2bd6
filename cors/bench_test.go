package cors

import (
	"net/http"
	"testing"
)

// The issue 2 target: one complete evaluation (preflight decision,
// preflight check, actual check) in at most 1 µs and 3 allocations.
var (
	benchReq = Request{
		Origin: "https://app.example.com",
		URL:    "https://api.example.com/items/42",
		Method: "PUT",
		Body:   BodySimple,
		Headers: []Header{
			{"Content-Type", "application/json"},
			{"X-Request-Id", "7f3c9a2e"},
		},
	}
	benchPreflight = Response{Status: 204, Header: http.Header{
		"Access-Control-Allow-Origin":  {"https://app.example.com"},
		"Access-Control-Allow-Methods": {"GET, PUT, POST, DELETE"},
		"Access-Control-Allow-Headers": {"Content-Type, X-Request-Id"},
		"Access-Control-Max-Age":       {"7200"},
	}}
	benchActual = Response{Status: 200, Header: http.Header{
		"Access-Control-Allow-Origin": {"https://app.example.com"},
		"Content-Type":                {"application/json"},
	}}
	benchBlockedPreflight = Response{Status: 200, Header: http.Header{
		"Access-Control-Allow-Origin":  {"https://app.example.com"},
		"Access-Control-Allow-Methods": {"GET,PUT,OPTIONS"},
		"Access-Control-Allow-Headers": {"Content-Type,X-Amz-Date,Authorization,X-Api-Key,X-Amz-Security-Token"},
	}}
)

// BenchmarkEvaluate is the allowed, preflighted PUT.
func BenchmarkEvaluate(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		r := Evaluate(&benchReq, Hop{Preflight: &benchPreflight, Response: &benchActual})
		if !r.Allowed {
			b.Fatal(r.ConsoleMessage())
		}
	}
}

// BenchmarkEvaluateBlocked is the same request refused at the preflight
// (x-request-id not allowed), console message included.
func BenchmarkEvaluateBlocked(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		r := Evaluate(&benchReq, Hop{Preflight: &benchBlockedPreflight, Response: &benchActual})
		if r.Error != HeaderDisallowedByPreflightResponse || r.ConsoleMessage() == "" {
			b.Fatal(r.Error)
		}
	}
}

// BenchmarkPlanRequest is the preflight decision alone.
func BenchmarkPlanRequest(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if p := PlanRequest(&benchReq); !p.Required {
			b.Fatal("no preflight")
		}
	}
}

// TestEvaluateAllocs guards the allocation budget of the issue 2 target,
// for every engine (issue 20: the same budget per engine).
func TestEvaluateAllocs(t *testing.T) {
	for _, e := range Engines {
		req := benchReq
		req.Engine = e
		for _, hop := range []Hop{{Preflight: &benchPreflight, Response: &benchActual}, {Preflight: &benchBlockedPreflight, Response: &benchActual}} {
			n := testing.AllocsPerRun(100, func() {
				Evaluate(&req, hop)
			})
			if n > 3 {
				t.Errorf("%s: Evaluate allocates %v times per run, want at most 3", e, n)
			}
		}
	}
}

// BenchmarkEvaluateEngines is BenchmarkEvaluate and
// BenchmarkEvaluateBlocked for each engine; the blocked case renders the
// engine's console lines.
func BenchmarkEvaluateEngines(b *testing.B) {
	for _, e := range Engines {
		req := benchReq
		req.Engine = e
		b.Run(e.String()+"/allowed", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if r := Evaluate(&req, Hop{Preflight: &benchPreflight, Response: &benchActual}); !r.Allowed {
					b.Fatal(r.ConsoleMessage())
				}
			}
		})
		b.Run(e.String()+"/blocked", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				r := Evaluate(&req, Hop{Preflight: &benchBlockedPreflight, Response: &benchActual})
				if r.Error != HeaderDisallowedByPreflightResponse || r.ConsoleMessage() == "" {
					b.Fatal(r.Error)
				}
			}
		})
	}
}
