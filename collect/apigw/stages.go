package apigw

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/apigateway"
	"github.com/aws/aws-sdk-go-v2/service/apigatewayv2"

	"github.com/corsdoctor/corsdoctor/apimodel"
	"github.com/corsdoctor/corsdoctor/evidence"
)

// stageInfo is what the playbook needs from a stage.
type stageInfo struct {
	name         string
	deploymentID string
	updated      time.Time
	accessArn    string
	accessFormat string
	execLevel    string
	dataTrace    bool
	autoDeploy   bool
	status       string
}

type deployment struct {
	id   string
	at   time.Time
	desc string
}

// stagesAndDeployments reads stages and deployments (StepDeployed,
// StepHistory), picks the stage, and for REST APIs reads the stage's
// export.
func (r *run) stagesAndDeployments(ctx context.Context) error {
	if r.pb.Kind == evidence.UnknownAPI {
		r.pb.Stage = r.opt.Stage
		return nil
	}
	stages, stageErr := r.readStages(ctx)
	deps, err := r.readDeployments(ctx)
	if err != nil {
		return err
	}
	sort.Slice(deps, func(i, j int) bool { return deps[i].at.Before(deps[j].at) })
	r.mu.Lock()
	r.stage.deps = deps
	for _, d := range deps {
		r.api.Deployments = append(r.api.Deployments, &apimodel.Deployment{ID: d.id, Redeploys: apimodel.TriUnknown, Source: evidence.Source{URL: r.api.Source.URL + "/deployments/" + d.id}})
	}
	r.mu.Unlock()
	if stageErr != nil {
		return r.stagesUnread(stageErr)
	}
	if len(stages) == 0 {
		r.evidenceLine(evidence.StepDeployed, "no stage: create a deployment and a stage")
		for _, n := range []evidence.StepID{evidence.StepAccessLogs, evidence.StepMetrics, evidence.StepExecLogs} {
			r.skip(n, "the API has no stage")
		}
		return nil
	}
	st, err := r.pickStage(stages, deps)
	if err != nil {
		return err
	}
	r.useStage(st, stages, deps)
	r.setLogging(st)
	if r.pb.Kind == evidence.RESTAPI {
		r.export(ctx, st.name)
	}
	return nil
}

// readStages reads the API's stages; err is the call's error.
func (r *run) readStages(ctx context.Context) ([]stageInfo, error) {
	if r.pb.Kind == evidence.RESTAPI {
		return r.restStages(ctx)
	}
	return r.v2Stages(ctx)
}

func (r *run) restStages(ctx context.Context) (stages []stageInfo, err error) {
	err = r.call(ctx, func(ctx context.Context) error {
		out, err := r.c.APIGateway.GetStages(ctx, &apigateway.GetStagesInput{RestApiId: aws.String(r.opt.APIID)})
		if err != nil {
			return err
		}
		for _, s := range out.Item {
			si := stageInfo{name: aws.ToString(s.StageName), deploymentID: aws.ToString(s.DeploymentId), updated: aws.ToTime(s.LastUpdatedDate)}
			if s.AccessLogSettings != nil {
				si.accessArn, si.accessFormat = aws.ToString(s.AccessLogSettings.DestinationArn), aws.ToString(s.AccessLogSettings.Format)
			}
			if ms, ok := s.MethodSettings["*/*"]; ok {
				si.execLevel, si.dataTrace = aws.ToString(ms.LoggingLevel), ms.DataTraceEnabled
			}
			stages = append(stages, si)
		}
		return nil
	})
	return stages, err
}

