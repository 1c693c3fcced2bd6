package rules

import (
	"testing"

	"github.com/corsdoctor/corsdoctor/cors"
	"github.com/corsdoctor/corsdoctor/diag"
	"github.com/corsdoctor/corsdoctor/evidence"
)

func init() {
	recorded := func(rec evidence.Recorded, r cors.Request, hops ...evidence.Hop) func(*testing.T) *diag.Input {
		return func(*testing.T) *diag.Input {
			in := exchange(r, hops...)
			in.Exchanges[0].Recorded = &rec
			return in
		}
	}
	cred := req("GET")
	cred.Credentials = cors.CredentialsInclude
	addCases("CD1055",
		ruleCase{Desc: "credentials inferred", Fire: true, Input: recorded(evidence.Recorded{Browser: "Chromium", Entry: 3, Error: "net::ERR_FAILED", CredentialsInferred: true},
			cred, hop(nil, resp(200, "Access-Control-Allow-Origin: *")))},
		ruleCase{Desc: "unexplained disagreement", Fire: true, Input: recorded(evidence.Recorded{Browser: "Chromium", Entry: 1, Error: "net::ERR_FAILED", Disagrees: "the HAR lacks what decided"},
			req("GET"), hop(nil, resp(200, appOrigin)))},
		ruleCase{Desc: "verdict agrees with the recording", Fire: false, Input: recorded(evidence.Recorded{Browser: "Chromium", Entry: 1},
			req("GET"), hop(nil, resp(200, appOrigin)))},
	)
}
