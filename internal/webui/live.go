package webui

import (
	"context"
	"fmt"
	"time"

	"github.com/corsdoctor/corsdoctor/collect/browser"
	"github.com/corsdoctor/corsdoctor/cors"
	"github.com/corsdoctor/corsdoctor/diag"
	"github.com/corsdoctor/corsdoctor/evidence"
	appbrowser "github.com/corsdoctor/corsdoctor/internal/app/browser"
	"github.com/corsdoctor/corsdoctor/internal/app/check"
	"github.com/corsdoctor/corsdoctor/internal/app/request"
	"github.com/corsdoctor/corsdoctor/report"
	"github.com/corsdoctor/corsdoctor/rules"
)

// requestOf maps the form to the request options, so the UI validates
// input exactly as check does.
func requestOf(req CheckRequest) request.Options {
	f := request.Options{Method: req.Method, Headers: req.Headers, Credentials: req.Credentials,
		Expose: req.Expose, Platform: req.Platform, Initiator: "fetch", Mode: "cors"}
	if f.Method == "" {
		f.Method = "GET"
	}
	return f
}

// buildRequest is request.Options.Build with the form's body taken as
// text: "@name" is never read as a file, whatever a page posts.
func buildRequest(f request.Options, rawURL, origin, data string) (cors.Request, []byte, error) {
	creq, _, err := f.Build(rawURL, origin)
	if err != nil || data == "" {
		return creq, nil, err
	}
	creq.Body = cors.BodySimple
	return creq, []byte(data), nil
}

// LiveCheck runs check's use case (internal/app/check: collect/probe,
// the rules, the report document) on the form's request, each request
// within timeout; now is the clock.
func LiveCheck(timeout time.Duration, insecure bool, now func() time.Time) func(ctx context.Context, req CheckRequest) (*Outcome, error) {
	return func(ctx context.Context, req CheckRequest) (*Outcome, error) {
		co := &check.Options{URL: req.URL, Origins: req.Origins, Request: requestOf(req), Timeout: timeout, Insecure: insecure}
		spec, err := co.Spec()
		if err != nil {
			return nil, err
		}
		if req.Data != "" {
			// The form's body is text: "@name" is never read as a file.
			spec.Body, spec.Request.Body = []byte(req.Data), cors.BodySimple
		}
		spec.Now = now
		out := check.Run(ctx, spec)
		blocked := false
		for _, r := range out.Doc.Results {
			if !r.Allowed {
				blocked = true
			}
		}
		return &Outcome{Doc: &out.Doc, Curl: out.Curl, Blocked: blocked}, nil
	}
}

func outcomeOf(exs []*evidence.Exchange, curl map[int][]string, browsers []*report.Browser) *Outcome {
	findings := diag.Run(rules.All(), &diag.Input{Exchanges: exs})
	doc := report.NewDocument(exs, findings, report.Options{})
	blocked := false
	for i := range doc.Results {
		if i < len(browsers) && browsers[i] != nil {
			doc.Results[i].Browser = browsers[i]
		}
		if !doc.Results[i].Allowed {
			blocked = true
		}
	}
	return &Outcome{Doc: &doc, Curl: curl, Blocked: blocked}
}

// LiveBrowser runs the request from each origin in one headless
// Chromium at execPath (collect/browser), each within timeout, then
// diagnoses what Chromium received.
func LiveBrowser(timeout time.Duration, execPath string) func(ctx context.Context, req CheckRequest) (*Outcome, error) {
	return func(ctx context.Context, req CheckRequest) (*Outcome, error) {
		rawURL, err := request.ParseURL("URL", req.URL)
		if err != nil {
			return nil, err
		}
		f := requestOf(req)
		var origins []string
		for _, o := range req.Origins {
			origin, err := browser.CheckOrigin(o)
			if err != nil {
				return nil, fmt.Errorf("origin %q: %w", o, err)
			}
			if cors.SameOrigin(rawURL, origin) {
				return nil, fmt.Errorf("origin %s is same-origin with %s: CORS does not apply", origin, rawURL)
			}
			origins = append(origins, origin)
		}
		b, err := browser.Start(ctx, browser.Config{ExecPath: execPath, Origins: origins})
		if err != nil {
			return nil, err
		}
		defer b.Close()
		var exs []*evidence.Exchange
		var sections []*report.Browser
		for _, origin := range origins {
			creq, body, err := buildRequest(f, rawURL, origin, req.Data)
			if err != nil {
				return nil, err
			}
			breq := browser.Request{Origin: origin, URL: rawURL, Method: creq.Method, Headers: creq.Headers,
				Credentials: creq.Credentials, Mode: creq.Mode, Expose: req.Expose}
			if body != nil {
				breq.HasBody, breq.Body = true, string(body)
			}
			rctx, cancel := context.WithTimeout(ctx, timeout)
			obs, err := b.Run(rctx, breq)
			cancel()
			if err != nil {
				return nil, fmt.Errorf("chromium: %s from %s: %w", rawURL, origin, err)
			}
			res, ds := browser.Compare(obs)
			ex := appbrowser.ExchangeOf(obs, creq, f.Expose, f.Platform)
			ex.Result = res
			ex.Identify(req.Platform)
			exs = append(exs, ex)
			sections = append(sections, appbrowser.Section(obs, ds, false))
		}
		return outcomeOf(exs, nil, sections), nil
	}
}
