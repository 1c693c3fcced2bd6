// Package fix rewrites infrastructure code so that the findings of
// `corsdoctor lint` go away, and proves each rewrite before anything is
// written: `corsdoctor fix`.
//
// A run lints the paths, then takes the findings one at a time. For each
// finding whose rule has a mechanical fix in the file's format
// (CloudFormation/SAM YAML and JSON with inline OpenAPI bodies, OpenAPI
// exports, Serverless Framework, Terraform; CDK output gets
// construct-level advice instead, since it is generated), the format's
// fixer edits the files in memory (package yamledit for YAML/JSON,
// hclwrite for Terraform). The engine then proves the edit:
//
//  1. the rewritten files are linted again (parsed by the same collectors,
//     so a file that no longer parses is refused) and the finding must be
//     gone;
//  2. every route of the API is simulated (package apimodel) for every
//     --origin and the method and headers its clients send, and run
//     through the browser engine (package cors), before and after: a fix
//     is refused when any route gets worse, or when a route it targets
//     does not pass (the whole request ALLOWED, or past the preflight for
//     fixes of the preflight).
//
// Accepted edits become the input of the next finding, so fixes compose;
// refused ones are reported with the reason, and fixes that need a value
// the user did not give (an origin) name the flag. Nothing touches the
// disk here: the caller writes Result.Files.
package fix

import (
	"errors"
	"fmt"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"

	"github.com/corsdoctor/corsdoctor/apimodel"
	"github.com/corsdoctor/corsdoctor/collect/iac/openapi"
	"github.com/corsdoctor/corsdoctor/collect/iac/sls"
	"github.com/corsdoctor/corsdoctor/cors"
	"github.com/corsdoctor/corsdoctor/diag"
	"github.com/corsdoctor/corsdoctor/evidence"
	"github.com/corsdoctor/corsdoctor/fix/fixer"
	"github.com/corsdoctor/corsdoctor/rules"
)

// Linted is one lint of the run's paths.
type Linted struct {
	APIs     []*apimodel.API
	Findings []diag.Finding
	// Errors are files that could not be read or parsed.
	Errors []string
	// Files lists the files read (new Terraform resources go next to
	// their API).
	Files []string
	// Ran lists the IDs of the rules that ran (--rules, the config
	// file); nil when every rule ran. Findings the run adds itself
	// (CD2050 for --header and credentialed requests) follow it, and the
	// Suppressions (inline and config) hide them as they hide lint's.
	Ran          []string
	Suppressions []*diag.Suppression
}

// Options configure a run.
type Options struct {
	// Origins are the page origins (--origin, normalized): the values
	// fixes allow and the proof simulates.
	Origins []string
	// Headers are request header names the API's clients send (--header).
	Headers []string
	// Paths are the files and directories of the run.
	Paths []string
	// Lint lints paths reading every file through read. The CLI passes
	// its lint pipeline (rule selection, suppressions). After a fix, only
	// the files of the APIs the fix touched are linted again.
	Lint func(paths []string, read func(string) ([]byte, error)) (*Linted, error)
	// ReadFile reads files from disk (nil: os.ReadFile, size-bounded).
	ReadFile func(string) ([]byte, error)
	// MaxFixes bounds the fixes tried in one run (default: four per
	// finding of the first lint, plus 100).
	MaxFixes int
}

// FileChange is a rewritten file.
type FileChange struct {
	Name   string `json:"file"`
	Before []byte `json:"-"`
	After  []byte `json:"-"`
	// Diff is the unified diff.
	Diff string `json:"diff"`
}

// Applied is a fix that was made and proved.
type Applied struct {
	Finding diag.Finding `json:"finding"`
	Summary string       `json:"summary"`
	Files   []string     `json:"files"`
	// Proof is "verdict" when a targeted route went from blocked to
	// passing in the simulation, "lint" when the re-lint is the proof
	// (the finding is gone and no route got worse), "redeploy" when a
	// deployment's logical ID now changes with the API (CD2023).
	Proof string `json:"proof"`
	// Rows are the simulated requests whose verdict this fix changed.
	Rows []Row `json:"rows,omitempty"`
}