func (r *run) v2Stages(ctx context.Context) (stages []stageInfo, err error) {
	err = r.call(ctx, func(ctx context.Context) error {
		var token *string
		for {
			out, err := r.c.V2.GetStages(ctx, &apigatewayv2.GetStagesInput{ApiId: aws.String(r.opt.APIID), NextToken: token})
			if err != nil {
				return err
			}
			for _, s := range out.Items {
				si := stageInfo{name: aws.ToString(s.StageName), deploymentID: aws.ToString(s.DeploymentId), updated: aws.ToTime(s.LastUpdatedDate),
					autoDeploy: aws.ToBool(s.AutoDeploy), status: aws.ToString(s.LastDeploymentStatusMessage)}
				if s.AccessLogSettings != nil {
					si.accessArn, si.accessFormat = aws.ToString(s.AccessLogSettings.DestinationArn), aws.ToString(s.AccessLogSettings.Format)
				}
				stages = append(stages, si)
			}
			if token = out.NextToken; token == nil {
				return nil
			}
		}
	})
	return stages, err
}

// readDeployments lists the API's deployments (a gap when they cannot be
// read). err is set for credential problems only.
func (r *run) readDeployments(ctx context.Context) ([]deployment, error) {
	if r.pb.Kind == evidence.RESTAPI {
		return r.restDeployments(ctx)
	}
	return r.v2Deployments(ctx)
}

func (r *run) restDeployments(ctx context.Context) ([]deployment, error) {
	var deps []deployment
	p := apigateway.NewGetDeploymentsPaginator(r.c.APIGateway, &apigateway.GetDeploymentsInput{RestApiId: aws.String(r.opt.APIID), Limit: aws.Int32(500)})
	for p.HasMorePages() {
		var out *apigateway.GetDeploymentsOutput
		err := r.call(ctx, func(ctx context.Context) (err error) {
			out, err = p.NextPage(ctx)
			return err
		})
		if err != nil {
			return deps, r.gap(evidence.StepHistory, evidence.GapDeployments, "deployment list", "apigateway:GET on arn:aws:apigateway:"+r.c.Region+"::/restapis/"+r.opt.APIID+"/deployments", err)
		}
		for _, d := range out.Items {
			deps = append(deps, deployment{id: aws.ToString(d.Id), at: aws.ToTime(d.CreatedDate), desc: aws.ToString(d.Description)})
		}
	}
	return deps, nil
}

func (r *run) v2Deployments(ctx context.Context) ([]deployment, error) {
	var deps []deployment
	var token *string
	for {
		var out *apigatewayv2.GetDeploymentsOutput
		err := r.call(ctx, func(ctx context.Context) (err error) {
			out, err = r.c.V2.GetDeployments(ctx, &apigatewayv2.GetDeploymentsInput{ApiId: aws.String(r.opt.APIID), NextToken: token})
			return err
		})
		if err != nil {
			return deps, r.gap(evidence.StepHistory, evidence.GapDeployments, "deployment list", "apigateway:GET on arn:aws:apigateway:"+r.c.Region+"::/apis/"+r.opt.APIID+"/deployments", err)
		}
		for _, d := range out.Items {
			deps = append(deps, deployment{id: aws.ToString(d.DeploymentId), at: aws.ToTime(d.CreatedDate), desc: aws.ToString(d.Description)})
		}
		if token = out.NextToken; token == nil {
			return deps, nil
		}
	}
}

// stagesUnread records that the stages could not be read: the stage is
// the one given with --stage, if any.
func (r *run) stagesUnread(err error) error {
	path := "/restapis/"
	if r.pb.Kind != evidence.RESTAPI {
		path = "/apis/"
	}
	if e := r.gap(evidence.StepDeployed, evidence.GapStages, "stages", "apigateway:GET on arn:aws:apigateway:"+r.c.Region+"::"+path+r.opt.APIID+"/stages", err); e != nil {
		return e
	}
	r.pb.Stage = r.opt.Stage
	if r.pb.Stage == "" {
		for _, n := range []evidence.StepID{evidence.StepAccessLogs, evidence.StepMetrics, evidence.StepExecLogs} {
			r.skip(n, "the stage is unknown: stages could not be read; pass --stage")
		}
	}
	return nil
}

