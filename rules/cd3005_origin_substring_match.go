package rules

import (
	"github.com/corsdoctor/corsdoctor/diag"
	"github.com/corsdoctor/corsdoctor/evidence"
)

// CD3005 fires when any origin containing the trusted domain is trusted.
var cd3005 = &diag.Rule{
	ID:       "CD3005",
	Needs:    diag.NeedsScanProbes,
	Name:     "origin-substring-match",
	Severity: diag.Error,
	Rank:     25,
	Since:    "0.1.0",
	Title:    "Origins that merely contain the trusted domain are trusted (example.computer)",
	Doc: `The allowlist check tests whether the origin contains the trusted domain
anywhere (origin.includes("example.com"), strings.Contains, an unanchored regexp).
evil-app.example.computer, app.example.com.attacker.net and attacker-example.com
all pass. corsdoctor tests it when both a prefix and a suffix look-alike pass, with
an origin that neither starts nor ends with the trusted host. Severity error with
credentials, warning without.

Before:  Origin: https://evil-app.example.computer
         Access-Control-Allow-Origin: https://evil-app.example.computer
After:   exact comparison against an allowlist

See https://portswigger.net/web-security/cors#errors-parsing-origin-headers`,
	Fix: map[diag.Platform]string{
		diag.Generic: "Replace the contains/regexp test by exact comparison of the whole origin with each allowlist entry.",
		diag.Express: "cors({ origin: ['https://app.example.com'] }); a string origin in an array is compared exactly, a RegExp is not anchored unless you anchor it.",
	},
	Check: scanOriginRule("substring", func(pr *evidence.Probe) string {
		return "the server trusts " + pr.Request.Origin + ", which only contains the trusted host somewhere in the middle"
	}, "arbitrary"),
}
