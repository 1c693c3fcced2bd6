package cors

import (
	"fmt"
	"strings"
)

// Engine is the browser engine whose CORS decisions and console texts the
// evaluation follows. The zero value is Chromium, so every caller written
// before engines existed keeps getting Chromium's verdicts.
type Engine string

// The engines. WebKit is Safari's engine; WebKitGTK shares WebCore's CORS
// code (Source/WebCore/loader) with Safari.
const (
	Chromium Engine = ""
	Firefox  Engine = "firefox"
	WebKit   Engine = "webkit"
)

// Engines lists every engine, Chromium first.
var Engines = []Engine{Chromium, Firefox, WebKit}

// String is the engine's name as flags and JSON spell it: chromium,
// firefox, webkit.
func (e Engine) String() string {
	if e == Chromium {
		return "chromium"
	}
	return string(e)
}

// Browser is the product users know the engine by: Chrome, Firefox,
// Safari.
func (e Engine) Browser() string {
	switch e {
	case Firefox:
		return "Firefox"
	case WebKit:
		return "Safari"
	}
	return "Chrome"
}

// label names the engine in sentences: Chromium, Firefox, Safari
// (WebKit).
func (e Engine) label() string {
	switch e {
	case Firefox:
		return "Firefox"
	case WebKit:
		return "Safari (WebKit)"
	}
	return "Chromium"
}

// MarshalText spells the engine as String does.
func (e Engine) MarshalText() ([]byte, error) { return []byte(e.String()), nil }

// UnmarshalText accepts what ParseEngine accepts.
func (e *Engine) UnmarshalText(b []byte) error {
	v, err := ParseEngine(string(b))
	if err != nil {
		return err
	}
	*e = v
	return nil
}

// ParseEngine reads an engine name: chromium (or chrome, edge), firefox,
// webkit (or safari), in any case.
func ParseEngine(s string) (Engine, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "chromium", "chrome", "edge", "":
		return Chromium, nil
	case "firefox", "gecko":
		return Firefox, nil
	case "webkit", "safari":
		return WebKit, nil
	}
	return Chromium, fmt.Errorf("unknown browser engine %q (want chromium, firefox or webkit)", s)
}