// pickStage returns the stage given with --stage, or the most recently
// deployed one (and says so).
func (r *run) pickStage(stages []stageInfo, deps []deployment) (*stageInfo, error) {
	names := make([]string, len(stages))
	for i, s := range stages {
		names[i] = s.name
	}
	if r.opt.Stage != "" {
		for i := range stages {
			if stages[i].name == r.opt.Stage {
				return &stages[i], nil
			}
		}
		return nil, &InputError{Reason: UnknownStage, Msg: fmt.Sprintf("API %s has no stage %q (stages: %s)", r.opt.APIID, r.opt.Stage, strings.Join(names, ", ")),
			Hint: "pass one of them with --stage"}
	}
	depAt := map[string]time.Time{}
	for _, d := range deps {
		depAt[d.id] = d.at
	}
	sort.SliceStable(stages, func(i, j int) bool {
		a, b := depAt[stages[i].deploymentID], depAt[stages[j].deploymentID]
		if !a.Equal(b) {
			return a.After(b)
		}
		return stages[i].updated.After(stages[j].updated)
	})
	if len(stages) > 1 {
		r.evidenceLine(evidence.StepDeployed, "stages: %s; diagnosing %q, the most recently deployed (pass --stage to choose)", strings.Join(names, ", "), stages[0].name)
	}
	return &stages[0], nil
}

// useStage records the chosen stage in the playbook and every stage in
// the model, and describes the stage's deployment.
func (r *run) useStage(st *stageInfo, stages []stageInfo, deps []deployment) {
	r.pb.Stage = st.name
	r.pb.AutoDeploy = st.autoDeploy
	r.pb.StageDeployment = st.deploymentID
	r.mu.Lock()
	// The stage's invoke URL, used by simulations (--origin).
	switch {
	case r.pb.Kind == evidence.RESTAPI:
		r.api.Endpoint = fmt.Sprintf("https://%s.execute-api.%s.amazonaws.com/%s", r.opt.APIID, r.c.Region, st.name)
	case r.api.Endpoint != "" && st.name != "$default":
		r.api.Endpoint = strings.TrimSuffix(r.api.Endpoint, "/") + "/" + st.name
	}
	for _, s := range stages {
		ms := &apimodel.Stage{Name: s.name, DeploymentID: s.deploymentID, AutoDeploy: apimodel.TriOf(s.autoDeploy), Stale: apimodel.TriUnknown,
			Source: evidence.Source{URL: r.api.Source.URL + "/stages/" + s.name}}
		if r.pb.Kind == evidence.RESTAPI {
			ms.AutoDeploy = apimodel.TriUnknown
		}
		r.api.Stages = append(r.api.Stages, ms)
	}
	for _, d := range deps {
		if d.id == st.deploymentID {
			r.pb.StageDeployedAt = d.at
		}
	}
	r.mu.Unlock()
	if st.deploymentID != "" {
		at := ""
		if !r.pb.StageDeployedAt.IsZero() {
			at = " created " + r.pb.StageDeployedAt.UTC().Format(time.RFC3339)
		}
		r.evidenceLine(evidence.StepDeployed, "stage %q serves deployment %s%s", st.name, st.deploymentID, at)
	}
	if st.autoDeploy {
		r.evidenceLine(evidence.StepHistory, "stage %q deploys automatically (AutoDeploy)", st.name)
	}
	if st.status != "" {
		r.evidenceLine(evidence.StepHistory, "last deployment status: %s", st.status)
	}
	r.evidenceLine(evidence.StepHistory, "%d deployment(s) in total", len(deps))
}

