package redact

import (
	"net/http"
	"strings"
	"testing"
)

func TestValue(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ name, in, want string }{
		{"Authorization", "Bearer eyJhbGciOiJIUzI1NiJ9.payload.sig", "Bearer [redacted]"},
		{"authorization", "tokenwithoutscheme", "[redacted]"},
		{"Proxy-Authorization", "Basic dXNlcjpwYXNz", "Basic [redacted]"},
		{"Cookie", "session=abc; theme=dark", "session=[redacted]; theme=[redacted]"},
		{"Cookie", "abcdefgh", "[redacted]"},
		{"Set-Cookie", "sid=xyz; Path=/; HttpOnly", "sid=[redacted]; Path=/; HttpOnly"},
		{"X-Api-Key", "k-123456", "[redacted]"},
		{"X-Amz-Security-Token", "FwoGZXIvYXdzE", "[redacted]"},
		{"Content-Type", "application/json", "application/json"},
		{"Access-Control-Allow-Origin", "https://a.example", "https://a.example"},
	} {
		if got := Value(tc.name, tc.in); got != tc.want {
			t.Errorf("Value(%q, %q) = %q, want %q", tc.name, tc.in, got, tc.want)
		}
	}
}

func TestHeaderCopies(t *testing.T) {
	t.Parallel()
	h := http.Header{"Authorization": {"Bearer secret-token"}, "X-Other": {"v"}}
	r := Header(h)
	if h.Get("Authorization") != "Bearer secret-token" {
		t.Fatal("Header modified its input")
	}
	if r.Get("Authorization") != "Bearer [redacted]" || r.Get("X-Other") != "v" {
		t.Fatalf("redacted header = %v", r)
	}
	if Header(nil) != nil {
		t.Fatal("Header(nil) must be nil")
	}
}

func TestText(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ in, secret string }{
		{"curl -H 'Authorization: Bearer abcdefghijklmnop' https://x", "abcdefghijklmnop"},
		{"curl -H 'X-Api-Key: 0123456789abcdef' https://x", "0123456789abcdef"},
		{"-H 'Cookie: sid=s3cr3tvalue'", "s3cr3tvalue"},
		{"aws_access_key_id=AKIAIOSFODNN7EXAMPLE", "AKIAIOSFODNN7EXAMPLE"},
		{`"SecretAccessKey": "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"`, "wJalrXUtnFEMI/K7MDENG"},
		{"x-amz-security-token: IQoJb3JpZ2luX2VjEJr", "IQoJb3JpZ2luX2VjEJr"},
	} {
		got := Text(tc.in)
		if strings.Contains(got, tc.secret) {
			t.Errorf("Text(%q) = %q still holds the secret", tc.in, got)
		}
		if !strings.Contains(got, Mask) {
			t.Errorf("Text(%q) = %q has no mask", tc.in, got)
		}
	}
	if got := Text("GET https://api.example.com/items 200"); got != "GET https://api.example.com/items 200" {
		t.Errorf("plain text changed: %q", got)
	}
}

func FuzzText(f *testing.F) {
	f.Add("Authorization: Bearer abcdefghijk")
	f.Add("cookie: a=b; c")
	f.Add("AKIAIOSFODNN7EXAMPLE")
	f.Fuzz(func(t *testing.T, s string) {
		out := Text(s)
		if Text(out) != out {
			t.Fatalf("Text is not idempotent: %q -> %q -> %q", s, out, Text(out))
		}
	})
}

func TestTextSetCookieKeepsAttributes(t *testing.T) {
	t.Parallel()
	got := Text("Set-Cookie: sid=xyz; Path=/; HttpOnly")
	if got != "Set-Cookie: sid=[redacted]; Path=/; HttpOnly" {
		t.Fatalf("Text = %q", got)
	}
}

func BenchmarkTextPlain(b *testing.B) {
	s := "the 400 response to POST https://api.example.com/signup has no Access-Control-Allow-Origin header, so the browser withholds it from the page"
	for i := 0; i < b.N; i++ {
		if Text(s) != s {
			b.Fatal("changed")
		}
	}
}

