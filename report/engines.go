package report

import (
	"strings"

	"github.com/corsdoctor/corsdoctor/cors"
	"github.com/corsdoctor/corsdoctor/evidence"
	"github.com/corsdoctor/corsdoctor/internal/redact"
)

// EngineVerdict is one browser engine's verdict on a result's exchange
// (the `engines` object, docs/json.md).
type EngineVerdict struct {
	// Engine is chromium, firefox or webkit; Browser the product users
	// know it by (Chrome, Firefox, Safari).
	Engine  string `json:"engine"`
	Browser string `json:"browser"`
	Allowed bool   `json:"allowed"`
	// BlockedAt is as the result's blocked_at; Incomplete names the
	// response this engine's verdict still needs.
	BlockedAt  string `json:"blocked_at"`
	Incomplete string `json:"incomplete,omitempty"`
	// ChromiumError is set for Chromium, FirefoxError for Firefox.
	ChromiumError string `json:"chromium_error,omitempty"`
	FirefoxError  string `json:"firefox_error,omitempty"`
	// ConsoleMessage is the engine's first console line, ConsoleLines
	// all of them, in order.
	ConsoleMessage string   `json:"console_message"`
	ConsoleLines   []string `json:"console_lines,omitempty"`
	// Preflight is what this engine sends first.
	Preflight EnginePreflight `json:"preflight"`
	// Probed is true when check sent this engine's own requests (it
	// needs one the others did not send).
	Probed   bool           `json:"probed,omitempty"`
	Warnings []cors.Warning `json:"warnings,omitempty"`
	// Differences are the documented cross-browser differences
	// (docs/engines.md, cors.Differences IDs) that explain why this
	// engine differs from the result's own.
	Differences []string `json:"differences,omitempty"`
}

// EnginePreflight is an engine's preflight decision.
type EnginePreflight struct {
	Required       bool   `json:"required"`
	RequestMethod  string `json:"request_method,omitempty"`
	RequestHeaders string `json:"request_headers,omitempty"`
	// MaxAge is how long the engine caches the passed preflight.
	MaxAge *int `json:"max_age,omitempty"`
}

func engineVerdict(r *cors.Result, probed bool, opt Options) *EngineVerdict {
	v := &EngineVerdict{Engine: r.Engine.String(), Browser: r.Engine.Browser(), Allowed: r.Allowed,
		BlockedAt: string(r.Stage), Incomplete: r.Incomplete, ConsoleMessage: r.ConsoleMessage(),
		ConsoleLines: r.ConsoleLines(), Probed: probed, Warnings: r.Warnings}
	if r.Allowed {
		v.BlockedAt = ""
	}
	switch r.Engine {
	case cors.Chromium:
		v.ChromiumError = string(r.Error)
	case cors.Firefox:
		v.FirefoxError = string(r.Firefox)
	}
	v.Preflight.Required = r.Plan.Required
	if r.Plan.Required {
		v.Preflight.RequestMethod, v.Preflight.RequestHeaders = r.Plan.Method, r.Plan.RequestHeaders
	}
	if r.MaxAge >= 0 {
		m := r.MaxAge
		v.Preflight.MaxAge = &m
	}
	if !opt.ShowSecrets {
		v.ConsoleMessage = redact.Text(v.ConsoleMessage)
		for i, l := range v.ConsoleLines {
			v.ConsoleLines[i] = redact.Text(l)
		}
	}
	return v
}

// engineVerdicts builds the `engines` object of a result: the exchange's
// own verdict and every other engine's (evidence.Exchange.Engines). It is
// nil when no other engine was evaluated, or when all agree and opt does
// not ask for them.
func engineVerdicts(ex *evidence.Exchange, opt Options) (map[string]*EngineVerdict, string) {
	if len(ex.Engines) == 0 {
		return nil, ""
	}
	all := []*EngineVerdict{engineVerdict(&ex.Result, false, opt)}
	for i := range ex.Engines {
		er := &ex.Engines[i]
		v := engineVerdict(&er.Result, er.Hops != nil, opt)
		v.Differences = cors.DifferencesBetween(&ex.Request, &ex.Result, &er.Result)
		all = append(all, v)
	}
	summary := EngineSummary(all)
	if summary == "" && !opt.Engines {
		return nil, ""
	}
	m := map[string]*EngineVerdict{}
	for _, v := range all {
		m[v.Engine] = v
	}
	return m, summary
}

