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
