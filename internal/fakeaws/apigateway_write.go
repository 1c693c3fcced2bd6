package fakeaws

import (
	"encoding/json"
	"fmt"
	"net/http"
	"sort"
	"strings"
	"time"
)

// The API Gateway write calls `corsdoctor aws fix` makes, with the
// request shapes of the REST API reference (and aws-sdk-go-v2's
// serializers): PutMethod, PutMethodResponse, PutIntegration,
// PutIntegrationResponse, UpdateMethod, UpdateMethodResponse,
// UpdateIntegrationResponse (JSON patch operations), PutGatewayResponse,
// CreateDeployment (which snapshots the API: the stage's export is
// regenerated from what was deployed), GetStage and UpdateStage (the
// rollback); for HTTP APIs UpdateApi and CreateDeployment. Every write
// holds the server's lock.

// routeV1Write maps the write calls (and GetStage); nil when r is not one.
func (s *Server) routeV1Write(r *http.Request) (string, func(*call)) {
	p := strings.Split(strings.Trim(r.URL.EscapedPath(), "/"), "/")
	for i := range p {
		p[i] = unescape(p[i])
	}
	if len(p) < 3 || p[0] != "restapis" {
		return "", nil
	}
	id, m := p[1], r.Method
	with := func(op string, f func(c *call, a *RestAPI)) (string, func(*call)) {
		return "apigateway:" + op, func(c *call) {
			s.mu.Lock()
			defer s.mu.Unlock()
			s.v1(c, id, func(a *RestAPI) { f(c, a) })
		}
	}
	switch {
	case len(p) == 6 && p[2] == "resources" && p[4] == "methods" && m == http.MethodPut:
		return with("PutMethod", func(c *call, a *RestAPI) { s.putMethod(c, a, p[3], p[5]) })
	case len(p) == 6 && p[2] == "resources" && p[4] == "methods" && m == http.MethodPatch:
		return with("UpdateMethod", func(c *call, a *RestAPI) {
			s.patchMethodPart(c, a, p[3], p[5], methodField, func(meth map[string]any) (map[string]any, string) { return meth, "" })
		})
	case len(p) == 8 && p[2] == "resources" && p[4] == "methods" && p[6] == "responses" && m == http.MethodPut:
		return with("PutMethodResponse", func(c *call, a *RestAPI) { s.putMethodResponse(c, a, p[3], p[5], p[7]) })
	case len(p) == 8 && p[2] == "resources" && p[4] == "methods" && p[6] == "responses" && m == http.MethodPatch:
		return with("UpdateMethodResponse", func(c *call, a *RestAPI) {
			s.patchMethodPart(c, a, p[3], p[5], declared, func(meth map[string]any) (map[string]any, string) {
				mr, _ := child(meth, "methodResponses")[p[7]].(map[string]any)
				if mr == nil {
					return nil, "Invalid Response status code specified"
				}
				return mr, ""
			})
		})
	case len(p) == 7 && p[2] == "resources" && p[4] == "methods" && p[6] == "integration" && m == http.MethodPut:
		return with("PutIntegration", func(c *call, a *RestAPI) { s.putIntegration(c, a, p[3], p[5]) })
	case len(p) == 9 && p[2] == "resources" && p[4] == "methods" && p[6] == "integration" && p[7] == "responses" && m == http.MethodPut:
		return with("PutIntegrationResponse", func(c *call, a *RestAPI) { s.putIntegrationResponse(c, a, p[3], p[5], p[8]) })
	case len(p) == 9 && p[2] == "resources" && p[4] == "methods" && p[6] == "integration" && p[7] == "responses" && m == http.MethodPatch:
		return with("UpdateIntegrationResponse", func(c *call, a *RestAPI) {
			s.patchMethodPart(c, a, p[3], p[5], asString, func(meth map[string]any) (map[string]any, string) {
				in, _ := meth["methodIntegration"].(map[string]any)
				ir, _ := child(in, "integrationResponses")[p[8]].(map[string]any)
				if ir == nil {
					return nil, "Invalid Response status code specified"
				}
				return ir, ""
			})
		})
	case len(p) == 4 && p[2] == "gatewayresponses" && m == http.MethodPut:
		return with("PutGatewayResponse", func(c *call, a *RestAPI) { s.putGatewayResponse(c, a, p[3]) })
	case len(p) == 3 && p[2] == "deployments" && m == http.MethodPost:
		return with("CreateDeployment", func(c *call, a *RestAPI) { s.createDeployment(c, a) })
	case len(p) == 4 && p[2] == "stages" && m == http.MethodGet:
		return "apigateway:GetStage", func(c *call) {
			s.mu.Lock()
			defer s.mu.Unlock()
			s.v1(c, id, func(a *RestAPI) {
				if st := stage(a.Stages, p[3]); st != nil {
					c.ok(wire(st))
					return
				}
				c.fail(404, "NotFoundException", "Invalid Stage identifier specified")
			})
		}
	case len(p) == 4 && p[2] == "stages" && m == http.MethodPatch:
		return with("UpdateStage", func(c *call, a *RestAPI) {
			st := stage(a.Stages, p[3])
			if st == nil {
				c.fail(404, "NotFoundException", "Invalid Stage identifier specified")
				return
			}
			if !applyPatch(c, st, asString) {
				return
			}
			st["lastUpdatedDate"] = s.now().Format(time.RFC3339)
			if dep, _ := st["deploymentId"].(string); dep != "" {
				if snap := a.snapshots[dep]; snap != nil {
					a.setExport(p[3], snap)
				}
			}
			c.ok(wire(st))
		})
	}
	return "", nil
}

