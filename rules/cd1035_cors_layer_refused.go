package rules

import (
	"fmt"
	"strings"

	"github.com/corsdoctor/corsdoctor/cors"
	"github.com/corsdoctor/corsdoctor/diag"
	"github.com/corsdoctor/corsdoctor/evidence"
)

// CD1035 fires when a recognised CORS layer (a library, a gateway, a
// bucket) says it refused the request: its status, headers or body match
// the layer's refusal (evidence.KnownResponses, kind "refused").
var cd1035 = &diag.Rule{
	ID:       "CD1035",
	Needs:    diag.NeedsExchanges,
	Name:     "cors-layer-refused",
	Severity: diag.Error,
	Rank:     3,
	Since:    "0.2.0",
	Title:    "The server's CORS configuration refused this origin, method or header",
	Doc: `A CORS layer is in place and answered the request, but its configuration does not
allow this request, and its answer says so in its own way. The status is then not the
cause (nothing authenticates, nothing crashed, OPTIONS is handled): the allowlist is.

Shapes recognised (evidence.KnownResponses, one test each):
  Starlette/FastAPI CORSMiddleware   400 "Disallowed CORS origin, method, headers"
                                     (allow_methods defaults to GET only)
  Spring DefaultCorsProcessor        403 "Invalid CORS request"
  Amazon S3 bucket CORS              403 AccessForbidden "CORSResponse: This CORS request is not allowed"
  Express cors origin callback       500 "Error: Not allowed by CORS" (a thrown refusal,
                                     turned into a 500 by the default error handler)
  jub0bs/cors (Go)                   403, empty, no CORS headers, Vary: Access-Control-Request-*
  rs/cors (Go)                       204 with only Vary
  django-cors-headers                200, empty text/html, Vary: Origin, no CORS headers
  Express cors with an allowlist     204 with Access-Control-Allow-Methods but no -Allow-Origin
  ASP.NET Core CorsMiddleware        204 without CORS headers
  Azure Functions / App Service      400 "The origin '...' is not allowed."

The comparison is exact: scheme, host and port, no trailing slash or path, and the method
and every requested header must be listed. When check sent the same request without its
Authorization/X-Api-Key and that preflight passed, the refused header is Authorization.

Before:  allow_origins=["https://app.example.com/"]      (trailing slash never matches)
After:   allow_origins=["https://app.example.com"]`,
	Fix: map[diag.Platform]string{
		diag.Generic:    allowlistFix[diag.Generic],
		diag.FastAPI:    allowlistFix[diag.FastAPI],
		diag.Django:     allowlistFix[diag.Django],
		diag.Flask:      allowlistFix[diag.Flask],
		diag.Express:    allowlistFix[diag.Express],
		diag.GoPlatform: allowlistFix[diag.GoPlatform],
		diag.Spring:     allowlistFix[diag.Spring],
		diag.ASPNET:     allowlistFix[diag.ASPNET],
		diag.S3:         s3CORSFix,
		diag.Azure:      allowlistFix[diag.Azure],
		diag.Kong:       allowlistFix[diag.Kong],
		diag.Nginx:      allowlistFix[diag.Nginx],
	},
	Check: func(p *diag.Pass) {
		blocked(p, func(i int, ex *evidence.Exchange) {
			rec := recognised(ex)
			if rec == nil && ex.Result.Stage == cors.StagePreflight {
				// No known shape, but check's probe shows the refusal: the
				// same request without its credential header passes the
				// preflight, so that header is what the CORS layer refuses.
				if refused, why := inferRefused(ex); len(refused) > 0 && strings.HasPrefix(refused[0], "headers:") {
					d := fmt.Sprintf("the preflight fails (%s), but %s: the server's CORS configuration refuses the %s", ex.Result.Error, why, strings.Join(describeRefused(ex, refused), ""))
					plat, fix := fixFor(p.Rule.Fix, diag.Platform(ex.Platform))
					p.ReportFixText(i, loc(ex), plat, fix, d, exchangeEvidence(ex, cors.HeaderAllowHeaders)...)
				}
				return
			}
			if rec == nil || rec.Kind != evidence.KindRefused || weakAgainstAuth(ex, rec) {
				return
			}
			r := failedResponse(ex)
			stage := "request"
			if ex.Result.Stage == cors.StagePreflight {
				stage = "preflight"
			}
			d := fmt.Sprintf("%s refused the %s (%s): %s", rec.Layer, stage, rec.Marker, rec.Meaning)
			refused := rec.Refused
			why := ""
			if len(refused) == 0 {
				refused, why = inferRefused(ex)
			}
			if len(refused) > 0 {
				d += "; it refused the " + strings.Join(describeRefused(ex, refused), " and the ")
				if why != "" {
					d += " (" + why + ")"
				}
			}
			if rec.ID == "starlette-disallowed" && contains(refused, "method") {
				d += "; Starlette's allow_methods defaults to GET only"
			}
			if contains(refused, "origin") {
				d += "; the allowlist must hold " + ex.Request.Origin + " exactly: scheme, host and port, no trailing slash or path"
			}
			if rec.ID == "express-cors-callback-error" {
				d += "; the 500 is how the refusal surfaced (the origin callback raised an error), not a server bug"
			}
			plat, fix := fixFor(p.Rule.Fix, fixPlatform(ex, rec))
			ev := append(corsLines(r, hopKind(ex, ex.Result.Stage == cors.StagePreflight), ""), "  recognised: "+rec.Marker)
			p.ReportFixText(i, loc(ex), plat, fix, d, ev...)
		})
	},
}

