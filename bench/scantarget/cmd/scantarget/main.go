// Command scantarget serves the bench target of package scantarget on
// loopback addresses and writes a target list for `corsdoctor scan`.
//
//	go run ./bench/scantarget/cmd/scantarget -addr 127.0.0.1:8089 -latency 20ms -n 100000 -targets /tmp/targets.txt
//	go run ./bench/scantarget/cmd/scantarget -hosts 50 -n 10000 -mix wild -targets /tmp/targets.txt
//
// It prints the base URL of each host, one per line, then serves until
// interrupted, and prints the number of requests received when it stops.
// GET /_stats on any host answers the requests received and the most
// requests one host got within 1 s and 10 s, as JSON ("?reset=1" starts
// over).
package main

import (
	"bufio"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/signal"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/corsdoctor/corsdoctor/bench/scantarget"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:0", "listen address of the first host (loopback); further hosts take free ports")
	hosts := flag.Int("hosts", 1, "serve on N loopback ports: N hosts for --per-host-rate")
	latency := flag.Duration("latency", 0, "delay before every response")
	n := flag.Int("n", 0, "write N bulk targets to -targets, spread round-robin over the hosts")
	mix := flag.String("mix", "cycle", "target mix: cycle (/e/N, every policy in turn) or wild (scantarget.WildMix: half without CORS, 40% vulnerable)")
	faults := flag.Bool("faults", false, "also list the misbehaving endpoints in -targets")
	targets := flag.String("targets", "", "file to write the target list to")
	slow := flag.Duration("slow-headers", 30*time.Second, "delay of /fault/slow-headers")
	trusted := flag.String("trusted", scantarget.TrustedOrigin, "the front-end origin the allowlist policies trust (http://app.example.com for an http API)")
	flag.Parse()
	if *hosts < 1 || *mix != "cycle" && *mix != "wild" {
		fmt.Fprintln(os.Stderr, "scantarget: -hosts must be at least 1 and -mix cycle or wild")
		os.Exit(2)
	}

	st := scantarget.New(scantarget.Config{Latency: *latency, SlowHeaders: *slow, Trusted: *trusted, RecordTimes: *hosts > 1})
	var conns atomic.Int64
	var lns []net.Listener
	var bases []string
	for i := 0; i < *hosts; i++ {
		a := *addr
		if i > 0 {
			host, _, _ := net.SplitHostPort(*addr)
			a = net.JoinHostPort(host, "0")
		}
		ln, err := net.Listen("tcp", a)
		if err != nil {
			fmt.Fprintln(os.Stderr, "scantarget:", err)
			os.Exit(2)
		}
		lns = append(lns, ln)
		bases = append(bases, "http://"+ln.Addr().String())
	}
	if *targets != "" {
		if err := writeTargets(*targets, bases, *n, *mix, *faults); err != nil {
			fmt.Fprintln(os.Stderr, "scantarget:", err)
			os.Exit(2)
		}
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/_stats", func(w http.ResponseWriter, r *http.Request) {
		stats(w, r, st)
	})
	mux.Handle("/", st)
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second,
		ConnState: func(_ net.Conn, s http.ConnState) {
			if s == http.StateNew {
				conns.Add(1)
			}
		}}
	for _, b := range bases {
		fmt.Println(b)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	go func() {
		<-ctx.Done()
		st.Close()
		c, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		srv.Shutdown(c)
	}()
	var wg sync.WaitGroup
	for _, ln := range lns {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := srv.Serve(ln); err != nil && err != http.ErrServerClosed {
				fmt.Fprintln(os.Stderr, "scantarget:", err)
				os.Exit(1)
			}
		}()
	}
	wg.Wait()
	fmt.Fprintf(os.Stderr, "scantarget: %d requests over %d connections\n", st.Requests(), conns.Load())
}

var statsMu sync.Mutex
var statsBase int64

// stats answers {"requests", "hosts", "peak_per_host_per_second",
// "peak_per_host_per_10s"}: the most requests one host got within any
// 1 s and 10 s, since the last reset.
func stats(w http.ResponseWriter, r *http.Request, st *scantarget.Server) {
	statsMu.Lock()
	defer statsMu.Unlock()
	peak := func(w time.Duration) int {
		p := 0
		for _, n := range st.PeakRates(w) {
			p = max(p, n)
		}
		return p
	}
	out := map[string]any{"requests": st.Requests() - statsBase, "hosts": len(st.PeakRates(time.Second)),
		"peak_per_host_per_second": peak(time.Second), "peak_per_host_per_10s": peak(10 * time.Second)}
	if r.URL.Query().Get("reset") == "1" {
		st.ResetTimes()
		statsBase = st.Requests()
	}
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(out)
}

func writeTargets(name string, bases []string, n int, mix string, faults bool) error {
	f, err := os.Create(name)
	if err != nil {
		return err
	}
	w := bufio.NewWriter(f)
	wild := scantarget.WildMix()
	for i := 0; i < n; i++ {
		base := bases[i%len(bases)]
		if mix == "wild" {
			// Every host cycles through the whole mix, so the hosts
			// carry the same load.
			fmt.Fprintf(w, "%s/p/%s?i=%d\n", base, wild[(i/len(bases))%len(wild)], i)
		} else {
			fmt.Fprintf(w, "%s/e/%d\n", base, i)
		}
	}
	if faults {
		for _, fl := range scantarget.Faults {
			fmt.Fprintf(w, "%s/fault/%s\n", bases[0], fl)
		}
	}
	if err := w.Flush(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