func (s *Server) now() time.Time {
	if !s.state.Now.IsZero() {
		return s.state.Now
	}
	return time.Now().UTC()
}

func stage(stages []map[string]any, name string) map[string]any {
	for _, st := range stages {
		if str(st, "stageName") == name {
			return st
		}
	}
	return nil
}

func child(m map[string]any, key string) map[string]any {
	if m == nil {
		return nil
	}
	c, _ := m[key].(map[string]any)
	if c == nil {
		c = map[string]any{}
		m[key] = c
	}
	return c
}

// resource finds a resource by id or answers NotFoundException.
func resource(c *call, a *RestAPI, id string) map[string]any {
	for _, r := range a.Resources {
		if str(r, "id") == id {
			return r
		}
	}
	c.fail(404, "NotFoundException", "Invalid Resource identifier specified")
	return nil
}

// method finds a method of a resource or answers NotFoundException.
func method(c *call, a *RestAPI, resID, verb string) map[string]any {
	r := resource(c, a, resID)
	if r == nil {
		return nil
	}
	m, _ := child(r, "resourceMethods")[verb].(map[string]any)
	if m == nil {
		c.fail(404, "NotFoundException", "Invalid Method identifier specified")
		return nil
	}
	return m
}

// body decodes a restJson1 request body.
func (c *call) body(v any) bool {
	dec := json.NewDecoder(c.r.Body)
	if err := dec.Decode(v); err != nil {
		c.fail(400, "BadRequestException", "Could not parse request body into json: "+err.Error())
		return false
	}
	return true
}

var validAuthTypes = map[string]bool{"NONE": true, "AWS_IAM": true, "CUSTOM": true, "COGNITO_USER_POOLS": true}

func (s *Server) putMethod(c *call, a *RestAPI, resID, verb string) {
	r := resource(c, a, resID)
	if r == nil {
		return
	}
	var in struct {
		AuthorizationType string `json:"authorizationType"`
		AuthorizerID      string `json:"authorizerId"`
		APIKeyRequired    bool   `json:"apiKeyRequired"`
	}
	if !c.body(&in) {
		return
	}
	if !validAuthTypes[in.AuthorizationType] {
		c.fail(400, "BadRequestException", "Invalid authorization type specified: "+in.AuthorizationType)
		return
	}
	ms := child(r, "resourceMethods")
	if _, dup := ms[verb]; dup {
		c.fail(409, "ConflictException", "Method already exists for this resource")
		return
	}
	m := map[string]any{"httpMethod": verb, "authorizationType": in.AuthorizationType, "apiKeyRequired": in.APIKeyRequired}
	if in.AuthorizerID != "" {
		m["authorizerId"] = in.AuthorizerID
	}
	ms[verb] = m
	c.ok(m)
}

func (s *Server) putMethodResponse(c *call, a *RestAPI, resID, verb, code string) {
	m := method(c, a, resID, verb)
	if m == nil {
		return
	}
	var in struct {
		ResponseParameters map[string]bool `json:"responseParameters"`
	}
	if !c.body(&in) {
		return
	}
	mr := map[string]any{"statusCode": code}
	if len(in.ResponseParameters) > 0 {
		rp := map[string]any{}
		for k, v := range in.ResponseParameters {
			if !strings.HasPrefix(k, "method.response.header.") {
				c.fail(400, "BadRequestException", "Invalid mapping expression specified: "+k)
				return
			}
			rp[k] = v
		}
		mr["responseParameters"] = rp
	}
	child(m, "methodResponses")[code] = mr
	c.ok(mr)
}

