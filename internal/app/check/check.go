// Package check is corsdoctor check's use case: it probes a URL from
// each page origin the way a browser does (collect/probe), judges the
// other engines, runs the rules and builds the report document, with the
// curl commands and notes the text report prints. With a started
// Chromium, InBrowser runs the same request in the real browser and
// compares the verdicts.
package check

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"sort"
	"strings"
	"time"

	"github.com/corsdoctor/corsdoctor/collect/probe"
	"github.com/corsdoctor/corsdoctor/cors"
	"github.com/corsdoctor/corsdoctor/diag"
	"github.com/corsdoctor/corsdoctor/evidence"
	"github.com/corsdoctor/corsdoctor/internal/app"
	"github.com/corsdoctor/corsdoctor/internal/redact"
	"github.com/corsdoctor/corsdoctor/report"
	"github.com/corsdoctor/corsdoctor/rules"
)

// Spec is one check to run: check builds it from its flags, demo, the
// web UI and tests directly.
type Spec struct {
	URL         string
	Origins     []string
	Request     cors.Request // Origin is filled per origin
	Body        []byte
	Cookie      string
	Expose      []string
	Platform    string
	Repeat      int
	Timeout     time.Duration
	Insecure    bool
	ForceActual bool
	ShowSecrets bool
	// NoExtra skips the error-path and no-auth probes (benchmarks).
	NoExtra   bool
	Transport http.RoundTripper
	Now       func() time.Time
	// Prober is reused when set (demo), else one is built for the check.
	Prober *probe.Prober
	// Warnings are printed on standard error before the report.
	Warnings []string
	// Engines are the browser engines judged besides Request.Engine;
	// ShowEngines prints them even when they agree (--browser-engine).
	Engines     []cors.Engine
	ShowEngines bool
}

// Outcome is what a check observed and concluded.
type Outcome struct {
	Exchanges []*evidence.Exchange
	Findings  []diag.Finding
	Doc       report.Document
	Curl      map[int][]string
	Notes     map[int][]string
	// Total and Network are summed over origins (see probe.Result).
	Total, Network time.Duration
}

// Run probes every origin and diagnoses the exchanges.
func Run(ctx context.Context, spec Spec) *Outcome {
	if ctx == nil {
		ctx = context.Background()
	}
	p := spec.Prober
	if p == nil {
		p = probe.New(probe.Options{
			Timeout: spec.Timeout, Insecure: spec.Insecure, Repeat: spec.Repeat, ForceActual: spec.ForceActual,
			Cookie: spec.Cookie, Transport: spec.Transport, Now: spec.Now, NoExtra: spec.NoExtra,
		})
		defer p.Close()
	}
	out := &Outcome{Curl: map[int][]string{}, Notes: map[int][]string{}}
	for i, origin := range spec.Origins {
		req := spec.Request
		req.Origin = origin
		req.URL = spec.URL
		res := p.Probe(ctx, req, spec.Body)
		ex := res.Exchange
		ex.Expose = spec.Expose
		if len(spec.Engines) > 0 && ex.Err == "" {
			probeEngines(ctx, spec, ex, req)
		}
		out.Exchanges = append(out.Exchanges, ex)
		out.Total += res.Total
		out.Network += res.Network
		out.Curl[i] = curlLines(res.Sent, spec.ShowSecrets)
		ex.Identify(spec.Platform)
	}
	// Without --platform and nothing recognised for one origin, what
	// another origin's responses revealed applies (same server).
	var other *evidence.Detection
	for _, ex := range out.Exchanges {
		if d := ex.Detection; d != nil && d.Platform != "" {
			other = d
			break
		}
	}
	for _, ex := range out.Exchanges {
		if spec.Platform == "" && ex.Platform == "" && other != nil {
			d := *other
			d.Signals = append(append([]string(nil), d.Signals...), "(another origin's responses)")
			ex.Detection, ex.Platform = &d, d.Platform
		}
	}
	for i, ex := range out.Exchanges {
		out.Notes[i] = append(out.Notes[i], redirectNotes(ex, spec.ShowSecrets)...)
	}
	in := &diag.Input{Exchanges: out.Exchanges}
	out.Findings = diag.Run(rules.All(), in)
	out.Doc = report.NewDocument(out.Exchanges, out.Findings, report.Options{ShowSecrets: spec.ShowSecrets, Engines: spec.ShowEngines})
	for i := range out.Doc.Results {
		r := &out.Doc.Results[i]
		r.Curl = out.Curl[i]
		if len(r.Findings) > 0 && r.Findings[0].Severity != "info" {
			f := r.Findings[0]
			out.Notes[i] = append(out.Notes[i], "most likely cause: "+f.ID+" "+f.Title+" (diagnosis below)")
		}
	}
	return out
}

