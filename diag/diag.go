// Package diag defines diagnostic rules and findings and runs rules over
// evidence: rules emit findings; Run merges repeats and ranks them, most
// likely cause first; package report renders them.
package diag

import (
	"fmt"
	"runtime/debug"
	"sort"
	"strings"

	"github.com/corsdoctor/corsdoctor/apimodel"
	"github.com/corsdoctor/corsdoctor/evidence"
)

// Severity of a finding.
type Severity int

// Severities, lowest first.
const (
	Info Severity = iota
	Warning
	Error
)

func (s Severity) String() string {
	switch s {
	case Error:
		return "error"
	case Warning:
		return "warning"
	}
	return "info"
}

// MarshalText renders the severity as "error", "warning" or "info".
func (s Severity) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// UnmarshalText parses a severity name.
func (s *Severity) UnmarshalText(b []byte) error {
	v, err := ParseSeverity(string(b))
	*s = v
	return err
}

// ParseSeverity parses "error", "warning" or "info".
func ParseSeverity(s string) (Severity, error) {
	switch strings.ToLower(s) {
	case "error":
		return Error, nil
	case "warning", "warn":
		return Warning, nil
	case "info", "note":
		return Info, nil
	}
	return Info, fmt.Errorf("unknown severity %q (want error, warning or info)", s)
}

// Platform is a server platform a fix can be written for.
type Platform string

// Platforms with fixes in their own terms.
const (
	Generic    Platform = "generic"
	APIGwREST  Platform = "apigw-rest"
	APIGwHTTP  Platform = "apigw-http"
	LambdaURL  Platform = "lambda-url"
	LambdaPy   Platform = "lambda-python"
	LambdaNode Platform = "lambda-node"
	FastAPI    Platform = "fastapi"
	Django     Platform = "django"
	Express    Platform = "express"
	GoPlatform Platform = "go"
	Nginx      Platform = "nginx"
	CloudFront Platform = "cloudfront"
	S3         Platform = "s3"
	Flask      Platform = "flask"
	Spring     Platform = "spring"
	ASPNET     Platform = "aspnet"
	Envoy      Platform = "envoy"
	Kong       Platform = "kong"
	Traefik    Platform = "traefik"
	Cloudflare Platform = "cloudflare"
	Azure      Platform = "azure"
	GCP        Platform = "gcp"
	Vercel     Platform = "vercel"
	Netlify    Platform = "netlify"
	Unknown    Platform = ""
)

// Platforms lists every platform name accepted by --platform.
var Platforms = []Platform{Generic, APIGwREST, APIGwHTTP, LambdaURL, LambdaPy, LambdaNode, S3, FastAPI, Django, Flask, Express, Spring, ASPNET, GoPlatform, Nginx, Envoy, Kong, Traefik, CloudFront, Cloudflare, Azure, GCP, Vercel, Netlify}

// ParsePlatform validates a --platform value.
func ParsePlatform(s string) (Platform, error) {
	for _, p := range Platforms {
		if string(p) == s {
			return p, nil
		}
	}
	names := make([]string, len(Platforms))
	for i, p := range Platforms {
		names[i] = string(p)
	}
	return Unknown, fmt.Errorf("unknown platform %q (want one of %s)", s, strings.Join(names, ", "))
}

// Rule is one registered diagnostic. Rules are values: see package rules.
type Rule struct {
	// ID is stable: CD1xxx browser causes, CD2xxx gateway/IaC, CD3xxx
	// security, CD4xxx logs/metrics. A retired number stays retired.
	ID string
	// Needs is the evidence the rule reads: a command runs the rules
	// whose needs its input provides (rules.For).
	Needs    Needs
	Name     string
	Severity Severity
	// Title is one line; Doc explains why, with links and a before/after.
	Title string
	Doc   string
	// Fix is keyed by platform; Generic is required.
	Fix map[Platform]string
	// Rank orders causes when several fire: lower is more frequent in the
	// field (the seed runbook's ranking), so it is shown first.
	Rank  int
	Since string
	// Deprecated rules never run; ReplacedBy names the successor.
	Deprecated bool
	ReplacedBy string
	Check      func(*Pass)
}

// Needs is a set of kinds of evidence (Input's fields).
type Needs uint

// Kinds of evidence a rule reads.
const (
	// NeedsExchanges: observed exchanges (explain, check, har, browser,
	// serve, corstest).
	NeedsExchanges Needs = 1 << iota
	// NeedsAPIs: API models built from infrastructure code (lint) or
	// live AWS (aws diagnose).
	NeedsAPIs
	// NeedsPlaybook: the API Gateway playbook's evidence (aws diagnose).
	NeedsPlaybook
	// NeedsAccessLogs: an access-log aggregate (logs, aws diagnose).
	NeedsAccessLogs
	// NeedsScanProbes: the scanner's probes of each target (scan).
	NeedsScanProbes
	// NeedsSuppressions: the suppressions of a lint run, after Suppress
	// applied them to the other rules' findings (lint).
	NeedsSuppressions
)

