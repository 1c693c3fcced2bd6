package scan

import (
	"context"
	"net/http/httptest"
	"slices"
	"testing"

	"github.com/corsdoctor/corsdoctor/bench/scantarget"
	"github.com/corsdoctor/corsdoctor/lab"
)

// TestLab scans lab endpoints whose CORS policy is a security statement,
// served on http://127.0.0.1 and under a host name mapped to loopback
// over http (attacked from http pages) and https: the correct ones raise
// nothing, the nginx $http_origin echo is reported as reflection and as
// a cache-poisoning risk.
func TestLab(t *testing.T) {
	loop := httptest.NewServer(lab.Handler())
	defer loop.Close()
	plain, err := scantarget.ServeNamed(lab.Handler(), namedHost, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer plain.Close()
	cert, err := scantarget.NewCert(namedHost)
	if err != nil {
		t.Fatal(err)
	}
	secure, err := scantarget.ServeNamed(lab.Handler(), namedHost, cert)
	if err != nil {
		t.Fatal(err)
	}
	defer secure.Close()
	for _, su := range []setup{
		{"loopback-http", "https", loop.URL, Config{}},
		{"named-http", "http", plain.URL, Config{Resolve: plain.Resolve}},
		{"named-https", "https", secure.URL, Config{Resolve: secure.Resolve, RootCAs: cert.Pool}},
	} {
		t.Run(su.name, func(t *testing.T) {
			for _, tc := range []struct {
				path string
				want []string
			}{
				{"/ok/simple", nil},
				{"/ok/preflight", nil},
				{"/ok/credentials", nil},
				{"/ok/public", nil},
				{"/aws/http/items", nil},
				{"/app/dev-only-allowlist", nil},
				{"/app/dev-only-allowlist?env=prod", nil},
				{"/app/origin-not-allowed", nil},
				{"/app/no-vary", []string{"CD3001", "CD3014"}},
			} {
				t.Run(tc.path, func(t *testing.T) {
					c, ok := lab.Lookup(tc.path)
					if !ok {
						t.Fatalf("no lab case %s", tc.path)
					}
					cfg := su.cfg
					cfg.Trusted = append([]string{c.Origin}, c.AlsoOrigins...)
					s := New(cfg)
					defer s.Close()
					tg, err := ParseTarget(c.Method + " " + su.base + c.Path)
					if err != nil {
						t.Fatal(err)
					}
					r := s.Scan(context.Background(), tg)
					if r.Err != nil {
						t.Fatal(r.Err)
					}
					if got := ruleIDs(judge(r)); !slices.Equal(got, tc.want) {
						for _, f := range judge(r) {
							t.Logf("%s: %s %q", f.RuleID, f.Detail, f.Evidence)
						}
						t.Fatalf("rules %v, want %v", got, tc.want)
					}
				})
			}
		})
	}
}
