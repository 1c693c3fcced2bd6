package evidence

import (
	"sort"
	"strconv"
	"strings"
	"time"
)

// Playbook is the evidence `corsdoctor aws diagnose` gathered for one API
// Gateway API while running the API Gateway CORS incident playbook: each
// step's outcome, the 4XX/5XX metrics, the Logs Insights results, the
// deployment and configuration history, and the drift between what the
// stage serves and the current configuration. Rules CD2100-CD2199 and
// CD4050-CD4099 read it.
type Playbook struct {
	APIID   string `json:"api_id"`
	APIName string `json:"api_name"`
	// Kind is "REST", "HTTP" or "WEBSOCKET".
	Kind   string `json:"kind"`
	Region string `json:"region"`
	Stage  string `json:"stage"`
	// Source locates the API (an ARN-like URL).
	Source Source `json:"source"`
	// Start and End bound the analysed window; Widened is true when the
	// window was extended to 2 h because nothing correlated in the first.
	Start   time.Time `json:"start"`
	End     time.Time `json:"end"`
	Widened bool      `json:"widened"`
	// Origins are the page origins given with --origin.
	Origins []string `json:"origins,omitempty"`

	Steps []Step `json:"steps"`
	// Gaps list evidence that could not be read and why.
	Gaps []Gap `json:"gaps,omitempty"`

	// Metrics: "4XX", "5XX" and "Count" per minute.
	Metrics []Series `json:"metrics,omitempty"`
	// Changes are deployments and configuration changes in the window
	// (CloudTrail and the API's deployment list), oldest first.
	Changes []Change `json:"changes,omitempty"`
	// Logs are the Logs Insights results.
	Logs []LogQuery `json:"logs,omitempty"`
	// Access is the stage's access-log aggregate: the result of the
	// shared Logs Insights query (collect/accesslog.InsightsQuery)
	// aggregated exactly as `corsdoctor logs` aggregates a local file, so
	// the access-log rules (CD4001-CD4006) read it. Nil when the access
	// logs could not be read.
	Access *LogStats `json:"access,omitempty"`
	// Drift lists CORS elements that differ between the stage's deployed
	// export and the current configuration.
	Drift []Drift `json:"drift,omitempty"`
	// Invokes are TestInvokeMethod results (--test-invoke).
	Invokes []Invoke `json:"test_invokes,omitempty"`
	// StageDeployedAt is when the stage's current deployment was created.
	StageDeployedAt time.Time `json:"stage_deployed_at,omitzero"`
	// AutoDeploy is true for an HTTP API stage with automatic deployments.
	AutoDeploy bool `json:"auto_deploy,omitempty"`
}

// Step statuses.
const (
	StepPassed  = "passed"
	StepFailed  = "failed"
	StepSkipped = "skipped"
	// StepPartial: ran, but some of its evidence is missing (see Gaps).
	StepPartial = "partial"
)

// Step is one playbook step's outcome.
type Step struct {
	N      int    `json:"step"`
	Title  string `json:"title"`
	Status string `json:"status"`
	// Reason says why a step failed or was skipped.
	Reason   string   `json:"reason,omitempty"`
	Evidence []string `json:"evidence,omitempty"`
}

// Gap is evidence that could not be read.
type Gap struct {
	Step int `json:"step"`
	// What evidence is missing ("gateway responses", "access logs").
	What string `json:"what"`
	// Cause: "access-denied", "throttled", "missing-log-group",
	// "not-configured", "failed".
	Cause string `json:"cause"`
	// Need is the IAM permission or setting that would provide it.
	Need string `json:"need"`
	Err  string `json:"error,omitempty"`
}

// Point is one value at one minute.
type Point struct {
	T time.Time `json:"t"`
	V float64   `json:"v"`
}

// Series is a metric per minute.
type Series struct {
	Name   string  `json:"name"`
	Points []Point `json:"points"`
}

// Change is a deployment or configuration change.
type Change struct {
	Time time.Time `json:"time"`
	// Event is the API operation: CreateDeployment, UpdateStage,
	// DeleteMethod, PutIntegrationResponse, UpdateApi, ...
	Event string `json:"event"`
	User  string `json:"user,omitempty"`
	// Detail summarises the request parameters ("OPTIONS /pets").
	Detail string `json:"detail,omitempty"`
	// CORS is true when the change touches CORS (an OPTIONS method,
	// an Access-Control-* mapping, a gateway response, the HTTP API's
	// CorsConfiguration) or deploys the API.
	CORS bool `json:"cors"`
	// Deploy is true for changes that make configuration live
	// (CreateDeployment, an UpdateStage that switches the deployment,
	// an HTTP API change with auto-deploy).
	Deploy bool `json:"deploy"`
	// Source is "cloudtrail" or "deployments".
	Source string `json:"source"`
}

// LogQuery is one Logs Insights query and its result rows.
type LogQuery struct {
	// Purpose names the question: "access-aggregate" (the shared
	// access-log query; its rows are aggregated into Playbook.Access and
	// not repeated here), "exec-missing-acao", "exec-origins",
	// "app-cors-errors", "app-origins".
	Purpose  string              `json:"purpose"`
	Step     int                 `json:"step"`
	LogGroup string              `json:"log_group"`
	Query    string              `json:"query"`
	Status   string              `json:"status"`
	Rows     []map[string]string `json:"rows,omitempty"`
	Polls    int                 `json:"polls"`
}

