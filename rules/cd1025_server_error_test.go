package rules

func init() {
	addCases("CD1025",
		ruleCase{Desc: "API Gateway 504 timeout", Fire: true, Input: in(req("GET"), hop(nil, resp(504, "x-amzn-ErrorType: InternalServerErrorException")))},
		ruleCase{Desc: "500 from the framework", Fire: true, Input: in(req("GET"), hop(nil, resp(500, "Server: uvicorn")))},
		ruleCase{Desc: "500 with ACAO reaches the page", Fire: false, Input: in(req("GET"), hop(nil, resp(500, appOrigin)))},
		ruleCase{Desc: "500 with another origin's ACAO is CD1004's: the response has CORS headers", Fire: false, Input: in(req("GET"), hop(nil, resp(500, "Access-Control-Allow-Origin: https://www.example.com")))},
		ruleCase{Desc: "502 with * and credentials is CD1006's", Fire: false, Input: in(withCreds(req("GET")), hop(nil, resp(502, "Access-Control-Allow-Origin: *")))},
		ruleCase{Desc: "preflight 500 is CD1017's", Fire: false, Input: in(req("PUT"), hop(resp(500), nil))},
	)
}
