package rules

import (
	"testing"
	"time"

	"github.com/corsdoctor/corsdoctor/apimodel"
	"github.com/corsdoctor/corsdoctor/diag"
	"github.com/corsdoctor/corsdoctor/evidence"
)

// Cases for the playbook rules (CD2100-CD2104, CD4050-CD4057). Inputs are
// built by hand; collect/apigw's tests run the same rules on playbooks
// collected from internal/fakeaws.

var pbNow = time.Date(2026, 11, 20, 10, 0, 0, 0, time.UTC)

// pbBase is a REST playbook with flat metrics and nothing else.
func pbBase() *evidence.Playbook {
	return &evidence.Playbook{APIID: "a1b2c3d4e5", APIName: "orders-api", Kind: "REST", Region: "us-east-1", Stage: "prod",
		Source: evidence.Source{URL: "arn:aws:apigateway:us-east-1::/restapis/a1b2c3d4e5"}, Start: pbNow.Add(-time.Hour), End: pbNow}
}

// withRise adds 4XX per minute rising at 09:31.
func withRise(pb *evidence.Playbook) *evidence.Playbook {
	s := evidence.Series{Name: "4XX"}
	for i := 0; i < 60; i++ {
		v := 1.0
		if i >= 31 {
			v = 20
		}
		s.Points = append(s.Points, evidence.Point{T: pb.Start.Add(time.Duration(i) * time.Minute), V: v})
	}
	pb.Metrics = append(pb.Metrics, s)
	return pb
}

// withAccess sets the access-log aggregate (what the shared Logs Insights
// query gives) to these routes.
func withAccess(pb *evidence.Playbook, routes ...evidence.RouteStats) *evidence.Playbook {
	pb.Access = &evidence.LogStats{Formats: []string{"logs-insights"}, Routes: routes}
	for _, r := range routes {
		pb.Access.Records += r.Total
	}
	return pb
}

func withLog(pb *evidence.Playbook, purpose string, rows ...map[string]string) *evidence.Playbook {
	pb.Logs = append(pb.Logs, evidence.LogQuery{Purpose: purpose, Status: "Complete", Rows: rows})
	return pb
}

// restAPI is a live REST model: /orders with GET and (optionally) an
// OPTIONS mock allowing origin; PUT /orders maps ACAO on 200 only.
func restAPI(options bool, origin string) *apimodel.API {
	src := evidence.Source{URL: "arn:aws:apigateway:us-east-1::/restapis/a1b2c3d4e5"}
	api := &apimodel.API{ID: "a1b2c3d4e5", Kind: apimodel.REST, Format: "aws", Source: src}
	res := api.AddResource("/orders", src)
	acao := map[string]apimodel.Value{"method.response.header.Access-Control-Allow-Origin": apimodel.Known("'"+origin+"'", src)}
	res.AddMethod(&apimodel.Method{HTTPMethod: "GET", AuthorizationType: apimodel.Known("NONE", src), Integration: &apimodel.Integration{Type: apimodel.AWS,
		Responses: []*apimodel.IntegrationResponse{{StatusCode: "200", ResponseParameters: acao}}}})
	res.AddMethod(&apimodel.Method{HTTPMethod: "PUT", AuthorizationType: apimodel.Known("NONE", src), Integration: &apimodel.Integration{Type: apimodel.AWS,
		Responses: []*apimodel.IntegrationResponse{{StatusCode: "200", ResponseParameters: acao}, {StatusPattern: "4\\d{2}", StatusCode: "400"}}}})
	if options {
		res.AddMethod(&apimodel.Method{HTTPMethod: "OPTIONS", AuthorizationType: apimodel.Known("NONE", src), Integration: &apimodel.Integration{Type: apimodel.Mock,
			Responses: []*apimodel.IntegrationResponse{{StatusCode: "200", ResponseParameters: map[string]apimodel.Value{
				"method.response.header.Access-Control-Allow-Origin":  apimodel.Known("'"+origin+"'", src),
				"method.response.header.Access-Control-Allow-Methods": apimodel.Known("'GET,PUT,OPTIONS'", src),
				"method.response.header.Access-Control-Allow-Headers": apimodel.Known("'Content-Type'", src),
			}}}}})
	}
	return api
}

