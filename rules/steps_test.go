package rules

import (
	"strings"
	"testing"
	"time"

	"github.com/corsdoctor/corsdoctor/apimodel"
	"github.com/corsdoctor/corsdoctor/diag"
	"github.com/corsdoctor/corsdoctor/evidence"
)

// Cases for the playbook's step rules (CD2111-CD2119). The verdicts on
// playbooks collected from internal/fakeaws are checked end to end by
// collect/apigw's scenario tests and internal/cli's aws goldens.

// pbDeployed is pbBase with its stage serving a deployment.
func pbDeployed() *evidence.Playbook {
	pb := pbBase()
	pb.StageDeployment = "dep1"
	return pb
}

// httpAPI is a live HTTP API model with this CorsConfiguration (nil: none).
func httpAPI(cc *apimodel.CorsConfig) *apimodel.API {
	return &apimodel.API{ID: "a1b2c3d4e5", Kind: apimodel.HTTP, Format: "aws", Cors: cc}
}

func corsConfig(origins ...string) *apimodel.CorsConfig {
	cc := &apimodel.CorsConfig{AllowMethods: []apimodel.Value{apimodel.Known("GET", evidence.Source{})}}
	for _, o := range origins {
		cc.AllowOrigins = append(cc.AllowOrigins, apimodel.Known(o, evidence.Source{}))
	}
	for _, h := range commonRequestHeaders {
		cc.AllowHeaders = append(cc.AllowHeaders, apimodel.Known(h, evidence.Source{}))
	}
	return cc
}

func pbHTTP() *evidence.Playbook {
	pb := pbDeployed()
	pb.Kind = evidence.HTTPAPI
	return pb
}

