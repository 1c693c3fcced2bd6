package apigw

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/apigateway"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	cwtypes "github.com/aws/aws-sdk-go-v2/service/cloudwatch/types"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"golang.org/x/sync/errgroup"

	"github.com/corsdoctor/corsdoctor/apimodel"
	"github.com/corsdoctor/corsdoctor/collect/accesslog"
	"github.com/corsdoctor/corsdoctor/evidence"
)

// metrics reads 4XX, 5XX and Count per minute (StepMetrics).
func (r *run) metrics(ctx context.Context, start, end time.Time) error {
	if r.pb.Stage == "" || r.pb.Kind == evidence.UnknownAPI {
		r.skip(evidence.StepMetrics, "the stage or API type is unknown: metric dimensions cannot be built")
		return nil
	}
	if r.pb.Kind == evidence.WebSocketAPI {
		return nil
	}
	names, qs := r.metricQueries()
	series := map[string]*evidence.Series{}
	p := cloudwatch.NewGetMetricDataPaginator(r.c.CloudWatch, &cloudwatch.GetMetricDataInput{
		MetricDataQueries: qs, StartTime: aws.Time(start), EndTime: aws.Time(end), ScanBy: cwtypes.ScanByTimestampAscending,
	})
	for p.HasMorePages() {
		var out *cloudwatch.GetMetricDataOutput
		err := r.call(ctx, func(ctx context.Context) (err error) {
			out, err = p.NextPage(ctx)
			return err
		})
		if err != nil {
			return r.gap(evidence.StepMetrics, evidence.GapMetrics, "CloudWatch metrics", "cloudwatch:GetMetricData", err)
		}
		for _, res := range out.MetricDataResults {
			name := metricIDs[aws.ToString(res.Id)]
			s := series[name]
			if s == nil {
				s = &evidence.Series{Name: name}
				series[name] = s
			}
			for i, t := range res.Timestamps {
				if i < len(res.Values) {
					s.Points = append(s.Points, evidence.Point{T: t.UTC(), V: res.Values[i]})
				}
			}
		}
	}
	r.mu.Lock()
	for _, name := range []string{"4XX", "5XX", "Count"} {
		s := series[name]
		if s == nil {
			s = &evidence.Series{Name: name}
		}
		sort.Slice(s.Points, func(i, j int) bool { return s.Points[i].T.Before(s.Points[j].T) })
		r.pb.Metrics = append(r.pb.Metrics, *s)
	}
	r.mu.Unlock()
	total := func(name string) float64 {
		t := 0.0
		for _, p := range r.pb.Metric(name).Points {
			t += p.V
		}
		return t
	}
	r.evidenceLine(evidence.StepMetrics, "%s %s/%s, %s/%s, Count over %s..%s: %.0f 4xx, %.0f 5xx, %.0f requests",
		"AWS/ApiGateway", names["4XX"], "min", names["5XX"], "min", start.Format("15:04"), end.Format("15:04"), total("4XX"), total("5XX"), total("Count"))
	if rise, ok := r.pb.FirstRise(); ok {
		r.evidenceLine(evidence.StepMetrics, "%s rose at %s: %.1f/min before, %.1f/min after", rise.Metric, rise.At.Format("15:04"), rise.Before, rise.After)
	} else if len(r.pb.Metric("Count").Points) == 0 {
		r.evidenceLine(evidence.StepMetrics, "no datapoints: no traffic in the window, or the ApiName/Stage dimensions do not match")
	} else {
		r.evidenceLine(evidence.StepMetrics, "no rise of 4xx or 5xx in the window")
	}
	return nil
}

// metricIDs name the GetMetricData queries' results.
var metricIDs = map[string]string{"m4xx": "4XX", "m5xx": "5XX", "mcount": "Count"}

// metricQueries are the 4XX, 5XX and Count queries per minute for the
// stage (REST: 4XXError/5XXError by ApiName; HTTP: 4xx/5xx by ApiId), and
// the metric names they read.
func (r *run) metricQueries() (map[string]string, []cwtypes.MetricDataQuery) {
	names := map[string]string{"4XX": "4XXError", "5XX": "5XXError", "Count": "Count"}
	dims := []cwtypes.Dimension{{Name: aws.String("ApiName"), Value: aws.String(r.config.restName)}, {Name: aws.String("Stage"), Value: aws.String(r.pb.Stage)}}
	if r.pb.Kind != evidence.RESTAPI {
		names = map[string]string{"4XX": "4xx", "5XX": "5xx", "Count": "Count"}
		dims = []cwtypes.Dimension{{Name: aws.String("ApiId"), Value: aws.String(r.opt.APIID)}, {Name: aws.String("Stage"), Value: aws.String(r.pb.Stage)}}
	}
	var qs []cwtypes.MetricDataQuery
	for _, id := range []string{"m4xx", "m5xx", "mcount"} {
		qs = append(qs, cwtypes.MetricDataQuery{Id: aws.String(id), MetricStat: &cwtypes.MetricStat{
			Metric: &cwtypes.Metric{Namespace: aws.String("AWS/ApiGateway"), MetricName: aws.String(names[metricIDs[id]]), Dimensions: dims},
			Period: aws.Int32(60), Stat: aws.String("Sum"),
		}})
	}
	return names, qs
}

