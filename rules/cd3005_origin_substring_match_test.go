package rules

func init() {
	addCases("CD3005",
		ruleCase{Desc: "look-alike echoed with credentials", Fire: true, Input: scanned(sp("substring", "https://evil-app.example.computer", echo("https://evil-app.example.computer", true)))},
		ruleCase{Desc: "look-alike echoed without credentials", Fire: true, Input: scanned(sp("substring", "https://evil-app.example.computer", echo("https://evil-app.example.computer", false)))},
		ruleCase{Desc: "look-alike refused", Fire: false, Input: scanned(sp("substring", "https://evil-app.example.computer", resp(200, "Vary: Origin")))},
		ruleCase{Desc: "fixed trusted origin", Fire: false, Input: scanned(sp("substring", "https://evil-app.example.computer", resp(200, "Access-Control-Allow-Origin: https://app.example.com", "Vary: Origin")))},
	)
}