var needsNames = []string{"exchanges", "API models", "playbook", "access logs", "scan probes", "suppressions"}

// String lists the kinds of evidence: "playbook, API models".
func (n Needs) String() string {
	var parts []string
	for i, name := range needsNames {
		if n&(1<<i) != 0 {
			parts = append(parts, name)
		}
	}
	if len(parts) == 0 {
		return "nothing"
	}
	return strings.Join(parts, ", ")
}

// Has reports whether every kind of evidence in m is in n.
func (n Needs) Has(m Needs) bool { return m&^n == 0 }

// FixPlatforms lists the platforms the rule has a fix for: Generic
// first, then by name.
func (r *Rule) FixPlatforms() []Platform {
	out := make([]Platform, 0, len(r.Fix))
	for p := range r.Fix {
		out = append(out, p)
	}
	sort.Slice(out, func(i, j int) bool {
		if (out[i] == Generic) != (out[j] == Generic) {
			return out[i] == Generic
		}
		return out[i] < out[j]
	})
	return out
}

// FixFor returns the fix in the platform's terms, or the generic one.
func (r *Rule) FixFor(p Platform) string {
	if f, ok := r.Fix[p]; ok && f != "" {
		return f
	}
	return r.Fix[Generic]
}

// Finding is one diagnosis with its evidence.
type Finding struct {
	RuleID   string          `json:"id"`
	Name     string          `json:"name"`
	Severity Severity        `json:"severity"`
	Title    string          `json:"title"`
	Detail   string          `json:"detail"`
	Fix      string          `json:"fix"`
	Platform Platform        `json:"platform,omitempty"`
	Location evidence.Source `json:"location"`
	Evidence []string        `json:"evidence,omitempty"`
	// Exchange indexes Input.Exchanges; -1 when the finding is not about
	// one exchange.
	Exchange int `json:"-"`
	rank     int
}

// Input is all evidence a run looks at.
type Input struct {
	Exchanges []*evidence.Exchange
	// Logs is an access-log aggregate (corsdoctor logs), or nil.
	Logs *evidence.LogStats
	// APIs are API Gateway / function URL models built from
	// infrastructure code (lint) or live AWS (aws); CD20xx rules read them.
	APIs []*apimodel.API
	// Playbook is the API Gateway incident playbook evidence (corsdoctor
	// aws diagnose), or nil; CD21xx and CD405x-CD409x rules read it.
	Playbook *evidence.Playbook
	// Origins are page origins to predict verdicts for (lint/aws --origin;
	// rule CD2050).
	Origins []string
	// Suppressions are lint's suppressions once Suppress applied them
	// (rules CD2098, CD2099).
	Suppressions []*Suppression
}

// Pass gives a rule's Check the evidence and a way to report.
type Pass struct {
	Rule     *Rule
	in       *Input
	findings []Finding
	steps    []StepNote
}

// Exchanges returns the observed exchanges.
func (p *Pass) Exchanges() []*evidence.Exchange { return p.in.Exchanges }

// APIs returns the API models.
func (p *Pass) APIs() []*apimodel.API { return p.in.APIs }

// Input returns the whole input.
func (p *Pass) Input() *Input { return p.in }

// Report records a finding about exchange i (or -1) with the fix for the
// exchange's platform.
func (p *Pass) Report(i int, loc evidence.Source, detail string, ev ...string) {
	plat := Unknown
	if i >= 0 && i < len(p.in.Exchanges) {
		plat = Platform(p.in.Exchanges[i].Platform)
	}
	p.ReportFix(i, loc, plat, detail, ev...)
}

// ReportSeverity is Report with the finding's severity set instead of the
// rule's (security rules lower it when credentials are not allowed).
func (p *Pass) ReportSeverity(sev Severity, i int, loc evidence.Source, detail string, ev ...string) {
	p.Report(i, loc, detail, ev...)
	p.findings[len(p.findings)-1].Severity = sev
}

// ReportFix is Report with an explicit platform for the fix.
func (p *Pass) ReportFix(i int, loc evidence.Source, plat Platform, detail string, ev ...string) {
	fix := p.Rule.FixFor(plat)
	shown := plat
	if _, ok := p.Rule.Fix[plat]; !ok {
		shown = Generic
	}
	p.ReportFixText(i, loc, shown, fix, detail, ev...)
}