// probeEngines judges the exchange as the other engines would. An engine
// that sends a request the probe did not (a preflight Chromium does not
// need, a redirected hop it preflights) is probed on its own: the
// requests that engine sends, without the diagnosis extras.
func probeEngines(ctx context.Context, spec Spec, ex *evidence.Exchange, req cors.Request) {
	ex.EvaluateEngines(spec.Engines...)
	var own *probe.Prober
	for i := range ex.Engines {
		er := &ex.Engines[i]
		if !er.NeedsOwnRequests() {
			continue
		}
		if own == nil {
			own = probe.New(probe.Options{Timeout: spec.Timeout, Insecure: spec.Insecure, Cookie: spec.Cookie,
				Transport: spec.Transport, Now: spec.Now, NoExtra: true})
			defer own.Close()
		}
		r := req
		r.Engine = er.Engine
		got := own.Probe(ctx, r, spec.Body).Exchange
		if got.Err != "" {
			continue // the verdict stays "not known"
		}
		er.Result, er.Hops = got.Result, got.Hops
	}
}

// redirectNotes lists the responses of a redirect chain before the last
// one (report.Text shows the first preflight and the final response):
// status line, Location and CORS headers of each.
func redirectNotes(ex *evidence.Exchange, showSecrets bool) []string {
	if len(ex.Hops) < 2 {
		return nil
	}
	var out []string
	for n, h := range ex.Hops[:len(ex.Hops)-1] {
		for _, r := range []*evidence.Response{h.Preflight, h.Response} {
			if r == nil {
				continue
			}
			kind := "response"
			if r == h.Preflight {
				kind = "preflight"
			}
			u := h.URL
			if !showSecrets {
				u = redact.URL(u)
			}
			line := fmt.Sprintf("redirect chain, hop %d %s: %s %s", n+1, kind, r.StatusLine(), u)
			var names []string
			for k := range r.Header {
				if cors.IsCORSHeader(k) || k == "Location" {
					names = append(names, k)
				}
			}
			sort.Strings(names)
			for _, k := range names {
				v := strings.Join(r.Header[k], ", ")
				if !showSecrets {
					v = redact.Value(k, v)
				}
				line += "; " + k + ": " + v
			}
			out = append(out, line)
		}
	}
	return out
}

// curlLines renders the curl commands of a probe run: every request but
// the repeats, which are summarised in one comment line.
func curlLines(sent []probe.Sent, showSecrets bool) []string {
	var out []string
	repeats := 0
	for _, s := range sent {
		if s.Purpose == "repeat" {
			repeats++
			continue
		}
		line := s.Curl(showSecrets)
		label := s.Purpose
		switch {
		case s.Purpose == "request" && s.Method == http.MethodOptions:
			label = "preflight"
		case s.Purpose == "request":
			label = "actual request"
		case s.Method == http.MethodOptions:
			label += " preflight"
		}
		if s.Hop > 0 {
			label += fmt.Sprintf(" (after redirect %d)", s.Hop)
		}
		out = append(out, line+"   # "+label)
	}
	if repeats > 0 {
		out = append(out, fmt.Sprintf("# plus %d repeated requests (--repeat), identical to the first ones", repeats))
	}
	return out
}

// Exit maps a check's exchanges to the command's error: a network
// error (exit 2) wins over a blocked origin (exit 1); with anyEngine
// (--browser-engine all) an origin blocked in any browser counts.
func Exit(exs []*evidence.Exchange, anyEngine bool) error {
	var netErrs []string
	blocked := false
	for _, ex := range exs {
		if ex.Err != "" {
			netErrs = append(netErrs, fmt.Sprintf("%s (origin %s): %s", ex.Request.URL, ex.Request.Origin, ex.Err))
			continue
		}
		if ex.Result.Blocked() || anyEngine && ex.BlockedInAnyEngine() {
			blocked = true
		}
		for _, p := range ex.Probes {
			if p.Purpose == "repeat" && p.Err == "" && p.Result.Blocked() {
				blocked = true
			}
		}
	}
	if len(netErrs) > 0 {
		return errors.New(strings.Join(netErrs, "; "))
	}
	if blocked {
		return app.ErrFindings
	}
	return nil
}
