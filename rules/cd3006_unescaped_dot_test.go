package rules

func init() {
	addCases("CD3006",
		ruleCase{Desc: "look-alike echoed with credentials", Fire: true, Input: scanned(sp("unescaped-dot", "https://appxexample.com", echo("https://appxexample.com", true)))},
		ruleCase{Desc: "look-alike echoed without credentials", Fire: true, Input: scanned(sp("unescaped-dot", "https://appxexample.com", echo("https://appxexample.com", false)))},
		ruleCase{Desc: "look-alike refused", Fire: false, Input: scanned(sp("unescaped-dot", "https://appxexample.com", resp(200, "Vary: Origin")))},
		ruleCase{Desc: "fixed trusted origin", Fire: false, Input: scanned(sp("unescaped-dot", "https://appxexample.com", resp(200, "Access-Control-Allow-Origin: https://app.example.com", "Vary: Origin")))},
	)
}
