// Package explain is corsdoctor explain's use case: it judges a request
// against responses given as text (no network), as the browser would,
// optionally ending in a network error, runs the rules and writes the
// report.
package explain

import (
	"io"
	"strings"

	"github.com/corsdoctor/corsdoctor/cors"
	"github.com/corsdoctor/corsdoctor/diag"
	"github.com/corsdoctor/corsdoctor/evidence"
	"github.com/corsdoctor/corsdoctor/internal/app"
	"github.com/corsdoctor/corsdoctor/report"
	"github.com/corsdoctor/corsdoctor/rules"
)

// Options are the request and the responses to judge (explain's flags,
// parsed).
type Options struct {
	// Request is the page's request, its Engine the primary engine.
	Request cors.Request
	// Engines is --browser-engine.
	Engines app.EngineChoice
	// Preflight and Responses are the responses received (the actual
	// response, then one per redirect hop).
	Preflight *evidence.Response
	Responses []*evidence.Response
	// NetworkError is --network-error: the next request got no response.
	NetworkError string
	Expose       []string
	Platform     string
	ShowSecrets  bool
	JSON         bool
	// HTML is the file that receives the HTML report ("" for none).
	HTML string
	// Notes are printed under the result (how a paste was read).
	Notes []string
}

// IO is where Run writes the report.
type IO struct{ Out io.Writer }

// Run judges the exchange and writes the report. The error is
// app.ErrFindings when the request is blocked (in any engine with
// --browser-engine all), an app.UsageError when the responses do not fit
// the request.
func Run(opts Options, env IO) error {
	req, url, engines := opts.Request, opts.Request.URL, opts.Engines
	ex := &evidence.Exchange{Request: req, Expose: opts.Expose}
	pre := opts.Preflight
	if len(opts.Responses) == 0 {
		ex.Hops = []evidence.Hop{{URL: url, Preflight: pre}}
	}
	for i, r := range opts.Responses {
		h := evidence.Hop{Response: r}
		if i == 0 {
			h.Preflight, h.URL = pre, url
		}
		ex.Hops = append(ex.Hops, h)
	}
	ex.Evaluate()
	// Hop URLs after the first come from the engine's redirect walk.
	for i := 1; i < len(ex.Hops) && i-1 < len(ex.Result.Redirects); i++ {
		ex.Hops[i].URL = ex.Result.Redirects[i-1]
		ex.Hops[i].Response.URL = ex.Hops[i].URL
	}
	if len(ex.Hops) > len(ex.Result.Redirects)+1 && ex.Result.Allowed {
		return app.Usagef("--response: %d responses given but the chain ends after %d (only a redirect with a Location header leads to the next response)", len(ex.Hops), len(ex.Result.Redirects)+1)
	}
	if opts.NetworkError != "" {
		if err := applyNetworkError(ex, opts.NetworkError); err != nil {
			return err
		}
	}
	ex.Identify(opts.Platform)
	ex.EvaluateEngines(engines.Others...)
	var notes map[int][]string
	if len(opts.Notes) > 0 {
		notes = map[int][]string{0: opts.Notes}
	}
	in := &diag.Input{Exchanges: []*evidence.Exchange{ex}}
	findings := diag.Run(rules.All(), in)
	doc := report.NewDocument(in.Exchanges, findings, report.Options{ShowSecrets: opts.ShowSecrets, Engines: engines.Show})
	var err error
	if opts.JSON {
		err = report.JSON(env.Out, doc)
	} else {
		err = report.Text(env.Out, doc, report.TextOptions{Notes: notes})
	}
	if err != nil {
		return err
	}
	if opts.HTML != "" {
		if err := app.WriteHTML(opts.HTML, func(w io.Writer) error { return report.HTML(w, doc, report.HTMLOptions{Title: "corsdoctor explain"}) }); err != nil {
			return err
		}
	}
	if ex.Result.Blocked() || engines.Show && ex.BlockedInAnyEngine() {
		return app.ErrFindings
	}
	return nil
}

// applyNetworkError records that the next request the browser would send
// after the responses given got no response but a network error: the
// preflight when none was given, else the actual request (or the next
// redirect hop). The "not a CORS problem" rules (CD1026) then explain it.
func applyNetworkError(ex *evidence.Exchange, raw string) error {
	code, err := parseNetworkError(raw)
	if err != nil {
		return err
	}
	r := &ex.Result
	if r.Incomplete == "" && r.Stage != cors.StageRequest {
		return app.WithHint(app.Usagef("--network-error: the responses given already decide the request (%s); a network error applies to a request that got no response", Verdict(r)),
			"give the responses up to the one that never arrived, e.g. only --preflight-response when the actual request failed")
	}
	stage := cors.StageActual
	if r.Plan.Required && !r.PreflightSent {
		stage = cors.StagePreflight
	}
	if r.Stage == cors.StageRequest {
		stage = cors.StageRequest
	}
	r.Allowed, r.Incomplete, r.Stage, r.NetError = false, "", stage, code
	ex.Err = code
	return nil
}

// parseNetworkError accepts net::ERR_NAME, ERR_NAME (net:: added) or
// mixed-content.
func parseNetworkError(raw string) (string, error) {
	s := strings.TrimSpace(raw)
	if strings.EqualFold(s, "mixed-content") || strings.EqualFold(s, "mixed content") {
		return "mixed content", nil
	}
	name := strings.TrimPrefix(s, "net::")
	ok := strings.HasPrefix(name, "ERR_") && len(name) > 4
	for _, c := range name {
		ok = ok && (c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_')
	}
	if !ok {
		return "", app.WithHint(app.Usagef("--network-error: %q is not a Chromium network error name", raw),
			"use the name the console shows, e.g. --network-error net::ERR_NAME_NOT_RESOLVED, ERR_CONNECTION_REFUSED, ERR_CERT_AUTHORITY_INVALID, ERR_BLOCKED_BY_CLIENT, or mixed-content")
	}
	return "net::" + name, nil
}

// Verdict names a result for messages.
func Verdict(r *cors.Result) string {
	switch {
	case r.Allowed:
		return "allowed"
	case r.Error != "":
		return "blocked: " + string(r.Error)
	}
	return "blocked"
}
