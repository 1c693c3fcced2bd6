package rules

func init() {
	addCases("CD3012",
		ruleCase{Desc: "PNA granted to the attacker", Fire: true, Input: scanned(spf("preflight", attacker, "PUT",
			resp(204, "Access-Control-Allow-Origin: "+attacker, "Access-Control-Allow-Private-Network: true")))},
		ruleCase{Desc: "PNA granted with wildcard", Fire: true, Input: scanned(spf("preflight", attacker, "PUT",
			resp(204, "Access-Control-Allow-Origin: *", "Access-Control-Allow-Private-Network: true")))},
		ruleCase{Desc: "PNA header but origin refused", Fire: false, Input: scanned(spf("preflight", attacker, "PUT",
			resp(204, "Access-Control-Allow-Origin: https://app.example.com", "Access-Control-Allow-Private-Network: true")))},
		ruleCase{Desc: "no PNA grant", Fire: false, Input: scanned(spf("preflight", attacker, "PUT", resp(204, "Access-Control-Allow-Origin: "+attacker)))},
		ruleCase{Desc: "preflight error status", Fire: false, Input: scanned(spf("preflight", attacker, "PUT",
			resp(403, "Access-Control-Allow-Origin: "+attacker, "Access-Control-Allow-Private-Network: true")))},
	)
}
