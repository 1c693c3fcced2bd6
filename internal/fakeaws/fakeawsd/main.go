// Command fakeawsd serves an internal/fakeaws fixture on a local port, for
// trying `corsdoctor aws diagnose --endpoint-url` without AWS:
//
//	go run ./internal/fakeaws/fakeawsd -fixture internal/fakeaws/testdata/rest-incident.json -addr 127.0.0.1:4566
//	AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE AWS_SECRET_ACCESS_KEY=x corsdoctor aws diagnose \
//	  --endpoint-url http://127.0.0.1:4566 --region us-east-1 --api-id a1b2c3d4e5
//
// Fixture times are shifted so the fixture's "now" is the current minute.
package main

import (
	"flag"
	"fmt"
	"net"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/corsdoctor/corsdoctor/internal/fakeaws"
)

func main() {
	fixture := flag.String("fixture", "", "fixture JSON file (internal/fakeaws/testdata/*.json)")
	addr := flag.String("addr", "127.0.0.1:4566", "loopback address to listen on")
	latency := flag.Duration("latency", 0, "latency added to every call")
	deny := flag.String("deny", "", "comma-separated operations answering AccessDenied (apigateway:GetGatewayResponses,...)")
	keep := flag.Bool("keep-time", false, "serve the fixture's timestamps unchanged")
	flag.Parse()
	if err := run(*fixture, *addr, *latency, *deny, *keep); err != nil {
		fmt.Fprintln(os.Stderr, "fakeawsd: error:", err)
		os.Exit(2)
	}
}

func run(fixture, addr string, latency time.Duration, deny string, keep bool) error {
	if fixture == "" {
		return fmt.Errorf("-fixture is required")
	}
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("-addr %q: %w", addr, err)
	}
	if ip := net.ParseIP(host); ip == nil || !ip.IsLoopback() {
		return fmt.Errorf("-addr %q: only loopback addresses are allowed", addr)
	}
	st, err := fakeaws.LoadFile(fixture)
	if err != nil {
		return err
	}
	if !keep {
		st.Shift(time.Now().UTC().Truncate(time.Minute).Sub(st.Now))
	}
	s := fakeaws.New(st)
	s.Latency = latency
	if deny != "" {
		s.Deny(strings.Split(deny, ",")...)
	}
	fmt.Fprintf(os.Stderr, "fakeawsd: serving %s on http://%s (now %s)\n", fixture, addr, st.Now.Format(time.RFC3339))
	return http.ListenAndServe(addr, s)
}
