package corstest

import (
	"context"
	"net/http"
	"strings"
	"time"

	"github.com/corsdoctor/corsdoctor/collect/probe"
	"github.com/corsdoctor/corsdoctor/cors"
)

// pinpoint finds what a server's CORS configuration rejects when the
// preflight failed, by resending the preflight varied one element at a
// time and evaluating each answer with the engine: the method alone, then
// each unsafe header alone with a method the server grants. Only OPTIONS
// requests are sent (a preflight has no side effects on a correct
// server). It returns "method M" and "header h" items; nil when no
// variant passes (the origin, the route or authentication rejects every
// preflight, which the rules diagnose) or nothing could be sent.
func pinpoint(rt http.RoundTripper, req cors.Request) []string {
	if rt == nil {
		rt = http.DefaultTransport
	}
	client := &http.Client{Transport: rt, Timeout: 30 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	// grants sends a preflight asking for method and the headers hs, and
	// reports whether Chromium's preflight check passes on the answer.
	grants := func(method string, hs []cors.Header) bool {
		v := req
		v.Method, v.Headers, v.Body = method, hs, cors.BodyNone
		var f cors.Fetch
		f.Start(&v)
		pre := f.PreflightHeaders()
		if !f.NeedsPreflight() {
			// A safelisted method without unsafe headers: ask for it
			// anyway, as a control.
			pre = []cors.Header{{Name: "Access-Control-Request-Method", Value: cors.NormalizeMethod(method)}}
		}
		r, err := http.NewRequestWithContext(context.Background(), http.MethodOptions, req.URL, nil)
		if err != nil {
			return false
		}
		r.Header.Set("Origin", req.Origin)
		r.Header.Set("Accept", "*/*")
		r.Header.Set("Sec-Fetch-Mode", "cors")
		r.Header.Set("User-Agent", probe.UserAgent)
		for _, h := range pre {
			r.Header.Set(h.Name, h.Value)
		}
		resp, err := client.Do(r)
		if err != nil {
			return false
		}
		resp.Body.Close()
		if !f.NeedsPreflight() {
			// The control: the CORS check of the answer (Fetch § CORS
			// check), as the engine applies it to preflights.
			acao := resp.Header.Values("Access-Control-Allow-Origin")
			cred := req.Credentials == cors.CredentialsInclude
			return resp.StatusCode >= 200 && resp.StatusCode <= 299 && len(acao) == 1 &&
				(acao[0] == req.Origin || acao[0] == "*" && !cred) &&
				(!cred || resp.Header.Get("Access-Control-Allow-Credentials") == "true")
		}
		f.ReceivePreflight(&cors.Response{URL: req.URL, Status: resp.StatusCode, Header: resp.Header})
		return !f.Done() || f.Result().Stage != cors.StagePreflight
	}
	var rejected []string
	carrier := ""
	if m := cors.NormalizeMethod(req.Method); cors.IsSafelistedMethod(m) || grants(req.Method, nil) {
		carrier = req.Method
	}
	if carrier == "" || len(cors.PlanRequest(&req).UnsafeHeaders()) > 0 && cors.IsSafelistedMethod(cors.NormalizeMethod(carrier)) {
		// A control: is the origin granted on this route at all? Ask
		// for the upper-case method (methods are case-sensitive) and
		// the safelisted ones.
		control := ""
		for _, m := range []string{strings.ToUpper(req.Method), carrier, http.MethodGet, http.MethodPost, http.MethodHead} {
			if m != "" && (m != req.Method || carrier != "") && grants(m, nil) {
				control = m
				break
			}
		}
		if control == "" {
			return nil
		}
		if carrier == "" {
			if control == strings.ToUpper(req.Method) {
				rejected = append(rejected, "method "+req.Method+" ("+control+" is allowed: methods are case-sensitive)")
			} else {
				rejected = append(rejected, "method "+req.Method)
			}
			carrier = control
		}
	}
	for _, name := range cors.PlanRequest(&req).UnsafeHeaders() {
		var hs []cors.Header
		for _, h := range req.Headers {
			if strings.EqualFold(h.Name, name) {
				hs = append(hs, h)
			}
		}
		if !grants(carrier, hs) {
			rejected = append(rejected, "header "+name)
		}
	}
	return rejected
}
