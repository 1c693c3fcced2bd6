package apimodel

import (
	"testing"

	"github.com/corsdoctor/corsdoctor/cors"
	"github.com/corsdoctor/corsdoctor/evidence"
)

func consoleREST(withOptions, authOnOptions bool, gw4xx bool) *API {
	src := evidence.Source{File: "t.yaml", Line: 1, Column: 1}
	api := &API{ID: "Api", Kind: REST, Format: "test", GatewayResponses: map[string]*GatewayResponse{}}
	res := api.AddResource("/items", src)
	res.AddMethod(&Method{HTTPMethod: "PUT", AuthorizationType: Known("CUSTOM", src), AuthorizerID: "Auth",
		Integration: &Integration{Type: AWS, Responses: []*IntegrationResponse{{StatusCode: "200",
			ResponseParameters: map[string]Value{"method.response.header.Access-Control-Allow-Origin": Known("'https://app.example.com'", src)}}}}})
	if withOptions {
		auth := "NONE"
		if authOnOptions {
			auth = "CUSTOM"
		}
		res.AddMethod(&Method{HTTPMethod: "OPTIONS", AuthorizationType: Known(auth, src),
			Integration: &Integration{Type: Mock, Responses: []*IntegrationResponse{{StatusCode: "200", ResponseParameters: map[string]Value{
				"method.response.header.Access-Control-Allow-Origin":  Known("'https://app.example.com'", src),
				"method.response.header.Access-Control-Allow-Methods": Known("'PUT,OPTIONS'", src),
				"method.response.header.Access-Control-Allow-Headers": Known("'content-type,authorization'", src),
			}}}}})
	}
	if gw4xx {
		api.GatewayResponses["DEFAULT_4XX"] = &GatewayResponse{Type: "DEFAULT_4XX", ResponseParameters: map[string]Value{
			"gatewayresponse.header.Access-Control-Allow-Origin": Known("method.request.header.origin", src)}}
	}
	return api
}

func TestSimulate(t *testing.T) {
	t.Parallel()
	put := &cors.Request{Origin: "https://app.example.com", URL: "https://abc.execute-api.eu-west-1.amazonaws.com/prod/items", Method: "PUT",
		Headers: []cors.Header{{Name: "Content-Type", Value: "application/json"}, {Name: "Authorization", Value: "Bearer x"}}}
	cases := []struct {
		desc      string
		api       *API
		sc        Scenario
		allowed   bool
		errorName cors.ErrorName
		preStatus int
	}{
		{desc: "console enable-cors works", api: consoleREST(true, false, false), sc: Success, allowed: true, preStatus: 200},
		{desc: "no OPTIONS method: 403 missing token", api: consoleREST(false, false, false), sc: Success, preStatus: 403},
		{desc: "authorizer on OPTIONS: 401", api: consoleREST(true, true, false), sc: Success, preStatus: 401},
		{desc: "unauthorized without DEFAULT_4XX headers", api: consoleREST(true, false, false), sc: Unauthorized, preStatus: 200},
		{desc: "unauthorized with DEFAULT_4XX echoing origin is readable", api: consoleREST(true, false, true), sc: Unauthorized, allowed: true, preStatus: 200},
	}
	for _, c := range cases {
		t.Run(c.desc, func(t *testing.T) {
			t.Parallel()
			s := Simulate(c.api, "", put, c.sc)
			if s.Preflight == nil || s.Preflight.Status != c.preStatus {
				t.Fatalf("preflight = %+v, want status %d; notes %q", s.Preflight, c.preStatus, s.Notes)
			}
			r := s.Result(put)
			if r.Allowed != c.allowed {
				t.Errorf("allowed = %v (%s), want %v; notes %q", r.Allowed, r.Error, c.allowed, s.Notes)
			}
		})
	}
}

