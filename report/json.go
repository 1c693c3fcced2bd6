// Package report renders results: text for terminals, the shared JSON
// schema (docs/json.md), and, in other files, SARIF and HTML. Presenters
// write to an io.Writer and never do other I/O; secrets are redacted
// before anything is rendered.
package report

import (
	"encoding/json"
	"io"
	"net/http"
	"sort"
	"strings"

	"github.com/corsdoctor/corsdoctor/cors"
	"github.com/corsdoctor/corsdoctor/diag"
	"github.com/corsdoctor/corsdoctor/evidence"
	"github.com/corsdoctor/corsdoctor/internal/redact"
)

// Version is corsdoctor's version, printed in every report.
var Version = "0.1.0"

// Document is the top level of the shared JSON schema.
type Document struct {
	Tool    string   `json:"tool"`
	Version string   `json:"version"`
	Results []Result `json:"results"`
}

// Result is one evaluated request (one origin of one URL).
type Result struct {
	URL             string          `json:"url"`
	Origin          string          `json:"origin"`
	Method          string          `json:"method"`
	Credentials     string          `json:"credentials"`
	Preflight       Preflight       `json:"preflight"`
	Actual          Actual          `json:"actual"`
	Allowed         bool            `json:"allowed"`
	BlockedAt       string          `json:"blocked_at"`
	ChromiumError   string          `json:"chromium_error"`
	FailedParameter string          `json:"failed_parameter"`
	FirefoxError    string          `json:"firefox_error"`
	ConsoleMessage  string          `json:"console_message"`
	ReadableHeaders map[string]bool `json:"readable_headers"`
	Findings        []Finding       `json:"findings"`

	// Extensions to the issue-2 schema (additive).
	Incomplete     string         `json:"incomplete,omitempty"`
	Error          string         `json:"error,omitempty"`
	FirefoxMessage string         `json:"firefox_message,omitempty"`
	FirefoxDocs    string         `json:"firefox_docs,omitempty"`
	Explanation    *Explanation   `json:"explanation,omitempty"`
	Warnings       []cors.Warning `json:"warnings,omitempty"`
	Platform       string         `json:"platform,omitempty"`
	// PlatformDetection is the evidence for Platform: what was recognised,
	// the other layers seen, and where signals disagree (extension).
	PlatformDetection *evidence.Detection `json:"platform_detection,omitempty"`
	Source            string              `json:"source,omitempty"`
	Probes            []Probe             `json:"probes,omitempty"`
	Browser           *Browser            `json:"browser,omitempty"`
	// Curl reproduces every request a live probe sent (check), secrets
	// redacted unless --show-secrets.
	Curl []string `json:"curl,omitempty"`
	// ConsoleLines are every console line of the verdict when the engine
	// prints more than one (Firefox, WebKit); ConsoleMessage is the
	// first.
	ConsoleLines []string `json:"console_lines,omitempty"`
	// Engine names the browser engine whose verdict the top-level fields
	// are (allowed, blocked_at, console_message, ...): firefox or webkit;
	// omitted for Chromium.
	Engine string `json:"engine,omitempty"`
	// Engines is every engine's verdict, by engine name, when they differ
	// or when --browser-engine all asks for them; EngineSummary says how
	// they differ ("blocked in Safari only").
	Engines       map[string]*EngineVerdict `json:"engines,omitempty"`
	EngineSummary string                    `json:"engine_summary,omitempty"`
	// Browsers are the real browsers' observations of `browser --engine
	// all` (Browser holds the first).
	Browsers []*Browser `json:"browsers,omitempty"`
	// Checks narrate the verdict: every check the engine made, in its
	// order, then those it never reached (cors.Result.Checks; values and
	// reasons redacted unless --show-secrets).
	Checks []cors.Check `json:"checks,omitempty"`
}

// Preflight describes the OPTIONS request.
type Preflight struct {
	Required       bool                `json:"required"`
	Reasons        []string            `json:"reasons"`
	Sent           bool                `json:"sent"`
	Status         int                 `json:"status"`
	Headers        map[string][]string `json:"headers"`
	RequestMethod  string              `json:"request_method,omitempty"`
	RequestHeaders string              `json:"request_headers,omitempty"`
	MaxAge         *int                `json:"max_age,omitempty"`
}

