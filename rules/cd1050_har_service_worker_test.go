package rules

func init() {
	addCases("CD1050",
		ruleCase{Desc: "response fetched via service worker", Fire: true, Input: harInput(harDoc(
			harEntry("GET", "https://api.example.com/items", []string{harOrigin}, 200, []string{"Access-Control-Allow-Origin: *"}, `"_fetchedViaServiceWorker":true`)))},
		ruleCase{Desc: "straight from the network", Fire: false, Input: harInput(harDoc(
			harEntry("GET", "https://api.example.com/items", []string{harOrigin}, 200, []string{"Access-Control-Allow-Origin: *"}, `"_fetchedViaServiceWorker":false`)))},
	)
}
