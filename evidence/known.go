package evidence

import (
	"net/http"
	"strings"
)

// KnownKind says what a recognised response means for CORS.
type KnownKind string

// Kinds of recognised responses.
const (
	// KindRefused: a CORS layer evaluated the request against its
	// configuration and refused it (origin, method or headers not allowed).
	KindRefused KnownKind = "refused"
	// KindNotConfigured: the layer has no CORS configuration at all.
	KindNotConfigured KnownKind = "not-configured"
	// KindConfigError: the CORS configuration itself is invalid and the
	// layer fails with an error instead of answering.
	KindConfigError KnownKind = "config-error"
	// KindAuth: authentication or authorization answered.
	KindAuth KnownKind = "auth"
	// KindNoRoute: nothing handles this method or path (for a preflight:
	// OPTIONS is not handled).
	KindNoRoute KnownKind = "no-route"
	// KindDefaultOptions: the framework answered OPTIONS by itself, with
	// no CORS layer involved (or a CORS layer that adds nothing when it
	// refuses).
	KindDefaultOptions KnownKind = "default-options"
	// KindServerError: the application, its integration or an upstream
	// failed.
	KindServerError KnownKind = "server-error"
	// KindTooLarge: the request body exceeds a size limit.
	KindTooLarge KnownKind = "too-large"
)

// Known is a response shape of a well-known server, gateway or CORS
// library: its status, headers and body say what happened, usually more
// precisely than the missing CORS headers do. The table KnownResponses is
// the one place where corsdoctor reads error bodies; platform detection,
// explain, check, har and browser all go through Recognise.
type Known struct {
	// ID is stable, kebab-case: "starlette-disallowed".
	ID string
	// Platform is the platform the shape identifies (DetectPlatform's
	// names), or "" when it is shared by many servers.
	Platform string
	// Layer names what produced the response, for messages.
	Layer string
	Kind  KnownKind
	// Meaning is one sentence for the report.
	Meaning string
	// Source says where the shape comes from: the library's source file,
	// or the documentation that shows it.
	Source string
	// Preflight limits the shape to preflight responses (1), to actual
	// responses (-1), or accepts both (0).
	Preflight int
	match     func(r *Response) (marker string, refused []string, ok bool)
	// weak reports, for a match, whether the shape is shared.
	weak func(r *Response) bool
}

// Recognition is a response matched against a Known shape.
type Recognition struct {
	*Known
	// Marker is what matched, quoted for the report: `body "Disallowed
	// CORS origin"`.
	Marker string
	// Refused lists what the layer says it refused, when it says so:
	// "origin", "method", "headers".
	Refused []string
	// Weak is true when other layers answer the same way (a bare 403 is
	// jub0bs/cors's refusal, and also what a hand-written authorization
	// check sends): rules weigh the request before trusting it.
	Weak bool
}

// Recognise matches r, a preflight response when preflight is true,
// against KnownResponses and returns the first match, or nil.
func Recognise(r *Response, preflight bool) *Recognition {
	if r == nil {
		return nil
	}
	for _, k := range KnownResponses {
		if k.Preflight == 1 && !preflight || k.Preflight == -1 && preflight {
			continue
		}
		if m, ref, ok := k.match(r); ok {
			return &Recognition{Known: k, Marker: m, Refused: ref, Weak: k.weak != nil && k.weak(r)}
		}
	}
	return nil
}

// body returns at most the first 4 KiB of the body, lower-cased trims
// are left to callers.
func body(r *Response) string {
	b := r.Body
	if len(b) > 4096 {
		b = b[:4096]
	}
	return string(b)
}

func bodyHas(r *Response, s string) bool {
	return strings.Contains(strings.ToLower(body(r)), strings.ToLower(s))
}

// quoteBody renders `body "..."` with the first line of the body that
// contains s (clipped).
func quoteBody(r *Response, s string) string {
	b := body(r)
	i := strings.Index(strings.ToLower(b), strings.ToLower(s))
	if i < 0 {
		return `body "` + clip(strings.TrimSpace(b)) + `"`
	}
	start := strings.LastIndexByte(b[:i], '\n') + 1
	end := strings.IndexByte(b[i:], '\n')
	line := b[start:]
	if end >= 0 {
		line = b[start : i+end]
	}
	line = StripTags(line)
	return `body "` + clip(line) + `"`
}

