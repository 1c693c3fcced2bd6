package accesslog

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/corsdoctor/corsdoctor/evidence"
)

// InsightsOptions shape the Logs Insights query.
type InsightsOptions struct {
	// Bin is the time bucket (default one minute, the local report's
	// resolution).
	Bin time.Duration
	// Errors keeps only failed requests (4xx/5xx and OPTIONS that are not
	// 2xx): fewer rows, but no failure rates.
	Errors bool
}

// InsightsQuery returns the CloudWatch Logs Insights query computing,
// inside Logs Insights, the aggregation `corsdoctor logs` computes
// locally: requests per time bin, method, route, page origin and status.
// It works on API Gateway JSON access logs (REST: httpMethod,
// resourcePath; HTTP API: routeKey; any log with a path field), with the
// origin when logged. Feed the result rows (field name to value, as
// GetQueryResults returns them) to StatsFromInsights to obtain the same
// LogStats, rules and report as a local scan. The time range is not part
// of the query: give it to StartQuery.
func InsightsQuery(opt InsightsOptions) string {
	bin := opt.Bin
	if bin <= 0 {
		bin = time.Minute
	}
	var b strings.Builder
	b.WriteString("fields @timestamp, coalesce(httpMethod, method, http_method) as cdMethod,\n")
	b.WriteString("       coalesce(routeKey, resourcePath, path) as cdRoute,\n")
	b.WriteString("       coalesce(origin, requestOrigin, \"-\") as cdOrigin,\n")
	b.WriteString("       coalesce(status, statusCode) as cdStatus\n")
	b.WriteString("| filter ispresent(cdStatus)\n")
	if opt.Errors {
		b.WriteString("| filter cdStatus >= 400 or (cdMethod = \"OPTIONS\" and (cdStatus < 200 or cdStatus >= 300))\n")
	}
	fmt.Fprintf(&b, "| stats count(*) as requests, min(@timestamp) as firstSeen by bin(%s) as minute, cdMethod as method, cdRoute as route, cdOrigin as origin, cdStatus as status\n", insightsDuration(bin))
	b.WriteString("| sort minute asc\n")
	b.WriteString("| limit 10000")
	return b.String()
}

func insightsDuration(d time.Duration) string {
	switch {
	case d%time.Hour == 0:
		return strconv.FormatInt(int64(d/time.Hour), 10) + "h"
	case d%time.Minute == 0:
		return strconv.FormatInt(int64(d/time.Minute), 10) + "m"
	}
	return strconv.FormatInt(max(int64(d/time.Second), 1), 10) + "s"
}

// StatsFromInsights aggregates the result rows of InsightsQuery into the
// LogStats a local scan produces, applying opt's deployments, window and
// time range. source names the log group in locations. Rows that cannot
// be read are counted as malformed with their row number. Flips
// (intermittence) are counted between consecutive bins.
func StatsFromInsights(source string, rows []map[string]string, opt Options) *evidence.LogStats {
	a := newAggregator(&opt)
	a.files = []string{source}
	a.formats["logs-insights"] = true
	p := &parser{format: APIGwJSON}
	for i, row := range rows {
		a.lines++
		rec, n, err := p.insightsRow(row)
		if err != nil {
			a.malformedLine(source, i+1, err)
			continue
		}
		a.addN(&rec, source, i+1, n)
	}
	st := a.stats()
	if len(opt.Deploys) > 0 {
		st.Window = opt.window()
	}
	return st
}

func (p *parser) insightsRow(row map[string]string) (Record, int64, error) {
	var rec Record
	st, ok := atoi([]byte(row["status"]))
	if !ok {
		return rec, 0, fmt.Errorf("row: status %q is not a number", row["status"])
	}
	rec.Status = st
	n, err := strconv.ParseInt(row["requests"], 10, 64)
	if err != nil || n < 1 {
		return rec, 0, fmt.Errorf("row: requests %q is not a positive count", row["requests"])
	}
	rec.Method = []byte(row["method"])
	route := row["route"]
	if m, r, ok := strings.Cut(route, " "); ok && strings.Contains(route, "/") {
		if len(rec.Method) == 0 {
			rec.Method = []byte(m)
		}
		route = r
	}
	if len(rec.Method) == 0 {
		return rec, 0, fmt.Errorf("row: no method")
	}
	rec.Route = []byte(route)
	if route == "" {
		rec.Route = dash
	}
	if o := row["origin"]; o != "" && o != "-" {
		rec.Origin = p.cleanOrigin([]byte(o))
	}
	t := row["firstSeen"]
	if t == "" {
		t = row["minute"]
	}
	if t != "" {
		// Logs Insights prints "2026-11-20 00:01:00.000".
		ms, ok := parseISO([]byte(strings.Replace(t, " ", "T", 1) + "Z"))
		if !ok {
			ms, ok = parseISO([]byte(t))
		}
		if !ok {
			return rec, 0, fmt.Errorf("row: bad time %q", t)
		}
		rec.Time = ms
	}
	return rec, n, nil
}

// DeploysFromChanges returns the times of the changes that made
// configuration live (evidence.Change.Deploy: CreateDeployment, a stage
// switching deployment, an auto-deployed HTTP API change), oldest first,
// for Options.Deploys: the aws command's evidence gives the deployment
// times that --deploy-at gives by hand.
func DeploysFromChanges(cs []evidence.Change) []time.Time {
	var out []time.Time
	for _, c := range cs {
		if c.Deploy && !c.Time.IsZero() {
			out = append(out, c.Time.UTC())
		}
	}
	slices.SortFunc(out, func(a, b time.Time) int { return a.Compare(b) })
	return slices.Compact(out)
}
