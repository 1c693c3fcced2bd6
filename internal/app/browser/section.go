// Package browser holds corsdoctor's use cases that run a request in a
// real browser (collect/browser): the evidence and report sections made
// from what the browser did, shared by browser, check --browser and the
// web UI.
package browser

import (
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"

	"github.com/corsdoctor/corsdoctor/collect/browser"
	"github.com/corsdoctor/corsdoctor/cors"
	"github.com/corsdoctor/corsdoctor/evidence"
	"github.com/corsdoctor/corsdoctor/internal/redact"
	"github.com/corsdoctor/corsdoctor/report"
)

// ExchangeOf turns what the browser received into evidence for the
// rules; expose and platform are the request's --expose and --platform.
func ExchangeOf(obs *browser.Observation, req cors.Request, expose []string, platform string) *evidence.Exchange {
	ex := &evidence.Exchange{Request: req, Expose: expose, Platform: platform, Source: evidence.Source{URL: obs.Request.URL}}
	conv := func(e *browser.Exchange) *evidence.Response {
		if e == nil || e.Status == 0 {
			return nil
		}
		return &evidence.Response{URL: e.URL, Status: e.Status, Header: e.Header}
	}
	for _, h := range obs.Hops {
		hop := evidence.Hop{URL: h.URL, Preflight: conv(h.Preflight), Response: conv(h.Actual)}
		if hop.Preflight == nil && hop.Response == nil && len(ex.Hops) > 0 {
			break
		}
		ex.Hops = append(ex.Hops, hop)
	}
	if len(ex.Hops) == 0 {
		ex.Hops = []evidence.Hop{{URL: obs.Request.URL}}
	}
	return ex
}

// Section is the report's view of a browser run: the verdict, the
// console message, each request and response (redacted unless
// showSecrets), the headers the page could read and the engine's
// disagreements.
func Section(obs *browser.Observation, ds []browser.Disagreement, showSecrets bool) *report.Browser {
	hdr := func(h http.Header) map[string][]string {
		if h == nil {
			return map[string][]string{}
		}
		if !showSecrets {
			h = redact.Header(h)
		}
		return map[string][]string(h)
	}
	text := func(s string) string {
		if showSecrets {
			return s
		}
		return redact.Text(s)
	}
	b := &report.Browser{
		Product: obs.Browser, Allowed: obs.Allowed, ChromiumError: obs.CorsError, FailedParameter: text(obs.FailedParameter),
		ConsoleMessage: text(obs.Console), NetError: obs.NetError, ScriptError: text(obs.ScriptError), PreflightSent: obs.PreflightSent,
		Requests: []report.BrowserRequest{}, ReadableHeaders: map[string]string{}, EngineAgrees: len(ds) == 0,
		ElapsedMS: obs.Elapsed.Milliseconds(),
	}
	add := func(kind string, e *browser.Exchange) {
		if e == nil {
			return
		}
		rh := http.Header{}
		for _, h := range e.RequestHeaders {
			rh.Add(h.Name, h.Value)
		}
		u := e.URL
		if !showSecrets {
			u = redact.URL(u)
		}
		b.Requests = append(b.Requests, report.BrowserRequest{Kind: kind, Method: e.Method, URL: u,
			RequestHeaders: hdr(rh), Status: e.Status, ResponseHeaders: hdr(e.Header), Error: text(e.Error)})
	}
	for _, h := range obs.Hops {
		add("preflight", h.Preflight)
		add("actual", h.Actual)
	}
	for _, h := range obs.Readable {
		v := h.Value
		if !showSecrets {
			v = redact.Value(h.Name, v)
		}
		b.ReadableHeaders[strings.ToLower(h.Name)] = v
	}
	if len(obs.Expose) > 0 {
		b.Expose = map[string]bool{}
		for _, c := range obs.Expose {
			b.Expose[c.Name] = c.Readable
		}
	}
	for _, d := range ds {
		b.Disagreements = append(b.Disagreements, text(d.String()))
	}
	if n := LNANote(obs.Request.Origin, obs.Request.URL); n != "" {
		b.Notes = append(b.Notes, n)
	}
	for _, w := range obs.Withheld {
		hop := 0
		for i, h := range obs.Hops {
			if h.URL == w.URL {
				hop = i
			}
		}
		b.Notes = append(b.Notes, text(evidence.CredentialsWithheld(w.Headers, obs.Request.URL, w.URL, hop).Message))
	}
	return b
}

// LNANote warns when the real page would meet Chromium's Local Network
// Access check (a public page calling a loopback or private address),
// which the run cannot show: its page is served from loopback.
func LNANote(origin, rawURL string) string {
	space := func(host string) string {
		if host == "localhost" || strings.HasSuffix(host, ".localhost") {
			return "loopback"
		}
		ip := net.ParseIP(host)
		switch {
		case ip == nil:
			return "public" // a name: its address is not known here
		case ip.IsLoopback():
			return "loopback"
		case ip.IsPrivate(), ip.IsLinkLocalUnicast():
			return "private"
		}
		return "public"
	}
	ou, err1 := url.Parse(origin)
	tu, err2 := url.Parse(rawURL)
	if origin == cors.Null || err1 != nil || err2 != nil {
		return ""
	}
	from, to := space(ou.Hostname()), space(tu.Hostname())
	if from == "public" && to != "public" || from == "private" && to == "loopback" {
		return fmt.Sprintf("the real page at %s (%s) calling %s (%s) also meets Chromium's Local Network Access check, which asks the user for permission; this run serves the page from loopback, so that check did not apply here", origin, from, tu.Host, to)
	}
	return ""
}
