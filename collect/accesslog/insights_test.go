package accesslog

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/corsdoctor/corsdoctor/evidence"
	"github.com/corsdoctor/corsdoctor/internal/fakeaws"
	"github.com/corsdoctor/corsdoctor/internal/golden"
)

// formatFiles are the console's access-log formats (testdata/formats).
func formatFiles(t *testing.T) map[string]string {
	t.Helper()
	names, _ := filepath.Glob("testdata/formats/*.txt")
	if len(names) != 8 {
		t.Fatalf("%d format files", len(names))
	}
	out := map[string]string{}
	for _, n := range names {
		b, err := os.ReadFile(n)
		if err != nil {
			t.Fatal(err)
		}
		out[strings.TrimSuffix(filepath.Base(n), ".txt")] = strings.TrimSpace(string(b))
	}
	return out
}

// TestInsightsQueryGolden pins the generated query for every console
// format and the default, and checks each against the documented syntax
// (the fake's parser).
func TestInsightsQueryGolden(t *testing.T) {
	t.Parallel()
	golden.Check(t, "testdata/insights.golden", []byte(InsightsQuery(InsightsOptions{})+"\n"))
	formats := formatFiles(t)
	var b strings.Builder
	for _, name := range sortedKeys(formats) {
		f, err := InsightsFieldsFromFormat(formats[name])
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		q := InsightsQuery(InsightsOptions{Fields: f})
		if err := fakeaws.CheckInsights(q); err != nil {
			t.Errorf("%s: query does not parse: %v\n%s", name, err, q)
		}
		fmt.Fprintf(&b, "# %s\n%s\n\n", name, q)
	}
	q := InsightsQuery(InsightsOptions{Bin: 5 * time.Minute, Errors: true})
	if !strings.Contains(q, "bin(5m)") || !strings.Contains(q, `cdMethod = "OPTIONS"`) {
		t.Errorf("query with options:\n%s", q)
	}
	fmt.Fprintf(&b, "# default, errors only, 5m bins\n%s\n", q)
	for _, q := range []string{InsightsQuery(InsightsOptions{}), q} {
		if err := fakeaws.CheckInsights(q); err != nil {
			t.Errorf("query does not parse: %v\n%s", err, q)
		}
	}
	golden.Check(t, "testdata/insights-formats.golden", []byte(b.String()))
}

func TestInsightsFieldsFromFormat(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		desc, format string
		want         InsightsFields
		err          bool
	}{
		{"REST JSON", `{"httpMethod":"$context.httpMethod","resourcePath":"$context.resourcePath","status":"$context.status","responseType":"$context.error.responseType"}`,
			InsightsFields{Method: []string{"httpMethod"}, Route: []string{"resourcePath"}, Status: []string{"status"}, ErrType: []string{"responseType"}}, false},
		{"custom keys, nested, routeKey first", `{"m":"$context.httpMethod","req":{"p":"$context.resourcePath","rk":"$context.routeKey"},"s":"$context.status","origin":"$context.identity.sourceIp"}`,
			InsightsFields{Method: []string{"m"}, Route: []string{"req.rk", "req.p"}, Status: []string{"s"}, Origin: []string{"origin"}}, false},
		{"path only", `{"method":"$context.httpMethod","path":"$context.path","status":"$context.status"}`,
			InsightsFields{Method: []string{"method"}, Path: []string{"path"}, Status: []string{"status"}}, false},
		{"CSV: a glob", `$context.httpMethod,$context.path,$context.status`,
			InsightsFields{Parse: `parse @message "*,*,*" as httpMethod, path, status`, Method: []string{"httpMethod"}, Path: []string{"path"}, Status: []string{"status"}}, false},
		{"quotes: a regex", `"$context.httpMethod $context.routeKey" $context.status`,
			InsightsFields{Parse: `parse @message /^"(?<httpMethod>\S+) (?<routeKey>(?:[A-Z]+ )?\S+)" (?<status>\S+)$/`, Method: []string{"httpMethod"}, Route: []string{"routeKey"}, Status: []string{"status"}}, false},
		{"no status", `{"httpMethod":"$context.httpMethod"}`, InsightsFields{}, true},
		{"no variable", `hello`, InsightsFields{}, true},
		{"empty", ``, InsightsFields{}, true},
	} {
		t.Run(tc.desc, func(t *testing.T) {
			f, err := InsightsFieldsFromFormat(tc.format)
			if (err != nil) != tc.err {
				t.Fatalf("err = %v", err)
			}
			if tc.err {
				return
			}
			f.Format = ""
			if d := cmp.Diff(tc.want, f); d != "" {
				t.Errorf("fields (-want +got):\n%s", d)
			}
		})
	}
}

