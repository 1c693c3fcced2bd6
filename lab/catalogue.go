package lab

import (
	"net/http"
	"strings"

	"github.com/corsdoctor/corsdoctor/cors"
	"github.com/corsdoctor/corsdoctor/internal/shell"
)

const (
	jsonCT   = "Content-Type: application/json"
	bearer   = "Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJkZW1vIn0.c2lnbmF0dXJl"
	apigwACH = "Content-Type,X-Amz-Date,Authorization,X-Api-Key,X-Amz-Security-Token"
)

// catalogue is the lab, in index order. Groups: contrast endpoints first,
// then the field's most frequent causes (seed runbook order: origin,
// preflight, credentials, error responses, caches), then API Gateway,
// then the rest.
var catalogue = []Case{
	// Correctly configured endpoints.
	{
		Path: "/ok/simple", Group: "Correct", Platform: "express",
		Title:       "simple GET, allowed",
		Description: "cors() with an allowlist: the page's exact origin echoed, Vary: Origin, headers on errors too.",
		Method:      "GET", Origin: DevOrigin, Verdict: Allowed,
		handler: static("express", nil, reply{Header: echoOrigin, Body: okBody}),
	},
	{
		Path: "/ok/preflight", Group: "Correct", Platform: "fastapi",
		Title:       "PUT with JSON and Authorization, preflight passes",
		Description: "CORSMiddleware answers OPTIONS with the methods and headers, Max-Age 7200; a request without a token gets a 401 that still carries CORS headers.",
		Method:      "PUT", Headers: []string{jsonCT, bearer}, Body: `{"name":"second"}`, Origin: DevOrigin, Verdict: Allowed,
		handler: func(w http.ResponseWriter, r *http.Request) {
			switch {
			case r.Method == http.MethodOptions:
				write(w, r, "fastapi", goodPre)
			case r.Header.Get("Authorization") == "":
				write(w, r, "fastapi", reply{Status: 401, Header: append([]string{"WWW-Authenticate: Bearer"}, echoOrigin...), Body: `{"detail":"Not authenticated"}`})
			default:
				write(w, r, "fastapi", reply{Header: echoOrigin, Body: `{"id":2,"name":"second"}`})
			}
		},
	},
	{
		Path: "/ok/credentials", Group: "Correct", Platform: "django",
		Title:       "credentialed GET (cookies), allowed",
		Description: "django-cors-headers with CORS_ALLOW_CREDENTIALS: exact origin, Access-Control-Allow-Credentials: true, Vary: Origin.",
		Method:      "GET", Origin: DevOrigin, Credentials: true, Verdict: Allowed,
		handler: static("django", nil, reply{Header: append([]string{"Access-Control-Allow-Credentials: true"}, echoOrigin...), Body: okBody}),
	},
	{
		Path: "/ok/public", Group: "Correct", Platform: "nginx",
		Title:       "public data with Access-Control-Allow-Origin: *",
		Description: "A public, uncredentialed API: the wildcard is right here and needs no Vary.",
		Method:      "GET", Origin: DevOrigin, Verdict: Allowed,
		handler: static("nginx", nil, reply{Header: []string{"Access-Control-Allow-Origin: *"}, Body: okBody}),
	},
	{
		Path: "/aws/http/items", Group: "Correct", Platform: "apigw-http",
		Title:       "API Gateway HTTP API with a CorsConfiguration",
		Description: "The HTTP API answers the preflight itself and adds the configured headers to the integration response.",
		Method:      "POST", Headers: []string{jsonCT}, Body: `{"name":"third"}`, Origin: DevOrigin, Verdict: Allowed,
		handler: static("apigw-http", pre(with(goodPre)), reply{Status: 201, Header: echoOrigin, Body: `{"id":3}`}),
	},
	{
		Path: "/app/dev-only-allowlist", Group: "Correct", Platform: "express",
		Title:       "works in dev: the dev origin is allowed",
		Description: "The same endpoint as the next case, from the dev origin: allowed (the allowlist holds http://localhost:5173 only).",
		Method:      "GET", Origin: DevOrigin, Verdict: Allowed,
		handler: devOnly,
	},

	// Origin not allowed.
	{
		Path: "/app/dev-only-allowlist?env=prod", Group: "Origin", Platform: "express",
		Title:       "works in dev, fails in prod",
		Description: "The allowlist was written for development; the production origin gets no Access-Control-Allow-Origin at all.",
		RealWorld:   "seed runbook 002 quick diagnosis: \"Works in dev, fails in prod\"",
		Method:      "GET", Origin: ProdOrigin, AlsoOrigins: []string{DevOrigin}, Verdict: Blocked, Rule: "CD1028",
	},
	{
		Path: "/aws/http/origin-not-configured", Group: "Origin", Platform: "apigw-http",
		Title:       "HTTP API CorsConfiguration without this origin",
		Description: "The HTTP API's CorsConfiguration lists only https://app.example.com; for any other origin API Gateway sends no CORS headers and drops those the Lambda returns.",
		RealWorld:   "AWS http-api-cors documentation; aws/aws-sam-cli#2637, dherault/serverless-offline#984",
		Method:      "GET", Origin: StagingOrigin, Verdict: Blocked, Rule: "CD1001",
		handler: func(w http.ResponseWriter, r *http.Request) {
			if r.Header.Get("Origin") == ProdOrigin {
				write(w, r, "apigw-http", reply{Header: echoOrigin, Body: okBody})
				return
			}
			write(w, r, "apigw-http", reply{Body: okBody})
		},
	},
	{
		Path: "/app/origin-not-allowed", Group: "Origin", Platform: "express",
		Title:       "origin not in the allowlist",
		Description: "The server always answers Access-Control-Allow-Origin: https://app.example.com; the staging site is not listed.",
		RealWorld:   "seed runbook 002, most frequent cause",
		Method:      "GET", Origin: StagingOrigin, Verdict: Blocked, Rule: "CD1004",
		handler: static("express", nil, reply{Header: []string{"Access-Control-Allow-Origin: " + ProdOrigin}, Body: okBody}),
	},
	{
		Path: "/app/trailing-slash", Group: "Origin", Platform: "django",
		Title:       "allowed origin written with a trailing slash",
		Description: "CORS_ALLOWED_ORIGINS = ['http://localhost:5173/']: origins never end in '/', the comparison is byte for byte.",
		RealWorld:   "keycloak/keycloak#25522, metabase/metabase#75839, adamchainz/django-cors-headers#339",
		Method:      "GET", Origin: DevOrigin, Verdict: Blocked, Rule: "CD1004",
		handler: static("django", nil, reply{Header: []string{"Access-Control-Allow-Origin: " + DevOrigin + "/", "Vary: Origin"}, Body: okBody}),
	},
	{
		Path: "/aws/rest/comma-list", Group: "Origin", Platform: "apigw-rest",
		Title:       "several origins in one Access-Control-Allow-Origin",
		Description: "A Lambda proxy returns 'https://app.example.com,http://localhost:5173' in one header; browsers take exactly one origin.",
		RealWorld:   "serverless/serverless#2476 and #3324, aws/serverless-application-model#3769",
		Method:      "GET", Origin: DevOrigin, Verdict: Blocked, Rule: "CD1005",
		handler: static("apigw-rest", nil, reply{Header: []string{"Access-Control-Allow-Origin: " + ProdOrigin + "," + DevOrigin}, Body: okBody}),
	},
	{
		Path: "/aws/rest/duplicate-acao", Group: "Origin", Platform: "apigw-rest",
		Title:       "Access-Control-Allow-Origin added by two layers",
		Description: "The integration response maps '*' and the backend also returns the origin: two header lines, which browsers join into '*, http://localhost:5173'.",
		RealWorld:   "awslabs/aws-lambda-go-api-proxy PR #73, anomalyco/sst#5479, motiv-labs/janus#36",
		Method:      "GET", Origin: DevOrigin, Verdict: Blocked, Rule: "CD1005",
		handler: static("apigw-rest", nil, reply{Header: []string{"Access-Control-Allow-Origin: *", "Access-Control-Allow-Origin: {origin}"}, Body: okBody}),
	},
	{
		Path: "/app/redirect-origin-null", Group: "Origin", Platform: "express",
		Title:       "cross-origin redirect makes the Origin null",
		Description: "The API redirects to another host (127.0.0.1 <-> localhost); the browser then sends Origin: null, which the final response does not allow.",
		RealWorld:   "adamchainz/django-cors-headers#267; Fetch tainted origin",
		Method:      "GET", Origin: DevOrigin, Verdict: Blocked, Rule: "CD1004",
		handler: func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Query().Get("hop") == "" {
				loc := "http://" + otherHost(r.Host) + r.URL.Path + "?hop=1"
				write(w, r, "express", reply{Status: 307, Header: append([]string{"Location: " + loc}, echoOrigin...)})
				return
			}
			write(w, r, "express", reply{Header: []string{"Access-Control-Allow-Origin: " + DevOrigin, "Vary: Origin"}, Body: okBody})
		},
	},

	{
		Path: "/app/redirect-drops-authorization", Group: "Origin", Platform: "express",
		Title:       "cross-origin redirect drops Authorization",
		Description: "The API redirects to another host; the browser removes Authorization on the cross-origin hop and the new host answers 401 (readable, but not what the page meant).",
		RealWorld:   "Fetch § HTTP-redirect fetch step 13; http->https and www redirects in front of APIs",
		Method:      "GET", Headers: []string{bearer}, Origin: DevOrigin, Verdict: Allowed, Rule: "CD1032",
		// Safari preflights the redirected hop too, with Origin: null,
		// which the preflight does not allow (docs/engines.md#redirect-keeps-preflight).
		Engines: map[cors.Engine]string{cors.WebKit: Blocked},
		handler: func(w http.ResponseWriter, r *http.Request) {
			switch {
			case r.Method == http.MethodOptions:
				write(w, r, "express", goodPre)
			case r.URL.Query().Get("hop") == "":
				loc := "http://" + otherHost(r.Host) + r.URL.Path + "?hop=1"
				write(w, r, "express", reply{Status: 307, Header: []string{"Location: " + loc, "Access-Control-Allow-Origin: *"}})
			case r.Header.Get("Authorization") == "":
				write(w, r, "express", reply{Status: 401, Header: []string{"Access-Control-Allow-Origin: *", "WWW-Authenticate: Bearer"}, Body: `{"error":"missing token"}`})
			default:
				write(w, r, "express", reply{Header: []string{"Access-Control-Allow-Origin: *"}, Body: okBody})
			}
		},
	},

	// Preflight.
	{
		Path: "/app/preflight-405", Group: "Preflight", Platform: "fastapi",
		Title:       "OPTIONS not handled (405)",
		Description: "No CORS middleware: the router answers OPTIONS with 405 Method Not Allowed, so the PUT is never sent.",
		RealWorld:   "seed runbook 002 signal example; expressjs/cors#56, tinyhttp/tinyhttp#221",
		Method:      "PUT", Headers: []string{jsonCT}, Body: `{"name":"x"}`, Origin: DevOrigin, Verdict: Blocked, Rule: "CD1002",
		handler: static("fastapi", pre(reply{Status: 405, Header: []string{"Allow: GET, PUT"}, Body: `{"detail":"Method Not Allowed"}`}), reply{Body: okBody}),
	},
	{
		Path: "/app/express-auto-options", Group: "Preflight", Platform: "express",
		Title:       "OPTIONS answered by the router, without CORS headers",
		Description: "No cors() middleware: Express answers OPTIONS itself with 200, an Allow header and the body \"GET,HEAD,PUT\", but no Access-Control-Allow-* headers.",
		RealWorld:   "expressjs/express#1294, expressjs/cors#195",
		Method:      "PUT", Headers: []string{jsonCT}, Body: `{"name":"x"}`, Origin: DevOrigin, Verdict: Blocked, Rule: "CD1002",
		handler: static("express", pre(reply{Status: 200, Header: []string{"Allow: GET,HEAD,PUT", "Content-Type: text/html; charset=utf-8"}, Body: "GET,HEAD,PUT"}), reply{Body: okBody}),
	},
	{
		Path: "/aws/rest/no-options-method", Group: "Preflight", Platform: "apigw-rest",
		Title:       "API Gateway resource without an OPTIONS method",
		Description: "\"Enable CORS\" was applied to the parent resource only: OPTIONS answers 403 Missing Authentication Token without CORS headers.",
		RealWorld:   "AWS knowledge center api-gateway-cors-errors; API Gateway console Enable CORS is not recursive",
		Method:      "DELETE", Origin: DevOrigin, Verdict: Blocked, Rule: "CD1002",
		handler: static("apigw-rest", pre(reply{Status: 403, Header: []string{"x-amzn-ErrorType: MissingAuthenticationTokenException"}, Body: `{"message":"Missing Authentication Token"}`}), reply{Header: echoOrigin, Body: `{}`}),
	},
	{
		Path: "/aws/rest/authorizer-on-options", Group: "Preflight", Platform: "apigw-rest",
		Title:       "authorizer runs on the OPTIONS preflight (401)",
		Description: "A Lambda authorizer is attached to OPTIONS (SAM DefaultAuthorizer without AddDefaultAuthorizerToCorsPreflight: false); preflights carry no token.",
		RealWorld:   "aws/serverless-application-model#717 and #957, aws/aws-cdk#8615",
		Method:      "GET", Headers: []string{bearer}, Origin: DevOrigin, Verdict: Blocked, Rule: "CD1003",
		handler: static("apigw-rest", pre(reply{Status: 401, Header: []string{"x-amzn-ErrorType: UnauthorizedException"}, Body: `{"message":"Unauthorized"}`}), reply{Header: echoOrigin, Body: okBody}),
	},
	{
		Path: "/aws/rest/options-500", Group: "Preflight", Platform: "apigw-rest",
		Title:       "MOCK OPTIONS fails with 500",
		Description: "binaryMediaTypes */* makes the MOCK integration's request template fail: \"Unable to transform request\", 500 without CORS headers.",
		RealWorld:   "activescott/serverless-aws-static-file-handler#165, clebert/aws-simple#167, aws/aws-cdk PR #30984",
		Method:      "POST", Headers: []string{jsonCT}, Body: `{}`, Origin: DevOrigin, Verdict: Blocked, Rule: "CD1017",
		handler: static("apigw-rest", pre(reply{Status: 500, Header: []string{"x-amzn-ErrorType: InternalServerErrorException"}, Body: `{"message": "Internal server error"}`}), reply{Header: echoOrigin, Body: `{}`}),
	},
	{
		Path: "/app/method-not-allowed", Group: "Preflight", Platform: "express",
		Title:       "DELETE missing from Access-Control-Allow-Methods",
		Description: "cors({ methods: ['GET', 'POST'] }): the preflight passes the origin check but not the method.",
		RealWorld:   "expressjs/cors#72",
		Method:      "DELETE", Origin: DevOrigin, Verdict: Blocked, Rule: "CD1008",
		handler: static("express", pre(reply{Status: 204, Header: append([]string{"Access-Control-Allow-Methods: GET,POST"}, echoOrigin...)}), reply{Header: echoOrigin}),
	},
	{
		Path: "/app/lowercase-patch", Group: "Preflight", Platform: "express",
		Title:       "fetch(url, {method: 'patch'}) in lower case",
		Description: "Only DELETE/GET/HEAD/OPTIONS/POST/PUT are upper-cased by the browser; 'patch' is sent as is and does not match PATCH.",
		RealWorld:   "Fetch standard § methods; a classic Stack Overflow question",
		Method:      "patch", Headers: []string{jsonCT}, Body: `{"name":"y"}`, Origin: DevOrigin, Verdict: Blocked, Rule: "CD1008",
		handler: static("express", pre(reply{Status: 204, Header: append([]string{"Access-Control-Allow-Methods: GET,PATCH", "Access-Control-Allow-Headers: content-type"}, echoOrigin...)}), reply{Header: echoOrigin}),
	},
	{
		Path: "/aws/rest/header-not-allowed", Group: "Preflight", Platform: "apigw-rest",
		Title:       "custom header missing from Access-Control-Allow-Headers",
		Description: "The console's default Allow-Headers list lacks the page's X-Request-Id header.",
		RealWorld:   "serverless/serverless#4225",
		Method:      "GET", Headers: []string{"X-Request-Id: 42"}, Origin: DevOrigin, Verdict: Blocked, Rule: "CD1009",
		handler: static("apigw-rest", pre(apigwMockPre), reply{Header: []string{"Access-Control-Allow-Origin: *"}, Body: okBody}),
	},
	{
		Path: "/app/invalid-allow-methods", Group: "Preflight", Platform: "nginx",
		Title:       "Access-Control-Allow-Methods separated by spaces",
		Description: "add_header Access-Control-Allow-Methods 'GET POST PUT DELETE': not a comma list, so the browser rejects the whole preflight.",
		RealWorld:   "Fetch standard #method list syntax",
		Method:      "DELETE", Origin: DevOrigin, Verdict: Blocked, Rule: "CD1013",
		handler: static("nginx", pre(reply{Status: 204, Header: append([]string{"Access-Control-Allow-Methods: GET POST PUT DELETE"}, echoOrigin...)}), reply{Header: echoOrigin}),
	},
	{
		Path: "/app/preflight-redirect", Group: "Preflight", Platform: "django",
		Title:       "preflight redirected to add a trailing slash",
		Description: "Django's APPEND_SLASH answers OPTIONS /app/preflight-redirect with 301 to .../; browsers never follow redirects for preflights.",
		RealWorld:   "adamchainz/django-cors-headers#267",
		Method:      "PUT", Headers: []string{jsonCT}, Body: `{}`, Origin: DevOrigin, Verdict: Blocked, Rule: "CD1011",
		handler: func(w http.ResponseWriter, r *http.Request) {
			write(w, r, "django", reply{Status: 301, Header: []string{"Location: " + r.URL.Path + "/"}})
		},
	},
	{
		Path: "/app/max-age-missing", Group: "Preflight", Platform: "express",
		Title:       "preflight without Access-Control-Max-Age",
		Description: "Works, but Chromium caches the preflight for 5 s only: nearly every PUT costs an extra round trip.",
		RealWorld:   "Chromium preflight_result.cc; WebKit caps at 600 s, Firefox at 86400 s",
		Method:      "PUT", Headers: []string{jsonCT}, Body: `{}`, Origin: DevOrigin, Verdict: Allowed, Rule: "CD1014",
		handler: static("express", pre(reply{Status: 204, Header: append([]string{"Access-Control-Allow-Methods: GET,PUT", "Access-Control-Allow-Headers: content-type"}, echoOrigin...)}), reply{Header: echoOrigin, Body: `{}`}),
	},
	{
		Path: "/app/authorization-wildcard", Group: "Preflight", Platform: "express",
		Title:       "Authorization allowed only through Allow-Headers: *",
		Description: "Chromium allows it with a deprecation warning; the Fetch standard requires Authorization to be listed.",
		RealWorld:   "jub0bs/cors config.go; Chromium CorsNonWildcardRequestHeadersSupport",
		Method:      "GET", Headers: []string{bearer}, Origin: DevOrigin, Verdict: Allowed, Rule: "CD1010",
		handler: static("express", pre(reply{Status: 204, Header: append([]string{"Access-Control-Allow-Headers: *", "Access-Control-Max-Age: 7200"}, echoOrigin...)}), reply{Header: echoOrigin, Body: okBody}),
	},

	// Credentials.
	{
		Path: "/app/wildcard-credentials", Group: "Credentials", Platform: "express",
		Title:       "Access-Control-Allow-Origin: * with credentials",
		Description: "fetch(url, {credentials: 'include'}) against a wildcard: browsers require the exact origin.",
		RealWorld:   "expressjs/cors#36, fastapi/fastapi PR #1895, JakeChampion/fetch#277",
		Method:      "GET", Origin: DevOrigin, Credentials: true, Verdict: Blocked, Rule: "CD1006",
		handler: static("express", nil, reply{Header: []string{"Access-Control-Allow-Origin: *", "Access-Control-Allow-Credentials: true"}, Body: okBody}),
	},
	{
		Path: "/app/credentials-not-allowed", Group: "Credentials", Platform: "fastapi",
		Title:       "credentials without Access-Control-Allow-Credentials: true",
		Description: "CORSMiddleware without allow_credentials=True: the origin matches, the credentials flag is missing.",
		RealWorld:   "Fetch CORS check step 4",
		Method:      "GET", Origin: DevOrigin, Credentials: true, Verdict: Blocked, Rule: "CD1007",
		handler: static("fastapi", nil, reply{Header: echoOrigin, Body: okBody}),
	},

	// Error responses: not CORS problems behind CORS messages.
	{
		Path: "/app/not-found", Group: "Errors", Platform: "express",
		Title:       "404 without CORS headers",
		Description: "The route is mounted before cors(), so Express's default 404 (\"Cannot GET\") has no headers: a wrong path looks like CORS.",
		RealWorld:   "seed runbook 002: CORS headers missing from error responses",
		Method:      "GET", Origin: DevOrigin, Verdict: Blocked, Rule: "CD1019",
		handler: static("express", nil, reply{Status: 404, Header: []string{"Content-Security-Policy: default-src 'none'"}, Body: "<!DOCTYPE html>\n<pre>Cannot GET /app/not-found</pre>"}),
	},
	{
		Path: "/aws/rest/wrong-stage", Group: "Errors", Platform: "apigw-rest",
		Title:       "method not deployed: Missing Authentication Token on GET",
		Description: "The path or stage does not exist in the deployment (or the API was not redeployed): API Gateway answers 403 without CORS headers.",
		RealWorld:   "hashicorp/terraform-provider-aws#162, aws/aws-cdk#5354",
		Method:      "GET", Origin: DevOrigin, Verdict: Blocked, Rule: "CD1019",
		handler: static("apigw-rest", nil, reply{Status: 403, Header: []string{"x-amzn-ErrorType: MissingAuthenticationTokenException"}, Body: `{"message":"Missing Authentication Token"}`}),
	},
	{
		Path: "/app/auth-401", Group: "Errors", Platform: "express",
		Title:       "401 from auth middleware registered before cors()",
		Description: "OPTIONS passes, but the JWT middleware answers the expired token with 401 before cors() adds headers.",
		RealWorld:   "seed runbook 002: \"a 401 from auth middleware before CORS headers are set looks identical to a CORS failure\"",
		Method:      "GET", Headers: []string{bearer}, Origin: DevOrigin, Verdict: Blocked, Rule: "CD1023",
		handler: static("express", pre(goodPre), reply{Status: 401, Header: []string{`WWW-Authenticate: Bearer error="invalid_token", error_description="jwt expired"`}, Body: `{"error":"jwt expired"}`}),
	},
	{
		Path: "/aws/rest/authorizer-cache", Group: "Errors", Platform: "apigw-rest",
		Title:       "cached authorizer policy denies the next method (403)",
		Description: "The authorizer's cached policy only allows GET; the POST gets 403 AccessDeniedException without CORS headers.",
		RealWorld:   "serverless/serverless#6176",
		Method:      "POST", Headers: []string{jsonCT, bearer}, Body: `{"name":"z"}`, Origin: DevOrigin, Verdict: Blocked, Rule: "CD1023",
		handler: static("apigw-rest", pre(apigwMockPre), reply{Status: 403, Header: []string{"x-amzn-ErrorType: AccessDeniedException"}, Body: `{"Message":"User is not authorized to access this resource with an explicit deny"}`}),
	},
	{
		Path: "/app/unsupported-media-type", Group: "Errors", Platform: "fastapi",
		Title:       "text/plain body to avoid the preflight: 415",
		Description: "The page sends JSON as text/plain to skip the preflight; the API rejects it with 415 from a layer without CORS headers.",
		RealWorld:   "seed runbook 002 \"When this is not the issue\": check Content-Type",
		Method:      "POST", Headers: []string{"Content-Type: text/plain;charset=UTF-8"}, Body: `{"name":"w"}`, Origin: DevOrigin, Verdict: Blocked, Rule: "CD1024",
		handler: static("fastapi", nil, reply{Status: 415, Body: `{"detail":"Unsupported media type \"text/plain\""}`}),
	},
	{
		Path: "/app/server-error", Group: "Errors", Platform: "fastapi",
		Title:       "unhandled exception: 500 without CORS headers",
		Description: "Starlette's ServerErrorMiddleware sits outside CORSMiddleware, so the 500 has no headers.",
		RealWorld:   "fastapi/fastapi#457, #775, Kludex/starlette#1116",
		Method:      "GET", Origin: DevOrigin, Verdict: Blocked, Rule: "CD1025",
		handler: static("fastapi", nil, reply{Status: 500, Header: []string{"Content-Type: text/plain; charset=utf-8"}, Body: "Internal Server Error"}),
	},
	{
		Path: "/aws/rest/integration-timeout", Group: "Errors", Platform: "apigw-rest",
		Title:       "integration timeout: 504 without CORS headers",
		Description: "The Lambda takes longer than 29 s; API Gateway answers 504 \"Endpoint request timed out\" without CORS headers.",
		RealWorld:   "aws/serverless-application-model#840 and #2498",
		Method:      "GET", Origin: DevOrigin, Verdict: Blocked, Rule: "CD1025",
		handler: static("apigw-rest", nil, reply{Status: 504, Header: []string{"x-amzn-ErrorType: InternalServerErrorException"}, Body: `{"message": "Endpoint request timed out"}`}),
	},
	{
		Path: "/aws/rest/bad-lambda-response", Group: "Errors", Platform: "apigw-rest",
		Title:       "malformed Lambda proxy response: 502",
		Description: "The function returns a body that is not a string; API Gateway answers 502 Internal server error without CORS headers.",
		RealWorld:   "apex/up#274, serverless/serverless#2099",
		Method:      "GET", Origin: DevOrigin, Verdict: Blocked, Rule: "CD1025",
		handler: static("apigw-rest", nil, reply{Status: 502, Header: []string{"x-amzn-ErrorType: InternalServerErrorException"}, Body: `{"message": "Internal server error"}`}),
	},
	{
		Path: "/app/upstream-down", Group: "Errors", Platform: "nginx",
		Title:       "nginx 502: add_header without 'always'",
		Description: "The application is down; nginx answers 502 Bad Gateway itself, and its add_header lines (without 'always') only apply to 2xx/3xx.",
		RealWorld:   "nginx add_header documentation ('always' parameter)",
		Method:      "GET", Origin: DevOrigin, Verdict: Blocked, Rule: "CD1025",
		handler: static("nginx", nil, reply{Status: 502, Header: []string{"Content-Type: text/html"}, Body: "<html>\n<head><title>502 Bad Gateway</title></head>\n<body>\n<center><h1>502 Bad Gateway</h1></center>\n<hr><center>nginx/1.27.3</center>\n</body>\n</html>"}),
	},
	{
		Path: "/aws/rest/throttled", Group: "Errors", Platform: "apigw-rest",
		Title:       "throttled: 429 without CORS headers",
		Description: "The usage plan's rate limit is exceeded; the THROTTLED gateway response has no CORS headers.",
		RealWorld:   "tech-reader.blog \"CORS failures that aren't CORS\"",
		Method:      "GET", Origin: DevOrigin, Verdict: Blocked, Rule: "CD1031",
		handler: static("apigw-rest", nil, reply{Status: 429, Header: []string{"x-amzn-ErrorType: TooManyRequestsException"}, Body: `{"message":"Too Many Requests"}`}),
	},

	// API Gateway proxy integration.
	{
		Path: "/aws/rest/proxy-no-headers", Group: "API Gateway", Platform: "apigw-rest",
		Title:       "Enable CORS with a Lambda proxy: headers on OPTIONS only",
		Description: "The MOCK OPTIONS returns the headers; the Lambda proxy integration returns none on the PUT.",
		RealWorld:   "serverless/serverless#4681, aws/serverless-application-model#387",
		Method:      "PUT", Headers: []string{jsonCT}, Body: `{"name":"v"}`, Origin: DevOrigin, Verdict: Blocked, Rule: "CD1030",
		handler: static("apigw-rest", pre(apigwMockPre), reply{Body: `{"id":5}`}),
	},

	// Caches and intermediaries.
	{
		Path: "/cdn/cached-other-origin", Group: "Caches", Platform: "cloudfront",
		Title:       "CloudFront serves another origin's cached response",
		Description: "Origin is not in the cache key: the response cached for the admin site (Access-Control-Allow-Origin: https://admin.example.com) is served to everyone.",
		RealWorld:   "samvera/serverless-iiif#111, PRX/Infrastructure#412, expressjs/cors#239",
		Method:      "GET", Origin: DevOrigin, Verdict: Blocked, Rule: "CD1029",
		handler: static("cloudfront", nil, reply{Header: []string{"Access-Control-Allow-Origin: " + AdminOrigin, "X-Cache: Hit from cloudfront", "Age: 42"}, Body: okBody}),
	},
	{
		Path: "/cdn/intermittent", Group: "Caches", Platform: "cloudfront",
		Title:       "intermittent: every other response lacks CORS headers",
		Description: "Cache hits were stored from a request without Origin and carry no CORS headers; misses reach the origin server, which sets them.",
		RealWorld:   "seed runbook 002 quick diagnosis: \"Intermittent, sometimes passes\"",
		Method:      "GET", Origin: DevOrigin, Verdict: Blocked, Rule: "CD1021",
		handler: func(w http.ResponseWriter, r *http.Request) {
			if next(r, "/cdn/intermittent")%2 == 1 {
				write(w, r, "cloudfront", reply{Header: []string{"X-Cache: Hit from cloudfront", "Age: 7"}, Body: okBody})
				return
			}
			write(w, r, "cloudfront", reply{Header: append([]string{"X-Cache: Miss from cloudfront"}, echoOrigin...), Body: okBody})
		},
	},
	{
		Path: "/cdn/waf-blocked", Group: "Caches", Platform: "cloudfront",
		Title:       "AWS WAF on CloudFront blocks the request",
		Description: "A managed rule matches the JSON body; CloudFront answers its own 403 \"Request blocked\" page, without CORS headers.",
		RealWorld:   "tech-reader.blog \"CORS failures that aren't CORS\"",
		Method:      "POST", Headers: []string{"Content-Type: text/plain;charset=UTF-8"}, Body: `{"q":"1' OR '1'='1"}`, Origin: DevOrigin, Verdict: Blocked, Rule: "CD1034",
		handler: static("cloudfront", nil, reply{Status: 403, Header: []string{"Content-Type: text/html", "X-Cache: Error from cloudfront", "Server: CloudFront"},
			Body: "<!DOCTYPE HTML PUBLIC \"-//W3C//DTD HTML 4.01 Transitional//EN\">\n<HTML><HEAD><TITLE>ERROR: The request could not be satisfied</TITLE></HEAD><BODY>\n<H1>403 ERROR</H1>\n<H2>The request could not be satisfied.</H2>\n<HR noshade size=\"1px\">\nRequest blocked.\n</BODY></HTML>"}),
	},
	{
		Path: "/app/no-vary", Group: "Caches", Platform: "nginx",
		Title:       "origin echoed without Vary: Origin",
		Description: "add_header Access-Control-Allow-Origin $http_origin copies the Origin header but nothing sends Vary: Origin; any cache can serve the response to the wrong origin.",
		RealWorld:   "expressjs/cors#106 / PR #105, rs/cors#10",
		Method:      "GET", Origin: DevOrigin, Verdict: Allowed, Rule: "CD1022",
		handler: static("nginx", nil, reply{Header: []string{"Access-Control-Allow-Origin: {origin}", "Cache-Control: public, max-age=300"}, Body: okBody}),
	},

	// Other browser rules.
	{
		Path: "/app/expose-missing", Group: "Other", Platform: "express",
		Title:       "response header visible in DevTools, not to JavaScript",
		Description: "The page reads X-Total-Count for pagination; it is not in Access-Control-Expose-Headers, so headers.get() returns null.",
		RealWorld:   "axios/axios#895 and #7142",
		Method:      "GET", Origin: DevOrigin, Expose: []string{"X-Total-Count"}, Verdict: Allowed, Rule: "CD1015",
		handler: static("express", nil, reply{Header: append([]string{"X-Total-Count: 120"}, echoOrigin...), Body: okBody}),
	},
	{
		Path: "/ok/local-network", Group: "Other", Platform: "express",
		Title:       "public page calling a loopback API",
		Description: "CORS is right, but a page on a public origin calling 127.0.0.1 triggers Chromium's Local Network Access permission prompt.",
		RealWorld:   "Chromium Local Network Access (Chrome 142)",
		Method:      "GET", Origin: ProdOrigin, Verdict: Allowed, Rule: "CD1027",
		handler: static("express", nil, reply{Header: echoOrigin, Body: okBody}),
	},

	// CORS layers that answer in their own words (the known response
	// shapes), and mistakes in the request itself.
	{
		Path: "/app/starlette-default-methods", Group: "Layers", Platform: "fastapi",
		Title:       "FastAPI CORSMiddleware refuses PUT: allow_methods defaults to GET",
		Description: "CORSMiddleware(allow_origins=[...]) without allow_methods allows GET only; the PUT's preflight is answered 400 \"Disallowed CORS method\". Nothing is wrong with OPTIONS handling.",
		RealWorld:   "fastapi/fastapi#133; starlette/middleware/cors.py preflight_response",
		Method:      "PUT", Headers: []string{jsonCT}, Body: `{"name":"x"}`, Origin: DevOrigin, Verdict: Blocked, Rule: "CD1035",
		handler: static("fastapi", pre(reply{Status: 400, Header: []string{"Content-Type: text/plain; charset=utf-8", "Vary: Origin", "Access-Control-Allow-Methods: GET",
			"Access-Control-Max-Age: 600", "Access-Control-Allow-Headers: Accept, Accept-Language, Content-Language, Content-Type"}, Body: "Disallowed CORS method"}),
			reply{Header: echoOrigin, Body: okBody}),
	},
	{
		Path: "/aws/s3/no-cors", Group: "Layers", Platform: "s3",
		Title:       "S3 bucket without a CORS configuration (presigned PUT)",
		Description: "The browser uploads to a presigned URL; S3 answers the preflight 403 AccessForbidden \"CORSResponse: CORS is not enabled for this bucket\". It is not an authentication failure.",
		RealWorld:   "eddturtle/direct-upload-s3-signaturev4#1, chriskiehl/Dropler#5",
		Method:      "PUT", Headers: []string{"Content-Type: image/png"}, Body: "png", Origin: DevOrigin, Verdict: Blocked, Rule: "CD1036",
		handler: static("s3", pre(reply{Status: 403, Header: []string{"Content-Type: application/xml"},
			Body: `<?xml version="1.0" encoding="UTF-8"?>` + "\n" + `<Error><Code>AccessForbidden</Code><Message>CORSResponse: CORS is not enabled for this bucket.</Message><Method>PUT</Method><ResourceType>BUCKET</ResourceType><RequestId>7QJ3E1XY2ZK4</RequestId></Error>`}),
			reply{Body: ""}),
	},
	{
		Path: "/app/spring-credentials-wildcard", Group: "Layers", Platform: "spring",
		Title:       "Spring: allowCredentials with allowedOrigins \"*\" fails every preflight (500)",
		Description: "Spring 5.3+ throws IllegalArgumentException from CorsConfiguration on every CORS request when allowCredentials is true and allowedOrigins holds \"*\"; the preflight is a 500.",
		RealWorld:   "activeviam/pivot-spring-boot#46, Taskana/taskana#2219, comixed/comixed#1156",
		Method:      "DELETE", Origin: DevOrigin, Credentials: true, Verdict: Blocked, Rule: "CD1037",
		handler: static("spring", pre(reply{Status: 500, Header: []string{"Content-Type: application/json"},
			Body: `{"timestamp":"2026-11-20T09:31:00.000+00:00","status":500,"error":"Internal Server Error","path":"/app/spring-credentials-wildcard"}`}),
			reply{Header: echoOrigin, Body: okBody}),
	},
	{
		Path: "/app/upload-too-large", Group: "Layers", Platform: "nginx",
		Title:       "upload over nginx's client_max_body_size: 413 without CORS headers",
		Description: "nginx refuses the body before the application runs and its 413 page has no CORS headers (add_header without always).",
		RealWorld:   "fruitcake/laravel-cors#306, department-of-veterans-affairs/va.gov-team#15687",
		Method:      "POST", Headers: []string{"Content-Type: text/plain"}, Body: "a large upload", Origin: DevOrigin, Verdict: Blocked, Rule: "CD1038",
		handler: static("nginx", nil, reply{Status: 413, Header: []string{"Content-Type: text/html"},
			Body: "<html>\n<head><title>413 Request Entity Too Large</title></head>\n<body>\n<center><h1>413 Request Entity Too Large</h1></center>\n<hr><center>nginx/1.27.3</center>\n</body>\n</html>\n"}),
	},
	{
		Path: "/app/request-sends-acao", Group: "Layers", Platform: "express",
		Title:       "the page sends Access-Control-Allow-Origin as a request header",
		Description: "The client sets a response header on its request; it makes the GET non-simple, and the preflight does not allow it. The fix is in the client.",
		RealWorld:   "pi-apps/demo#255, Draymonders/Code-Life#36",
		Method:      "GET", Headers: []string{"Access-Control-Allow-Origin: *"}, Origin: DevOrigin, Verdict: Blocked, Rule: "CD1039",
		handler: static("express", pre(reply{Status: 204, Header: []string{"Access-Control-Allow-Origin: {allowed-origin}", "Vary: Origin, Access-Control-Request-Headers",
			"Access-Control-Allow-Methods: GET,HEAD,PUT,PATCH,POST,DELETE", "Access-Control-Allow-Headers: content-type"}}),
			reply{Header: echoOrigin, Body: okBody}),
	},
	{
		Path: "/app/get-with-content-type", Group: "Layers", Platform: "express",
		Title:       "Content-Type: application/json on a GET forces a preflight nobody answers",
		Description: "A GET has no body, but the client sets Content-Type: application/json; the request needs a preflight, and the server has no OPTIONS route.",
		RealWorld:   "axios/axios#475, ajbrown/angular-loggly-logger#64",
		Method:      "GET", Headers: []string{jsonCT}, Origin: DevOrigin, Verdict: Blocked, Rule: "CD1040",
		handler: func(w http.ResponseWriter, r *http.Request) {
			if r.Method == http.MethodOptions {
				write(w, r, "express", reply{Status: 404, Header: []string{"Content-Type: text/html; charset=utf-8", "Content-Security-Policy: default-src 'none'", "X-Content-Type-Options: nosniff"},
					Body: "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>Error</title>\n</head>\n<body>\n<pre>Cannot OPTIONS /app/get-with-content-type</pre>\n</body>\n</html>\n"})
				return
			}
			write(w, r, "express", reply{Header: echoOrigin, Body: okBody})
		},
	},
	// Browsers: failures in some browsers only. Chromium's verdict is
	// Verdict; Engines lists the browsers that decide otherwise, each
	// difference documented in docs/engines.md and seen in the real
	// browsers (lab TestEnginesAgree).
	{
		Path: "/browsers/client-hint", Group: "Browsers", Platform: "express",
		Title:       "client hint header (DPR) works in Chrome only",
		Description: "The page sends DPR: 2. Chromium safelists the client hints, so no preflight; Firefox and Safari preflight it, and the cors middleware allows Content-Type only.",
		RealWorld:   "docs/engines.md#client-hint-safelist; Chromium cors_util.cc, Firefox nsContentUtils::IsCORSSafelistedRequestHeader",
		Method:      "GET", Headers: []string{"DPR: 2"}, Origin: DevOrigin, Verdict: Allowed,
		Engines: map[cors.Engine]string{cors.Firefox: Blocked, cors.WebKit: Blocked},
		handler: static("express", pre(reply{Status: 204, Header: append([]string{"Access-Control-Allow-Methods: GET,HEAD,PUT,PATCH,POST,DELETE", "Access-Control-Allow-Headers: content-type"}, echoOrigin...)}),
			reply{Header: echoOrigin, Body: okBody}),
	},
	{
		Path: "/browsers/redirect-303", Group: "Browsers", Platform: "express",
		Title:       "POST answered with 303 See Other works in Chrome only",
		Description: "A JSON POST passes its preflight and gets 303 to ?done=1. Chromium follows with a plain GET; Firefox and Safari preflight the redirected GET too, and only the POST route answers OPTIONS.",
		RealWorld:   "docs/engines.md#redirect-keeps-preflight; Post/Redirect/Get behind a CORS API",
		Method:      "POST", Headers: []string{jsonCT}, Body: `{"name":"third"}`, Origin: DevOrigin, Verdict: Allowed,
		Engines: map[cors.Engine]string{cors.Firefox: Blocked, cors.WebKit: Blocked},
		handler: func(w http.ResponseWriter, r *http.Request) {
			done := r.URL.Query().Get("done") != ""
			switch {
			case r.Method == http.MethodOptions && done:
				write(w, r, "express", reply{Status: 404, Header: []string{"Content-Type: text/html; charset=utf-8"}, Body: "Cannot OPTIONS /browsers/redirect-303\n"})
			case r.Method == http.MethodOptions:
				write(w, r, "express", reply{Status: 204, Header: append([]string{"Access-Control-Allow-Methods: POST", "Access-Control-Allow-Headers: content-type", "Access-Control-Max-Age: 7200"}, echoOrigin...)})
			case done:
				write(w, r, "express", reply{Header: echoOrigin, Body: `{"id":3,"name":"third"}`})
			default:
				write(w, r, "express", reply{Status: 303, Header: append([]string{"Location: " + r.URL.Path + "?done=1"}, echoOrigin...)})
			}
		},
	},
	{
		Path: "/browsers/local-dev-server", Group: "Browsers", Platform: "express",
		Title:       "https page calling an http://127.0.0.1 dev server fails in Safari only",
		Description: "The deployed https page calls the API on the developer's machine over http. Chrome and Firefox treat loopback as secure; Safari blocks it as mixed content before any request.",
		RealWorld:   "docs/engines.md#loopback-mixed-content; WebKit MixedContentChecker.cpp",
		Method:      "GET", Origin: ProdOrigin, Verdict: Allowed, Rule: "CD1027",
		Engines: map[cors.Engine]string{cors.WebKit: Blocked},
		handler: static("express", nil, reply{Header: echoOrigin, Body: okBody}),
	},
}

