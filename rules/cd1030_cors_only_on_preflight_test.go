package rules

func init() {
	addCases("CD1030",
		ruleCase{Desc: "mock OPTIONS with headers, proxy integration without", Fire: true, Input: in(req("PUT", "Content-Type: application/json"), hop(okPreflight, resp(200, "x-amzn-RequestId: 1", "x-amz-apigw-id: a")))},
		ruleCase{Desc: "actual response carries ACAO", Fire: false, Input: in(req("PUT"), hop(okPreflight, resp(200, appOrigin)))},
		ruleCase{Desc: "simple request, no preflight", Fire: false, Input: in(req("GET"), hop(nil, resp(200)))},
		ruleCase{Desc: "error status is CD1019's", Fire: false, Input: in(req("PUT"), hop(okPreflight, resp(500)))},
	)
}