// EngineSummary says how the engines' verdicts differ, in the words users
// search for: "blocked in Safari only", "allowed in Chrome only",
// "blocked in Firefox and Safari"; when the others agree but an engine
// sends a request the responses do not answer, "not known for ...".
// Empty when they agree.
func EngineSummary(vs []*EngineVerdict) string {
	var allowed, blocked []string
	for _, v := range vs {
		switch {
		case v.Incomplete != "":
		case v.Allowed:
			allowed = append(allowed, v.Browser)
		default:
			blocked = append(blocked, v.Browser)
		}
	}
	if len(allowed) == 0 || len(blocked) == 0 {
		var unknown []string
		for _, v := range vs {
			if v.Incomplete != "" {
				unknown = append(unknown, v.Browser)
			}
		}
		if len(unknown) > 0 && len(unknown) < len(vs) {
			verb := "it sends"
			if len(unknown) > 1 {
				verb = "they send"
			}
			return "not known for " + joinAnd(unknown) + ": " + verb + " a request these responses do not answer"
		}
		return ""
	}
	if len(blocked) <= len(allowed) {
		return "blocked in " + joinAnd(blocked) + onlyIf(len(blocked) == 1)
	}
	return "allowed in " + joinAnd(allowed) + onlyIf(len(allowed) == 1)
}

func onlyIf(b bool) string {
	if b {
		return " only"
	}
	return ""
}

func joinAnd(xs []string) string {
	if len(xs) <= 1 {
		return strings.Join(xs, "")
	}
	return strings.Join(xs[:len(xs)-1], ", ") + " and " + xs[len(xs)-1]
}

// engineOrder lists the engines of a result in the order Chrome, Firefox,
// Safari.
func engineOrder(m map[string]*EngineVerdict) []*EngineVerdict {
	var out []*EngineVerdict
	for _, e := range cors.Engines {
		if v := m[e.String()]; v != nil {
			out = append(out, v)
		}
	}
	return out
}

// writeEngines prints the per-engine verdicts of a result.
func writeEngines(w *errWriter, r Result) {
	if len(r.Engines) == 0 {
		return
	}
	head := "the same in every browser"
	if r.EngineSummary != "" {
		head = r.EngineSummary
	}
	w.printf("\nBrowsers: %s\n", head)
	for _, v := range engineOrder(r.Engines) {
		verdict := "ALLOWED"
		switch {
		case v.Incomplete != "":
			verdict = "NOT KNOWN: needs the " + v.Incomplete
		case !v.Allowed:
			verdict = "BLOCKED"
			if v.BlockedAt != "" {
				verdict += " at " + v.BlockedAt
			}
		}
		probed := ""
		if v.Probed {
			probed = " (its own requests)"
		}
		w.printf("  %-8s %s%s\n", v.Browser, verdict, probed)
		for _, l := range v.ConsoleLines {
			w.printf("           %s\n", strings.TrimRight(l, "\n"))
		}
		if pf := enginePreflightText(v); pf != primaryPreflight(r) {
			w.printf("           %s\n", pf)
		}
	}
	for _, id := range engineDifferences(r) {
		if d, ok := cors.DifferenceByID(id); ok {
			w.printf("  why: %s (docs/engines.md#%s)\n", d.Title, d.ID)
		}
	}
}

// engineDifferences lists the differences the engines of r cite, once
// each, in the order Chrome, Firefox, Safari.
func engineDifferences(r Result) []string {
	var ids []string
	seen := map[string]bool{}
	for _, v := range engineOrder(r.Engines) {
		for _, id := range v.Differences {
			if !seen[id] {
				seen[id] = true
				ids = append(ids, id)
			}
		}
	}
	return ids
}

// enginePreflightText says what an engine sends first.
func enginePreflightText(v *EngineVerdict) string {
	if !v.Preflight.Required {
		return "no preflight"
	}
	pf := "preflight OPTIONS, Access-Control-Request-Method: " + v.Preflight.RequestMethod
	if v.Preflight.RequestHeaders != "" {
		pf += ", Access-Control-Request-Headers: " + v.Preflight.RequestHeaders
	}
	return pf
}

// primaryPreflight is enginePreflightText of the result's own engine.
func primaryPreflight(r Result) string {
	name := r.Engine
	if name == "" {
		name = "chromium"
	}
	if v := r.Engines[name]; v != nil {
		return enginePreflightText(v)
	}
	return ""
}
