package browser

import "testing"

func TestLNANote(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		desc, origin, url string
		note              bool
	}{
		{"public page, loopback API", "https://app.example.com", "http://127.0.0.1:8080/x", true},
		{"public page, localhost API", "https://app.example.com", "http://localhost:8080/x", true},
		{"public page, private API", "https://app.example.com", "http://10.0.0.5/x", true},
		{"private page, loopback API", "http://192.168.1.2:3000", "http://127.0.0.1:8080/x", true},
		{"localhost page, localhost API", "http://localhost:3000", "http://localhost:8080/x", false},
		{"public page, public API", "https://app.example.com", "https://api.example.com/x", false},
		{"null page", "null", "http://127.0.0.1/x", false},
	} {
		t.Run(tc.desc, func(t *testing.T) {
			if got := LNANote(tc.origin, tc.url); (got != "") != tc.note {
				t.Errorf("LNANote(%q, %q) = %q, want a note: %t", tc.origin, tc.url, got, tc.note)
			}
		})
	}
}
