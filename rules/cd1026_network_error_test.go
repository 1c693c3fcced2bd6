package rules

import (
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