func (s *Server) putIntegration(c *call, a *RestAPI, resID, verb string) {
	m := method(c, a, resID, verb)
	if m == nil {
		return
	}
	var in struct {
		Type                string            `json:"type"`
		HTTPMethod          string            `json:"httpMethod"`
		URI                 string            `json:"uri"`
		RequestTemplates    map[string]string `json:"requestTemplates"`
		PassthroughBehavior string            `json:"passthroughBehavior"`
		ContentHandling     string            `json:"contentHandling"`
	}
	if !c.body(&in) {
		return
	}
	switch in.Type {
	case "MOCK", "AWS", "AWS_PROXY", "HTTP", "HTTP_PROXY":
	default:
		c.fail(400, "BadRequestException", "Invalid integration type specified: "+in.Type)
		return
	}
	if in.Type != "MOCK" && in.URI == "" {
		c.fail(400, "BadRequestException", "Enumeration value for HttpMethod must be non-empty")
		return
	}
	integ := map[string]any{"type": in.Type, "passthroughBehavior": "WHEN_NO_MATCH", "timeoutInMillis": 29000}
	if in.PassthroughBehavior != "" {
		integ["passthroughBehavior"] = in.PassthroughBehavior
	}
	if in.URI != "" {
		integ["uri"], integ["httpMethod"] = in.URI, in.HTTPMethod
	}
	if len(in.RequestTemplates) > 0 {
		integ["requestTemplates"] = in.RequestTemplates
	}
	if in.ContentHandling != "" {
		integ["contentHandling"] = in.ContentHandling
	}
	m["methodIntegration"] = integ
	c.ok(integ)
}

func (s *Server) putIntegrationResponse(c *call, a *RestAPI, resID, verb, code string) {
	m := method(c, a, resID, verb)
	if m == nil {
		return
	}
	integ, _ := m["methodIntegration"].(map[string]any)
	if integ == nil {
		c.fail(404, "NotFoundException", "No integration defined for method")
		return
	}
	if _, ok := child(m, "methodResponses")[code]; !ok {
		c.fail(400, "BadRequestException", "Invalid mapping expression specified: Validation Result: warnings : [], errors : [No method response exists for method.]")
		return
	}
	var in struct {
		SelectionPattern   string            `json:"selectionPattern"`
		ResponseParameters map[string]string `json:"responseParameters"`
		ContentHandling    string            `json:"contentHandling"`
	}
	if !c.body(&in) {
		return
	}
	mr, _ := child(m, "methodResponses")[code].(map[string]any)
	declared, _ := mr["responseParameters"].(map[string]any)
	for k := range in.ResponseParameters {
		if _, ok := declared[k]; !ok {
			// API Gateway refuses a mapping to an undeclared header.
			c.fail(400, "BadRequestException", "Invalid mapping expression specified: Validation Result: warnings : [], errors : [Invalid mapping expression specified: "+k+"]")
			return
		}
	}
	ir := map[string]any{"statusCode": code}
	if in.SelectionPattern != "" {
		ir["selectionPattern"] = in.SelectionPattern
	}
	if len(in.ResponseParameters) > 0 {
		rp := map[string]any{}
		for k, v := range in.ResponseParameters {
			rp[k] = v
		}
		ir["responseParameters"] = rp
	}
	child(integ, "integrationResponses")[code] = ir
	c.ok(ir)
}

// patchMethodPart applies the request's patch operations to a method or
// one of its parts (pick returns it, or a NotFound message).
func (s *Server) patchMethodPart(c *call, a *RestAPI, resID, verb string, typed func([]string, string) any, pick func(map[string]any) (map[string]any, string)) {
	m := method(c, a, resID, verb)
	if m == nil {
		return
	}
	target, msg := pick(m)
	if target == nil {
		c.fail(404, "NotFoundException", msg)
		return
	}
	if !applyPatch(c, target, typed) {
		return
	}
	if strings.EqualFold(str(m, "authorizationType"), "NONE") {
		// API Gateway drops the authorizer of a method that no longer
		// uses one.
		delete(m, "authorizerId")
		delete(m, "authorizationScopes")
	}
	c.ok(wire(target))
}