// logRec is one request, rendered into every format.
type logRec struct {
	t                    time.Time
	method, route, proto string
	status               int
	origin, errType      string
}

// testRecords: an OPTIONS route that breaks at minute 4 (403), a method
// failing while another works, 5xx, and successes, over 10 minutes.
func testRecords(http bool) []logRec {
	t0 := time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC)
	var out []logRec
	for s := 0; s < 600; s += 7 {
		at := t0.Add(time.Duration(s) * time.Second)
		route := func(p string) string {
			if http {
				return p
			}
			return strings.SplitN(p, " ", 2)[1]
		}
		st := 204
		et := "-"
		if s >= 240 {
			st, et = 403, "MISSING_AUTHENTICATION_TOKEN"
		}
		out = append(out,
			logRec{at, "OPTIONS", route("OPTIONS /items"), "HTTP/1.1", st, "https://app.example.com", et},
			logRec{at.Add(time.Second), "GET", route("GET /items/{id}"), "HTTP/1.1", 200, "https://app.example.com", "-"},
		)
		if s%3 == 0 {
			out = append(out, logRec{at.Add(2 * time.Second), "PUT", route("PUT /items/{id}"), "HTTP/1.1", 400 + s%2*100, "https://www.example.com", "-"})
		}
	}
	return out
}

// render substitutes a record into a template's $context variables.
func render(tmpl string, r logRec) string {
	vals := map[string]string{
		"$context.identity.sourceIp": "203.0.113.7", "$context.identity.caller": "-", "$context.identity.user": "-",
		"$context.requestTime": r.t.Format("02/Jan/2006:15:04:05 -0700"), "$context.httpMethod": r.method,
		"$context.resourcePath": r.route, "$context.routeKey": r.route, "$context.protocol": r.proto,
		"$context.status": fmt.Sprint(r.status), "$context.responseLength": "42",
		"$context.requestId": fmt.Sprintf("%08x-1104-424e-9907-eebbf55dd662", r.t.UnixNano()%1e8), "$context.extendedRequestId": "NvWxHF2ZoAMEBZw=",
	}
	return regexp.MustCompile(`\$context\.[A-Za-z.]+[A-Za-z]`).ReplaceAllStringFunc(tmpl, func(v string) string { return vals[v] })
}

func insightsStats(t *testing.T, q string, events []fakeaws.LogEvent) *evidence.LogStats {
	t.Helper()
	rows, err := fakeaws.EvalInsights(q, events, events[0].T.Add(-time.Hour), events[len(events)-1].T.Add(time.Hour))
	if err != nil {
		t.Fatalf("%v\n%s", err, q)
	}
	var maps []map[string]string
	for _, r := range rows {
		m := map[string]string{}
		for _, f := range r {
			m[f["field"]] = f["value"]
		}
		maps = append(maps, m)
	}
	return StatsFromInsights("/aws/apigateway/test", maps, Options{})
}