// inferRefused tells what a refusal that does not say must be about: the
// no-auth probe passing the preflight points at the credential header;
// a request with nothing but its origin to refuse points at the origin.
func inferRefused(ex *evidence.Exchange) ([]string, string) {
	for _, pr := range ex.Probes {
		if pr.Purpose != "no-auth" || pr.Err != "" {
			continue
		}
		// Evidence only when the probe sent a preflight and it passed:
		// without the header the request may need none at all.
		if pr.Result.PreflightSent && pr.Result.Stage != cors.StagePreflight {
			var dropped []string
			for _, h := range ex.Request.Headers {
				switch strings.ToLower(h.Name) {
				case "authorization", "x-api-key", "x-amz-security-token":
					dropped = append(dropped, strings.ToLower(h.Name))
				}
			}
			return []string{"headers:" + strings.Join(dropped, ",")}, "the same request without " + strings.Join(dropped, ", ") + " passed the preflight"
		}
	}
	plan := ex.Result.Plan
	if !plan.Required {
		return []string{"origin"}, "the request needs no preflight, so only the origin is compared"
	}
	if plan.RequestHeaders == "" && cors.IsSafelistedMethod(ex.Result.Method) {
		return []string{"origin"}, "the request asks for no method or header beyond the safelisted ones"
	}
	return nil, ""
}

// describeRefused renders what was refused with the request's values.
func describeRefused(ex *evidence.Exchange, refused []string) []string {
	var out []string
	for _, r := range refused {
		switch {
		case r == "origin":
			out = append(out, "origin "+ex.Request.Origin)
		case r == "method":
			out = append(out, "method "+ex.Result.Method)
		case r == "headers":
			if h := ex.Result.Plan.RequestHeaders; h != "" {
				out = append(out, "request headers "+h)
			} else {
				out = append(out, "request headers")
			}
		case strings.HasPrefix(r, "headers:"):
			out = append(out, "request header "+strings.TrimPrefix(r, "headers:"))
		}
	}
	return out
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// weakAgainstAuth reports whether a shape other layers share (a bare 403)
// should rather be read as authentication: the page's request carries
// credentials, so an authorization layer guards the endpoint, and it is
// the likelier one to answer the preflight that cannot carry them.
func weakAgainstAuth(ex *evidence.Exchange, rec *evidence.Recognition) bool {
	return rec != nil && rec.Weak && (hasAuthHeader(ex) || ex.Request.Credentials == cors.CredentialsInclude)
}
