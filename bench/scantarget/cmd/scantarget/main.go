// Command scantarget serves the bench target of package scantarget on a
// loopback address and writes a target list for `corsdoctor scan`.
//
//	go run ./bench/scantarget/cmd/scantarget -addr 127.0.0.1:8089 -latency 20ms -n 100000 -targets /tmp/targets.txt
//
// It prints the base URL, then serves until interrupted, and prints the
// number of requests received when it stops.
package main

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/signal"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/corsdoctor/corsdoctor/bench/scantarget"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:0", "listen address (loopback)")
	latency := flag.Duration("latency", 0, "delay before every response")
	n := flag.Int("n", 0, "write N bulk endpoints /e/0 ... /e/N-1 to -targets")
	faults := flag.Bool("faults", false, "also list the misbehaving endpoints in -targets")
	targets := flag.String("targets", "", "file to write the target list to")
	slow := flag.Duration("slow-headers", 30*time.Second, "delay of /fault/slow-headers")
	flag.Parse()

	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		fmt.Fprintln(os.Stderr, "scantarget:", err)
		os.Exit(2)
	}
	base := "http://" + ln.Addr().String()
	if *targets != "" {
		if err := writeTargets(*targets, base, *n, *faults); err != nil {
			fmt.Fprintln(os.Stderr, "scantarget:", err)
			os.Exit(2)
		}
	}
	st := scantarget.New(scantarget.Config{Latency: *latency, SlowHeaders: *slow})
	var conns atomic.Int64
	srv := &http.Server{Handler: st, ReadHeaderTimeout: 10 * time.Second,
		ConnState: func(_ net.Conn, s http.ConnState) {
			if s == http.StateNew {
				conns.Add(1)
			}
		}}
	fmt.Println(base)
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	go func() {
		<-ctx.Done()
		st.Close()
		c, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		srv.Shutdown(c)
	}()
	if err := srv.Serve(ln); err != nil && err != http.ErrServerClosed {
		fmt.Fprintln(os.Stderr, "scantarget:", err)
		os.Exit(1)
	}
	fmt.Fprintf(os.Stderr, "scantarget: %d requests over %d connections\n", st.Requests(), conns.Load())
}

func writeTargets(name, base string, n int, faults bool) error {
	f, err := os.Create(name)
	if err != nil {
		return err
	}
	w := bufio.NewWriter(f)
	for i := 0; i < n; i++ {
		fmt.Fprintf(w, "%s/e/%d\n", base, i)
	}
	if faults {
		for _, fl := range scantarget.Faults {
			fmt.Fprintf(w, "%s/fault/%s\n", base, fl)
		}
	}
	if err := w.Flush(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
