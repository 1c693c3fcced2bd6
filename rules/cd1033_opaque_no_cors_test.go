package rules

import "github.com/corsdoctor/corsdoctor/cors"

func init() {
	noCORS := req("GET")
	noCORS.Mode = cors.ModeNoCORS
	addCases("CD1033",
		ruleCase{Desc: "no-cors request", Fire: true, Input: in(noCORS, hop(nil, resp(200)))},
		ruleCase{Desc: "cors request", Fire: false, Input: in(req("GET"), hop(nil, resp(200)))},
	)
}
