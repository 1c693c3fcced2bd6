package rules

func init() {
	addCases("CD3003",
		ruleCase{Desc: "look-alike echoed with credentials", Fire: true, Input: scanned(sp("suffix", "https://evil-example.com", echo("https://evil-example.com", true)))},
		ruleCase{Desc: "look-alike echoed without credentials", Fire: true, Input: scanned(sp("suffix", "https://evil-example.com", echo("https://evil-example.com", false)))},
		ruleCase{Desc: "look-alike refused", Fire: false, Input: scanned(sp("suffix", "https://evil-example.com", resp(200, "Vary: Origin")))},
		ruleCase{Desc: "fixed trusted origin", Fire: false, Input: scanned(sp("suffix", "https://evil-example.com", resp(200, "Access-Control-Allow-Origin: https://app.example.com", "Vary: Origin")))},
	)
}

func init() {
	addCases("CD3003",
		ruleCase{Desc: "a substring match is reported by CD3005 instead", Fire: false, Input: scanned(
			sp("suffix", "https://evil-example.com", echo("https://evil-example.com", true)),
			sp("substring", "https://evil-app.example.computer", echo("https://evil-app.example.computer", true)))},
	)
}
