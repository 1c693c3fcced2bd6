package rules

func init() {
	const app = "https://app.example.com"
	addCases("CD3014",
		ruleCase{Desc: "allowlist echo without Vary", Fire: true, Input: scanned(
			sp("arbitrary", attacker, resp(200)),
			sp("trusted", app, resp(200, "Access-Control-Allow-Origin: "+app)))},
		ruleCase{Desc: "reflection without Vary", Fire: true, Input: scanned(sp("arbitrary", attacker, resp(200, "Access-Control-Allow-Origin: "+attacker)))},
		ruleCase{Desc: "allowlist echo with Vary", Fire: false, Input: scanned(
			sp("arbitrary", attacker, resp(200, "Vary: Origin")),
			sp("trusted", app, resp(200, "Access-Control-Allow-Origin: "+app, "Vary: Accept, Origin")))},
		ruleCase{Desc: "static origin needs no Vary", Fire: false, Input: scanned(
			sp("arbitrary", attacker, resp(200, "Access-Control-Allow-Origin: "+app)),
			sp("trusted", app, resp(200, "Access-Control-Allow-Origin: "+app)))},
		ruleCase{Desc: "no-store response", Fire: false, Input: scanned(
			sp("arbitrary", attacker, resp(200)),
			sp("trusted", app, resp(200, "Access-Control-Allow-Origin: "+app, "Cache-Control: no-store")))},
	)
}
