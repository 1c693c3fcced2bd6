// Command genlogs writes a synthetic API Gateway JSON access log for
// corsdoctor's benchmarks (BENCHMARKS.md, "har/logs"). It is
// deterministic for a given -seed, and models the failures corsdoctor
// logs diagnoses: OPTIONS 403 on one route (no OPTIONS method), a DELETE
// that fails while GET works, an intermittent route, and 5xx that begin
// at a deployment (-deploy-at, default the middle of the span).
//
//	go run ./bench/genlogs -size 1GiB -o /tmp/apigw.log
package main

import (
	"bufio"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"strconv"
	"strings"
	"time"
)

func main() {
	size := flag.String("size", "100MiB", "approximate output size (KiB, MiB, GiB suffixes)")
	out := flag.String("o", "-", "output file ('-' for stdout)")
	seed := flag.Uint64("seed", 1, "random seed")
	start := flag.String("start", "2026-11-20T00:00:00Z", "time of the first line")
	rate := flag.Int("rate", 2000, "requests per second of log time")
	style := flag.String("style", "rest", "rest (resourcePath, requestTime) or http (routeKey, requestTimeEpoch)")
	flag.Parse()
	n, err := parseSize(*size)
	if err != nil {
		fmt.Fprintln(os.Stderr, "genlogs:", err)
		os.Exit(2)
	}
	t0, err := time.Parse(time.RFC3339, *start)
	if err != nil {
		fmt.Fprintln(os.Stderr, "genlogs: -start:", err)
		os.Exit(2)
	}
	w := os.Stdout
	if *out != "-" {
		f, err := os.Create(*out)
		if err != nil {
			fmt.Fprintln(os.Stderr, "genlogs:", err)
			os.Exit(2)
		}
		defer f.Close()
		w = f
	}
	bw := bufio.NewWriterSize(w, 1<<20)
	defer bw.Flush()
	if err := generate(bw, n, *seed, t0, *rate, *style == "http"); err != nil {
		fmt.Fprintln(os.Stderr, "genlogs:", err)
		os.Exit(1)
	}
}

func parseSize(s string) (int64, error) {
	mult := int64(1)
	for suf, m := range map[string]int64{"KiB": 1 << 10, "MiB": 1 << 20, "GiB": 1 << 30, "KB": 1e3, "MB": 1e6, "GB": 1e9} {
		if strings.HasSuffix(s, suf) {
			s, mult = strings.TrimSuffix(s, suf), m
			break
		}
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil || v <= 0 {
		return 0, fmt.Errorf("bad -size %q", s)
	}
	return int64(v * float64(mult)), nil
}

type route struct {
	method, path string
	weight       int
}

var routes = []route{
	{"GET", "/items", 30}, {"POST", "/items", 8}, {"OPTIONS", "/items", 8},
	{"GET", "/items/{id}", 20}, {"PUT", "/items/{id}", 4}, {"DELETE", "/items/{id}", 3}, {"OPTIONS", "/items/{id}", 7},
	{"GET", "/users/me", 10}, {"OPTIONS", "/users/me", 3},
	{"POST", "/orders", 4}, {"OPTIONS", "/orders", 3},
}

var origins = []string{"https://app.example.com", "https://admin.example.com", "http://localhost:3000"}

func generate(w *bufio.Writer, size int64, seed uint64, t0 time.Time, rate int, http bool) error {
	rng := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	total := 0
	for _, r := range routes {
		total += r.weight
	}
	// Estimated span: ~260 bytes a line.
	lines := size / 260
	span := time.Duration(lines/int64(rate)) * time.Second
	deploy := t0.Add(span / 2)
	var written int64
	var buf []byte
	for i := int64(0); written < size; i++ {
		t := t0.Add(time.Duration(i) * time.Second / time.Duration(rate))
		pick := rng.IntN(total)
		var r route
		for _, c := range routes {
			if pick < c.weight {
				r = c
				break
			}
			pick -= c.weight
		}
		origin := origins[rng.IntN(len(origins))]
		status, errType := 200, "-"
		switch {
		case r.method == "OPTIONS" && r.path == "/orders":
			status, errType = 403, "MISSING_AUTHENTICATION_TOKEN"
		case r.method == "DELETE":
			if rng.IntN(10) < 8 {
				status, errType = 500, "INTEGRATION_FAILURE"
			}
		case r.method == "GET" && r.path == "/users/me":
			if rng.IntN(3) == 0 {
				status, errType = 502, "INTEGRATION_FAILURE"
			}
		case r.method == "POST" && r.path == "/items" && !t.Before(deploy):
			status, errType = 500, "INTEGRATION_FAILURE"
		case r.method == "OPTIONS":
			status = 204
		case r.method == "POST":
			status = 201
		case rng.IntN(50) == 0:
			status = 404
		}
		buf = buf[:0]
		id := fmt.Sprintf("%08x-%04x-%04x-%04x-%012x", rng.Uint32(), rng.Uint32()&0xffff, rng.Uint32()&0xffff, rng.Uint32()&0xffff, rng.Uint64()&0xffffffffffff)
		ip := fmt.Sprintf("203.0.%d.%d", rng.IntN(256), rng.IntN(256))
		if http {
			buf = fmt.Appendf(buf, `{"requestId":"%s","ip":"%s","requestTimeEpoch":%d,"httpMethod":"%s","routeKey":"%s %s","status":"%d","protocol":"HTTP/1.1","responseLength":"%d","integrationError":"-","origin":"%s"}`+"\n",
				id, ip, t.UnixMilli(), r.method, r.method, r.path, status, rng.IntN(4000), origin)
		} else {
			buf = fmt.Appendf(buf, `{"requestId":"%s","ip":"%s","caller":"-","user":"-","requestTime":"%s","httpMethod":"%s","resourcePath":"%s","status":"%d","protocol":"HTTP/1.1","responseLength":"%d","errorResponseType":"%s","origin":"%s"}`+"\n",
				id, ip, t.UTC().Format("02/Jan/2006:15:04:05 -0700"), r.method, r.path, status, rng.IntN(4000), errType, origin)
		}
		n, err := w.Write(buf)
		if err != nil {
			return err
		}
		written += int64(n)
	}
	fmt.Fprintf(os.Stderr, "genlogs: %d bytes, deployment of the POST /items failure at %s\n", written, deploy.Format(time.RFC3339))
	return nil
}
