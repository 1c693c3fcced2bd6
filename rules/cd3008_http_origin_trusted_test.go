package rules

func init() {
	addCases("CD3008",
		ruleCase{Desc: "look-alike echoed with credentials", Fire: true, Input: scanned(sp("http", "http://app.example.com", echo("http://app.example.com", true)))},
		ruleCase{Desc: "look-alike echoed without credentials", Fire: true, Input: scanned(sp("http", "http://app.example.com", echo("http://app.example.com", false)))},
		ruleCase{Desc: "look-alike refused", Fire: false, Input: scanned(sp("http", "http://app.example.com", resp(200, "Vary: Origin")))},
		ruleCase{Desc: "fixed trusted origin", Fire: false, Input: scanned(sp("http", "http://app.example.com", resp(200, "Access-Control-Allow-Origin: https://app.example.com", "Vary: Origin")))},
	)
}
