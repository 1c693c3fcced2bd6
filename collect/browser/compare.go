package browser

import (
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/corsdoctor/corsdoctor/cors"
)

// Disagreement is one point where package cors and the browser differ on
// the same responses. Every disagreement is a bug in corsdoctor.
type Disagreement struct {
	// Field is "allowed", "cors_error", "failed_parameter", "console",
	// "preflight", "request_headers", "origin_header" or "readable".
	Field string `json:"field"`
	// Chromium is what the browser did; the name is kept from the time
	// only Chromium was driven (Browser names which one it was).
	Chromium string `json:"chromium"`
	Engine   string `json:"engine"`
	// Browser is the engine of the browser, when not Chromium.
	Browser cors.Engine `json:"browser,omitempty"`
}

func (d Disagreement) String() string {
	return fmt.Sprintf("%s: %s %q, engine %q", d.Field, d.Browser, d.Chromium, d.Engine)
}

// Compare runs package cors, as the engine of the browser that made the
// observation, over the responses the browser received and lists every
// disagreement with what the browser did.
func Compare(obs *Observation) (cors.Result, []Disagreement) {
	if obs.Engine != cors.Chromium {
		return compareEngine(obs)
	}
	req := obs.Request.CorsRequest()
	res := cors.Evaluate(req, obs.CorsHops()...)
	var ds []Disagreement
	add := func(field, chromium, engine string) {
		if chromium != engine {
			ds = append(ds, Disagreement{Field: field, Chromium: chromium, Engine: engine})
		}
	}
	engineAllowed := strconv.FormatBool(res.Allowed)
	if res.Incomplete != "" {
		engineAllowed = "incomplete: needs the " + res.Incomplete
		// A request that failed at the network level (DevTools gives no
		// response for it, e.g. the 21st redirect of
		// net::ERR_TOO_MANY_REDIRECTS) leaves the engine nothing to judge:
		// not a disagreement.
		if n := len(obs.Hops); n > 0 && !obs.Allowed && obs.CorsError == "" && obs.Hops[n-1].Actual != nil &&
			obs.Hops[n-1].Actual.Status == 0 && obs.Hops[n-1].Actual.Error != "" {
			engineAllowed = "false"
		}
	}
	add("allowed", strconv.FormatBool(obs.Allowed), engineAllowed)
	// The CorsError is compared when the network service reported one,
	// or when the engine names one for a request the browser sent.
	// Divergence kept on purpose: with several request headers missing
	// from Access-Control-Allow-Headers, Chromium names the first in the
	// order of Blink's HTTPHeaderMap (a hash table), which the engine does
	// not reproduce; any of the missing headers is accepted.
	hashOrder := obs.CorsError == string(cors.HeaderDisallowedByPreflightResponse) && res.Error == cors.HeaderDisallowedByPreflightResponse &&
		obs.FailedParameter != res.FailedParameter && contains(missingHeaders(obs), obs.FailedParameter)
	if obs.CorsError != "" || (res.Error != "" && res.Stage != cors.StageRequest) {
		add("cors_error", obs.CorsError, string(res.Error))
		if obs.CorsError == string(res.Error) && !hashOrder {
			add("failed_parameter", obs.FailedParameter, res.FailedParameter)
		}
	}
	// A mixed-content line names the page URL, which the engine does not
	// know (it writes the origin and "/"): that part is not compared.
	if (obs.Console != "" || (!res.Allowed && res.Error != "")) && !hashOrder {
		add("console", pageURLRe.ReplaceAllString(obs.Console, pageURLAny), pageURLRe.ReplaceAllString(res.ConsoleMessage(), pageURLAny))
	}
	// Preflight: whether the first hop had one, and what it asked for.
	plan := res.Plan
	var pf *Exchange
	if len(obs.Hops) > 0 {
		pf = obs.Hops[0].Preflight
	}
	if len(obs.Hops) > 0 && res.Stage != cors.StageRequest && !res.Opaque {
		add("preflight", strconv.FormatBool(pf != nil), strconv.FormatBool(plan.Required))
	}
	for _, w := range res.Warnings {
		if w.Code == cors.WarnPreflightNotSent || w.Code == cors.WarnPreflightMissing {
			add("preflight", "see hops", string(w.Code))
		}
	}
	if pf != nil && plan.Required {
		acrm, _ := pf.RequestHeader(cors.HeaderRequestMethod)
		add("request_headers", "Access-Control-Request-Method: "+acrm, "Access-Control-Request-Method: "+plan.Method)
		acrh, _ := pf.RequestHeader(cors.HeaderRequestHeaders)
		add("request_headers", "Access-Control-Request-Headers: "+acrh, "Access-Control-Request-Headers: "+plan.RequestHeaders)
	}
	// The Origin header of the last request sent tells whether a redirect
	// tainted the origin.
	if n := len(obs.Hops); n > 1 && res.CrossOrigin && obs.Request.Origin != cors.Null {
		last := obs.Hops[n-1]
		var sent *Exchange
		switch {
		case last.Actual != nil && len(last.Actual.RequestHeaders) > 0:
			sent = last.Actual
		case last.Preflight != nil && len(last.Preflight.RequestHeaders) > 0:
			sent = last.Preflight
		}
		if sent != nil {
			compareOrigin(sent, obs, &res, add)
		}
	}
	compareReadable(obs, &res, add)
	return res, ds
}

