package scan

import (
	"context"
	"net/http/httptest"
	"testing"

	"github.com/corsdoctor/corsdoctor/bench/scantarget"
)

// BenchmarkScan scans and judges one target per iteration against an
// in-process loopback target: an allowlist endpoint (14 probes, the most
// expensive kind adaptively) and a reflecting one (2). ns/request covers
// client and server: HTTP both ways, engine verdicts, rules
// (bench/scan.sh measures the client alone, in its own process).
//
//	go test -run '^$' -bench Scan -benchtime 200ms ./collect/scan
func BenchmarkScan(b *testing.B) {
	for _, policy := range []string{"ok", "reflect-creds"} {
		b.Run(policy, func(b *testing.B) {
			st := scantarget.New(scantarget.Config{})
			srv := httptest.NewServer(st)
			defer srv.Close()
			defer st.Close()
			s := New(Config{Trusted: []string{scantarget.TrustedOrigin}})
			defer s.Close()
			tg, err := ParseTarget(srv.URL + "/p/" + policy)
			if err != nil {
				b.Fatal(err)
			}
			requests := 0
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				r := s.Scan(context.Background(), tg)
				if r.Err != nil {
					b.Fatal(r.Err)
				}
				judge(r)
				requests += r.Requests
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(requests), "ns/request")
			b.ReportMetric(float64(requests)/float64(b.N), "requests/op")
		})
	}
}
