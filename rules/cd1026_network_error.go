package rules

import (
	"fmt"
	"strings"

	"github.com/corsdoctor/corsdoctor/diag"
	"github.com/corsdoctor/corsdoctor/evidence"
)

// CD1026 fires when there was no HTTP response at all: DNS, TLS,
// connection refused or reset, timeout.
var CD1026 = register(&diag.Rule{
	ID:       "CD1026",
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
			p.Report(i, evidence.Source{URL: ex.Request.URL}, d)
		}
	},
})
