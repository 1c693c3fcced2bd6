package rules

import "github.com/corsdoctor/corsdoctor/evidence"

func withBody(r *evidence.Response, body string) *evidence.Response { r.Body = []byte(body); return r }

func init() {
	addCases("CD3011",
		ruleCase{Desc: "wildcard with Set-Cookie", Fire: true, Input: scanned(sp("arbitrary", attacker, resp(200, "Access-Control-Allow-Origin: *", "Set-Cookie: sid=1")))},
		ruleCase{Desc: "wildcard on private no-store", Fire: true, Input: scanned(sp("arbitrary", attacker, resp(200, "Access-Control-Allow-Origin: *", "Cache-Control: private, no-store")))},
		ruleCase{Desc: "wildcard with an email in the body", Fire: true, Input: scanned(sp("arbitrary", attacker, withBody(resp(200, "Access-Control-Allow-Origin: *"), `{"email":"a@b.c"}`)))},
		ruleCase{Desc: "wildcard on public data", Fire: false, Input: scanned(sp("arbitrary", attacker, withBody(resp(200, "Access-Control-Allow-Origin: *", "Cache-Control: public, max-age=60"), `{"items":[1]}`)))},
		ruleCase{Desc: "private response without wildcard", Fire: false, Input: scanned(sp("arbitrary", attacker, resp(200, "Set-Cookie: sid=1")))},
	)
}