// aggregate is the part of LogStats both paths must agree on (flips are
// counted between lines locally, between minutes from Logs Insights;
// locations differ by nature).
func aggregate(st *evidence.LogStats) string {
	var b strings.Builder
	fmt.Fprintf(&b, "records %d malformed %d origins %v\n", st.Records, st.Malformed, st.OriginsLogged)
	rs := append([]evidence.RouteStats(nil), st.Routes...)
	sort.Slice(rs, func(i, j int) bool { return rs[i].Method+rs[i].Route < rs[j].Method+rs[j].Route })
	for _, r := range rs {
		fmt.Fprintf(&b, "%s %s total %d 4xx %d 5xx %d other %d statuses %v errors %v first-error %s origins",
			r.Method, r.Route, r.Total, r.Client, r.Server, r.Other, r.Statuses, r.Errors, r.FirstError.Format(time.RFC3339))
		for _, o := range sortedKeys(r.Origins) {
			fmt.Fprintf(&b, " %s=%d/%d", o, r.Origins[o].Errors, r.Origins[o].Total)
		}
		b.WriteString("\n")
	}
	for _, s := range st.Series {
		fmt.Fprintf(&b, "series %s %s %s %s %d started %s minutes %v\n", s.Class, s.Method, s.Route, s.Origin, s.Count, s.Started.Format(time.RFC3339), s.PerMinute)
	}
	return b.String()
}

// TestInsightsMatchesLocalScan: for the same requests, the Logs Insights
// query (evaluated by the fake, in every console format) and a local scan
// give the same aggregate. The log lines carry numbers as strings, as
// real JSON access logs do ("status": "400").
func TestInsightsMatchesLocalScan(t *testing.T) {
	t.Parallel()
	formats := formatFiles(t)
	for _, kind := range []string{"rest", "http"} {
		recs := testRecords(kind == "http")
		var lines []string
		for _, r := range recs {
			lines = append(lines, render(formats[kind+"-json"], r))
		}
		local, err := Scan([]Input{bytesInput("local.log", []byte(strings.Join(lines, "\n")+"\n"))}, Options{Format: APIGwJSON})
		if err != nil {
			t.Fatal(err)
		}
		if local.Records != int64(len(recs)) || local.Malformed != 0 {
			t.Fatalf("%s: local scan read %d of %d records", kind, local.Records, len(recs))
		}
		want := aggregate(local)
		for _, f := range []string{"json", "clf", "csv", "xml"} {
			t.Run(kind+"-"+f, func(t *testing.T) {
				tmpl := formats[kind+"-"+f]
				fields, err := InsightsFieldsFromFormat(tmpl)
				if err != nil {
					t.Fatal(err)
				}
				var events []fakeaws.LogEvent
				for _, r := range recs {
					events = append(events, fakeaws.LogEvent{T: r.t, Message: render(tmpl, r)})
				}
				got := aggregate(insightsStats(t, InsightsQuery(InsightsOptions{Fields: fields}), events))
				if d := cmp.Diff(want, got); d != "" {
					t.Errorf("Logs Insights and local scan differ (-local +insights):\n%s", d)
				}
				// Errors only: the failed requests, and nothing else.
				errs := insightsStats(t, InsightsQuery(InsightsOptions{Fields: fields, Errors: true}), events)
				var failed, total int64
				for _, r := range local.Routes {
					failed += r.Failed()
				}
				for _, r := range errs.Routes {
					total += r.Total
				}
				if total != failed {
					t.Errorf("errors-only query counted %d requests, want the %d failures", total, failed)
				}
			})
		}
	}
}

// TestInsightsDefaultFields: the default query (no format known) reads a
// log with origins and error types the way a local scan does.
func TestInsightsDefaultFields(t *testing.T) {
	t.Parallel()
	recs := testRecords(false)
	var lines []string
	var events []fakeaws.LogEvent
	for _, r := range recs {
		l := fmt.Sprintf(`{"requestId":"r","requestTime":%q,"httpMethod":%q,"resourcePath":%q,"status":"%d","errorResponseType":%q,"origin":%q}`,
			r.t.Format("02/Jan/2006:15:04:05 -0700"), r.method, r.route, r.status, r.errType, r.origin)
		lines = append(lines, l)
		events = append(events, fakeaws.LogEvent{T: r.t, Message: l})
	}
	local, err := Scan([]Input{bytesInput("local.log", []byte(strings.Join(lines, "\n")+"\n"))}, Options{Format: APIGwJSON})
	if err != nil {
		t.Fatal(err)
	}
	got := insightsStats(t, InsightsQuery(InsightsOptions{}), events)
	if !got.OriginsLogged || len(route(t, got, "OPTIONS", "/items").Errors) == 0 {
		t.Fatalf("origins or error types lost: %s", aggregate(got))
	}
	if d := cmp.Diff(aggregate(local), aggregate(got)); d != "" {
		t.Errorf("(-local +insights):\n%s", d)
	}
}