// Skipped is a finding left alone, with the reason.
type Skipped struct {
	Finding diag.Finding `json:"finding"`
	Reason  string       `json:"reason"`
	// Flag names the flag that would give the missing value.
	Flag string `json:"flag,omitempty"`
}

// Advice is a change to make by hand (CDK constructs, uncertain handler
// code paths).
type Advice struct {
	Finding diag.Finding `json:"finding"`
	Summary string       `json:"summary"`
	Text    string       `json:"advice"`
}

// Result is a run's outcome.
type Result struct {
	Files   []FileChange `json:"files"`
	Applied []Applied    `json:"fixed"`
	Skipped []Skipped    `json:"skipped"`
	Advice  []Advice     `json:"advice"`
	// Table is every simulated request of the APIs the run changed,
	// before and after all accepted fixes.
	Table []Row `json:"table"`
	// Before counts the findings of the first lint; Remaining lists the
	// findings of the last one.
	Before int `json:"findings_before"`
	// Seen counts the distinct findings of every lint of the run (the
	// first, and those reported after a fix).
	Seen      int            `json:"findings_seen"`
	Remaining []diag.Finding `json:"remaining"`
	// Revealed are findings of the last lint that the first did not
	// report: a fix made a value known (a quoted SAM origin) and the
	// rules could look further. They were there all along.
	Revealed []diag.Finding `json:"revealed,omitempty"`
	Errors   []string       `json:"errors"`
}

// Counts summarises a run.
type Counts struct {
	Findings        int `json:"findings"`
	Fixed           int `json:"fixed"`
	ProvedByVerdict int `json:"proved_by_verdict"`
	// Redeploy are the fixed deployments renamed with the API (CD2023).
	Redeploy int `json:"redeploy"`
	Advice   int `json:"advice"`
	Skipped  int `json:"skipped"`
	NoFix    int `json:"no_fix"`
	// Resolved are findings no fix targeted that another fix removed
	// (a CD2050 block gone with the OPTIONS method CD2001 added).
	Resolved int `json:"resolved"`
}

// Counts returns the run's counts: findings of the first lint, fixes
// made (and how many a verdict change proves), advice given, skipped
// findings, and remaining findings whose rule has no mechanical fix.
func (r *Result) Counts() Counts {
	c := Counts{Findings: r.Seen, Fixed: len(r.Applied), Advice: len(r.Advice), Skipped: len(r.Skipped)}
	if c.Findings < r.Before {
		c.Findings = r.Before
	}
	for _, a := range r.Applied {
		switch a.Proof {
		case "verdict":
			c.ProvedByVerdict++
		case "redeploy":
			c.Redeploy++
		}
	}
	handled := map[string]bool{}
	for _, s := range r.Skipped {
		handled[findingKey(s.Finding)] = true
	}
	for _, a := range r.Advice {
		handled[findingKey(a.Finding)] = true
	}
	for _, f := range r.Remaining {
		if !handled[findingKey(f)] {
			c.NoFix++
		}
	}
	fixed := map[string]bool{}
	for _, a := range r.Applied {
		fixed[findingKey(a.Finding)] = true
	}
	adviceOnly := 0
	for _, a := range r.Advice {
		if !fixed[findingKey(a.Finding)] {
			adviceOnly++
		}
	}
	if n := c.Findings - c.Fixed - c.Skipped - c.NoFix - adviceOnly; n > 0 {
		c.Resolved = n
	}
	return c
}

// locRe matches file:line[:col] references inside messages.
var locRe = regexp.MustCompile(`[^\s(),]+:\d+(?::\d+)?`)

