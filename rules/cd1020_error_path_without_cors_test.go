package rules

func init() {
	ok := hops(hop(nil, resp(200, appOrigin)))
	addCases("CD1020",
		ruleCase{Desc: "missing path 404 without ACAO", Fire: true, Input: withProbes(req("GET"), ok, probe("error-path", req("GET"), hop(nil, resp(404))))},
		ruleCase{Desc: "no-auth 401 without ACAO", Fire: true, Input: withProbes(req("GET", "Authorization: Bearer x"), ok, probe("no-auth", req("GET"), hop(nil, resp(401))))},
		ruleCase{Desc: "preflight to a missing path 403 without ACAO", Fire: true, Input: withProbes(req("PUT"), hops(hop(okPreflight, resp(200, appOrigin))), probe("error-path", req("PUT"), hop(resp(403, "x-amzn-ErrorType: MissingAuthenticationTokenException"), nil)))},
		ruleCase{Desc: "404 with ACAO", Fire: false, Input: withProbes(req("GET"), ok, probe("error-path", req("GET"), hop(nil, resp(404, appOrigin))))},
		ruleCase{Desc: "the request itself got the error (CD1019's)", Fire: false, Input: withProbes(req("GET", "Authorization: Bearer x"), hops(hop(nil, resp(401))), probe("no-auth", req("GET"), hop(nil, resp(401))))},
		ruleCase{Desc: "repeats are not error paths", Fire: false, Input: withProbes(req("GET"), ok, probe("repeat", req("GET"), hop(nil, resp(404))))},
	)
}
