package corstest_test

import (
	"fmt"
	"net/http"

	"github.com/rs/cors"

	corsengine "github.com/corsdoctor/corsdoctor/cors"
	"github.com/corsdoctor/corsdoctor/corstest"
)

// newRouter is the application of the examples: an API behind rs/cors,
// configured for a PUT with JSON from https://app.example.com.
func newRouter() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("/items/", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprint(w, `{"ok":true}`)
	})
	return cors.New(cors.Options{
		AllowedOrigins: []string{"https://app.example.com"},
		AllowedMethods: []string{http.MethodGet, http.MethodPut},
		AllowedHeaders: []string{"Content-Type"},
	}).Handler(mux)
}

// In a test, Allowed and Blocked take the *testing.T; Do returns the
// verdict without asserting, as here.
func ExampleDo() {
	res, err := corstest.Do(newRouter(), corstest.Request{
		Origin:  "https://app.example.com",
		Method:  "PUT",
		URL:     "/items/1",
		Headers: http.Header{"Content-Type": {"application/json"}},
		Body:    `{"name":"x"}`,
	})
	if err != nil {
		panic(err)
	}
	fmt.Println("allowed:", res.Allowed)
	fmt.Println("preflight:", res.Plan.Required, res.Plan.Method, res.Plan.RequestHeaders)
	// Output:
	// allowed: true
	// preflight: true PUT content-type
}

// The failure message Allowed reports, here for a request the router's
// CORS configuration does not allow: an Authorization header.
func ExampleResult_Message() {
	res, _ := corstest.Do(newRouter(), corstest.Request{
		Origin:  "https://app.example.com",
		Method:  "PUT",
		URL:     "/items/1",
		Headers: http.Header{"Content-Type": {"application/json"}, "Authorization": {"Bearer t0ken"}},
	})
	fmt.Println(res.Message("allowed", "Chromium blocks it"))
	// Output:
	// corstest: PUT https://api.example.test/items/1 from origin https://app.example.com (credentials same-origin): want allowed, but Chromium blocks it
	//   CorsError: PreflightMissingAllowOriginHeader
	//   console: Access to fetch at 'https://api.example.test/items/1' from origin 'https://app.example.com' has been blocked by CORS policy: Response to preflight request doesn't pass access control check: No 'Access-Control-Allow-Origin' header is present on the requested resource.
	//   preflight: OPTIONS https://api.example.test/items/1
	//     Access-Control-Request-Method: PUT
	//     Access-Control-Request-Headers: authorization,content-type
	//     -> HTTP/1.1 204 No Content
	//        Vary: Origin, Access-Control-Request-Method, Access-Control-Request-Headers
	//   actual request: not sent (the browser stopped at the preflight)
	//   the server's CORS configuration rejects: header authorization
	//     (a preflight asking for it alone fails while other preflights pass)
	//     fix: allow it in the CORS middleware: rs/cors and go-chi/cors Options.AllowedMethods / AllowedHeaders, gorilla handlers.AllowedMethods / handlers.AllowedHeaders, jub0bs/cors Config.Methods / RequestHeaders; methods are compared as the page writes them ("patch" is not "PATCH")
	//   cause: CD1035 cors-layer-refused: The server's CORS configuration refused this origin, method or header
	//     Go CORS middleware (github.com/rs/cors or alike) refused the preflight (HTTP/1.1 204 No Content with only Vary: Origin, Access-Control-Request-Method, Access-Control-Request-Headers): the CORS middleware answered the preflight but left out every Access-Control-Allow-* header: the origin, the method or a request header is not in its configuration
	//     fix (go): Edit the middleware's configuration: rs/cors cors.Options{AllowedOrigins: []string{"https://app.example.com"}, AllowedMethods: []string{"GET", "POST", "PUT"}, AllowedHeaders: []string{"authorization", "content-type"}}; jub0bs/cors cors.Config{Origins: []string{"https://app.example.com"}, Methods: []string{"GET", "POST", "PUT"}, RequestHeaders: []string{"authorization", "content-type"}}. Both answer a refused preflight without CORS headers.
}

// Blocked can also require Chromium's CorsError; a table runs many cases
// (corstest.Run(t, h, cases) in a test).
func ExampleBlocked() {
	t := &fakeT{} // stands in for the test's *testing.T
	corstest.Blocked(t, newRouter(), corstest.Request{Origin: "https://evil.example", URL: "/items/1"},
		corsengine.MissingAllowOriginHeader)
	fmt.Println("test failed:", len(t.errors) > 0)
	corstest.Blocked(t, newRouter(), corstest.Request{Origin: "https://app.example.com", URL: "/items/1"})
	fmt.Println("test failed:", len(t.errors) > 0)
	// Output:
	// test failed: false
	// test failed: true
}
