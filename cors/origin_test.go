package cors

import (
	"errors"
	"testing"
)

// parseOriginTests pins the serialized-origin grammar (Fetch § origin
// header: lower-case scheme and host, no trailing slash, port only if not
// the default) and the suggestions for near misses.
var parseOriginTests = []struct {
	desc    string
	src     string
	in      string
	want    string // canonical serialization when accepted
	suggest string // Suggest when rejected
	ok      bool
}{
	{"https", srcOriginHeader, "https://app.example.com", "https://app.example.com", "", true},
	{"http with port", srcOriginHeader, "http://localhost:3000", "http://localhost:3000", "", true},
	{"null", srcOriginHeader, "null", "null", "", true},
	{"ipv4", srcOriginHeader, "http://127.0.0.1", "http://127.0.0.1", "", true},
	{"ipv6 with port", srcOriginHeader, "https://[::1]:8443", "https://[::1]:8443", "", true},
	{"non-default port", srcOriginHeader, "https://app.example.com:8443", "https://app.example.com:8443", "", true},
	{"trailing slash", srcCredTable, "https://app.example.com/", "", "https://app.example.com", false},
	{"path", srcOriginHeader, "https://app.example.com/login", "", "https://app.example.com", false},
	{"query", srcOriginHeader, "https://app.example.com?x=1", "", "https://app.example.com", false},
	{"upper-case host", srcOriginHeader, "https://App.Example.com", "", "https://app.example.com", false},
	{"upper-case scheme", srcOriginHeader, "HTTPS://app.example.com", "", "https://app.example.com", false},
	{"explicit default port", srcOriginHeader, "https://app.example.com:443", "", "https://app.example.com", false},
	{"explicit http default port", srcOriginHeader, "http://app.example.com:80", "", "http://app.example.com", false},
	{"leading zeros in port", srcOriginHeader, "https://app.example.com:08443", "", "https://app.example.com:8443", false},
	{"non-canonical ipv6", srcOriginHeader, "https://[0:0::1]", "", "https://[::1]", false},
	{"userinfo", srcOriginHeader, "https://user@app.example.com", "", "https://app.example.com", false},
	{"missing scheme", srcOriginHeader, "app.example.com", "", "https://app.example.com", false},
	{"missing scheme, upper case", srcOriginHeader, "App.Example.com", "", "https://app.example.com", false},
	{"empty", srcOriginHeader, "", "", "", false},
	{"Null is not null", srcCORSCheck, "Null", "", "null", false},
	{"no host", srcOriginHeader, "https://", "", "", false},
	{"port out of range", srcOriginHeader, "https://app.example.com:99999", "", "", false},
	{"port not a number", srcOriginHeader, "https://app.example.com:abc", "", "", false},
	{"space in host", srcOriginHeader, "https://app example.com", "", "", false},
	{"scheme only", srcOriginHeader, "https:app.example.com", "", "", false},
}

func TestParseOrigin(t *testing.T) {
	t.Parallel()
	for _, tt := range parseOriginTests {
		t.Run(tt.desc, func(t *testing.T) {
			t.Parallel()
			got, err := ParseOrigin(tt.in)
			if (err == nil) != tt.ok || got != tt.want {
				t.Fatalf("ParseOrigin(%q) = %q, %v; want %q, ok %v (%s)", tt.in, got, err, tt.want, tt.ok, tt.src)
			}
			if err == nil {
				return
			}
			var oe *OriginError
			if !errors.As(err, &oe) {
				t.Fatalf("error %T is not *OriginError", err)
			}
			if oe.Suggest != tt.suggest || oe.Input != tt.in || oe.Reason == 0 {
				t.Errorf("OriginError = %+v, want Suggest %q", oe, tt.suggest)
			}
			if oe.Suggest != "" {
				if s, err := ParseOrigin(oe.Suggest); err != nil || s != oe.Suggest {
					t.Errorf("suggestion %q does not parse: %v", oe.Suggest, err)
				}
			}
		})
	}
}

func TestOriginErrorText(t *testing.T) {
	t.Parallel()
	_, err := ParseOrigin("https://app.example.com/")
	want := `invalid origin "https://app.example.com/": an origin has no trailing slash (did you mean "https://app.example.com"?)`
	if err == nil || err.Error() != want {
		t.Errorf("error = %v, want %s", err, want)
	}
	_, err = ParseOrigin("")
	if err == nil || err.Error() != `invalid origin "": empty` {
		t.Errorf("error = %v", err)
	}
}

