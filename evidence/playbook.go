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
	// Kind is RESTAPI, HTTPAPI, WebSocketAPI, or UnknownAPI when the
	// configuration could not be read.
	Kind   APIKind `json:"kind"`
	Region string  `json:"region"`
	Stage  string  `json:"stage"`
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
	// StageDeployment is the id of the deployment the stage serves, ""
	// when it serves none (step 1's evidence names it; not in the JSON
	// report).
	StageDeployment string `json:"-"`
	// AutoDeploy is true for an HTTP API stage with automatic deployments.
	AutoDeploy bool `json:"auto_deploy,omitempty"`
	// Health are the open and upcoming AWS Health events of API Gateway
	// in the region (step 1); empty when there are none or the account
	// cannot read them (see Gaps). Not in the JSON report: the step's
	// evidence lists them.
	Health []HealthEvent `json:"-"`
}

// APIKind is the kind of an API Gateway API (apimodel.Kind is the same
// type).
type APIKind string

// API kinds.
const (
	RESTAPI      APIKind = "REST"        // API Gateway REST API (apigateway, v1)
	HTTPAPI      APIKind = "HTTP"        // API Gateway HTTP API (apigatewayv2, protocol HTTP)
	WebSocketAPI APIKind = "WEBSOCKET"   // API Gateway WebSocket API (no CORS)
	FunctionURL  APIKind = "FunctionURL" // Lambda function URL
	// UnknownAPI: the playbook could not read the API's configuration.
	UnknownAPI APIKind = "UNKNOWN"
)

// StepID names a step of the API Gateway CORS playbook, numbered as in
// the seed runbook (/work/shared/seeds). It is the step's number in JSON.
type StepID int

// The playbook's steps, in order.
const (
	StepDeployed   StepID = iota + 1 // API exists, is deployed, AWS service health
	StepCORS                         // CORS configuration
	StepAccessLogs                   // access logs: CORS and preflight failures
	StepMetrics                      // CloudWatch 4XX/5XX metrics
	StepAPIType                      // API type and type-specific CORS behaviour
	StepMethods                      // methods and OPTIONS configuration
	StepAppLogs                      // application logs: browser CORS errors
	StepHistory                      // deployments, drift and change history
	StepExecLogs                     // execution logs: CORS headers in responses
)

// Steps lists every step in order.
var Steps = []StepID{StepDeployed, StepCORS, StepAccessLogs, StepMetrics, StepAPIType, StepMethods, StepAppLogs, StepHistory, StepExecLogs}

// WindowSteps are the steps whose evidence depends on the time window.
var WindowSteps = []StepID{StepAccessLogs, StepMetrics, StepAppLogs, StepExecLogs}

// Title is the step's title as reports print it.
func (n StepID) Title() string {
	switch n {
	case StepDeployed:
		return "API exists, is deployed, AWS service health"
	case StepCORS:
		return "CORS configuration (origins, methods, headers, gateway responses)"
	case StepAccessLogs:
		return "Access logs: CORS and preflight failures"
	case StepMetrics:
		return "CloudWatch 4XX/5XX metrics"
	case StepAPIType:
		return "API type and type-specific CORS behaviour"
	case StepMethods:
		return "Methods and OPTIONS configuration"
	case StepAppLogs:
		return "Application logs: browser CORS errors"
	case StepHistory:
		return "Deployments, drift and change history"
	case StepExecLogs:
		return "Execution logs: CORS headers in responses"
	}
	return "step " + strconv.Itoa(int(n))
}

// HealthEvent is an AWS Health event of API Gateway (DescribeEvents).
type HealthEvent struct {
	Code     string // eventTypeCode
	Category string // eventTypeCategory
	Status   string // statusCode
	Start    time.Time
}

// StepStatus is a step's outcome. The collector leaves a step passed,
// skipped (not applicable, or its evidence cannot exist) or partial (some
// evidence could not be read); only a rule fails it (diag.Pass.FailStep).
type StepStatus string

