package rules

import (
	"github.com/corsdoctor/corsdoctor/diag"
	"github.com/corsdoctor/corsdoctor/evidence"
)

// CD3008 fires when an https API trusts the http version of an origin.
var cd3008 = &diag.Rule{
	ID:       "CD3008",
	Needs:    diag.NeedsScanProbes,
	Name:     "http-origin-trusted",
	Severity: diag.Warning,
	Rank:     70,
	Since:    "0.1.0",
	Title:    "An https API trusts an http:// origin",
	Doc: `The API is served over https but trusts http://app.example.com. Anyone on the
victim's network path (public Wi-Fi, a malicious proxy) can inject a script into
any plain-http page of that host and read the API with the victim's cookies: the
TLS of the API no longer protects its data. Severity warning with credentials,
info without.

The scan tries the http twin when the attacker's pages are https: for https
targets, and for http targets on loopback (potentially trustworthy, so reachable
from https pages, and invisible to the network attacker). For any other http
target every attacker page is plain http already, and the attacker this rule is
about reads the target's own plain-http traffic.

Before:  Origin: http://app.example.com
         Access-Control-Allow-Origin: http://app.example.com
After:   trust https://app.example.com only (and serve the front end with HSTS)

See https://portswigger.net/web-security/cors#breaking-tls-with-poorly-configured-cors`,
	Fix: map[diag.Platform]string{
		diag.Generic: "Remove http:// origins from the production allowlist; serve front ends over https with HSTS.",
	},
	Check: scanOriginRule("http", func(pr *evidence.Probe) string {
		return "the API trusts " + pr.Request.Origin + ", the plain-http twin of a trusted https origin, which a network attacker can inject scripts into"
	}, "arbitrary", "substring"),
}