// Actual describes the request the page made.
type Actual struct {
	Sent      bool                `json:"sent"`
	Status    int                 `json:"status"`
	Headers   map[string][]string `json:"headers"`
	Redirects []string            `json:"redirects"`
	Tainted   bool                `json:"tainted,omitempty"`
}

// Finding is a diagnosis in the shared schema.
type Finding struct {
	ID       string   `json:"id"`
	Name     string   `json:"name,omitempty"`
	Severity string   `json:"severity"`
	Title    string   `json:"title"`
	Detail   string   `json:"detail"`
	Fix      string   `json:"fix"`
	Platform string   `json:"platform,omitempty"`
	Location string   `json:"location,omitempty"`
	Evidence []string `json:"evidence,omitempty"`
}

// Explanation is the engine's plain cause and generic fix.
type Explanation struct {
	Cause string `json:"cause"`
	Fix   string `json:"fix"`
}

// Probe is an extra request sent for diagnosis.
type Probe struct {
	Purpose string `json:"purpose"`
	URL     string `json:"url"`
	Method  string `json:"method"`
	Status  int    `json:"status"`
	Allowed bool   `json:"allowed"`
	Error   string `json:"error,omitempty"`
}

// Options control rendering.
type Options struct {
	// ShowSecrets disables redaction (--show-secrets).
	ShowSecrets bool
	// Engines shows every engine's verdict even when they agree
	// (--browser-engine all).
	Engines bool
}

// NewResult builds the schema record for one exchange and its findings.
func NewResult(ex *evidence.Exchange, findings []diag.Finding, opt Options) Result {
	r := &ex.Result
	hdr := func(h http.Header) map[string][]string {
		if h == nil {
			return map[string][]string{}
		}
		if !opt.ShowSecrets {
			h = redact.Header(h)
		}
		return map[string][]string(h)
	}
	out := Result{
		URL: ex.Request.URL, Origin: ex.Request.Origin, Method: r.Method,
		Credentials:       string(r.Credentials),
		Allowed:           r.Allowed,
		BlockedAt:         string(r.Stage),
		ChromiumError:     string(r.Error),
		FailedParameter:   r.FailedParameter,
		FirefoxError:      string(r.Firefox),
		ConsoleMessage:    r.ConsoleMessage(),
		Incomplete:        r.Incomplete,
		Error:             ex.Err,
		FirefoxMessage:    r.FirefoxMessage(),
		FirefoxDocs:       r.Firefox.MDN(),
		Warnings:          r.Warnings,
		Platform:          ex.Platform,
		PlatformDetection: ex.Detection,
		Findings:          []Finding{},
	}
	if r.Allowed {
		out.BlockedAt = ""
	}
	if r.Engine != cors.Chromium {
		out.Engine = r.Engine.String()
		out.ConsoleLines = r.ConsoleLines()
		if !opt.ShowSecrets {
			for i, l := range out.ConsoleLines {
				out.ConsoleLines[i] = redact.Text(l)
			}
		}
	}
	if r.Engine == cors.WebKit {
		// WebKit has no Firefox error code.
		out.FirefoxError, out.FirefoxMessage, out.FirefoxDocs = "", "", ""
	}
	out.Engines, out.EngineSummary = engineVerdicts(ex, opt)
	out.Checks = r.Checks()
	if !opt.ShowSecrets {
		for i := range out.Checks {
			c := &out.Checks[i]
			c.URL, c.Value, c.Reason = redact.URL(c.URL), redact.Text(c.Value), redact.Text(c.Reason)
		}
	}
	if ex.Source != (evidence.Source{}) {
		out.Source = ex.Source.String()
	}
	if !opt.ShowSecrets {
		if len(out.Warnings) > 0 {
			ws := make([]cors.Warning, len(out.Warnings))
			for i, w := range out.Warnings {
				ws[i] = cors.Warning{Code: w.Code, Message: redact.Text(w.Message)}
			}
			out.Warnings = ws
		}
		out.URL = redact.URL(out.URL)
		out.ConsoleMessage = redact.Text(out.ConsoleMessage)
		out.FailedParameter = redact.Text(out.FailedParameter)
		out.FirefoxMessage = redact.Text(out.FirefoxMessage)
		out.Error = redact.Text(out.Error)
		out.Source = redact.Text(out.Source)
	}
	if r.Error != "" {
		e := cors.Explain(r.Error)
		out.Explanation = &Explanation{Cause: e.Cause, Fix: e.Fix}
	}
	out.Preflight = Preflight{
		Required: r.Plan.Required, Reasons: []string{}, Headers: map[string][]string{},
	}
	if r.Plan.Required {
		out.Preflight.RequestMethod = r.Plan.Method
		out.Preflight.RequestHeaders = r.Plan.RequestHeaders
		for _, rs := range r.Plan.Reasons(&ex.Request) {
			out.Preflight.Reasons = append(out.Preflight.Reasons, rs.String())
		}
	}
	if pf := ex.Preflight(); pf != nil && r.PreflightSent {
		out.Preflight.Sent = true
		out.Preflight.Status = pf.Status
		out.Preflight.Headers = hdr(pf.Header)
		if r.MaxAge >= 0 {
			m := r.MaxAge
			out.Preflight.MaxAge = &m
		}
	}
	out.Actual = Actual{Headers: map[string][]string{}, Redirects: append([]string{}, r.Redirects...), Tainted: r.Tainted}
	if !opt.ShowSecrets {
		for i, u := range out.Actual.Redirects {
			out.Actual.Redirects[i] = redact.URL(u)
		}
	}
	final := ex.Final()
	if final != nil && r.ActualSent {
		out.Actual.Sent = true
		out.Actual.Status = final.Status
		out.Actual.Headers = hdr(final.Header)
	}
	var fh http.Header
	if final != nil {
		fh = final.Header
	}
	out.ReadableHeaders = cors.ReadableHeaders(r, fh, ex.Expose)
	for _, f := range findings {
		out.Findings = append(out.Findings, NewFinding(f, opt))
	}
	for _, p := range ex.Probes {
		pr := Probe{Purpose: string(p.Purpose), URL: p.Request.URL, Method: p.Result.Method, Allowed: p.Result.Allowed, Error: p.Err}
		if n := len(p.Hops); n > 0 && p.Hops[n-1].Response != nil {
			pr.Status = p.Hops[n-1].Response.Status
		} else if n > 0 && p.Hops[n-1].Preflight != nil {
			pr.Status = p.Hops[n-1].Preflight.Status
			pr.Method = "OPTIONS"
		}
		if !opt.ShowSecrets {
			pr.URL, pr.Error = redact.URL(pr.URL), redact.Text(pr.Error)
		}
		out.Probes = append(out.Probes, pr)
	}
	return out
}

