package rules

func init() {
	addCases("CD1024",
		ruleCase{Desc: "415 for text/plain", Fire: true, Input: in(req("POST", "Content-Type: text/plain"), hop(nil, resp(415)))},
		ruleCase{Desc: "API Gateway UnsupportedMediaTypeException", Fire: true, Input: in(req("POST", "Content-Type: application/xml"), hop(okPreflight, resp(415, "x-amzn-ErrorType: UnsupportedMediaTypeException")))},
		ruleCase{Desc: "415 with ACAO", Fire: false, Input: in(req("POST", "Content-Type: text/plain"), hop(nil, resp(415, appOrigin)))},
		ruleCase{Desc: "400 is not a content type rejection", Fire: false, Input: in(req("POST", "Content-Type: text/plain"), hop(nil, resp(400)))},
	)
}
