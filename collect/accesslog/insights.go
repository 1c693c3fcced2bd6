package accesslog

import (
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/corsdoctor/corsdoctor/evidence"
)

// The one CloudWatch Logs Insights query builder: `corsdoctor logs
// --insights` prints its query and `corsdoctor aws diagnose` runs it on
// the stage's access-log group. Both compute, inside Logs Insights, the
// aggregation a local scan computes (requests per minute, method, route,
// page origin, status and API Gateway error type), and StatsFromInsights
// turns the result rows into the same evidence.LogStats, so the same
// rules (CD4001-CD4006) read either.
//
// Syntax used, as documented in the CloudWatch Logs Insights query
// syntax reference (awsdocs/amazon-cloudwatch-logs-user-guide,
// doc_source/CWL_QuerySyntax.md): commands separated by |; fields with
// coalesce() and aliases; parse @message with a glob ("a=*, b=*" as x,
// y) or a regular expression with named groups (/(?<x>...)/); filter
// with ispresent(), and/or, = and like/not like /regex/; stats count(*),
// min(@timestamp) ... by bin(1m) as minute, fields; sort; limit.

// insightsKeys are, per record field, the JSON keys access logs use for
// it, in the order both readers prefer them. The local scanner's slotOf
// is a switch over the same names (kept equal by TestSlotOfMatchesKeys);
// the default Logs Insights query coalesces them.
var insightsKeys = [nFields][]string{
	fMethod:       {"httpMethod", "method", "http_method", "httpmethod", "requestMethod", "request_method"},
	fRouteKey:     {"routeKey", "route_key", "route"},
	fResourcePath: {"resourcePath", "resource_path", "resource"},
	fPath:         {"path", "uri", "request_uri"},
	fStatus:       {"status", "statusCode", "status_code", "httpStatus"},
	fEpoch:        {"requestTimeEpoch", "request_time_epoch"},
	fTime:         {"requestTime", "request_time", "time"},
	fOrigin:       {"origin", "Origin", "requestOrigin", "http_origin"},
	fErrType:      {"errorResponseType", "responseType", "error.responseType", "errorType", "error_type"},
	fMessage:      {"message", "@message"},
	fTimestamp:    {"timestamp", "@timestamp"},
}

// contextSlots maps API Gateway $context variables to record fields
// (https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-mapping-template-reference.html#context-variable-reference,
// and the console's CLF/JSON/XML/CSV formats in
// /work/shared/reference/aws-real/access-logs).
var contextSlots = map[string]int{
	"$context.httpMethod":         fMethod,
	"$context.routeKey":           fRouteKey,
	"$context.resourcePath":       fResourcePath,
	"$context.path":               fPath,
	"$context.status":             fStatus,
	"$context.requestTimeEpoch":   fEpoch,
	"$context.requestTime":        fTime,
	"$context.error.responseType": fErrType,
}

// InsightsFields says where, in one access-log format, Logs Insights
// finds the values the aggregation reads. Each list holds candidate
// field names, coalesced in order. Parse, for formats that are not JSON,
// is the parse command extracting the fields from @message.
type InsightsFields struct {
	// Format describes the source: "json" (any JSON access log: the
	// field names logs reads locally), or the access-log format template
	// the fields were derived from.
	Format string
	Parse  string
	// Route holds route templates (routeKey, resourcePath), Path raw
	// request paths (normalised into routes like a local scan does).
	Method, Route, Path, Status, Origin, ErrType []string
}

// DefaultInsightsFields are the field names of any JSON access log: the
// JSON keys the local scanner reads.
func DefaultInsightsFields() InsightsFields {
	return InsightsFields{
		Format:  "json",
		Method:  insightsKeys[fMethod],
		Route:   slices.Concat(insightsKeys[fRouteKey], insightsKeys[fResourcePath]),
		Path:    insightsKeys[fPath],
		Status:  insightsKeys[fStatus],
		Origin:  insightsKeys[fOrigin],
		ErrType: insightsKeys[fErrType],
	}
}

var contextVar = regexp.MustCompile(`\$context\.[A-Za-z0-9_]+(?:\.[A-Za-z][A-Za-z0-9_]*)*`)

