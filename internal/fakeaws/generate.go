package fakeaws

import (
	"fmt"
	"time"
)

// LargeREST builds a REST API with n resources of four methods each (GET,
// PUT, DELETE and an OPTIONS mock), CORS mapped everywhere, a stage with
// access and execution logging whose export matches, flat metrics over 2
// hours, three deployments and some CloudTrail history: the worst case
// for control-plane calls, and a run that widens its window (nothing
// correlates), so every window-dependent call is made twice.
func LargeREST(n int) *State {
	now := time.Date(2026, 11, 20, 10, 0, 0, 0, time.UTC)
	const id = "big0000001"
	a := generatedREST(id, "big-api", n, "/aws/apigateway/big")
	flat := func(v float64) []*float64 {
		out := make([]*float64, 150)
		for i := range out {
			x := v
			out[i] = &x
		}
		return out
	}
	dims := map[string]string{"ApiName": "big-api", "Stage": "prod"}
	start := now.Add(-150 * time.Minute)
	s := &State{Region: "us-east-1", Account: "123456789012", Now: now, RestAPIs: []RestAPI{a},
		Metrics: []Metric{{MetricName: "4XXError", Dimensions: dims, Start: start, Values: flat(1)},
			{MetricName: "5XXError", Dimensions: dims, Start: start, Values: flat(0)},
			{MetricName: "Count", Dimensions: dims, Start: start, Values: flat(500)}},
		LogGroups: []map[string]any{{"logGroupName": "/aws/apigateway/big"}, {"logGroupName": "API-Gateway-Execution-Logs_" + id + "/prod"}, {"logGroupName": "/app/web"}},
	}
	for i := 0; i < 120; i++ {
		s.Events = append(s.Events, map[string]any{"EventName": "UpdateStage", "EventTime": now.Add(-time.Duration(i) * time.Minute).Format(time.RFC3339),
			"EventSource": "apigateway.amazonaws.com", "Username": "ci", "ReadOnly": "false",
			"Resources":       []any{map[string]any{"ResourceType": "AWS::ApiGateway::RestApi", "ResourceName": id}, map[string]any{"ResourceType": "AWS::ApiGateway::Stage", "ResourceName": "prod"}},
			"CloudTrailEvent": fmt.Sprintf(`{"eventName":"UpdateStage","readOnly":false,"requestParameters":{"restApiId":%q,"stageName":"prod","updateStageInput":{"patchOperations":[{"op":"replace","path":"/variables/color","value":"blue"}]},"template":false},"responseElements":null}`, id)})
	}
	return s
}

