package rules

import "github.com/corsdoctor/corsdoctor/evidence"

func init() {
	missing := logRoute("OPTIONS", "/orders", map[int]int64{403: 120})
	missing.Errors = map[string]int64{"MISSING_AUTHENTICATION_TOKEN": 120}
	addCases("CD4001",
		ruleCase{Desc: "OPTIONS 403 missing authentication token", Fire: true, Input: logInput(&evidence.LogStats{Routes: []evidence.RouteStats{missing}})},
		ruleCase{Desc: "OPTIONS 500 from a broken MOCK integration", Fire: true, Input: logInput(&evidence.LogStats{Routes: []evidence.RouteStats{logRoute("OPTIONS", "/items", map[int]int64{204: 3, 500: 40})}})},
		ruleCase{Desc: "healthy preflights", Fire: false, Input: logInput(&evidence.LogStats{Routes: []evidence.RouteStats{logRoute("OPTIONS", "/items", map[int]int64{204: 500})}})},
		ruleCase{Desc: "GET errors are not preflight failures", Fire: false, Input: logInput(&evidence.LogStats{Routes: []evidence.RouteStats{logRoute("GET", "/items", map[int]int64{403: 50})}})},
		ruleCase{Desc: "no logs", Fire: false, Input: logInput(&evidence.LogStats{})},
	)
}
