package scan

import (
	"slices"
	"strings"
	"testing"
)

func TestVariants(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		desc, origin, page                              string
		prefix, suffix, substring, dot, subdomain, http string
	}{
		{"subdomain origin", "https://app.example.com", "https",
			"https://app.example.com.evil-corsdoctor.net", "https://evil-example.com", "https://evil-app.example.computer",
			"https://appxexample.com", "https://corsdoctor-unknown.example.com", "http://app.example.com"},
		{"registrable domain with port", "https://example.co.uk:8443", "https",
			"https://example.co.uk.evil-corsdoctor.net:8443", "https://evil-example.co.uk:8443", "https://evil-example.co.ukx.net:8443",
			"", "https://corsdoctor-unknown.example.co.uk:8443", "http://example.co.uk:8443"},
		{"IP address", "http://127.0.0.1:8080", "https",
			"http://127.0.0.1.evil-corsdoctor.net:8080", "", "", "", "", ""},
		// An http target: an https front end's look-alikes are http
		// pages, and its http twin is no look-alike (every page is http).
		{"https origin, http pages", "https://app.example.com", "http",
			"http://app.example.com.evil-corsdoctor.net", "http://evil-example.com", "http://evil-app.example.computer",
			"http://appxexample.com", "http://corsdoctor-unknown.example.com", ""},
	} {
		t.Run(tc.desc, func(t *testing.T) {
			b, ok := parseBase(tc.origin, tc.page)
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

func TestPageScheme(t *testing.T) {
	t.Parallel()
	for u, want := range map[string]string{
		"https://api.example.com/me":    "https",
		"http://api.example.test/me":    "http",
		"http://internal-api.corp:8080": "http",
		"http://10.0.0.7/status":        "http",
		"http://127.0.0.1:8089/p/ok":    "https",
		"http://localhost:3000/":        "https",
		"http://[::1]:8080/":            "https",
	} {
		if got := PageScheme(u); got != want {
			t.Errorf("PageScheme(%s) = %s, want %s", u, got, want)
		}
	}
}

func TestThirdParty(t *testing.T) {
	t.Parallel()
	if got := thirdParty("https", 0); !slices.Equal(got, ThirdPartyOrigins) {
		t.Errorf("https pages: %v, want the list as is", got)
	}
	if got := thirdParty("https", adaptiveThirdParty); !slices.Equal(got, ThirdPartyOrigins[:adaptiveThirdParty]) {
		t.Errorf("adaptive https pages: %v", got)
	}
	all := thirdParty("http", 0)
	for _, o := range all {
		host := strings.TrimPrefix(o, "http://")
		if !strings.HasPrefix(o, "http://") || httpsOnlyHost(host) {
			t.Errorf("http pages: %s is not an http page a platform serves", o)
		}
	}
	for _, o := range []string{"http://corsdoctor-attacker.herokuapp.com", "http://corsdoctor-attacker.s3-website-us-east-1.amazonaws.com"} {
		if !slices.Contains(all, o) {
			t.Errorf("http pages lack %s: %v", o, all)
		}
	}
	for _, o := range all {
		if strings.Contains(o, "github.io") || strings.HasSuffix(o, ".app") || strings.HasSuffix(o, ".dev") {
			t.Errorf("http pages include an https-only host: %s", o)
		}
	}
	if got := thirdParty("http", 3); len(got) != 3 || got[0] != "http://corsdoctor-attacker.herokuapp.com" {
		t.Errorf("adaptive http pages: %v", got)
	}
}
