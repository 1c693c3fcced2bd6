package scan

import (
	"context"
	"net/http/httptest"
	"slices"
	"testing"

	"github.com/corsdoctor/corsdoctor/lab"
)

// TestLab scans lab endpoints whose CORS policy is a security statement:
// the correct ones raise nothing, the nginx $http_origin echo is reported
// as reflection and as a cache-poisoning risk.
func TestLab(t *testing.T) {
	srv := httptest.NewServer(lab.Handler())
	defer srv.Close()
	for _, tc := range []struct {
		path string
		want []string
	}{
		{"/ok/public", nil},
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
			s := New(Config{Trusted: append([]string{c.Origin}, c.AlsoOrigins...)})
			defer s.Close()
			tg, err := ParseTarget(c.Method + " " + srv.URL + c.Path)
			if err != nil {
				t.Fatal(err)
			}
			r := s.Scan(context.Background(), tg)
			if r.Err != nil {
				t.Fatal(r.Err)
			}
			if got := ruleIDs(judge(r)); !slices.Equal(got, tc.want) {
				t.Fatalf("rules %v, want %v", got, tc.want)
			}
		})
	}
}
