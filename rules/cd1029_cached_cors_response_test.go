package rules

func init() {
	addCases("CD1029",
		ruleCase{Desc: "CloudFront hit with another origin's ACAO", Fire: true, Input: in(req("GET"), hop(nil, resp(200, "Access-Control-Allow-Origin: https://admin.example.com", "X-Cache: Hit from cloudfront", "Age: 42")))},
		ruleCase{Desc: "cached without ACAO", Fire: true, Input: in(req("GET"), hop(nil, resp(200, "CF-Cache-Status: HIT")))},
		ruleCase{Desc: "cache miss", Fire: false, Input: in(req("GET"), hop(nil, resp(200, "Access-Control-Allow-Origin: https://admin.example.com", "X-Cache: Miss from cloudfront")))},
		ruleCase{Desc: "cached and allowed", Fire: false, Input: in(req("GET"), hop(nil, resp(200, appOrigin, "Vary: Origin", "X-Cache: Hit from cloudfront")))},
	)
}
