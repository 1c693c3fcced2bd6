package apigw

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudtrail"
	cttypes "github.com/aws/aws-sdk-go-v2/service/cloudtrail/types"

	"github.com/corsdoctor/corsdoctor/apimodel"
	"github.com/corsdoctor/corsdoctor/evidence"
)

// trailLinePrefix starts StepHistory's CloudTrail line (dropped when the
// window is widened and read again).
const trailLinePrefix = "CloudTrail:"

// trail reads API Gateway changes from CloudTrail (LookupEvents allows one
// lookup attribute per call, so it filters by event source and keeps the
// events naming this API).
func (r *run) trail(ctx context.Context, start, end time.Time) error {
	p := cloudtrail.NewLookupEventsPaginator(r.c.CloudTrail, &cloudtrail.LookupEventsInput{
		LookupAttributes: []cttypes.LookupAttribute{{AttributeKey: cttypes.LookupAttributeKeyEventSource, AttributeValue: aws.String("apigateway.amazonaws.com")}},
		StartTime:        aws.Time(start), EndTime: aws.Time(end), MaxResults: aws.Int32(50),
	})
	var changes []evidence.Change
	var bad []trailUnreadable
	pages := 0
	for p.HasMorePages() {
		var out *cloudtrail.LookupEventsOutput
		err := r.call(ctx, func(ctx context.Context) (err error) {
			out, err = p.NextPage(ctx)
			return err
		})
		if err != nil {
			return r.gap(evidence.StepHistory, evidence.GapCloudTrail, "CloudTrail change history", "cloudtrail:LookupEvents", err)
		}
		pages++
		for _, e := range out.Events {
			c, ok, u := r.change(e)
			if ok {
				changes = append(changes, c)
			}
			if u != nil {
				bad = append(bad, *u)
			}
		}
	}
	r.mu.Lock()
	r.pb.Changes = append(r.pb.Changes, changes...)
	r.mu.Unlock()
	for _, u := range bad {
		r.addGap(evidence.Gap{Step: evidence.StepHistory, Key: evidence.GapCloudTrail, What: fmt.Sprintf("CloudTrail event %s %s at %s", u.id, u.name, u.at.Format("15:04:05")), Cause: "unreadable",
			Need: "a CloudTrailEvent record in JSON (aws cloudtrail lookup-events --lookup-attributes AttributeKey=EventId,AttributeValue=" + u.id + ")", Err: u.err + "; raw value: " + u.raw})
	}
	r.evidenceLine(evidence.StepHistory, trailLinePrefix+" %d change(s) to this API between %s and %s (%d page(s))", len(changes), start.Format("15:04"), end.Format("15:04"), pages)
	return nil
}

// trailEvent is the part of a CloudTrail record corsdoctor reads. Types
// are loose on purpose: readOnly is a boolean in records and the string
// "false" in LookupEvents items; responseElements dates are "Apr 17, 2024
// 10:40:57 AM" for REST APIs and RFC 3339 for HTTP APIs
// (/work/shared/reference/aws-real README, differences 1-4).
type trailEvent struct {
	EventName    string `json:"eventName"`
	EventTime    string `json:"eventTime"`
	ReadOnly     any    `json:"readOnly"`
	UserIdentity struct {
		ARN string `json:"arn"`
	} `json:"userIdentity"`
	RequestParameters map[string]any `json:"requestParameters"`
	ResponseElements  any            `json:"responseElements"`
	ErrorCode         string         `json:"errorCode"`
}

// corsEvents are change operations that touch CORS or deploy.
var corsEvents = map[string]bool{
	"CreateDeployment": true, "UpdateStage": false, "CreateStage": true, "DeleteStage": true,
	"PutMethod": false, "UpdateMethod": false, "DeleteMethod": false,
	"PutMethodResponse": true, "UpdateMethodResponse": true, "DeleteMethodResponse": true,
	"PutIntegration": false, "UpdateIntegration": false,
	"PutIntegrationResponse": true, "UpdateIntegrationResponse": true, "DeleteIntegrationResponse": true,
	"PutGatewayResponse": true, "UpdateGatewayResponse": true, "DeleteGatewayResponse": true,
	"CreateResource": false, "DeleteResource": true, "UpdateRestApi": false, "PutRestApi": true, "ImportRestApi": true,
	"CreateAuthorizer": false, "UpdateAuthorizer": true,
	"CreateApi": true, "UpdateApi": true, "DeleteCorsConfiguration": true, "ImportApi": true, "ReimportApi": true,
	"CreateRoute": true, "UpdateRoute": true, "DeleteRoute": true, "CreateIntegration": false,
}