func init() {
	addCases("CD2111",
		ruleCase{Desc: "stage serves a deployment", Fire: false, Input: pbInput(pbDeployed())},
		ruleCase{Desc: "API unreadable", Fire: true, Want: "the API could not be read: AccessDeniedException", Input: func(*testing.T) *diag.Input {
			pb := pbBase()
			pb.Kind, pb.Stage = evidence.UnknownAPI, ""
			pb.Gaps = []evidence.Gap{{Step: evidence.StepDeployed, Key: evidence.GapAPIConfig, What: "API configuration", Cause: "access-denied", Err: "AccessDeniedException: denied"}}
			return &diag.Input{Playbook: pb}
		}},
		ruleCase{Desc: "no stage", Fire: true, Want: "the API has no stage", Input: func(*testing.T) *diag.Input {
			pb := pbBase()
			pb.Stage = ""
			return &diag.Input{Playbook: pb}
		}},
		ruleCase{Desc: "stages unreadable", Fire: false, Input: func(*testing.T) *diag.Input {
			pb := pbBase()
			pb.Gaps = []evidence.Gap{{Step: evidence.StepDeployed, Key: evidence.GapStages, What: "stages", Cause: "access-denied"}}
			return &diag.Input{Playbook: pb}
		}},
		ruleCase{Desc: "stage without deployment", Fire: true, Want: `stage "prod" serves no deployment`, Input: pbInput(pbBase())},
		ruleCase{Desc: "auto-deploy stage not yet deployed", Fire: false, Input: func(*testing.T) *diag.Input {
			pb := pbBase()
			pb.AutoDeploy = true
			return &diag.Input{Playbook: pb}
		}},
		ruleCase{Desc: "AWS Health event", Fire: true, Want: "AWS Health reports 1 open API Gateway event(s) in us-east-1", Input: func(*testing.T) *diag.Input {
			pb := pbDeployed()
			pb.Health = []evidence.HealthEvent{{Code: "AWS_APIGATEWAY_OPERATIONAL_ISSUE", Category: "issue", Status: "open", Start: pbNow}}
			return &diag.Input{Playbook: pb}
		}},
	)
	addCases("CD2112",
		ruleCase{Desc: "REST: no OPTIONS maps ACAO, default gateway responses", Fire: true, Want: "no OPTIONS method maps Access-Control-Allow-Origin", Input: pbInput(pbDeployed(), restAPI(false, "https://app.example.com"))},
		ruleCase{Desc: "REST: an error integration response without ACAO", Fire: true, Want: "1 integration response(s) without Access-Control-Allow-Origin", Input: pbInput(pbDeployed(), restAPI(true, "https://app.example.com"))},
		ruleCase{Desc: "REST: resources unreadable", Fire: true, Want: "resources could not be read: ThrottlingException", Input: func(*testing.T) *diag.Input {
			pb := pbDeployed()
			pb.Gaps = []evidence.Gap{{Step: evidence.StepMethods, Key: evidence.GapResources, What: "resources and methods", Cause: "throttled", Err: "ThrottlingException: slow down"}}
			return &diag.Input{Playbook: pb, APIs: []*apimodel.API{{ID: "a1b2c3d4e5", Kind: apimodel.REST, Format: "aws"}}}
		}},
		ruleCase{Desc: "HTTP: no CorsConfiguration", Fire: true, Want: "CORS is not configured on the API", Input: pbInput(pbHTTP(), httpAPI(nil))},
		ruleCase{Desc: "HTTP: trailing slash", Fire: true, Want: `origin "https://app.example.com/" has a trailing slash`, Input: pbInput(pbHTTP(), httpAPI(corsConfig("https://app.example.com/")))},
		ruleCase{Desc: "HTTP: wildcard with credentials", Fire: true, Want: "AllowOrigins '*' with AllowCredentials true", Input: func(*testing.T) *diag.Input {
			cc := corsConfig("*")
			cc.AllowCredentials = apimodel.TriYes
			return &diag.Input{Playbook: pbHTTP(), APIs: []*apimodel.API{httpAPI(cc)}}
		}},
		ruleCase{Desc: "HTTP: well-formed configuration", Fire: false, Input: pbInput(pbHTTP(), httpAPI(corsConfig("https://app.example.com")))},
		ruleCase{Desc: "no API model (WebSocket, or unreadable)", Fire: false, Input: pbInput(pbDeployed())},
	)
	addCases("CD2113",
		ruleCase{Desc: "failed preflights", Fire: true, Want: "50 preflight OPTIONS requests failed", Input: pbInput(withAccess(pbDeployed(),
			logRoute("OPTIONS", "/orders", map[int]int64{204: 10, 403: 50})))},
		ruleCase{Desc: "preflights answered 2xx", Fire: false, Input: pbInput(withAccess(pbDeployed(),
			logRoute("OPTIONS", "/orders", map[int]int64{204: 50}), logRoute("GET", "/orders", map[int]int64{500: 5})))},
	)
	addCases("CD2114",
		ruleCase{Desc: "4XX rose", Fire: true, Want: "4XX errors rose at 09:31", Input: pbInput(withRise(pbDeployed()))},
		ruleCase{Desc: "flat metrics", Fire: false, Input: pbInput(pbDeployed())},
	)
	addCases("CD2116",
		ruleCase{Desc: "REST resource without OPTIONS", Fire: true, Want: "1 resource(s) without an OPTIONS method", Input: pbInput(pbDeployed(), restAPI(false, "https://app.example.com"))},
		ruleCase{Desc: "REST OPTIONS mock answering the preflight", Fire: false, Input: pbInput(pbDeployed(), restAPI(true, "https://app.example.com"))},
		ruleCase{Desc: "REST OPTIONS behind an authorizer", Fire: true, Want: "OPTIONS methods that cannot answer a preflight", Input: func(*testing.T) *diag.Input {
			api := restAPI(true, "https://app.example.com")
			api.Resource("/orders").Method("OPTIONS").AuthorizationType = apimodel.Known("COGNITO_USER_POOLS", api.Source)
			return &diag.Input{Playbook: pbDeployed(), APIs: []*apimodel.API{api}}
		}},
		ruleCase{Desc: "HTTP authorized $default route without CorsConfiguration", Fire: true, Want: "the preflight is caught by an authorized route", Input: func(*testing.T) *diag.Input {
			api := httpAPI(nil)
			api.Routes = []*apimodel.Route{{Key: "$default", AuthorizationType: apimodel.Known("JWT", evidence.Source{})}}
			return &diag.Input{Playbook: pbHTTP(), APIs: []*apimodel.API{api}}
		}},
		ruleCase{Desc: "test invocation without ACAO", Fire: true, Want: "test invocations return no Access-Control-Allow-Origin", Input: func(*testing.T) *diag.Input {
			pb := pbDeployed()
			pb.Invokes = []evidence.Invoke{{Path: "/orders", Method: "POST", Status: 200, Headers: map[string][]string{"Content-Type": {"application/json"}}}}
			return &diag.Input{Playbook: pb}
		}},
	)
	addCases("CD2117",
		ruleCase{Desc: "browser CORS errors logged", Fire: true, Want: "browser CORS errors in the application logs", Input: pbInput(withLog(pbDeployed(), "app-cors-errors",
			map[string]string{"pattern": "blocked by CORS policy", "cors_errors": "12"}))},
		ruleCase{Desc: "no CORS error logged", Fire: false, Input: pbInput(withLog(pbDeployed(), "app-cors-errors"))},
	)
	addCases("CD2118",
		ruleCase{Desc: "deployment made an OPTIONS deletion live", Fire: true, Want: "CreateDeployment at 09:30 made DeleteMethod OPTIONS /orders (09:27) live", Input: func(*testing.T) *diag.Input {
			pb := pbDeployed()
			pb.Changes = []evidence.Change{
				{Time: pbNow.Add(-33 * time.Minute), Event: "DeleteMethod", Detail: "OPTIONS /orders", CORS: true, Source: "cloudtrail"},
				{Time: pbNow.Add(-30 * time.Minute), Event: "CreateDeployment", CORS: true, Deploy: true, Source: "cloudtrail"},
			}
			return &diag.Input{Playbook: pb}
		}},
		ruleCase{Desc: "REST stage drift", Fire: true, Want: `stage "prod" does not serve the current CORS configuration (1 difference(s))`, Input: func(*testing.T) *diag.Input {
			pb := pbDeployed()
			pb.Drift = []evidence.Drift{{Kind: "not-deployed", Path: "/orders", Method: "OPTIONS", Element: "OPTIONS method"}}
			return &diag.Input{Playbook: pb}
		}},
		ruleCase{Desc: "deletion not deployed yet", Fire: false, Input: func(*testing.T) *diag.Input {
			pb := pbDeployed()
			pb.Changes = []evidence.Change{{Time: pbNow.Add(-33 * time.Minute), Event: "DeleteMethod", Detail: "OPTIONS /orders", CORS: true, Source: "cloudtrail"}}
			return &diag.Input{Playbook: pb}
		}},
	)
	addCases("CD2119",
		ruleCase{Desc: "responses without ACAO", Fire: true, Want: "604 responses without Access-Control-Allow-Origin", Input: pbInput(withLog(pbDeployed(), "exec-missing-acao",
			map[string]string{"responses_without_acao": "604"}))},
		ruleCase{Desc: "every response carries ACAO", Fire: false, Input: pbInput(withLog(pbDeployed(), "exec-missing-acao",
			map[string]string{"responses_without_acao": "0"}))},
	)
}