func TestStatsFromInsights(t *testing.T) {
	t.Parallel()
	rows := []map[string]string{
		{"minute": "2026-11-20 14:02:00.000", "firstSeen": "2026-11-20 14:02:11.000", "cdMethod": "OPTIONS", "cdRoute": "/items", "cdOrigin": "https://app.example.com", "cdStatus": "403", "requests": "25"},
		{"minute": "2026-11-20 14:00:00.000", "firstSeen": "2026-11-20 14:00:03.120", "method": "OPTIONS", "route": "/items", "origin": "https://app.example.com", "status": "204", "requests": "40"},
		{"minute": "2026-11-20 14:02:00.000", "cdMethod": "", "cdRoute": "POST /orders", "cdOrigin": "-", "cdStatus": "500", "requests": "3"},
		{"minute": "2026-11-20 14:03:00.000", "cdMethod": "GET", "cdRoute": "/items/42", "cdStatus": "two hundred", "requests": "1"},
		{"minute": "2026-11-20 14:03:00.000", "cdMethod": "GET", "cdRoute": "/items/42", "cdStatus": "200", "requests": "2"},
	}
	st := StatsFromInsights("/aws/apigw/access", rows, Options{Deploys: []time.Time{time.Date(2026, 11, 20, 14, 1, 0, 0, time.UTC)}})
	if st.Records != 70 || st.Malformed != 1 || len(st.Bad) != 1 || !strings.HasPrefix(st.Bad[0], "/aws/apigw/access:4: ") {
		t.Fatalf("records %d malformed %d bad %v", st.Records, st.Malformed, st.Bad)
	}
	r := route(t, st, "OPTIONS", "/items")
	if r.Total != 65 || r.Failed() != 25 || !r.FirstError.Equal(time.Date(2026, 11, 20, 14, 2, 11, 0, time.UTC)) || r.Flips != 1 {
		t.Errorf("OPTIONS /items (rows out of time order): %+v", r)
	}
	if o := route(t, st, "POST", "/orders"); o.Server != 3 {
		t.Errorf("POST /orders: %+v", o)
	}
	if g := route(t, st, "GET", "/items/{id}"); g.Total != 2 {
		t.Errorf("raw path not normalised: %+v", g)
	}
	if d := st.Deploys[0]; d.Before.Total != 40 || d.After.Errors != 28 {
		t.Errorf("deploy %+v", d)
	}
	if len(st.Truncated) != 0 {
		t.Errorf("truncated: %v", st.Truncated)
	}
	many := make([]map[string]string, InsightsLimit)
	for i := range many {
		many[i] = map[string]string{"minute": time.Date(2026, 11, 20, 14, 0, 0, 0, time.UTC).Add(time.Duration(i) * time.Minute).Format("2006-01-02 15:04:05.000"), "cdMethod": "GET", "cdRoute": "/", "cdStatus": "200", "requests": "1"}
	}
	if st := StatsFromInsights("g", many, Options{}); len(st.Truncated) != 1 || !strings.Contains(st.Truncated[0], "before 2026-11-20 14:00 UTC") {
		t.Errorf("a full result is not reported as truncated: %v", st.Truncated)
	}
}

func TestDeploysFromChanges(t *testing.T) {
	t.Parallel()
	t1 := time.Date(2026, 11, 20, 14, 2, 0, 0, time.UTC)
	t2 := time.Date(2026, 11, 20, 13, 0, 0, 0, time.UTC)
	got := DeploysFromChanges([]evidence.Change{
		{Time: t1, Event: "CreateDeployment", Deploy: true},
		{Time: t1.Add(time.Minute), Event: "PutIntegrationResponse"},
		{Time: t2, Event: "UpdateStage", Deploy: true},
		{Time: t1, Event: "CreateDeployment", Deploy: true, Source: "deployments"},
	})
	if len(got) != 2 || !got[0].Equal(t2) || !got[1].Equal(t1) {
		t.Errorf("got %v, want [%v %v]", got, t2, t1)
	}
}