// generatedREST is a REST API of n resources with four methods each
// (GET, PUT, DELETE and an OPTIONS mock), CORS mapped everywhere, a prod
// stage logging to accessGroup (and INFO execution logs) whose export
// matches, gateway responses with CORS, and three deployments.
func generatedREST(id, name string, n int, accessGroup string) RestAPI {
	origin := "'https://app.example.com'"
	mock := func() map[string]any {
		rp := map[string]any{
			"method.response.header.Access-Control-Allow-Origin":  origin,
			"method.response.header.Access-Control-Allow-Methods": "'GET,PUT,DELETE,OPTIONS'",
			"method.response.header.Access-Control-Allow-Headers": "'Content-Type,Authorization'",
		}
		decl := map[string]any{}
		for k := range rp {
			decl[k] = false
		}
		return map[string]any{"httpMethod": "OPTIONS", "authorizationType": "NONE", "apiKeyRequired": false,
			"methodResponses": map[string]any{"200": map[string]any{"statusCode": "200", "responseParameters": decl}},
			"methodIntegration": map[string]any{"type": "MOCK", "requestTemplates": map[string]any{"application/json": `{"statusCode": 200}`},
				"integrationResponses": map[string]any{"200": map[string]any{"statusCode": "200", "responseParameters": rp}}}}
	}
	method := func(verb string) map[string]any {
		acao := map[string]any{"method.response.header.Access-Control-Allow-Origin": origin}
		return map[string]any{"httpMethod": verb, "authorizationType": "NONE", "apiKeyRequired": false,
			"methodResponses": map[string]any{"200": map[string]any{"statusCode": "200", "responseParameters": map[string]any{"method.response.header.Access-Control-Allow-Origin": false}},
				"500": map[string]any{"statusCode": "500", "responseParameters": map[string]any{"method.response.header.Access-Control-Allow-Origin": false}}},
			"methodIntegration": map[string]any{"type": "AWS", "httpMethod": "POST", "uri": "arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:123456789012:function:big/invocations",
				"integrationResponses": map[string]any{
					"200": map[string]any{"statusCode": "200", "responseParameters": acao},
					"500": map[string]any{"statusCode": "500", "selectionPattern": ".*error.*", "responseParameters": acao},
				}}}
	}
	a := RestAPI{
		API:     map[string]any{"id": id, "name": name, "createdDate": "2026-01-01T00:00:00Z", "rootResourceId": "root000000"},
		Exports: map[string]any{},
	}
	a.Resources = append(a.Resources, map[string]any{"id": "root000000", "path": "/"})
	paths := map[string]any{}
	for i := 0; i < n; i++ {
		path := fmt.Sprintf("/r%03d", i)
		ms := map[string]any{"GET": method("GET"), "PUT": method("PUT"), "DELETE": method("DELETE"), "OPTIONS": mock()}
		a.Resources = append(a.Resources, map[string]any{"id": fmt.Sprintf("res%07d", i), "parentId": "root000000", "pathPart": path[1:], "path": path, "resourceMethods": ms})
		ops := map[string]any{}
		for verb, m := range ms {
			ops[lower(verb)] = exportOp(m.(map[string]any))
		}
		paths[path] = ops
	}
	gw := map[string]any{}
	for _, t := range []string{"DEFAULT_4XX", "DEFAULT_5XX"} {
		rp := map[string]any{"gatewayresponse.header.Access-Control-Allow-Origin": origin}
		a.GatewayResponses = append(a.GatewayResponses, map[string]any{"responseType": t, "defaultResponse": false, "responseParameters": rp})
		gw[t] = map[string]any{"responseParameters": rp}
	}
	a.Exports["prod"] = map[string]any{"openapi": "3.0.1", "info": map[string]any{"title": "big-api"}, "paths": paths, "x-amazon-apigateway-gateway-responses": gw}
	a.Stages = []map[string]any{{"stageName": "prod", "deploymentId": "dep3", "lastUpdatedDate": "2026-11-19T00:00:00Z",
		"accessLogSettings": map[string]any{"destinationArn": "arn:aws:logs:us-east-1:123456789012:log-group:" + accessGroup, "format": `{"requestId":"$context.requestId","httpMethod":"$context.httpMethod","resourcePath":"$context.resourcePath","status":"$context.status","responseType":"$context.error.responseType"}`},
		"methodSettings":    map[string]any{"*/*": map[string]any{"loggingLevel": "INFO", "dataTraceEnabled": true}}}}
	for i, d := range []string{"2026-11-01T00:00:00Z", "2026-11-10T00:00:00Z", "2026-11-19T00:00:00Z"} {
		a.Deployments = append(a.Deployments, map[string]any{"id": fmt.Sprintf("dep%d", i+1), "createdDate": d})
	}
	return a
}

// Fleet is a region of n REST APIs of resources resources each
// (generatedREST), for aws diagnose --all: the worst case of
// control-plane calls under API Gateway's quotas.
func Fleet(n, resources int) *State {
	s := &State{Region: "us-east-1", Account: "123456789012", Now: time.Date(2026, 11, 20, 10, 0, 0, 0, time.UTC)}
	for i := 0; i < n; i++ {
		s.RestAPIs = append(s.RestAPIs, generatedREST(fmt.Sprintf("fleet%05d", i), fmt.Sprintf("api-%03d", i), resources, fmt.Sprintf("/aws/apigateway/api-%03d", i)))
	}
	return s
}

func lower(s string) string {
	b := []byte(s)
	for i, c := range b {
		if c >= 'A' && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}

// exportOp turns a GetResources method into an OpenAPI export operation.
func exportOp(m map[string]any) map[string]any {
	op := map[string]any{}
	mi, _ := m["methodIntegration"].(map[string]any)
	x := map[string]any{"type": lower(fmt.Sprint(mi["type"]))}
	resps := map[string]any{}
	if irs, ok := mi["integrationResponses"].(map[string]any); ok {
		for _, v := range irs {
			ir := v.(map[string]any)
			key := "default"
			if p, ok := ir["selectionPattern"].(string); ok && p != "" {
				key = p
			}
			resps[key] = map[string]any{"statusCode": ir["statusCode"], "responseParameters": ir["responseParameters"]}
		}
	}
	x["responses"] = resps
	op["x-amazon-apigateway-integration"] = x
	return op
}
