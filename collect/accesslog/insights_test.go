package accesslog

import (
	"strings"
	"testing"
	"time"

	"github.com/corsdoctor/corsdoctor/evidence"
	"github.com/corsdoctor/corsdoctor/internal/golden"
)

func TestInsightsQueryGolden(t *testing.T) {
	t.Parallel()
	golden.Check(t, "testdata/insights.golden", []byte(InsightsQuery(InsightsOptions{})+"\n"))
	q := InsightsQuery(InsightsOptions{Bin: 5 * time.Minute, Errors: true})
	if !strings.Contains(q, "bin(5m)") || !strings.Contains(q, `cdMethod = "OPTIONS"`) {
		t.Errorf("query with options:\n%s", q)
	}
}

func TestStatsFromInsights(t *testing.T) {
	t.Parallel()
	rows := []map[string]string{
		{"minute": "2026-11-20 14:00:00.000", "firstSeen": "2026-11-20 14:00:03.120", "method": "OPTIONS", "route": "/items", "origin": "https://app.example.com", "status": "204", "requests": "40"},
		{"minute": "2026-11-20 14:02:00.000", "firstSeen": "2026-11-20 14:02:11.000", "method": "OPTIONS", "route": "/items", "origin": "https://app.example.com", "status": "403", "requests": "25"},
		{"minute": "2026-11-20 14:02:00.000", "method": "", "route": "POST /orders", "origin": "-", "status": "500", "requests": "3"},
		{"minute": "2026-11-20 14:03:00.000", "method": "GET", "route": "/items", "status": "two hundred", "requests": "1"},
	}
	st := StatsFromInsights("/aws/apigw/access", rows, Options{Deploys: []time.Time{time.Date(2026, 11, 20, 14, 1, 0, 0, time.UTC)}})
	if st.Records != 68 || st.Malformed != 1 || len(st.Bad) != 1 || !strings.HasPrefix(st.Bad[0], "/aws/apigw/access:4: ") {
		t.Fatalf("records %d malformed %d bad %v", st.Records, st.Malformed, st.Bad)
	}
	r := route(t, st, "OPTIONS", "/items")
	if r.Total != 65 || r.Failed() != 25 || !r.FirstError.Equal(time.Date(2026, 11, 20, 14, 2, 11, 0, time.UTC)) {
		t.Errorf("OPTIONS /items: %+v", r)
	}
	o := route(t, st, "POST", "/orders")
	if o.Server != 3 {
		t.Errorf("POST /orders: %+v", o)
	}
	if d := st.Deploys[0]; d.Before.Total != 40 || d.After.Errors != 28 {
		t.Errorf("deploy %+v", d)
	}
}

func TestDeploysFromChanges(t *testing.T) {
	t.Parallel()
	t1 := time.Date(2026, 11, 20, 14, 2, 0, 0, time.UTC)
	t2 := time.Date(2026, 11, 20, 13, 0, 0, 0, time.UTC)
	got := DeploysFromChanges([]evidence.Change{
		{Time: t1, Event: "CreateDeployment", Deploy: true},
		{Time: t1.Add(time.Minute), Event: "PutIntegrationResponse"},
		{Time: t2, Event: "UpdateStage", Deploy: true},
		{Time: t1, Event: "CreateDeployment", Deploy: true, Source: "deployments"},
	})
	if len(got) != 2 || !got[0].Equal(t2) || !got[1].Equal(t1) {
		t.Errorf("got %v, want [%v %v]", got, t2, t1)
	}
}
