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
// raw events (access, execution and application logs) in the shapes AWS
// writes them, which the fake evaluates with the generated queries: the
// queries themselves are tested, not only their results' handling.
// Access-log values are JSON strings ("status": "403"); execution-log
// lines start with "(<request id>) " and a browser's preflight logs its
// Origin header as lower-case origin= (/work/shared/reference/aws-real:
// access-logs/github-pr-moj-*, execution-logs/github-issue-saas-*).
func rawLogs(st *fakeaws.State) {
	st.Queries = nil
	st.LogEvents = map[string][]fakeaws.LogEvent{}
	at := func(m, s int) time.Time { return time.Date(2026, 11, 20, 9, m, s, 0, time.UTC) }
	access := func(t time.Time, method, path, status, rt string) fakeaws.LogEvent {
		b, _ := json.Marshal(map[string]string{"requestId": fmt.Sprint(t.UnixNano()), "ip": "203.0.113.7", "requestTime": t.Format("02/Jan/2006:15:04:05 -0700"),
			"httpMethod": method, "resourcePath": path, "status": status, "responseType": rt, "responseLength": "42"})
		return fakeaws.LogEvent{T: t, Message: string(b)}
	}
	rid := func(t time.Time) string { return fmt.Sprintf("(%08x-4a5d-11e8-a7f8-73d5adbd0647) ", t.Unix()%1e8) }
	const ag, eg, app = "/aws/apigateway/orders-api-prod", "API-Gateway-Execution-Logs_a1b2c3d4e5/prod", "/ecs/orders-web"
	for m := 0; m < 60; m++ {
		for s := 0; s < 60; s += 10 {
			st.LogEvents[ag] = append(st.LogEvents[ag], access(at(m, s), "GET", "/orders", "200", "-"))
		}
		st.LogEvents[ag] = append(st.LogEvents[ag], access(at(m, 1), "OPTIONS", "/orders/{id}", "200", "-"))
		if m >= 31 {
			for s := 0; s < 3; s++ {
				t := at(m, 20+s)
				st.LogEvents[ag] = append(st.LogEvents[ag], access(t, "OPTIONS", "/orders", "403", "MISSING_AUTHENTICATION_TOKEN"))
				st.LogEvents[eg] = append(st.LogEvents[eg],
					fakeaws.LogEvent{T: t, Message: rid(t) + "HTTP Method: OPTIONS, Resource Path: /orders"},
					fakeaws.LogEvent{T: t, Message: rid(t) + "Method request headers: {Accept=*/*, origin=https://www.example.com, Access-Control-Request-Method=POST, User-Agent=Mozilla/5.0 (X11; Linux x86_64)}"},
					fakeaws.LogEvent{T: t, Message: rid(t) + "Method response headers: {x-amzn-ErrorType=MissingAuthenticationTokenException}"})
				st.LogEvents[app] = append(st.LogEvents[app], fakeaws.LogEvent{T: t, Message: `{"level":"error","msg":"Access to fetch at 'https://a1b2c3d4e5.execute-api.us-east-1.amazonaws.com/prod/orders' from origin 'https://www.example.com' has been blocked by CORS policy: Response to preflight request doesn't pass access control check: No 'Access-Control-Allow-Origin' header is present on the requested resource.","page":"https://www.example.com/checkout"}`})
			}
		}
		t := at(m, 40)
		st.LogEvents[eg] = append(st.LogEvents[eg],
			fakeaws.LogEvent{T: t, Message: rid(t) + "Method request headers: {Origin=https://app.example.com, Accept=application/json}"},
			fakeaws.LogEvent{T: t, Message: rid(t) + "Method request headers: {day=Wednesday}"},
			fakeaws.LogEvent{T: t, Message: rid(t) + "Method response headers: {access-control-allow-origin=https://app.example.com, Content-Type=application/json}"})
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
	st := pb.Access
	if st == nil || st.Records != 60*6+60+29*3 || st.Malformed != 0 {
		t.Fatalf("access aggregate = %+v", st)
	}
	for _, rt := range st.Routes {
		switch rt.Method + " " + rt.Route {
		case "OPTIONS /orders":
			if rt.Total != 87 || rt.Client != 87 || rt.Errors["MISSING_AUTHENTICATION_TOKEN"] != 87 || rt.FirstError.Format("15:04:05") != "09:31:20" {
				t.Errorf("OPTIONS /orders = %+v", rt)
			}
		case "GET /orders":
			if rt.Total != 360 || rt.Failed() != 0 {
				t.Errorf("GET /orders = %+v", rt)
			}
		case "OPTIONS /orders/{id}":
			if rt.Total != 60 {
				t.Errorf("OPTIONS /orders/{id} = %+v", rt)
			}
		default:
			t.Errorf("unexpected route %s %s", rt.Method, rt.Route)
		}
	}
	if q := pb.Log("exec-missing-acao"); len(q.Rows) != 1 || evidence.Int(q.Rows[0], "responses_without_acao") != 87 {
		t.Errorf("exec-missing-acao rows = %v (lower-case access-control-allow-origin counts as present)", q.Rows)
	}
	if q := pb.Log("exec-origins"); len(q.Rows) != 2 || q.Rows[0]["origin"] != "https://www.example.com" || q.Rows[0]["origin_requests"] != "87" || q.Rows[1]["origin"] != "https://app.example.com" {
		t.Errorf("exec-origins rows = %v (origin= in either case)", q.Rows)
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
