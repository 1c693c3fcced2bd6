package fakeaws

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"time"
)

// State is what the fake serves. Control-plane objects are kept as the
// JSON AWS documents for them (the output of `aws apigateway get-resources
// --embed methods`, `aws apigatewayv2 get-routes`, ...), so fixtures can be
// pasted from real responses.
type State struct {
	// Region the resources live in; requests signed for another region
	// see none of them (as in AWS).
	Region  string `json:"region"`
	Account string `json:"account"`
	// Now is the fixture's "current time": a client clock for tests.
	Now time.Time `json:"now"`

	RestAPIs []RestAPI `json:"restApis,omitempty"`
	HTTPAPIs []HTTPAPI `json:"httpApis,omitempty"`

	Metrics   []Metric         `json:"metrics,omitempty"`
	LogGroups []map[string]any `json:"logGroups,omitempty"`
	Queries   []Query          `json:"queries,omitempty"`
	// LogEvents are raw events per log group; a query without a canned
	// answer in Queries is evaluated over them (see evalInsights).
	LogEvents map[string][]LogEvent `json:"logEvents,omitempty"`
	// Events are CloudTrail events as LookupEvents returns them, except
	// EventTime, which is RFC 3339 here for readability.
	Events []map[string]any `json:"events,omitempty"`

	// Health is what the AWS Health API answers; nil answers
	// SubscriptionRequiredException (accounts without Business support).
	Health *Health `json:"health,omitempty"`

	// PageSize overrides the service default page size for every
	// paginated operation (forces pagination in tests); 0 keeps defaults.
	PageSize int `json:"pageSize,omitempty"`
}

// Health holds AWS Health events as DescribeEvents returns them (times
// as epoch seconds).
type Health struct {
	Events []map[string]any `json:"events"`
}

// RestAPI is one API Gateway REST API.
type RestAPI struct {
	API              map[string]any   `json:"api"`
	Resources        []map[string]any `json:"resources"`
	GatewayResponses []map[string]any `json:"gatewayResponses,omitempty"`
	Stages           []map[string]any `json:"stages,omitempty"`
	Deployments      []map[string]any `json:"deployments,omitempty"`
	// Exports maps a stage name to its OpenAPI 3 export (with API
	// Gateway extensions), as GetExport returns it.
	Exports map[string]any `json:"exports,omitempty"`
	// TestInvoke maps "resourceId METHOD" to a TestInvokeMethod response.
	TestInvoke map[string]map[string]any `json:"testInvoke,omitempty"`
	snapshots  map[string]map[string]any // deployment id -> export (apigateway_write.go)
}

// HTTPAPI is one API Gateway HTTP (or WebSocket) API.
type HTTPAPI struct {
	API          map[string]any   `json:"api"`
	Routes       []map[string]any `json:"routes,omitempty"`
	Integrations []map[string]any `json:"integrations,omitempty"`
	Stages       []map[string]any `json:"stages,omitempty"`
	Deployments  []map[string]any `json:"deployments,omitempty"`
}

// Metric is one CloudWatch metric series with a value per minute from
// Start (nil entries are missing datapoints).
type Metric struct {
	Namespace  string            `json:"namespace,omitempty"`
	MetricName string            `json:"metricName"`
	Dimensions map[string]string `json:"dimensions"`
	Start      time.Time         `json:"start"`
	Values     []*float64        `json:"values"`
}

// Query is a canned Logs Insights answer: the first entry whose LogGroup
// is among the queried groups and whose Match is a substring of the query
// string answers it.
type Query struct {
	LogGroup string `json:"logGroup"`
	Match    string `json:"match"`
	// Results are rows of {field, value} as GetQueryResults returns them.
	Results [][]map[string]string `json:"results"`
	// RunningPolls is how many GetQueryResults calls answer Running
	// before Complete.
	RunningPolls int `json:"runningPolls,omitempty"`
	// Status overrides the final status (Failed, Timeout, ...).
	Status string `json:"status,omitempty"`
	// Evaluate answers by evaluating the query over LogEvents (after
	// RunningPolls polls) instead of with Results.
	Evaluate bool `json:"evaluate,omitempty"`
}

// Load reads a fixture.
func Load(r io.Reader) (*State, error) {
	var s State
	dec := json.NewDecoder(r)
	dec.DisallowUnknownFields()
	if err := dec.Decode(&s); err != nil {
		return nil, fmt.Errorf("fixture: %w", err)
	}
	if s.Region == "" {
		s.Region = "us-east-1"
	}
	if s.Account == "" {
		s.Account = "123456789012"
	}
	return &s, nil
}

// LoadFile reads a fixture file.
func LoadFile(name string) (*State, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	s, err := Load(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return s, nil
}

// Shift moves every timestamp of the fixture by d (to replay a fixture
// "now" against a real clock).
func (s *State) Shift(d time.Duration) {
	s.Now = s.Now.Add(d)
	for i := range s.Metrics {
		s.Metrics[i].Start = s.Metrics[i].Start.Add(d)
	}
	shift := func(m map[string]any, keys ...string) {
		for _, k := range keys {
			if v, ok := m[k].(string); ok {
				if t, err := time.Parse(time.RFC3339, v); err == nil {
					// keep the offset: the CLI prints LookupEvents times
					// with the local one (2021-11-18T09:41:02-08:00)
					m[k] = t.Add(d).Format(time.RFC3339)
				}
			}
		}
	}
	for _, e := range s.Events {
		shift(e, "EventTime")
	}
	for _, a := range s.RestAPIs {
		shift(a.API, "createdDate")
		for _, x := range a.Stages {
			shift(x, "createdDate", "lastUpdatedDate")
		}
		for _, x := range a.Deployments {
			shift(x, "createdDate")
		}
	}
	for _, a := range s.HTTPAPIs {
		shift(a.API, "createdDate")
		for _, x := range a.Stages {
			shift(x, "createdDate", "lastUpdatedDate")
		}
		for _, x := range a.Deployments {
			shift(x, "createdDate")
		}
	}
	for g, evs := range s.LogEvents {
		for i := range evs {
			evs[i].T = evs[i].T.Add(d)
		}
		s.LogEvents[g] = evs
	}
	for _, q := range s.Queries {
		for _, row := range q.Results {
			for _, f := range row {
				if f["field"] == "minute" || f["field"] == "@timestamp" {
					if t, err := time.Parse("2006-01-02 15:04:05.000", f["value"]); err == nil {
						f["value"] = t.Add(d).Format("2006-01-02 15:04:05.000")
					}
				}
			}
		}
	}
}
