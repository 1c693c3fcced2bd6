package report

import (
	"io"
	"strings"

	"github.com/corsdoctor/corsdoctor/internal/termsafe"
)

// TextOptions control the text presenter.
type TextOptions struct {
	// Curl holds, per result, curl commands reproducing the requests sent.
	Curl map[int][]string
	// Notes holds, per result, extra lines printed under its header (check:
	// the detected platform and what gave it away).
	Notes map[int][]string
}

// Text writes a human report of every result.
func Text(w io.Writer, doc Document, opt TextOptions) error {
	tw := &errWriter{w: w}
	for i, r := range doc.Results {
		if i > 0 {
			tw.printf("\n%s\n\n", strings.Repeat("-", 72))
		}
		writeResult(tw, r, opt.Notes[i])
		if cmds := opt.Curl[i]; len(cmds) > 0 {
			tw.printf("\nReproduce with curl:\n")
			for _, c := range cmds {
				// A command is never shortened (it must paste whole);
				// its arguments are quoted safe already (internal/shell).
				tw.raw("  " + termsafe.Escape(c) + "\n")
			}
		}
	}
	return tw.err
}

// errWriter prints with termsafe.Fprintf: every string argument is
// untrusted (headers, reason phrases, URLs, HAR and log fields) and is
// escaped and shortened there, once; the format strings are ours.
type errWriter struct {
	w   io.Writer
	err error
}

func (e *errWriter) printf(format string, a ...any) {
	if e.err != nil {
		return
	}
	_, e.err = termsafe.Fprintf(e.w, format, a...)
}

// raw writes s as it is: the caller made it safe.
func (e *errWriter) raw(s string) {
	if e.err != nil {
		return
	}
	_, e.err = io.WriteString(e.w, s)
}

// Verdict renders the one-word verdict of a result.
func Verdict(r Result) string {
	switch {
	case r.Error != "":
		return "ERROR"
	case r.Incomplete != "":
		return "INCOMPLETE"
	case r.Allowed:
		return "ALLOWED"
	}
	return "BLOCKED"
}

