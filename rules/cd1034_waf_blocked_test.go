package rules

import "github.com/corsdoctor/corsdoctor/evidence"

func init() {
	cfBlock := resp(403, "X-Cache: Error from cloudfront", "Server: CloudFront")
	cfBlock.Body = []byte("<HTML><HEAD><TITLE>ERROR: The request could not be satisfied</TITLE></HEAD><BODY><H1>403 ERROR</H1><H2>The request could not be satisfied.</H2>Request blocked.")
	addCases("CD1034",
		ruleCase{Desc: "CloudFront WAF block page", Fire: true, Input: in(req("POST", "Content-Type: text/plain"), evidence.Hop{Response: cfBlock})},
		ruleCase{Desc: "Cloudflare challenge", Fire: true, Input: in(req("GET"), hop(nil, resp(403, "cf-mitigated: challenge")))},
		ruleCase{Desc: "plain 403 from the app", Fire: false, Input: in(req("GET"), hop(nil, resp(403)))},
		ruleCase{Desc: "WAF page with CORS headers reaches the page", Fire: false, Input: in(req("GET"), hop(nil, resp(403, "cf-mitigated: challenge", appOrigin)))},
	)
}
