package rules

func init() {
	addCases("CD3002",
		ruleCase{Desc: "null echoed with credentials", Fire: true, Input: scanned(sp("null", "null", echo("null", true)))},
		ruleCase{Desc: "null not allowed", Fire: false, Input: scanned(sp("null", "null", resp(200, "Vary: Origin")))},
		ruleCase{Desc: "wildcard for null is not trust", Fire: false, Input: scanned(sp("null", "null", resp(200, "Access-Control-Allow-Origin: *")))},
	)
}
