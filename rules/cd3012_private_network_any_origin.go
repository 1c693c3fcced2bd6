package rules

import (
	"github.com/corsdoctor/corsdoctor/cors"
	"github.com/corsdoctor/corsdoctor/diag"
	"github.com/corsdoctor/corsdoctor/evidence"
)

// CD3012 fires when a private-network preflight from an unrelated origin
// is granted.
var CD3012 = register(&diag.Rule{
	ID:       "CD3012",
	Name:     "private-network-any-origin",
	Severity: diag.Error,
	Rank:     15,
	Since:    "0.1.0",
	Title:    "Private network access is granted to any origin",
	Doc: `Chromium's Private Network Access asks a device or intranet service, with a
preflight carrying Access-Control-Request-Private-Network: true, before a public
website may reach it. This server answered that preflight from an unrelated
origin with Access-Control-Allow-Private-Network: true and a matching
Access-Control-Allow-Origin, so any website a user on the network visits can drive
it: the protection against drive-by attacks on routers, printers, local
development servers and intranet APIs is switched off.

Before:  Origin: https://corsdoctor-attacker.example
         Access-Control-Request-Private-Network: true
         -> Access-Control-Allow-Origin: https://corsdoctor-attacker.example
            Access-Control-Allow-Private-Network: true
After:   grant it only to the exact origins that need the device

See https://wicg.github.io/private-network-access/ and
https://developer.chrome.com/blog/private-network-access-preflight`,
	Fix: map[diag.Platform]string{
		diag.Generic: "Answer Access-Control-Allow-Private-Network: true only when the Origin is on an exact allowlist of public sites that must reach this service.",
	},
	Check: func(p *diag.Pass) {
		check := func(i int, ex *evidence.Exchange, pr *evidence.Probe) {
			r := scanResponse(pr)
			if !scanIsPreflight(pr) || header(r, cors.HeaderAllowPrivateNetwork) != "true" || r.Status < 200 || r.Status > 299 {
				return
			}
			// Chromium's private network preflight: the CORS check of
			// the preflight response, an ok status and ACAPN: true.
			a := scanPreflightGrant(pr, r)
			if !a.any() {
				return
			}
			p.ReportSeverity(scanSeverity(p.Rule, a), i, evidence.Source{URL: ex.Request.URL},
				"the preflight from the unrelated origin "+pr.Request.Origin+" asking for private network access is granted (Access-Control-Allow-Private-Network: true): any website can reach this private-network service from a visitor's browser",
				scanProofWith(pr, cors.HeaderAllowPrivateNetwork, "verdict (Chromium engine): the private network access preflight passes for "+pr.Request.Origin)...)
		}
		scanEach(p, "preflight", check)
		scanEach(p, "arbitrary", check)
	},
})
