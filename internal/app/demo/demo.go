// Package demo is corsdoctor demo's use case: start the embedded lab on
// loopback, check every endpoint as check would (internal/app/check) and
// compare the diagnosis with the lab's expectation.
package demo

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/corsdoctor/corsdoctor/collect/probe"
	"github.com/corsdoctor/corsdoctor/cors"
	"github.com/corsdoctor/corsdoctor/internal/app"
	"github.com/corsdoctor/corsdoctor/internal/app/check"
	"github.com/corsdoctor/corsdoctor/internal/app/request"
	"github.com/corsdoctor/corsdoctor/lab"
	"github.com/corsdoctor/corsdoctor/report"
)

// Options say which endpoints to check.
type Options struct {
	// Only keeps the endpoints whose path contains it ("" for all).
	Only string
	// Now is the clock (nil: time.Now).
	Now func() time.Time
}

// Result is every checked endpoint: the lab's base URL, the cases, the
// comparison per case and check's full outcome per case.
type Result struct {
	Base     string
	Cases    []lab.Case
	Results  []report.DemoCase
	Outcomes []*check.Outcome
}

// Run starts the lab, checks the selected endpoints and stops the lab.
func Run(ctx context.Context, opts Options) (*Result, error) {
	srv, err := lab.Start("127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	defer srv.Close()
	var cases []lab.Case
	for _, c := range lab.Catalogue() {
		if opts.Only == "" || strings.Contains(c.Path, opts.Only) {
			cases = append(cases, c)
		}
	}
	if len(cases) == 0 {
		return nil, app.WithHint(app.Usagef("--only %q matches no lab endpoint", opts.Only), "run 'corsdoctor demo' to list them all")
	}
	res, outs, err := Check(ctx, srv.URL, cases, opts.Now)
	if err != nil {
		return nil, err
	}
	return &Result{Base: srv.URL, Cases: cases, Results: res, Outcomes: outs}, nil
}

// Report is demo's JSON document.
func (r *Result) Report() report.DemoReport {
	return report.DemoReport{Tool: "corsdoctor", Version: report.Version, Agree: r.agree(), Total: len(r.Results), Cases: r.Results}
}

// Details are each endpoint's full report (demo --verbose).
func (r *Result) Details() []report.DemoDetail {
	out := []report.DemoDetail{}
	for i, o := range r.Outcomes {
		c := r.Cases[i]
		out = append(out, report.DemoDetail{Path: c.Path, Title: c.Title, Command: c.CheckCommand(r.Base), Doc: o.Doc, Text: report.TextOptions{Curl: o.Curl, Notes: o.Notes}})
	}
	return out
}

// Err is app.ErrFindings when an endpoint was not diagnosed as expected.
func (r *Result) Err() error {
	if r.agree() != len(r.Results) {
		return app.ErrFindings
	}
	return nil
}

func (r *Result) agree() int {
	n := 0
	for _, c := range r.Results {
		if c.Agree {
			n++
		}
	}
	return n
}

// Engines are the browsers demo judges besides Chromium.
var Engines = []cors.Engine{cors.Firefox, cors.WebKit}

// Check checks every lab case against the lab at base and returns the
// results with check's full outcome per case.
func Check(ctx context.Context, base string, cases []lab.Case, now func() time.Time) ([]report.DemoCase, []*check.Outcome, error) {
	p := probe.New(probe.Options{Timeout: 5 * time.Second, Repeat: 3, Now: now})
	defer p.Close()
	var (
		out  []report.DemoCase
		outs []*check.Outcome
	)
	for _, c := range cases {
		spec, err := caseSpec(base, c)
		if err != nil {
			return nil, nil, fmt.Errorf("lab case %s: %w", c.Path, err)
		}
		spec.Prober = p
		spec.Now = now
		spec.Engines = Engines
		o := check.Run(ctx, spec)
		r := o.Doc.Results[0]
		dc := report.DemoCase{
			Path: c.Path, Title: c.Title, Platform: c.Platform, DetectedPlatform: r.Platform,
			Method: c.Method, Origin: c.Origin, ExpectedVerdict: c.Verdict, ExpectedRule: c.Rule,
			Verdict: report.Verdict(r),
		}
		if len(r.Findings) > 0 {
			dc.Rule, dc.RuleName, dc.RuleTitle = r.Findings[0].ID, r.Findings[0].Name, r.Findings[0].Title
		}
		dc.Agree = dc.Verdict == c.Verdict && dc.Rule == c.Rule
		dc.EngineSummary = r.EngineSummary
		if ex := o.Exchanges[0]; ex.Err == "" {
			dc.Engines = map[string]report.DemoEngine{}
			for _, er := range ex.Engines {
				de := report.DemoEngine{Verdict: engineVerdictWord(&er.Result)}
				exp, ok := c.EngineVerdict(er.Engine, base)
				if ok {
					de.ExpectedVerdict = exp
				}
				de.Agree = !ok || de.Verdict == exp
				dc.Agree = dc.Agree && de.Agree
				dc.Engines[er.Engine.String()] = de
			}
		}
		out = append(out, dc)
		outs = append(outs, o)
	}
	return out, outs, nil
}

// engineVerdictWord is report.Verdict's word for an engine's result.
func engineVerdictWord(r *cors.Result) string {
	switch {
	case r.Allowed:
		return lab.Allowed
	case r.Incomplete != "":
		return "INCOMPLETE"
	}
	return lab.Blocked
}

// caseSpec builds the check of a lab case.
func caseSpec(base string, c lab.Case) (check.Spec, error) {
	f := request.Options{Method: c.Method, Headers: c.Headers, Data: c.Body, Credentials: c.Credentials, Expose: c.Expose}
	u := base + c.Path
	req, body, err := f.Build(u, c.Origin)
	if err != nil {
		return check.Spec{}, err
	}
	if c.Body == "" {
		req.Body = cors.BodyNone
	}
	origins := append([]string{c.Origin}, c.AlsoOrigins...)
	return check.Spec{URL: u, Origins: origins, Request: req, Body: body, Expose: c.Expose, Repeat: 3, Timeout: 5 * time.Second}, nil
}
