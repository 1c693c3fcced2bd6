package rules

func init() {
	addCases("CD1052",
		ruleCase{Desc: "ACAO * while the page sends cookies to the same API elsewhere", Fire: true, Input: harInput(harDoc(
			harEntry("GET", "https://api.example.com/config", []string{harOrigin}, 200, []string{"Access-Control-Allow-Origin: *"}, ""),
			harEntry("GET", "https://api.example.com/me", []string{harOrigin, "Cookie: sid=1"}, 200,
				[]string{"Access-Control-Allow-Origin: https://app.example.com", "Access-Control-Allow-Credentials: true"}, "")))},
		ruleCase{Desc: "server already allows credentials", Fire: false, Input: harInput(harDoc(
			harEntry("GET", "https://api.example.com/config", []string{harOrigin}, 200,
				[]string{"Access-Control-Allow-Origin: https://app.example.com", "Access-Control-Allow-Credentials: true", "Vary: Origin"}, "")))},
		ruleCase{Desc: "public CDN asset, no credentials anywhere", Fire: false, Input: harInput(harDoc(
			harEntry("GET", "https://cdn.example.net/a.png", []string{harOrigin}, 200, []string{"Access-Control-Allow-Origin: *"}, "")))},
	)
}
