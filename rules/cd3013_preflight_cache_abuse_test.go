package rules

func init() {
	addCases("CD3013",
		ruleCase{Desc: "all methods for a day", Fire: true, Input: scanned(spf("preflight", attacker, "PUT",
			resp(204, "Access-Control-Allow-Origin: *", "Access-Control-Allow-Methods: *", "Access-Control-Max-Age: 86400")))},
		ruleCase{Desc: "PUT PATCH DELETE for a day to the attacker", Fire: true, Input: scanned(spf("preflight", attacker, "PUT",
			resp(204, "Access-Control-Allow-Origin: "+attacker, "Access-Control-Allow-Methods: GET, PUT, PATCH, DELETE", "Access-Control-Max-Age: 31536000")))},
		ruleCase{Desc: "within Chromium's cap", Fire: false, Input: scanned(spf("preflight", attacker, "PUT",
			resp(204, "Access-Control-Allow-Origin: *", "Access-Control-Allow-Methods: *", "Access-Control-Max-Age: 7200")))},
		ruleCase{Desc: "narrow methods", Fire: false, Input: scanned(spf("preflight", attacker, "PUT",
			resp(204, "Access-Control-Allow-Origin: *", "Access-Control-Allow-Methods: GET, POST", "Access-Control-Max-Age: 86400")))},
		ruleCase{Desc: "attacker refused", Fire: false, Input: scanned(spf("preflight", attacker, "PUT",
			resp(204, "Access-Control-Allow-Origin: https://app.example.com", "Access-Control-Allow-Methods: *", "Access-Control-Max-Age: 86400")))},
	)
}
