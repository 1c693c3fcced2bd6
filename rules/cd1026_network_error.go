package rules

import (
	"fmt"
	"strings"

	"github.com/corsdoctor/corsdoctor/diag"
	"github.com/corsdoctor/corsdoctor/evidence"
)

// CD1026 fires when there was no HTTP response at all: DNS, TLS,
// connection refused or reset, timeout.
var cd1026 = &diag.Rule{
	ID:       "CD1026",
	Needs:    diag.NeedsExchanges,
	Name:     "network-error",
	Severity: diag.Error,
	Rank:     0,
	Since:    "0.1.0",
	Title:    "Not a CORS problem: the request failed before any HTTP response (DNS, TLS, connection)",
	Doc: `No HTTP response came back: the host name does not resolve, nothing listens on
the port, the TLS certificate is not trusted or does not match, or the server did not
answer in time. The browser shows "TypeError: Failed to fetch" and a net:: error
(net::ERR_NAME_NOT_RESOLVED, net::ERR_CONNECTION_REFUSED, net::ERR_CERT_AUTHORITY_INVALID,
net::ERR_TIMED_OUT); people often read it as a CORS failure. No CORS header can fix it.`,
	Fix: map[diag.Platform]string{
		diag.Generic: "Fix the connection first: check the URL (host, port, http vs https), DNS, that the server runs and listens on that address, and the TLS certificate (a browser never accepts a self-signed one without user action).",
	},
	Check: func(p *diag.Pass) {
		for i, ex := range p.Exchanges() {
			if ex.Err == "" {
				continue
			}
			d := fmt.Sprintf("no HTTP response: %s: %s", ex.Err, netErrorMeaning(ex.Err))
			if ne := ex.Result.NetError; ne != "" {
				d += fmt.Sprintf("; the browser would log %s and fetch() rejects with \"TypeError: Failed to fetch\"", ne)
			}
			if strings.Contains(ex.Err, "certificate") {
				d += "; browsers do not offer --insecure: the page fails until the certificate is trusted"
			}
			if fix := netErrorFix(ex.Err); fix != "" {
				p.ReportFixText(i, evidence.Source{URL: ex.Request.URL}, diag.Generic, fix, d)
				continue
			}
			p.Report(i, evidence.Source{URL: ex.Request.URL}, d)
		}
	},
}

// netErrorFix is the fix for the failures the generic connection fix
// would send the wrong way ("" for DNS, connection and timeout errors):
// a blocker extension, mixed content, a certificate, CORP/ORB
// (net_error_list.h: ERR_BLOCKED_BY_CLIENT, ERR_CERT_*, ERR_SSL_*,
// ERR_BLOCKED_BY_RESPONSE; Fetch § 4.1 main fetch step 7, "should
// response to request be blocked as mixed content").
func netErrorFix(e string) string {
	l := strings.ToLower(e)
	switch {
	case strings.Contains(l, "blocked_by_client"):
		return "Not the server: an extension in this browser (an ad or tracker blocker) or a browser policy blocked the request before it was sent. Retry in a private window with extensions off to confirm; when filter lists match the URL (hosts or paths with words such as ads, analytics, track, beacon, pixel), rename the endpoint or serve it from your own domain."
	case strings.Contains(l, "mixed content"):
		return "Serve the API over https: the page is https, and no CORS header lets an https page call http. Check that no redirect (a proxy or load balancer) sends the request to http; in development, serve the page over http too or the API over https."
	case strings.Contains(l, "cert"), strings.Contains(l, "ssl"), strings.Contains(l, "tls"):
		return "Give the server a certificate the browser trusts for this host name, with its full chain (a public CA such as Let's Encrypt; in development, a local CA such as mkcert installed in the browser's trust store); browsers have no --insecure, and an untrusted certificate fails before any CORS check."
	case strings.Contains(l, "blocked_by_response"), strings.Contains(l, "blocked_by_orb"):
		return "Not CORS: the response carries Cross-Origin-Resource-Policy (same-origin or same-site), or is a no-cors load that opaque response blocking refused. Send Cross-Origin-Resource-Policy: cross-origin on this response, or request it with mode 'cors' and CORS headers."
	}
	return ""
}