// findingKey identifies a finding across lints of shifting files.
func findingKey(f diag.Finding) string {
	return f.RuleID + "\x00" + filepath.Clean(f.Location.File) + "\x00" + locRe.ReplaceAllString(f.Detail, "")
}

// Run fixes what it can.
func Run(opts Options) (*Result, error) {
	if opts.Lint == nil {
		return nil, errors.New("fix: no lint function")
	}
	max := opts.MaxFixes
	ws := newWorkspace(opts.ReadFile)
	opts.Lint = withClientFindings(opts.Lint, opts.Origins, opts.Headers)
	first, err := opts.Lint(opts.Paths, ws.read)
	if err != nil {
		return nil, err
	}
	res := &Result{Before: len(first.Findings), Errors: first.Errors}
	if max <= 0 {
		// Every finding once, fixes that reveal others, and retries.
		max = 4*len(first.Findings) + 100
	}
	cur := first
	tried := map[string]bool{}
	touched := map[string]bool{} // API keys changed by accepted fixes
	deployments := map[string]bool{}
	satisfied := map[string]bool{}
	skipped := map[string]Skipped{}
	for n := 0; n < max; n++ {
		f, ok := nextFinding(cur.Findings, tried)
		if !ok {
			break
		}
		tried[findingKey(f)] = true
		e := &attempt{opts: opts, ws: ws, cur: cur, f: f, touched: touched, deployments: deployments, satisfied: satisfied, skipped: skipped}
		next := e.run(res)
		if next != nil {
			cur = next
			// A fix may have made a value known that an earlier fix of
			// the same file asked for (an origin now in the API): try
			// those again.
			changed := map[string]bool{}
			if n := len(res.Applied); n > 0 {
				for _, name := range res.Applied[n-1].Files {
					changed[filepath.Clean(name)] = true
				}
			}
			for k, s := range skipped {
				if s.Flag != "" && changed[filepath.Clean(s.Finding.Location.File)] {
					delete(tried, k)
				}
			}
		}
	}
	// Skips are reported for the findings still there at the end.
	for _, f := range cur.Findings {
		if s, ok := skipped[findingKey(f)]; ok {
			s.Finding = f
			res.Skipped = append(res.Skipped, s)
		}
	}
	seen := map[string]bool{}
	for _, f := range first.Findings {
		seen[findingKey(f)] = true
	}
	for k := range tried {
		if !satisfied[k] {
			seen[k] = true
		}
	}
	for _, f := range cur.Findings {
		seen[findingKey(f)] = true
	}
	for k := range satisfied {
		delete(seen, k)
	}
	res.Seen = len(seen)
	// Findings the run never tried have no mechanical fix; satisfied
	// ones are done.
	for _, f := range cur.Findings {
		if !satisfied[findingKey(f)] {
			res.Remaining = append(res.Remaining, f)
		}
	}
	firstKeys := map[string]bool{}
	for _, f := range first.Findings {
		firstKeys[findingKey(f)] = true
	}
	for _, f := range cur.Findings {
		if !firstKeys[findingKey(f)] && f.RuleID != "CD2050" && !satisfied[findingKey(f)] {
			res.Revealed = append(res.Revealed, f)
		}
	}
	for _, name := range ws.changed() {
		fc := FileChange{Name: name, Before: ws.original[name], After: ws.current[name]}
		slash := strings.TrimPrefix(filepath.ToSlash(name), "/")
		fc.Diff = Unified("a/"+slash, "b/"+slash, fc.Before, fc.After)
		res.Files = append(res.Files, fc)
	}
	// The overall table: the APIs the run changed, first lint vs last.
	var beforeAPIs, afterAPIs []*apimodel.API
	for _, a := range first.APIs {
		if touched[apiKey(a)] {
			beforeAPIs = append(beforeAPIs, a)
		}
	}
	for _, a := range cur.APIs {
		if touched[apiKey(a)] {
			afterAPIs = append(afterAPIs, a)
		}
	}
	cred, origins := credentialed(beforeAPIs, afterAPIs), originsFor(opts.Origins, beforeAPIs, afterAPIs)
	res.Table = compare(simulate(beforeAPIs, origins, opts.Headers, cred), simulate(afterAPIs, origins, opts.Headers, cred))
	if res.Errors == nil {
		res.Errors = []string{}
	}
	return res, nil
}

