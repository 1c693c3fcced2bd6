package rules

func init() {
	addCases("CD3004",
		ruleCase{Desc: "look-alike echoed with credentials", Fire: true, Input: scanned(sp("prefix", "https://app.example.com.evil-corsdoctor.net", echo("https://app.example.com.evil-corsdoctor.net", true)))},
		ruleCase{Desc: "look-alike echoed without credentials", Fire: true, Input: scanned(sp("prefix", "https://app.example.com.evil-corsdoctor.net", echo("https://app.example.com.evil-corsdoctor.net", false)))},
		ruleCase{Desc: "look-alike refused", Fire: false, Input: scanned(sp("prefix", "https://app.example.com.evil-corsdoctor.net", resp(200, "Vary: Origin")))},
		ruleCase{Desc: "fixed trusted origin", Fire: false, Input: scanned(sp("prefix", "https://app.example.com.evil-corsdoctor.net", resp(200, "Access-Control-Allow-Origin: https://app.example.com", "Vary: Origin")))},
	)
}
