package rules

import (
	"fmt"
	"strings"

	"github.com/corsdoctor/corsdoctor/diag"
)

// CD1054 fires when a recorded failure is a network error, not CORS.
var cd1054 = &diag.Rule{
	ID:       "CD1054",
	Needs:    diag.NeedsExchanges,
	Name:     "har-not-cors",
	Severity: diag.Info,
	Rank:     60,
	Since:    "0.1.0",
	Title:    "The request failed for a reason that is not CORS",
	Doc: `Chrome records CORS blocks as net::ERR_FAILED. Other errors mean the request failed before
CORS had a say: net::ERR_BLOCKED_BY_CLIENT (an ad blocker or extension),
net::ERR_NAME_NOT_RESOLVED (DNS), net::ERR_CONNECTION_REFUSED / _RESET / _TIMED_OUT (the
server or a firewall), net::ERR_CERT_* (TLS), net::ERR_ABORTED (the page cancelled it or
navigated away), net::ERR_INTERNET_DISCONNECTED. Changing CORS headers cannot fix these.

Before:  chasing Access-Control-Allow-Origin for a request an extension blocked
After:   disable the extension, or fix DNS, TLS or the network path`,
	Fix: map[diag.Platform]string{
		diag.Generic: "Treat it as the network error it is: try without extensions (a private window), check DNS and TLS for the host (curl -v URL), and make sure the server is reachable from the browser's network.",
	},
	Check: func(p *diag.Pass) {
		for i, ex := range p.Exchanges() {
			if ex.Recorded == nil || ex.Err == "" {
				continue
			}
			d := fmt.Sprintf("%s %s failed with %s: %s", ex.Request.Method, ex.Request.URL, ex.Err, netErrorMeaning(ex.Err))
			p.Report(i, ex.Source, d)
		}
	},
}

func netErrorMeaning(e string) string {
	switch {
	case strings.Contains(e, "BLOCKED_BY_CLIENT"):
		return "an extension (ad or tracker blocker) or the browser's own policy blocked the request; it never left the browser"
	case strings.Contains(e, "NAME_NOT_RESOLVED"):
		return "the host name does not resolve (DNS)"
	case strings.Contains(e, "CONNECTION_REFUSED"), strings.Contains(e, "CONNECTION_RESET"), strings.Contains(e, "CONNECTION_CLOSED"), strings.Contains(e, "TIMED_OUT"):
		return "the connection to the server failed (server down, wrong port, firewall)"
	case strings.Contains(e, "CERT"), strings.Contains(e, "SSL"):
		return "the TLS certificate or handshake failed"
	case strings.Contains(e, "ABORTED"):
		return "the request was cancelled (by the page, or by a navigation)"
	case strings.Contains(e, "INTERNET_DISCONNECTED"):
		return "the browser was offline"
	case strings.Contains(strings.ToLower(e), "mixed content"):
		return "the page is served over https and the request (or a redirect) goes to http: Chromium blocks it as mixed content before any CORS check; serve the API over https"
	case strings.Contains(e, "EMPTY_RESPONSE"):
		return "the server closed the connection without sending a response (a crashed process, or a proxy cutting the request)"
	case strings.Contains(e, "ADDRESS_UNREACHABLE"), strings.Contains(e, "NETWORK_CHANGED"):
		return "the network path to the server failed"
	case strings.Contains(e, "BLOCKED_BY_RESPONSE"), strings.Contains(e, "BLOCKED_BY_ORB"):
		return "the response was blocked by Cross-Origin-Resource-Policy or opaque response blocking, not by CORS"
	}
	return "a network error, not a CORS check"
}