// StripTags removes HTML tags (a tag counts as a space) and collapses
// whitespace: the text of an error page.
func StripTags(s string) string {
	var b strings.Builder
	in := false
	for _, c := range s {
		switch {
		case c == '<':
			in = true
			b.WriteByte(' ')
		case c == '>':
			in = false
		case !in:
			b.WriteRune(c)
		}
	}
	return strings.Join(strings.Fields(b.String()), " ")
}

// anyCORSHeader reports whether r carries an Access-Control-Allow-* or
// -Expose-/-Max-Age header.
func anyCORSHeader(r *Response) bool {
	for k := range r.Header {
		if strings.HasPrefix(strings.ToLower(k), "access-control-") {
			return true
		}
	}
	return false
}

func headerValue(r *Response, name string) string {
	return strings.Join(r.Header.Values(http.CanonicalHeaderKey(name)), ", ")
}

// varyHas reports whether Vary names every item.
func varyHas(r *Response, items ...string) bool {
	v := strings.ToLower(headerValue(r, "Vary"))
	for _, it := range items {
		if !strings.Contains(v, strings.ToLower(it)) {
			return false
		}
	}
	return true
}

func emptyBody(r *Response) bool { return len(strings.TrimSpace(string(r.Body))) == 0 }

func is2xx(r *Response) bool { return r.Status >= 200 && r.Status <= 299 }

func errorTypeOf(r *Response) string {
	et, _, _ := strings.Cut(headerValue(r, "X-Amzn-Errortype"), ":")
	return strings.TrimSpace(et)
}

