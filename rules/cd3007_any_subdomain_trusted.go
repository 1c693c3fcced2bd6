package rules

import (
	"github.com/corsdoctor/corsdoctor/diag"
	"github.com/corsdoctor/corsdoctor/evidence"
)

// CD3007 fires when an unknown subdomain of the trusted domain is trusted.
var cd3007 = &diag.Rule{
	ID:       "CD3007",
	Needs:    diag.NeedsScanProbes,
	Name:     "any-subdomain-trusted",
	Severity: diag.Warning,
	Rank:     60,
	Since:    "0.1.0",
	Title:    "Every subdomain of the trusted domain is trusted",
	Doc: `The server trusts any subdomain (*.example.com), not only the front ends that
need the API. Then one cross-site scripting bug or one dangling DNS record (a
subdomain takeover of an old CNAME to a deleted S3 bucket, Heroku app or
CloudFront distribution) on any subdomain, including marketing sites, staging
and user-content hosts, lets an attacker read the API with the victim's cookies.
Severity warning with credentials, info without.

Before:  Origin: https://corsdoctor-unknown.example.com
         Access-Control-Allow-Origin: https://corsdoctor-unknown.example.com
After:   allowlist the front-end origins by name

See https://portswigger.net/web-security/cors#exploiting-xss-via-cors-trust-relationships`,
	Fix: map[diag.Platform]string{
		diag.Generic: "List the front-end origins that use the API exactly; if a wildcard is unavoidable, audit every subdomain for XSS and dangling DNS (takeover) and keep user content on a separate registrable domain.",
	},
	Check: scanOriginRule("subdomain", func(pr *evidence.Probe) string {
		return "the server trusts " + pr.Request.Origin + ", a subdomain nobody configured: every subdomain is trusted, so XSS or a subdomain takeover anywhere under the domain exposes this API"
	}, "arbitrary", "substring", "suffix"),
}