func TestAllowOriginDefect(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ origin, want string }{
		{"https://app.example.com", ""},
		{"*", ""},
		{"https://*", ""},
		{"https://app.example.com/", "trailing slash"},
		{"https://app.example.com/app", "path"},
		{"app.example.com", "not an origin"},
		{"https://app.example.com:443", "default port"},
		{"https://App.example.com", "upper-case"},
		{"ftp://app.example.com", "scheme"},
	} {
		if got := allowOriginDefect(tc.origin); tc.want == "" && got != "" || tc.want != "" && !strings.Contains(got, tc.want) {
			t.Errorf("allowOriginDefect(%q) = %q, want %q", tc.origin, got, tc.want)
		}
	}
}

// TestStepNotesApplied: a rule's verdict fails the step with the first
// reason and its lines follow the collector's.
func TestStepNotesApplied(t *testing.T) {
	t.Parallel()
	pb := withRise(pbDeployed())
	pb.Steps = []evidence.Step{{N: evidence.StepMetrics, Title: evidence.StepMetrics.Title(), Status: evidence.StepPartial, Reason: "metrics missing", Evidence: []string{"collected"}}}
	diag.Analyze(All(), &diag.Input{Playbook: pb}).ApplySteps(pb)
	s := pb.Step(evidence.StepMetrics)
	if s.Status != evidence.StepFailed || s.Reason != "4XX errors rose at 09:31" || len(s.Evidence) != 1 {
		t.Errorf("step = %+v", s)
	}
}