// compareOrigin compares the Origin a request went with to the one the
// engine expects: the page's, or "null" after a tainting redirect.
func compareOrigin(sent *Exchange, obs *Observation, res *cors.Result, add func(field, browser, engine string)) {
	if o, ok := sent.RequestHeader("Origin"); ok {
		want := obs.Request.Origin
		if res.Tainted {
			want = cors.Null
		}
		add("origin_header", o, want)
	}
}

// compareReadable compares the response headers the page read with
// those the engine says it can read.
func compareReadable(obs *Observation, res *cors.Result, add func(field, browser, engine string)) {
	if !obs.Allowed || !res.Allowed || res.Opaque {
		return
	}
	fin := obs.FinalResponse()
	if fin == nil {
		return
	}
	got := make([]string, 0, len(obs.Readable))
	for _, h := range obs.Readable {
		got = append(got, strings.ToLower(h.Name))
	}
	var want []string
	for name, ok := range cors.ReadableHeaders(res, fin.Header, nil) {
		if ok {
			want = append(want, name)
		}
	}
	add("readable", joinSet(got), joinSet(want))
}

var pageURLRe = regexp.MustCompile(`^Mixed Content: The page at '[^']*'`)

const pageURLAny = "Mixed Content: The page at '<page>'"

// missingHeaders lists the request headers the last preflight's
// Access-Control-Allow-Headers does not name.
func missingHeaders(obs *Observation) []string {
	var pf *Exchange
	for _, h := range obs.Hops {
		if h.Preflight != nil && h.Preflight.Status != 0 {
			pf = h.Preflight
		}
	}
	if pf == nil {
		return nil
	}
	acrh, _ := pf.RequestHeader(cors.HeaderRequestHeaders)
	allowed, _, _ := cors.ParseList(strings.Join(pf.Header.Values(cors.HeaderAllowHeaders), ","))
	var out []string
	for _, name := range strings.Split(acrh, ",") {
		if name != "" && !containsFold(allowed, name) {
			out = append(out, name)
		}
	}
	return out
}

func contains(xs []string, x string) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}

func containsFold(xs []string, x string) bool {
	for _, y := range xs {
		if strings.EqualFold(y, x) {
			return true
		}
	}
	return false
}

func joinSet(xs []string) string {
	sort.Strings(xs)
	out := xs[:0]
	for i, x := range xs {
		if i > 0 && x == xs[i-1] {
			continue
		}
		out = append(out, x)
	}
	return strings.Join(out, ",")
}