// ReportFixText is Report with a fix the rule wrote from the evidence
// (the layer it recognised, what the probes showed), for platform plat.
// Placeholders in the fix are filled in from exchange i, or for a
// finding about no exchange from the input (see FillFix).
func (p *Pass) ReportFixText(i int, loc evidence.Source, plat Platform, fix, detail string, ev ...string) {
	if i >= 0 && i < len(p.in.Exchanges) {
		fix = FillFix(fix, ValuesOf(p.in.Exchanges[i]))
	} else {
		fix = FillFix(fix, valuesOfInput(p.in))
	}
	p.findings = append(p.findings, Finding{
		RuleID: p.Rule.ID, Name: p.Rule.Name, Severity: p.Rule.Severity, Title: p.Rule.Title,
		Detail: detail, Fix: fix, Platform: plat, Location: loc, Evidence: ev, Exchange: i, rank: p.Rule.Rank,
	})
}

// Result is what the rules concluded: the findings, ranked, and the
// verdicts on the steps of the playbook (Input.Playbook), in rule order.
type Result struct {
	Findings []Finding
	Steps    []StepNote
}

// Run executes the rules over in, merges identical findings and ranks
// them: severity first, then the rule's Rank (field frequency), then
// location. A rule that panics becomes an internal-error finding instead
// of ending the run.
func Run(rules []*Rule, in *Input) []Finding { return Analyze(rules, in).Findings }

// Analyze is Run that also returns the rules' step notes.
func Analyze(rules []*Rule, in *Input) Result {
	var res Result
	for _, r := range rules {
		if r.Deprecated || r.Check == nil {
			continue
		}
		fs, notes := runOne(r, in)
		res.Findings = append(res.Findings, fs...)
		res.Steps = append(res.Steps, notes...)
	}
	res.Findings = Rank(res.Findings)
	return res
}

func runOne(r *Rule, in *Input) (out []Finding, notes []StepNote) {
	p := &Pass{Rule: r, in: in}
	defer func() {
		if v := recover(); v != nil {
			out = append(p.findings, Finding{
				RuleID: r.ID, Name: r.Name, Severity: Error, Title: "internal error in rule " + r.ID,
				Detail:   fmt.Sprintf("rule %s panicked: %v; please report this bug with the input that caused it\n%s", r.ID, v, debug.Stack()),
				Exchange: -1,
			})
			notes = p.steps
		}
	}()
	r.Check(p)
	return p.findings, p.steps
}

// Rank merges repeated findings and sorts them, most important first.
func Rank(fs []Finding) []Finding {
	seen := map[string]bool{}
	out := fs[:0]
	for _, f := range fs {
		k := f.RuleID + "\x00" + f.Location.String() + "\x00" + f.Detail + "\x00" + fmt.Sprint(f.Exchange)
		if seen[k] {
			continue
		}
		seen[k] = true
		out = append(out, f)
	}
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.Exchange != b.Exchange {
			return a.Exchange < b.Exchange
		}
		if a.Severity != b.Severity {
			return a.Severity > b.Severity
		}
		if a.rank != b.rank {
			return a.rank < b.rank
		}
		return a.RuleID < b.RuleID
	})
	return out
}

// ForExchange returns the findings about exchange i, in rank order.
func ForExchange(fs []Finding, i int) []Finding {
	var out []Finding
	for _, f := range fs {
		if f.Exchange == i {
			out = append(out, f)
		}
	}
	return out
}

// Select applies a rule selection such as ["all", "-CD2107"] or
// ["CD1001", "CD1002"] to the registry. Unknown IDs are errors.
func Select(all []*Rule, spec []string) ([]*Rule, error) {
	byID := map[string]*Rule{}
	for _, r := range all {
		byID[r.ID] = r
	}
	on := map[string]bool{}
	var errs []string
	for _, s := range spec {
		s = strings.TrimSpace(s)
		switch {
		case s == "all":
			for _, r := range all {
				on[r.ID] = true
			}
		case strings.HasPrefix(s, "-"):
			id := s[1:]
			if byID[id] == nil {
				errs = append(errs, fmt.Sprintf("unknown rule %q", id))
				continue
			}
			delete(on, id)
		default:
			if byID[s] == nil {
				errs = append(errs, fmt.Sprintf("unknown rule %q", s))
				continue
			}
			on[s] = true
		}
	}
	if len(errs) > 0 {
		return nil, fmt.Errorf("rule selection: %s", strings.Join(errs, "; "))
	}
	var out []*Rule
	for _, r := range all {
		if on[r.ID] {
			out = append(out, r)
		}
	}
	return out, nil
}
