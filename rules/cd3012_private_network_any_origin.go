package rules

import (
	"fmt"
	"net"
	"strings"

	"github.com/corsdoctor/corsdoctor/cors"
	"github.com/corsdoctor/corsdoctor/diag"
	"github.com/corsdoctor/corsdoctor/evidence"
)

// CD3012 fires when a private-network preflight from an unrelated origin
// is granted.
var cd3012 = &diag.Rule{
	ID:       "CD3012",
	Needs:    diag.NeedsScanProbes,
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

The verdict is the engine's (cors.EvaluatePrivateNetwork): the preflight must pass
the CORS check, have an ok status and carry Access-Control-Allow-Private-Network:
true, as Chromium 98-141 required. The attacker's page is https (Chromium refuses
private network requests from http pages); for an http target it declares
targetAddressSpace, which lifts mixed content once the user grants local network
access (Chromium 142 and later ask the user instead of sending the preflight). Only
targets reached on a private or loopback address are judged. Severity error with
credentials, warning without.

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
			if !scanIsPreflight(pr) || len(r.Header.Values(cors.HeaderAllowPrivateNetwork)) == 0 {
				return
			}
			// Private network access is about private and loopback
			// targets: a public address is reachable from any page
			// anyway.
			to := scanTargetSpace(pr)
			if !to.MorePrivateThan(cors.AddressSpacePublic) {
				return
			}
			// The attacker's request: a simple GET is enough to drive a
			// device or read it (the probe's PUT is CD3001's business);
			// a method the target needs preflighted is judged as sent.
			req := pr.Request
			if pr.Purpose == evidence.ScanPreflight.Purpose() {
				req.Method, req.Headers = "GET", nil
			}
			if strings.HasPrefix(req.Origin, "https:") && !cors.PotentiallyTrustworthy(req.URL) {
				// The page declares targetAddressSpace, as an https
				// page calling an http device must.
				req.TargetAddressSpace = to
			}
			var a scanAttacker
			var res cors.Result
			for _, c := range []cors.Credentials{cors.CredentialsInclude, cors.CredentialsOmit} {
				req.Credentials = c
				rc := cors.EvaluatePrivateNetwork(&req, cors.AddressSpacePublic, to, r.CORS())
				if c == cors.CredentialsInclude {
					a.creds, a.failed, res = rc.Allowed, rc.Error, rc
				} else {
					a.omit = rc.Allowed
					if !a.creds {
						res = rc
					}
				}
			}
			if !a.any() {
				return
			}
			verdict := fmt.Sprintf("verdict (Chromium engine): the private network access preflight from the public page %s passes for this %s address", pr.Request.Origin, to)
			if !a.creds {
				verdict += " (without credentials; with credentials " + string(a.failed) + ")"
			}
			verdict += ", so Chromium sends the " + req.Method + " request"
			for _, w := range res.Warnings {
				if w.Code == cors.WarnLocalNetworkPermission {
					verdict += " once the user grants local network access"
				}
			}
			p.ReportSeverity(scanSeverity(p.Rule, a), i, evidence.Source{URL: ex.Request.URL},
				"the preflight from the unrelated origin "+pr.Request.Origin+" asking for private network access is granted (Access-Control-Allow-Private-Network: true): any website can reach this "+string(to)+" service from a visitor's browser",
				scanProofWith(pr, cors.HeaderAllowPrivateNetwork, verdict)...)
		}
		scanEach(p, "preflight", check)
		scanEach(p, "private-network", check)
		scanEach(p, "arbitrary", check)
	},
}

// scanTargetSpace is the IP address space of the probe's target: from
// the address the response came from, else from the URL's host (an IP
// literal, localhost, .local and similar names).
func scanTargetSpace(pr *evidence.Probe) cors.AddressSpace {
	if r := scanResponse(pr); r != nil && r.RemoteAddr != "" {
		if h, _, err := net.SplitHostPort(r.RemoteAddr); err == nil {
			if s := cors.AddressSpaceOf(h); s != "" {
				return s
			}
		}
	}
	_, h, _ := splitOrigin(pr.Request.URL)
	return cors.AddressSpace(addressSpace(h))
}
