package rules

import (
	"fmt"
	"strings"

	"github.com/corsdoctor/corsdoctor/cors"
	"github.com/corsdoctor/corsdoctor/diag"
	"github.com/corsdoctor/corsdoctor/evidence"
)

// CD1039 fires when the page's own request carries CORS response headers
// (Access-Control-Allow-*, -Expose-Headers, -Max-Age) or headers only the
// browser sets (Origin, Access-Control-Request-*).
var cd1039 = &diag.Rule{
	ID:       "CD1039",
	Needs:    diag.NeedsExchanges,
	Name:     "request-sends-cors-headers",
	Severity: diag.Error,
	Rank:     0,
	Since:    "0.2.0",
	Title:    "The page sends CORS response headers in its request: remove them from the client code",
	Doc: `Access-Control-Allow-Origin, -Allow-Headers, -Allow-Methods, -Allow-Credentials,
-Expose-Headers and -Max-Age are response headers: only the server's answer counts. Set on
the request (fetch headers, axios config, an interceptor), they do nothing useful and make
things worse: they are not CORS-safelisted, so the browser sends a preflight listing them
in Access-Control-Request-Headers, which servers rarely allow ("Request header field
access-control-allow-origin is not allowed by Access-Control-Allow-Headers"). Origin and
Access-Control-Request-* are forbidden request headers: the browser drops them silently.
The fix is in the client, not on the server: allowing these names on the server would
only hide the mistake.

Before:  fetch(url, { headers: { 'Access-Control-Allow-Origin': '*' } })
After:   fetch(url)`,
	Fix: map[diag.Platform]string{
		diag.Generic: "Remove the Access-Control-* (and Origin) headers from the request in the page's code: fetch/axios headers, axios.defaults.headers, interceptors. Only the server's response headers matter; do not add these names to Access-Control-Allow-Headers.",
	},
	Check: func(p *diag.Pass) {
		for i, ex := range p.Exchanges() {
			if ex.Err != "" {
				continue
			}
			var names []string
			for _, h := range ex.Request.Headers {
				n := strings.ToLower(h.Name)
				if strings.HasPrefix(n, "access-control-") || n == "origin" {
					names = append(names, h.Name)
				}
			}
			if len(names) == 0 {
				continue
			}
			related, why := causedBy(ex, names)
			d := fmt.Sprintf("the page's request sets %s", strings.Join(names, ", "))
			switch {
			case related:
				d += ": " + why
			case ex.Result.Blocked():
				d += "; they are not what blocks this request (see the next finding), but they do not belong in a request"
			default:
				d += "; they have no effect on CORS and do not belong in a request"
			}
			if !related {
				p.ReportSeverity(diag.Warning, i, ex.Source, d)
				continue
			}
			p.Report(i, loc(ex), d, exchangeEvidence(ex, cors.HeaderAllowHeaders)...)
		}
	},
}

// causedBy reports whether the request's trouble comes from the named
// request headers: the engine reaches another verdict without them (the
// preflight is no longer needed, or the request passes).
func causedBy(ex *evidence.Exchange, names []string) (bool, string) {
	r := &ex.Result
	list := strings.ToLower(strings.Join(names, ", "))
	if r.Error == cors.HeaderDisallowedByPreflightResponse {
		for _, n := range names {
			if strings.EqualFold(n, r.FailedParameter) {
				return true, fmt.Sprintf("the preflight refuses %s, which the page itself added", r.FailedParameter)
			}
		}
	}
	without := ex.Request
	without.Headers = nil
	for _, h := range ex.Request.Headers {
		keep := true
		for _, n := range names {
			if strings.EqualFold(h.Name, n) {
				keep = false
			}
		}
		if keep {
			without.Headers = append(without.Headers, h)
		}
	}
	res := cors.Evaluate(&without, evidence.CORSHops(ex.Hops)...)
	if r.Plan.Required && !res.Plan.Required {
		return true, "without " + list + " the request is CORS-simple and needs no preflight at all"
	}
	if !r.Allowed && res.Allowed {
		return true, "without " + list + " the same responses let the request through"
	}
	return false, ""
}
