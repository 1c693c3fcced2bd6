package rules

import (
	"github.com/corsdoctor/corsdoctor/diag"
	"github.com/corsdoctor/corsdoctor/evidence"
)

// CD3001 fires when the server echoes an arbitrary Origin.
var cd3001 = &diag.Rule{
	ID:       "CD3001",
	Needs:    diag.NeedsScanProbes,
	Name:     "origin-reflected",
	Severity: diag.Error,
	Rank:     10,
	Since:    "0.1.0",
	Title:    "Any origin is trusted: the server reflects the Origin header",
	Doc: `The server copies whatever Origin the request carries into
Access-Control-Allow-Origin. Every website can then read the response from a
visitor's browser. With Access-Control-Allow-Credentials: true the browser also
sends the visitor's cookies, so any page the victim opens reads their data
(severity error); without it (warning) attackers read what the server gives
anonymous callers, which still matters for intranet hosts or IP-based access.

This is the most common "fix" for a CORS error (echo the Origin to make the error
go away) and the most common CORS vulnerability.

corsdoctor proves it by sending Origin: https://corsdoctor-attacker.example and
asking the CORS engine whether a page at that origin gets the response. When the
response is not readable but the preflight from that origin grants PUT (or the
target's own method), the page can still send state-changing requests with the
victim's cookies; that is reported too.

Before:  Origin: https://corsdoctor-attacker.example
         Access-Control-Allow-Origin: https://corsdoctor-attacker.example
         Access-Control-Allow-Credentials: true
After:   (no Access-Control-Allow-Origin for origins outside the allowlist)

See https://portswigger.net/web-security/cors and
https://fetch.spec.whatwg.org/#cors-protocol-and-credentials`,
	Fix: map[diag.Platform]string{
		diag.Generic:    "Compare the Origin header with an exact allowlist of your front ends (scheme, host and port, byte for byte) and only then echo it, with Vary: Origin; never echo an unchecked Origin.",
		diag.Express:    "cors({ origin: ['https://app.example.com'], credentials: true }) instead of origin: true or a callback that always accepts.",
		diag.FastAPI:    "CORSMiddleware(allow_origins=['https://app.example.com']) instead of allow_origin_regex='.*' or a custom middleware echoing Origin.",
		diag.Django:     "CORS_ALLOWED_ORIGINS = ['https://app.example.com'] (not CORS_ALLOW_ALL_ORIGINS = True with CORS_ALLOW_CREDENTIALS).",
		diag.GoPlatform: "github.com/jub0bs/cors: cors.Config{Origins: []string{\"https://app.example.com\"}, Credentialed: true}; rs/cors: AllowedOrigins, never AllowOriginFunc returning true.",
		diag.Nginx:      "map $http_origin $cors_origin { default \"\"; \"https://app.example.com\" $http_origin; } then add_header Access-Control-Allow-Origin $cors_origin always; (never add_header ... $http_origin directly).",
		diag.APIGwREST:  "Return a fixed origin from the integration response mapping, or check Origin against an allowlist in the Lambda before echoing it.",
	},
	Check: func(p *diag.Pass) {
		scanOriginRule("arbitrary", func(pr *evidence.Probe) string {
			return "the server echoes the unrelated origin " + pr.Request.Origin + " in Access-Control-Allow-Origin: it trusts every origin"
		})(p)
		// A GET target whose response is not readable may still grant
		// the unrelated origin's preflight: the page cannot read, but
		// it can send state-changing requests.
		scanOriginRule("preflight", func(pr *evidence.Probe) string {
			return "the preflight echoes the unrelated origin " + pr.Request.Origin + " and allows " + pr.Request.Method + ": the page cannot read this URL's GET response, but it can send " + pr.Request.Method + " requests"
		}, "arbitrary")(p)
	},
}