// devOnly allows the dev origin only (express cors with a one-entry
// allowlist: other origins get no CORS headers at all).
func devOnly(w http.ResponseWriter, r *http.Request) {
	if r.Header.Get("Origin") == DevOrigin {
		write(w, r, "express", reply{Header: echoOrigin, Body: okBody})
		return
	}
	write(w, r, "express", reply{Header: []string{"Vary: Origin"}, Body: okBody})
}

// PathOnly returns the case path without its query string.
func (c *Case) PathOnly() string {
	p, _, _ := strings.Cut(c.Path, "?")
	return p
}

// CheckArgs returns the corsdoctor check arguments reproducing the case
// against the lab at base (e.g. "http://127.0.0.1:8080").
func (c *Case) CheckArgs(base string) []string {
	args := []string{"check", base + c.Path}
	for _, o := range append([]string{c.Origin}, c.AlsoOrigins...) {
		args = append(args, "--origin", o)
	}
	if c.Method != "GET" {
		args = append(args, "-X", c.Method)
	}
	for _, h := range c.Headers {
		args = append(args, "-H", h)
	}
	if c.Body != "" {
		args = append(args, "--data", c.Body)
	}
	if c.Credentials {
		args = append(args, "--credentials")
	}
	for _, e := range c.Expose {
		args = append(args, "--expose", e)
	}
	return args
}

// RequestHeaders returns the page's request headers (Headers, parsed).
func (c *Case) RequestHeaders() []cors.Header {
	var out []cors.Header
	for _, h := range c.Headers {
		k, v, _ := strings.Cut(h, ":")
		out = append(out, cors.Header{Name: strings.TrimSpace(k), Value: strings.TrimSpace(v)})
	}
	return out
}

// CheckCommand is CheckArgs as a shell command line.
func (c *Case) CheckCommand(base string) string {
	args := c.CheckArgs(base)
	out := make([]string, 0, len(args)+1)
	out = append(out, "corsdoctor")
	for _, a := range args {
		out = append(out, shell.Quote(a))
	}
	return strings.Join(out, " ")
}