// nextFinding picks the first untried finding whose rule has a fixer,
// in rule order (so that structural fixes such as a missing OPTIONS
// method come before the values inside it).
func nextFinding(fs []diag.Finding, tried map[string]bool) (diag.Finding, bool) {
	var cands []diag.Finding
	for _, f := range fs {
		if !tried[findingKey(f)] && hasFixer(f.RuleID) {
			cands = append(cands, f)
		}
	}
	if len(cands) == 0 {
		return diag.Finding{}, false
	}
	sort.SliceStable(cands, func(i, j int) bool {
		pi, pj := priority(cands[i].RuleID), priority(cands[j].RuleID)
		if pi != pj {
			return pi < pj
		}
		return cands[i].RuleID < cands[j].RuleID
	})
	return cands[0], true
}

// priority orders fixes: values first (a malformed or unquoted origin
// makes the rules blind to everything else), then structure, then
// redeployment last (it must see every other change).
func priority(id string) int {
	switch id {
	case "CD2015", "CD2010", "CD2011", "CD2012", "CD2014", "CD2020":
		return 0
	case "CD2016", "CD2023":
		return 9
	}
	return 5
}

// attempt is one finding being fixed.
type attempt struct {
	opts        Options
	ws          *workspace
	cur         *Linted
	f           diag.Finding
	touched     map[string]bool
	deployments map[string]bool
	satisfied   map[string]bool
	skipped     map[string]Skipped
}

// skip records why a finding was left alone (the last reason wins).
func (e *attempt) skip(s Skipped) { e.skipped[findingKey(s.Finding)] = s }

