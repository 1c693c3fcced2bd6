package rules

import (
	"fmt"
	"strings"

	"github.com/corsdoctor/corsdoctor/diag"
	"github.com/corsdoctor/corsdoctor/evidence"
)

// CD1034 fires when a web application firewall blocked the request; its
// 403 page carries no CORS headers.
var cd1034 = &diag.Rule{
	ID:       "CD1034",
	Needs:    diag.NeedsExchanges,
	Name:     "waf-blocked-not-cors",
	Severity: diag.Error,
	Rank:     7,
	Since:    "0.1.0",
	Title:    "Not a CORS problem: a web application firewall blocked the request (403 without CORS headers)",
	Doc: `A WAF in front of the API (AWS WAF on CloudFront or API Gateway, Cloudflare, an
nginx ModSecurity rule) matched the request and answered 403 itself, before the
application could add CORS headers. The browser reports a CORS error; the WAF's logs show
the rule that matched. Typical triggers: request bodies that look like SQL or script
injection, missing or unusual User-Agent, rate-based rules, geo blocking.

Signals: CloudFront "Request blocked" error pages (X-Cache: Error from cloudfront),
API Gateway's WAF_FILTERED gateway response, Cloudflare's cf-mitigated header.`,
	Fix: map[diag.Platform]string{
		diag.Generic:    "Find the matching rule in the WAF logs and fix the request or the rule; to make such blocks visible to the page, return a custom block response with CORS headers.",
		diag.CloudFront: "Check AWS WAF sampled requests / logs for the web ACL on the distribution; use a custom response for Block actions that includes Access-Control-Allow-Origin (custom response headers).",
		diag.APIGwREST:  "Check the AWS WAF web ACL associated with the stage (sampled requests); add CORS headers to the WAF_FILTERED gateway response and redeploy.",
	},
	Check: func(p *diag.Pass) {
		for i, ex := range p.Exchanges() {
			if !blockedOnActual(ex) {
				continue
			}
			r := ex.Final()
			if why := wafBlock(r); why != "" {
				p.Report(i, loc(ex), fmt.Sprintf("the request was blocked by a web application firewall (%s): %s without CORS headers", why, statusName(r.Status)), statusEvidence(r, "response")...)
			}
		}
	},
}

// wafBlock returns the signal that says r is a WAF block page, or "".
func wafBlock(r *evidence.Response) string {
	if r == nil || r.Status != 403 && r.Status != 429 && r.Status != 406 {
		return ""
	}
	b := strings.ToLower(bodySnippetN(r, 2048))
	switch {
	case header(r, "cf-mitigated") != "":
		return "cf-mitigated: " + header(r, "cf-mitigated")
	case errorType(r) == "WAFFilteredException" || strings.HasPrefix(errorType(r), "WAF"):
		return "x-amzn-ErrorType: " + errorType(r)
	case strings.Contains(strings.ToLower(header(r, "x-cache")), "error from cloudfront") && strings.Contains(b, "request blocked"):
		return "CloudFront \"Request blocked\" error page"
	case strings.Contains(b, "mod_security") || strings.Contains(b, "modsecurity"):
		return "ModSecurity block page"
	}
	return ""
}

// bodySnippetN returns at most n bytes of the body.
func bodySnippetN(r *evidence.Response, n int) string {
	if len(r.Body) > n {
		return string(r.Body[:n])
	}
	return string(r.Body)
}