// InsightsFieldsFromFormat derives the fields from a stage's access-log
// format (AccessLogSettings.Format): a JSON template maps its keys (nested
// objects are flattened with dots, as Logs Insights does), any other
// template (CLF, XML, CSV) becomes a parse command: a glob when the
// template has no double quote, a regular expression with named groups
// otherwise. It fails when the format names no $context.status or no
// method ($context.httpMethod or $context.routeKey).
func InsightsFieldsFromFormat(format string) (InsightsFields, error) {
	format = strings.TrimSpace(format)
	f := InsightsFields{Format: format}
	if !utf8.ValidString(format) {
		return f, fmt.Errorf("access-log format is not valid UTF-8")
	}
	add := func(slot int, name string) {
		switch slot {
		case fMethod:
			f.Method = append(f.Method, name)
		case fRouteKey:
			f.Route = append([]string{name}, f.Route...) // routeKey first, as locally
		case fResourcePath:
			f.Route = append(f.Route, name)
		case fPath:
			f.Path = append(f.Path, name)
		case fStatus:
			f.Status = append(f.Status, name)
		case fErrType:
			f.ErrType = append(f.ErrType, name)
		}
	}
	var m map[string]any
	if strings.HasPrefix(format, "{") && json.Unmarshal([]byte(format), &m) == nil {
		var walk func(prefix string, m map[string]any)
		walk = func(prefix string, m map[string]any) {
			for _, k := range sortedKeys(m) {
				switch v := m[k].(type) {
				case map[string]any:
					walk(prefix+k+".", v)
				case string:
					name := prefix + k
					if strings.Contains(name, "`") {
						continue // no Logs Insights field name can hold a backtick
					}
					if slot, ok := contextSlots[strings.TrimSpace(v)]; ok && slot >= 0 {
						add(slot, name)
					}
					if slices.Contains(insightsKeys[fOrigin], k) {
						f.Origin = append(f.Origin, name)
					}
				}
			}
		}
		walk("", m)
	} else {
		vars := contextVar.FindAllStringIndex(format, -1)
		if len(vars) == 0 {
			return f, fmt.Errorf("access-log format %q names no $context variable", clipText(format, 80))
		}
		var names []string
		used := map[string]int{}
		for _, v := range vars {
			path := format[v[0]:v[1]]
			base := captureName(path[strings.LastIndexByte(path, '.')+1:])
			name := base
			if n := used[base]; n > 0 {
				name += strconv.Itoa(n + 1)
			}
			used[base]++
			names = append(names, name)
			if slot, ok := contextSlots[path]; ok && slot >= 0 {
				add(slot, name)
			}
		}
		if strings.Contains(format, `"`) {
			var b strings.Builder
			b.WriteString("parse @message /^")
			last := 0
			for i, v := range vars {
				b.WriteString(regexLiteral(format[last:v[0]]))
				pat, ok := varPatterns[format[v[0]:v[1]]]
				if !ok {
					pat = ".*?"
				}
				fmt.Fprintf(&b, "(?<%s>%s)", names[i], pat)
				last = v[1]
			}
			b.WriteString(regexLiteral(format[last:]))
			b.WriteString("$/")
			f.Parse = b.String()
		} else {
			var b strings.Builder
			b.WriteString(`parse @message "`)
			last := 0
			for _, v := range vars {
				b.WriteString(strings.ReplaceAll(format[last:v[0]], "*", ""))
				b.WriteString("*")
				last = v[1]
			}
			b.WriteString(strings.ReplaceAll(format[last:], "*", ""))
			b.WriteString(`" as `)
			b.WriteString(strings.Join(names, ", "))
			f.Parse = b.String()
		}
	}
	if len(f.Status) == 0 || len(f.Method) == 0 && len(f.Route) == 0 {
		return f, fmt.Errorf("access-log format %q names no $context.status or no $context.httpMethod/$context.routeKey", clipText(format, 80))
	}
	return f, nil
}

// varPatterns are the regular expressions of variables whose values
// have a known shape. An HTTP API's routeKey holds a space ("GET
// /items/{id}"): in the console's CLF format ("$context.httpMethod
// $context.routeKey $context.protocol") a lazy .*? would split it.
var varPatterns = map[string]string{
	"$context.httpMethod":   `\S+`,
	"$context.routeKey":     `(?:[A-Z]+ )?\S+`,
	"$context.resourcePath": `\S+`,
	"$context.path":         `\S+`,
	"$context.status":       `\S+`,
}

// captureName makes a variable's last segment a name both a parse glob
// and a named group accept: letters and digits, starting with a letter.
func captureName(s string) string {
	var b strings.Builder
	for _, c := range s {
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' {
			b.WriteRune(c)
		}
	}
	out := b.String()
	if out == "" || out[0] >= '0' && out[0] <= '9' {
		out = "v" + out
	}
	return out
}

// regexLiteral escapes template text for a /regex/ (the slash included).
func regexLiteral(s string) string {
	return strings.ReplaceAll(regexp.QuoteMeta(s), "/", `\/`)
}

