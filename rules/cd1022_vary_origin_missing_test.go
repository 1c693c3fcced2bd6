package rules

import "github.com/corsdoctor/corsdoctor/evidence"

func init() {
	addCases("CD1022",
		ruleCase{Desc: "echoed origin without Vary", Fire: true, Input: in(req("GET"), hop(nil, resp(200, appOrigin)))},
		ruleCase{Desc: "echoed origin, Vary lists other headers only", Fire: true, Input: in(req("GET"), hop(nil, resp(200, appOrigin, "Vary: Accept-Encoding", "X-Cache: Miss from cloudfront")))},
		ruleCase{Desc: "Vary: Accept-Encoding, Origin", Fire: false, Input: in(req("GET"), hop(nil, resp(200, appOrigin, "Vary: Accept-Encoding, Origin")))},
		ruleCase{Desc: "wildcard needs no Vary", Fire: false, Input: in(req("GET"), hop(nil, resp(200, "Access-Control-Allow-Origin: *")))},
		ruleCase{Desc: "no ACAO", Fire: false, Input: in(req("GET"), hop(nil, resp(200)))},
		ruleCase{Desc: "the same fixed value for another origin", Fire: false, Input: multi(
			&evidence.Exchange{Request: req("GET"), Hops: []evidence.Hop{{Response: resp(200, appOrigin)}}},
			&evidence.Exchange{Request: fromOrigin(req("GET"), "https://staging.example.com"), Hops: []evidence.Hop{{Response: resp(200, appOrigin)}}})},
	)
}
