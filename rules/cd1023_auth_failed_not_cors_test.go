package rules

func init() {
	addCases("CD1023",
		ruleCase{Desc: "401 after a passed preflight", Fire: true, Input: in(req("GET", "Authorization: Bearer expired"), hop(okPreflight, resp(401, "WWW-Authenticate: Bearer error=\"invalid_token\"")))},
		ruleCase{Desc: "authorizer AccessDeniedException", Fire: true, Input: in(req("POST", "Content-Type: application/json"), hop(okPreflight, resp(403, "x-amzn-ErrorType: AccessDeniedException")))},
		ruleCase{Desc: "Missing Authentication Token is routing", Fire: false, Input: in(req("GET"), hop(nil, resp(403, "x-amzn-ErrorType: MissingAuthenticationTokenException")))},
		ruleCase{Desc: "401 with ACAO reaches the page", Fire: false, Input: in(req("GET"), hop(nil, resp(401, appOrigin)))},
		ruleCase{Desc: "401 with * and credentials is CD1006's: the response has CORS headers", Fire: false, Input: in(withCreds(req("GET")), hop(nil, resp(401, "Access-Control-Allow-Origin: *", "WWW-Authenticate: Bearer")))},
		ruleCase{Desc: "403 with another origin's ACAO is CD1004's", Fire: false, Input: in(req("GET", "Authorization: Bearer x"), hop(okPreflight, resp(403, "Access-Control-Allow-Origin: https://www.example.com", "x-amzn-ErrorType: AccessDeniedException")))},
		ruleCase{Desc: "preflight 401 is CD1003's", Fire: false, Input: in(req("PUT"), hop(resp(401), nil))},
	)
}
