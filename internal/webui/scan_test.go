package webui

import (
	"strings"
	"testing"
)

// FuzzScanTargets: the Scan form's target text never panics, never
// yields more than the bound, and yields only http(s) targets.
func FuzzScanTargets(f *testing.F) {
	f.Add("https://api.example.com/me\n# comment\n\nPOST http://127.0.0.1:8080/items\n")
	f.Add("ftp://x\n")
	f.Add(strings.Repeat("https://a.example/\n", MaxScanTargets+1))
	f.Add("GET\n\r\nhttps://[::1]:80/\x00")
	f.Fuzz(func(t *testing.T, text string) {
		targets, err := uiScanTargets(text)
		if err != nil {
			if targets != nil {
				t.Errorf("targets %v with error %v", targets, err)
			}
			return
		}
		if len(targets) == 0 || len(targets) > MaxScanTargets {
			t.Errorf("%d targets accepted", len(targets))
		}
		for _, tg := range targets {
			if !strings.HasPrefix(tg.URL, "http://") && !strings.HasPrefix(tg.URL, "https://") {
				t.Errorf("target %q accepted", tg.URL)
			}
		}
	})
}
