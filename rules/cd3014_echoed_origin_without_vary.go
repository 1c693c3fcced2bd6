package rules

import (
	"github.com/corsdoctor/corsdoctor/cors"
	"github.com/corsdoctor/corsdoctor/diag"
	"github.com/corsdoctor/corsdoctor/evidence"
)

// CD3014 fires when the response depends on Origin but says nothing to
// caches.
var cd3014 = &diag.Rule{
	ID:       "CD3014",
	Needs:    diag.NeedsScanProbes,
	Name:     "echoed-origin-without-vary",
	Severity: diag.Warning,
	Rank:     85,
	Since:    "0.1.0",
	Title:    "The origin is echoed but Vary: Origin is missing (cache poisoning)",
	Doc: `The server computes Access-Control-Allow-Origin from the request's Origin (the
scan saw different values for different origins) but the response has no
Vary: Origin and may be stored by caches. A CDN, proxy or the browser cache then
serves one origin's answer to another: legitimate pages break intermittently, and
an attacker can plant a response in a shared cache. Responses marked
Cache-Control: no-store or private are not reported.

Before:  Access-Control-Allow-Origin: https://app.example.com
After:   Access-Control-Allow-Origin: https://app.example.com
         Vary: Origin

See https://fetch.spec.whatwg.org/#cors-protocol-and-http-caches`,
	Fix: map[diag.Platform]string{
		diag.Generic:    "Add Vary: Origin to every response whose CORS headers depend on Origin, including responses to origins that are not allowed.",
		diag.CloudFront: "Include the Origin header in the cache key (cache policy) so each origin gets its own cached copy.",
		diag.Nginx:      "add_header Vary Origin always; next to the Access-Control-Allow-Origin line.",
	},
	Check: func(p *diag.Pass) {
		for i, ex := range p.Exchanges() {
			var echoed, other *evidence.Probe
			for j := range ex.Probes {
				pr := &ex.Probes[j]
				if !isScan(pr) || pr.Err != "" || scanIsPreflight(pr) || scanResponse(pr) == nil {
					continue
				}
				r := scanResponse(pr)
				switch {
				case echoed == nil && scanEchoed(pr) && !scanVaryOrigin(r.Header) && !scanNoStore(r):
					echoed = pr
				case other == nil && !scanEchoed(pr):
					other = pr
				}
			}
			if echoed == nil {
				continue
			}
			ev := scanProofWith(echoed, cors.HeaderVary, "")
			ev = ev[:len(ev)-1]
			ev = append(ev, "  (no Vary: Origin)")
			if other == nil && echoed.Purpose == evidence.ScanArbitrary.Purpose() {
				// Echoing an arbitrary origin is proof enough that the
				// response depends on Origin.
				ev = append(ev, "verdict: the CORS headers depend on Origin and nothing tells caches so")
				p.Report(i, evidence.Source{URL: ex.Request.URL},
					"the response echoes any Origin (here "+echoed.Request.Origin+") but has no Vary: Origin: a cache can serve one origin's response to another", ev...)
				continue
			}
			if other == nil || header(scanResponse(other), cors.HeaderAllowOrigin) == header(scanResponse(echoed), cors.HeaderAllowOrigin) {
				continue
			}
			ev = append(ev, "while for Origin: "+other.Request.Origin+" the same URL answers:")
			ev = append(ev, corsLines(scanResponse(other), "response", cors.HeaderAllowOrigin)...)
			ev = append(ev, "verdict: the CORS headers depend on Origin and nothing tells caches so")
			got := header(scanResponse(other), cors.HeaderAllowOrigin)
			if got == "" {
				got = "no Access-Control-Allow-Origin"
			} else {
				got = "Access-Control-Allow-Origin: " + got
			}
			p.Report(i, evidence.Source{URL: ex.Request.URL},
				"the response echoes Origin "+echoed.Request.Origin+" but has no Vary: Origin, while Origin "+other.Request.Origin+" gets "+got+": a cache can serve one origin's response to the other",
				ev...)
		}
	},
}
