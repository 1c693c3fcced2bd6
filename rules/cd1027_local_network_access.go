package rules

import (
	"fmt"
	"net"
	"net/url"

	"github.com/corsdoctor/corsdoctor/diag"
)

// CD1027 fires when a page on a public origin calls a private or
// loopback address: Chromium's Local Network Access asks the user first.
var cd1027 = &diag.Rule{
	ID:       "CD1027",
	Needs:    diag.NeedsExchanges,
	Name:     "local-network-access",
	Severity: diag.Warning,
	Rank:     80,
	Since:    "0.1.0",
	Title:    "A public page calls a private or loopback address: Chromium asks the user for local network access",
	Doc: `Chromium's Local Network Access (the successor of Private Network Access,
shipped from Chrome 142) treats requests from a public origin to a private address
(10/8, 172.16/12, 192.168/16, fc00::/7, .local) or to loopback (127.0.0.0/8, ::1,
localhost) specially: the user is prompted for permission, and a denied or dismissed
prompt fails the request with LocalNetworkAccessPermissionDenied, which looks like a CORS
error. Non-secure (http) public pages cannot make such requests at all. CORS headers do
not change this: it is not a CORS problem.

Fix: serve the API on a public address for public pages, or load the page from the same
network (a private or loopback origin).`,
	Fix: map[diag.Platform]string{
		diag.Generic: "Call a publicly reachable API from public pages; for local development, serve the page from localhost too (http://localhost:5173) so both are in the loopback address space; users of a public page must grant the local network access prompt.",
	},
	Check: func(p *diag.Pass) {
		for i, ex := range p.Exchanges() {
			ou, err := url.Parse(ex.Request.Origin)
			if err != nil || ou.Host == "" {
				continue
			}
			tu, err := url.Parse(ex.Request.URL)
			if err != nil {
				continue
			}
			target := tu.Hostname()
			src := ""
			for _, r := range ex.Responses() {
				if r.RemoteAddr != "" {
					if h, _, err := net.SplitHostPort(r.RemoteAddr); err == nil {
						target, src = h, "seen on the connection"
						break
					}
				}
			}
			from, to := addressSpace(ou.Hostname()), addressSpace(target)
			if spaceRank(to) >= spaceRank(from) {
				continue
			}
			where := fmt.Sprintf("the API at %s is in the %s address space", tu.Hostname(), to)
			if target != tu.Hostname() {
				where = fmt.Sprintf("%s connects to %s (%s), in the %s address space", tu.Hostname(), target, src, to)
			}
			d := fmt.Sprintf("the page's origin %s is %s and %s: Chromium asks the user to allow local network access, and fails the request if it is denied", ex.Request.Origin, article(from), where)
			if ou.Scheme == "http" && from == "public" {
				d += "; a non-secure (http) public page cannot make the request at all"
			}
			p.Report(i, loc(ex), d)
		}
	},
}

func article(space string) string {
	if space == "public" {
		return "public"
	}
	return "in the " + space + " address space"
}