// Drift is one CORS element that differs between the deployed stage and
// the current configuration.
type Drift struct {
	// Kind: "not-deployed" (configured now, absent from the stage) or
	// "removed" (served by the stage, gone from the configuration: the
	// next deployment removes it).
	Kind    string `json:"kind"`
	Path    string `json:"path"`
	Method  string `json:"method"`
	Element string `json:"element"`
}

// Invoke is a TestInvokeMethod result.
type Invoke struct {
	Path    string              `json:"path"`
	Method  string              `json:"method"`
	Status  int                 `json:"status"`
	Headers map[string][]string `json:"headers"`
	Err     string              `json:"error,omitempty"`
}

// Metric returns the series with that name.
func (p *Playbook) Metric(name string) *Series {
	for i := range p.Metrics {
		if p.Metrics[i].Name == name {
			return &p.Metrics[i]
		}
	}
	return nil
}

// Log returns the query with that purpose, or nil.
func (p *Playbook) Log(purpose string) *LogQuery {
	for i := range p.Logs {
		if p.Logs[i].Purpose == purpose {
			return &p.Logs[i]
		}
	}
	return nil
}

// Int reads an integer column of a row (0 when absent).
func Int(row map[string]string, field string) int {
	f, _ := strconv.ParseFloat(strings.TrimSpace(row[field]), 64)
	return int(f)
}

// Rise is a detected increase of a metric.
type Rise struct {
	Metric string    `json:"metric"`
	At     time.Time `json:"at"`
	// Before and After are the mean per minute on each side.
	Before float64 `json:"before"`
	After  float64 `json:"after"`
}

// Rise finds the minute where the series' level rose the most (a single
// change point: the split maximising the difference of means, each side
// at least two minutes). A rise needs After ≥ 2×Before and After −
// Before ≥ 1 per minute; ok is false otherwise.
func (s *Series) Rise() (Rise, bool) {
	if s == nil || len(s.Points) < 4 {
		return Rise{}, false
	}
	pts := append([]Point(nil), s.Points...)
	sort.Slice(pts, func(i, j int) bool { return pts[i].T.Before(pts[j].T) })
	// Fill missing minutes with zero: CloudWatch omits empty periods.
	var full []Point
	for i, p := range pts {
		if i > 0 {
			for t := pts[i-1].T.Add(time.Minute); t.Before(p.T); t = t.Add(time.Minute) {
				full = append(full, Point{T: t})
			}
		}
		full = append(full, p)
	}
	total := 0.0
	for _, p := range full {
		total += p.V
	}
	best, bestK := 0.0, -1
	var r Rise
	left := 0.0
	for k := 1; k < len(full); k++ {
		left += full[k-1].V
		if k < 2 || len(full)-k < 2 {
			continue
		}
		before := left / float64(k)
		after := (total - left) / float64(len(full)-k)
		if d := after - before; d > best {
			best, bestK = d, k
			r = Rise{Metric: s.Name, At: full[k].T, Before: before, After: after}
		}
	}
	if bestK < 0 || r.After < 2*r.Before || r.After-r.Before < 1 {
		return Rise{}, false
	}
	return r, true
}

// FirstRise returns the earliest rise of 4XX or 5XX.
func (p *Playbook) FirstRise() (Rise, bool) {
	var out Rise
	found := false
	for _, name := range []string{"4XX", "5XX"} {
		if r, ok := p.Metric(name).Rise(); ok && (!found || r.At.Before(out.At)) {
			out, found = r, true
		}
	}
	return out, found
}

// CorrelationWindow is how long before a rise a change counts as its
// possible cause (and how long after, for clock skew and propagation).
const (
	CorrelationBefore = 15 * time.Minute
	CorrelationAfter  = 2 * time.Minute
)

// ChangesNear returns the CORS-relevant changes from CorrelationBefore
// before t to CorrelationAfter after it.
func (p *Playbook) ChangesNear(t time.Time) []Change {
	var out []Change
	for _, c := range p.Changes {
		if c.CORS && !c.Time.Before(t.Add(-CorrelationBefore)) && !c.Time.After(t.Add(CorrelationAfter)) {
			out = append(out, c)
		}
	}
	return out
}

// PreflightFailures sums failed OPTIONS requests in the access logs.
func (p *Playbook) PreflightFailures() int {
	n := 0
	if p.Access != nil {
		for _, r := range p.Access.Routes {
			if r.Method == "OPTIONS" {
				n += int(r.Failed())
			}
		}
	}
	return n
}

// Correlated reports whether the error rise lines up with a change or
// with preflight failures in the logs; it is what decides widening.
func (p *Playbook) Correlated() bool {
	r, ok := p.FirstRise()
	if !ok {
		return false
	}
	return len(p.ChangesNear(r.At)) > 0 || p.PreflightFailures() > 0
}

// GapFor returns the gap recorded for a step and evidence, or nil.
func (p *Playbook) GapFor(what string) *Gap {
	for i := range p.Gaps {
		if p.Gaps[i].What == what {
			return &p.Gaps[i]
		}
	}
	return nil
}