// applyPatch applies patchOperations (add, replace, remove) to obj.
// Paths are JSON pointers of one or two segments (~1 escapes '/');
// typed converts a value to what the path holds (a method response's
// parameters are booleans, an integration response's strings).
func applyPatch(c *call, obj map[string]any, typed func(segs []string, v string) any) bool {
	var in struct {
		PatchOperations []struct {
			Op    string `json:"op"`
			Path  string `json:"path"`
			Value string `json:"value"`
		} `json:"patchOperations"`
	}
	if !c.body(&in) {
		return false
	}
	for _, op := range in.PatchOperations {
		segs := strings.Split(strings.TrimPrefix(op.Path, "/"), "/")
		for i := range segs {
			segs[i] = strings.ReplaceAll(strings.ReplaceAll(segs[i], "~1", "/"), "~0", "~")
		}
		if len(segs) > 2 || segs[0] == "" {
			c.fail(400, "BadRequestException", "Invalid patch path "+op.Path)
			return false
		}
		holder, key := obj, segs[0]
		if len(segs) == 2 {
			holder, key = child(obj, segs[0]), segs[1]
		}
		switch op.Op {
		case "add", "replace":
			if _, ok := holder[key]; !ok && op.Op == "replace" && len(segs) == 2 {
				c.fail(400, "BadRequestException", "Invalid patch path "+op.Path)
				return false
			}
			holder[key] = typed(segs, op.Value)
		case "remove":
			delete(holder, key)
		default:
			c.fail(400, "BadRequestException", "Invalid patch operation specified. Must be 'add'|'remove'|'replace'")
			return false
		}
	}
	return true
}

func asString(_ []string, v string) any { return v }

func asBool(v string) any {
	switch v {
	case "true":
		return true
	case "false":
		return false
	}
	return v
}

// methodField types UpdateMethod values: apiKeyRequired is a boolean.
func methodField(segs []string, v string) any {
	if segs[0] == "apiKeyRequired" {
		return asBool(v)
	}
	return v
}

// declared types UpdateMethodResponse values: declarations are booleans.
func declared(segs []string, v string) any {
	if segs[0] == "responseParameters" {
		return asBool(v)
	}
	return v
}

var gatewayTypes = map[string]bool{"ACCESS_DENIED": true, "API_CONFIGURATION_ERROR": true, "AUTHORIZER_CONFIGURATION_ERROR": true, "AUTHORIZER_FAILURE": true,
	"BAD_REQUEST_PARAMETERS": true, "BAD_REQUEST_BODY": true, "DEFAULT_4XX": true, "DEFAULT_5XX": true, "EXPIRED_TOKEN": true, "INTEGRATION_FAILURE": true,
	"INTEGRATION_TIMEOUT": true, "INVALID_API_KEY": true, "INVALID_SIGNATURE": true, "MISSING_AUTHENTICATION_TOKEN": true, "QUOTA_EXCEEDED": true,
	"REQUEST_TOO_LARGE": true, "RESOURCE_NOT_FOUND": true, "THROTTLED": true, "UNAUTHORIZED": true, "UNSUPPORTED_MEDIA_TYPE": true, "WAF_FILTERED": true}

func (s *Server) putGatewayResponse(c *call, a *RestAPI, typ string) {
	if !gatewayTypes[typ] {
		c.fail(400, "BadRequestException", "Invalid gateway response type specified: "+typ)
		return
	}
	var in struct {
		StatusCode         string            `json:"statusCode"`
		ResponseParameters map[string]string `json:"responseParameters"`
		ResponseTemplates  map[string]string `json:"responseTemplates"`
	}
	if !c.body(&in) {
		return
	}
	g := map[string]any{"responseType": typ, "defaultResponse": false, "responseParameters": map[string]any{}, "responseTemplates": map[string]any{}}
	for k, v := range in.ResponseParameters {
		if !strings.HasPrefix(k, "gatewayresponse.header.") {
			c.fail(400, "BadRequestException", "Invalid mapping expression specified: "+k)
			return
		}
		g["responseParameters"].(map[string]any)[k] = v
	}
	for k, v := range in.ResponseTemplates {
		g["responseTemplates"].(map[string]any)[k] = v
	}
	if in.StatusCode != "" {
		g["statusCode"] = in.StatusCode
	}
	for i, x := range a.GatewayResponses {
		if str(x, "responseType") == typ {
			a.GatewayResponses[i] = g
			c.ok(g)
			return
		}
	}
	a.GatewayResponses = append(a.GatewayResponses, g)
	c.ok(g)
}

