package browser

import (
	"context"
	"testing"
)

// BenchmarkColdRun is one `corsdoctor browser` call without the CLI:
// start Chromium, run one preflighted request, close (issue 6: <= 3 s).
func BenchmarkColdRun(b *testing.B) {
	chromiumOrSkip(b)
	for b.Loop() {
		br, err := Start(context.Background(), Config{Origins: []string{"http://app.example.com"}, HostRules: []string{"MAP " + apiHost + " 127.0.0.1"}})
		if err != nil {
			b.Fatal(err)
		}
		obs, err := br.Run(context.Background(), Request{Origin: "http://app.example.com", URL: apiURL("/t/echo?acao=http://app.example.com"), Method: "PUT"})
		cerr := br.Close()
		if err != nil || !obs.Allowed || !obs.PreflightSent {
			b.Fatalf("run: %v %+v", err, obs)
		}
		if cerr != nil {
			b.Fatal(cerr)
		}
	}
}

// BenchmarkWarmRun is one request in the shared, running browser (a tab
// is reused, as in the differential suite).
func BenchmarkWarmRun(b *testing.B) {
	br := chromiumOrSkip(b)
	for b.Loop() {
		obs, err := br.Run(context.Background(), Request{Origin: appOrigin, URL: apiURL("/t/echo?acao=*"), Method: "PUT"})
		if err != nil || !obs.Allowed {
			b.Fatalf("run: %v %+v", err, obs)
		}
	}
}
