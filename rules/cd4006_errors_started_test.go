package rules

import "github.com/corsdoctor/corsdoctor/evidence"

func init() {
	started := logRoute("GET", "/items", map[int]int64{200: 100, 403: 80})
	sporadic := logRoute("GET", "/items", map[int]int64{200: 100, 403: 80})
	sporadic.OKAfterError = 90
	addCases("CD4006",
		ruleCase{Desc: "every request fails after the first failure", Fire: true, Input: logInput(&evidence.LogStats{Routes: []evidence.RouteStats{started}})},
		ruleCase{Desc: "successes keep coming after the first failure", Fire: false, Input: logInput(&evidence.LogStats{Routes: []evidence.RouteStats{sporadic}})},
	)
}
