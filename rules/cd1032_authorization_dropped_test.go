package rules

import "github.com/corsdoctor/corsdoctor/evidence"

func init() {
	redirect := resp(301, "Location: https://www.example.com/items", "Access-Control-Allow-Origin: *")
	final := resp(401, "Access-Control-Allow-Origin: *")
	addCases("CD1032",
		ruleCase{Desc: "cross-origin redirect drops Authorization", Fire: true, Input: in(req("GET", "Authorization: Bearer t"),
			hop(resp(204, "Access-Control-Allow-Origin: *", "Access-Control-Allow-Headers: authorization"), redirect),
			evidence.Hop{Preflight: resp(204, "Access-Control-Allow-Origin: *", "Access-Control-Allow-Headers: authorization"), Response: final})},
		ruleCase{Desc: "no redirect", Fire: false, Input: in(req("GET", "Authorization: Bearer t"), hop(resp(204, "Access-Control-Allow-Origin: *", "Access-Control-Allow-Headers: authorization"), final))},
	)
}