// param reads a request parameter of a CloudTrail record. REST (v1)
// records keep the path parameters at the top of requestParameters and
// nest the request body under "<operation>Input" (createDeploymentInput,
// createStageInput, putIntegrationInput); HTTP API (v2) records are flat
// ({apiId, stageName, autoDeploy}). Both are looked up here.
func param(rp map[string]any, key string) (any, bool) {
	if v, ok := rp[key]; ok && v != nil {
		return v, true
	}
	for k, v := range rp {
		if in, ok := v.(map[string]any); ok && strings.HasSuffix(k, "Input") {
			if x, ok := in[key]; ok && x != nil {
				return x, true
			}
		}
	}
	return nil, false
}

// scalarText renders a string, number or boolean parameter; ok is false
// for objects, arrays and absent values.
func scalarText(v any) (string, bool) {
	switch x := v.(type) {
	case string:
		return x, true
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64), true
	case json.Number:
		return x.String(), true
	case bool:
		return strconv.FormatBool(x), true
	}
	return "", false
}

// trailTimeLayouts are the date forms CloudTrail records carry: RFC 3339
// (eventTime, HTTP API responseElements) and the REST API's
// responseElements form "Apr 17, 2024 10:40:57 AM" (UTC).
var trailTimeLayouts = []string{time.RFC3339Nano, "Jan 2, 2006 3:04:05 PM", "Jan _2, 2006 3:04:05 PM"}

// parseTrailTime reads a CloudTrail date in any of trailTimeLayouts, or
// epoch seconds.
func parseTrailTime(v any) (time.Time, bool) {
	switch x := v.(type) {
	case string:
		for _, l := range trailTimeLayouts {
			if t, err := time.Parse(l, x); err == nil {
				return t.UTC(), true
			}
		}
	case float64:
		sec, frac := math.Modf(x)
		return time.Unix(int64(sec), int64(frac*1e9)).UTC(), true
	}
	return time.Time{}, false
}

// readOnlyValue reads readOnly as a record (boolean) or a LookupEvents
// item (the string "true"/"false") carries it.
func readOnlyValue(v any) (ro, ok bool) {
	switch x := v.(type) {
	case bool:
		return x, true
	case string:
		b, err := strconv.ParseBool(x)
		return b, err == nil
	}
	return false, false
}

// trailUnreadable is a CloudTrail event whose record could not be read:
// reported as partial evidence with its raw value, never dropped.
type trailUnreadable struct {
	id, name string
	at       time.Time
	err      string
	raw      string
}

// eventAPIs returns the API ids a LookupEvents item names in Resources
// (AWS::ApiGateway::RestApi, or any resource whose name is an API id).
func eventAPIs(e cttypes.Event) []string {
	var out []string
	for _, r := range e.Resources {
		t := aws.ToString(r.ResourceType)
		if strings.HasSuffix(t, "::RestApi") || strings.HasSuffix(t, "::Api") {
			out = append(out, aws.ToString(r.ResourceName))
		}
	}
	return out
}

// change converts an event naming this API; reads and other APIs are
// dropped. An event whose record cannot be read but whose Resources name
// this API comes back in bad (partial evidence with the raw value).
func (r *run) change(e cttypes.Event) (c evidence.Change, ok bool, bad *trailUnreadable) {
	name := aws.ToString(e.EventName)
	at := aws.ToTime(e.EventTime).UTC()
	var te trailEvent
	if e.CloudTrailEvent != nil {
		dec := json.NewDecoder(strings.NewReader(*e.CloudTrailEvent))
		if err := dec.Decode(&te); err != nil {
			// Unless LookupEvents' Resources name another API, the event
			// may concern this one: partial evidence, with its raw value.
			if !r.mayBeMine(e) {
				return c, false, nil
			}
			return c, false, &trailUnreadable{id: aws.ToString(e.EventId), name: name, at: at, err: err.Error(), raw: clip(*e.CloudTrailEvent, 200)}
		}
	}
	if name == "" {
		name = te.EventName
	}
	if at.IsZero() {
		at, _ = parseTrailTime(te.EventTime)
	}
	ro, known := readOnlyValue(te.ReadOnly)
	if !known {
		ro, _ = readOnlyValue(aws.ToString(e.ReadOnly))
	}
	if ro || strings.HasPrefix(name, "Get") || te.ErrorCode != "" || r.eventAPI(e, te.RequestParameters) != r.opt.APIID {
		return c, false, nil
	}
	c = evidence.Change{Time: at, Event: name, User: aws.ToString(e.Username), Source: "cloudtrail"}
	if c.User == "" {
		c.User = te.UserIdentity.ARN
	}
	r.describeChange(&c, te)
	return c, true, nil
}

