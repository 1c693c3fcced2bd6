package rules

func init() {
	addCases("CD1054",
		ruleCase{Desc: "blocked by an extension", Fire: true, Input: harInput(harDoc(
			harEntry("POST", "https://tracker.example/collect", []string{harOrigin}, 0, nil, `"_error":"net::ERR_BLOCKED_BY_CLIENT"`)))},
		ruleCase{Desc: "CORS failure recorded as net::ERR_FAILED", Fire: false, Input: harInput(harDoc(
			harEntry("GET", "https://api.example.com/items", []string{harOrigin}, 200, nil, `"_error":"net::ERR_FAILED"`)))},
	)
}
