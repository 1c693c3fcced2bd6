package cli

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/corsdoctor/corsdoctor/collect/probe"
	"github.com/corsdoctor/corsdoctor/cors"
	"github.com/corsdoctor/corsdoctor/internal/app/check"
	"github.com/corsdoctor/corsdoctor/report"
)

// The check performance target: corsdoctor adds at most 2 ms of its own
// time over the network round trips. BenchmarkRawRoundTrips sends the
// same two requests (preflight + PUT) with a bare net/http client;
// BenchmarkCheck runs check's pipeline (probe, engine, rules, JSON
// document, text rendering) and reports own-µs/op: wall time minus the
// measured round trips. Run both in one invocation and compare.

func benchServer(b *testing.B) *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Access-Control-Allow-Origin", r.Header.Get("Origin"))
		h.Set("Vary", "Origin")
		if r.Method == http.MethodOptions {
			h.Set("Access-Control-Allow-Methods", "GET, PUT")
			h.Set("Access-Control-Allow-Headers", "content-type, authorization")
			h.Set("Access-Control-Max-Age", "7200")
			w.WriteHeader(204)
			return
		}
		_, _ = io.WriteString(w, `{"id":1}`)
	}))
	b.Cleanup(srv.Close)
	return srv
}

func BenchmarkRawRoundTrips(b *testing.B) {
	srv := benchServer(b)
	client := &http.Client{Transport: &http.Transport{}}
	do := func(method string, h map[string]string, body string) {
		req, _ := http.NewRequest(method, srv.URL+"/items", strings.NewReader(body))
		for k, v := range h {
			req.Header.Set(k, v)
		}
		resp, err := client.Do(req)
		if err != nil {
			b.Fatal(err)
		}
		_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, probe.MaxBody))
		resp.Body.Close()
	}
	b.ReportAllocs()
	for b.Loop() {
		do("OPTIONS", map[string]string{"Origin": "https://app.example.com", "Access-Control-Request-Method": "PUT", "Access-Control-Request-Headers": "authorization,content-type"}, "")
		do("PUT", map[string]string{"Origin": "https://app.example.com", "Content-Type": "application/json", "Authorization": "Bearer x"}, `{"a":1}`)
	}
}

func benchCheck(b *testing.B, repeat int, noExtra bool) {
	srv := benchServer(b)
	spec := check.Spec{
		URL: srv.URL + "/items", Origins: []string{"https://app.example.com"}, Body: []byte(`{"a":1}`),
		Request: cors.Request{Method: "PUT", Body: cors.BodySimple, Headers: []cors.Header{
			{Name: "Content-Type", Value: "application/json"}, {Name: "Authorization", Value: "Bearer x"}}},
		Repeat: repeat, NoExtra: noExtra, Timeout: 5 * time.Second,
	}
	p := probe.New(probe.Options{Repeat: repeat, NoExtra: noExtra})
	defer p.Close()
	spec.Prober = p
	var own time.Duration
	b.ReportAllocs()
	for b.Loop() {
		t0 := time.Now()
		out := check.Run(context.Background(), spec)
		if err := report.Text(io.Discard, out.Doc, report.TextOptions{Curl: out.Curl, Notes: out.Notes}); err != nil {
			b.Fatal(err)
		}
		if !out.Exchanges[0].Result.Allowed {
			b.Fatal("blocked")
		}
		own += time.Since(t0) - out.Network
	}
	b.ReportMetric(float64(own.Microseconds())/float64(b.N), "own-µs/op")
}

// BenchmarkCheck: the same two requests as BenchmarkRawRoundTrips.
func BenchmarkCheck(b *testing.B) { benchCheck(b, 0, true) }

// BenchmarkCheckDefault: check's defaults (error-path and no-auth probes,
// 3 repeats: 12 requests).
func BenchmarkCheckDefault(b *testing.B) { benchCheck(b, 3, false) }
