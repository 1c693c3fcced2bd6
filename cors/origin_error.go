package cors

import "fmt"

// OriginReason is why a string is not a serialized origin: a closed set,
// so callers branch on a value instead of matching message text (as
// jub0bs/cors's cfgerrors types its configuration errors).
type OriginReason int

// The reasons ParseOrigin gives.
const (
	// OriginEmpty: the string is empty.
	OriginEmpty OriginReason = iota + 1
	// OriginNullCase: "null" spelt in another case (Fetch § origin-or-null
	// is case-sensitive).
	OriginNullCase
	// OriginNoScheme: no "scheme://".
	OriginNoScheme
	// OriginNoHost: "scheme://" and no host.
	OriginNoHost
	// OriginBadHost: the host has a character no host can (OriginError.Part).
	OriginBadHost
	// OriginBadPort: the port is not a number from 0 to 65535 (Part).
	OriginBadPort
	// OriginUserInfo: a user name or password.
	OriginUserInfo
	// OriginTrailingSlash: a slash after the host.
	OriginTrailingSlash
	// OriginPath: a path, query or fragment.
	OriginPath
	// OriginNotSerialized: upper case, or an explicit default port.
	OriginNotSerialized
)

var originReasons = [...]string{
	OriginEmpty:         "empty",
	OriginNullCase:      `the opaque origin is spelt "null", in lower case`,
	OriginNoScheme:      "missing scheme (an origin looks like https://app.example.com)",
	OriginNoHost:        "missing host",
	OriginBadHost:       "invalid host",
	OriginBadPort:       "invalid port",
	OriginUserInfo:      "an origin has no user name or password",
	OriginTrailingSlash: "an origin has no trailing slash",
	OriginPath:          "an origin has no path, query or fragment",
	OriginNotSerialized: "not in serialized form (lower-case scheme and host, no default port)",
}

// String is the reason in words.
func (r OriginReason) String() string {
	if r > 0 && int(r) < len(originReasons) {
		return originReasons[r]
	}
	return fmt.Sprintf("OriginReason(%d)", int(r))
}

// OriginError says why a string is not a serialized origin.
type OriginError struct {
	Input  string
	Reason OriginReason
	// Part is the offending host or port (OriginBadHost, OriginBadPort).
	Part string
	// Suggest is the serialized origin the input most likely meant, if any.
	Suggest string
}

// Why is the reason with the offending part: `invalid host "a b"`.
func (e *OriginError) Why() string {
	if e.Part != "" {
		return fmt.Sprintf("%s %q", e.Reason, e.Part)
	}
	return e.Reason.String()
}

func (e *OriginError) Error() string {
	s := fmt.Sprintf("invalid origin %q: %s", e.Input, e.Why())
	if e.Suggest != "" {
		s += fmt.Sprintf(" (did you mean %q?)", e.Suggest)
	}
	return s
}

// partError is a URL part serializeParts refused; ParseOrigin turns it
// into an OriginError.
type partError struct {
	reason OriginReason
	part   string
}

func (e *partError) Error() string { return (&OriginError{Reason: e.reason, Part: e.part}).Why() }