// setLogging records where the stage's logs are.
func (r *run) setLogging(st *stageInfo) {
	if st.accessArn != "" {
		if i := strings.Index(st.accessArn, ":log-group:"); i >= 0 {
			r.logs.accessGroup = strings.TrimSuffix(st.accessArn[i+len(":log-group:"):], ":*")
		}
		r.logs.accessFormat = st.accessFormat
	}
	r.logs.execLevel = st.execLevel
	if r.logs.accessGroup == "" && r.pb.Kind == evidence.HTTPAPI {
		r.notConfigured(evidence.StepAccessLogs, evidence.GapAccessLogs, "access logs", fmt.Sprintf("enable access logging on stage %q: aws apigatewayv2 update-stage --api-id %s --stage-name %s --access-log-settings 'DestinationArn=LOG_GROUP_ARN,Format={\"requestId\":\"$context.requestId\",\"httpMethod\":\"$context.httpMethod\",\"routeKey\":\"$context.routeKey\",\"status\":\"$context.status\"}'", st.name, r.opt.APIID, st.name))
	}
	if r.logs.accessGroup == "" && r.pb.Kind == evidence.RESTAPI {
		r.notConfigured(evidence.StepAccessLogs, evidence.GapAccessLogs, "access logs", fmt.Sprintf("enable access logging on stage %q: aws apigateway update-stage --rest-api-id %s --stage-name %s --patch-operations op=replace,path=/accessLogSettings/destinationArn,value=LOG_GROUP_ARN op=replace,path=/accessLogSettings/format,value='{\"requestId\":\"$context.requestId\",\"httpMethod\":\"$context.httpMethod\",\"resourcePath\":\"$context.resourcePath\",\"status\":\"$context.status\",\"responseType\":\"$context.error.responseType\"}'", st.name, r.opt.APIID, st.name))
	}
	if r.pb.Kind == evidence.RESTAPI && (st.execLevel == "" || st.execLevel == "OFF") {
		r.notConfigured(evidence.StepExecLogs, evidence.GapExecLogs, "execution logs", fmt.Sprintf("set INFO execution logging with data trace on stage %q (needs the account's CloudWatch role): aws apigateway update-stage --rest-api-id %s --stage-name %s --patch-operations op=replace,path=/*/*/logging/loglevel,value=INFO op=replace,path=/*/*/logging/dataTrace,value=true", st.name, r.opt.APIID, st.name))
	}
}

// export reads what the stage serves (GetExport, OpenAPI 3 with API
// Gateway extensions) and converts it into a model for drift detection.
func (r *run) export(ctx context.Context, stage string) {
	var body []byte
	err := r.call(ctx, func(ctx context.Context) error {
		out, err := r.c.APIGateway.GetExport(ctx, &apigateway.GetExportInput{
			RestApiId: aws.String(r.opt.APIID), StageName: aws.String(stage), ExportType: aws.String("oas30"),
			Parameters: map[string]string{"extensions": "apigateway"}, Accepts: aws.String("application/json"),
		})
		if err == nil {
			body = out.Body
		}
		return err
	})
	if err != nil {
		r.gap(evidence.StepHistory, evidence.GapStageExport, "stage export", "apigateway:GET on arn:aws:apigateway:"+r.c.Region+"::/restapis/"+r.opt.APIID+"/stages/"+stage+"/exports/*", err)
		return
	}
	dep, issues, err := exportModel(body, r.opt.APIID, evidence.Source{URL: r.api.Source.URL + "/stages/" + stage + "/exports/oas30"})
	if err != nil {
		r.addGap(evidence.Gap{Step: evidence.StepHistory, Key: evidence.GapStageExport, What: "stage export", Cause: "unreadable", Need: "a readable OpenAPI export", Err: err.Error() + "; raw value: " + clip(string(body), 200)})
		return
	}
	for _, is := range issues {
		r.addGap(evidence.Gap{Step: evidence.StepHistory, Key: evidence.GapStageExport, What: "stage export field " + is.Path, Cause: "unreadable",
			Need: is.Want + " (the field is left out of the drift comparison)", Err: "raw value: " + is.Raw})
	}
	r.mu.Lock()
	r.stage.deployed = dep
	r.mu.Unlock()
}

