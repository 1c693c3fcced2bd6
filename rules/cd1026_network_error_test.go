package rules

import (
	"strings"
	"testing"

	"github.com/corsdoctor/corsdoctor/diag"
	"github.com/corsdoctor/corsdoctor/evidence"
)

func init() {
	netErr := func(msg string) func(*testing.T) *diag.Input {
		return func(*testing.T) *diag.Input {
			ex := &evidence.Exchange{Request: req("GET"), Err: msg, Hops: []evidence.Hop{{URL: "https://api.example.com/items"}}}
			ex.Result.NetError = "net::ERR_CONNECTION_REFUSED"
			return &diag.Input{Exchanges: []*evidence.Exchange{ex}}
		}
	}
	addCases("CD1026",
		ruleCase{Desc: "connection refused", Fire: true, Input: netErr("connection refused: nothing listens on 127.0.0.1:1")},
		ruleCase{Desc: "untrusted certificate", Fire: true, Input: netErr("TLS certificate not trusted (self-signed or unknown authority); pass --insecure to probe anyway")},
		ruleCase{Desc: "a response came back", Fire: false, Input: in(req("GET"), hop(nil, resp(200)))},
	)
}

// TestNetworkErrorFix: the fix follows the kind of failure: an ad
// blocker, mixed content, a certificate or CORP are not fixed by checking
// DNS and the port.
func TestNetworkErrorFix(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ err, want, not string }{
		{"net::ERR_BLOCKED_BY_CLIENT", "extension", "DNS"},
		{"mixed content", "over https", "DNS"},
		{"net::ERR_CERT_AUTHORITY_INVALID", "certificate the browser trusts", "DNS"},
		{"net::ERR_BLOCKED_BY_RESPONSE", "Cross-Origin-Resource-Policy", "DNS"},
		{"net::ERR_NAME_NOT_RESOLVED", "DNS", "extension"},
		{"net::ERR_CONNECTION_REFUSED", "listens", "extension"},
	} {
		ex := &evidence.Exchange{Request: req("GET"), Err: tc.err}
		fs := diag.Run([]*diag.Rule{cd1026}, &diag.Input{Exchanges: []*evidence.Exchange{ex}})
		if len(fs) != 1 {
			t.Fatalf("%s: %d findings", tc.err, len(fs))
		}
		if !strings.Contains(fs[0].Fix, tc.want) || strings.Contains(fs[0].Fix, tc.not) {
			t.Errorf("%s: fix %q: want %q, not %q", tc.err, fs[0].Fix, tc.want, tc.not)
		}
	}
}
