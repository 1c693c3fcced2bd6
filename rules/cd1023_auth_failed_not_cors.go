package rules

import (
	"fmt"
	"strings"

	"github.com/corsdoctor/corsdoctor/cors"
	"github.com/corsdoctor/corsdoctor/diag"
	"github.com/corsdoctor/corsdoctor/evidence"
)

// CD1023 fires when the actual request fails authentication (401, or 403
// from an authorizer) and the error carries no CORS headers.
var cd1023 = &diag.Rule{
	ID:       "CD1023",
	Needs:    diag.NeedsExchanges,
	Name:     "auth-failed-not-cors",
	Severity: diag.Error,
	Rank:     6,
	Since:    "0.1.0",
	Title:    "Not a CORS problem: authentication rejected the request, and its 401/403 has no CORS headers",
	Doc: `The preflight passed (or none was needed) and the request reached the
server, but authentication rejected it: an expired or missing token, a wrong API key,
an authorizer denying the method. The 401/403 is produced by the auth layer before the
CORS layer adds its headers, so the browser reports a CORS error and the page never
learns it is an authentication failure. A 401 from auth middleware before CORS headers
are set looks identical to a CORS failure in the browser.

On API Gateway REST APIs, a Lambda authorizer whose policy is cached (TTL > 0) for the
exact method ARN allows the first method and denies the next one with 403
AccessDeniedException ("User is not authorized to access this resource"): the policy
must cover every method the token may call (serverless/serverless#6176).

Fix both: send the right credentials (or fix the authorizer), and make the auth layer's
errors carry CORS headers so the page sees the 401.`,
	Fix: map[diag.Platform]string{
		diag.Generic:    "Fix the credentials the page sends (token, API key, cookie) or the authorization rule; and run CORS before (outside) authentication so 401/403 responses carry Access-Control-Allow-Origin.",
		diag.APIGwREST:  "Add CORS headers to the UNAUTHORIZED and ACCESS_DENIED (or DEFAULT_4XX) gateway responses: aws apigateway put-gateway-response --rest-api-id {{api_id}} --response-type DEFAULT_4XX --response-parameters file://cors.json; redeploy. For an authorizer with caching, return a policy covering every method (arn:aws:execute-api:REGION:ACCOUNT:API/STAGE/*) or set the TTL to 0.",
		diag.APIGwHTTP:  "With a CorsConfiguration the API adds CORS headers to authorizer 401/403 responses; check the token (JWT issuer/audience, Lambda authorizer response) the page sends.",
		diag.FastAPI:    "Add CORSMiddleware last (outermost) so it decorates 401s raised by authentication middleware; HTTPException(401) from a dependency is decorated already.",
		diag.Django:     "Put 'corsheaders.middleware.CorsMiddleware' above authentication middleware in MIDDLEWARE.",
		diag.Express:    "app.use(cors(opts)) before the auth middleware (passport, express-jwt), so its 401 carries the headers.",
		diag.GoPlatform: "Wrap auth inside CORS: mw.Wrap(auth(mux)), so auth's 401 goes through the CORS middleware.",
		diag.Nginx:      "Use add_header ... always in the location that runs auth_request/auth_basic, so the 401 carries the headers.",
	},
	Check: func(p *diag.Pass) {
		for i, ex := range p.Exchanges() {
			if !blockedOnActual(ex) {
				continue
			}
			// Only a response without Access-Control-Allow-Origin is "an
			// error response without CORS headers"; one whose CORS headers
			// fail (another origin, * with credentials) is CD1004/CD1006's.
			r := ex.Final()
			if r == nil || ex.Result.Error != cors.MissingAllowOriginHeader || !authFailure(r) || recognisedAs(ex, evidence.KindRefused, evidence.KindNotConfigured, evidence.KindConfigError) {
				continue
			}
			d := fmt.Sprintf("the request reached the server and authentication rejected it with %s; the rejection has no CORS headers, so the browser reports a CORS error instead of the %d", statusName(r.Status), r.Status)
			if hasAuthHeader(ex) {
				d += "; the page sends credentials, so check that they are valid (expired token, wrong audience, API key for another stage)"
			} else {
				d += "; the request carries no Authorization or API key: the endpoint requires authentication"
			}
			if errorType(r) == "ForbiddenException" && !hasAuthHeader(ex) {
				d += "; API Gateway answers 403 Forbidden when the method requires an API key (apiKeyRequired) and x-api-key is missing or invalid"
			}
			if errorType(r) == "AccessDeniedException" {
				d += "; API Gateway AccessDeniedException: a Lambda authorizer denied this method (a cached policy scoped to another method denies every other method)"
			}
			p.Report(i, loc(ex), d, statusEvidence(r, "response")...)
		}
	},
}

// authFailure reports whether r is an authentication/authorization
// rejection: 401, or 403 with an authentication signal.
func authFailure(r *evidence.Response) bool {
	if wafBlock(r) != "" {
		return false
	}
	switch r.Status {
	case 401, 407:
		return true
	case 403:
		switch errorType(r) {
		case "AccessDeniedException", "UnauthorizedException", "IncompleteSignatureException",
			"ExpiredTokenException", "InvalidSignatureException", "InvalidApiKeyException", "ForbiddenException":
			return true
		case "MissingAuthenticationTokenException":
			return false
		}
		if header(r, "www-authenticate") != "" {
			return true
		}
		b := strings.ToLower(bodySnippet(r))
		return strings.Contains(b, "not authorized") || strings.Contains(b, "token") || strings.Contains(b, "api key") || strings.Contains(b, "forbidden")
	}
	return false
}

func hasAuthHeader(ex *evidence.Exchange) bool {
	for _, h := range ex.Request.Headers {
		switch strings.ToLower(h.Name) {
		case "authorization", "x-api-key", "x-amz-security-token":
			return true
		}
	}
	return false
}
