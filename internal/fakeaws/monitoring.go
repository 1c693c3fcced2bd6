package fakeaws

import (
	"fmt"
	"io"
	"sort"
	"strings"
	"time"

	smithycbor "github.com/aws/smithy-go/encoding/cbor"
)

// cloudwatch answers GetMetricData in Smithy RPC v2 CBOR, the protocol
// cloudwatch >= v1.5x of aws-sdk-go-v2 speaks
// (POST /service/GraniteServiceVersion20100801/operation/GetMetricData).
func (s *Server) cloudwatch(c *call) {
	if c.op != "cloudwatch:GetMetricData" {
		c.fail(400, "InvalidAction", "unsupported operation "+c.op)
		return
	}
	b, err := io.ReadAll(c.r.Body)
	if err != nil {
		c.fail(400, "SerializationException", err.Error())
		return
	}
	v, err := smithycbor.Decode(b)
	if err != nil {
		c.fail(400, "SerializationException", "cbor: "+err.Error())
		return
	}
	in, ok := v.(smithycbor.Map)
	if !ok {
		c.fail(400, "SerializationException", "cbor: request is not a map")
		return
	}
	start, err1 := smithycbor.AsTime(in["StartTime"])
	end, err2 := smithycbor.AsTime(in["EndTime"])
	if err1 != nil || err2 != nil {
		c.fail(400, "ValidationError", "StartTime and EndTime are required")
		return
	}
	qs, _ := in["MetricDataQueries"].(smithycbor.List)
	var results smithycbor.List
	for _, qv := range qs {
		q, _ := qv.(smithycbor.Map)
		id := cborString(q["Id"])
		ms, _ := q["MetricStat"].(smithycbor.Map)
		m, _ := ms["Metric"].(smithycbor.Map)
		period, _ := smithycbor.AsInt64(ms["Period"])
		if period <= 0 {
			period = 60
		}
		dims := map[string]string{}
		if dl, ok := m["Dimensions"].(smithycbor.List); ok {
			for _, dv := range dl {
				d, _ := dv.(smithycbor.Map)
				dims[cborString(d["Name"])] = cborString(d["Value"])
			}
		}
		ns, name := cborString(m["Namespace"]), cborString(m["MetricName"])
		ts, vals := s.series(ns, name, dims, start, end, time.Duration(period)*time.Second)
		var tl, vl smithycbor.List
		// GetMetricData returns newest first unless ScanBy=TimestampAscending.
		asc := cborString(in["ScanBy"]) == "TimestampAscending"
		for i := range ts {
			j := i
			if !asc {
				j = len(ts) - 1 - i
			}
			tl = append(tl, &smithycbor.Tag{ID: 1, Value: smithycbor.Float64(float64(ts[j].Unix()))})
			vl = append(vl, smithycbor.Float64(vals[j]))
		}
		results = append(results, smithycbor.Map{
			"Id": smithycbor.String(id), "Label": smithycbor.String(name),
			"Timestamps": tl, "Values": vl, "StatusCode": smithycbor.String("Complete"),
		})
	}
	out := smithycbor.Map{"MetricDataResults": results, "Messages": smithycbor.List{}}
	c.w.Header().Set("Content-Type", "application/cbor")
	c.w.Header().Set("Smithy-Protocol", "rpc-v2-cbor")
	c.w.Write(smithycbor.Encode(out))
}

// series sums the fixture's per-minute values into period buckets within
// [start, end).
func (s *Server) series(ns, name string, dims map[string]string, start, end time.Time, period time.Duration) ([]time.Time, []float64) {
	if ns != "" && ns != "AWS/ApiGateway" {
		return nil, nil
	}
	buckets := map[int64]float64{}
	seen := map[int64]bool{}
	for _, m := range s.state.Metrics {
		if m.MetricName != name || !sameDims(m.Dimensions, dims) {
			continue
		}
		for i, v := range m.Values {
			if v == nil {
				continue
			}
			t := m.Start.Add(time.Duration(i) * time.Minute)
			if t.Before(start) || !t.Before(end) {
				continue
			}
			k := start.Add(t.Sub(start) / period * period).Unix()
			buckets[k] += *v
			seen[k] = true
		}
	}
	keys := make([]int64, 0, len(seen))
	for k := range seen {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool { return keys[i] < keys[j] })
	ts := make([]time.Time, len(keys))
	vs := make([]float64, len(keys))
	for i, k := range keys {
		ts[i], vs[i] = time.Unix(k, 0).UTC(), buckets[k]
	}
	return ts, vs
}

