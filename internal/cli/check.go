package cli

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"sort"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/corsdoctor/corsdoctor/collect/probe"
	"github.com/corsdoctor/corsdoctor/cors"
	"github.com/corsdoctor/corsdoctor/diag"
	"github.com/corsdoctor/corsdoctor/evidence"
	"github.com/corsdoctor/corsdoctor/internal/redact"
	"github.com/corsdoctor/corsdoctor/report"
	"github.com/corsdoctor/corsdoctor/rules"
)

// CheckOptions are check's parsed flags.
type CheckOptions struct {
	App         *App
	URL         string
	Origins     []string
	Request     RequestFlags
	Repeat      int
	Timeout     time.Duration
	Insecure    bool
	ForceActual bool
	// Browser also runs the request in real headless Chromium.
	Browser bool
	// Engine is --browser-engine.
	Engine EngineFlag
	// browserRun replaces the Chromium run (tests).
	browserRun browserRun
	// Transport replaces the network transport (tests).
	Transport http.RoundTripper
	HTML      HTMLFlag
	// pasted is the --curl/--fetch request, read by spec.
	pasted *pasted
}

// NewCmdCheck builds `corsdoctor check`.
func NewCmdCheck(app *App, runF func(*CheckOptions) error) *cobra.Command {
	opts := &CheckOptions{App: app}
	cmd := &cobra.Command{
		Use:   "check URL --origin ORIGIN [--origin ORIGIN ...] [flags]",
		Short: "Probe a live API the way a browser does, name the cause of a CORS failure and the fix",
		Long: `check sends what Chromium sends for a page at --origin calling URL: the OPTIONS
preflight when one is needed (with Access-Control-Request-Method/-Headers, browser-like
Accept, User-Agent and Sec-Fetch-* headers, never cookies or Authorization), then the
actual request with your headers and body, following redirects as fetch() does. It
evaluates every response with corsdoctor's Chromium-faithful engine and prints the
verdict, the exact console message, the cause, the evidence (the offending header
marked), the fix for the detected platform, and a curl command for each request.

To diagnose, it also sends: the same request to a sibling path that does not exist
(error responses need CORS headers too), the request without its Authorization or API
key, and --repeat copies (intermittent answers, caches). Give --origin several times to
compare environments ("works in dev, fails in prod").

Exit codes: 0 every origin allowed, 1 any origin blocked (or blocked on a repeat),
2 usage or network error (the other origins still get their result).`,
		Example: `  corsdoctor check https://api.example.com/items --origin https://app.example.com

  corsdoctor check https://api.example.com/items --origin http://localhost:3000 \
    --origin https://app.example.com -X PUT -H 'Content-Type: application/json' \
    -H 'Authorization: Bearer TOKEN' --data '{"name":"x"}'

  corsdoctor check https://api.example.com/me --origin https://app.example.com \
    --credentials -H 'Cookie: session=abc' --expose X-Request-Id --json

  # the request as DevTools copies it (Copy as cURL / PowerShell / fetch)
  pbpaste | corsdoctor check --curl -`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) == 0 && (opts.Request.Curl != "" || opts.Request.Fetch != "") {
				return nil // the URL comes from the paste
			}
			if len(args) != 1 {
				return WithHint(Usagef("check takes exactly one URL, got %d", len(args)), "corsdoctor check https://api.example.com/items --origin https://app.example.com")
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) > 0 {
				opts.URL = args[0]
			}
			if runF != nil {
				return runF(opts)
			}
			return runCheck(cmd.Context(), opts)
		},
	}
	fs := cmd.Flags()
	fs.StringArrayVar(&opts.Origins, "origin", nil, "the page's origin, e.g. https://app.example.com (required; repeat to compare environments)")
	fs.IntVar(&opts.Repeat, "repeat", 3, "send the request this many more times to detect intermittent answers and caches (0 disables)")
	fs.DurationVar(&opts.Timeout, "timeout", probe.DefaultTimeout, "timeout of each request: connect, TLS handshake and response")
	fs.BoolVar(&opts.Insecure, "insecure", false, "do not verify TLS certificates (self-signed test servers); browsers never do this")
	fs.BoolVar(&opts.ForceActual, "force-actual", false, "also send the actual request after a failed preflight, to show what the server would answer")
	fs.BoolVar(&opts.Browser, "browser", false, "also run the request in real headless Chromium and show both verdicts side by side")
	opts.Request.Register(fs)
	opts.HTML.Register(fs)
	opts.Engine.Register(fs)
	return cmd
}