func TestSimulateHTTPAPI(t *testing.T) {
	t.Parallel()
	src := evidence.Source{File: "t.tf", Line: 3}
	api := &API{ID: "h", Kind: HTTP, Cors: &CorsConfig{
		AllowOrigins: []Value{Known("https://app.example.com", src)},
		AllowMethods: []Value{Known("GET", src), Known("POST", src)},
		AllowHeaders: []Value{Known("content-type", src)},
	}, Routes: []*Route{{Key: "ANY /{proxy+}", Method: "ANY", Path: "/{proxy+}", AuthorizationType: Known("JWT", src),
		Integration: &Integration{Type: AWSProxy, Function: &Function{SetsAllowOrigin: TriNo}}}}}
	req := &cors.Request{Origin: "https://app.example.com", URL: "https://h.execute-api.eu-west-1.amazonaws.com/items", Method: "POST",
		Headers: []cors.Header{{Name: "Content-Type", Value: "application/json"}, {Name: "Authorization", Value: "Bearer x"}}}
	s := Simulate(api, "", req, Success)
	if s.Preflight.Status != 204 {
		t.Fatalf("preflight status %d", s.Preflight.Status)
	}
	r := s.Result(req)
	if r.Allowed || r.Error != cors.HeaderDisallowedByPreflightResponse {
		t.Errorf("want authorization not allowed, got %v %s", r.Allowed, r.Error)
	}
	req.Headers = req.Headers[:1]
	if r := Simulate(api, "", req, Success).Result(req); !r.Allowed {
		t.Errorf("without authorization header: blocked %s", r.Error)
	}
	other := *req
	other.Origin = "https://evil.example"
	if r := Simulate(api, "", &other, Success).Result(&other); r.Allowed {
		t.Errorf("other origin allowed")
	}
}

func TestOriginAllowed(t *testing.T) {
	t.Parallel()
	v := func(s ...string) []Value {
		var out []Value
		for _, x := range s {
			out = append(out, Known(x, evidence.Source{}))
		}
		return out
	}
	cases := []struct {
		desc    string
		origins []Value
		origin  string
		want    Tri
	}{
		{"star", v("*"), "https://a.example", TriYes},
		{"https prefix", v("https://*"), "https://a.example", TriYes},
		{"https prefix no http", v("https://*"), "http://a.example", TriNo},
		{"exact", v("https://a.example"), "https://a.example", TriYes},
		{"unknown", []Value{UnknownValue("var.o", evidence.Source{})}, "https://a.example", TriUnknown},
	}
	for _, c := range cases {
		t.Run(c.desc, func(t *testing.T) {
			if got := OriginAllowed(c.origins, c.origin); got != c.want {
				t.Errorf("got %v want %v", got, c.want)
			}
		})
	}
}