// run tries the fix and returns the new lint when it was accepted.
func (e *attempt) run(res *Result) *Linted {
	f := e.f
	api := fixer.APIAt(e.cur.APIs, f.Location)
	t := e.ws.begin(e.cur.Files)
	ctx := &fixer.Ctx{Finding: f, API: api, APIs: e.cur.APIs, Origins: e.opts.Origins, Headers: e.opts.Headers, Files: t}
	if api != nil {
		ctx.ChangedAPI = e.touched[apiKey(api)]
	}
	if f.RuleID == "CD2027" {
		// Front-end code sends a header the preflight refuses: the fix
		// is the one of the route it blocks.
		g, ok := clientFinding(api, f, e.opts.Origins)
		if !ok {
			e.skip(Skipped{Finding: f, Reason: "no route of the API refuses the call's headers in a simulation"})
			return nil
		}
		ctx.Finding = g
	}
	fx, why := fixerFor(ctx)
	if fx == nil {
		e.skip(Skipped{Finding: f, Reason: why})
		return nil
	}
	ch, err := safely(fx, ctx)
	if err != nil {
		var done *fixer.Skip
		if errors.As(err, &done) && done.Satisfied {
			e.satisfied[findingKey(f)] = true
			return nil
		}
		var nf *fixer.NeedFlag
		sk := Skipped{Finding: f, Reason: err.Error()}
		if errors.As(err, &nf) {
			sk.Flag, sk.Reason = nf.Flag, nf.Why
		}
		e.skip(sk)
		return nil
	}
	pending, err := t.bytes()
	if err != nil {
		e.skip(Skipped{Finding: f, Reason: "the rewrite was refused: " + err.Error()})
		return nil
	}
	if len(pending) == 0 {
		if ch.Advice != "" {
			res.Advice = append(res.Advice, Advice{Finding: f, Summary: ch.Summary, Text: ch.Advice})
			return nil
		}
		e.skip(Skipped{Finding: f, Reason: "nothing to change: " + ch.Summary})
		return nil
	}
	after, err := e.relint(api, pending)
	if err != nil {
		e.skip(Skipped{Finding: f, Reason: "re-lint failed: " + err.Error()})
		return nil
	}
	if bad := newErrors(e.cur.Errors, after.Errors); len(bad) > 0 {
		e.skip(Skipped{Finding: f, Reason: "the rewritten files no longer lint: " + strings.Join(bad, "; ")})
		return nil
	}
	for _, g := range after.Findings {
		if findingKey(g) == findingKey(f) {
			e.skip(Skipped{Finding: f, Reason: "refused: the rewrite does not make the finding go away (" + ch.Summary + ")"})
			return nil
		}
	}
	// Simulate the APIs the edited files define, before and after.
	files := map[string]bool{}
	for name := range pending {
		files[filepath.Clean(name)] = true
	}
	beforeAPIs, afterAPIs := apisIn(e.cur.APIs, files), apisIn(after.APIs, files)
	if api != nil && !containsAPI(beforeAPIs, api) {
		beforeAPIs = append(beforeAPIs, api)
		for _, a := range after.APIs {
			if apiKey(a) == apiKey(api) {
				afterAPIs = append(afterAPIs, a)
			}
		}
	}
	cred, origins := credentialed(beforeAPIs, afterAPIs), originsFor(e.opts.Origins, beforeAPIs, afterAPIs)
	rows := compare(simulate(beforeAPIs, origins, e.opts.Headers, cred), simulate(afterAPIs, origins, e.opts.Headers, cred))
	keys := map[string]string{}
	for _, a := range beforeAPIs {
		keys[a.ID] = apiKey(a)
	}
	verdict, reason := proofOf(rows, keys, ch)
	if reason != "" {
		e.skip(Skipped{Finding: f, Reason: "refused: " + reason})
		return nil
	}
	if err := e.ws.apply(pending); err != nil {
		e.skip(Skipped{Finding: f, Reason: err.Error()})
		return nil
	}
	for _, a := range beforeAPIs {
		e.touched[apiKey(a)] = true
	}
	ap := Applied{Finding: f, Summary: ch.Summary, Proof: "lint"}
	switch {
	case verdict:
		ap.Proof = "verdict"
	case f.RuleID == "CD2023":
		// CD2023 reports every fixed deployment ID, the new one too: the
		// proof is that the ID changed with the API.
		ap.Proof = "redeploy"
	}
	for name := range pending {
		ap.Files = append(ap.Files, name)
	}
	sort.Strings(ap.Files)
	for _, r := range rows {
		if r.Before.String() != r.After.String() {
			ap.Rows = append(ap.Rows, r)
		}
	}
	res.Applied = append(res.Applied, ap)
	if ch.Advice != "" {
		res.Advice = append(res.Advice, Advice{Finding: f, Summary: ch.Summary, Text: ch.Advice})
	}
	return after
}

func containsAPI(list []*apimodel.API, a *apimodel.API) bool {
	for _, x := range list {
		if apiKey(x) == apiKey(a) {
			return true
		}
	}
	return false
}

// apisIn returns the APIs with an element in one of files.
func apisIn(apis []*apimodel.API, files map[string]bool) []*apimodel.API {
	var out []*apimodel.API
	for _, a := range apis {
		in := false
		fixer.Sources(a, func(s fixerSource) {
			if s.File != "" && files[filepath.Clean(s.File)] {
				in = true
			}
		})
		if in {
			out = append(out, a)
		}
	}
	return out
}

func newErrors(before, after []string) []string {
	old := map[string]bool{}
	for _, e := range before {
		old[e] = true
	}
	var out []string
	for _, e := range after {
		if !old[e] {
			out = append(out, e)
		}
	}
	return out
}

