package rules

import (
	"fmt"
	"strings"

	"github.com/corsdoctor/corsdoctor/apimodel"
	"github.com/corsdoctor/corsdoctor/diag"
)

// CD4054 is the playbook's diagnosis 5: access logs show OPTIONS answered
// 4XX; the OPTIONS configuration of those paths says why.
var cd4054 = &diag.Rule{
	ID:       "CD4054",
	Needs:    diag.NeedsPlaybook | diag.NeedsAPIs,
	Name:     "preflight-4xx-options-config",
	Severity: diag.Error,
	Rank:     14,
	Since:    "0.1.0",
	Title:    "Preflight OPTIONS requests are answered 4XX",
	Doc: `Diagnosis 5 of the playbook: the access logs show OPTIONS requests with 4XX
statuses. For each failing path corsdoctor looks at the OPTIONS configuration: no
OPTIONS method (403 MISSING_AUTHENTICATION_TOKEN), an authorizer or IAM on OPTIONS (401
UNAUTHORIZED / 403 ACCESS_DENIED: preflights carry no credentials), a required API key
(403 INVALID_API_KEY / FORBIDDEN), or, for HTTP APIs, an authorized $default or ANY
route catching OPTIONS when CorsConfiguration is not set. The OPTIONS response must
carry Access-Control-Allow-Origin, -Methods and -Headers with a 2xx status. CD4001
reports the failing preflights from the logs; this rule adds the configuration that
explains them, which the logs cannot show.

See https://docs.aws.amazon.com/apigateway/latest/developerguide/how-to-cors.html`,
	Fix: map[diag.Platform]string{
		diag.Generic:   "Answer OPTIONS without authentication, with 2xx and the Access-Control-Allow-* headers.",
		diag.APIGwREST: "OPTIONS must be: authorizationType NONE, apiKeyRequired false, MOCK integration returning 200 with Access-Control-Allow-Origin/-Methods/-Headers mapped: aws apigateway update-method --rest-api-id {{api_id}} --resource-id RID --http-method OPTIONS --patch-operations op=replace,path=/authorizationType,value=NONE op=replace,path=/apiKeyRequired,value=false; then deploy.",
		diag.APIGwHTTP: "Set CorsConfiguration (API Gateway then answers OPTIONS before authorizers), or add an OPTIONS /{proxy+} route with authorization NONE and an integration.",
	},
	Check: func(p *diag.Pass) {
		pb := playbook(p)
		if pb == nil || pb.PreflightFailures() == 0 {
			return
		}
		api := liveAPI(p, pb)
		for i := range pb.Access.Routes {
			r := &pb.Access.Routes[i]
			if r.Method != "OPTIONS" || r.Client == 0 {
				continue
			}
			where := r.Route
			if where == "-" {
				where = "(path not logged)"
			}
			reportPB(p, pb, fmt.Sprintf("%d preflight(s) OPTIONS %s answered 4XX: %s", r.Client, where, optionsCause(api, r.Route)), routeLine(r))
		}
	},
}

// optionsCause explains, from the model, why OPTIONS on path fails.
func optionsCause(api *apimodel.API, path string) string {
	if api == nil {
		return "the API configuration could not be read"
	}
	if api.Kind != apimodel.REST {
		if api.Cors != nil {
			return "CorsConfiguration is set, so API Gateway answers preflights: check that the request's Origin and Access-Control-Request-Method are allowed"
		}
		if rt := api.FindRoute("OPTIONS", path); rt != nil {
			if rt.Authorized() == apimodel.TriYes {
				return fmt.Sprintf("no CorsConfiguration, and the preflight matches route %q whose %s authorizer rejects it (preflights carry no credentials)", rt.Key, rt.AuthorizationType.S)
			}
			return fmt.Sprintf("no CorsConfiguration: the preflight goes to route %q, which must answer with CORS headers", rt.Key)
		}
		return "no CorsConfiguration and no route matches OPTIONS: 404"
	}
	res := api.FindResource(path)
	if res == nil {
		return "no resource matches this path in the current configuration (403 Missing Authentication Token)"
	}
	m := res.Method("OPTIONS")
	if m == nil {
		return fmt.Sprintf("resource %s has no OPTIONS method (403 Missing Authentication Token)", res.Path)
	}
	var why []string
	if m.Authorized() == apimodel.TriYes {
		why = append(why, "OPTIONS requires authorization "+m.AuthorizationType.S)
	}
	if m.APIKeyRequired == apimodel.TriYes {
		why = append(why, "OPTIONS requires an API key")
	}
	if m.Integration != nil && !m.Integration.Type.IsProxy() {
		for _, ir := range m.Integration.Responses {
			if !ir.IsDefault() {
				continue
			}
			for _, h := range []string{"Access-Control-Allow-Origin", "Access-Control-Allow-Methods", "Access-Control-Allow-Headers"} {
				if _, ok := ir.Header(h); !ok {
					why = append(why, "OPTIONS does not map "+h)
				}
			}
		}
	}
	if len(why) == 0 {
		return fmt.Sprintf("OPTIONS %s looks correct now: the stage may serve an older deployment (see drift)", res.Path)
	}
	return strings.Join(why, "; ")
}