func (s *Server) createDeployment(c *call, a *RestAPI) {
	var in struct {
		StageName   string `json:"stageName"`
		Description string `json:"description"`
	}
	if !c.body(&in) {
		return
	}
	s.nextID++
	id := fmt.Sprintf("new%06d", s.nextID)
	d := map[string]any{"id": id, "createdDate": s.now().Format(time.RFC3339)}
	if in.Description != "" {
		d["description"] = in.Description
	}
	a.Deployments = append(a.Deployments, d)
	snap := a.export()
	if a.snapshots == nil {
		a.snapshots = map[string]map[string]any{}
	}
	a.snapshots[id] = snap
	if in.StageName != "" {
		st := stage(a.Stages, in.StageName)
		if st == nil {
			st = map[string]any{"stageName": in.StageName, "createdDate": s.now().Format(time.RFC3339)}
			a.Stages = append(a.Stages, st)
		}
		st["deploymentId"] = id
		st["lastUpdatedDate"] = s.now().Format(time.RFC3339)
		a.setExport(in.StageName, snap)
	}
	c.ok(wire(d))
}

func (a *RestAPI) setExport(stage string, doc map[string]any) {
	if a.Exports == nil {
		a.Exports = map[string]any{}
	}
	a.Exports[stage] = doc
}

// DeployedExport returns the OpenAPI export of what a stage serves (the
// fixture's, or the snapshot taken by the last CreateDeployment), for a
// test's data plane.
func (s *Server) DeployedExport(apiID, stage string) (map[string]any, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i := range s.state.RestAPIs {
		a := &s.state.RestAPIs[i]
		if str(a.API, "id") == apiID {
			doc, ok := a.Exports[stage].(map[string]any)
			if !ok {
				return nil, false
			}
			b, _ := json.Marshal(doc)
			var out map[string]any
			_ = json.Unmarshal(b, &out)
			return out, true
		}
	}
	return nil, false
}

