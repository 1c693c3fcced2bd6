// Package fakeaws is an in-process AWS endpoint for tests: one
// http.Handler that speaks the wire protocols aws-sdk-go-v2 uses for the
// services corsdoctor reads — API Gateway and API Gateway v2 (restJson1),
// CloudWatch GetMetricData (Smithy RPC v2 CBOR), CloudWatch Logs and
// CloudTrail (awsJson1_1) — and serves a State loaded from fixtures. Point
// the real SDK clients at it with BaseEndpoint.
//
// It can inject latency, AccessDenied on chosen operations, throttling
// (N throttle errors, then success), and counts every call per operation.
// It does not check signatures; it reads the access key and region from
// the SigV4 Authorization header to emulate expired credentials and
// region mismatches.
package fakeaws

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"regexp"
	"sort"
	"strings"
	"sync"
	"time"
)

// ExpiredKey is an access key id the fake answers with ExpiredTokenException.
const ExpiredKey = "AKIAEXPIREDEXAMPLE00"

// Server is the fake endpoint.
type Server struct {
	// Latency is added to every call.
	Latency time.Duration

	mu        sync.Mutex
	state     *State
	deny      map[string]bool
	throttle  map[string]int
	calls     map[string]int
	queries   map[string]*runningQuery
	nextID    int
	quotas    *Quotas
	total, gr gcra
	throttled map[string]int
}

// Quotas are API Gateway's control-plane quotas per account and region
// ("API Gateway quotas for creating, deploying and managing an API",
// awsdocs/amazon-api-gateway-developer-guide doc_source/limits.md):
// GetResources 5 requests every 2 seconds; all operations (apigateway and
// apigatewayv2) together 10 requests per second with a burst of 40.
type Quotas struct {
	TotalRate         float64
	TotalBurst        int
	GetResourcesRate  float64
	GetResourcesBurst int
}

// DocumentedQuotas are the documented values.
var DocumentedQuotas = Quotas{TotalRate: 10, TotalBurst: 40, GetResourcesRate: 2.5, GetResourcesBurst: 5}

// gcra is a token bucket as the generic cell rate algorithm: a request
// at t conforms when t >= tat - (burst-1)/rate; it then moves tat to
// max(tat, t) + 1/rate. A throttled request takes nothing.
type gcra struct {
	tat time.Time
}

func (g *gcra) conforms(t time.Time, rate float64, burst int) bool {
	tau := time.Duration(float64(burst-1) / rate * float64(time.Second))
	return !t.Before(g.tat.Add(-tau))
}

func (g *gcra) take(t time.Time, rate float64) {
	if g.tat.Before(t) {
		g.tat = t
	}
	g.tat = g.tat.Add(time.Duration(float64(time.Second) / rate))
}

// EnforceQuotas makes API Gateway calls beyond the quotas answer 429
// TooManyRequestsException, as AWS does; Throttled counts them.
func (s *Server) EnforceQuotas(q Quotas) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.quotas = &q
}

// Throttled returns how many calls of each operation the quotas refused.
func (s *Server) Throttled() map[string]int {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := map[string]int{}
	for k, v := range s.throttled {
		out[k] = v
	}
	return out
}

type runningQuery struct {
	q     *Query
	polls int
}

// New returns a fake serving s.
func New(s *State) *Server {
	return &Server{state: s, deny: map[string]bool{}, throttle: map[string]int{}, calls: map[string]int{}, queries: map[string]*runningQuery{}, throttled: map[string]int{}}
}

// Start serves the fake on a loopback httptest server; close it when done.
func (s *Server) Start() *httptest.Server { return httptest.NewServer(s) }

// Deny makes the operations ("apigateway:GetGatewayResponses",
// "logs:StartQuery", ...) answer AccessDenied.
func (s *Server) Deny(ops ...string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, op := range ops {
		s.deny[op] = true
	}
}

// Throttle makes the next n calls of op answer with the service's
// throttling error (HTTP 429 for API Gateway).
func (s *Server) Throttle(op string, n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.throttle[op] = n
}

// Calls returns how many times each operation was called (throttled and
// denied calls included).
func (s *Server) Calls() map[string]int {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make(map[string]int, len(s.calls))
	for k, v := range s.calls {
		out[k] = v
	}
	return out
}

// CallsTo sums the calls to a service prefix ("apigateway:").
func (s *Server) CallsTo(prefix string) int {
	n := 0
	for k, v := range s.Calls() {
		if strings.HasPrefix(k, prefix) {
			n += v
		}
	}
	return n
}

