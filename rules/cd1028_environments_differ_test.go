package rules

import "github.com/corsdoctor/corsdoctor/evidence"

func init() {
	echoDev := []evidence.Hop{{Response: resp(200, "Access-Control-Allow-Origin: http://localhost:3000")}}
	addCases("CD1028",
		ruleCase{Desc: "dev allowed, prod blocked", Fire: true, Input: multi(
			&evidence.Exchange{Request: fromOrigin(req("GET"), "http://localhost:3000"), Hops: echoDev},
			&evidence.Exchange{Request: req("GET"), Hops: echoDev})},
		ruleCase{Desc: "both blocked", Fire: false, Input: multi(
			&evidence.Exchange{Request: fromOrigin(req("GET"), "https://staging.example.com"), Hops: echoDev},
			&evidence.Exchange{Request: req("GET"), Hops: echoDev})},
		ruleCase{Desc: "single origin", Fire: false, Input: in(req("GET"), hop(nil, resp(200)))},
	)
}