// KnownResponses is the table of recognised shapes, most specific first.
// Every entry has a test (known_test.go) built from the real server's
// answer or from its documentation, named in Source.
var KnownResponses = []*Known{
	// Amazon S3 bucket CORS. S3 evaluates a preflight against the bucket's
	// CORS rules and answers 403 AccessForbidden with a CORSResponse message.
	{
		ID: "s3-cors-not-enabled", Platform: PlatformS3, Layer: "Amazon S3 bucket CORS", Kind: KindNotConfigured,
		Meaning: "the bucket has no CORS configuration, so S3 refuses every cross-origin preflight",
		Source:  "AWS S3 docs, Troubleshooting CORS (403 \"CORSResponse: CORS is not enabled for this bucket\")",
		match: func(r *Response) (string, []string, bool) {
			if r.Status == 403 && bodyHas(r, "CORS is not enabled for this bucket") {
				return quoteBody(r, "CORS is not enabled"), nil, true
			}
			return "", nil, false
		},
	},
	{
		ID: "s3-cors-not-allowed", Platform: PlatformS3, Layer: "Amazon S3 bucket CORS", Kind: KindRefused,
		Meaning: "no CORS rule of the bucket matches this request's origin, method (Access-Control-Request-Method) and headers (Access-Control-Request-Headers) all at once",
		Source:  "AWS S3 docs, Troubleshooting CORS (403 \"CORSResponse: This CORS request is not allowed\")",
		match: func(r *Response) (string, []string, bool) {
			if r.Status == 403 && bodyHas(r, "This CORS request is not allowed") {
				return quoteBody(r, "This CORS request is not allowed"), nil, true
			}
			return "", nil, false
		},
	},
	// Starlette/FastAPI CORSMiddleware: a refused preflight is answered 400
	// text/plain "Disallowed CORS origin, method, headers" (the failures,
	// comma-joined). starlette/middleware/cors.py preflight_response.
	{
		ID: "starlette-disallowed", Platform: PlatformFastAPI, Layer: "Starlette CORSMiddleware (FastAPI)", Kind: KindRefused, Preflight: 1,
		Meaning: "CORSMiddleware compared the preflight with allow_origins, allow_methods and allow_headers and refused it",
		Source:  "starlette/middleware/cors.py, CORSMiddleware.preflight_response (observed with Starlette 0.26)",
		match: func(r *Response) (string, []string, bool) {
			b := strings.TrimSpace(body(r))
			if r.Status != 400 || !strings.HasPrefix(b, "Disallowed CORS ") {
				return "", nil, false
			}
			var refused []string
			for _, it := range strings.Split(strings.TrimPrefix(b, "Disallowed CORS "), ",") {
				switch it = strings.TrimSpace(it); it {
				case "origin", "method", "headers":
					refused = append(refused, it)
				}
			}
			return `body "` + clip(b) + `"`, refused, true
		},
	},
	// Spring Framework DefaultCorsProcessor.rejectRequest: 403 "Invalid
	// CORS request" when the origin, method or headers are not allowed.
	{
		ID: "spring-invalid-cors", Platform: PlatformSpring, Layer: "Spring CORS processing (DefaultCorsProcessor)", Kind: KindRefused,
		Meaning: "Spring's CorsConfiguration does not allow this origin, method or one of the request headers",
		Source:  "spring-web org/springframework/web/cors/DefaultCorsProcessor.java rejectRequest",
		match: func(r *Response) (string, []string, bool) {
			if r.Status == 403 && strings.TrimSpace(body(r)) == "Invalid CORS request" {
				return `body "Invalid CORS request"`, nil, true
			}
			return "", nil, false
		},
	},
	// Spring 5.3+ CorsConfiguration.validateAllowCredentials throws when
	// allowCredentials is true and allowedOrigins contains "*".
	{
		ID: "spring-credentials-wildcard", Platform: PlatformSpring, Layer: "Spring CorsConfiguration", Kind: KindConfigError,
		Meaning: "Spring's CorsConfiguration has allowCredentials true with allowedOrigins \"*\", which Spring 5.3+ rejects with IllegalArgumentException on every CORS request (a 500)",
		Source:  "spring-web org/springframework/web/cors/CorsConfiguration.java validateAllowCredentials",
		match: func(r *Response) (string, []string, bool) {
			if r.Status == 500 && bodyHas(r, "allowedOrigins cannot contain the special value") {
				return quoteBody(r, "allowedOrigins cannot contain"), nil, true
			}
			return "", nil, false
		},
	},
	{
		ID: "spring-preflight-500", Platform: PlatformSpring, Layer: "Spring CORS processing", Kind: KindConfigError, Preflight: 1,
		Meaning: "Spring answers preflights in its CORS processor before any controller runs, so a 500 on a preflight is the CORS configuration failing (typically allowCredentials true with allowedOrigins \"*\", rejected by Spring 5.3+)",
		Source:  "spring-webmvc AbstractHandlerMapping PreFlightHandler; spring-web CorsConfiguration.validateAllowCredentials",
		match: func(r *Response) (string, []string, bool) {
			if r.Status == 500 && springErrorJSON(r) {
				return `Spring Boot error body ("timestamp", "status": 500, "error", "path") on a preflight`, nil, true
			}
			return "", nil, false
		},
	},
	// Express with the cors package: an origin callback that calls
	// callback(new Error(...)) ends in Express's default error handler: 500
	// with the error's message ("Not allowed by CORS" in the package's
	// README example).
	{
		ID: "express-cors-callback-error", Platform: "", Layer: "the CORS origin check (e.g. the Express cors package's origin callback)", Kind: KindRefused,
		Meaning: "the CORS origin check rejected the origin by raising an error, which the framework's default error handler turned into a 500: a CORS refusal, not a server bug",
		Source:  "expressjs/cors README (origin callback example) and lib/index.js; express finalhandler (observed with express 4, cors 2.8)",
		match: func(r *Response) (string, []string, bool) {
			if r.Status >= 400 && bodyHas(r, "not allowed by cors") {
				return quoteBody(r, "not allowed by cors"), []string{"origin"}, true
			}
			return "", nil, false
		},
	},
	// Azure Functions host (and Core Tools) CORS: 400 {"Message":"The
	// origin 'X' is not allowed."}-like bodies.
	{
		ID: "azure-origin-not-allowed", Platform: PlatformAzure, Layer: "Azure Functions / App Service CORS", Kind: KindRefused,
		Meaning: "the platform's CORS settings (portal API > CORS, or func start --cors) do not list this origin",
		Source:  "Azure/azure-functions-core-tools issue 98 (response body quoted there)",
		match: func(r *Response) (string, []string, bool) {
			if r.Status == 400 && bodyHas(r, "the origin '") && bodyHas(r, "is not allowed") {
				return quoteBody(r, "is not allowed"), []string{"origin"}, true
			}
			return "", nil, false
		},
	},
	// jub0bs/cors: a refused preflight is 403 without any CORS header and
	// without a body: with Vary listing the preflight request headers up
	// to v0.6, with no header at all in later versions (v0.14).
	{
		ID: "jub0bs-cors-refused", Platform: PlatformGo, Layer: "Go CORS middleware (github.com/jub0bs/cors)", Kind: KindRefused, Preflight: 1,
		Meaning: "the CORS middleware refused the preflight: the origin, the method or a request header is not in its configuration (jub0bs/cors answers a bare 403 without CORS headers; nothing authenticates there)",
		Source:  "github.com/jub0bs/cors middleware.go (observed with v0.6.0: Vary only; v0.14.0: no header at all)",
		match: func(r *Response) (string, []string, bool) {
			if r.Status != 403 || anyCORSHeader(r) || !emptyBody(r) {
				return "", nil, false
			}
			if varyHas(r, "Access-Control-Request-Method", "Origin") {
				return "403, empty body, no CORS headers, Vary: " + headerValue(r, "Vary"), nil, true
			}
			if bare(r) {
				return "a bare 403: no body, no Content-Type, no Server, no authentication header", nil, true
			}
			return "", nil, false
		},
		weak: func(r *Response) bool { return !varyHas(r, "Access-Control-Request-Method") },
	},
	// rs/cors: a refused preflight is 204 (200 before v1.10) with only the
	// Vary header; the middleware sets Access-Control-Allow-Origin only
	// when origin, method and headers are all allowed.
	{
		ID: "rs-cors-refused", Platform: PlatformGo, Layer: "Go CORS middleware (github.com/rs/cors or alike)", Kind: KindRefused, Preflight: 1,
		Meaning: "the CORS middleware answered the preflight but left out every Access-Control-Allow-* header: the origin, the method or a request header is not in its configuration",
		Source:  "github.com/rs/cors cors.go handlePreflight (observed with v1.11.1); rs/cors issue 13",
		match: func(r *Response) (string, []string, bool) {
			if is2xx(r) && !anyCORSHeader(r) && emptyBody(r) && varyHas(r, "Access-Control-Request-Method", "Origin") {
				return r.StatusLine() + " with only Vary: " + headerValue(r, "Vary"), nil, true
			}
			return "", nil, false
		},
	},
	// django-cors-headers answers every preflight itself: 200, empty
	// text/html, Vary: origin, and CORS headers only for allowed origins.
	{
		ID: "django-cors-headers-refused", Platform: PlatformDjango, Layer: "django-cors-headers", Kind: KindRefused, Preflight: 1,
		Meaning: "django-cors-headers answered the preflight without CORS headers: the origin is not in CORS_ALLOWED_ORIGINS (or CORS_ALLOWED_ORIGIN_REGEXES)",
		Source:  "adamchainz/django-cors-headers src/corsheaders/middleware.py (observed with 3.14 on Django 3.2)",
		match: func(r *Response) (string, []string, bool) {
			ct := strings.ToLower(headerValue(r, "Content-Type"))
			if r.Status == 200 && !anyCORSHeader(r) && emptyBody(r) && strings.EqualFold(strings.TrimSpace(headerValue(r, "Vary")), "origin") &&
				strings.HasPrefix(ct, "text/html") && headerValue(r, "Allow") == "" {
				return "200, empty text/html, Vary: Origin, no CORS headers", []string{"origin"}, true
			}
			return "", nil, false
		},
	},
	// The Express cors package with a static allowlist (or an origin
	// callback answering false) answers a refused preflight 204 with
	// Access-Control-Allow-Methods but no Access-Control-Allow-Origin.
	{
		ID: "cors-origin-omitted", Platform: "", Layer: "the CORS middleware", Kind: KindRefused, Preflight: 1,
		Meaning: "a CORS layer answered the preflight (it sent Access-Control-Allow-Methods/-Headers) but left out Access-Control-Allow-Origin: its allowlist does not contain this origin",
		Source:  "expressjs/cors lib/index.js configureOrigin (observed with cors 2.8: 204, Access-Control-Allow-Methods, Vary: Origin)",
		match: func(r *Response) (string, []string, bool) {
			if is2xx(r) && headerValue(r, "Access-Control-Allow-Origin") == "" &&
				(headerValue(r, "Access-Control-Allow-Methods") != "" || headerValue(r, "Access-Control-Allow-Headers") != "") {
				return "Access-Control-Allow-Methods/-Headers without Access-Control-Allow-Origin", []string{"origin"}, true
			}
			return "", nil, false
		},
	},
	// ASP.NET Core CorsMiddleware answers every preflight 204 and adds
	// CORS headers only when the policy allows the request.
	{
		ID: "aspnet-cors-refused", Platform: PlatformASPNET, Layer: "ASP.NET Core CORS middleware", Kind: KindRefused, Preflight: 1,
		Meaning: "ASP.NET Core's CORS middleware answered the preflight 204 without CORS headers: the policy (WithOrigins, WithMethods, WithHeaders) does not allow the origin, method or a header, or no policy applies to this endpoint",
		Source:  "dotnet/aspnetcore src/Middleware/CORS/src/Infrastructure/CorsMiddleware.cs (preflight short-circuit with 204)",
		match: func(r *Response) (string, []string, bool) {
			srv := strings.ToLower(headerValue(r, "Server"))
			if r.Status == 204 && !anyCORSHeader(r) && (strings.Contains(srv, "kestrel") || strings.Contains(strings.ToLower(headerValue(r, "X-Powered-By")), "asp.net")) {
				return "204 without CORS headers from " + headerOr(r, "Server", "X-Powered-By"), nil, true
			}
			return "", nil, false
		},
	},
	// Flask (Werkzeug) answers OPTIONS itself with 200, an Allow header and
	// an empty body; Flask-CORS adds nothing when it refuses the origin.
	{
		ID: "flask-default-options", Platform: PlatformFlask, Layer: "Flask's automatic OPTIONS response", Kind: KindDefaultOptions, Preflight: 1,
		Meaning: "Flask answered OPTIONS by itself (automatic OPTIONS with an Allow header): no CORS layer added headers, either because Flask-CORS is not applied to this route or because it refused the origin (it adds nothing then)",
		Source:  "pallets/flask app.py make_default_options_response; corydolphin/flask-cors core.py (observed with Flask 2.2, Flask-CORS 3.0)",
		match: func(r *Response) (string, []string, bool) {
			if r.Status == 200 && !anyCORSHeader(r) && emptyBody(r) && headerValue(r, "Allow") != "" && werkzeug(r) {
				return "200 with Allow: " + headerValue(r, "Allow") + " and no CORS headers", nil, true
			}
			return "", nil, false
		},
	},
	// API Gateway REST: no method or resource for this path in the
	// deployed stage.
	{
		ID: "apigw-missing-authentication-token", Platform: PlatformAPIGwREST, Layer: "API Gateway (REST)", Kind: KindNoRoute,
		Meaning: "API Gateway has no such method or resource in the deployed stage (\"Missing Authentication Token\"): the OPTIONS method is missing, or the API was not redeployed after adding it, or the path/stage is wrong",
		Source:  "AWS API Gateway docs, gateway response MISSING_AUTHENTICATION_TOKEN",
		match: func(r *Response) (string, []string, bool) {
			if r.Status == 403 && (strings.HasPrefix(errorTypeOf(r), "MissingAuthenticationToken") || bodyHas(r, "Missing Authentication Token")) {
				return "x-amzn-ErrorType/body \"Missing Authentication Token\"", nil, true
			}
			return "", nil, false
		},
	},
	{
		ID: "apigw-integration-failure", Platform: PlatformAPIGwREST, Layer: "API Gateway and its Lambda integration", Kind: KindServerError,
		Meaning: "API Gateway got no valid answer from the integration: with a Lambda proxy integration, the function crashed, timed out or returned a malformed proxy response ({statusCode, headers, body})",
		Source:  "AWS knowledge center malformed-502-api-gateway; gateway responses INTEGRATION_FAILURE",
		match: func(r *Response) (string, []string, bool) {
			if r.Status == 502 && (errorTypeOf(r) != "" || bodyHas(r, `"message": "Internal server error"`) || bodyHas(r, `"message":"Internal server error"`)) {
				return quoteBody(r, "internal server error"), nil, true
			}
			return "", nil, false
		},
	},
	{
		ID: "apigw-http-not-found", Platform: PlatformAPIGwHTTP, Layer: "API Gateway (HTTP API)", Kind: KindNoRoute,
		Meaning: "the HTTP API has no route for this method and path; for a preflight, the API has no CorsConfiguration (with one, API Gateway answers OPTIONS itself)",
		Source:  "AWS API Gateway docs, Configuring CORS for an HTTP API",
		match: func(r *Response) (string, []string, bool) {
			if r.Status == 404 && headerValue(r, "Apigw-Requestid") != "" && bodyHas(r, `"Not Found"`) {
				return `body {"message":"Not Found"} with apigw-requestid`, nil, true
			}
			return "", nil, false
		},
	},
	// Kong gateway plugins.
	{
		ID: "kong-no-api-key", Platform: PlatformKong, Layer: "Kong key-auth plugin", Kind: KindAuth,
		Meaning: "Kong's key-auth plugin ran on this request and found no API key (browsers never send one on a preflight)",
		Source:  "Kong/kong issue 852 (response quoted there); kong/plugins/key-auth/handler.lua",
		match: func(r *Response) (string, []string, bool) {
			if r.Status == 401 && bodyHas(r, "No API key found in request") {
				return quoteBody(r, "No API key found"), nil, true
			}
			return "", nil, false
		},
	},
	{
		ID: "kong-no-route", Platform: PlatformKong, Layer: "Kong router", Kind: KindNoRoute,
		Meaning: "no Kong route matches this method and path (a route limited to methods without OPTIONS never sees the preflight)",
		Source:  "kong/router; Kong docs, Route object methods",
		match: func(r *Response) (string, []string, bool) {
			if r.Status == 404 && bodyHas(r, "no Route matched") {
				return quoteBody(r, "no Route matched"), nil, true
			}
			return "", nil, false
		},
	},
	{
		ID: "apim-subscription-key", Platform: PlatformAzure, Layer: "Azure API Management", Kind: KindAuth,
		Meaning: "API Management requires a subscription key on this API, and browsers never send it on a preflight",
		Source:  "Azure API Management docs, subscriptions (401 \"Access denied due to missing subscription key\")",
		match: func(r *Response) (string, []string, bool) {
			if r.Status == 401 && bodyHas(r, "missing subscription key") {
				return quoteBody(r, "missing subscription key"), nil, true
			}
			return "", nil, false
		},
	},
	{
		ID: "gcp-iam-forbidden", Platform: PlatformGCP, Layer: "Google Cloud Run / Cloud Functions IAM", Kind: KindAuth,
		Meaning: "the service requires authentication (IAM invoker): unauthenticated requests, and every preflight, are refused before your code runs",
		Source:  "Google Cloud Run docs, Allowing public (unauthenticated) access",
		match: func(r *Response) (string, []string, bool) {
			if r.Status == 403 && bodyHas(r, "does not have permission to get URL") {
				return quoteBody(r, "does not have permission"), nil, true
			}
			return "", nil, false
		},
	},
	// Request bodies over a proxy's limit: nginx answers 413 itself, before
	// the application (and its CORS headers) runs.
	{
		ID: "request-too-large", Platform: "", Layer: "the web server or proxy in front of the application", Kind: KindTooLarge,
		Meaning: "the request body is larger than the server allows (nginx client_max_body_size, 1 MB by default); the proxy answered 413 before the application could add CORS headers",
		Source:  "nginx ngx_http_core_module client_max_body_size; RFC 9110 section 15.5.14",
		match: func(r *Response) (string, []string, bool) {
			if r.Status == 413 {
				return r.StatusLine(), nil, true
			}
			return "", nil, false
		},
	},
	{
		ID: "nginx-upstream-error", Platform: PlatformNginx, Layer: "nginx", Kind: KindServerError,
		Meaning: "nginx answered with its own error page: the application behind it is down, too slow or crashed",
		Source:  "nginx ngx_http_special_response.c (default error pages)",
		match: func(r *Response) (string, []string, bool) {
			if r.Status >= 500 && bodyHas(r, "<center>nginx") {
				return quoteBody(r, "<title>"), nil, true
			}
			return "", nil, false
		},
	},
	{
		ID: "envoy-upstream-error", Platform: PlatformEnvoy, Layer: "Envoy", Kind: KindServerError,
		Meaning: "Envoy could not reach a healthy upstream and answered itself",
		Source:  "envoyproxy/envoy source/common/router/router.cc (\"no healthy upstream\", \"upstream connect error\")",
		match: func(r *Response) (string, []string, bool) {
			if r.Status >= 500 && (bodyHas(r, "no healthy upstream") || bodyHas(r, "upstream connect error")) {
				return quoteBody(r, "upstream"), nil, true
			}
			return "", nil, false
		},
	},
	{
		ID: "fastapi-method-not-allowed", Platform: PlatformFastAPI, Layer: "FastAPI routing", Kind: KindNoRoute,
		Meaning: "the request reached FastAPI's router, which has no route for this method: CORSMiddleware did not answer it (not added on the app that serves this path, or added to a sub-application)",
		Source:  "starlette/routing.py (405 {\"detail\":\"Method Not Allowed\"} in FastAPI)",
		match: func(r *Response) (string, []string, bool) {
			if r.Status == 405 && strings.Contains(body(r), `{"detail":"Method Not Allowed"}`) {
				return `body {"detail":"Method Not Allowed"}`, nil, true
			}
			return "", nil, false
		},
	},
	{
		ID: "express-cannot", Platform: PlatformExpress, Layer: "Express routing", Kind: KindNoRoute,
		Meaning: "no Express route or middleware answered this method and path (\"Cannot METHOD /path\" from Express's final handler)",
		Source:  "pillarjs/finalhandler (404 \"Cannot GET /path\")",
		match: func(r *Response) (string, []string, bool) {
			if r.Status == 404 && strings.Contains(body(r), "<pre>Cannot ") {
				return quoteBody(r, "Cannot "), nil, true
			}
			return "", nil, false
		},
	},
}

