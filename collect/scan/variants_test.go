package scan

import "testing"

func TestVariants(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		desc, origin                                    string
		prefix, suffix, substring, dot, subdomain, http string
	}{
		{"subdomain origin", "https://app.example.com",
			"https://app.example.com.evil-corsdoctor.net", "https://evil-example.com", "https://evil-app.example.computer",
			"https://appxexample.com", "https://corsdoctor-unknown.example.com", "http://app.example.com"},
		{"registrable domain with port", "https://example.co.uk:8443",
			"https://example.co.uk.evil-corsdoctor.net:8443", "https://evil-example.co.uk:8443", "https://evil-example.co.ukx.net:8443",
			"", "https://corsdoctor-unknown.example.co.uk:8443", "http://example.co.uk:8443"},
		{"IP address", "http://127.0.0.1:8080",
			"http://127.0.0.1.evil-corsdoctor.net:8080", "", "", "", "", ""},
	} {
		t.Run(tc.desc, func(t *testing.T) {
			b, ok := parseBase(tc.origin)
			if !ok {
				t.Fatal("parseBase failed")
			}
			for _, c := range []struct{ name, got, want string }{
				{"prefix", b.prefix(), tc.prefix}, {"suffix", b.suffix(), tc.suffix}, {"substring", b.substring(), tc.substring},
				{"dot", b.dot(), tc.dot}, {"subdomain", b.subdomain(), tc.subdomain}, {"http", b.http(), tc.http},
			} {
				if c.got != c.want {
					t.Errorf("%s = %q, want %q", c.name, c.got, c.want)
				}
			}
		})
	}
}
