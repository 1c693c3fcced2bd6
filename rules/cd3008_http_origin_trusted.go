package rules

import (
	"github.com/corsdoctor/corsdoctor/diag"
	"github.com/corsdoctor/corsdoctor/evidence"
)

// CD3008 fires when an https API trusts the http version of an origin.
var CD3008 = register(&diag.Rule{
	ID:       "CD3008",
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

Before:  Origin: http://app.example.com
         Access-Control-Allow-Origin: http://app.example.com
After:   trust https://app.example.com only (and serve the front end with HSTS)

See https://portswigger.net/web-security/cors#breaking-tls-with-poorly-configured-cors`,
	Fix: map[diag.Platform]string{
		diag.Generic: "Remove http:// origins from the production allowlist; serve front ends over https with HSTS.",
	},
	Check: scanOriginRule("http", func(pr *evidence.Probe) string {
		return "the https API trusts " + pr.Request.Origin + ", a plain-http origin a network attacker can inject scripts into"
	}),
})
