package rules

func init() {
	addCases("CD1019",
		ruleCase{Desc: "404 without ACAO", Fire: true, Input: in(req("GET"), hop(nil, resp(404)))},
		ruleCase{Desc: "API Gateway Missing Authentication Token on the actual request", Fire: true, Input: in(req("GET"), hop(nil, resp(403, "x-amzn-ErrorType: MissingAuthenticationTokenException")))},
		ruleCase{Desc: "404 with ACAO is readable", Fire: false, Input: in(req("GET"), hop(nil, resp(404, appOrigin)))},
		ruleCase{Desc: "200 without ACAO is not an error response", Fire: false, Input: in(req("GET"), hop(nil, resp(200)))},
		ruleCase{Desc: "preflight 404 is CD1002's", Fire: false, Input: in(req("PUT"), hop(resp(404), nil))},
	)
}
