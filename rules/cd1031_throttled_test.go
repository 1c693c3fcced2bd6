package rules

func init() {
	addCases("CD1031",
		ruleCase{Desc: "429 without ACAO", Fire: true, Input: in(req("GET"), hop(nil, resp(429, "Retry-After: 3")))},
		ruleCase{Desc: "API Gateway TooManyRequestsException", Fire: true, Input: in(req("GET"), hop(nil, resp(429, "x-amzn-ErrorType: TooManyRequestsException")))},
		ruleCase{Desc: "429 with ACAO", Fire: false, Input: in(req("GET"), hop(nil, resp(429, appOrigin)))},
		ruleCase{Desc: "500 is not throttling", Fire: false, Input: in(req("GET"), hop(nil, resp(500)))},
	)
}
