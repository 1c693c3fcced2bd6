package rules

import (
	"fmt"

	"github.com/corsdoctor/corsdoctor/cors"
	"github.com/corsdoctor/corsdoctor/diag"
	"github.com/corsdoctor/corsdoctor/evidence"
)

// CD1003 fires when authentication answers the preflight with 401/403.
var cd1003 = &diag.Rule{
	ID:       "CD1003",
	Needs:    diag.NeedsExchanges,
	Name:     "preflight-blocked-by-auth",
	Severity: diag.Error,
	Rank:     25,
	Since:    "0.1.0",
	Title:    "Authentication rejects the OPTIONS preflight",
	Doc: `Browsers never send credentials (cookies, Authorization, API keys) on a
preflight. If an authorizer, API key requirement or auth middleware runs on OPTIONS,
it answers 401 or 403 and the real request is never sent. On API Gateway this is an
authorizer or apiKeyRequired on the OPTIONS method (SAM DefaultAuthorizer without
AddDefaultAuthorizerToCorsPreflight: false, CDK defaultMethodOptions), or, on HTTP APIs
without a CORS configuration, an authorizer on ANY /{proxy+} or $default.

Before:  OPTIONS /items -> 401 Unauthorized
After:   OPTIONS /items -> 204 No Content with the Access-Control-Allow-* headers

Fix pattern: handle OPTIONS before auth middleware.`,
	Fix: map[diag.Platform]string{
		diag.Generic:    "Exempt OPTIONS from authentication: answer preflights in the CORS layer before the auth layer runs.",
		diag.APIGwREST:  "Set the OPTIONS method's authorizationType to NONE and apiKeyRequired to false: aws apigateway update-method --rest-api-id {{api_id}} --resource-id RID --http-method OPTIONS --patch-operations op=replace,path=/authorizationType,value=NONE op=replace,path=/apiKeyRequired,value=false; SAM: Auth: {AddDefaultAuthorizerToCorsPreflight: false, AddApiKeyRequiredToCorsPreflight: false}; then redeploy.",
		diag.APIGwHTTP:  "Configure CorsConfiguration on the API so API Gateway answers preflights before authorizers run, or add an OPTIONS /{proxy+} route without an authorizer.",
		diag.FastAPI:    "Add CORSMiddleware after (so outside of) authentication middleware: app.add_middleware(AuthMiddleware); app.add_middleware(CORSMiddleware, ...) — the last added runs first.",
		diag.Django:     "Put 'corsheaders.middleware.CorsMiddleware' above authentication middleware in MIDDLEWARE.",
		diag.Express:    "Register app.use(cors(opts)) before the auth middleware (app.use(passport...)/jwt()).",
		diag.GoPlatform: "Wrap the auth middleware inside the CORS middleware: cors.Wrap(auth(mux)), not auth(cors.Wrap(mux)).",
		diag.Nginx:      "Answer OPTIONS with 204 in the location before auth_request/auth_basic applies (if ($request_method = OPTIONS) { ... return 204; }).",
		diag.Spring:     "Let preflights through Spring Security: http.cors(withDefaults()) with a CorsConfigurationSource bean for {{origin}} (the CorsFilter then answers OPTIONS before authorization), or .requestMatchers(HttpMethod.OPTIONS, \"/**\").permitAll().",
		diag.ASPNET:     "app.UseCors(...) must come after UseRouting and before UseAuthentication/UseAuthorization; endpoint policies with [Authorize] still let CORS preflights through when UseCors runs first.",
		diag.Flask:      "Skip authentication for OPTIONS (in before_request or the auth decorator: if request.method == 'OPTIONS': return) and let Flask-CORS answer it.",
		diag.Kong:       "Attach the cors plugin (preflight_continue=false) to the same service or route so Kong answers preflights before key-auth/jwt/acl run; recent Kong versions let auth plugins skip OPTIONS (run_on_preflight=false).",
		diag.Azure:      "API Management: put the <cors> policy first in <inbound> (before validate-jwt / check-header) so preflights are answered without a subscription key; Functions: authLevel anonymous on OPTIONS, or let the platform CORS answer.",
		diag.GCP:        "Preflights carry no credentials, so an IAM-protected Cloud Run service or function refuses them before your code runs: allow unauthenticated invocations (roles/run.invoker for allUsers) and authenticate in the code, or serve the API through a gateway that answers OPTIONS.",
		diag.S3:         s3CORSFix,
	},
	Check: func(p *diag.Pass) {
		blocked(p, func(i int, ex *evidence.Exchange) {
			st := ex.Result.PreflightStatus
			r := failedResponse(ex)
			if st != 401 && st != 403 || isMissingAuthToken(r) {
				return
			}
			rec := recognised(ex)
			if rec != nil && rec.Kind != evidence.KindAuth && !weakAgainstAuth(ex, rec) {
				return // a CORS layer refused (CD1035) or is not configured (CD1036): no authentication here
			}
			if rec != nil && rec.Kind != evidence.KindAuth {
				rec = nil // a shared shape: the request's credentials point at authentication
			}
			d := fmt.Sprintf("the preflight OPTIONS %s was answered %d: authentication runs on the preflight, which never carries credentials", ex.Result.URL, st)
			if r != nil && header(r, "x-amzn-errortype") != "" {
				d += fmt.Sprintf(" (API Gateway error type %s)", header(r, "x-amzn-errortype"))
			}
			if rec != nil {
				d += fmt.Sprintf("; %s answered (%s): %s", rec.Layer, rec.Marker, rec.Meaning)
			}
			d += forceActualNote(ex)
			plat, fix := fixFor(p.Rule.Fix, fixPlatform(ex, rec))
			p.ReportFixText(i, loc(ex), plat, fix, d, exchangeEvidence(ex, "")...)
		}, cors.PreflightMissingAllowOriginHeader, cors.PreflightInvalidStatus, cors.PreflightAllowOriginMismatch)
	},
}
