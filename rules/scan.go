package rules

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/corsdoctor/corsdoctor/cors"
	"github.com/corsdoctor/corsdoctor/diag"
	"github.com/corsdoctor/corsdoctor/evidence"
)

// Helpers for the security rules CD3001-CD3099, which read the probes of
// package collect/scan: one exchange per target, one evidence.Probe per
// page origin tried, with purpose evidence.ScanKind.Purpose (see scan.Kind).

// scanEach calls fn for every scan probe of kind that got a response.
func scanEach(p *diag.Pass, kind evidence.ScanKind, fn func(i int, ex *evidence.Exchange, pr *evidence.Probe)) {
	for i, ex := range p.Exchanges() {
		for j := range ex.Probes {
			pr := &ex.Probes[j]
			if pr.Purpose == kind.Purpose() && pr.Err == "" && scanResponse(pr) != nil {
				fn(i, ex, pr)
			}
		}
	}
}

// scanResponse is the probe's response: the actual response, or the
// preflight response for a preflight probe.
func scanResponse(pr *evidence.Probe) *evidence.Response {
	if len(pr.Hops) == 0 {
		return nil
	}
	if r := pr.Hops[0].Response; r != nil {
		return r
	}
	return pr.Hops[0].Preflight
}

func scanIsPreflight(pr *evidence.Probe) bool {
	return len(pr.Hops) > 0 && pr.Hops[0].Response == nil && pr.Hops[0].Preflight != nil
}

// scanVerdict asks the engine whether a page at the probe's origin gets
// what it wants, with and without credentials: for an actual request,
// the response is handed to the page; for a preflight probe, the
// preflight passes and the browser sends the actual request.
func scanVerdict(pr *evidence.Probe, creds cors.Credentials) (bool, cors.Result) {
	req := pr.Request
	req.Credentials = creds
	res := cors.Evaluate(&req, evidence.CORSHops(pr.Hops)...)
	if scanIsPreflight(pr) {
		return res.Error == "" && res.PreflightSent && res.Incomplete != "", res
	}
	return res.Allowed, res
}

// scanAttacker is what an attacker's page at the probe's origin can do.
type scanAttacker struct {
	creds, omit bool
	failed      cors.ErrorName // why the credentialed request fails, if it does
}

func (a scanAttacker) any() bool { return a.creds || a.omit }

// scanPreflightGrant applies only the CORS check (ACAO/ACAC) of the
// probe's preflight response r for the probe's origin, with and without
// credentials: whether the attacker's origin is granted what the
// preflight offers (private network access, a long-cached method list).
func scanPreflightGrant(pr *evidence.Probe, r *evidence.Response) scanAttacker {
	var a scanAttacker
	for _, c := range []cors.Credentials{cors.CredentialsInclude, cors.CredentialsOmit} {
		req := cors.Request{Origin: pr.Request.Origin, URL: pr.Request.URL, Method: "GET", Credentials: c}
		res := cors.Evaluate(&req, cors.Hop{Response: r.CORS()})
		if c == cors.CredentialsInclude {
			a.creds, a.failed = res.Allowed, res.Error
		} else {
			a.omit = res.Allowed
		}
	}
	return a
}

func scanAccess(pr *evidence.Probe) scanAttacker {
	c, res := scanVerdict(pr, cors.CredentialsInclude)
	o, _ := scanVerdict(pr, cors.CredentialsOmit)
	return scanAttacker{creds: c, omit: o, failed: res.Error}
}

// scanEchoed reports whether the response names the probe's own origin in
// Access-Control-Allow-Origin (not "*").
func scanEchoed(pr *evidence.Probe) bool {
	r := scanResponse(pr)
	v := r.Header.Values(cors.HeaderAllowOrigin)
	return len(v) == 1 && v[0] == pr.Request.Origin
}

// scanSeverity lowers the rule's severity one step when the attacker can
// only read without credentials (no cookies: only what the server gives
// anonymous callers, unless it authenticates by network address).
func scanSeverity(r *diag.Rule, a scanAttacker) diag.Severity {
	if a.creds || r.Severity == diag.Info {
		return r.Severity
	}
	return r.Severity - 1
}

// scanWhat says what the access means, for details.
func scanWhat(pr *evidence.Probe, a scanAttacker) string {
	o := pr.Request.Origin
	if scanIsPreflight(pr) {
		if a.creds {
			return fmt.Sprintf("a page at %s passes the preflight for %s with credentials, so the browser sends the %s with the victim's cookies", o, pr.Request.Method, pr.Request.Method)
		}
		return fmt.Sprintf("a page at %s passes the preflight for %s without credentials", o, pr.Request.Method)
	}
	if a.creds {
		return fmt.Sprintf("a page at %s can read this response with credentials: 'include' (the victim's cookies and HTTP authentication are sent)", o)
	}
	return fmt.Sprintf("a page at %s can read this response without credentials; with credentials the browser blocks it (%s)", o, a.failed)
}

// scanProof is the evidence of a finding: the exact request sent, the
// response lines that decide, and the engine's verdict.
func scanProof(pr *evidence.Probe, a scanAttacker, mark string) []string {
	return scanProofWith(pr, mark, "verdict (Chromium engine): "+scanWhat(pr, a))
}

