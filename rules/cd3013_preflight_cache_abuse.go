package rules

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/corsdoctor/corsdoctor/cors"
	"github.com/corsdoctor/corsdoctor/diag"
	"github.com/corsdoctor/corsdoctor/evidence"
)

// scanMaxAgeLimit is Chromium's cap on the preflight cache (seconds).
const scanMaxAgeLimit = 7200

// CD3013 fires when an unrelated origin's preflight grants broad methods
// for longer than Chromium caches.
var cd3013 = &diag.Rule{
	ID:       "CD3013",
	Needs:    diag.NeedsScanProbes,
	Name:     "preflight-cache-abuse",
	Severity: diag.Warning,
	Rank:     90,
	Since:    "0.1.0",
	Title:    "Unrelated origins get a long-lived preflight grant for broad methods",
	Doc: `A preflight from an unrelated origin passes and grants every method (* or
PUT, PATCH and DELETE) with an Access-Control-Max-Age beyond Chromium's 7200-second
cap (Firefox keeps up to 86400 s). A page that obtained the grant keeps sending
state-changing requests without asking again, long after the policy is tightened:
an emergency fix does not reach browsers that cached the grant. Severity warning
when the grant holds for credentialed requests, info otherwise.

Before:  Access-Control-Allow-Methods: *
         Access-Control-Max-Age: 86400
After:   Access-Control-Allow-Methods: GET, POST   (what the API needs)
         Access-Control-Max-Age: 600

See https://fetch.spec.whatwg.org/#http-access-control-max-age`,
	Fix: map[diag.Platform]string{
		diag.Generic:   "Grant preflights only to allowlisted origins, list the methods the API needs, and keep Access-Control-Max-Age at 7200 s or less (600 s is common).",
		diag.APIGwHTTP: "CorsConfiguration MaxAge <= 7200 and AllowMethods listing the methods used.",
	},
	Check: func(p *diag.Pass) {
		check := func(i int, ex *evidence.Exchange, pr *evidence.Probe) {
			r := scanResponse(pr)
			if !scanIsPreflight(pr) || r.Status < 200 || r.Status > 299 {
				return
			}
			age, err := strconv.ParseInt(strings.TrimSpace(header(r, cors.HeaderMaxAge)), 10, 64)
			if err != nil || age <= scanMaxAgeLimit {
				return
			}
			methods := header(r, cors.HeaderAllowMethods)
			if !scanBroadMethods(methods) {
				return
			}
			// The grant must hold for the unrelated origin: the CORS
			// check of the preflight response.
			a := scanPreflightGrant(pr, r)
			if !a.any() {
				return
			}
			p.ReportSeverity(scanSeverity(p.Rule, a), i, evidence.Source{URL: ex.Request.URL},
				fmt.Sprintf("the preflight from the unrelated origin %s grants methods %q for %d s (Chromium caps at %d s, Firefox at 86400 s)", pr.Request.Origin, methods, age, scanMaxAgeLimit),
				scanProofWith(pr, cors.HeaderMaxAge, fmt.Sprintf("verdict (Chromium engine): the preflight passes the CORS check for %s and is cached for %d s", pr.Request.Origin, min(age, scanMaxAgeLimit)))...)
		}
		scanEach(p, "preflight", check)
		scanEach(p, "arbitrary", check)
	},
}

// scanBroadMethods reports whether an Access-Control-Allow-Methods value
// grants everything: * or all of PUT, PATCH and DELETE.
func scanBroadMethods(v string) bool {
	items, _, _ := cors.ParseList(v)
	n := 0
	for _, m := range items {
		switch strings.ToUpper(m) {
		case "*":
			return true
		case "PUT", "PATCH", "DELETE":
			n++
		}
	}
	return n >= 3
}
