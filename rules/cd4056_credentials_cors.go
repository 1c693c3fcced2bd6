package rules

import (
	"fmt"
	"strings"

	"github.com/corsdoctor/corsdoctor/apimodel"
	"github.com/corsdoctor/corsdoctor/diag"
	"github.com/corsdoctor/corsdoctor/evidence"
)

// CD4056 is the playbook's diagnosis 7: browser errors in the application
// logs mention credentials, and the API does not allow them.
var cd4056 = &diag.Rule{
	ID:       "CD4056",
	Needs:    diag.NeedsPlaybook | diag.NeedsAPIs,
	Name:     "credentials-cors-errors",
	Severity: diag.Error,
	Rank:     17,
	Since:    "0.1.0",
	Title:    "Credentialed requests fail CORS: Access-Control-Allow-Credentials is missing or ACAO is '*'",
	Doc: `Diagnosis 7 of the playbook: browser console errors forwarded to the
application logs mention credentials ("The value of the
'Access-Control-Allow-Credentials' header in the response is '' which must be 'true'
when the request's credentials mode is 'include'", or "must not be the wildcard '*'
when the request's credentials mode is 'include'"). A request with cookies or
credentials: 'include' needs Access-Control-Allow-Credentials: true and an
Access-Control-Allow-Origin naming the exact origin, on the preflight and on the
response.

See https://fetch.spec.whatwg.org/#cors-protocol-and-credentials`,
	Fix: map[diag.Platform]string{
		diag.Generic:   "Send Access-Control-Allow-Credentials: true and the exact origin (not '*') on the preflight and the response.",
		diag.APIGwREST: "Map method.response.header.Access-Control-Allow-Credentials to \"'true'\" and Access-Control-Allow-Origin to the exact origin on OPTIONS and on every method's integration responses (Lambda proxy: return both headers), then deploy.",
		diag.APIGwHTTP: "aws apigatewayv2 update-api --api-id {{api_id}} --cors-configuration AllowOrigins=https://app.example.com,AllowCredentials=true,AllowMethods=GET,POST,AllowHeaders=content-type,authorization (AllowOrigins must not be '*' with credentials).",
	},
	Check: func(p *diag.Pass) {
		pb := playbook(p)
		if pb == nil {
			return
		}
		q := pb.Log("app-cors-errors")
		if q == nil {
			return
		}
		n := 0
		var rows []map[string]string
		for _, r := range q.Rows {
			pat := strings.ToLower(r["pattern"])
			if strings.Contains(pat, "credentials") {
				n += evidence.Int(r, "cors_errors")
				rows = append(rows, r)
			}
		}
		if n == 0 {
			return
		}
		api := liveAPI(p, pb)
		cfg := credentialsConfig(api)
		ev := rowsText(rows, 5)
		if cfg != "" {
			ev = append(ev, cfg)
		}
		reportPB(p, pb, fmt.Sprintf("%d browser error(s) in the application logs are credential-related CORS failures%s", n, suffixCause(cfg)), ev...)
	},
}

// credentialsConfig says what the API's configuration does about
// credentials ("" when it cannot tell).
func credentialsConfig(api *apimodel.API) string {
	if api == nil {
		return ""
	}
	if api.Kind != apimodel.REST {
		if api.Cors == nil {
			return "no CorsConfiguration"
		}
		for _, o := range api.Cors.AllowOrigins {
			if o.S == "*" {
				return "CorsConfiguration AllowOrigins is '*', which browsers reject for credentialed requests"
			}
		}
		if api.Cors.AllowCredentials != apimodel.TriYes {
			return "CorsConfiguration AllowCredentials is false"
		}
		return ""
	}
	var noACAC []string
	for _, res := range api.Resources {
		m := res.Method("OPTIONS")
		if m == nil || m.Integration == nil {
			continue
		}
		found := false
		for _, ir := range m.Integration.Responses {
			if _, ok := ir.Header("Access-Control-Allow-Credentials"); ok {
				found = true
			}
		}
		if !found {
			noACAC = append(noACAC, res.Path)
		}
	}
	if len(noACAC) > 0 {
		return "OPTIONS methods without an Access-Control-Allow-Credentials mapping: " + strings.Join(noACAC, ", ")
	}
	return ""
}
