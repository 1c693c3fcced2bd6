package rules

import (
	"fmt"

	"github.com/corsdoctor/corsdoctor/diag"
)

// CD4001 fires when the access logs show OPTIONS preflights failing.
var cd4001 = &diag.Rule{
	ID:       "CD4001",
	Needs:    diag.NeedsAccessLogs,
	Name:     "logged-preflight-failures",
	Severity: diag.Error,
	Rank:     5,
	Since:    "0.1.0",
	Title:    "Access logs show OPTIONS preflight requests failing",
	Doc: `A browser sends an OPTIONS preflight before every non-simple cross-origin request
(PUT, DELETE, JSON POST, Authorization, custom headers). The preflight must get a 2xx
status with the CORS headers; any other status stops the real request, and the page sees
only "Response to preflight request doesn't pass access control check".

The access logs record the preflights: OPTIONS lines with 4xx/5xx are the server refusing
them. The status says why (seed runbook 000 "API Gateway CORS Issues", Diagnosis 5 and 2):
  403 MISSING_AUTHENTICATION_TOKEN  REST API: no OPTIONS method on this resource, or not deployed
  401/403 UNAUTHORIZED, ACCESS_DENIED, API key  an authorizer or API key applies to OPTIONS
  404                               HTTP API: no OPTIONS route and CORS not configured
  500 (MOCK integration)            OPTIONS integration broken (binaryMediaTypes */*, template)

Before:  OPTIONS /orders 403  (x-amzn-ErrorType: MissingAuthenticationTokenException)
After:   OPTIONS /orders 204  Access-Control-Allow-Origin/-Methods/-Headers

See https://docs.aws.amazon.com/apigateway/latest/developerguide/how-to-cors.html`,
	Fix: map[diag.Platform]string{
		diag.Generic:    "Answer OPTIONS on every route with 204 and the CORS headers, before any authentication: exempt OPTIONS from authorizers, API keys and auth middleware.",
		diag.APIGwREST:  "Enable CORS on the resource (an OPTIONS method with a MOCK integration returning Access-Control-Allow-Origin, -Methods and -Headers), set authorizationType NONE and apiKeyRequired false on OPTIONS, then redeploy: aws apigateway create-deployment --rest-api-id {{api_id}} --stage-name {{stage}}",
		diag.APIGwHTTP:  "Configure CORS on the HTTP API so API Gateway answers preflights itself (aws apigatewayv2 update-api --api-id {{api_id}} --cors-configuration AllowOrigins=https://app.example.com,AllowMethods=GET,POST,PUT,DELETE,AllowHeaders=content-type,authorization), or remove the authorizer from an explicit OPTIONS/ANY route.",
		diag.Nginx:      "if ($request_method = OPTIONS) { add_header Access-Control-Allow-Origin $cors_origin always; add_header Access-Control-Allow-Methods 'GET, POST, PUT, DELETE' always; add_header Access-Control-Allow-Headers 'content-type, authorization' always; return 204; } before auth_request or proxy_pass.",
		diag.CloudFront: "Allow OPTIONS in the cache behavior (AllowedMethods GET, HEAD, OPTIONS, ...) and forward the Origin and Access-Control-Request-* headers, or answer preflights with a response headers policy.",
	},
	Check: func(p *diag.Pass) {
		st := logStats(p)
		if st == nil {
			return
		}
		plat := logsFixPlatform(st)
		for i := range st.Routes {
			r := &st.Routes[i]
			if r.Method != "OPTIONS" || r.Failed() == 0 {
				continue
			}
			fr := rate(r.Failed(), r.Total)
			if r.Failed() < logMinRequests && fr < logHighRate {
				continue
			}
			d := fmt.Sprintf("%d of %d OPTIONS preflights to %s failed (%s) since %s: the browser blocks every non-simple request to this route", r.Failed(), r.Total, r.Route, pct(fr), logTime(r.FirstError))
			d += preflightCause(r.Statuses, r.Errors)
			p.ReportFix(-1, r.FirstErrorAt, plat, d, routeLine(r))
		}
	},
}

// preflightCause reads the statuses and API Gateway error types.
func preflightCause(statuses map[int]int64, types map[string]int64) string {
	switch {
	case types["MISSING_AUTHENTICATION_TOKEN"] > 0 || (statuses[403] > 0 && len(types) == 0):
		return "; 403 to OPTIONS on API Gateway REST means no OPTIONS method is deployed on this resource (Missing Authentication Token), or an authorizer or API key guards it"
	case types["UNAUTHORIZED"] > 0 || types["ACCESS_DENIED"] > 0 || types["API_CONFIGURATION_ERROR"] > 0 || types["INVALID_API_KEY"] > 0 || statuses[401] > 0:
		return "; an authorizer or API key check runs on OPTIONS, but browsers never send credentials on a preflight"
	case statuses[404] > 0:
		return "; 404: no route answers OPTIONS (HTTP API without a CORS configuration, or a framework route without an OPTIONS handler)"
	case statuses[500] > 0 || statuses[502] > 0 || statuses[504] > 0:
		return "; 5xx: the OPTIONS integration itself fails (a MOCK integration broken by binaryMediaTypes */* or its request template, or a backend that does not handle OPTIONS)"
	case statuses[405] > 0:
		return "; 405: the backend does not allow the OPTIONS method"
	}
	return ""
}
