package rules

import (
	"github.com/corsdoctor/corsdoctor/diag"
	"github.com/corsdoctor/corsdoctor/evidence"
)

// CD3003 fires when an attacker domain ending with the trusted domain is
// trusted (endsWith without a dot boundary).
var cd3003 = &diag.Rule{
	ID:       "CD3003",
	Needs:    diag.NeedsScanProbes,
	Name:     "origin-suffix-match",
	Severity: diag.Error,
	Rank:     30,
	Since:    "0.1.0",
	Title:    "Origins that merely end with the trusted domain are trusted (evil-example.com)",
	Doc: `The allowlist check tests whether the origin ends with the trusted domain
(origin.endsWith("example.com"), a regexp like example\.com$) without requiring a
dot before it. Anyone can register evil-example.com or notexample.com and read
the responses. Severity error with credentials, warning without.

Before:  Origin: https://evil-example.com
         Access-Control-Allow-Origin: https://evil-example.com
After:   accept the exact origins, or hosts equal to example.com or ending
         with ".example.com" (dot included) if subdomains are really meant.

See https://portswigger.net/web-security/cors#errors-parsing-origin-headers`,
	Fix: map[diag.Platform]string{
		diag.Generic: "Parse the origin and compare the host exactly against an allowlist; if subdomains must be allowed, require host == \"example.com\" or host ending with \".example.com\" (with the dot) and scheme https.",
		diag.Express: "Use an array of exact origins in cors({ origin: [...] }); a RegExp must be anchored and escaped: /^https:\\/\\/([a-z0-9-]+\\.)?example\\.com$/.",
		diag.FastAPI: "allow_origin_regex must be anchored with a dot boundary: r'https://([a-z0-9-]+\\.)?example\\.com' (Starlette fullmatches it).",
	},
	Check: scanOriginRule("suffix", func(pr *evidence.Probe) string {
		return "the server trusts " + pr.Request.Origin + ", a domain anyone can register, because it ends with the trusted domain"
	}, "arbitrary", "substring"),
}
