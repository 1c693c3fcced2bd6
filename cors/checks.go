package cors

import (
	"net/http"
	"strconv"
)

// CheckState is the outcome of one check.
type CheckState string

// Check states. A check is skipped when the browser never reached it
// (it stopped earlier, or the response it reads was not given) or when it
// does not apply (a same-origin or no-cors response is not checked).
const (
	CheckPass CheckState = "pass"
	CheckFail CheckState = "fail"
	CheckSkip CheckState = "skip"
)

// Check names: the response header a check reads, or one of these.
const (
	// CheckRequest is what fetch()/XMLHttpRequest verify before sending
	// (method, URL, headers, mode, mixed content, local network access).
	CheckRequest = "request"
	// CheckRedirect is a redirect: not allowed for a preflight; for the
	// request, the new URL's scheme, credentials, the redirect limit and
	// mixed content.
	CheckRedirect = "redirect"
	// CheckResponse is a response that never came (a network error).
	CheckResponse = "response"
	// CheckStatus is the preflight's ok status (200-299).
	CheckStatus           = "status"
	CheckAllowOrigin      = HeaderAllowOrigin
	CheckAllowCredentials = HeaderAllowCredentials
	CheckAllowMethods     = HeaderAllowMethods
	CheckAllowHeaders     = HeaderAllowHeaders
	// CheckAllowPrivateNetwork is the Local Network Access preflight
	// header (EvaluatePrivateNetwork only).
	CheckAllowPrivateNetwork = HeaderAllowPrivateNetwork
)

// Check is one step of the engine's CORS algorithm as it ran on the
// responses: which check, on which response, what the browser read and
// what it concluded.
type Check struct {
	// Name is the response header the check reads, or CheckRequest,
	// CheckRedirect, CheckStatus.
	Name string `json:"name"`
	// Stage is the response checked: StagePreflight, StageActual,
	// StageRedirect (a redirect response to the request), or
	// StageRequest (before anything is sent).
	Stage Stage `json:"stage"`
	// Hop counts the redirects followed before this check (0: the URL the
	// page asked for); URL is the URL of the request checked.
	Hop int    `json:"hop"`
	URL string `json:"url"`
	// Header is the response header read ("" for the status, a redirect
	// or the request); Value is its value as the browser saw it (lines
	// joined with ", "), Present whether the response carried it.
	Header  string     `json:"header,omitempty"`
	Value   string     `json:"value,omitempty"`
	Present bool       `json:"present,omitempty"`
	State   CheckState `json:"state"`
	// Error is the Result's Error on the failed check (empty for a
	// failure that is not a CORS error: a network error, a TypeError).
	Error ErrorName `json:"error,omitempty"`
	// Reason says why, in the engine's words for a failure (the console
	// text after its common prefix).
	Reason string `json:"reason"`
}

// Checks narrates the verdict: every check the engine made, in the order
// of the engine that produced the Result (see docs/engines.md,
// preflight-check-order), per response and per redirect hop, then the
// checks it never reached, skipped. The failed check, when there is one,
// is the first check whose State is CheckFail, and its Error is the
// Result's.
//
// Checks replays the evaluation on the request and responses Evaluate,
// Fetch or EvaluatePrivateNetwork were given (the Result keeps
// references to them; nothing is recorded while evaluating, so the
// verdict costs nothing more). It returns nil for a Result those did not
// produce, or when the request or responses changed since, or the Result
// was edited, so that the replay no longer reaches the same verdict.
func (r *Result) Checks() []Check {
	if r.req == nil {
		return nil
	}
	n := newNarrator()
	var f Fetch
	var res Result
	if r.lna {
		res = evaluatePrivateNetwork(&f, r.req, r.lnaFrom, r.TargetAddressSpace, r.hop0.Preflight, n)
	} else {
		hops := r.hops
		if hops == nil {
			hops = []Hop{r.hop0}
		}
		res = evaluate(&f, r.req, hops, n)
	}
	// A network error (the prober's verdict, Result.NetError) is a
	// response that never came: the replay stops there, short of it.
	netFail := r.NetError != "" && !r.Allowed && r.Incomplete == "" && r.Stage != StageNone &&
		res.Incomplete != "" && n.missing >= 0
	if !netFail && (res.Allowed != r.Allowed || res.Stage != r.Stage || res.Error != r.Error || (res.Incomplete == "") != (r.Incomplete == "")) {
		return nil
	}
	if netFail {
		n.noResponse(r.Stage)
		res = *r
	}
	if res.Stage == StagePreflight && f.req != nil {
		n.begin(StageActual, f.redirects, f.url, f.actualNames()...)
		n.stop("not sent: the preflight failed")
	}
	reason := res.failReason()
	for i := range n.checks {
		if n.checks[i].State == CheckFail {
			n.checks[i].Error, n.checks[i].Reason = res.Error, reason
			break
		}
	}
	return n.checks
}

