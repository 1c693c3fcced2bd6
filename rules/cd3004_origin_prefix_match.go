package rules

import (
	"github.com/corsdoctor/corsdoctor/diag"
	"github.com/corsdoctor/corsdoctor/evidence"
)

// CD3004 fires when an origin that starts with a trusted origin is trusted.
var cd3004 = &diag.Rule{
	ID:       "CD3004",
	Needs:    diag.NeedsScanProbes,
	Name:     "origin-prefix-match",
	Severity: diag.Error,
	Rank:     40,
	Since:    "0.1.0",
	Title:    "Origins that merely start with a trusted origin are trusted (example.com.evil.net)",
	Doc: `The allowlist check tests whether the origin starts with a trusted origin
(origin.startsWith("https://app.example.com"), an unanchored regexp ^https://app\.example\.com).
An attacker serves the page from app.example.com.attacker.net, a subdomain of a
domain they own, and reads the responses. Severity error with credentials,
warning without.

Before:  Origin: https://app.example.com.evil-corsdoctor.net
         Access-Control-Allow-Origin: https://app.example.com.evil-corsdoctor.net
After:   compare the whole origin: origin == "https://app.example.com"

See https://portswigger.net/web-security/cors#errors-parsing-origin-headers`,
	Fix: map[diag.Platform]string{
		diag.Generic: "Compare the whole origin string for equality with each allowlist entry; anchor regexps at both ends (^...$) and escape dots.",
		diag.Nginx:   "Anchor the map regexp at both ends: \"~^https://app\\.example\\.com$\" $http_origin;",
	},
	Check: scanOriginRule("prefix", func(pr *evidence.Probe) string {
		return "the server trusts " + pr.Request.Origin + " (a subdomain of a domain anyone can register) because it starts with a trusted origin"
	}, "arbitrary", "substring"),
}
