package rules

import (
	"github.com/corsdoctor/corsdoctor/diag"
	"github.com/corsdoctor/corsdoctor/evidence"
)

// CD3006 fires when a dot in an allowlist regexp matches any character.
var cd3006 = &diag.Rule{
	ID:       "CD3006",
	Needs:    diag.NeedsScanProbes,
	Name:     "origin-regexp-unescaped-dot",
	Severity: diag.Error,
	Rank:     50,
	Since:    "0.1.0",
	Title:    "An unescaped dot in the origin regexp lets look-alike domains in (wwwxexample.com)",
	Doc: `The allowlist is a regular expression whose dots are not escaped:
^https://app.example.com$ also matches https://appxexample.com, a domain anyone can
register. corsdoctor replaces the dot before the registrable domain with "x" and
checks whether the result is trusted. Severity error with credentials, warning
without.

Before:  ^https://app.example.com$
After:   ^https://app\.example\.com$   (or exact string comparison)

See https://portswigger.net/web-security/cors#errors-parsing-origin-headers`,
	Fix: map[diag.Platform]string{
		diag.Generic: "Escape every dot in origin regexps (\\.) and anchor them (^...$), or better compare exact strings.",
		diag.FastAPI: "allow_origin_regex=r'https://app\\.example\\.com'",
		diag.Nginx:   "\"~^https://app\\.example\\.com$\" in the map block.",
	},
	Check: scanOriginRule("unescaped-dot", func(pr *evidence.Probe) string {
		return "the server trusts " + pr.Request.Origin + ", which differs from a trusted host only where a dot should be: the origin regexp has an unescaped dot"
	}, "arbitrary", "substring", "suffix"),
}
