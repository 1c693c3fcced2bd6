package cors

import (
	"errors"
	"testing"
)

// TestOriginReason: every refusal names its reason as a value of the
// closed set, and the message stays the words of that reason.
func TestOriginReason(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		in     string
		reason OriginReason
		text   string
	}{
		{"", OriginEmpty, `invalid origin "": empty`},
		{"Null", OriginNullCase, `invalid origin "Null": the opaque origin is spelt "null", in lower case (did you mean "null"?)`},
		{"app.example.com", OriginNoScheme, `invalid origin "app.example.com": missing scheme (an origin looks like https://app.example.com) (did you mean "https://app.example.com"?)`},
		{"https://", OriginNoHost, `invalid origin "https://": missing host`},
		{"https://app example.com", OriginBadHost, `invalid origin "https://app example.com": invalid host "app example.com"`},
		{"https://app.example.com:99999", OriginBadPort, `invalid origin "https://app.example.com:99999": invalid port "99999"`},
		{"https://user@app.example.com", OriginUserInfo, ""},
		{"https://app.example.com/", OriginTrailingSlash, ""},
		{"https://app.example.com/login", OriginPath, ""},
		{"https://App.example.com", OriginNotSerialized, `invalid origin "https://App.example.com": not in serialized form (lower-case scheme and host, no default port) (did you mean "https://app.example.com"?)`},
	} {
		_, err := ParseOrigin(tt.in)
		var oe *OriginError
		if !errors.As(err, &oe) || oe.Reason != tt.reason {
			t.Errorf("ParseOrigin(%q): %v, want reason %v", tt.in, err, tt.reason)
			continue
		}
		if tt.text != "" && err.Error() != tt.text {
			t.Errorf("ParseOrigin(%q): %q, want %q", tt.in, err, tt.text)
		}
	}
	if s := OriginReason(99).String(); s != "OriginReason(99)" {
		t.Errorf("unknown reason: %q", s)
	}
}