var oasVerbs = map[string]bool{"get": true, "put": true, "post": true, "delete": true, "options": true, "head": true, "patch": true, "x-amazon-apigateway-any-method": true}

// FieldIssue is a field of an AWS answer that could not be read: it is
// reported as partial evidence with its raw value, and the rest of the
// answer is used.
type FieldIssue struct {
	// Path locates the field (JSON pointer-like: "paths./pets.post.x-amazon-apigateway-integration.type").
	Path string
	// Want says what was expected; Raw is the value found (clipped).
	Want, Raw string
}

func (f FieldIssue) String() string { return fmt.Sprintf("%s: want %s, got %s", f.Path, f.Want, f.Raw) }

// exportReader walks a decoded export tolerantly: a value of an
// unexpected type becomes a FieldIssue instead of failing the whole
// export (a real export carries gateway-response statusCode as a JSON
// number, the documented import form as a string:
// /work/shared/reference/aws-real, export/*).
type exportReader struct{ issues []FieldIssue }

func (x *exportReader) bad(path, want string, v any) {
	b, _ := json.Marshal(v)
	x.issues = append(x.issues, FieldIssue{Path: path, Want: want, Raw: clip(string(b), 120)})
}

// obj reads an object; absent and null are an empty object.
func (x *exportReader) obj(path string, v any) map[string]any {
	switch m := v.(type) {
	case map[string]any:
		return m
	case nil:
		return nil
	}
	x.bad(path, "an object", v)
	return nil
}

// text reads a string, or a number as its decimal text (statusCode is
// either); absent and null are "".
func (x *exportReader) text(path string, v any) string {
	switch t := v.(type) {
	case nil:
		return ""
	case string:
		return t
	case json.Number:
		return t.String()
	}
	x.bad(path, "a string or number", v)
	return ""
}

// params reads a {name: 'value'} map (responseParameters); null values
// (seen for responseTemplates) are skipped.
func (x *exportReader) params(path string, v any, src evidence.Source) map[string]apimodel.Value {
	m := x.obj(path, v)
	if len(m) == 0 {
		return nil
	}
	out := map[string]apimodel.Value{}
	for _, k := range apimodel.SortedKeys(m) {
		if m[k] == nil {
			continue
		}
		out[k] = apimodel.Known(x.text(path+"."+k, m[k]), src)
	}
	return out
}

// exportModel converts an OpenAPI 3 export with API Gateway extensions.
// err is set only when the body is not a JSON object; fields that cannot
// be read are returned as issues and left out of the model.
func exportModel(body []byte, id string, src evidence.Source) (*apimodel.API, []FieldIssue, error) {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, nil, fmt.Errorf("stage export: %w", err)
	}
	doc, ok := v.(map[string]any)
	if !ok {
		return nil, nil, fmt.Errorf("stage export: not a JSON object")
	}
	x := &exportReader{}
	api := &apimodel.API{ID: id, Kind: apimodel.REST, Format: "aws-export", Source: src}
	paths := x.obj("paths", doc["paths"])
	for _, path := range apimodel.SortedKeys(paths) {
		ops := x.obj("paths."+path, paths[path])
		if ops == nil {
			continue
		}
		res := api.AddResource(path, evidence.Source{URL: src.URL + "#/paths/" + path})
		for _, verb := range apimodel.SortedKeys(ops) {
			if !oasVerbs[verb] {
				continue
			}
			if m := x.operation("paths."+path+"."+verb, verb, ops[verb], evidence.Source{URL: res.Source.URL + "/" + verb}); m != nil {
				res.AddMethod(m)
			}
		}
	}
	// Only customised gateway responses appear in an export; the key is
	// absent when there are none.
	x.gatewayResponses(api, doc["x-amazon-apigateway-gateway-responses"], src)
	api.Normalize()
	return api, x.issues, nil
}

