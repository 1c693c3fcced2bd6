package apigw

import (
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/corsdoctor/corsdoctor/evidence"
	"github.com/corsdoctor/corsdoctor/internal/fakeaws"
)

// rawLogs replaces the canned Logs Insights answers of rest-incident with
// raw events (access, execution and application logs) that the fake
// evaluates with the generated queries: the queries themselves are
// tested, not only their results' handling.
func rawLogs(st *fakeaws.State) {
	st.Queries = nil
	st.LogEvents = map[string][]fakeaws.LogEvent{}
	at := func(m, s int) time.Time { return time.Date(2026, 11, 20, 9, m, s, 0, time.UTC) }
	access := func(t time.Time, method, path, status, rt string) fakeaws.LogEvent {
		b, _ := json.Marshal(map[string]string{"requestId": fmt.Sprint(t.UnixNano()), "ip": "203.0.113.7", "requestTime": t.Format("02/Jan/2006:15:04:05 -0700"),
			"httpMethod": method, "resourcePath": path, "status": status, "responseType": rt, "responseLength": "42"})
		return fakeaws.LogEvent{T: t, Message: string(b)}
	}
	const ag, eg, app = "/aws/apigateway/orders-api-prod", "API-Gateway-Execution-Logs_a1b2c3d4e5/prod", "/ecs/orders-web"
	for m := 0; m < 60; m++ {
		for s := 0; s < 60; s += 10 {
			st.LogEvents[ag] = append(st.LogEvents[ag], access(at(m, s), "GET", "/orders", "200", ""))
		}
		st.LogEvents[ag] = append(st.LogEvents[ag], access(at(m, 1), "OPTIONS", "/orders/{id}", "200", ""))
		if m >= 31 {
			for s := 0; s < 3; s++ {
				t := at(m, 20+s)
				st.LogEvents[ag] = append(st.LogEvents[ag], access(t, "OPTIONS", "/orders", "403", "MISSING_AUTHENTICATION_TOKEN"))
				st.LogEvents[eg] = append(st.LogEvents[eg],
					fakeaws.LogEvent{T: t, Message: fmt.Sprintf("(%d) Method request headers: {Origin=https://www.example.com, Access-Control-Request-Method=POST, Accept=*/*}", t.Unix())},
					fakeaws.LogEvent{T: t, Message: fmt.Sprintf("(%d) Method response headers: {x-amzn-ErrorType=MissingAuthenticationTokenException}", t.Unix())})
				st.LogEvents[app] = append(st.LogEvents[app], fakeaws.LogEvent{T: t, Message: `{"level":"error","msg":"Access to fetch at 'https://a1b2c3d4e5.execute-api.us-east-1.amazonaws.com/prod/orders' from origin 'https://www.example.com' has been blocked by CORS policy: Response to preflight request doesn't pass access control check: No 'Access-Control-Allow-Origin' header is present on the requested resource.","page":"https://www.example.com/checkout"}`})
			}
		}
		t := at(m, 40)
		st.LogEvents[eg] = append(st.LogEvents[eg],
			fakeaws.LogEvent{T: t, Message: fmt.Sprintf("(%d) Method request headers: {Origin=https://app.example.com, Accept=application/json}", t.Unix())},
			fakeaws.LogEvent{T: t, Message: fmt.Sprintf("(%d) Method response headers: {Access-Control-Allow-Origin=https://app.example.com, Content-Type=application/json}", t.Unix())})
	}
	// Outside the window: must not be counted.
	st.LogEvents[ag] = append(st.LogEvents[ag], access(time.Date(2026, 11, 20, 7, 0, 0, 0, time.UTC), "OPTIONS", "/orders", "403", "MISSING_AUTHENTICATION_TOKEN"))
}

func TestQueriesOnRawLogs(t *testing.T) {
	t.Parallel()
	r, f, err := runScenario(t, scenario{fixture: "rest-incident", mutate: rawLogs, opt: Options{APIID: "a1b2c3d4e5", AppLogGroups: []string{"/ecs/orders-web"}}})
	if err != nil {
		t.Fatal(err)
	}
	pb := r.Playbook
	for _, q := range pb.Logs {
		if q.Status != "Complete" {
			t.Errorf("%s: %s", q.Purpose, q.Status)
		}
	}
	if n := pb.PreflightFailures(); n != 29*3 {
		t.Errorf("preflight failures = %d, want %d (29 minutes × 3)", n, 29*3)
	}
	if q := pb.Log("preflight-failures"); len(q.Rows) != 1 || q.Rows[0]["resourcePath"] != "/orders" || q.Rows[0]["responseType"] != "MISSING_AUTHENTICATION_TOKEN" || q.Rows[0]["status"] != "403" {
		t.Errorf("preflight rows = %v", q.Rows)
	}
	if q := pb.Log("preflight-timeline"); len(q.Rows) != 29 || q.Rows[0]["minute"] != "2026-11-20 09:31:00.000" || q.Rows[0]["preflight_failures"] != "3" {
		t.Errorf("timeline rows = %d, first %v", len(q.Rows), q.Rows[0])
	}
	if q := pb.Log("traffic-by-route"); len(q.Rows) != 3 || q.Rows[0]["httpMethod"] != "GET" || q.Rows[0]["requests"] != "360" {
		t.Errorf("traffic rows = %v", q.Rows)
	}
	if q := pb.Log("exec-missing-acao"); len(q.Rows) != 1 || evidence.Int(q.Rows[0], "responses_without_acao") != 87 {
		t.Errorf("exec-missing-acao rows = %v", q.Rows)
	}
	if q := pb.Log("exec-origins"); len(q.Rows) != 2 || q.Rows[0]["origin"] != "https://www.example.com" || q.Rows[0]["origin_requests"] != "87" {
		t.Errorf("exec-origins rows = %v", q.Rows)
	}
	if q := pb.Log("app-cors-errors"); len(q.Rows) != 1 || q.Rows[0]["pattern"] != "blocked by CORS policy" {
		t.Errorf("app-cors-errors rows = %v", q.Rows)
	}
	if q := pb.Log("app-origins"); len(q.Rows) != 1 || q.Rows[0]["origin"] != "https://www.example.com" || q.Rows[0]["app_origin_requests"] != "87" {
		t.Errorf("app-origins rows = %v", q.Rows)
	}
	if !pb.Correlated() {
		t.Error("not correlated")
	}
	t.Logf("calls: %s", f.CallSummary())
}
