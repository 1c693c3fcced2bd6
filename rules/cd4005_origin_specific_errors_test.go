package rules

import "github.com/corsdoctor/corsdoctor/evidence"

func init() {
	withOrigins := func(admin evidence.Count) *evidence.LogStats {
		r := logRoute("OPTIONS", "/items", map[int]int64{204: 100, 403: admin.Errors})
		r.Origins = map[string]*evidence.Count{
			"https://app.example.com":   {Total: 100},
			"https://admin.example.com": &admin,
		}
		return &evidence.LogStats{OriginsLogged: true, Routes: []evidence.RouteStats{r}}
	}
	addCases("CD4005",
		ruleCase{Desc: "admin origin refused, app origin allowed", Fire: true, Input: logInput(withOrigins(evidence.Count{Total: 20, Errors: 20}))},
		ruleCase{Desc: "both origins work", Fire: false, Input: logInput(withOrigins(evidence.Count{Total: 20}))},
	)
}
