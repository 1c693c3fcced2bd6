package evidence

import (
	"strings"
	"time"
)

// LogStats is the aggregate of an access-log scan (corsdoctor logs): the
// evidence the CD40xx rules read. Collectors fill it in one streaming
// pass; nothing here holds individual log lines except a few examples.
type LogStats struct {
	Files   []string `json:"files"`
	Formats []string `json:"formats"`
	// Lines read, Records parsed, Malformed lines skipped, Filtered
	// records outside --since/--until.
	Lines     int64 `json:"lines"`
	Records   int64 `json:"records"`
	Malformed int64 `json:"malformed"`
	Filtered  int64 `json:"filtered,omitempty"`
	// Bad holds the first malformed lines: "file:line: reason".
	Bad []string `json:"malformed_examples,omitempty"`
	// Truncated lists inputs that end early (truncated gzip), with the
	// position where they end; what was read before is aggregated.
	Truncated []string  `json:"truncated,omitempty"`
	First     time.Time `json:"first,omitzero"`
	Last      time.Time `json:"last,omitzero"`
	// OriginsLogged is true when records carried a page origin (an
	// origin field, or the Referer of nginx, CLF combined and CloudFront).
	OriginsLogged bool `json:"origins_logged"`
	// Routes is per method and route, most errors first.
	Routes []RouteStats `json:"routes"`
	// Series is 4xx/5xx per method, route, origin and status class,
	// with per-minute counts; most errors first.
	Series  []ErrorSeries `json:"errors"`
	Deploys []DeployStats `json:"deploys,omitempty"`
	// Window is the span compared before and after each deployment.
	Window time.Duration `json:"window,omitempty"`
}

// RouteStats counts one method and route.
type RouteStats struct {
	Method string `json:"method"`
	Route  string `json:"route"`
	Total  int64  `json:"total"`
	// Client and Server count 4xx and 5xx responses.
	Client int64 `json:"4xx"`
	Server int64 `json:"5xx"`
	// Other counts responses that fail a preflight without being errors
	// (1xx, 3xx); only meaningful for OPTIONS.
	Other    int64            `json:"other,omitempty"`
	Statuses map[int]int64    `json:"statuses"`
	Errors   map[string]int64 `json:"error_types,omitempty"`
	// Origins counts requests and errors per page origin, when logged.
	Origins    map[string]*Count `json:"origins,omitempty"`
	FirstOK    time.Time         `json:"first_ok,omitzero"`
	LastOK     time.Time         `json:"last_ok,omitzero"`
	FirstError time.Time         `json:"first_error,omitzero"`
	LastError  time.Time         `json:"last_error,omitzero"`
	// FirstErrorAt is where the first error was logged (file:line).
	FirstErrorAt Source `json:"first_error_at,omitzero"`
	// OKAfterError counts successes logged after the first error.
	OKAfterError int64 `json:"ok_after_first_error"`
	// Flips counts changes between success and failure, in log order.
	Flips int64 `json:"flips"`
}

// Failed is the number of failed responses: 4xx and 5xx, plus non-2xx
// for OPTIONS (a preflight needs an ok status).
func (r *RouteStats) Failed() int64 { return r.Client + r.Server + r.Other }

// Count is a total and its errors.
type Count struct {
	Total  int64 `json:"total"`
	Errors int64 `json:"errors"`
}

// Rate is Errors/Total, 0 when Total is 0.
func (c Count) Rate() float64 {
	if c.Total == 0 {
		return 0
	}
	return float64(c.Errors) / float64(c.Total)
}

// ErrorSeries is the errors of one method, route, origin and class.
type ErrorSeries struct {
	Method string `json:"method"`
	Route  string `json:"route"`
	Origin string `json:"origin,omitempty"`
	// Class is "4xx" or "5xx".
	Class     string        `json:"class"`
	Count     int64         `json:"count"`
	Started   time.Time     `json:"started,omitzero"`
	StartedAt Source        `json:"started_at,omitzero"`
	Last      time.Time     `json:"last,omitzero"`
	PerMinute []MinuteCount `json:"per_minute"`
}

// MinuteCount is a count in one minute.
type MinuteCount struct {
	Minute time.Time `json:"minute"`
	Count  int64     `json:"count"`
}

// DeployStats compares the error rate before and after a deployment.
type DeployStats struct {
	At     time.Time `json:"at"`
	Before Count     `json:"before"`
	After  Count     `json:"after"`
	// Routes compares each method and route seen in the window.
	Routes []DeployRoute `json:"routes"`
}

// DeployRoute is one route's counts around a deployment.
type DeployRoute struct {
	Method string `json:"method"`
	Route  string `json:"route"`
	Before Count  `json:"before"`
	After  Count  `json:"after"`
}

// WindowText renders the comparison window around deployments briefly:
// 30m0s as "30m", 1h0m0s as "1h".
func (s *LogStats) WindowText() string {
	w := s.Window.String()
	if strings.HasSuffix(w, "m0s") {
		w = strings.TrimSuffix(w, "0s")
	}
	if strings.HasSuffix(w, "h0m") {
		w = strings.TrimSuffix(w, "0m")
	}
	return w
}
