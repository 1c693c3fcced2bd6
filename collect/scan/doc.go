// Package scan audits live endpoints for CORS security misconfigurations
// and proves every finding: for each target it sends the request a
// browser would send from a set of attacker-controlled page origins
// (arbitrary, null, prefix/suffix/substring look-alikes, unescaped dots,
// subdomains, http, third-party hosting, special characters), keeps the
// exact request and response, and lets the CORS engine decide whether the
// browser would hand the response to the attacker's page. Rules CD3001 to
// CD3099 (package rules) turn those probes into findings.
//
// The scanner streams: targets are read one at a time, results are
// emitted as they complete, and memory does not grow with the number of
// targets. It only ever talks to the targets it is given and never
// follows redirects.
//
// See docs/scan.md.
package scan