// failReason is the failed check's reason: the engine's console text
// without its common prefix (Chromium), the whole line (Firefox, WebKit),
// or the plain cause.
func (r *Result) failReason() string {
	var msg string
	switch {
	case r.Engine == Chromium && r.Error != "" && r.Script == "":
		msg = detail(r.Error, EncodeHint(r.FailedParameter), r.Initiator)
		if msg == "" {
			msg = localNetworkDetail(r)
		}
	default:
		msg = r.ConsoleMessage()
	}
	if msg == "" {
		msg = Explain(r.Error).Cause
	}
	if msg == "" {
		msg = "the browser stopped here"
	}
	return msg
}

// narrator records the checks while a replay walks the responses (see
// Checks); a Fetch without one records nothing.
type narrator struct {
	checks []Check
	open   int // first check of the current stage
	stage  Stage
	hop    int
	url    string
	// joinStage makes the next begin continue the current stage
	// (EvaluatePrivateNetwork's preflight is also the CORS preflight).
	joinStage bool
	// missing is the first check skipped for a response not given (-1:
	// none; the zero narrator is set up by newNarrator).
	missing int
}

func newNarrator() *narrator { return &narrator{missing: -1} }

// absent skips the current stage's undecided checks: their response was
// not given.
func (n *narrator) absent(reason string) {
	if n.missing < 0 {
		n.missing = n.open
	}
	n.stop(reason)
}

// noResponse rewrites the narration from the first missing response on:
// the response of stage never came (a network error), so its checks are
// not evaluated, and nothing after it happened.
func (n *narrator) noResponse(stage Stage) {
	rest := append([]Check(nil), n.checks[n.missing:]...)
	var first Check
	for _, c := range rest {
		if c.Stage == stage {
			first = c
			break
		}
	}
	n.checks = n.checks[:n.missing]
	n.open = len(n.checks)
	n.stage, n.hop, n.url = stage, first.Hop, first.URL
	n.checks = append(n.checks, Check{Name: CheckResponse, Stage: stage, Hop: first.Hop, URL: first.URL, State: CheckFail})
	for _, c := range rest {
		if c.Stage == stage && c.Hop == first.Hop {
			c.State, c.Reason = CheckSkip, "not evaluated: no response"
			n.checks = append(n.checks, c)
		}
	}
}

// begin opens a stage, listing its checks in the engine's order, all
// undecided.
func (n *narrator) begin(stage Stage, hop int, url string, names ...string) {
	if n.joinStage {
		n.joinStage = false
		return
	}
	n.open, n.stage, n.hop, n.url = len(n.checks), stage, hop, url
	for _, name := range names {
		n.checks = append(n.checks, Check{Name: name, Stage: stage, Hop: hop, URL: url, Header: headerOf(name)})
	}
}

// set decides a check of the current stage (appending it when begin did
// not list it) and returns it for the caller to add what it read.
func (n *narrator) set(name string, st CheckState, reason string) *Check {
	for i := n.open; i < len(n.checks); i++ {
		if n.checks[i].Name == name {
			n.checks[i].State, n.checks[i].Reason = st, reason
			return &n.checks[i]
		}
	}
	n.checks = append(n.checks, Check{Name: name, Stage: n.stage, Hop: n.hop, URL: n.url, Header: headerOf(name), State: st, Reason: reason})
	return &n.checks[len(n.checks)-1]
}