// fixerFor picks the format fixer for a finding, or says why there is
// none.
func fixerFor(ctx *fixer.Ctx) (func(*fixer.Ctx) (*fixer.Change, error), string) {
	f := ctx.Finding
	file := f.Location.File
	if ctx.API != nil && ctx.API.Format == "cdk" {
		if !cdkRules[f.RuleID] {
			return nil, "no construct-level fix for " + f.RuleID
		}
		return cdkFix, ""
	}
	if handlerRules[f.RuleID] {
		return handlerFix, ""
	}
	if strings.HasSuffix(strings.ToLower(file), ".tf") {
		if !tfRules[f.RuleID] {
			return nil, "no mechanical Terraform fix for " + f.RuleID
		}
		return tfFix, ""
	}
	if ctx.API != nil && ctx.API.Format == "terraform-plan" {
		return nil, "a Terraform plan is generated: fix the .tf files it was planned from"
	}
	d, err := ctx.Files.Doc(file)
	if err != nil {
		return nil, "cannot edit " + file + ": " + err.Error()
	}
	root := d.Root()
	switch {
	case sls.Detect(root):
		if !slsRules[f.RuleID] {
			return nil, "no mechanical Serverless Framework fix for " + f.RuleID
		}
		return slsFix, ""
	case openapi.Detect(root):
		if !openapiRules[f.RuleID] {
			return nil, "no mechanical OpenAPI fix for " + f.RuleID
		}
		return openapiFix, ""
	}
	// Definitions embedded in a template (Body, DefinitionBody) get the
	// OpenAPI fixes.
	if !cfnRules[f.RuleID] && !openapiRules[f.RuleID] {
		return nil, "no mechanical CloudFormation fix for " + f.RuleID
	}
	return cfnFix, ""
}

// hasFixer reports whether some format fixes rule id.
func hasFixer(id string) bool {
	return cfnRules[id] || tfRules[id] || slsRules[id] || openapiRules[id] || cdkRules[id] || handlerRules[id] || ViaCD2050[id] != ""
}

// safely runs a fixer; a panic (a bug on some input) declines the fix
// instead of ending the run.
func safely(fx func(*fixer.Ctx) (*fixer.Change, error), ctx *fixer.Ctx) (ch *fixer.Change, err error) {
	defer func() {
		if v := recover(); v != nil {
			ch, err = nil, fixer.Skipf("internal error in the %s fix: %v", ctx.Finding.RuleID, v)
		}
	}()
	return fx(ctx)
}

// withClientFindings adds to each lint the requests lint cannot know,
// which the proof simulates (so every request the before/after table
// shows blocked is a finding the run tries to fix):
//   - with --header, the page sends more headers than the CD2050
//     simulation assumes, so every route is simulated again with them;
//   - on an API that allows credentials somewhere
//     (Access-Control-Allow-Credentials: true), the page sends its requests
//     with credentials, and every response the browser reads must carry
//     Access-Control-Allow-Credentials: true and the exact origin (Fetch
//     standard, CORS check; cors.Fetch implements it), which CD2050's
//     uncredentialed requests do not test.
//
// Each request the browser would block becomes a CD2050 finding, for the
// same fixes.
func withClientFindings(lint func([]string, func(string) ([]byte, error)) (*Linted, error), origins, headers []string) func([]string, func(string) ([]byte, error)) (*Linted, error) {
	return func(paths []string, read func(string) ([]byte, error)) (*Linted, error) {
		l, err := lint(paths, read)
		if err != nil {
			return nil, err
		}
		if l.Ran == nil || slices.Contains(l.Ran, "CD2050") {
			for _, f := range ClientFindings(l.APIs, l.Findings, origins, headers) {
				if !suppressed(f, l.Suppressions) {
					l.Findings = append(l.Findings, f)
				}
			}
		}
		return l, nil
	}
}