func writeResult(w *errWriter, r Result, notes []string) {
	verdict := Verdict(r)
	where := ""
	if verdict == "BLOCKED" && r.BlockedAt != "" {
		where = " at " + r.BlockedAt
		if r.ChromiumError != "" {
			where += " (" + r.ChromiumError + ")"
		}
	}
	w.printf("%s%s\n", verdict, where)
	w.printf("  %s %s\n  from origin %s, credentials %s\n", r.Method, r.URL, r.Origin, r.Credentials)
	if r.Source != "" {
		w.printf("  source: %s\n", r.Source)
	}
	if d := r.PlatformDetection; d != nil {
		if line := d.Line(); line != "" {
			w.printf("  platform: %s\n", line)
		}
		if d.Conflict != "" {
			w.printf("  platform note: %s\n", d.Conflict)
		}
	}
	for _, n := range notes {
		w.printf("  %s\n", n)
	}
	if r.Error != "" {
		w.printf("  error: %s\n", r.Error)
	}
	if r.Incomplete != "" {
		w.printf("  verdict needs the %s\n", r.Incomplete)
	}
	if r.ConsoleMessage != "" {
		lines := r.ConsoleLines
		if len(lines) == 0 {
			lines = []string{r.ConsoleMessage}
		}
		w.printf("\n%s console:\n", engineLabel(r.Engine))
		for _, l := range lines {
			w.printf("  %s\n", strings.TrimRight(l, "\n"))
		}
	}
	switch {
	case r.FirefoxError != "" && r.Engine == "":
		w.printf("Firefox: %s\n  %s\n  %s\n", r.FirefoxError, r.FirefoxMessage, r.FirefoxDocs)
	case r.FirefoxError != "":
		w.printf("Firefox error code: %s\n  %s\n", r.FirefoxError, r.FirefoxDocs)
	}
	writeEngines(w, r)
	if r.Explanation != nil {
		w.printf("\nWhy: %s\n", r.Explanation.Cause)
	}

	// Preflight.
	w.printf("\nPreflight: ")
	switch {
	case !r.Preflight.Required:
		w.printf("not required (simple request)\n")
	default:
		w.printf("required\n")
		for _, rs := range r.Preflight.Reasons {
			w.printf("  - %s\n", rs)
		}
		w.printf("  OPTIONS %s\n", r.URL)
		w.printf("  Access-Control-Request-Method: %s\n", r.Preflight.RequestMethod)
		if r.Preflight.RequestHeaders != "" {
			w.printf("  Access-Control-Request-Headers: %s\n", r.Preflight.RequestHeaders)
		}
		if r.Preflight.Sent {
			w.printf("  -> %d\n", r.Preflight.Status)
			writeHeaders(w, r.Preflight.Headers, r, true)
			if r.Preflight.MaxAge != nil {
				w.printf("  cached by %s for %d s\n", engineLabel(r.Engine), *r.Preflight.MaxAge)
			}
		} else {
			w.printf("  (no preflight response)\n")
		}
	}
	w.printf("\nActual request: ")
	switch {
	case r.Actual.Sent:
		w.printf("%s %s\n", r.Method, r.URL)
		for _, red := range r.Actual.Redirects {
			w.printf("  redirected to %s\n", red)
		}
		if r.Actual.Tainted {
			w.printf("  (origin became null after a cross-origin redirect)\n")
		}
		w.printf("  -> %d\n", r.Actual.Status)
		writeHeaders(w, r.Actual.Headers, r, false)
	case r.BlockedAt == "preflight" || r.BlockedAt == "request":
		w.printf("not sent (the browser stopped at the %s)\n", r.BlockedAt)
	default:
		w.printf("no response\n")
	}
	if len(r.ReadableHeaders) > 0 && r.Allowed {
		var yes, no []string
		for _, k := range sortedKeys(r.ReadableHeaders) {
			if r.ReadableHeaders[k] {
				yes = append(yes, k)
			} else {
				no = append(no, k)
			}
		}
		w.printf("\nJavaScript can read: %s\n", listOrNone(yes))
		if len(no) > 0 {
			w.printf("JavaScript cannot read: %s\n", strings.Join(no, ", "))
		}
	}
	for _, wn := range r.Warnings {
		w.printf("\nwarning: %s\n", wn.Message)
	}
	if len(r.Probes) > 0 {
		w.printf("\nExtra probes:\n")
		for _, p := range r.Probes {
			v := "allowed"
			if !p.Allowed {
				v = "blocked"
			}
			if p.Error != "" {
				v = "error: " + p.Error
			}
			w.printf("  %-12s %s %s -> %d, %s\n", p.Purpose, p.Method, p.URL, p.Status, v)
		}
	}
	if len(r.Findings) > 0 {
		w.printf("\nDiagnosis (most likely first):\n")
		for i, f := range r.Findings {
			w.printf("%d. %s %s %s: %s\n", i+1, f.Severity, f.ID, f.Name, f.Title)
			w.printf("   %s\n", f.Detail)
			for _, e := range f.Evidence {
				w.printf("     | %s\n", e)
			}
			plat := ""
			if f.Platform != "" && f.Platform != "generic" {
				plat = " (" + f.Platform + ")"
			}
			w.printf("   fix%s: %s\n", plat, f.Fix)
		}
	}
}

// engineLabel names the engine of a result's top-level verdict.
func engineLabel(engine string) string {
	switch engine {
	case "firefox":
		return "Firefox"
	case "webkit":
		return "Safari (WebKit)"
	}
	return "Chromium"
}

func listOrNone(s []string) string {
	if len(s) == 0 {
		return "(none)"
	}
	return strings.Join(s, ", ")
}

// writeHeaders prints CORS-relevant headers first, marking the offending one.
func writeHeaders(w *errWriter, h map[string][]string, r Result, preflight bool) {
	mark := offendingHeader(r, preflight)
	shown := 0
	for _, k := range sortedKeys(h) {
		lk := lower(k)
		if !strings.HasPrefix(lk, "access-control-") && lk != "vary" && lk != "location" {
			continue
		}
		for _, v := range h[k] {
			m := ""
			if mark != "" && strings.EqualFold(k, mark) {
				m = "   <-- " + r.ChromiumError
			}
			w.printf("     %s: %s%s\n", k, termsafe.Value(v), m)
			shown++
		}
	}
	if shown == 0 {
		m := ""
		if mark == "Access-Control-Allow-Origin" {
			m = "   <-- " + r.ChromiumError
		}
		w.printf("     (no Access-Control-* headers)%s\n", m)
	}
}