// NewFinding converts a diag finding to the schema.
func NewFinding(f diag.Finding, opt Options) Finding {
	out := Finding{
		ID: f.RuleID, Name: f.Name, Severity: f.Severity.String(), Title: f.Title,
		Detail: f.Detail, Fix: f.Fix, Platform: string(f.Platform), Evidence: f.Evidence,
	}
	if f.Location != (evidence.Source{}) {
		out.Location = f.Location.String()
	}
	if !opt.ShowSecrets {
		out.Title = redact.Text(out.Title)
		out.Location = redact.Text(out.Location)
		out.Detail = redact.Text(out.Detail)
		ev := make([]string, len(f.Evidence))
		for i, e := range f.Evidence {
			ev[i] = redact.Text(e)
		}
		if len(ev) > 0 {
			out.Evidence = ev
		}
	}
	return out
}

// NewDocument builds the document for exchanges and their findings.
func NewDocument(exs []*evidence.Exchange, findings []diag.Finding, opt Options) Document {
	doc := Document{Tool: "corsdoctor", Version: Version, Results: []Result{}}
	for i, ex := range exs {
		doc.Results = append(doc.Results, NewResult(ex, diag.ForExchange(findings, i), opt))
	}
	return doc
}

// JSON writes the document, indented, with a final newline.
func JSON(w io.Writer, doc Document) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(doc)
}

// sortedKeys returns the map's keys sorted.
func sortedKeys[V any](m map[string]V) []string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}

func lower(s string) string { return strings.ToLower(s) }
