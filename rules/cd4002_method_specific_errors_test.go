package rules

import "github.com/corsdoctor/corsdoctor/evidence"

func init() {
	addCases("CD4002",
		ruleCase{Desc: "DELETE fails while GET works", Fire: true, Input: logInput(&evidence.LogStats{Routes: []evidence.RouteStats{
			logRoute("GET", "/items/{id}", map[int]int64{200: 100, 404: 2}),
			logRoute("DELETE", "/items/{id}", map[int]int64{500: 40, 200: 10}),
		}})},
		ruleCase{Desc: "every method fails alike", Fire: false, Input: logInput(&evidence.LogStats{Routes: []evidence.RouteStats{
			logRoute("GET", "/items", map[int]int64{500: 100}),
			logRoute("POST", "/items", map[int]int64{500: 40}),
		}})},
		ruleCase{Desc: "too few requests to judge", Fire: false, Input: logInput(&evidence.LogStats{Routes: []evidence.RouteStats{
			logRoute("GET", "/items", map[int]int64{200: 100}),
			logRoute("PUT", "/items", map[int]int64{500: 2}),
		}})},
	)
}
