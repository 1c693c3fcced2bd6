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

// metrics reads 4XX, 5XX and Count per minute (step 4).
func (r *run) metrics(ctx context.Context, start, end time.Time) error {
	if r.pb.Stage == "" || r.pb.Kind == "UNKNOWN" {
		r.skip(4, "the stage or API type is unknown: metric dimensions cannot be built")
		return nil
	}
	if r.pb.Kind == "WEBSOCKET" {
		return nil
	}
	names := map[string]string{"4XX": "4XXError", "5XX": "5XXError", "Count": "Count"}
	dims := []cwtypes.Dimension{{Name: aws.String("ApiName"), Value: aws.String(r.restName)}, {Name: aws.String("Stage"), Value: aws.String(r.pb.Stage)}}
	if r.pb.Kind != "REST" {
		names = map[string]string{"4XX": "4xx", "5XX": "5xx", "Count": "Count"}
		dims = []cwtypes.Dimension{{Name: aws.String("ApiId"), Value: aws.String(r.opt.APIID)}, {Name: aws.String("Stage"), Value: aws.String(r.pb.Stage)}}
	}
	ids := map[string]string{"m4xx": "4XX", "m5xx": "5XX", "mcount": "Count"}
	var qs []cwtypes.MetricDataQuery
	for _, id := range []string{"m4xx", "m5xx", "mcount"} {
		qs = append(qs, cwtypes.MetricDataQuery{Id: aws.String(id), MetricStat: &cwtypes.MetricStat{
			Metric: &cwtypes.Metric{Namespace: aws.String("AWS/ApiGateway"), MetricName: aws.String(names[ids[id]]), Dimensions: dims},
			Period: aws.Int32(60), Stat: aws.String("Sum"),
		}})
	}
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
			return r.gap(4, "CloudWatch metrics", "cloudwatch:GetMetricData", err)
		}
		for _, res := range out.MetricDataResults {
			name := ids[aws.ToString(res.Id)]
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
	r.evidenceLine(4, "%s %s/%s, %s/%s, Count over %s..%s: %.0f 4xx, %.0f 5xx, %.0f requests",
		"AWS/ApiGateway", names["4XX"], "min", names["5XX"], "min", start.Format("15:04"), end.Format("15:04"), total("4XX"), total("5XX"), total("Count"))
	if rise, ok := r.pb.FirstRise(); ok {
		r.evidenceLine(4, "%s rose at %s: %.1f/min before, %.1f/min after", rise.Metric, rise.At.Format("15:04"), rise.Before, rise.After)
		r.fail(4, "%s errors rose at %s", rise.Metric, rise.At.Format("15:04"))
	} else if len(r.pb.Metric("Count").Points) == 0 {
		r.evidenceLine(4, "no datapoints: no traffic in the window, or the ApiName/Stage dimensions do not match")
	} else {
		r.evidenceLine(4, "no rise of 4xx or 5xx in the window")
	}
	return nil
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
	step    int
	groups  []string
	query   string
	need    string
}