func FuzzParseOrigin(f *testing.F) {
	for _, tt := range parseOriginTests {
		f.Add(tt.in)
	}
	f.Fuzz(func(t *testing.T, in string) {
		got, err := ParseOrigin(in)
		if err != nil {
			var oe *OriginError
			if got != "" || !errors.As(err, &oe) || oe.Input != in {
				t.Fatalf("ParseOrigin(%q) = %q, %v", in, got, err)
			}
			if oe.Suggest != "" {
				if s, err := ParseOrigin(oe.Suggest); err != nil || s != oe.Suggest {
					t.Fatalf("ParseOrigin(%q) suggests %q, which does not parse: %v", in, oe.Suggest, err)
				}
			}
			return
		}
		if got != in {
			t.Fatalf("ParseOrigin(%q) accepted a non-canonical form %q", in, got)
		}
		again, err := ParseOrigin(got)
		if err != nil || again != got {
			t.Fatalf("ParseOrigin(%q) = %q, %v; not a fixed point", got, again, err)
		}
		if got != Null && !SameOrigin(got+"/x", got) {
			t.Fatalf("origin %q is not same origin with its own URL", got)
		}
	})
}

var sameOriginTests = []struct {
	desc   string
	src    string
	url    string
	origin string
	want   bool
}{
	{"same", srcMainFetch, "https://api.example.com/items", "https://api.example.com", true},
	{"explicit default port", srcMainFetch, "https://api.example.com:443/items", "https://api.example.com", true},
	{"host case", srcMainFetch, "https://API.Example.com/", "https://api.example.com", true},
	{"scheme case", srcMainFetch, "HTTPS://api.example.com/", "https://api.example.com", true},
	{"leading zero port", srcMainFetch, "http://localhost:080/", "http://localhost", true},
	{"other port", srcWPTOrigin, "https://api.example.com:8443/", "https://api.example.com", false},
	{"other scheme", srcWPTOrigin, "http://api.example.com/", "https://api.example.com", false},
	{"other host", srcWPTOrigin, "https://www.example.com/", "https://api.example.com", false},
	{"subdomain", srcWPTOrigin, "https://a.api.example.com/", "https://api.example.com", false},
	{"opaque origin", srcWPTDataURL, "https://api.example.com/", Null, false},
	{"relative URL", srcMainFetch, "/items", "https://api.example.com", false},
	{"ipv6", srcMainFetch, "http://[::1]:8080/x", "http://[::1]:8080", true},
}

func TestSameOrigin(t *testing.T) {
	t.Parallel()
	for _, tt := range sameOriginTests {
		if got := SameOrigin(tt.url, tt.origin); got != tt.want {
			t.Errorf("%s: SameOrigin(%q, %q) = %v, want %v (%s)", tt.desc, tt.url, tt.origin, got, tt.want, tt.src)
		}
	}
}

func TestOriginOf(t *testing.T) {
	t.Parallel()
	tests := []struct {
		url, want string
		ok        bool
	}{
		{"https://App.Example.com:443/login?next=/#x", "https://app.example.com", true},
		{"http://localhost:3000/", "http://localhost:3000", true},
		{"http://[0:0::1]:8080/", "http://[::1]:8080", true},
		{"wss://chat.example.com/socket", "wss://chat.example.com", true},
		{"file:///home/me/index.html", Null, true},
		{"data:text/html,hi", Null, true},
		{"about:blank", Null, true},
		{"chrome-extension://abcdef/page.html", Null, true},
		{"index.html", "", false},
		{"https://", "", false},
	}
	for _, tt := range tests {
		got, err := OriginOf(tt.url)
		if (err == nil) != tt.ok || got != tt.want {
			t.Errorf("OriginOf(%q) = %q, %v; want %q, ok %v (%s)", tt.url, got, err, tt.want, tt.ok, "html#concept-origin")
		}
	}
}

func TestCanonicalURL(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, want string }{
		{"https://api.example.com/items", "https://api.example.com/items"},
		{"HTTPS://API.Example.COM/Items", "https://api.example.com/Items"},
		{"https://api.example.com", "https://api.example.com/"},
		{"https://api.example.com:443/x", "https://api.example.com/x"},
		{"http://api.example.com:80/x", "http://api.example.com/x"},
		{"http://api.example.com:8080/x?y=1", "http://api.example.com:8080/x?y=1"},
		{"https://api.example.com/items#frag", "https://api.example.com/items"},
		{"https://[::1]:443/", "https://[::1]/"},
		{"https://api.example.com/a b", "https://api.example.com/a%20b"},
		{"not a url", "not a url"},
		{"/relative", "/relative"},
	}
	for _, tt := range tests {
		if got := CanonicalURL(tt.in); got != tt.want {
			t.Errorf("CanonicalURL(%q) = %q, want %q (%s)", tt.in, got, tt.want, "chromium KURL::GetString")
		}
	}
}