// TestSlotOfMatchesKeys: the scanner's switch and the keys the Logs
// Insights query coalesces are the same data.
func TestSlotOfMatchesKeys(t *testing.T) {
	t.Parallel()
	for slot, keys := range insightsKeys {
		for _, k := range keys {
			if got := slotOf([]byte(k)); got != slot {
				t.Errorf("slotOf(%q) = %d, want %d", k, got, slot)
			}
		}
	}
}

func FuzzInsightsFieldsFromFormat(f *testing.F) {
	for _, s := range []string{`{"a":"$context.httpMethod","b":"$context.status"}`, `"$context.httpMethod $context.routeKey" $context.status`, `$context.httpMethod,$context.status`, `<a>$context.status</a>`, `{`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, format string) {
		fields, err := InsightsFieldsFromFormat(format)
		if err != nil {
			return
		}
		if len(fields.Status) == 0 {
			t.Fatal("fields without status")
		}
		if q := InsightsQuery(InsightsOptions{Fields: fields}); fakeaws.CheckInsights(q) != nil {
			t.Fatalf("generated query does not parse: %v\n%s", fakeaws.CheckInsights(q), q)
		}
	})
}

func realSample(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "internal", "fakeaws", "testdata", "real", "access-logs", name))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestRealAccessLogSamples: the console formats in the API Gateway
// documentation are the ones testdata/formats holds (joined into one
// line), and a real-shaped JSON access-log event (custom keys, every
// value a string) reads the same locally and through its format's Logs
// Insights query.
func TestRealAccessLogSamples(t *testing.T) {
	t.Parallel()
	formats := formatFiles(t)
	block := regexp.MustCompile("(?s)```\n(.*?)```")
	for doc, prefix := range map[string]string{"awsdocs-rest-access-log-formats.md": "rest", "awsdocs-http-api-access-log-formats.md": "http"} {
		blocks := block.FindAllStringSubmatch(realSample(t, doc), -1)
		if len(blocks) != 4 {
			t.Fatalf("%s: %d code blocks", doc, len(blocks))
		}
		for i, kind := range []string{"clf", "json", "xml", "csv"} {
			var parts []string
			for _, l := range strings.Split(blocks[i][1], "\n") {
				if l = strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(l), `\`)); l != "" {
					parts = append(parts, l)
				}
			}
			joined := strings.Join(parts, " ")
			if kind == "csv" {
				joined = strings.Join(parts, "")
			}
			if want := formats[prefix+"-"+kind]; joined != want {
				t.Errorf("%s block %d:\n%s\nwant (testdata/formats/%s-%s.txt)\n%s", doc, i, joined, prefix, kind, want)
			}
		}
	}
	event := realSample(t, "reconstructed-rest-json-custom-keys.json")
	var compact strings.Builder
	for _, l := range strings.Split(event, "\n") {
		compact.WriteString(strings.TrimSpace(l))
	}
	line := compact.String()
	local, err := Scan([]Input{bytesInput("event.log", []byte(line+"\n"))}, Options{Format: APIGwJSON})
	if err != nil || local.Records != 1 {
		t.Fatalf("local scan: %v %+v", err, local)
	}
	r := route(t, local, "POST", "/products/{product}/table/{table}/schema")
	if r.Client != 1 || r.FirstError.UnixMilli() != 1710408067512 {
		t.Errorf("local: %+v", r)
	}
	fields, err := InsightsFieldsFromFormat(realSample(t, "reconstructed-rest-json-custom-keys.format"))
	if err != nil {
		t.Fatal(err)
	}
	got := insightsStats(t, InsightsQuery(InsightsOptions{Fields: fields}), []fakeaws.LogEvent{{T: r.FirstError, Message: line}})
	if d := cmp.Diff(aggregate(local), aggregate(got)); d != "" {
		t.Errorf("(-local +insights):\n%s", d)
	}
}