func clipText(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "..."
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// InsightsOptions shape the Logs Insights query.
type InsightsOptions struct {
	// Fields names the format's fields; the zero value means
	// DefaultInsightsFields (any JSON access log).
	Fields InsightsFields
	// Bin is the time bucket (default one minute, the local report's
	// resolution).
	Bin time.Duration
	// Errors keeps only failed requests (4xx/5xx and OPTIONS that are not
	// 2xx): fewer rows, but no failure rates.
	Errors bool
}

// InsightsLimit is the most rows a Logs Insights query returns (the
// limit command's maximum); the query asks for all of them.
const InsightsLimit = 10000

// InsightsQuery returns the CloudWatch Logs Insights query computing,
// inside Logs Insights, the aggregation `corsdoctor logs` computes
// locally: requests per time bin, method, route, page origin, status and
// API Gateway error type, with the first timestamp of each group. Feed
// the result rows (field name to value, as GetQueryResults returns them)
// to StatsFromInsights to obtain the same LogStats, rules and report as a
// local scan. Newest bins come first, so a result cut at InsightsLimit
// rows keeps the most recent minutes. The time range is not part of the
// query: give it to StartQuery.
func InsightsQuery(opt InsightsOptions) string {
	f := opt.Fields
	if f.Format == "" {
		f = DefaultInsightsFields()
	}
	bin := opt.Bin
	if bin <= 0 {
		bin = time.Minute
	}
	var cmds []string
	if f.Parse != "" {
		cmds = append(cmds, f.Parse)
	}
	// optional fields get a "-" so that the group exists even when the
	// format does not log them
	expr := func(names []string, dflt string) string {
		args := make([]string, 0, len(names)+1)
		for _, n := range names {
			args = append(args, insightsField(n))
		}
		if dflt != "" {
			args = append(args, strconv.Quote(dflt))
		}
		if len(args) == 1 {
			return args[0]
		}
		return "coalesce(" + strings.Join(args, ", ") + ")"
	}
	sel := []string{expr(f.Method, "") + " as cdMethod"}
	by := []string{"cdMethod"}
	if routes := slices.Concat(f.Route, f.Path); len(routes) > 0 {
		sel = append(sel, expr(routes, "")+" as cdRoute")
		by = append(by, "cdRoute")
	}
	if len(f.Method) == 0 {
		sel, by = sel[1:], by[1:] // HTTP API routeKey "GET /items" carries the method
	}
	if len(f.Origin) > 0 {
		sel = append(sel, expr(f.Origin, "-")+" as cdOrigin")
		by = append(by, "cdOrigin")
	}
	sel = append(sel, expr(f.Status, "")+" as cdStatus")
	by = append(by, "cdStatus")
	if len(f.ErrType) > 0 {
		sel = append(sel, expr(f.ErrType, "-")+" as cdType")
		by = append(by, "cdType")
	}
	cmds = append(cmds, "fields "+strings.Join(sel, ",\n       "))
	cmds = append(cmds, "filter ispresent(cdStatus)")
	if opt.Errors {
		cond := `cdStatus like /^[45]\d\d$/`
		if len(f.Method) > 0 {
			cond += ` or (cdMethod = "OPTIONS" and cdStatus not like /^2\d\d$/)`
		}
		cmds = append(cmds, "filter "+cond)
	}
	cmds = append(cmds, fmt.Sprintf("stats count(*) as requests, min(@timestamp) as firstSeen by bin(%s) as minute, %s", insightsDuration(bin), strings.Join(by, ", ")))
	cmds = append(cmds, "sort minute desc", fmt.Sprintf("limit %d", InsightsLimit))
	return strings.Join(cmds, "\n| ")
}

// insightsField quotes a field name with backticks when it has characters
// other than letters, digits, _, @ and . (the documented rule).
func insightsField(name string) string {
	for _, c := range name {
		if !(c == '_' || c == '.' || c == '@' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
			return "`" + name + "`"
		}
	}
	return name
}

func insightsDuration(d time.Duration) string {
	switch {
	case d%time.Hour == 0:
		return strconv.FormatInt(int64(d/time.Hour), 10) + "h"
	case d%time.Minute == 0:
		return strconv.FormatInt(int64(d/time.Minute), 10) + "m"
	}
	return strconv.FormatInt(max(int64(d/time.Second), 1), 10) + "s"
}

// rowValue reads a column under its name in InsightsQuery's result, or
// under the name earlier versions used.
func rowValue(row map[string]string, names ...string) string {
	for _, n := range names {
		if v, ok := row[n]; ok {
			return v
		}
	}
	return ""
}

// rowTime reads the time of a result row: its first timestamp, or its bin.
func rowTime(row map[string]string) (int64, bool, error) {
	t := rowValue(row, "firstSeen")
	if t == "" {
		t = rowValue(row, "minute")
	}
	if t == "" {
		return 0, false, nil
	}
	// Logs Insights prints "2026-11-20 00:01:00.000".
	ms, ok := parseISO([]byte(strings.Replace(t, " ", "T", 1) + "Z"))
	if !ok {
		ms, ok = parseISO([]byte(t))
	}
	if !ok {
		return 0, false, fmt.Errorf("row: bad time %q", t)
	}
	return ms, true, nil
}

// StatsFromInsights aggregates the result rows of InsightsQuery into the
// LogStats a local scan produces, applying opt's deployments, window and
// time range. source names the log group in locations. Rows that cannot
// be read are counted as malformed with their row number. Rows are taken
// in time order whatever their order in the result; flips
// (intermittence) are counted between consecutive bins. A result of
// InsightsLimit rows is reported as truncated.
func StatsFromInsights(source string, rows []map[string]string, opt Options) *evidence.LogStats {
	a := newAggregator(&opt)
	a.files = []string{source}
	a.formats["logs-insights"] = true
	p := &parser{format: APIGwJSON}
	order := make([]int, len(rows))
	times := make([]int64, len(rows))
	for i, row := range rows {
		order[i] = i
		times[i], _, _ = rowTime(row)
	}
	sort.SliceStable(order, func(i, j int) bool { return times[order[i]] < times[order[j]] })
	for _, i := range order {
		a.lines++
		rec, n, err := p.insightsRow(rows[i])
		if err != nil {
			a.malformedLine(source, i+1, err)
			continue
		}
		a.addN(&rec, source, i+1, n)
	}
	if len(rows) >= InsightsLimit {
		first := ""
		if len(order) > 0 && times[order[0]] > 0 {
			first = " before " + msTime(times[order[0]]).Format("2006-01-02 15:04 UTC")
		}
		a.truncated = append(a.truncated, fmt.Sprintf("%s: Logs Insights returned %d rows, its maximum: the minutes%s are missing", source, len(rows), first))
	}
	st := a.stats()
	if len(opt.Deploys) > 0 {
		st.Window = opt.window()
	}
	return st
}

func (p *parser) insightsRow(row map[string]string) (Record, int64, error) {
	var rec Record
	status := rowValue(row, "cdStatus", "status")
	st, ok := atoi([]byte(status))
	if !ok {
		return rec, 0, fmt.Errorf("row: status %q is not a number", status)
	}
	rec.Status = st
	count := rowValue(row, "requests")
	n, err := strconv.ParseInt(count, 10, 64)
	if err != nil || n < 1 {
		return rec, 0, fmt.Errorf("row: requests %q is not a positive count", count)
	}
	rec.Method = []byte(rowValue(row, "cdMethod", "method"))
	route := rowValue(row, "cdRoute", "route")
	if m, r, ok := strings.Cut(route, " "); ok && strings.Contains(route, "/") {
		if len(rec.Method) == 0 {
			rec.Method = []byte(m)
		}
		route = r
	}
	if len(rec.Method) == 0 || string(rec.Method) == "-" {
		return rec, 0, fmt.Errorf("row: no method")
	}
	switch {
	case route == "" || route == "-":
		rec.Route = dash
	case strings.HasPrefix(route, "/"):
		rec.Route = append([]byte(nil), p.normalize([]byte(route))...)
	default:
		rec.Route = []byte(route) // $default
	}
	if o := rowValue(row, "cdOrigin", "origin"); o != "" && o != "-" {
		rec.Origin = p.cleanOrigin([]byte(o))
	}
	if t := rowValue(row, "cdType", "errorType"); t != "" && t != "-" {
		rec.ErrType = []byte(t)
	}
	ms, ok, err := rowTime(row)
	if err != nil {
		return rec, 0, err
	}
	if ok {
		rec.Time = ms
	}
	return rec, n, nil
}

// DeploysFromChanges returns the times of the changes that made
// configuration live (evidence.Change.Deploy: CreateDeployment, a stage
// switching deployment, an auto-deployed HTTP API change), oldest first,
// for Options.Deploys: the aws command's evidence gives the deployment
// times that --deploy-at gives by hand.
func DeploysFromChanges(cs []evidence.Change) []time.Time {
	var out []time.Time
	for _, c := range cs {
		if c.Deploy && !c.Time.IsZero() {
			out = append(out, c.Time.UTC())
		}
	}
	slices.SortFunc(out, func(a, b time.Time) int { return a.Compare(b) })
	return slices.Compact(out)
}