func pbInput(pb *evidence.Playbook, apis ...*apimodel.API) func(*testing.T) *diag.Input {
	return func(*testing.T) *diag.Input { return &diag.Input{Playbook: pb, APIs: apis} }
}

func init() {
	addCases("CD2100",
		ruleCase{Desc: "gateway responses denied", Fire: true, Input: func(*testing.T) *diag.Input {
			pb := pbBase()
			pb.Gaps = []evidence.Gap{{Step: 2, What: "gateway responses", Cause: "access-denied", Need: "apigateway:GET", Err: "AccessDeniedException: User is not authorized"}}
			return &diag.Input{Playbook: pb}
		}},
		ruleCase{Desc: "only logging not configured", Fire: false, Input: func(*testing.T) *diag.Input {
			pb := pbBase()
			pb.Gaps = []evidence.Gap{{Step: 9, What: "execution logs", Cause: "not-configured", Need: "INFO logging"}}
			return &diag.Input{Playbook: pb}
		}},
	)
	addCases("CD2009",
		ruleCase{Desc: "aws: gateway responses could not be read", Fire: false, Input: func(*testing.T) *diag.Input {
			pb := pbBase()
			pb.Gaps = []evidence.Gap{{Step: evidence.StepCORS, Key: evidence.GapGatewayResponses, What: "gateway responses", Cause: "access-denied"}}
			return &diag.Input{Playbook: pb, APIs: []*apimodel.API{restAPI(true, "https://app.example.com")}}
		}},
		ruleCase{Desc: "aws: gateway responses read, none customised", Fire: true, Input: pbInput(pbBase(), restAPI(true, "https://app.example.com"))},
	)
	addCases("CD2104",
		ruleCase{Desc: "execution logging off", Fire: true, Input: func(*testing.T) *diag.Input {
			pb := pbBase()
			pb.Gaps = []evidence.Gap{{Step: 9, What: "execution logs", Cause: "not-configured", Need: "INFO logging"}}
			return &diag.Input{Playbook: pb}
		}},
		ruleCase{Desc: "no gaps", Fire: false, Input: pbInput(pbBase())},
	)
	addCases("CD2101",
		ruleCase{Desc: "OPTIONS configured but not deployed", Fire: true, Input: func(*testing.T) *diag.Input {
			pb := pbBase()
			pb.Drift = []evidence.Drift{{Kind: "not-deployed", Path: "/orders", Method: "OPTIONS", Element: "OPTIONS method"}}
			return &diag.Input{Playbook: pb}
		}},
		ruleCase{Desc: "only removals", Fire: false, Input: func(*testing.T) *diag.Input {
			pb := pbBase()
			pb.Drift = []evidence.Drift{{Kind: "removed", Element: "gateway response DEFAULT_4XX Access-Control-Allow-Origin"}}
			return &diag.Input{Playbook: pb}
		}},
	)
	addCases("CD2102",
		ruleCase{Desc: "gateway response header removed, not yet deployed", Fire: true, Input: func(*testing.T) *diag.Input {
			pb := pbBase()
			pb.Drift = []evidence.Drift{{Kind: "removed", Element: "gateway response DEFAULT_4XX Access-Control-Allow-Origin"}}
			return &diag.Input{Playbook: pb}
		}},
		ruleCase{Desc: "no drift", Fire: false, Input: pbInput(pbBase())},
	)
	addCases("CD2103",
		ruleCase{Desc: "proxy answers without ACAO", Fire: true, Input: func(*testing.T) *diag.Input {
			pb := pbBase()
			pb.Invokes = []evidence.Invoke{{Path: "/orders", Method: "POST", Status: 200, Headers: map[string][]string{"Content-Type": {"application/json"}}}}
			return &diag.Input{Playbook: pb}
		}},
		ruleCase{Desc: "proxy answers with ACAO", Fire: false, Input: func(*testing.T) *diag.Input {
			pb := pbBase()
			pb.Invokes = []evidence.Invoke{{Path: "/orders", Method: "POST", Status: 200, Headers: map[string][]string{"Access-Control-Allow-Origin": {"https://app.example.com"}}}}
			return &diag.Input{Playbook: pb}
		}},
	)
	addCases("CD4050",
		ruleCase{Desc: "rise with failed preflights", Fire: true, Input: pbInput(withAccess(withRise(pbBase()),
			logRoute("OPTIONS", "/orders", map[int]int64{204: 300, 403: 500})))},
		ruleCase{Desc: "rise without failed preflights", Fire: false, Input: pbInput(withRise(pbBase()))},
	)
	addCases("CD4051",
		ruleCase{Desc: "REST resource without OPTIONS", Fire: true, Input: pbInput(pbBase(), restAPI(false, "https://app.example.com"))},
		ruleCase{Desc: "REST resource with OPTIONS", Fire: false, Input: pbInput(pbBase(), restAPI(true, "https://app.example.com"))},
		ruleCase{Desc: "HTTP API without CorsConfiguration", Fire: true, Input: func(*testing.T) *diag.Input {
			pb := pbBase()
			pb.Kind = "HTTP"
			return &diag.Input{Playbook: pb, APIs: []*apimodel.API{{ID: "a1b2c3d4e5", Kind: apimodel.HTTP, Format: "aws"}}}
		}},
	)
	addCases("CD4052",
		ruleCase{Desc: "deployment 1 min before the rise", Fire: true, Input: func(*testing.T) *diag.Input {
			pb := withRise(pbBase())
			pb.Changes = []evidence.Change{{Time: pbNow.Add(-30 * time.Minute), Event: "CreateDeployment", CORS: true, Deploy: true, Source: "cloudtrail"}}
			return &diag.Input{Playbook: pb}
		}},
		ruleCase{Desc: "deployment an hour before the rise", Fire: false, Input: func(*testing.T) *diag.Input {
			pb := withRise(pbBase())
			pb.Changes = []evidence.Change{{Time: pbNow.Add(-90 * time.Minute), Event: "CreateDeployment", CORS: true, Deploy: true, Source: "cloudtrail"}}
			return &diag.Input{Playbook: pb}
		}},
	)
	addCases("CD4053",
		ruleCase{Desc: "requests from www while app is allowed", Fire: true, Input: pbInput(withLog(pbBase(), "exec-origins",
			map[string]string{"origin": "https://www.example.com", "origin_requests": "200"}), restAPI(true, "https://app.example.com"))},
		ruleCase{Desc: "requests from the allowed origin", Fire: false, Input: pbInput(withLog(pbBase(), "exec-origins",
			map[string]string{"origin": "https://app.example.com", "origin_requests": "200"}), restAPI(true, "https://app.example.com"))},
		ruleCase{Desc: "--origin with a trailing-slash near miss", Fire: true, Input: func(*testing.T) *diag.Input {
			pb := pbBase()
			pb.Origins = []string{"http://app.example.com"}
			return &diag.Input{Playbook: pb, APIs: []*apimodel.API{restAPI(true, "https://app.example.com")}}
		}},
	)
	addCases("CD4054",
		ruleCase{Desc: "OPTIONS 403 on a resource without OPTIONS", Fire: true, Input: pbInput(withAccess(pbBase(),
			logRoute("OPTIONS", "/orders", map[int]int64{403: 50})), restAPI(false, "https://app.example.com"))},
		ruleCase{Desc: "preflights answered 2xx", Fire: false, Input: pbInput(withAccess(pbBase(),
			logRoute("OPTIONS", "/orders", map[int]int64{204: 50})), restAPI(false, "https://app.example.com"))},
		ruleCase{Desc: "no failed preflight", Fire: false, Input: pbInput(pbBase(), restAPI(false, "https://app.example.com"))},
	)
	addCases("CD4055",
		ruleCase{Desc: "PUT fails, GET works, PUT's 400 response lacks ACAO", Fire: true, Input: func(*testing.T) *diag.Input {
			pb := withAccess(pbBase(), logRoute("PUT", "/orders", map[int]int64{200: 10, 400: 90}), logRoute("GET", "/orders", map[int]int64{200: 1000}))
			return &diag.Input{Playbook: pb, APIs: []*apimodel.API{restAPI(true, "https://app.example.com")}}
		}},
		ruleCase{Desc: "every method fails alike", Fire: false, Input: func(*testing.T) *diag.Input {
			pb := withAccess(pbBase(), logRoute("PUT", "/orders", map[int]int64{200: 10, 500: 90}), logRoute("GET", "/orders", map[int]int64{200: 100, 500: 900}))
			return &diag.Input{Playbook: pb, APIs: []*apimodel.API{restAPI(true, "https://app.example.com")}}
		}},
		ruleCase{Desc: "method-specific, but the configuration maps ACAO on every response (CD4002 alone)", Fire: false, Input: func(*testing.T) *diag.Input {
			pb := withAccess(pbBase(), logRoute("GET", "/orders", map[int]int64{200: 10, 500: 90}), logRoute("PUT", "/orders", map[int]int64{200: 1000}))
			api := restAPI(true, "https://app.example.com")
			get := api.Resource("/orders").Method("GET")
			get.Integration.Responses = append(get.Integration.Responses, &apimodel.IntegrationResponse{StatusPattern: "5\\d{2}", StatusCode: "500", ResponseParameters: get.Integration.Responses[0].ResponseParameters})
			return &diag.Input{Playbook: pb, APIs: []*apimodel.API{api}}
		}},
	)
	addCases("CD4056",
		ruleCase{Desc: "credential errors, AllowCredentials false", Fire: true, Input: func(*testing.T) *diag.Input {
			pb := withLog(pbBase(), "app-cors-errors", map[string]string{"pattern": "credentials mode is 'include'", "cors_errors": "40"})
			pb.Kind = "HTTP"
			api := &apimodel.API{ID: "a1b2c3d4e5", Kind: apimodel.HTTP, Format: "aws", Cors: &apimodel.CorsConfig{AllowOrigins: []apimodel.Value{apimodel.Known("https://app.example.com", evidence.Source{})}, AllowCredentials: apimodel.TriNo}}
			return &diag.Input{Playbook: pb, APIs: []*apimodel.API{api}}
		}},
		ruleCase{Desc: "CORS errors without credentials", Fire: false, Input: pbInput(withLog(pbBase(), "app-cors-errors", map[string]string{"pattern": "blocked by CORS policy", "cors_errors": "40"}))},
	)
	addCases("CD4057",
		ruleCase{Desc: "widened, nothing correlates", Fire: true, Input: func(*testing.T) *diag.Input {
			pb := pbBase()
			pb.Widened = true
			return &diag.Input{Playbook: pb}
		}},
		ruleCase{Desc: "widened and correlated", Fire: false, Input: func(*testing.T) *diag.Input {
			pb := withAccess(withRise(pbBase()), logRoute("OPTIONS", "/orders", map[int]int64{403: 500}))
			pb.Widened = true
			return &diag.Input{Playbook: pb}
		}},
	)
}