// scanProofWith is scanProof with a verdict line of the caller's.
func scanProofWith(pr *evidence.Probe, mark, verdict string) []string {
	out := []string{"request sent:"}
	for _, l := range pr.Sent {
		out = append(out, "  "+l)
	}
	kind := "response"
	if scanIsPreflight(pr) {
		kind = "preflight response"
	}
	r := scanResponse(pr)
	out = append(out, corsLines(r, kind, mark)...)
	if v := header(r, "Set-Cookie"); v != "" {
		out = append(out, "  Set-Cookie: "+v)
	}
	if l := scanPageLine(pr); l != "" {
		out = append(out, l)
	}
	return append(out, verdict)
}

// scanPageLine says, for an http target, which page the attacker hosts
// and why: an http page where an https one would be blocked as mixed
// content, an https page where the target is potentially trustworthy.
// "" for https targets, where the page is https as the origin says.
func scanPageLine(pr *evidence.Probe) string {
	u := pr.Request.URL
	if !strings.HasPrefix(u, "http:") {
		return ""
	}
	trustworthy := cors.PotentiallyTrustworthy(u)
	o := pr.Request.Origin
	switch {
	case pr.Purpose == evidence.ScanPrivateNetwork.Purpose():
		return "attacker's page: " + o + ", https: Chromium lets only secure pages make private network requests (InsecureLocalNetwork), and lifts mixed content for them once the user allows local network access"
	case o == cors.Null && !trustworthy:
		return "attacker's page: a sandboxed iframe (Origin: null) in a plain-http page: in an https page the request to " + scanHost(u) + " would be blocked as mixed content"
	case o == cors.Null:
		return "attacker's page: a sandboxed iframe (Origin: null) in any page: " + scanHost(u) + " is potentially trustworthy, so mixed content does not apply"
	case strings.HasPrefix(o, "http:") && !trustworthy:
		return "attacker's page: " + o + ", plain http like the target: from an https page the request to " + scanHost(u) + " would be blocked as mixed content"
	case strings.HasPrefix(o, "http:"):
		return "attacker's page: " + o + ", plain http like the target: no mixed content"
	case strings.HasPrefix(o, "https:") && trustworthy:
		return "attacker's page: " + o + ", https: " + scanHost(u) + " is potentially trustworthy (loopback), so mixed content does not block it"
	}
	return ""
}

// scanReport reports one probe that an attacker's origin got through.
func scanReport(p *diag.Pass, i int, ex *evidence.Exchange, pr *evidence.Probe, a scanAttacker, detail string) {
	p.ReportSeverity(scanSeverity(p.Rule, a), i, evidence.Source{URL: ex.Request.URL}, detail+scanCredsNote(a),
		scanProof(pr, a, cors.HeaderAllowOrigin)...)
}

// scanOriginRule is the Check of the rules whose whole test is "the
// server echoes an attacker origin of this kind and the browser lets it
// through".
// A finding is left out when a probe of one of the looser kinds also
// passed: that rule reports the root cause.
func scanOriginRule(kind evidence.ScanKind, detail func(pr *evidence.Probe) string, looser ...evidence.ScanKind) func(*diag.Pass) {
	return func(p *diag.Pass) {
		scanEach(p, kind, func(i int, ex *evidence.Exchange, pr *evidence.Probe) {
			if !scanEchoed(pr) {
				return
			}
			for _, k := range looser {
				if scanPassed(ex, k) {
					return
				}
			}
			if a := scanAccess(pr); a.any() {
				scanReport(p, i, ex, pr, a, detail(pr))
			}
		})
	}
}

// scanHost returns the host of an origin.
func scanHost(origin string) string {
	_, h, _ := splitOrigin(origin)
	return h
}

// scanNoStore reports whether a response forbids caches to keep it.
func scanNoStore(r *evidence.Response) bool {
	cc := strings.ToLower(strings.Join(r.Header.Values("Cache-Control"), ","))
	return strings.Contains(cc, "no-store") || strings.Contains(cc, "private")
}

// scanVaryOrigin reports whether Vary covers Origin.
func scanVaryOrigin(h http.Header) bool {
	for _, v := range h.Values("Vary") {
		for _, t := range strings.Split(v, ",") {
			t = strings.TrimSpace(t)
			if t == "*" || strings.EqualFold(t, "origin") {
				return true
			}
		}
	}
	return false
}

// scanPassed reports whether a probe of kind got an echo the browser lets
// through.
func scanPassed(ex *evidence.Exchange, kind evidence.ScanKind) bool {
	for j := range ex.Probes {
		pr := &ex.Probes[j]
		if pr.Purpose == kind.Purpose() && pr.Err == "" && scanResponse(pr) != nil && scanEchoed(pr) && scanAccess(pr).any() {
			return true
		}
	}
	return false
}

// scanCredsNote says in the detail whether cookies go along; the verdict
// line of the evidence says it in full.
func scanCredsNote(a scanAttacker) string {
	if a.creds {
		return " (with the victim's cookies)"
	}
	return " (without credentials)"
}

// isScan reports whether pr is one of the scanner's probes.
func isScan(pr *evidence.Probe) bool {
	_, ok := pr.Purpose.ScanKind()
	return ok
}