// accessPurpose names the access-log query: the one Logs Insights query
// `corsdoctor logs --insights` prints (accesslog.InsightsQuery), built
// for the stage's access-log format.
const accessPurpose = "access-aggregate"

// Execution-log queries (REST, INFO level with data trace). Lines read
// "(<request id>) Method request headers: {Accept=*/*, ..., origin=...}":
// header names keep the client's casing (a real browser preflight logged
// lower-case origin=: /work/shared/reference/aws-real/execution-logs), so
// the patterns are case-insensitive.
var execQueries = map[string]string{
	"exec-missing-acao": "filter @message like \"Method response headers\"\n| parse @message \"Method response headers: {*}\" as headers\n| filter headers not like /(?i)access-control-allow-origin/\n| stats count(*) as responses_without_acao",
	"exec-origins":      "filter @message like \"Method request headers\"\n| parse @message /(?i)[{ ,]origin=(?<origin>[^,} ]+)/\n| filter ispresent(origin)\n| stats count(*) as origin_requests by origin\n| sort origin_requests desc\n| limit 20",
}

// Application-log queries (browser errors forwarded by the front end,
// server-side CORS middleware logs).
var appQueries = map[string]string{
	"app-cors-errors": "filter @message like /(?i)(cors|access-control-allow|preflight|cross-origin)/\n| parse @message /(?i)(?<pattern>blocked by CORS policy|credentials mode is 'include'|Access-Control-Allow-Credentials|Access-Control-Allow-Origin|Access-Control-Allow-Headers|Access-Control-Allow-Methods|preflight)/\n| stats count(*) as cors_errors by pattern\n| sort cors_errors desc",
	"app-origins":     "filter @message like /(?i)origin/\n| parse @message /(?i)origin[\"':= ]+(?<origin>https?:\\/\\/[^\"' ,;}\\]]+)/\n| filter ispresent(origin)\n| stats count(*) as app_origin_requests by origin\n| sort app_origin_requests desc\n| limit 20",
}

type plannedQuery struct {
	purpose string
	step    evidence.StepID
	key     evidence.GapKey
	groups  []string
	query   string
	need    string
}

// logPerm is the permission every Logs Insights query needs.
const logPerm = "logs:StartQuery and logs:GetQueryResults on the log group"

