package rules

func init() {
	addCases("CD3009",
		ruleCase{Desc: "look-alike echoed with credentials", Fire: true, Input: scanned(sp("third-party", "https://corsdoctor-attacker.github.io", echo("https://corsdoctor-attacker.github.io", true)))},
		ruleCase{Desc: "look-alike echoed without credentials", Fire: true, Input: scanned(sp("third-party", "https://corsdoctor-attacker.github.io", echo("https://corsdoctor-attacker.github.io", false)))},
		ruleCase{Desc: "look-alike refused", Fire: false, Input: scanned(sp("third-party", "https://corsdoctor-attacker.github.io", resp(200, "Vary: Origin")))},
		ruleCase{Desc: "fixed trusted origin", Fire: false, Input: scanned(sp("third-party", "https://corsdoctor-attacker.github.io", resp(200, "Access-Control-Allow-Origin: https://app.example.com", "Vary: Origin")))},
	)
}
