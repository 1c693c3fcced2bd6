// Package scan audits live endpoints for CORS security misconfigurations
// by collecting the evidence that proves them: for each target it sends
// the request a browser would send from the pages an attacker would host
// (an unrelated origin, null, prefix/suffix/substring look-alikes,
// unescaped dots, subdomains, http, third-party hosting, special
// characters, the private network preflight) and keeps the exact
// request and response. The attacker chooses the page: plain http for an
// http target an https page could not read (mixed content, see
// PageScheme). The scanner decides nothing: the CORS engine and the rules
// CD3001 to CD3099 (package rules, run by RunJudged's judge) say which of
// those pages the browser lets through.
//
// The probes adapt to the answers (an echo of any origin needs no
// look-alike, a server without CORS headers only its preflight, the
// classes a looser one already implies are skipped); Config.Thorough
// sends them all.
//
// The scanner streams: targets are read one at a time, results are
// emitted as they complete, and memory does not grow with the number of
// targets. It only ever talks to the targets it is given and never
// follows redirects.
//
// See docs/scan.md.
package scan