// logQueries runs every Logs Insights query concurrently (steps 3, 7, 9).
func (r *run) logQueries(ctx context.Context, start, end time.Time) error {
	var plan []plannedQuery
	perm := "logs:StartQuery and logs:GetQueryResults on the log group"
	if r.accessGroup != "" && r.pb.Kind != "WEBSOCKET" {
		if f, err := accesslog.InsightsFieldsFromFormat(r.accessFormat); err == nil {
			q := accesslog.InsightsQuery(accesslog.InsightsOptions{Fields: f})
			plan = append(plan, plannedQuery{accessPurpose, 3, []string{r.accessGroup}, q, perm + " " + r.accessGroup})
			how := "JSON"
			if f.Parse != "" {
				how = "parsed from the text format"
			}
			r.evidenceLine(3, "access log group %s (%s: method=%s route=%s status=%s)", r.accessGroup, how,
				strings.Join(f.Method, "|"), strings.Join(append(f.Route, f.Path...), "|"), strings.Join(f.Status, "|"))
		} else {
			r.mu.Lock()
			r.pb.Gaps = append(r.pb.Gaps, evidence.Gap{Step: 3, What: "access-log fields", Cause: "not-configured",
				Need: "an access-log format naming $context.httpMethod (or $context.routeKey) and $context.status", Err: err.Error()})
			r.mu.Unlock()
		}
	} else if r.pb.Stage == "" {
		r.skip(3, "the stage is unknown")
	}
	if r.pb.Kind == "REST" && r.pb.Stage != "" && r.execLogging != "" && r.execLogging != "OFF" {
		group := fmt.Sprintf("API-Gateway-Execution-Logs_%s/%s", r.opt.APIID, r.pb.Stage)
		exists, err := r.logGroupExists(ctx, group)
		switch {
		case err != nil:
			if e := r.gap(9, "execution log group", "logs:DescribeLogGroups", err); e != nil {
				return e
			}
			exists = true // try the queries anyway
		case !exists:
			r.notConfigured(9, "execution log group "+group, "execution logging is on but API Gateway never wrote the group: give the account a CloudWatch role (aws apigateway update-account --patch-operations op=replace,path=/cloudwatchRoleArn,value=ROLE_ARN; the role trusts apigateway.amazonaws.com and has AmazonAPIGatewayPushToCloudWatchLogs)")
		}
		if exists {
			for purpose, q := range execQueries {
				plan = append(plan, plannedQuery{purpose, 9, []string{group}, q, perm + " " + group})
			}
			r.evidenceLine(9, "execution log group %s (level %s)", group, r.execLogging)
		}
	} else if r.pb.Kind == "HTTP" {
		r.skip(9, "HTTP APIs have no execution logs")
	}
	if len(r.opt.AppLogGroups) > 0 {
		for purpose, q := range appQueries {
			plan = append(plan, plannedQuery{purpose, 7, r.opt.AppLogGroups, q, perm + "s " + strings.Join(r.opt.AppLogGroups, ", ")})
		}
		r.evidenceLine(7, "application log groups: %s", strings.Join(r.opt.AppLogGroups, ", "))
	} else {
		r.skip(7, "no application log group given (--app-log-group NAME)")
	}
	sort.Slice(plan, func(i, j int) bool { return plan[i].purpose < plan[j].purpose })
	results := make([]*evidence.LogQuery, len(plan))
	g, gctx := errgroup.WithContext(ctx)
	for i, pq := range plan {
		g.Go(func() error {
			lq, err := r.insights(gctx, pq, start, end)
			if err != nil {
				what := map[int]string{3: "access logs", 7: "application logs", 9: "execution logs"}[pq.step]
				return r.gap(pq.step, what+" ("+pq.purpose+")", pq.need, err)
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
		r.evidenceLine(3, "%d request(s) in %d route(s), %d row(s) from Logs Insights", st.Records, len(st.Routes), st.Lines)
		if n := pb.PreflightFailures(); n > 0 {
			r.evidenceLine(3, "%d failed OPTIONS preflight(s): %s", n, list(pre, 5))
			r.fail(3, "%d preflight OPTIONS requests failed", n)
		} else {
			r.evidenceLine(3, "no failed OPTIONS preflight in the access logs")
		}
		if len(errs) > 0 {
			r.evidenceLine(3, "failures by method and route: %s", list(errs, 6))
		}
		for _, t := range st.Truncated {
			r.evidenceLine(3, "%s", t)
		}
		for _, b := range st.Bad {
			r.evidenceLine(3, "unreadable row: %s", b)
		}
	}
	if q := pb.Log("exec-missing-acao"); q != nil && len(q.Rows) > 0 {
		n := evidence.Int(q.Rows[0], "responses_without_acao")
		r.evidenceLine(9, "%d method response(s) without Access-Control-Allow-Origin", n)
		if n > 0 {
			r.fail(9, "%d responses without Access-Control-Allow-Origin", n)
		}
	}
	for _, purpose := range []string{"exec-origins", "app-origins"} {
		if q := pb.Log(purpose); q != nil && len(q.Rows) > 0 {
			var top []string
			for _, row := range q.Rows {
				top = append(top, rowText(row))
			}
			step := 9
			if purpose == "app-origins" {
				step = 7
			}
			r.evidenceLine(step, "request origins: %s", list(top, 6))
		}
	}
	if q := pb.Log("app-cors-errors"); q != nil && len(q.Rows) > 0 {
		var top []string
		for _, row := range q.Rows {
			top = append(top, rowText(row))
		}
		r.evidenceLine(7, "CORS error patterns: %s", list(top, 6))
		r.fail(7, "browser CORS errors in the application logs")
	}
	for _, q := range pb.Logs {
		if q.Status != "Complete" {
			r.evidenceLine(q.Step, "query %s ended %s after %d poll(s)", q.Purpose, q.Status, q.Polls)
		}
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
// REST API, one call per method, bounded by the concurrency limit.
func (r *run) testInvokes(ctx context.Context) {
	if r.pb.Kind != "REST" || r.api == nil {
		return
	}
	type target struct{ res, id, verb string }
	var ts []target
	for _, res := range r.api.Resources {
		for _, m := range res.Methods {
			if m.Integration != nil && (m.Integration.Type.IsProxy() || m.HTTPMethod == "OPTIONS") && m.HTTPMethod != "ANY" {
				ts = append(ts, target{res.Path, res.ID, m.HTTPMethod})
			}
		}
	}
	origin := "https://corsdoctor.invalid"
	if len(r.opt.Origins) > 0 {
		origin = r.opt.Origins[0]
	}
	out := make([]evidence.Invoke, len(ts))
	g, gctx := errgroup.WithContext(ctx)
	for i, t := range ts {
		g.Go(func() error {
			inv := evidence.Invoke{Path: t.res, Method: t.verb}
			hdr := map[string]string{"Origin": origin}
			if t.verb == "OPTIONS" {
				hdr["Access-Control-Request-Method"] = "GET"
			}
			err := r.call(gctx, func(ctx context.Context) error {
				o, err := r.c.APIGateway.TestInvokeMethod(ctx, &apigateway.TestInvokeMethodInput{
					RestApiId: aws.String(r.opt.APIID), ResourceId: aws.String(t.id), HttpMethod: aws.String(t.verb),
					PathWithQueryString: aws.String(t.res), Headers: hdr,
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
			if err != nil {
				if ie := credentialError(err); ie != nil {
					return ie
				}
				inv.Err = shortErr(err)
				if errCode(err) == "AccessDeniedException" {
					r.gap(6, "TestInvokeMethod "+t.verb+" "+t.res, "apigateway:POST on arn:aws:apigateway:"+r.c.Region+"::/restapis/"+r.opt.APIID+"/resources/*/methods/*", err)
				}
			}
			out[i] = inv
			return nil
		})
	}
	g.Wait()
	r.mu.Lock()
	r.pb.Invokes = out
	r.mu.Unlock()
	for _, inv := range out {
		if inv.Err != "" {
			continue
		}
		acao := ""
		for k, v := range inv.Headers {
			if strings.EqualFold(k, "Access-Control-Allow-Origin") && len(v) > 0 {
				acao = v[0]
			}
		}
		if acao == "" {
			r.evidenceLine(6, "TestInvokeMethod %s %s: %d without Access-Control-Allow-Origin", inv.Method, inv.Path, inv.Status)
			r.fail(6, "test invocations return no Access-Control-Allow-Origin")
		} else {
			r.evidenceLine(6, "TestInvokeMethod %s %s: %d, Access-Control-Allow-Origin: %s", inv.Method, inv.Path, inv.Status, acao)
		}
	}
}
