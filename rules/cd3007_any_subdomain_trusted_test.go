package rules

func init() {
	addCases("CD3007",
		ruleCase{Desc: "look-alike echoed with credentials", Fire: true, Input: scanned(sp("subdomain", "https://corsdoctor-unknown.example.com", echo("https://corsdoctor-unknown.example.com", true)))},
		ruleCase{Desc: "look-alike echoed without credentials", Fire: true, Input: scanned(sp("subdomain", "https://corsdoctor-unknown.example.com", echo("https://corsdoctor-unknown.example.com", false)))},
		ruleCase{Desc: "look-alike refused", Fire: false, Input: scanned(sp("subdomain", "https://corsdoctor-unknown.example.com", resp(200, "Vary: Origin")))},
		ruleCase{Desc: "fixed trusted origin", Fire: false, Input: scanned(sp("subdomain", "https://corsdoctor-unknown.example.com", resp(200, "Access-Control-Allow-Origin: https://app.example.com", "Vary: Origin")))},
	)
}
