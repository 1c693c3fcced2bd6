package rules

import (
	"time"

	"github.com/corsdoctor/corsdoctor/evidence"
)

func init() {
	deploy := func(before, after evidence.Count) *evidence.LogStats {
		return &evidence.LogStats{Window: 30 * time.Minute, Deploys: []evidence.DeployStats{{
			At: logT0, Before: before, After: after,
			Routes: []evidence.DeployRoute{{Method: "POST", Route: "/items", Before: evidence.Count{Total: 50}, After: evidence.Count{Total: 50, Errors: 50}}},
		}}}
	}
	addCases("CD4003",
		ruleCase{Desc: "errors jump after the deployment", Fire: true, Input: logInput(deploy(evidence.Count{Total: 1000, Errors: 10}, evidence.Count{Total: 1000, Errors: 120}))},
		ruleCase{Desc: "same error rate before and after", Fire: false, Input: logInput(&evidence.LogStats{Window: 30 * time.Minute, Deploys: []evidence.DeployStats{{
			At: logT0, Before: evidence.Count{Total: 1000, Errors: 50}, After: evidence.Count{Total: 1000, Errors: 55},
			Routes: []evidence.DeployRoute{{Method: "GET", Route: "/items", Before: evidence.Count{Total: 1000, Errors: 50}, After: evidence.Count{Total: 1000, Errors: 55}}},
		}}})},
		ruleCase{Desc: "one route breaks at the deployment", Fire: true, Input: logInput(deploy(evidence.Count{Total: 1000, Errors: 100}, evidence.Count{Total: 1000, Errors: 150}))},
		ruleCase{Desc: "no deployment given", Fire: false, Input: logInput(&evidence.LogStats{})},
	)
}