// Step statuses.
const (
	StepPassed  StepStatus = "passed"
	StepFailed  StepStatus = "failed"
	StepSkipped StepStatus = "skipped"
	// StepPartial: ran, but some of its evidence is missing (see Gaps).
	StepPartial StepStatus = "partial"
)

// Step is one playbook step's outcome.
type Step struct {
	N      StepID     `json:"step"`
	Title  string     `json:"title"`
	Status StepStatus `json:"status"`
	// Reason says why a step failed or was skipped.
	Reason   string   `json:"reason,omitempty"`
	Evidence []string `json:"evidence,omitempty"`
}

// GapKey names which evidence a Gap is about, for code to test; What is
// the text reports show (it may carry details such as a log group). The
// zero value names no evidence.
type GapKey int

// Gap keys, one per kind of evidence the playbook reads.
const (
	_                   GapKey = iota
	GapAPIConfig               // GetRestApi / GetApi
	GapResources               // GetResources (REST)
	GapGatewayResponses        // GetGatewayResponses (REST)
	GapRoutes                  // GetRoutes (HTTP)
	GapIntegrations            // GetIntegrations (HTTP)
	GapStages                  // GetStages
	GapDeployments             // GetDeployments
	GapStageExport             // GetExport, or one of its fields
	GapCloudTrail              // LookupEvents, or one of its records
	GapMetrics                 // GetMetricData
	GapAccessLogs              // the stage's access logs or their query
	GapAccessLogFields         // an access-log format the query cannot read
	GapExecLogs                // the stage's execution logs or their queries
	GapExecLogGroup            // DescribeLogGroups for the execution logs
	GapAppLogs                 // --app-log-group queries
	GapHealth                  // AWS Health DescribeEvents
	GapTestInvoke              // TestInvokeMethod
)

var gapKeyNames = [...]string{"", "api-config", "resources", "gateway-responses", "routes", "integrations", "stages", "deployments", "stage-export", "cloudtrail", "metrics", "access-logs", "access-log-fields", "execution-logs", "execution-log-group", "application-logs", "health", "test-invoke"}

func (k GapKey) String() string {
	if k >= 0 && int(k) < len(gapKeyNames) {
		return gapKeyNames[k]
	}
	return "gap-" + strconv.Itoa(int(k))
}

// Gap is evidence that could not be read.
type Gap struct {
	Step StepID `json:"step"`
	// Key says which evidence is missing, What says it in words
	// ("gateway responses", "access logs (access-aggregate)").
	Key  GapKey `json:"-"`
	What string `json:"what"`
	// Cause: "access-denied", "throttled", "missing-log-group",
	// "not-configured", "unreadable", "failed".
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
	Step     StepID              `json:"step"`
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

// GapFor returns the first gap recorded for that evidence, or nil.
func (p *Playbook) GapFor(key GapKey) *Gap {
	for i := range p.Gaps {
		if p.Gaps[i].Key == key {
			return &p.Gaps[i]
		}
	}
	return nil
}

// Step returns step n of the run, or nil.
func (p *Playbook) Step(n StepID) *Step {
	for i := range p.Steps {
		if p.Steps[i].N == n {
			return &p.Steps[i]
		}
	}
	return nil
}

// Fail records a rule's verdict that the step failed, with its reason.
// The first verdict wins; it replaces a skipped or partial status and its
// reason (a failed step says why it failed, the gaps say what is missing).
func (s *Step) Fail(reason string) {
	if s.Status != StepFailed {
		s.Status = StepFailed
		s.Reason = reason
	}
}

// JoinFirst renders at most n items, joined by "; ", and a count of the
// rest: the form of a playbook step's evidence lists.
func JoinFirst(items []string, n int) string {
	if len(items) <= n {
		return strings.Join(items, "; ")
	}
	return strings.Join(items[:n], "; ") + "; and " + strconv.Itoa(len(items)-n) + " more"
}
