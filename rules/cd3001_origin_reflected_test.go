package rules

func init() {
	addCases("CD3001",
		ruleCase{Desc: "arbitrary origin echoed with credentials", Fire: true, Input: scanned(sp("arbitrary", attacker, echo(attacker, true)))},
		ruleCase{Desc: "arbitrary origin echoed without credentials", Fire: true, Input: scanned(sp("arbitrary", attacker, echo(attacker, false)))},
		ruleCase{Desc: "arbitrary preflight passes for DELETE", Fire: true, Input: scanned(spf("arbitrary", attacker, "DELETE",
			resp(204, "Access-Control-Allow-Origin: "+attacker, "Access-Control-Allow-Methods: DELETE", "Access-Control-Allow-Credentials: true")))},
		ruleCase{Desc: "GET not readable but PUT preflight granted", Fire: true, Input: scanned(
			sp("arbitrary", attacker, resp(200, "Vary: Origin")),
			spf("preflight", attacker, "PUT", resp(204, "Access-Control-Allow-Origin: "+attacker, "Access-Control-Allow-Methods: GET, PUT", "Access-Control-Allow-Credentials: true")))},
		ruleCase{Desc: "preflight echo without the method", Fire: false, Input: scanned(
			sp("arbitrary", attacker, resp(200, "Vary: Origin")),
			spf("preflight", attacker, "PUT", resp(204, "Access-Control-Allow-Origin: "+attacker, "Access-Control-Allow-Methods: GET")))},
		ruleCase{Desc: "wildcard is not reflection", Fire: false, Input: scanned(sp("arbitrary", attacker, resp(200, "Access-Control-Allow-Origin: *")))},
		ruleCase{Desc: "fixed trusted origin", Fire: false, Input: scanned(sp("arbitrary", attacker, resp(200, "Access-Control-Allow-Origin: https://app.example.com")))},
		ruleCase{Desc: "echo of the target's own origin", Fire: false, Input: scanned(sp("self", "https://api.example.com", echo("https://api.example.com", true)))},
		ruleCase{Desc: "echoed but invalid credentials value and no read without", Fire: true, Input: scanned(sp("arbitrary", attacker,
			resp(200, "Access-Control-Allow-Origin: "+attacker, "Access-Control-Allow-Credentials: yes")))},
	)
}