// mayBeMine reports whether an event can concern this API: LookupEvents'
// Resources name it, or name no API at all.
func (r *run) mayBeMine(e cttypes.Event) bool {
	ids := eventAPIs(e)
	mine := len(ids) == 0
	for _, id := range ids {
		mine = mine || id == r.opt.APIID
	}
	return mine
}

// eventAPI returns the API id a change event names: restApiId or apiId
// in its request parameters, else the API its Resources name when that
// is this one (an import, or a shape not seen yet).
func (r *run) eventAPI(e cttypes.Event, rp map[string]any) string {
	id, _ := scalarText(rp["restApiId"])
	if id == "" {
		id, _ = scalarText(rp["apiId"])
	}
	if id == "" {
		for _, rid := range eventAPIs(e) {
			if rid == r.opt.APIID {
				id = rid
			}
		}
	}
	return id
}

// describeChange fills the change's Detail, and whether it touches CORS
// and deploys, from the record's parameters.
func (r *run) describeChange(c *evidence.Change, te trailEvent) {
	rp := te.RequestParameters
	text := func(key string) (string, bool) {
		v, ok := param(rp, key)
		if !ok {
			return "", false
		}
		return scalarText(v)
	}
	verb, hasVerb := text("httpMethod")
	verb = strings.ToUpper(verb)
	var parts []string
	if v, ok := text("resourceId"); ok {
		path := r.config.resourcePath[v]
		if path == "" {
			path = "resource " + v
		}
		if hasVerb {
			parts = append(parts, verb+" "+path)
		} else {
			parts = append(parts, path)
		}
	}
	for _, f := range []struct{ key, prefix string }{{"statusCode", "status "}, {"responseType", ""}, {"stageName", "stage "}, {"routeKey", ""}} {
		if v, ok := text(f.key); ok {
			parts = append(parts, f.prefix+v)
		}
	}
	if re, ok := te.ResponseElements.(map[string]any); ok && c.Event == "CreateDeployment" {
		if v, ok := scalarText(re["id"]); ok && v != "" {
			parts = append(parts, "deployment "+v)
		}
	}
	body, _ := json.Marshal(rp)
	s := string(body)
	cors, knownEvent := corsEvents[c.Event]
	if verb == "OPTIONS" || strings.Contains(s, "Access-Control-") || strings.Contains(s, "binaryMediaTypes") || strings.Contains(strings.ToLower(s), "cors") || strings.Contains(s, "authoriz") {
		cors = true
	}
	if strings.Contains(s, "Access-Control-") {
		parts = append(parts, "CORS headers")
	}
	if strings.Contains(s, "corsConfiguration") || c.Event == "DeleteCorsConfiguration" {
		parts = append(parts, "CorsConfiguration")
	}
	c.Detail = strings.Join(parts, ", ")
	c.Deploy = c.Event == "CreateDeployment" || c.Event == "UpdateStage" && strings.Contains(s, "deploymentId") ||
		r.pb.AutoDeploy && r.pb.Kind != evidence.RESTAPI && cors
	c.CORS = cors || c.Deploy || !knownEvent && strings.HasPrefix(c.Event, "Delete")
}

// clip shortens s to n bytes for an evidence line.
func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "..."
}

// addDeploymentChanges adds deployments from the deployment list that
// CloudTrail did not report (CloudTrail denied, or events older than its
// 90 days). Precondition: r.mu held.
func (r *run) addDeploymentChanges(start, end time.Time) {
	for _, d := range r.stage.deps {
		if d.at.Before(start) || d.at.After(end) {
			continue
		}
		dup := false
		for _, c := range r.pb.Changes {
			if c.Event == "CreateDeployment" && absDur(c.Time.Sub(d.at)) <= time.Minute {
				dup = true
			}
		}
		if dup {
			continue
		}
		detail := "deployment " + d.id
		if d.desc != "" {
			detail += " (" + d.desc + ")"
		}
		r.pb.Changes = append(r.pb.Changes, evidence.Change{Time: d.at.UTC(), Event: "CreateDeployment", Detail: detail, CORS: true, Deploy: true, Source: "deployments"})
	}
}

func absDur(d time.Duration) time.Duration {
	if d < 0 {
		return -d
	}
	return d
}

