package accesslog

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"testing"
	"time"
)

// benchLog returns API Gateway JSON access log lines: the file named by
// CORSDOCTOR_BENCH_LOG (see bench/genlogs), or a generated 16 MiB.
func benchLog(b *testing.B) []byte {
	if name := os.Getenv("CORSDOCTOR_BENCH_LOG"); name != "" {
		data, err := os.ReadFile(name)
		if err != nil {
			b.Fatal(err)
		}
		return data
	}
	var buf bytes.Buffer
	t0 := time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC)
	methods := []string{"GET", "POST", "OPTIONS", "DELETE"}
	paths := []string{"/items", "/items/{id}", "/users/me", "/orders"}
	for i := 0; buf.Len() < 16<<20; i++ {
		st := 200
		if i%7 == 0 {
			st = 403
		}
		fmt.Fprintf(&buf, `{"requestId":"%08x-1c2d-4e5f-8a9b-0c1d2e3f4a5b","ip":"203.0.113.%d","caller":"-","user":"-","requestTime":"%s","httpMethod":"%s","resourcePath":"%s","status":"%d","protocol":"HTTP/1.1","responseLength":"%d","errorResponseType":"-","origin":"https://app.example.com"}`+"\n",
			i, i%256, t0.Add(time.Duration(i)*time.Millisecond).Format("02/Jan/2006:15:04:05 -0700"), methods[i%4], paths[i%3], st, i%4000)
	}
	return buf.Bytes()
}

// BenchmarkScanAPIGwJSON measures one-core throughput of the whole scan
// (read, parse, aggregate) on API Gateway JSON access logs.
func BenchmarkScanAPIGwJSON(b *testing.B) {
	data := benchLog(b)
	in := []Input{{Name: "bench.log", Open: func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(data)), nil }}}
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	cpu0 := cpuTime()
	for b.Loop() {
		st, err := Scan(in, Options{Format: Auto, Workers: 1, Deploys: []time.Time{t0bench}})
		if err != nil || st.Records == 0 || st.Malformed != 0 {
			b.Fatalf("scan: %v, %d records, %d malformed %v", err, st.Records, st.Malformed, st.Bad)
		}
	}
	// On a shared machine wall time says little; CPU time (all threads,
	// GC included) per byte is the throughput one core delivers.
	if cpu := cpuTime() - cpu0; cpu > 0 {
		b.ReportMetric(float64(len(data))*float64(b.N)/cpu.Seconds()/1e6, "MB/cpu-s")
	}
}

var t0bench = time.Date(2026, 11, 20, 0, 5, 0, 0, time.UTC)