// CallSummary renders the call counts sorted, one "op=n" per entry.
func (s *Server) CallSummary() string {
	c := s.Calls()
	keys := make([]string, 0, len(c))
	for k := range c {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = fmt.Sprintf("%s=%d", k, c[k])
	}
	return strings.Join(parts, " ")
}

// protocol families, for error shapes.
const (
	restJSON = iota
	awsJSON
	cbor
)

// call is one request being answered.
type call struct {
	w      http.ResponseWriter
	r      *http.Request
	op     string
	proto  int
	region string
	key    string
}

var credRe = regexp.MustCompile(`Credential=([^/]+)/[0-9]+/([^/]+)/`)

func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	c := &call{w: w, r: r}
	if m := credRe.FindStringSubmatch(r.Header.Get("Authorization")); m != nil {
		c.key, c.region = m[1], m[2]
	}
	var handler func(*call)
	switch {
	case strings.HasPrefix(r.Header.Get("X-Amz-Target"), "Logs_20140328."):
		c.proto, c.op = awsJSON, "logs:"+strings.TrimPrefix(r.Header.Get("X-Amz-Target"), "Logs_20140328.")
		handler = s.logs
	case strings.HasPrefix(r.Header.Get("X-Amz-Target"), "CloudTrail_20131101."):
		c.proto, c.op = awsJSON, "cloudtrail:"+strings.TrimPrefix(r.Header.Get("X-Amz-Target"), "CloudTrail_20131101.")
		handler = s.cloudtrail
	case strings.HasPrefix(r.Header.Get("X-Amz-Target"), "AWSHealth_20160804."):
		c.proto, c.op = awsJSON, "health:"+strings.TrimPrefix(r.Header.Get("X-Amz-Target"), "AWSHealth_20160804.")
		handler = s.health
	case strings.HasPrefix(r.URL.Path, "/service/GraniteServiceVersion20100801/operation/"):
		c.proto, c.op = cbor, "cloudwatch:"+strings.TrimPrefix(r.URL.Path, "/service/GraniteServiceVersion20100801/operation/")
		handler = s.cloudwatch
	case strings.HasPrefix(r.URL.Path, "/v2/"):
		c.proto = restJSON
		c.op, handler = s.routeV2(r)
	case strings.HasPrefix(r.URL.Path, "/restapis"):
		c.proto = restJSON
		c.op, handler = s.routeV1(r)
	default:
		c.proto, c.op = restJSON, "unknown"
	}
	s.mu.Lock()
	s.calls[c.op]++
	denied := s.deny[c.op]
	throttled := s.throttle[c.op] > 0
	if throttled {
		s.throttle[c.op]--
	}
	if q := s.quotas; q != nil && !throttled && (strings.HasPrefix(c.op, "apigateway:") || strings.HasPrefix(c.op, "apigatewayv2:")) {
		now := time.Now()
		isGR := c.op == "apigateway:GetResources"
		ok := s.total.conforms(now, q.TotalRate, q.TotalBurst) && (!isGR || s.gr.conforms(now, q.GetResourcesRate, q.GetResourcesBurst))
		if ok {
			s.total.take(now, q.TotalRate)
			if isGR {
				s.gr.take(now, q.GetResourcesRate)
			}
		} else {
			throttled = true
			s.throttled[c.op]++
		}
	}
	lat := s.Latency
	s.mu.Unlock()
	if lat > 0 {
		select {
		case <-time.After(lat):
		case <-r.Context().Done():
			return
		}
	}
	switch {
	case handler == nil:
		c.fail(404, "UnknownOperationException", "unknown operation "+r.Method+" "+r.URL.Path)
	case c.key == "":
		c.fail(403, "MissingAuthenticationTokenException", "Missing Authentication Token")
	case c.key == ExpiredKey:
		c.fail(403, "ExpiredTokenException", "The security token included in the request is expired")
	case denied:
		svc, action, _ := strings.Cut(c.op, ":")
		c.fail(403, "AccessDeniedException", fmt.Sprintf("User: arn:aws:iam::%s:user/oncall is not authorized to perform: %s:%s on resource: %s", s.state.Account, iamService(svc), iamAction(svc, action, r.Method), r.URL.Path))
	case throttled:
		switch c.proto {
		case restJSON:
			c.fail(429, "TooManyRequestsException", "Too Many Requests")
		case cbor:
			c.fail(400, "Throttling", "Rate exceeded")
		default:
			c.fail(400, "ThrottlingException", "Rate exceeded")
		}
	default:
		handler(c)
	}
}