// drift compares what the stage serves with the current configuration
// (REST: the stage's export; HTTP without AutoDeploy: CORS changes after
// the stage's deployment) and lists the CORS changes (StepHistory).
func (r *run) drift() {
	r.mu.Lock()
	defer r.mu.Unlock()
	history := r.steps[evidence.StepHistory]
	if r.pb.Kind == evidence.RESTAPI && r.stage.deployed != nil && r.api != nil && len(r.api.Resources) > 0 {
		r.pb.Drift = Drift(r.stage.deployed, r.api, r.pb.GapFor(evidence.GapGatewayResponses) == nil)
		for _, s := range r.api.Stages {
			if s.Name == r.pb.Stage {
				s.Stale = apimodel.TriOf(len(r.pb.Drift) > 0)
			}
		}
		if len(r.pb.Drift) == 0 {
			history.Evidence = append(history.Evidence, fmt.Sprintf("stage %q serves the current CORS configuration (export and resources agree)", r.pb.Stage))
		}
		for _, d := range r.pb.Drift {
			history.Evidence = append(history.Evidence, fmt.Sprintf("drift (%s): %s %s %s", d.Kind, d.Method, d.Path, d.Element))
		}
	}
	if r.pb.Kind == evidence.HTTPAPI && !r.pb.AutoDeploy && !r.pb.StageDeployedAt.IsZero() {
		for _, c := range r.pb.Changes {
			if c.CORS && !c.Deploy && c.Time.After(r.pb.StageDeployedAt) {
				r.pb.Drift = append(r.pb.Drift, evidence.Drift{Kind: "not-deployed", Path: "", Method: "", Element: c.Event + " " + c.Detail + " at " + c.Time.Format("15:04")})
			}
		}
	}
	for _, c := range r.pb.Changes {
		if !c.CORS {
			continue
		}
		who := ""
		if c.User != "" {
			who = " by " + c.User
		}
		line := c.Time.Format("15:04") + " " + c.Event
		if c.Detail != "" {
			line += " " + c.Detail
		}
		history.Evidence = append(history.Evidence, line+who)
	}
}

// Drift lists CORS elements that differ between deployed (what a stage
// serves) and current (the API's configuration now). gateway is false
// when the current gateway responses could not be read: they are then
// left out of the comparison.
func Drift(deployed, current *apimodel.API, gateway bool) []evidence.Drift {
	d, c := corsFacts(deployed, gateway), corsFacts(current, gateway)
	var out []evidence.Drift
	for _, k := range sortedFacts(c) {
		dv, ok := d[k]
		switch {
		case !ok:
			out = append(out, k.drift("not-deployed", c[k]))
		case dv != c[k]:
			x := k.drift("changed", "")
			x.Element = fmt.Sprintf("%s: deployed %s, configured %s", k.element, dv, c[k])
			out = append(out, x)
		}
	}
	for _, k := range sortedFacts(d) {
		if _, ok := c[k]; !ok {
			out = append(out, k.drift("removed", d[k]))
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Path != out[j].Path {
			return out[i].Path < out[j].Path
		}
		return out[i].Method < out[j].Method
	})
	return out
}

func sortedFacts(m map[factKey]string) []factKey {
	out := make([]factKey, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Slice(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.path != b.path {
			return a.path < b.path
		}
		if a.method != b.method {
			return a.method < b.method
		}
		return a.element < b.element
	})
	return out
}

// factKey names one CORS element; it sorts by path, method, element.
type factKey struct{ path, method, element string }

func (k factKey) drift(kind, val string) evidence.Drift {
	el := k.element
	if val != "" && val != "present" {
		el += " = " + val
	}
	return evidence.Drift{Kind: kind, Path: k.path, Method: k.method, Element: el}
}

// corsFacts flattens the CORS-relevant parts of a REST API.
func corsFacts(api *apimodel.API, gateway bool) map[factKey]string {
	out := map[factKey]string{}
	for _, res := range api.Resources {
		for _, m := range res.Methods {
			verb := strings.ToUpper(m.HTTPMethod)
			if verb == "OPTIONS" {
				out[factKey{res.Path, verb, "OPTIONS method"}] = "present"
			}
			if m.Integration == nil || m.Integration.Type.IsProxy() {
				continue
			}
			for _, ir := range m.Integration.Responses {
				pat := ir.StatusPattern
				if ir.IsDefault() {
					pat = "default"
				}
				for k, v := range ir.ResponseParameters {
					if name, ok := strings.CutPrefix(k, "method.response.header."); ok && strings.HasPrefix(strings.ToLower(name), "access-control-") {
						out[factKey{res.Path, verb, fmt.Sprintf("%s mapping (integration response %s)", name, pat)}] = v.S
					}
				}
			}
		}
	}
	for t, g := range api.GatewayResponses {
		if !gateway {
			break
		}
		for k, v := range g.ResponseParameters {
			if name, ok := strings.CutPrefix(k, "gatewayresponse.header."); ok && strings.HasPrefix(strings.ToLower(name), "access-control-") {
				out[factKey{"", "", fmt.Sprintf("gateway response %s %s", t, name)}] = v.S
			}
		}
	}
	return out
}
