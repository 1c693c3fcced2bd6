package rules

import (
	"testing"

	"github.com/corsdoctor/corsdoctor/cors"
	"github.com/corsdoctor/corsdoctor/diag"
	"github.com/corsdoctor/corsdoctor/evidence"
)

func init() {
	to := func(origin, url, remote string) func(*testing.T) *diag.Input {
		return func(*testing.T) *diag.Input {
			r := resp(200, "Access-Control-Allow-Origin: *")
			r.RemoteAddr = remote
			return exchange(cors.Request{Origin: origin, URL: url, Method: "GET"}, evidence.Hop{Response: r})
		}
	}
	addCases("CD1027",
		ruleCase{Desc: "public page to loopback", Fire: true, Input: to("https://app.example.com", "http://127.0.0.1:8080/items", "")},
		ruleCase{Desc: "public page to a host resolving to a private address", Fire: true, Input: to("https://app.example.com", "https://api.corp.example/items", "10.1.2.3:443")},
		ruleCase{Desc: "localhost page to loopback", Fire: false, Input: to("http://localhost:5173", "http://127.0.0.1:8080/items", "127.0.0.1:8080")},
		ruleCase{Desc: "public to public", Fire: false, Input: to("https://app.example.com", "https://api.example.com/items", "93.184.216.34:443")},
	)
}