// health answers AWS Health DescribeEvents (awsJson1_1).
func (s *Server) health(c *call) {
	if c.op != "health:DescribeEvents" {
		c.fail(400, "UnknownOperationException", "unsupported operation "+c.op)
		return
	}
	if s.state.Health == nil {
		// The real message is empty ("... when calling the
		// DescribeEventsForOrganization operation: ",
		// reference/aws-real/errors).
		c.fail(400, "SubscriptionRequiredException", "")
		return
	}
	var in struct {
		Filter struct {
			Services []string `json:"services"`
			Regions  []string `json:"regions"`
		} `json:"filter"`
	}
	if !c.readJSON(&in) {
		return
	}
	out := []any{}
	for _, e := range s.state.Health.Events {
		if (len(in.Filter.Services) == 0 || contains(in.Filter.Services, str(e, "service"))) && (len(in.Filter.Regions) == 0 || contains(in.Filter.Regions, str(e, "region"))) {
			out = append(out, e)
		}
	}
	c.ok(map[string]any{"events": out})
}

// iamService maps an SDK service to the IAM service prefix.
func iamService(svc string) string {
	switch svc {
	case "apigateway", "apigatewayv2":
		return "apigateway"
	}
	return svc
}

// iamAction is the IAM action AWS names in an AccessDenied message: API
// Gateway authorizes by HTTP verb, the others by operation.
func iamAction(svc, action, method string) string {
	if svc == "apigateway" || svc == "apigatewayv2" {
		return method
	}
	return action
}

// fail writes the protocol's error shape.
func (c *call) fail(status int, code, msg string) {
	switch c.proto {
	case restJSON:
		c.w.Header().Set("Content-Type", "application/json")
		c.w.Header().Set("X-Amzn-Errortype", code)
		c.w.WriteHeader(status)
		json.NewEncoder(c.w).Encode(map[string]string{"message": msg})
	case awsJSON:
		c.w.Header().Set("Content-Type", "application/x-amz-json-1.1")
		c.w.WriteHeader(status)
		json.NewEncoder(c.w).Encode(map[string]string{"__type": code, "message": msg})
	case cbor:
		c.w.Header().Set("Content-Type", "application/cbor")
		c.w.Header().Set("Smithy-Protocol", "rpc-v2-cbor")
		c.w.Header().Set("X-Amzn-Query-Error", code+";Sender")
		c.w.WriteHeader(status)
		c.w.Write(cborError(code, msg))
	}
}

// ok writes a JSON body.
func (c *call) ok(v any) {
	ct := "application/json"
	if c.proto == awsJSON {
		ct = "application/x-amz-json-1.1"
	}
	c.w.Header().Set("Content-Type", ct)
	c.w.Header().Set("X-Amzn-Requestid", "00000000-0000-4000-8000-000000000000")
	json.NewEncoder(c.w).Encode(v)
}

// readJSON decodes an awsJson1_1 body.
func (c *call) readJSON(v any) bool {
	if err := json.NewDecoder(c.r.Body).Decode(v); err != nil {
		c.fail(400, "SerializationException", "could not parse request body: "+err.Error())
		return false
	}
	return true
}

// inRegion reports whether the request was signed for the fixture's region.
func (s *Server) inRegion(c *call) bool { return c.region == "" || c.region == s.state.Region }

// epochKeys are timestamp members that restJson1 (API Gateway v1) and
// awsJson1_1 send as epoch seconds; fixtures write them as RFC 3339.
var epochKeys = map[string]bool{"createdDate": true, "lastUpdatedDate": true, "EventTime": true}

// wire deep-copies v, turning RFC 3339 strings under epochKeys into epoch
// seconds.
func wire(v any) any {
	switch x := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			if s, ok := e.(string); ok && epochKeys[k] {
				if t, err := time.Parse(time.RFC3339, s); err == nil {
					out[k] = float64(t.Unix())
					continue
				}
			}
			out[k] = wire(e)
		}
		return out
	case []map[string]any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = wire(e)
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = wire(e)
		}
		return out
	}
	return v
}

// page slices items by an opaque numeric position token; pageCap (the
// fixture's PageSize) caps every page to force pagination.
func page[T any](items []T, token string, limit, def, max, pageCap int) ([]T, string) {
	start := 0
	if token != "" {
		fmt.Sscanf(token, "p%d", &start)
	}
	if limit <= 0 {
		limit = def
	}
	if limit > max {
		limit = max
	}
	if pageCap > 0 && limit > pageCap {
		limit = pageCap
	}
	if start > len(items) {
		start = len(items)
	}
	end := start + limit
	if end >= len(items) {
		return items[start:], ""
	}
	return items[start:end], fmt.Sprintf("p%d", end)
}

func str(m map[string]any, k string) string {
	s, _ := m[k].(string)
	return s
}