// bare reports whether r carries nothing but framing headers (Date,
// Content-Length, Connection): no server, content type, authentication
// challenge or cookie, as Go's net/http answers a handler that only
// calls WriteHeader. A response with no header at all is an incomplete
// copy, not a bare answer (net/http always sends Date).
func bare(r *Response) bool {
	framing := false
	for k := range r.Header {
		switch strings.ToLower(k) {
		case "date", "content-length":
			framing = true
		case "connection", "keep-alive":
		default:
			return false
		}
	}
	return framing
}

func headerOr(r *Response, names ...string) string {
	for _, n := range names {
		if v := headerValue(r, n); v != "" {
			return n + ": " + v
		}
	}
	return ""
}

// springErrorJSON recognises Spring Boot's default error body:
// {"timestamp":...,"status":N,"error":"...","path":"..."}.
func springErrorJSON(r *Response) bool {
	b := body(r)
	return strings.Contains(b, `"timestamp"`) && strings.Contains(b, `"status"`) && strings.Contains(b, `"error"`) && strings.Contains(b, `"path"`)
}

// werkzeug recognises Flask's server library: the Werkzeug development
// server's Server header, or Werkzeug's upper-case reason phrases
// ("404 NOT FOUND"), which survive behind gunicorn.
func werkzeug(r *Response) bool {
	if strings.Contains(strings.ToLower(headerValue(r, "Server")), "werkzeug") {
		return true
	}
	t := r.StatusText
	return len(t) > 2 && t == strings.ToUpper(t) && t != "OK" && strings.ContainsAny(t, "ABCDEFGHIJKLMNOPQRSTUVWXYZ") && strings.Contains(t, " ")
}