// logQueries runs every Logs Insights query concurrently (StepAccessLogs,
// StepAppLogs, StepExecLogs).
func (r *run) logQueries(ctx context.Context, start, end time.Time) error {
	plan := r.accessPlan()
	exec, err := r.execPlan(ctx)
	if err != nil {
		return err
	}
	plan = append(plan, exec...)
	plan = append(plan, r.appPlan()...)
	sort.Slice(plan, func(i, j int) bool { return plan[i].purpose < plan[j].purpose })
	results := make([]*evidence.LogQuery, len(plan))
	g, gctx := errgroup.WithContext(ctx)
	for i, pq := range plan {
		g.Go(func() error {
			lq, err := r.insights(gctx, pq, start, end)
			if err != nil {
				what := map[evidence.StepID]string{evidence.StepAccessLogs: "access logs", evidence.StepAppLogs: "application logs", evidence.StepExecLogs: "execution logs"}[pq.step]
				return r.gap(pq.step, pq.key, what+" ("+pq.purpose+")", pq.need, err)
			}
			results[i] = lq
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return err
	}
	r.mu.Lock()
	for _, lq := range results {
		if lq != nil {
			r.pb.Logs = append(r.pb.Logs, *lq)
		}
	}
	r.mu.Unlock()
	return nil
}

// accessPlan is the shared access-log query, built for the stage's
// access-log format.
func (r *run) accessPlan() []plannedQuery {
	group := r.logs.accessGroup
	if group == "" || r.pb.Kind == evidence.WebSocketAPI {
		if r.pb.Stage == "" {
			r.skip(evidence.StepAccessLogs, "the stage is unknown")
		}
		return nil
	}
	f, err := accesslog.InsightsFieldsFromFormat(r.logs.accessFormat)
	if err != nil {
		r.addGap(evidence.Gap{Step: evidence.StepAccessLogs, Key: evidence.GapAccessLogFields, What: "access-log fields", Cause: "not-configured",
			Need: "an access-log format naming $context.httpMethod (or $context.routeKey) and $context.status", Err: err.Error()})
		return nil
	}
	how := "JSON"
	if f.Parse != "" {
		how = "parsed from the text format"
	}
	r.evidenceLine(evidence.StepAccessLogs, "access log group %s (%s: method=%s route=%s status=%s)", group, how,
		strings.Join(f.Method, "|"), strings.Join(append(f.Route, f.Path...), "|"), strings.Join(f.Status, "|"))
	q := accesslog.InsightsQuery(accesslog.InsightsOptions{Fields: f})
	return []plannedQuery{{accessPurpose, evidence.StepAccessLogs, evidence.GapAccessLogs, []string{group}, q, logPerm + " " + group}}
}

// execPlan are the execution-log queries of a REST stage with execution
// logging on. err is set for credential problems only.
func (r *run) execPlan(ctx context.Context) ([]plannedQuery, error) {
	if r.pb.Kind == evidence.HTTPAPI {
		r.skip(evidence.StepExecLogs, "HTTP APIs have no execution logs")
		return nil, nil
	}
	if r.pb.Kind != evidence.RESTAPI || r.pb.Stage == "" || r.logs.execLevel == "" || r.logs.execLevel == "OFF" {
		return nil, nil
	}
	group := fmt.Sprintf("API-Gateway-Execution-Logs_%s/%s", r.opt.APIID, r.pb.Stage)
	exists, err := r.logGroupExists(ctx, group)
	switch {
	case err != nil:
		if e := r.gap(evidence.StepExecLogs, evidence.GapExecLogGroup, "execution log group", "logs:DescribeLogGroups", err); e != nil {
			return nil, e
		}
		exists = true // try the queries anyway
	case !exists:
		r.notConfigured(evidence.StepExecLogs, evidence.GapExecLogGroup, "execution log group "+group, "execution logging is on but API Gateway never wrote the group: give the account a CloudWatch role (aws apigateway update-account --patch-operations op=replace,path=/cloudwatchRoleArn,value=ROLE_ARN; the role trusts apigateway.amazonaws.com and has AmazonAPIGatewayPushToCloudWatchLogs)")
	}
	if !exists {
		return nil, nil
	}
	var plan []plannedQuery
	for purpose, q := range execQueries {
		plan = append(plan, plannedQuery{purpose, evidence.StepExecLogs, evidence.GapExecLogs, []string{group}, q, logPerm + " " + group})
	}
	r.evidenceLine(evidence.StepExecLogs, "execution log group %s (level %s)", group, r.logs.execLevel)
	return plan, nil
}

// appPlan are the application-log queries (--app-log-group).
func (r *run) appPlan() []plannedQuery {
	groups := r.opt.AppLogGroups
	if len(groups) == 0 {
		r.skip(evidence.StepAppLogs, "no application log group given (--app-log-group NAME)")
		return nil
	}
	var plan []plannedQuery
	for purpose, q := range appQueries {
		plan = append(plan, plannedQuery{purpose, evidence.StepAppLogs, evidence.GapAppLogs, groups, q, logPerm + "s " + strings.Join(groups, ", ")})
	}
	r.evidenceLine(evidence.StepAppLogs, "application log groups: %s", strings.Join(groups, ", "))
	return plan
}

// logGroupExists asks DescribeLogGroups for an exact name.
func (r *run) logGroupExists(ctx context.Context, name string) (bool, error) {
	found := false
	err := r.call(ctx, func(ctx context.Context) error {
		out, err := r.c.Logs.DescribeLogGroups(ctx, &cloudwatchlogs.DescribeLogGroupsInput{LogGroupNamePrefix: aws.String(name)})
		if err != nil {
			return err
		}
		for _, g := range out.LogGroups {
			found = found || aws.ToString(g.LogGroupName) == name
		}
		return nil
	})
	return found, err
}

// insights starts a query and polls until it completes.
func (r *run) insights(ctx context.Context, pq plannedQuery, start, end time.Time) (*evidence.LogQuery, error) {
	var id string
	err := r.call(ctx, func(ctx context.Context) error {
		out, err := r.c.Logs.StartQuery(ctx, &cloudwatchlogs.StartQueryInput{
			LogGroupNames: pq.groups, StartTime: aws.Int64(start.Unix()), EndTime: aws.Int64(end.Unix()),
			QueryString: aws.String(pq.query), Limit: aws.Int32(accesslog.InsightsLimit),
		})
		if err == nil {
			id = aws.ToString(out.QueryId)
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	lq := &evidence.LogQuery{Purpose: pq.purpose, Step: pq.step, LogGroup: strings.Join(pq.groups, ","), Query: pq.query}
	deadline := time.NewTimer(r.opt.QueryTimeout)
	defer deadline.Stop()
	for {
		var out *cloudwatchlogs.GetQueryResultsOutput
		err := r.call(ctx, func(ctx context.Context) (err error) {
			out, err = r.c.Logs.GetQueryResults(ctx, &cloudwatchlogs.GetQueryResultsInput{QueryId: aws.String(id)})
			return err
		})
		if err != nil {
			return nil, err
		}
		lq.Polls++
		lq.Status = string(out.Status)
		switch lq.Status {
		case "Complete", "Failed", "Cancelled", "Timeout":
			for _, row := range out.Results {
				m := map[string]string{}
				for _, f := range row {
					if name := aws.ToString(f.Field); name != "@ptr" {
						m[name] = aws.ToString(f.Value)
					}
				}
				lq.Rows = append(lq.Rows, m)
			}
			return lq, nil
		}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-deadline.C:
			lq.Status = "Timeout"
			return lq, nil
		case <-time.After(r.opt.PollInterval):
		}
	}
}

// logEvidence summarises the query results on their steps.
func (r *run) logEvidence() {
	pb := r.pb
	if st := pb.Access; st != nil {
		r.accessEvidence(st)
	}
	if q := pb.Log("exec-missing-acao"); q != nil && len(q.Rows) > 0 {
		r.evidenceLine(evidence.StepExecLogs, "%d method response(s) without Access-Control-Allow-Origin", evidence.Int(q.Rows[0], "responses_without_acao"))
	}
	for _, o := range []struct {
		purpose string
		step    evidence.StepID
	}{{"exec-origins", evidence.StepExecLogs}, {"app-origins", evidence.StepAppLogs}} {
		if q := pb.Log(o.purpose); q != nil && len(q.Rows) > 0 {
			r.evidenceLine(o.step, "request origins: %s", evidence.JoinFirst(rowTexts(q.Rows), 6))
		}
	}
	if q := pb.Log("app-cors-errors"); q != nil && len(q.Rows) > 0 {
		r.evidenceLine(evidence.StepAppLogs, "CORS error patterns: %s", evidence.JoinFirst(rowTexts(q.Rows), 6))
	}
	for _, q := range pb.Logs {
		if q.Status != "Complete" {
			r.evidenceLine(q.Step, "query %s ended %s after %d poll(s)", q.Purpose, q.Status, q.Polls)
		}
	}
}

// accessEvidence summarises the access-log aggregate (StepAccessLogs).
func (r *run) accessEvidence(st *evidence.LogStats) {
	var pre, errs []string
	for i := range st.Routes {
		rt := &st.Routes[i]
		if rt.Failed() == 0 {
			continue
		}
		line := fmt.Sprintf("%s %s %d of %d (%s)", rt.Method, rt.Route, rt.Failed(), rt.Total, failedText(rt))
		if rt.Method == "OPTIONS" {
			pre = append(pre, line)
		}
		errs = append(errs, line)
	}
	r.evidenceLine(evidence.StepAccessLogs, "%d request(s) in %d route(s), %d row(s) from Logs Insights", st.Records, len(st.Routes), st.Lines)
	if n := r.pb.PreflightFailures(); n > 0 {
		r.evidenceLine(evidence.StepAccessLogs, "%d failed OPTIONS preflight(s): %s", n, evidence.JoinFirst(pre, 5))
	} else {
		r.evidenceLine(evidence.StepAccessLogs, "no failed OPTIONS preflight in the access logs")
	}
	if len(errs) > 0 {
		r.evidenceLine(evidence.StepAccessLogs, "failures by method and route: %s", evidence.JoinFirst(errs, 6))
	}
	for _, t := range st.Truncated {
		r.evidenceLine(evidence.StepAccessLogs, "%s", t)
	}
	for _, b := range st.Bad {
		r.evidenceLine(evidence.StepAccessLogs, "unreadable row: %s", b)
	}
}

// failedText lists a route's failing statuses and API Gateway error
// types: "403×522 MISSING_AUTHENTICATION_TOKEN".
func failedText(rt *evidence.RouteStats) string {
	var ss []int
	for s := range rt.Statuses {
		if s >= 400 || rt.Method == "OPTIONS" && (s < 200 || s > 299) {
			ss = append(ss, s)
		}
	}
	sort.Ints(ss)
	var parts []string
	for _, s := range ss {
		parts = append(parts, fmt.Sprintf("%d×%d", s, rt.Statuses[s]))
	}
	parts = append(parts, apimodel.SortedKeys(rt.Errors)...)
	return strings.Join(parts, " ")
}

// rowTexts renders result rows with rowText.
func rowTexts(rows []map[string]string) []string {
	out := make([]string, len(rows))
	for i, row := range rows {
		out[i] = rowText(row)
	}
	return out
}

// rowText renders a result row as "k=v k=v" in a stable order.
func rowText(row map[string]string) string {
	keys := make([]string, 0, len(row))
	for k := range row {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, 0, len(keys))
	for _, k := range keys {
		parts = append(parts, k+"="+row[k])
	}
	return strings.Join(parts, " ")
}

// testInvokes calls TestInvokeMethod for proxy methods (and OPTIONS) of a
// REST API, one call per method, bounded by the concurrency limit. What
// the answers mean is the rules' to say (StepMethods).
func (r *run) testInvokes(ctx context.Context) {
	if r.pb.Kind != evidence.RESTAPI || r.api == nil {
		return
	}
	ts := invokeTargets(r.api)
	origin := "https://corsdoctor.invalid"
	if len(r.opt.Origins) > 0 {
		origin = r.opt.Origins[0]
	}
	out := make([]evidence.Invoke, len(ts))
	g, gctx := errgroup.WithContext(ctx)
	for i, t := range ts {
		g.Go(func() error {
			inv, err := r.testInvoke(gctx, t, origin)
			out[i] = inv
			return err
		})
	}
	g.Wait()
	r.mu.Lock()
	r.pb.Invokes = out
	r.mu.Unlock()
}

// invokeTarget is a method TestInvokeMethod calls.
type invokeTarget struct{ path, resourceID, verb string }

// invokeTargets are the proxy and OPTIONS methods of a REST API.
func invokeTargets(api *apimodel.API) []invokeTarget {
	var ts []invokeTarget
	for _, res := range api.Resources {
		for _, m := range res.Methods {
			if m.Integration != nil && (m.Integration.Type.IsProxy() || m.HTTPMethod == "OPTIONS") && m.HTTPMethod != "ANY" {
				ts = append(ts, invokeTarget{res.Path, res.ID, m.HTTPMethod})
			}
		}
	}
	return ts
}

// testInvoke calls one method with an Origin (and a preflight's
// Access-Control-Request-Method for OPTIONS). err is set for credential
// problems only: other failures are in the result's Err.
func (r *run) testInvoke(ctx context.Context, t invokeTarget, origin string) (evidence.Invoke, error) {
	inv := evidence.Invoke{Path: t.path, Method: t.verb}
	hdr := map[string]string{"Origin": origin}
	if t.verb == "OPTIONS" {
		hdr["Access-Control-Request-Method"] = "GET"
	}
	err := r.call(ctx, func(ctx context.Context) error {
		o, err := r.c.APIGateway.TestInvokeMethod(ctx, &apigateway.TestInvokeMethodInput{
			RestApiId: aws.String(r.opt.APIID), ResourceId: aws.String(t.resourceID), HttpMethod: aws.String(t.verb),
			PathWithQueryString: aws.String(t.path), Headers: hdr,
		})
		if err != nil {
			return err
		}
		inv.Status = int(o.Status)
		inv.Headers = o.MultiValueHeaders
		if len(inv.Headers) == 0 {
			inv.Headers = map[string][]string{}
			for k, v := range o.Headers {
				inv.Headers[k] = []string{v}
			}
		}
		return nil
	})
	if err == nil {
		return inv, nil
	}
	inv.Err = shortErr(err)
	if ie := credentialError(err); ie != nil {
		return inv, ie
	}
	if errCode(err) == "AccessDeniedException" {
		r.gap(evidence.StepMethods, evidence.GapTestInvoke, "TestInvokeMethod "+t.verb+" "+t.path, "apigateway:POST on arn:aws:apigateway:"+r.c.Region+"::/restapis/"+r.opt.APIID+"/resources/*/methods/*", err)
	}
	return inv, nil
}