// suppressed reports whether a suppression with a reason hides f (as
// diag.Suppress does, without marking the suppressions used: lint has
// judged them already).
func suppressed(f diag.Finding, sups []*diag.Suppression) bool {
	for _, s := range sups {
		if s.Reason != "" && s.Matches(f) {
			return true
		}
	}
	return false
}

// ClientFindings are the CD2050 findings of the requests the API's
// clients send that lint's CD2050 does not simulate (withClientFindings
// says which), for routes without a CD2050 finding in have. aws fix adds
// them to aws diagnose's findings.
func ClientFindings(apis []*apimodel.API, have []diag.Finding, origins, headers []string) []diag.Finding {
	var extra []cors.Header
	for _, h := range headers {
		extra = append(extra, cors.Header{Name: h, Value: "x"})
	}
	cd2050 := rules.ByID("CD2050")
	seen := map[string]bool{}
	for _, f := range have {
		if f.RuleID == cd2050.ID {
			seen[f.Location.String()] = true
		}
	}
	var out []diag.Finding
	for _, api := range apis {
		cred := fixer.CredentialsAllowed(api)
		if len(headers) == 0 && !cred {
			continue
		}
		// --origin, else the origins the API allows.
		for _, o := range simOrigins(api, origins) {
			if len(headers) == 0 && o == anyOrigin {
				// A stand-in origin proves nothing about credentials.
				continue
			}
			for _, rt := range rules.ClientRoutes(api) {
				if seen[rt.Source.String()] {
					continue
				}
				req := rules.ClientRequest(api, o, rt, extra...)
				if cred {
					req.Credentials = cors.CredentialsInclude
				}
				sim := apimodel.Simulate(api, "", req, apimodel.Success)
				r := sim.Result(req)
				// What is unknown (function code, values resolved at
				// deploy time) concerns the actual response; a block at
				// the preflight stands.
				if !r.Blocked() || len(sim.Unknown) > 0 && r.Stage != cors.StagePreflight {
					continue
				}
				seen[rt.Source.String()] = true
				with := ""
				if len(headers) > 0 {
					with = " with " + strings.Join(headers, ", ")
				}
				if cred {
					with += " (credentialed)"
				}
				out = append(out, diag.Finding{RuleID: cd2050.ID, Name: cd2050.Name, Severity: cd2050.Severity, Title: cd2050.Title,
					Detail:   fmt.Sprintf("%s %s from %s%s would be blocked (%s)", rt.Method, rt.Path, o, with, r.Error),
					Location: rt.Source, Exchange: -1})
			}
		}
	}
	return out
}