// export renders the API as GetExport --export-type oas30 --parameters
// extensions=integrations,authorizers does: every method an operation
// with its x-amazon-apigateway-integration, method responses as response
// headers, customized gateway responses.
func (a *RestAPI) export() map[string]any {
	paths := map[string]any{}
	schemes := map[string]any{}
	for _, r := range a.Resources {
		ms, _ := r["resourceMethods"].(map[string]any)
		if len(ms) == 0 {
			continue
		}
		item := map[string]any{}
		verbs := make([]string, 0, len(ms))
		for v := range ms {
			verbs = append(verbs, v)
		}
		sort.Strings(verbs)
		for _, verb := range verbs {
			m, _ := ms[verb].(map[string]any)
			op := map[string]any{}
			resps := map[string]any{}
			mrs, _ := m["methodResponses"].(map[string]any)
			for code, x := range mrs {
				mr, _ := x.(map[string]any)
				resp := map[string]any{"description": code + " response"}
				if rp, _ := mr["responseParameters"].(map[string]any); len(rp) > 0 {
					hs := map[string]any{}
					for k := range rp {
						hs[strings.TrimPrefix(k, "method.response.header.")] = map[string]any{"schema": map[string]any{"type": "string"}}
					}
					resp["headers"] = hs
				}
				resps[code] = resp
			}
			op["responses"] = resps
			switch auth := str(m, "authorizationType"); auth {
			case "AWS_IAM":
				schemes["sigv4"] = map[string]any{"type": "apiKey", "name": "Authorization", "in": "header", "x-amazon-apigateway-authtype": "awsSigv4"}
				op["security"] = []any{map[string]any{"sigv4": []any{}}}
			case "CUSTOM", "COGNITO_USER_POOLS":
				// Named after the authorizer in AWS's exports; the fake
				// knows only its id, so one name stands for it.
				name := "authorizer"
				typ := "token"
				if auth == "COGNITO_USER_POOLS" {
					typ = "cognito_user_pools"
				}
				schemes[name] = map[string]any{"type": "apiKey", "name": "Authorization", "in": "header", "x-amazon-apigateway-authtype": strings.ToLower(auth),
					"x-amazon-apigateway-authorizer": map[string]any{"type": typ}}
				op["security"] = []any{map[string]any{name: []any{}}}
			}
			if b, _ := m["apiKeyRequired"].(bool); b {
				schemes["api_key"] = map[string]any{"type": "apiKey", "name": "x-api-key", "in": "header"}
				sec, _ := op["security"].([]any)
				op["security"] = append(sec, map[string]any{"api_key": []any{}})
			}
			if in, _ := m["methodIntegration"].(map[string]any); in != nil {
				x := map[string]any{"type": strings.ToLower(str(in, "type"))}
				for _, k := range []string{"uri", "httpMethod", "contentHandling"} {
					if v := str(in, k); v != "" {
						x[k] = v
					}
				}
				if v := str(in, "passthroughBehavior"); v != "" {
					x["passthroughBehavior"] = strings.ToLower(v)
				}
				if rt, ok := in["requestTemplates"]; ok {
					x["requestTemplates"] = rt
				}
				xr := map[string]any{}
				irs, _ := in["integrationResponses"].(map[string]any)
				for code, y := range irs {
					ir, _ := y.(map[string]any)
					key := str(ir, "selectionPattern")
					if key == "" {
						key = "default"
					}
					e := map[string]any{"statusCode": code}
					if rp, ok := ir["responseParameters"]; ok {
						e["responseParameters"] = rp
					}
					xr[key] = e
				}
				if len(xr) > 0 {
					x["responses"] = xr
				}
				op["x-amazon-apigateway-integration"] = x
			}
			key := strings.ToLower(verb)
			if verb == "ANY" {
				key = "x-amazon-apigateway-any-method"
			}
			item[key] = op
		}
		paths[str(r, "path")] = item
	}
	doc := map[string]any{"openapi": "3.0.1", "info": map[string]any{"title": str(a.API, "name"), "version": "1"}, "paths": paths}
	if len(schemes) > 0 {
		doc["components"] = map[string]any{"securitySchemes": schemes}
	}
	grs := map[string]any{}
	for _, g := range a.GatewayResponses {
		if d, _ := g["defaultResponse"].(bool); d {
			continue
		}
		e := map[string]any{}
		for _, k := range []string{"statusCode", "responseParameters", "responseTemplates"} {
			if v, ok := g[k]; ok {
				e[k] = v
			}
		}
		grs[str(g, "responseType")] = e
	}
	if len(grs) > 0 {
		doc["x-amazon-apigateway-gateway-responses"] = grs
	}
	b, _ := json.Marshal(doc)
	var out map[string]any
	_ = json.Unmarshal(b, &out)
	return out
}

// ---- HTTP APIs ----

// routeV2Write maps UpdateApi and CreateDeployment; nil otherwise.
func (s *Server) routeV2Write(r *http.Request) (string, func(*call)) {
	p := strings.Split(strings.Trim(r.URL.EscapedPath(), "/"), "/")
	if len(p) < 3 || p[1] != "apis" {
		return "", nil
	}
	id := p[2]
	with := func(op string, f func(c *call, a *HTTPAPI)) (string, func(*call)) {
		return "apigatewayv2:" + op, func(c *call) {
			s.mu.Lock()
			defer s.mu.Unlock()
			s.v2(c, id, func(a *HTTPAPI) { f(c, a) })
		}
	}
	switch {
	case len(p) == 3 && r.Method == http.MethodPatch:
		return with("UpdateApi", func(c *call, a *HTTPAPI) {
			var in map[string]any
			if !c.body(&in) {
				return
			}
			for k, v := range in {
				a.API[k] = v
			}
			c.ok(a.API)
		})
	case len(p) == 4 && p[3] == "deployments" && r.Method == http.MethodPost:
		return with("CreateDeployment", func(c *call, a *HTTPAPI) {
			var in struct {
				StageName   string `json:"stageName"`
				Description string `json:"description"`
			}
			if !c.body(&in) {
				return
			}
			s.nextID++
			d := map[string]any{"deploymentId": fmt.Sprintf("d%07d", s.nextID), "deploymentStatus": "DEPLOYED", "createdDate": s.now().Format(time.RFC3339)}
			if in.Description != "" {
				d["description"] = in.Description
			}
			a.Deployments = append(a.Deployments, d)
			if st := stage(a.Stages, in.StageName); st != nil {
				st["deploymentId"] = d["deploymentId"]
				st["lastUpdatedDate"] = d["createdDate"]
			}
			c.ok(d)
		})
	}
	return "", nil
}