// TestURL: the secrets of a URL go, what a diagnosis needs stays.
func TestURL(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ in, want string }{
		{"https://api.example.com/items", "https://api.example.com/items"},
		{"https://api.example.com/items?page=2&sort=asc", "https://api.example.com/items?page=2&sort=asc"},
		{"https://b.s3.amazonaws.com/k?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAEXAMPLE%2F20260101&X-Amz-Signature=abc123&X-Amz-Security-Token=FwoG",
			"https://b.s3.amazonaws.com/k?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=[redacted]&X-Amz-Signature=[redacted]&X-Amz-Security-Token=[redacted]"},
		{"https://app.example.com/cb?code=4/0Ab&state=xyz", "https://app.example.com/cb?code=[redacted]&state=xyz"},
		{"https://app.example.com/cb#access_token=eyJ&token_type=Bearer&id_token=eyK", "https://app.example.com/cb#access_token=[redacted]&token_type=[redacted]&id_token=[redacted]"},
		{"https://x/?api_key=1&apikey=2&key=3&sig=4&token=5&password=6&q=7", "https://x/?api_key=[redacted]&apikey=[redacted]&key=[redacted]&sig=[redacted]&token=[redacted]&password=[redacted]&q=7"},
		{"https://user:pa55@host.example/p", "https://user:[redacted]@host.example/p"},
		{"https://ghp_tokenonly@host.example/p", "https://[redacted]@host.example/p"},
		{"https://host.example/a@b", "https://host.example/a@b"},
		{"/relative?token=abc#frag", "/relative?token=[redacted]#frag"},
		{"not a url", "not a url"},
		{"https://x/?token", "https://x/?token"},
		{"https://x/?a=1&&token=2&", "https://x/?a=1&token=[redacted]&"},
		// A URL carried in a parameter (an image proxy's url=, a return
		// address) keeps the secrets of its own query; it is re-encoded
		// only when something was redacted.
		{"https://app.example.com/_next/image?url=https%3A%2F%2Fb.s3.amazonaws.com%2Fk.png%3FX-Amz-Signature%3Dabc123%26X-Amz-Date%3D20260101&w=640",
			"https://app.example.com/_next/image?url=https%3A%2F%2Fb.s3.amazonaws.com%2Fk.png%3FX-Amz-Signature%3D%5Bredacted%5D%26X-Amz-Date%3D20260101&w=640"},
		{"https://a.example/r?to=https%3A%2F%2Fb.example%2Fcb%3Fpage%3D2", "https://a.example/r?to=https%3A%2F%2Fb.example%2Fcb%3Fpage%3D2"},
		{"https://a.example/r?next=https://u:pw@b.example/", "https://a.example/r?next=https://u:[redacted]@b.example/"},
	} {
		if got := URL(tc.in); got != tc.want {
			t.Errorf("URL(%q)\n got %q\nwant %q", tc.in, got, tc.want)
		}
		if got := URL(URL(tc.in)); got != URL(tc.in) {
			t.Errorf("URL not idempotent on %q: %q", tc.in, got)
		}
	}
}

func TestIsSecretHeader(t *testing.T) {
	t.Parallel()
	for name, want := range map[string]bool{
		"Authorization": true, "X-Auth-Token": true, "X-Functions-Key": true, "Ocp-Apim-Subscription-Key": true,
		"X-Session-Id": true, "X-Amz-Security-Token": true, "X-CSRF-Token": true, "X-Client-Secret": true, "X-Jwt-Assertion": true,
		"Access-Control-Allow-Headers": false, "Access-Control-Request-Headers": false, "WWW-Authenticate": false,
		"Content-Type": false, "Origin": false, "Vary": false, "Keep-Alive": false, "Sec-Fetch-Mode": false, "Location": false,
	} {
		if got := IsSecretHeader(name); got != want {
			t.Errorf("IsSecretHeader(%q) = %v, want %v", name, got, want)
		}
	}
	if got := Value("Location", "https://x/cb?code=abc"); got != "https://x/cb?code=[redacted]" {
		t.Errorf("Location value = %q", got)
	}
	if got := Value("X-Auth-Token", "t0ken"); got != Mask {
		t.Errorf("X-Auth-Token value = %q", got)
	}
}

func TestTextURLsAndTokenHeaders(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ in, secret string }{
		{"Access to fetch at 'https://api.example.com/x?access_token=abc123xyz' from origin 'https://a.example' has been blocked", "abc123xyz"},
		{"curl -i 'https://u:hunter2@api.example.com/' -H 'X-Auth-Token: tok-998877'", "hunter2"},
		{"curl -i 'https://api.example.com/' -H 'X-Auth-Token: tok-998877'", "tok-998877"},
		{"redirected to https://b.example/cb?code=oauthcode1", "oauthcode1"},
		{"request sent:\n  GET /p?api_key=k3y99 HTTP/1.1\n  Host: x", "k3y99"},
	} {
		got := Text(tc.in)
		if strings.Contains(got, tc.secret) {
			t.Errorf("Text(%q) = %q still holds the secret", tc.in, got)
		}
	}
	keep := "Access-Control-Allow-Headers: x-api-key, authorization, x-auth-token"
	if got := Text(keep); got != keep {
		t.Errorf("CORS header names redacted: %q", got)
	}
}

// FuzzURL: idempotent, never longer than needed, and a URL without
// secret parameters or userinfo comes back unchanged.
func FuzzURL(f *testing.F) {
	for _, s := range []string{"https://u:p@h/p?token=1#code=2", "https://h/?a=b", "x?y", "#a=b", "@"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		out := URL(s)
		if URL(out) != out {
			t.Fatalf("URL not idempotent: %q -> %q -> %q", s, out, URL(out))
		}
		if !strings.ContainsAny(s, "?#@") && out != s {
			t.Fatalf("URL(%q) = %q changed a URL without query, fragment or userinfo", s, out)
		}
	})
}
