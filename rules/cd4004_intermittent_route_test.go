package rules

import "github.com/corsdoctor/corsdoctor/evidence"

func init() {
	flipping := logRoute("GET", "/users/me", map[int]int64{200: 60, 502: 30})
	flipping.Flips = 40
	block := logRoute("GET", "/users/me", map[int]int64{200: 60, 502: 30})
	block.Flips = 1
	sporadic := logRoute("GET", "/items", map[int]int64{200: 1000, 404: 20})
	sporadic.Flips = 40
	addCases("CD4004",
		ruleCase{Desc: "a few scattered 404s are normal", Fire: false, Input: logInput(&evidence.LogStats{Routes: []evidence.RouteStats{sporadic}})},
		ruleCase{Desc: "502s interleaved with 200s", Fire: true, Input: logInput(&evidence.LogStats{Routes: []evidence.RouteStats{flipping}})},
		ruleCase{Desc: "one block of failures is not intermittent", Fire: false, Input: logInput(&evidence.LogStats{Routes: []evidence.RouteStats{block}})},
	)
}
