package rules

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/corsdoctor/corsdoctor/diag"
	"github.com/corsdoctor/corsdoctor/evidence"
)

// Helpers of the CD40xx access-log rules (corsdoctor logs), which read
// diag.Input.Logs.

// Thresholds: a rate needs this many requests before it means anything.
const (
	logMinRequests = 5
	logHighRate    = 0.5
	logLowRate     = 0.1
)

func logStats(p *diag.Pass) *evidence.LogStats {
	if in := p.Input(); in != nil {
		return in.Logs
	}
	return nil
}

func rate(n, total int64) float64 {
	if total == 0 {
		return 0
	}
	return float64(n) / float64(total)
}

func pct(f float64) string { return fmt.Sprintf("%.1f%%", 100*f) }

func logTime(t time.Time) string {
	if t.IsZero() {
		return "(no time)"
	}
	return t.UTC().Format("2006-01-02 15:04:05 UTC")
}

// statusList renders "403×120, 500×3", most frequent first.
func statusList(m map[int]int64, onlyFailed string) string {
	type kv struct {
		s int
		n int64
	}
	var l []kv
	for s, n := range m {
		bad := s >= 400 || (onlyFailed == "OPTIONS" && (s < 200 || s > 299))
		if onlyFailed != "" && !bad {
			continue
		}
		l = append(l, kv{s, n})
	}
	sort.Slice(l, func(i, j int) bool {
		if l[i].n != l[j].n {
			return l[i].n > l[j].n
		}
		return l[i].s < l[j].s
	})
	var parts []string
	for _, e := range l {
		parts = append(parts, fmt.Sprintf("%d×%d", e.s, e.n))
	}
	return strings.Join(parts, ", ")
}

func typeList(m map[string]int64) string {
	var ks []string
	for k := range m {
		ks = append(ks, k)
	}
	sort.Slice(ks, func(i, j int) bool {
		if m[ks[i]] != m[ks[j]] {
			return m[ks[i]] > m[ks[j]]
		}
		return ks[i] < ks[j]
	})
	parts := make([]string, len(ks))
	for i, k := range ks {
		parts[i] = fmt.Sprintf("%s×%d", k, m[k])
	}
	return strings.Join(parts, ", ")
}

// routeLine is the evidence line of a route's counts.
func routeLine(r *evidence.RouteStats) string {
	s := fmt.Sprintf("%s %s: %d requests, %d failed (%s)", r.Method, r.Route, r.Total, r.Failed(), pct(rate(r.Failed(), r.Total)))
	if st := statusList(r.Statuses, r.Method); st != "" {
		s += "; " + st
	}
	if len(r.Errors) > 0 {
		s += "; error types " + typeList(r.Errors)
	}
	return s
}

// logsFixPlatform guesses the platform of the logs for the fix: API
// Gateway JSON access logs are REST or HTTP APIs; nginx and CloudFront
// logs name themselves.
func logsFixPlatform(st *evidence.LogStats) diag.Platform {
	apigw := false
	for _, f := range st.Formats {
		if f == "apigw-json" || f == "cwl-events" || f == "logs-insights" {
			apigw = true
		}
	}
	if apigw {
		for _, r := range st.Routes {
			if r.Route == "$default" || strings.HasPrefix(r.Route, "ANY") {
				return diag.APIGwHTTP
			}
		}
		return diag.APIGwREST
	}
	for _, f := range st.Formats {
		switch f {
		case "nginx":
			return diag.Nginx
		case "cloudfront":
			return diag.CloudFront
		}
	}
	return diag.Generic
}

// methodFailure is a method of a route that fails (>= logHighRate) while
// another method of the same route works (<= logLowRate): Diagnosis 6 of
// the seed runbook, read from an access-log aggregate.
type methodFailure struct{ bad, good *evidence.RouteStats }

// methodFailures finds them, routes in aggregate order. CD4002 reports
// them from the logs; CD4055 adds what the API's configuration says.
func methodFailures(st *evidence.LogStats) []methodFailure {
	byRoute := map[string][]*evidence.RouteStats{}
	var order []string
	for i := range st.Routes {
		r := &st.Routes[i]
		if r.Method == "OPTIONS" {
			continue
		}
		if byRoute[r.Route] == nil {
			order = append(order, r.Route)
		}
		byRoute[r.Route] = append(byRoute[r.Route], r)
	}
	var out []methodFailure
	for _, route := range order {
		rs := byRoute[route]
		var good *evidence.RouteStats
		for _, r := range rs {
			if r.Total >= logMinRequests && rate(r.Failed(), r.Total) <= logLowRate && (good == nil || r.Total > good.Total) {
				good = r
			}
		}
		if good == nil {
			continue
		}
		for _, r := range rs {
			if r.Total < logMinRequests || rate(r.Failed(), r.Total) < logHighRate {
				continue
			}
			out = append(out, methodFailure{bad: r, good: good})
		}
	}
	return out
}