// operation reads one operation of a path (at locates it) as a method.
func (x *exportReader) operation(at, verb string, v any, msrc evidence.Source) *apimodel.Method {
	op := x.obj(at, v)
	if op == nil {
		return nil
	}
	name := strings.ToUpper(verb)
	if verb == "x-amazon-apigateway-any-method" {
		name = "ANY"
	}
	m := &apimodel.Method{HTTPMethod: name, AuthorizationType: apimodel.Known("NONE", msrc), APIKeyRequired: apimodel.TriNo, Source: msrc}
	if sec, ok := op["security"].([]any); ok {
		for _, s := range sec {
			for name := range x.obj(at+".security", s) {
				if name == "api_key" {
					m.APIKeyRequired = apimodel.TriYes
				} else {
					m.AuthorizationType = apimodel.Known("CUSTOM", msrc)
				}
			}
		}
	} else if op["security"] != nil {
		x.bad(at+".security", "an array", op["security"])
	}
	resps := x.obj(at+".responses", op["responses"])
	for _, code := range apimodel.SortedKeys(resps) {
		if m.MethodResponses == nil {
			m.MethodResponses = map[string]*apimodel.MethodResponse{}
		}
		mr := &apimodel.MethodResponse{StatusCode: code, Source: msrc}
		resp := x.obj(at+".responses."+code, resps[code])
		for h := range x.obj(at+".responses."+code+".headers", resp["headers"]) {
			mr.Headers = append(mr.Headers, h)
		}
		sort.Strings(mr.Headers)
		m.MethodResponses[code] = mr
	}
	m.Integration = x.integration(at+".x-amazon-apigateway-integration", op["x-amazon-apigateway-integration"], msrc)
	return m
}

// integration reads an x-amazon-apigateway-integration object, or nil.
func (x *exportReader) integration(at string, v any, msrc evidence.Source) *apimodel.Integration {
	in := x.obj(at, v)
	if in == nil {
		return nil
	}
	typ := x.text(at+".type", in["type"])
	mi := &apimodel.Integration{Type: apimodel.IntegrationType(strings.ToUpper(typ)), URI: apimodel.Known(x.text(at+".uri", in["uri"]), msrc), Source: msrc}
	irs := x.obj(at+".responses", in["responses"])
	for _, pat := range apimodel.SortedKeys(irs) {
		ir := x.obj(at+".responses."+pat, irs[pat])
		if ir == nil {
			continue
		}
		p := pat
		if p == "default" {
			p = ""
		}
		mir := &apimodel.IntegrationResponse{StatusPattern: p, StatusCode: x.text(at+".responses."+pat+".statusCode", ir["statusCode"]), Source: msrc}
		mir.ResponseParameters = x.params(at+".responses."+pat+".responseParameters", ir["responseParameters"], msrc)
		mi.Responses = append(mi.Responses, mir)
	}
	return mi
}

// gatewayResponses reads x-amazon-apigateway-gateway-responses into api.
func (x *exportReader) gatewayResponses(api *apimodel.API, v any, src evidence.Source) {
	gws := x.obj("x-amazon-apigateway-gateway-responses", v)
	for _, t := range apimodel.SortedKeys(gws) {
		at := "x-amazon-apigateway-gateway-responses." + t
		g := x.obj(at, gws[t])
		if g == nil {
			continue
		}
		if api.GatewayResponses == nil {
			api.GatewayResponses = map[string]*apimodel.GatewayResponse{}
		}
		gsrc := evidence.Source{URL: src.URL + "#/x-amazon-apigateway-gateway-responses/" + t}
		gr := &apimodel.GatewayResponse{Type: t, StatusCode: x.text(at+".statusCode", g["statusCode"]), Source: gsrc, ResponseParameters: map[string]apimodel.Value{}}
		for k, v := range x.params(at+".responseParameters", g["responseParameters"], gsrc) {
			gr.ResponseParameters[k] = v
		}
		api.GatewayResponses[t] = gr
	}
}
