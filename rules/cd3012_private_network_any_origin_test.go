package rules

import "github.com/corsdoctor/corsdoctor/evidence"

// from sets the address the probe's response came from.
func from(addr string, pr evidence.Probe) evidence.Probe {
	for _, h := range pr.Hops {
		if h.Preflight != nil {
			h.Preflight.RemoteAddr = addr
		}
		if h.Response != nil {
			h.Response.RemoteAddr = addr
		}
	}
	return pr
}

// onURL moves a probe to another target URL.
func onURL(u string, pr evidence.Probe) evidence.Probe {
	pr.Request.URL = u
	for i := range pr.Hops {
		pr.Hops[i].URL = u
	}
	return pr
}

func init() {
	grant := func(origin string) *evidence.Response {
		return resp(204, "Access-Control-Allow-Origin: "+origin, "Access-Control-Allow-Private-Network: true")
	}
	addCases("CD3012",
		ruleCase{Desc: "PNA granted to the attacker, private address", Fire: true, Input: scanned(from("10.0.0.5:443", spf("preflight", attacker, "PUT", grant(attacker))))},
		ruleCase{Desc: "PNA granted to the attacker, loopback address", Fire: true, Input: scanned(from("127.0.0.1:443", spf("preflight", attacker, "PUT", grant(attacker))))},
		ruleCase{Desc: "PNA granted with wildcard", Fire: true, Input: scanned(from("192.168.1.1:443", spf("preflight", attacker, "PUT",
			resp(204, "Access-Control-Allow-Origin: *", "Access-Control-Allow-Private-Network: true"))))},
		ruleCase{Desc: "private address known from the URL (no remote address)", Fire: true,
			Input: scanned(onURL("https://192.168.1.1/admin", spf("preflight", attacker, "PUT", grant(attacker))))},
		ruleCase{Desc: "https page, http device: targetAddressSpace, then the prompt", Fire: true,
			Input: scanned(from("192.168.1.1:80", onURL("http://router.example/admin", spf("private-network", attacker, "GET", grant(attacker)))))},
		ruleCase{Desc: "http page: Chromium refuses insecure private network requests", Fire: false,
			Input: scanned(from("192.168.1.1:80", onURL("http://router.example/admin", spf("preflight", "http://corsdoctor-attacker.example", "PUT", grant("http://corsdoctor-attacker.example")))))},
		ruleCase{Desc: "public address: private network access does not apply", Fire: false, Input: scanned(from("203.0.113.7:443", spf("preflight", attacker, "PUT", grant(attacker))))},
		ruleCase{Desc: "PNA header but origin refused", Fire: false, Input: scanned(from("10.0.0.5:443", spf("preflight", attacker, "PUT",
			resp(204, "Access-Control-Allow-Origin: https://app.example.com", "Access-Control-Allow-Private-Network: true"))))},
		ruleCase{Desc: "PNA header not true", Fire: false, Input: scanned(from("10.0.0.5:443", spf("preflight", attacker, "PUT",
			resp(204, "Access-Control-Allow-Origin: "+attacker, "Access-Control-Allow-Private-Network: yes"))))},
		ruleCase{Desc: "no PNA grant", Fire: false, Input: scanned(from("10.0.0.5:443", spf("preflight", attacker, "PUT", resp(204, "Access-Control-Allow-Origin: "+attacker))))},
		ruleCase{Desc: "preflight error status", Fire: false, Input: scanned(from("10.0.0.5:443", spf("preflight", attacker, "PUT",
			resp(403, "Access-Control-Allow-Origin: "+attacker, "Access-Control-Allow-Private-Network: true"))))},
	)
}