// checkSpec is one check to run; demo and tests build it directly.
type checkSpec struct {
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

// checkOutcome is what a check observed and concluded.
type checkOutcome struct {
	Exchanges []*evidence.Exchange
	Findings  []diag.Finding
	Doc       report.Document
	Curl      map[int][]string
	Notes     map[int][]string
	// Total and Network are summed over origins (see probe.Result).
	Total, Network time.Duration
}

// performCheck probes every origin and diagnoses the exchanges.
func performCheck(ctx context.Context, spec checkSpec) *checkOutcome {
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
	out := &checkOutcome{Curl: map[int][]string{}, Notes: map[int][]string{}}
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
func probeEngines(ctx context.Context, spec checkSpec, ex *evidence.Exchange, req cors.Request) {
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

func runCheck(ctx context.Context, opts *CheckOptions) error {
	app := opts.App
	spec, err := opts.spec()
	if err != nil {
		return err
	}
	spec.Now = app.Now
	for _, w := range spec.Warnings {
		fmt.Fprintf(app.IO.ErrOut, "corsdoctor: warning: %s\n", w)
	}
	out := performCheck(ctx, spec)
	if opts.pasted != nil {
		for i := range out.Exchanges {
			out.Notes[i] = append(append([]string{}, opts.pasted.Notes...), out.Notes[i]...)
		}
	}
	var browserLines []string
	if opts.Browser {
		if ctx == nil {
			ctx = context.Background()
		}
		run := opts.browserRun
		if run == nil {
			r, closeBrowser, err := startBrowserRun(ctx, app, spec.Origins)
			if err != nil {
				return err
			}
			defer closeBrowser()
			run = r
		}
		if browserLines, err = checkInBrowser(ctx, spec, out, run, app.IO.ErrOut); err != nil {
			return Usagef("--browser: %v", err)
		}
	}
	if opts.Request.JSON {
		err = report.JSON(app.IO.Out, out.Doc)
	} else {
		if len(out.Doc.Results) > 1 {
			if err = report.OriginTable(app.IO.Out, out.Doc); err == nil {
				_, err = fmt.Fprintln(app.IO.Out)
			}
		}
		if err == nil {
			err = report.Text(app.IO.Out, out.Doc, report.TextOptions{Curl: out.Curl, Notes: out.Notes})
		}
		if err == nil && opts.Browser {
			err = writeBrowserSideBySide(app.IO.Out, browserLines, out.Doc)
		}
	}
	if err != nil {
		return err
	}
	if err := opts.HTML.WriteDocument(app, out.Doc, report.HTMLOptions{Title: "corsdoctor check"}); err != nil {
		return err
	}
	return checkExit(out.Exchanges, spec.ShowEngines)
}

// checkExit maps a check's exchanges to the command's error: a network
// error (exit 2) wins over a blocked origin (exit 1); with anyEngine
// (--browser-engine all) an origin blocked in any browser counts.
func checkExit(exs []*evidence.Exchange, anyEngine bool) error {
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
		return ErrFindings
	}
	return nil
}

// spec validates the flags and builds the check.
func (opts *CheckOptions) spec() (checkSpec, error) {
	if err := opts.applyPaste(); err != nil {
		return checkSpec{}, err
	}
	u, err := ParseURL("URL", opts.URL)
	if err != nil {
		return checkSpec{}, err
	}
	if len(opts.Origins) == 0 {
		if opts.pasted != nil {
			return checkSpec{}, WithHint(Usagef("--origin: missing page origin"), missingOriginHint)
		}
		return checkSpec{}, WithHint(Usagef("--origin: missing page origin"), "corsdoctor check "+opts.URL+" --origin https://your-app.example.com")
	}
	var origins []string
	seen := map[string]bool{}
	for _, o := range opts.Origins {
		po, err := ParseOriginFlag(o)
		if err != nil {
			return checkSpec{}, err
		}
		if !seen[po] {
			seen[po] = true
			origins = append(origins, po)
		}
	}
	if opts.Repeat < 0 || opts.Repeat > 100 {
		return checkSpec{}, Usagef("--repeat: %d out of range (0 to 100)", opts.Repeat)
	}
	if opts.Timeout <= 0 {
		return checkSpec{}, Usagef("--timeout: must be positive, got %s", opts.Timeout)
	}
	req, body, err := opts.Request.Build(u, origins[0])
	if err != nil {
		return checkSpec{}, err
	}
	engines, err := opts.Engine.parse(cors.Chromium)
	if err != nil {
		return checkSpec{}, err
	}
	req.Engine = engines.Primary
	// With --credentials, a Cookie given with -H is the browser's cookie
	// jar: send it as the credential. Without, it is a header the page's
	// script sets, which Chromium drops silently (a forbidden header name)
	// and sends the request anyway: do the same (the engine drops it and
	// CD1016 reports it), with a warning.
	var cookie []string
	var warnings []string
	if req.Credentials == cors.CredentialsInclude {
		kept := req.Headers[:0:0]
		for _, h := range req.Headers {
			if strings.EqualFold(h.Name, "Cookie") {
				cookie = append(cookie, h.Value)
				continue
			}
			kept = append(kept, h)
		}
		req.Headers = kept
	} else {
		for _, h := range req.Headers {
			if strings.EqualFold(h.Name, "Cookie") {
				warnings = append(warnings, "-H 'Cookie: ...' without --credentials: a page cannot set Cookie (forbidden header), so the browser drops it and sends the request without cookies; add --credentials to send the cookie as the browser's own (credentials: 'include')")
				break
			}
		}
	}
	return checkSpec{
		URL: u, Origins: origins, Request: req, Body: body, Cookie: strings.Join(cookie, "; "),
		Expose: opts.Request.Expose, Platform: opts.Request.Platform, Repeat: opts.Repeat,
		Timeout: opts.Timeout, Insecure: opts.Insecure, ForceActual: opts.ForceActual,
		ShowSecrets: opts.Request.ShowSecrets, Transport: opts.Transport, Warnings: warnings,
		Engines: engines.Others, ShowEngines: engines.Show,
	}, nil
}