// compareEngine is Compare for Firefox and WebKit: no CorsError exists;
// the verdict, the preflight and its Access-Control-Request-* values, the
// Origin of the last request, the console lines (when the driver could
// read them) and the readable headers are compared.
func compareEngine(obs *Observation) (cors.Result, []Disagreement) {
	req := obs.Request.CorsRequest()
	req.Engine = obs.Engine
	res := cors.Evaluate(req, obs.CorsHops()...)
	var ds []Disagreement
	add := func(field, browser, engine string) {
		if browser != engine {
			ds = append(ds, Disagreement{Field: field, Chromium: browser, Engine: engine, Browser: obs.Engine})
		}
	}
	engineAllowed := strconv.FormatBool(res.Allowed)
	if res.Incomplete != "" {
		engineAllowed = "incomplete: needs the " + res.Incomplete
		if n := len(obs.Hops); n > 0 && !obs.Allowed && obs.Hops[n-1].Actual != nil && obs.Hops[n-1].Actual.Status == 0 && obs.Hops[n-1].Actual.Error != "" {
			engineAllowed = "false" // a network failure leaves nothing to judge
		}
	}
	add("allowed", strconv.FormatBool(obs.Allowed), engineAllowed)
	if obs.ConsoleRead {
		var got []string
		for _, c := range obs.ConsoleAll {
			if c.Level == "error" || c.Level == "warn" || c.Level == "warning" {
				got = append(got, maskPage(c.Text))
			}
		}
		var want []string
		for _, l := range res.ConsoleLines() {
			want = append(want, maskPage(l))
		}
		add("console", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	plan := res.Plan
	var pf *Exchange
	if len(obs.Hops) > 0 {
		pf = obs.Hops[0].Preflight
	}
	if len(obs.Hops) > 0 && res.Stage != cors.StageRequest && !res.Opaque {
		add("preflight", strconv.FormatBool(pf != nil), strconv.FormatBool(plan.Required))
	}
	if pf != nil && plan.Required {
		acrm, _ := pf.RequestHeader(cors.HeaderRequestMethod)
		add("request_headers", "Access-Control-Request-Method: "+acrm, "Access-Control-Request-Method: "+plan.Method)
		acrh, _ := pf.RequestHeader(cors.HeaderRequestHeaders)
		add("request_headers", "Access-Control-Request-Headers: "+acrh, "Access-Control-Request-Headers: "+plan.RequestHeaders)
	}
	// The Origin of the last actual request tells whether a redirect
	// tainted the origin.
	if n := len(obs.Hops); n > 1 && res.CrossOrigin && obs.Request.Origin != cors.Null {
		if last := obs.Hops[n-1].Actual; last != nil && len(last.RequestHeaders) > 0 {
			compareOrigin(last, obs, &res, add)
		}
	}
	compareReadable(obs, &res, add)
	return res, ds
}

// pageRe matches the page URL Firefox's and WebKit's lines name, which
// the engine does not know (it writes the origin and "/").
var pageRe = regexp.MustCompile(`^(\[blocked\] The page at |Security Error: Content at )\S+`)

func maskPage(s string) string { return pageRe.ReplaceAllString(s, "${1}<page>") }

// BugReport is the text printed with a disagreement: what happened and
// what to attach to a corsdoctor bug report.
func BugReport(obs *Observation, ds []Disagreement) string {
	var b strings.Builder
	name, version := "Chromium", "chromium --version"
	switch obs.Engine {
	case cors.Firefox:
		name, version = "Firefox", "firefox-esr --version"
	case cors.WebKit:
		name, version = "WebKitGTK", "WebKitWebDriver --version"
	}
	fmt.Fprintf(&b, "corsdoctor bug: package cors disagrees with %s on the responses %s received\n", name, name)
	for _, d := range ds {
		fmt.Fprintf(&b, "  %s\n", d)
	}
	b.WriteString("please open an issue at https://github.com/corsdoctor/corsdoctor/issues and attach:\n")
	b.WriteString("  - this output, and the output of the same command with --json (it holds every request and response header as received)\n")
	if obs.Browser != "" {
		fmt.Fprintf(&b, "  - the browser version: %s\n", obs.Browser)
	} else {
		fmt.Fprintf(&b, "  - the output of `%s`\n", version)
	}
	b.WriteString("  - the corsdoctor version (`corsdoctor --version`)\n")
	return b.String()
}
