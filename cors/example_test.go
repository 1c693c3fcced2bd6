package cors_test

import (
	"fmt"
	"net/http"

	"github.com/corsdoctor/corsdoctor/cors"
)

// A PUT with a JSON body and a custom header needs a preflight; the
// browser asks for the lower-cased, sorted header names.
func ExamplePlanRequest() {
	req := &cors.Request{
		Origin: "https://app.example.com",
		URL:    "https://api.example.com/items/42",
		Method: "put",
		Headers: []cors.Header{
			{Name: "X-Request-Id", Value: "7f3c"},
			{Name: "Content-Type", Value: "application/json"},
			{Name: "Accept", Value: "application/json"},
		},
	}
	p := cors.PlanRequest(req)
	fmt.Println("preflight:", p.Required)
	fmt.Println(cors.HeaderRequestMethod+":", p.Method)
	fmt.Println(cors.HeaderRequestHeaders+":", p.RequestHeaders)
	for _, r := range p.Reasons(req) {
		fmt.Println("-", r)
	}
	// Output:
	// preflight: true
	// Access-Control-Request-Method: PUT
	// Access-Control-Request-Headers: content-type,x-request-id
	// - method PUT is not a CORS-safelisted method (GET, HEAD, POST)
	// - header X-Request-Id is not a CORS-safelisted request header
	// - Content-Type "application/json" is not application/x-www-form-urlencoded, multipart/form-data or text/plain
}

// The preflight answer omits a header the page sends: Chromium blocks the
// request at the preflight and prints this line.
func ExampleEvaluate() {
	req := &cors.Request{
		Origin:  "https://app.example.com",
		URL:     "https://api.example.com/items",
		Method:  "GET",
		Headers: []cors.Header{{Name: "X-Request-Id", Value: "7f3c"}},
	}
	preflight := &cors.Response{Status: 200, Header: http.Header{
		"Access-Control-Allow-Origin":  {"https://app.example.com"},
		"Access-Control-Allow-Methods": {"GET,OPTIONS"},
		"Access-Control-Allow-Headers": {"Content-Type,X-Amz-Date,Authorization,X-Api-Key,X-Amz-Security-Token"},
	}}
	r := cors.Evaluate(req, cors.Hop{Preflight: preflight})
	fmt.Println("allowed:", r.Allowed)
	fmt.Println("stage:", r.Stage)
	fmt.Println("error:", r.Error, r.FailedParameter)
	fmt.Println(r.ConsoleMessage())
	fmt.Println("firefox:", r.Firefox, r.Firefox.MDN())
	// Output:
	// allowed: false
	// stage: preflight
	// error: HeaderDisallowedByPreflightResponse x-request-id
	// Access to fetch at 'https://api.example.com/items' from origin 'https://app.example.com' has been blocked by CORS policy: Request header field x-request-id is not allowed by Access-Control-Allow-Headers in preflight response.
	// firefox: CORSMissingAllowHeaderFromPreflight https://developer.mozilla.org/en-US/docs/Web/HTTP/Guides/CORS/Errors/CORSMissingAllowHeaderFromPreflight
}

// A REST API without an OPTIONS method answers the preflight with 403 and
// no CORS headers; XMLHttpRequest gets the preflight-prefixed message.
func ExampleResult_ConsoleMessage() {
	req := &cors.Request{
		Origin:    "http://localhost:3000",
		URL:       "https://api.example.com/items",
		Method:    "DELETE",
		Initiator: cors.InitiatorXHR,
	}
	r := cors.Evaluate(req, cors.Hop{Preflight: &cors.Response{Status: 403, Header: http.Header{
		"X-Amzn-Errortype": {"MissingAuthenticationTokenException"},
	}}})
	fmt.Println(r.ConsoleMessage())
	fmt.Println(r.FirefoxMessage())
	// Output:
	// Access to XMLHttpRequest at 'https://api.example.com/items' from origin 'http://localhost:3000' has been blocked by CORS policy: Response to preflight request doesn't pass access control check: No 'Access-Control-Allow-Origin' header is present on the requested resource.
	// Cross-Origin Request Blocked: The Same Origin Policy disallows reading the remote resource at https://api.example.com/items. (Reason: CORS header ‘Access-Control-Allow-Origin’ missing). Status code: 403.
}

// Access-Control-Allow-Origin is compared byte for byte: the trailing
// slash is a mismatch. ParseOrigin says what was meant.
func ExampleParseOrigin() {
	_, err := cors.ParseOrigin("https://app.example.com/")
	fmt.Println(err)
	o, _ := cors.ParseOrigin("https://app.example.com")
	fmt.Println(o)
	// Output:
	// invalid origin "https://app.example.com/": an origin has no trailing slash (did you mean "https://app.example.com"?)
	// https://app.example.com
}

// Each engine's words for the same failure: a preflight answered 403
// without CORS headers, as API Gateway does for a resource without
// OPTIONS.
func ExampleResult_ConsoleLines() {
	req := cors.Request{Origin: "https://app.example.com", URL: "https://api.example.com/items", Method: "PUT"}
	preflight := &cors.Response{Status: 403, Header: http.Header{"Content-Type": {"application/json"}}}
	for _, e := range cors.Engines {
		req.Engine = e
		r := cors.Evaluate(&req, cors.Hop{Preflight: preflight})
		fmt.Println(e.Browser() + ":")
		for _, line := range r.ConsoleLines() {
			fmt.Println("  " + line)
		}
	}
	// Output:
	// Chrome:
	//   Access to fetch at 'https://api.example.com/items' from origin 'https://app.example.com' has been blocked by CORS policy: Response to preflight request doesn't pass access control check: No 'Access-Control-Allow-Origin' header is present on the requested resource.
	// Firefox:
	//   Cross-Origin Request Blocked: The Same Origin Policy disallows reading the remote resource at https://api.example.com/items. (Reason: CORS header ‘Access-Control-Allow-Origin’ missing). Status code: 403.
	//   Cross-Origin Request Blocked: The Same Origin Policy disallows reading the remote resource at https://api.example.com/items. (Reason: CORS request did not succeed). Status code: (null).
	// Safari:
	//   Preflight response is not successful. Status code: 403
	//   Fetch API cannot load https://api.example.com/items due to access control checks.
}
