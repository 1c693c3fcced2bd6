package rules

import (
	"testing"
	"time"

	"github.com/corsdoctor/corsdoctor/diag"
	"github.com/corsdoctor/corsdoctor/evidence"
)

var logT0 = time.Date(2026, 11, 20, 14, 0, 0, 0, time.UTC)

// logRoute builds a route's counts from statuses.
func logRoute(method, route string, statuses map[int]int64) evidence.RouteStats {
	r := evidence.RouteStats{Method: method, Route: route, Statuses: statuses,
		FirstOK: logT0, FirstError: logT0.Add(time.Minute), FirstErrorAt: evidence.Source{File: "access.log", Line: 42}}
	for s, n := range statuses {
		r.Total += n
		switch {
		case s >= 500:
			r.Server += n
		case s >= 400:
			r.Client += n
		case method == "OPTIONS" && (s < 200 || s > 299):
			r.Other += n
		}
	}
	return r
}

func logInput(st *evidence.LogStats) func(*testing.T) *diag.Input {
	return func(*testing.T) *diag.Input {
		if st.Formats == nil {
			st.Formats = []string{"apigw-json"}
		}
		return &diag.Input{Logs: st}
	}
}
