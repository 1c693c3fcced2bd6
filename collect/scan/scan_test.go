package scan

import (
	"context"
	"net/http/httptest"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/corsdoctor/corsdoctor/bench/scantarget"
	"github.com/corsdoctor/corsdoctor/rules"
)

func newTarget(t *testing.T, cfg scantarget.Config) (*scantarget.Server, string) {
	t.Helper()
	st := scantarget.New(cfg)
	srv := httptest.NewServer(st)
	t.Cleanup(func() {
		st.Close()
		srv.CloseClientConnections()
		srv.Close()
	})
	return st, srv.URL
}

func ruleIDs(r *Result) []string {
	var ids []string
	for _, f := range r.Findings {
		if !slices.Contains(ids, f.RuleID) {
			ids = append(ids, f.RuleID)
		}
	}
	sort.Strings(ids)
	return ids
}

// TestPolicies scans every bench policy: vulnerable ones raise exactly
// their rules, correct ones nothing.
func TestPolicies(t *testing.T) {
	_, base := newTarget(t, scantarget.Config{})
	s := New(Config{Trusted: []string{scantarget.TrustedOrigin}, Rules: rules.Family("CD3"), Timeout: 5 * time.Second})
	defer s.Close()
	for _, p := range scantarget.Policies {
		t.Run(p.Name, func(t *testing.T) {
			tg, err := ParseTarget(base + "/p/" + p.Name)
			if err != nil {
				t.Fatal(err)
			}
			r := s.Scan(context.Background(), tg)
			if r.Err != nil {
				t.Fatalf("scan error: %v", r.Err)
			}
			got := ruleIDs(r)
			want := append([]string(nil), p.Rules...)
			sort.Strings(want)
			if !slices.Equal(got, want) {
				for _, f := range r.Findings {
					t.Logf("%s %s: %s", f.RuleID, f.Severity, f.Detail)
				}
				t.Fatalf("rules = %v, want %v (%d requests)", got, want, r.Requests)
			}
			for _, f := range r.Findings {
				if len(f.Evidence) < 3 || !strings.HasPrefix(f.Evidence[0], "request sent:") || !strings.Contains(strings.Join(f.Evidence, "\n"), "verdict") {
					t.Errorf("%s: evidence lacks request, response or verdict: %q", f.RuleID, f.Evidence)
				}
			}
			t.Logf("%s: %d requests, rules %v", p.Name, r.Requests, got)
		})
	}
}