// seen sets what the check read from the response headers.
func (c *Check) seen(v string, ok bool) *Check {
	c.Value, c.Present = v, ok
	return c
}

// failed fails name unless a check of the current stage failed already,
// then skips the stage's undecided checks.
func (n *narrator) failed(name string) {
	at := ""
	for i := n.open; i < len(n.checks); i++ {
		if n.checks[i].State == CheckFail {
			at = n.checks[i].Name
			break
		}
	}
	if at == "" {
		n.set(name, CheckFail, "")
		at = name
	}
	n.stop("not evaluated: the browser stopped at " + at)
}

// stop skips the current stage's undecided checks.
func (n *narrator) stop(reason string) {
	for i := n.open; i < len(n.checks); i++ {
		if n.checks[i].State == "" {
			n.checks[i].State, n.checks[i].Reason = CheckSkip, reason
		}
	}
}

func headerOf(name string) string {
	switch name {
	case CheckRequest, CheckStatus, CheckResponse:
		return ""
	case CheckRedirect:
		return HeaderLocation
	}
	return name
}

// preflightNames are the preflight checks of the current hop in the
// engine's order (ReceivePreflight).
func (f *Fetch) preflightNames() []string {
	names := make([]string, 0, 7)
	if f.eng == WebKit {
		names = append(names, CheckStatus, CheckAllowOrigin)
	} else {
		names = append(names, CheckRedirect, CheckAllowOrigin)
	}
	if f.includeCredentials() {
		names = append(names, CheckAllowCredentials)
	}
	if f.eng != WebKit {
		names = append(names, CheckStatus)
	}
	names = append(names, CheckAllowMethods)
	if f.plan.RequestHeaders != "" {
		names = append(names, CheckAllowHeaders)
	}
	return names
}

// actualNames are the access checks of a response to the request.
func (f *Fetch) actualNames() []string {
	if f.corsFlag && !f.res.Opaque && f.includeCredentials() {
		return []string{CheckAllowOrigin, CheckAllowCredentials}
	}
	return []string{CheckAllowOrigin}
}

// narrateAccess records the access check (checkAccess) that gave e.
func (f *Fetch) narrateAccess(h http.Header, e ErrorName) {
	n := f.narr
	acao, ok := get(h, HeaderAllowOrigin)
	switch e {
	case "", InvalidAllowCredentials:
		reason := "'" + acao + "' matches the origin"
		if acao == "*" {
			reason = "'*' allows any origin without credentials"
		}
		n.set(CheckAllowOrigin, CheckPass, reason).seen(acao, ok)
	default:
		n.set(CheckAllowOrigin, CheckFail, "").seen(acao, ok)
		return
	}
	if !f.includeCredentials() {
		return
	}
	acac, ok := get(h, HeaderAllowCredentials)
	if e == InvalidAllowCredentials {
		n.set(CheckAllowCredentials, CheckFail, "").seen(acac, ok)
		return
	}
	n.set(CheckAllowCredentials, CheckPass, "'"+acac+"'").seen(acac, ok)
}

// narratePreflightStatus records the ok-status check.
func (f *Fetch) narratePreflightStatus(status int, ok bool) {
	if ok {
		f.narr.set(CheckStatus, CheckPass, strconv.Itoa(status)+" is an ok status (200-299)").seen(strconv.Itoa(status), true)
		return
	}
	f.narr.set(CheckStatus, CheckFail, "").seen(strconv.Itoa(status), true)
}

// narrateMethod records the method check.
func (f *Fetch) narrateMethod(h http.Header, ok bool) {
	m := f.plan.Method
	reason := m + " is allowed"
	switch {
	case !ok:
		reason = ""
	case IsSafelistedMethod(m):
		reason = m + " is safelisted: no listing needed"
	}
	st := CheckPass
	if !ok {
		st = CheckFail
	}
	f.narr.set(CheckAllowMethods, st, reason).seen(get(h, HeaderAllowMethods))
}
