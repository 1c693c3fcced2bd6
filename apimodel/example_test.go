package apimodel_test

import (
	"fmt"

	"github.com/corsdoctor/corsdoctor/apimodel"
	"github.com/corsdoctor/corsdoctor/cors"
	"github.com/corsdoctor/corsdoctor/evidence"
)

// A REST API whose OPTIONS method requires the same Cognito authorizer as
// PUT (SAM's default with Auth.DefaultAuthorizer and Cors): the simulated
// preflight is API Gateway's 401 UNAUTHORIZED gateway response, without
// CORS headers, and the browser blocks the request.
func ExampleSimulate() {
	at := evidence.Source{File: "template.yaml", Line: 12, Column: 9}
	api := &apimodel.API{ID: "OrdersApi", Kind: apimodel.REST}
	res := api.AddResource("/orders", at)
	res.AddMethod(&apimodel.Method{HTTPMethod: "OPTIONS", AuthorizationType: apimodel.Known("COGNITO_USER_POOLS", at),
		Integration: &apimodel.Integration{Type: apimodel.Mock, Responses: []*apimodel.IntegrationResponse{{
			StatusCode: "200",
			ResponseParameters: map[string]apimodel.Value{
				"method.response.header.Access-Control-Allow-Origin":  apimodel.Known("'https://shop.example.com'", at),
				"method.response.header.Access-Control-Allow-Methods": apimodel.Known("'OPTIONS,PUT'", at),
				"method.response.header.Access-Control-Allow-Headers": apimodel.Known("'content-type,authorization'", at),
			}}}}})
	res.AddMethod(&apimodel.Method{HTTPMethod: "PUT", AuthorizationType: apimodel.Known("COGNITO_USER_POOLS", at),
		Integration: &apimodel.Integration{Type: apimodel.AWSProxy}})

	req := &cors.Request{Origin: "https://shop.example.com", URL: "https://abc123.execute-api.eu-west-1.amazonaws.com/prod/orders",
		Method: "PUT", Headers: []cors.Header{{Name: "Content-Type", Value: "application/json"}, {Name: "Authorization", Value: "Bearer t"}}}
	sim := apimodel.Simulate(api, "", req, apimodel.Success)
	fmt.Println("preflight:", sim.Preflight.Status, sim.Preflight.Header.Get("Access-Control-Allow-Origin") == "")
	fmt.Println(sim.Notes[0])
	r := sim.Result(req)
	fmt.Println(r.Allowed, r.Error)
	// Output:
	// preflight: 401 true
	// OPTIONS /orders requires authorization (COGNITO_USER_POOLS); the browser sends the preflight without credentials
	// false PreflightMissingAllowOriginHeader
}