// relint lints, through the pending rewrites, only what a fix can have
// changed: the files of the APIs with an element in a rewritten file (a
// Terraform file brings its module's directory), and merges the result
// into the current lint. Linting the whole run after every fix would make
// a run over n templates cost n² file reads.
func (e *attempt) relint(api *apimodel.API, pending map[string][]byte) (*Linted, error) {
	scope := map[string]bool{}
	for name := range pending {
		scope[filepath.Clean(name)] = true
	}
	// The APIs with a file in scope, and their files, until no API is
	// added: a handler's source shared by two templates brings both.
	var touched []*apimodel.API
	if api != nil {
		touched = append(touched, api)
		for f := range apiFiles(api) {
			scope[f] = true
		}
	}
	for grown := true; grown; {
		grown = false
		for _, a := range e.cur.APIs {
			if containsAPI(touched, a) {
				continue
			}
			files := apiFiles(a)
			hit := false
			for f := range files {
				if scope[f] {
					hit = true
				}
			}
			if !hit {
				continue
			}
			touched = append(touched, a)
			for f := range files {
				scope[f] = true
			}
			grown = true
		}
	}
	// The templates to lint again: the scope's files the run linted (a
	// handler's source is read through its template), and for Terraform
	// every .tf file the run read in the module's directory.
	linted := map[string]bool{}
	for _, f := range e.cur.Files {
		linted[filepath.Clean(f)] = true
	}
	dirs := map[string]bool{}
	for f := range scope {
		if strings.HasSuffix(strings.ToLower(f), ".tf") {
			dirs[filepath.Dir(f)] = true
		}
	}
	var paths []string
	for f := range linted {
		if scope[f] || dirs[filepath.Dir(f)] && strings.HasSuffix(strings.ToLower(f), ".tf") {
			paths = append(paths, f)
		}
	}
	sort.Strings(paths)
	if len(paths) == 0 {
		return e.opts.Lint(e.opts.Paths, e.ws.overlay(pending))
	}
	in := func(file string) bool {
		f := filepath.Clean(file)
		return scope[f] || dirs[filepath.Dir(f)] && strings.HasSuffix(strings.ToLower(f), ".tf")
	}
	sub, err := e.opts.Lint(paths, e.ws.overlay(pending))
	if err != nil {
		return nil, err
	}
	out := &Linted{Files: e.cur.Files}
	for _, a := range e.cur.APIs {
		if !containsAPI(touched, a) {
			out.APIs = append(out.APIs, a)
		}
	}
	out.APIs = append(out.APIs, sub.APIs...)
	for _, f := range e.cur.Findings {
		if !in(f.Location.File) {
			out.Findings = append(out.Findings, f)
		}
	}
	for _, f := range sub.Findings {
		// A config suppression matching nothing in a partial lint is not
		// unused in the run.
		if f.RuleID == "CD2099" && !in(f.Location.File) {
			continue
		}
		out.Findings = append(out.Findings, f)
	}
	for _, er := range e.cur.Errors {
		keep := true
		for f := range scope {
			if strings.HasPrefix(er, f+":") {
				keep = false
			}
		}
		if keep {
			out.Errors = append(out.Errors, er)
		}
	}
	out.Errors = append(out.Errors, sub.Errors...)
	return out, nil
}

// apiFiles returns the files an API's model records: its template's
// elements and the handler code of its functions.
func apiFiles(a *apimodel.API) map[string]bool {
	files := map[string]bool{}
	add := func(f string) {
		if f != "" {
			files[filepath.Clean(f)] = true
		}
	}
	fixer.Sources(a, func(s evidence.Source) { add(s.File) })
	fixer.Functions(a, func(fn *apimodel.Function) {
		add(fn.CodePath)
		add(fn.Source.File)
	})
	return files
}

// clientFinding turns a CD2027 finding (the front-end call at its
// location sends a header the API's preflight refuses) into the CD2050
// finding of the first route the call is blocked on, which the format
// fixers fix by allowing the headers the clients send.
func clientFinding(api *apimodel.API, f diag.Finding, origins []string) (diag.Finding, bool) {
	if api == nil {
		return f, false
	}
	var call *apimodel.ClientCall
	for _, c := range api.Clients {
		if fixer.Same(c.Source, f.Location) {
			call = c
		}
	}
	if call == nil {
		return f, false
	}
	for _, o := range originsFor(origins, []*apimodel.API{api})[apiKey(api)] {
		for _, rt := range rules.ClientRoutes(api) {
			req := rules.ClientRequest(api, o, rt)
			for _, h := range call.Headers {
				if !hasHeader(req.Headers, h) {
					req.Headers = append(req.Headers, cors.Header{Name: h, Value: "x"})
				}
			}
			r := apimodel.Simulate(api, "", req, apimodel.Success).Result(req)
			if r.Error != cors.HeaderDisallowedByPreflightResponse {
				continue
			}
			cd2050 := rules.ByID("CD2050")
			return diag.Finding{RuleID: cd2050.ID, Name: cd2050.Name, Severity: cd2050.Severity, Title: cd2050.Title,
				Detail:   fmt.Sprintf("%s %s from %s with %s would be blocked (%s)", rt.Method, rt.Path, o, strings.Join(call.Headers, ", "), r.Error),
				Location: rt.Source, Exchange: -1}, true
		}
	}
	return f, false
}