func init() {
	addCases("CD2105",
		ruleCase{Desc: "OPTIONS deleted then deployed, no error rise", Fire: true, Input: func(*testing.T) *diag.Input {
			pb := pbBase()
			pb.Changes = []evidence.Change{
				{Time: pbNow.Add(-50 * time.Minute), Event: "DeleteMethod", Detail: "OPTIONS /orders", CORS: true, Source: "cloudtrail"},
				{Time: pbNow.Add(-40 * time.Minute), Event: "CreateDeployment", CORS: true, Deploy: true, Source: "cloudtrail"},
			}
			return &diag.Input{Playbook: pb}
		}},
		ruleCase{Desc: "deleted but not deployed", Fire: false, Input: func(*testing.T) *diag.Input {
			pb := pbBase()
			pb.Changes = []evidence.Change{{Time: pbNow.Add(-50 * time.Minute), Event: "DeleteMethod", Detail: "OPTIONS /orders", CORS: true, Source: "cloudtrail"}}
			return &diag.Input{Playbook: pb}
		}},
		ruleCase{Desc: "deployment explained by CD4052", Fire: false, Input: func(*testing.T) *diag.Input {
			pb := withRise(pbBase())
			pb.Changes = []evidence.Change{
				{Time: pbNow.Add(-33 * time.Minute), Event: "DeleteMethod", Detail: "OPTIONS /orders", CORS: true, Source: "cloudtrail"},
				{Time: pbNow.Add(-30 * time.Minute), Event: "CreateDeployment", CORS: true, Deploy: true, Source: "cloudtrail"},
			}
			return &diag.Input{Playbook: pb}
		}},
	)
}
