package evidence

import (
	"testing"
	"time"
)

func TestSeriesRise(t *testing.T) {
	t.Parallel()
	t0 := time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC)
	mk := func(vals ...float64) *Series {
		s := &Series{Name: "4XX"}
		for i, v := range vals {
			s.Points = append(s.Points, Point{T: t0.Add(time.Duration(i) * time.Minute), V: v})
		}
		return s
	}
	for _, tc := range []struct {
		desc string
		s    *Series
		ok   bool
		at   int
	}{
		{"step up at minute 5", mk(0, 1, 0, 1, 0, 20, 22, 19, 21), true, 5},
		{"flat", mk(5, 5, 5, 5, 5, 5), false, 0},
		{"falling", mk(20, 20, 20, 1, 1, 1), false, 0},
		{"too short", mk(0, 10, 10), false, 0},
		{"small rise below 1/min", mk(0, 0, 0, 0.4, 0.5, 0.5), false, 0},
		{"nil", nil, false, 0},
	} {
		t.Run(tc.desc, func(t *testing.T) {
			r, ok := tc.s.Rise()
			if ok != tc.ok || ok && !r.At.Equal(t0.Add(time.Duration(tc.at)*time.Minute)) {
				t.Fatalf("Rise = %+v %v, want ok=%v at minute %d", r, ok, tc.ok, tc.at)
			}
		})
	}
	// Missing minutes count as zero (CloudWatch omits empty periods).
	s := &Series{Name: "4XX", Points: []Point{{t0, 0}, {t0.Add(10 * time.Minute), 30}, {t0.Add(11 * time.Minute), 30}, {t0.Add(12 * time.Minute), 30}}}
	if r, ok := s.Rise(); !ok || !r.At.Equal(t0.Add(10*time.Minute)) {
		t.Errorf("gap-filled rise = %+v %v", r, ok)
	}
}

func TestCorrelated(t *testing.T) {
	t.Parallel()
	t0 := time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC)
	pb := &Playbook{}
	s := Series{Name: "4XX"}
	for i := 0; i < 30; i++ {
		v := 0.0
		if i >= 20 {
			v = 10
		}
		s.Points = append(s.Points, Point{T: t0.Add(time.Duration(i) * time.Minute), V: v})
	}
	pb.Metrics = []Series{s}
	if pb.Correlated() {
		t.Fatal("correlated without a change or log evidence")
	}
	pb.Changes = []Change{{Time: t0.Add(19 * time.Minute), Event: "CreateDeployment", CORS: true, Deploy: true}}
	if !pb.Correlated() {
		t.Fatal("deployment one minute before the rise does not correlate")
	}
	pb.Changes[0].Time = t0.Add(-time.Hour)
	if pb.Correlated() {
		t.Fatal("deployment long before the rise correlates")
	}
}