func sameDims(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

func cborString(v smithycbor.Value) string {
	if s, ok := v.(smithycbor.String); ok {
		return string(s)
	}
	return ""
}

func cborError(code, msg string) []byte {
	return smithycbor.Encode(smithycbor.Map{
		"__type":  smithycbor.String("com.amazonaws.cloudwatch#" + code),
		"message": smithycbor.String(msg),
	})
}

// logs answers CloudWatch Logs (awsJson1_1): StartQuery, GetQueryResults,
// DescribeLogGroups.
func (s *Server) logs(c *call) {
	switch c.op {
	case "logs:DescribeLogGroups":
		var in struct {
			LogGroupNamePrefix  string   `json:"logGroupNamePrefix"`
			LogGroupIdentifiers []string `json:"logGroupIdentifiers"`
		}
		if !c.readJSON(&in) {
			return
		}
		var out []any
		if s.inRegion(c) {
			for _, g := range s.state.LogGroups {
				name := str(g, "logGroupName")
				if in.LogGroupNamePrefix != "" && !strings.HasPrefix(name, in.LogGroupNamePrefix) {
					continue
				}
				if len(in.LogGroupIdentifiers) > 0 && !contains(in.LogGroupIdentifiers, name) {
					continue
				}
				out = append(out, g)
			}
		}
		c.ok(map[string]any{"logGroups": out})
	case "logs:StartQuery":
		var in struct {
			LogGroupName  string   `json:"logGroupName"`
			LogGroupNames []string `json:"logGroupNames"`
			StartTime     int64    `json:"startTime"`
			EndTime       int64    `json:"endTime"`
			QueryString   string   `json:"queryString"`
		}
		if !c.readJSON(&in) {
			return
		}
		groups := in.LogGroupNames
		if in.LogGroupName != "" {
			groups = append(groups, in.LogGroupName)
		}
		if in.QueryString == "" || len(groups) == 0 || in.EndTime < in.StartTime {
			c.fail(400, "InvalidParameterException", "queryString, a log group and startTime <= endTime are required")
			return
		}
		for _, g := range groups {
			if !s.hasLogGroup(c, g) {
				c.fail(400, "ResourceNotFoundException", "Log group '"+g+"' does not exist for account ID '"+s.state.Account+"'")
				return
			}
		}
		// Every query must parse in the documented syntax, canned or not.
		if err := CheckInsights(in.QueryString); err != nil {
			c.fail(400, "MalformedQueryException", err.Error())
			return
		}
		var match *Query
		for i := range s.state.Queries {
			q := &s.state.Queries[i]
			if contains(groups, q.LogGroup) && strings.Contains(in.QueryString, q.Match) {
				match = q
				break
			}
		}
		if match == nil || match.Evaluate {
			var events []LogEvent
			for _, g := range groups {
				events = append(events, s.state.LogEvents[g]...)
			}
			if len(events) > 0 {
				rows, err := EvalInsights(in.QueryString, events, time.Unix(in.StartTime, 0), time.Unix(in.EndTime, 0))
				if err != nil {
					c.fail(400, "MalformedQueryException", err.Error())
					return
				}
				q := &Query{Results: rows}
				if match != nil {
					q.RunningPolls, q.Status = match.RunningPolls, match.Status
				}
				match = q
			} else if match != nil {
				match = &Query{RunningPolls: match.RunningPolls, Status: match.Status}
			}
		}
		s.mu.Lock()
		s.nextID++
		id := fmt.Sprintf("00000000-0000-4000-8000-%012d", s.nextID)
		s.queries[id] = &runningQuery{q: match}
		s.mu.Unlock()
		c.ok(map[string]any{"queryId": id})
	case "logs:GetQueryResults":
		var in struct {
			QueryID string `json:"queryId"`
		}
		if !c.readJSON(&in) {
			return
		}
		s.mu.Lock()
		rq := s.queries[in.QueryID]
		if rq != nil {
			rq.polls++
		}
		s.mu.Unlock()
		if rq == nil {
			c.fail(400, "ResourceNotFoundException", "Query does not exist")
			return
		}
		if rq.q != nil && rq.polls <= rq.q.RunningPolls {
			c.ok(map[string]any{"status": "Running", "results": []any{}, "statistics": map[string]any{"recordsMatched": 0, "recordsScanned": 1000 * rq.polls, "bytesScanned": 250000 * rq.polls}})
			return
		}
		status := "Complete"
		results := [][]map[string]string{}
		if rq.q != nil {
			results = rq.q.Results
			if rq.q.Status != "" {
				status = rq.q.Status
			}
		}
		c.ok(map[string]any{"status": status, "results": results, "statistics": map[string]any{"recordsMatched": len(results), "recordsScanned": 5000, "bytesScanned": 1250000}})
	default:
		c.fail(400, "UnknownOperationException", "unsupported operation "+c.op)
	}
}

func (s *Server) hasLogGroup(c *call, name string) bool {
	if !s.inRegion(c) {
		return false
	}
	for _, g := range s.state.LogGroups {
		if str(g, "logGroupName") == name {
			return true
		}
	}
	return false
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// cloudtrail answers LookupEvents (awsJson1_1): one lookup attribute,
// StartTime/EndTime in epoch seconds, MaxResults ≤ 50, NextToken.
func (s *Server) cloudtrail(c *call) {
	if c.op != "cloudtrail:LookupEvents" {
		c.fail(400, "UnknownOperationException", "unsupported operation "+c.op)
		return
	}
	var in struct {
		LookupAttributes []struct{ AttributeKey, AttributeValue string }
		StartTime        float64
		EndTime          float64
		MaxResults       int
		NextToken        string
	}
	if !c.readJSON(&in) {
		return
	}
	if len(in.LookupAttributes) > 1 {
		c.fail(400, "InvalidLookupAttributesException", "You cannot specify more than one lookup attribute.")
		return
	}
	var match []map[string]any
	for _, e := range s.state.Events {
		if !s.inRegion(c) {
			break
		}
		t, _ := time.Parse(time.RFC3339, str(e, "EventTime"))
		if in.StartTime > 0 && float64(t.Unix()) < in.StartTime || in.EndTime > 0 && float64(t.Unix()) > in.EndTime {
			continue
		}
		if len(in.LookupAttributes) == 1 {
			a := in.LookupAttributes[0]
			if a.AttributeKey == "EventSource" && str(e, "EventSource") != a.AttributeValue ||
				a.AttributeKey == "EventName" && str(e, "EventName") != a.AttributeValue {
				continue
			}
		}
		match = append(match, e)
	}
	// Newest first, as CloudTrail returns them.
	sort.SliceStable(match, func(i, j int) bool { return str(match[i], "EventTime") > str(match[j], "EventTime") })
	items, next := page(match, in.NextToken, in.MaxResults, s.pageSize(50), 50, s.state.PageSize)
	out := map[string]any{"Events": wire(items)}
	if next != "" {
		out["NextToken"] = next
	}
	c.ok(out)
}
