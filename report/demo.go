package report

import (
	"fmt"
	"io"
	"strings"

	"github.com/corsdoctor/corsdoctor/cors"
)

// DemoCase is one line of the demo's JSON output.
type DemoCase struct {
	Path             string `json:"path"`
	Title            string `json:"title"`
	Platform         string `json:"platform"`
	DetectedPlatform string `json:"detected_platform"`
	Method           string `json:"method"`
	Origin           string `json:"origin"`
	ExpectedVerdict  string `json:"expected_verdict"`
	ExpectedRule     string `json:"expected_rule"`
	Verdict          string `json:"verdict"`
	Rule             string `json:"rule"`
	RuleName         string `json:"rule_name"`
	RuleTitle        string `json:"rule_title"`
	Agree            bool   `json:"agree"`
	// Engines are Firefox's and Safari's verdicts (check judging as
	// them, with their own requests when they send other ones), by
	// engine name; EngineSummary says how the browsers differ.
	Engines       map[string]DemoEngine `json:"engines,omitempty"`
	EngineSummary string                `json:"engine_summary,omitempty"`
}

// DemoEngine is one browser engine's verdict on a lab endpoint.
type DemoEngine struct {
	Verdict string `json:"verdict"`
	// ExpectedVerdict is the lab's expectation; empty when the lab says
	// nothing about this browser (Safari on an https page calling the
	// lab over http: mixed content, whatever the server does).
	ExpectedVerdict string `json:"expected_verdict,omitempty"`
	Agree           bool   `json:"agree"`
}

// DemoReport is demo's JSON document.
type DemoReport struct {
	Tool    string     `json:"tool"`
	Version string     `json:"version"`
	Agree   int        `json:"agree"`
	Total   int        `json:"total"`
	Cases   []DemoCase `json:"cases"`
}

// demoAllowed is the verdict word of an allowed request (lab.Allowed).
const demoAllowed = "ALLOWED"

// DemoDetail is one endpoint's full check report, for demo --verbose.
type DemoDetail struct {
	Path, Title string
	// Command is the check command that reproduces it.
	Command string
	Doc     Document
	Text    TextOptions
}

// DemoText renders demo's table, one line per lab endpoint, in colour
// when color is set; with details (--verbose), each endpoint's report.
func DemoText(w0 io.Writer, res []DemoCase, engines []cors.Engine, details []DemoDetail, color bool) error {
	w := &demoWriter{w: w0}
	verbose := details != nil
	w.printf("corsdoctor demo: %d lab endpoints on loopback, each checked as Chromium would send it (and as Firefox and Safari: FIREFOX, SAFARI)\n\n", len(res))
	pw, tw := len("ENDPOINT"), len("REPRODUCES")
	for _, r := range res {
		pw = max(pw, len(r.Path))
		tw = max(tw, min(len(r.Title), 58))
	}
	w.printf("%-*s  %-*s  %-8s  %-8s  %-8s  %-40s  %s\n", pw, "ENDPOINT", tw, "REPRODUCES", "VERDICT", "FIREFOX", "SAFARI", "DIAGNOSIS", "AGREES")
	for _, r := range res {
		diagnosis := "-"
		switch {
		case r.Rule != "":
			diagnosis = r.Rule + " " + r.RuleName
		case r.EngineSummary != "":
			diagnosis = r.EngineSummary
		}
		mark := "yes"
		if !r.Agree {
			exp := r.ExpectedRule
			if exp == "" {
				exp = "no finding"
			}
			mark = fmt.Sprintf("NO (expected %s, %s%s)", r.ExpectedVerdict, exp, demoEngineExpectations(r, engines))
		}
		verdict := fmt.Sprintf("%-8s", r.Verdict)
		cols := make([]string, len(engines))
		for i, e := range engines {
			de, ok := r.Engines[e.String()]
			v := "-"
			if ok && de.ExpectedVerdict != "" {
				v = de.Verdict
			}
			cols[i] = fmt.Sprintf("%-8s", v)
			if color && v != "-" {
				cols[i] = paint(cols[i], v == demoAllowed)
			}
		}
		if color {
			verdict = paint(verdict, r.Verdict == demoAllowed)
			mark = paint(mark, r.Agree)
		}
		w.printf("%-*s  %-*s  %s  %s  %-40s  %s\n", pw, r.Path, tw, clip(r.Title, 58), verdict, strings.Join(cols, "  "), diagnosis, mark)
	}
	agree := 0
	for _, r := range res {
		if r.Agree {
			agree++
		}
	}
	w.printf("\n%d/%d endpoints diagnosed as expected.\n", agree, len(res))
	w.printf("FIREFOX and SAFARI: check judging as Firefox and Safari (WebKit), docs/engines.md; - where the lab cannot say (Safari blocks an https page's requests to the http lab as mixed content).\n")
	if !verbose {
		w.printf("\nThe full report of one endpoint: corsdoctor demo --only %s --verbose\n", demoExample(res))
		w.printf("Serve the lab for a browser or curl: corsdoctor lab\n")
		w.printf("Your own API: corsdoctor check https://api.example.com/items --origin https://app.example.com\n")
	}
	if verbose {
		for _, d := range details {
			w.printf("\n%s\n%s: %s\n$ %s\n\n", strings.Repeat("=", 72), d.Path, d.Title, d.Command)
			if w.err == nil {
				w.err = Text(w0, d.Doc, d.Text)
			}
		}
	}
	return w.err
}

// demoEngineExpectations lists the engines whose verdict disagrees.
func demoEngineExpectations(r DemoCase, engines []cors.Engine) string {
	var out string
	for _, e := range engines {
		if de, ok := r.Engines[e.String()]; ok && !de.Agree {
			out += fmt.Sprintf("; %s %s", e.Browser(), de.ExpectedVerdict)
		}
	}
	return out
}

// demoExample picks the endpoint the closing hint points at: the first
// disagreement, else the API Gateway proxy case, else the first case.
func demoExample(res []DemoCase) string {
	for _, r := range res {
		if !r.Agree {
			return r.Path
		}
	}
	for _, r := range res {
		if r.Path == "/aws/rest/proxy-no-headers" {
			return r.Path
		}
	}
	return res[0].Path
}

// paint wraps s in green (good) or red ANSI colour.
func paint(s string, good bool) string {
	if good {
		return "\x1b[32m" + s + "\x1b[0m"
	}
	return "\x1b[31m" + s + "\x1b[0m"
}

func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n-3] + "..."
}

type demoWriter struct {
	w   interface{ Write([]byte) (int, error) }
	err error
}

func (e *demoWriter) printf(format string, a ...any) {
	if e.err != nil {
		return
	}
	_, e.err = fmt.Fprintf(e.w, format, a...)
}
