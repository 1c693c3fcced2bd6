package rules

func init() {
	addCases("CD1051",
		ruleCase{Desc: "status 0 net::ERR_FAILED after a passing preflight", Fire: true, Input: harInput(harDoc(
			harEntry("OPTIONS", "https://api.example.com/items", []string{harOrigin, "Access-Control-Request-Method: PUT"}, 204,
				[]string{"Access-Control-Allow-Origin: https://app.example.com", "Access-Control-Allow-Methods: PUT"}, ""),
			harEntry("PUT", "https://api.example.com/items", []string{harOrigin}, 0, nil, `"_error":"net::ERR_FAILED"`)))},
		ruleCase{Desc: "the failing response was recorded", Fire: false, Input: harInput(harDoc(
			harEntry("GET", "https://api.example.com/items", []string{harOrigin}, 200, nil, `"_error":"net::ERR_FAILED"`)))},
		ruleCase{Desc: "a network error is not a missing response", Fire: false, Input: harInput(harDoc(
			harEntry("GET", "https://api.example.com/items", []string{harOrigin}, 0, nil, `"_error":"net::ERR_NAME_NOT_RESOLVED"`)))},
	)
}