func TestSimulateMore(t *testing.T) {
	t.Parallel()
	src := evidence.Source{File: "t", Line: 1}
	get := &cors.Request{Origin: "https://app.example.com", URL: "https://x.execute-api.eu-west-1.amazonaws.com/items", Method: "GET"}
	put := &cors.Request{Origin: "https://app.example.com", URL: "https://x.execute-api.eu-west-1.amazonaws.com/items", Method: "PUT",
		Headers: []cors.Header{{Name: "Content-Type", Value: "application/json"}}}

	binary := consoleREST(true, false, false)
	binary.BinaryMediaTypes = []Value{Known("*/*", src)}
	cases := []struct {
		desc        string
		api         *API
		req         *cors.Request
		sc          Scenario
		preStatus   int // 0: no preflight expected
		actStatus   int
		acao        string
		wantUnknown bool
	}{
		{desc: "binaryMediaTypes */* breaks the MOCK preflight", api: binary, req: put, preStatus: 500, actStatus: 200, acao: "https://app.example.com"},
		{desc: "proxy function without ACAO", api: &API{Kind: REST, Resources: []*Resource{{Path: "/items", Methods: []*Method{
			{HTTPMethod: "GET", AuthorizationType: Known("NONE", src), Integration: &Integration{Type: AWSProxy, Function: &Function{ID: "f", SetsAllowOrigin: TriNo}}}}}}},
			req: get, actStatus: 200, acao: ""},
		{desc: "proxy function not found is unknown", api: &API{Kind: REST, Resources: []*Resource{{Path: "/items", Methods: []*Method{
			{HTTPMethod: "GET", AuthorizationType: Known("NONE", src), Integration: &Integration{Type: AWSProxy}}}}}},
			req: get, actStatus: 200, wantUnknown: true},
		{desc: "HTTP API $default with authorizer and no CORS: preflight 401", api: &API{Kind: HTTP, Routes: []*Route{
			{Key: "$default", AuthorizationType: Known("JWT", src), Integration: &Integration{Type: AWSProxy, Function: &Function{SetsAllowOrigin: TriYes, HandlesOptions: TriYes}}}}},
			req: put, preStatus: 401, actStatus: 200, acao: "https://app.example.com", wantUnknown: true},
		{desc: "function URL with CORS", api: &API{Kind: FunctionURL, Cors: &CorsConfig{AllowOrigins: []Value{Known("https://app.example.com", src)}, AllowMethods: []Value{Known("PUT", src)}, AllowHeaders: []Value{Known("content-type", src)}},
			Function: &Function{SetsAllowOrigin: TriNo}}, req: put, preStatus: 200, actStatus: 200, acao: "https://app.example.com"},
		{desc: "unresolved origin value is unknown", api: &API{Kind: HTTP, Cors: &CorsConfig{AllowOrigins: []Value{UnknownValue("var.origin", src)}},
			Routes: []*Route{{Key: "GET /items", Method: "GET", Path: "/items", AuthorizationType: Known("NONE", src), Integration: &Integration{Type: AWSProxy, Function: &Function{SetsAllowOrigin: TriNo}}}}},
			req: get, actStatus: 200, wantUnknown: true},
		{desc: "HTTP API CORS configuration replaces the backend's headers (no unknowns)", api: &API{Kind: HTTP,
			Cors: &CorsConfig{AllowOrigins: []Value{Known("https://app.example.com", src)}},
			Routes: []*Route{{Key: "GET /items", Method: "GET", Path: "/items", AuthorizationType: Known("NONE", src),
				Integration: &Integration{Type: AWSProxy, Function: &Function{SetsAllowOrigin: TriYes}}}}},
			req: get, actStatus: 200, acao: "https://app.example.com"},
		{desc: "run-time Content-Type mapping leaves the CORS verdict known", api: &API{Kind: REST, Resources: []*Resource{{Path: "/items", Methods: []*Method{
			{HTTPMethod: "GET", AuthorizationType: Known("NONE", src), Integration: &Integration{Type: AWS, Responses: []*IntegrationResponse{{StatusCode: "200",
				ResponseParameters: map[string]Value{"method.response.header.Content-Type": Known("integration.response.header.Content-Type", src)}}}}}}}}},
			req: get, actStatus: 200, acao: ""},
		{desc: "run-time Access-Control-Allow-Origin mapping is unknown", api: &API{Kind: REST, Resources: []*Resource{{Path: "/items", Methods: []*Method{
			{HTTPMethod: "GET", AuthorizationType: Known("NONE", src), Integration: &Integration{Type: AWS, Responses: []*IntegrationResponse{{StatusCode: "200",
				ResponseParameters: map[string]Value{"method.response.header.Access-Control-Allow-Origin": Known("integration.response.header.X-Origin", src)}}}}}}}}},
			req: get, actStatus: 200, wantUnknown: true},
		{desc: "response template overriding Access-Control-Allow-Origin is unknown", api: &API{Kind: REST, Resources: []*Resource{{Path: "/items", Methods: []*Method{
			{HTTPMethod: "GET", AuthorizationType: Known("NONE", src), Integration: &Integration{Type: Mock, Responses: []*IntegrationResponse{{StatusCode: "200",
				ResponseTemplates: map[string]string{"application/json": "#set($context.responseOverride.header.Access-Control-Allow-Origin = $origin)"}}}}}}}}},
			req: get, actStatus: 200, wantUnknown: true},
		{desc: "missing route: 404", api: &API{Kind: HTTP, Routes: []*Route{{Key: "GET /other", Method: "GET", Path: "/other"}}}, req: get, actStatus: 404},
		{desc: "custom UNAUTHORIZED status", api: func() *API {
			a := consoleREST(true, false, false)
			a.GatewayResponses["UNAUTHORIZED"] = &GatewayResponse{Type: "UNAUTHORIZED", StatusCode: "403", ResponseParameters: map[string]Value{
				"gatewayresponse.header.Access-Control-Allow-Origin": Known("'*'", src)}}
			return a
		}(), req: put, sc: Unauthorized, preStatus: 200, actStatus: 403, acao: "*"},
	}
	for _, c := range cases {
		t.Run(c.desc, func(t *testing.T) {
			sc := c.sc
			if sc == "" {
				sc = Success
			}
			s := Simulate(c.api, "", c.req, sc)
			switch {
			case c.preStatus == 0 && s.Preflight != nil:
				t.Errorf("unexpected preflight %d", s.Preflight.Status)
			case c.preStatus != 0 && (s.Preflight == nil || s.Preflight.Status != c.preStatus):
				t.Errorf("preflight %+v, want %d; notes %q", s.Preflight, c.preStatus, s.Notes)
			}
			if s.Actual.Status != c.actStatus {
				t.Errorf("actual status %d, want %d; notes %q", s.Actual.Status, c.actStatus, s.Notes)
			}
			if !c.wantUnknown && s.Actual.Header.Get("Access-Control-Allow-Origin") != c.acao {
				t.Errorf("ACAO %q, want %q", s.Actual.Header.Get("Access-Control-Allow-Origin"), c.acao)
			}
			if (len(s.Unknown) > 0) != c.wantUnknown {
				t.Errorf("unknown = %q, want unknown=%v", s.Unknown, c.wantUnknown)
			}
		})
	}
}
