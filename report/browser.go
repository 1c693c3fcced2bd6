package report

import (
	"io"
	"sort"
	"strings"

	"github.com/corsdoctor/corsdoctor/internal/termsafe"
)

// Browser is what real Chromium did with the request (corsdoctor
// browser): the verdict, the DevTools CorsError and console line, every
// request sent with the headers received, and whether package cors agrees
// on the same responses.
type Browser struct {
	// Engine is firefox or webkit when the browser was not Chromium.
	Engine        string `json:"engine,omitempty"`
	Product       string `json:"product"`
	Allowed       bool   `json:"allowed"`
	ChromiumError string `json:"chromium_error,omitempty"`
	// ConsoleLines are every console line of a Firefox or WebKit run
	// (ConsoleMessage is the first). ConsoleFromEngine is set when the
	// browser could not show them (WebKit under WebDriver): they are then
	// corsdoctor's WebKit engine's lines for the responses received.
	ConsoleLines      []string         `json:"console_lines,omitempty"`
	ConsoleFromEngine bool             `json:"console_from_engine,omitempty"`
	FailedParameter   string           `json:"failed_parameter,omitempty"`
	ConsoleMessage    string           `json:"console_message,omitempty"`
	NetError          string           `json:"net_error,omitempty"`
	ScriptError       string           `json:"script_error,omitempty"`
	PreflightSent     bool             `json:"preflight_sent"`
	Requests          []BrowserRequest `json:"requests"`
	// ReadableHeaders are the response headers JavaScript read, with
	// their values (names lower-case).
	ReadableHeaders map[string]string `json:"readable_headers"`
	// Expose answers --expose: can the page read the header.
	Expose map[string]bool `json:"expose,omitempty"`
	// Notes are limits of the run the reader must know (e.g. Local
	// Network Access not exercised).
	Notes         []string `json:"notes,omitempty"`
	EngineAgrees  bool     `json:"engine_agrees"`
	Disagreements []string `json:"disagreements,omitempty"`
	ElapsedMS     int64    `json:"elapsed_ms"`
}

// NetworkFailure reports whether the request failed below CORS (DNS,
// connection, a port Chromium refuses): no CorsError and no console line,
// only a net error. The server's CORS behaviour was not observed.
func (b *Browser) NetworkFailure() bool {
	return !b.Allowed && b.ChromiumError == "" && b.ConsoleMessage == "" && b.NetError != ""
}

// BrowserRequest is one HTTP request Chromium sent and the response it
// received.
type BrowserRequest struct {
	Kind            string              `json:"kind"` // "preflight" or "actual"
	Method          string              `json:"method"`
	URL             string              `json:"url"`
	RequestHeaders  map[string][]string `json:"request_headers"`
	Status          int                 `json:"status"`
	ResponseHeaders map[string][]string `json:"response_headers"`
	Error           string              `json:"error,omitempty"`
}

// BrowserText writes the browser section of a result: what Chromium did,
// before the engine's explanation that Text prints.
func BrowserText(w io.Writer, b *Browser) error {
	tw := &errWriter{w: w}
	verdict := "BLOCKED"
	switch {
	case b.Allowed:
		verdict = "ALLOWED"
	case b.NetworkFailure():
		verdict = "FAILED (" + b.NetError + ")"
	}
	name := browserName(b.Engine)
	tw.printf("%s (%s): %s", name, b.Product, verdict)
	if b.ChromiumError != "" {
		tw.printf(" (%s", b.ChromiumError)
		if b.FailedParameter != "" {
			tw.printf(", failed parameter %q", b.FailedParameter)
		}
		tw.printf(")")
	}
	tw.printf(" in %d ms\n", b.ElapsedMS)
	switch {
	case len(b.ConsoleLines) > 0:
		src := "console"
		if b.ConsoleFromEngine {
			src = "console (corsdoctor's WebKit engine; WebKit hides it from automation)"
		}
		tw.printf("  %s:\n", src)
		for _, l := range b.ConsoleLines {
			tw.printf("    %s\n", strings.TrimRight(l, "\n"))
		}
	case b.ConsoleMessage != "":
		tw.printf("  console: %s\n", b.ConsoleMessage)
	}
	if b.ScriptError != "" {
		tw.printf("  fetch() rejected: %s", b.ScriptError)
		if b.NetError != "" {
			tw.printf(" (%s)", b.NetError)
		}
		tw.printf("\n")
	}
	if !b.PreflightSent {
		tw.printf("  no preflight sent\n")
	}
	for _, r := range b.Requests {
		tw.printf("\n  %s %s %s\n", r.Kind, r.Method, r.URL)
		for _, k := range sortedKeys(r.RequestHeaders) {
			if strings.EqualFold(k, "origin") || strings.HasPrefix(strings.ToLower(k), "access-control-") {
				for _, v := range r.RequestHeaders[k] {
					tw.printf("    > %s: %s\n", k, termsafe.Value(v))
				}
			}
		}
		switch {
		case r.Status != 0:
			tw.printf("    < %d\n", r.Status)
			for _, k := range sortedKeys(r.ResponseHeaders) {
				for _, v := range r.ResponseHeaders[k] {
					tw.printf("    < %s: %s\n", k, termsafe.Value(v))
				}
			}
		case r.Error != "":
			tw.printf("    no response: %s\n", r.Error)
		default:
			tw.printf("    not sent\n")
		}
	}
	if b.Allowed {
		names := sortedKeys(b.ReadableHeaders)
		tw.printf("\n  JavaScript can read: %s\n", listOrNone(names))
	}
	if len(b.Expose) > 0 {
		names := make([]string, 0, len(b.Expose))
		for n := range b.Expose {
			names = append(names, n)
		}
		sort.Strings(names)
		for _, n := range names {
			if b.Expose[n] {
				tw.printf("  --expose %s: readable\n", n)
			} else {
				tw.printf("  --expose %s: NOT readable\n", n)
			}
		}
	}
	for _, n := range b.Notes {
		tw.printf("\n  note: %s\n", n)
	}
	if b.EngineAgrees {
		tw.printf("\ncorsdoctor's engine agrees with %s on these responses.\n", name)
	} else {
		tw.printf("\nCORSDOCTOR BUG: the engine disagrees with %s on these responses:\n", name)
		for _, d := range b.Disagreements {
			tw.printf("  %s\n", d)
		}
	}
	return tw.err
}

// browserName names the browser of a section.
func browserName(engine string) string {
	switch engine {
	case "firefox":
		return "Firefox"
	case "webkit":
		return "WebKit"
	}
	return "Chromium"
}
