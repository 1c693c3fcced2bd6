package rules

func init() {
	ok := hop(nil, resp(200, appOrigin, "Vary: Origin"))
	addCases("CD1021",
		ruleCase{Desc: "second response lost ACAO", Fire: true, Input: withProbes(req("GET"), hops(ok), probe("repeat", req("GET"), ok), probe("repeat", req("GET"), hop(nil, resp(200, "X-Cache: Hit from cloudfront", "Age: 12"))))},
		ruleCase{Desc: "ACAO for another origin on a repeat", Fire: true, Input: withProbes(req("GET"), hops(ok), probe("repeat", req("GET"), hop(nil, resp(200, "Access-Control-Allow-Origin: https://admin.example.com"))))},
		ruleCase{Desc: "a repeat throttled without CORS headers", Fire: true, Input: withProbes(req("GET"), hops(ok), probe("repeat", req("GET"), hop(nil, resp(429))))},
		ruleCase{Desc: "identical repeats", Fire: false, Input: withProbes(req("GET"), hops(ok), probe("repeat", req("GET"), ok), probe("repeat", req("GET"), ok))},
		ruleCase{Desc: "no repeats", Fire: false, Input: in(req("GET"), ok)},
	)
}
