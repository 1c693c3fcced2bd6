package cli

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"runtime/debug"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/spf13/cobra"
	"go.yaml.in/yaml/v3"

	"github.com/corsdoctor/corsdoctor/apimodel"
	"github.com/corsdoctor/corsdoctor/collect/iac"
	"github.com/corsdoctor/corsdoctor/diag"
	"github.com/corsdoctor/corsdoctor/evidence"
	"github.com/corsdoctor/corsdoctor/internal/termsafe"
	"github.com/corsdoctor/corsdoctor/report"
	"github.com/corsdoctor/corsdoctor/rules"
)

// LintOptions are lint's parsed flags.
type LintOptions struct {
	App     *App
	Paths   []string
	Format  string
	FailOn  string
	Origins []string
	Config  string
	Rules   []string
	// Workers bounds concurrent parsing (0: 2 x GOMAXPROCS).
	Workers int
	// SkipUnknown ignores given files that are not infrastructure code.
	SkipUnknown bool
	HTML        HTMLFlag
	// Read, when set, reads the files instead of the disk (fix lints its
	// rewrites in memory).
	Read func(string) ([]byte, error)
}

// NewCmdLint builds `corsdoctor lint`.
func NewCmdLint(app *App, runF func(*LintOptions) error) *cobra.Command {
	opts := &LintOptions{App: app}
	cmd := &cobra.Command{
		Use:   "lint PATH... [flags]",
		Short: "Find CORS mistakes in CloudFormation/SAM, CDK, OpenAPI, Serverless and Terraform before they deploy",
		Long: `lint reads infrastructure code (files or directories; formats detected by
content): CloudFormation and SAM templates (YAML with !Ref/!Sub/!GetAtt tags, or
JSON), CDK output (cdk.out/*.template.json), OpenAPI 3 / Swagger 2 exports with API
Gateway extensions, serverless.yml, and Terraform modules (.tf). Every API is
translated into one model of its CORS behaviour and checked by the CD20xx rules, the
same rules 'corsdoctor aws' runs on live APIs.

With --origin, lint also simulates each route as API Gateway would answer it and
predicts the browser's verdict (rule CD2050).

Suppress a finding with a comment on its line or the line above:
  # corsdoctor:ignore CD2009 internal API, no browser clients
or in a config file (--config):
  rules: [all, -CD2021]
  ignore:
    - {rule: CD2009, path: "legacy/*", reason: "no browser clients"}
Suppressions need a reason; unused ones are reported.

Exit status: 0 no findings at or above --fail-on, 1 findings, 2 usage error or a
file that could not be parsed (the other files are still linted).`,
		Example: `  corsdoctor lint template.yaml
  corsdoctor lint . --format sarif > corsdoctor.sarif
  corsdoctor lint infra/ --origin https://app.example.com --fail-on warning`,
		Args: cobra.ArbitraryArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Paths = args
			if runF != nil {
				return runF(opts)
			}
			return runLint(opts)
		},
	}
	fs := cmd.Flags()
	fs.StringVar(&opts.Format, "format", "text", "output format: text, json or sarif")
	opts.HTML.Register(fs)
	fs.StringVar(&opts.FailOn, "fail-on", "error", "exit 1 when a finding has at least this severity: error, warning or info")
	fs.StringArrayVar(&opts.Origins, "origin", nil, "page origin to predict browser verdicts for (repeatable)")
	fs.StringVar(&opts.Config, "config", "", "config file (YAML): rules selection and suppressions")
	fs.StringSliceVar(&opts.Rules, "rules", nil, "rule selection, e.g. all,-CD2021 (overrides the config file)")
	fs.BoolVar(&opts.SkipUnknown, "skip-unknown", false, "skip given files that are not infrastructure code instead of reporting them (pre-commit passes every changed .yaml/.json)")
	return cmd
}

// lintConfig is the --config file.
type lintConfig struct {
	Rules  []string `yaml:"rules"`
	Ignore []struct {
		Rule   string `yaml:"rule"`
		Path   string `yaml:"path"`
		Reason string `yaml:"reason"`
	} `yaml:"ignore"`
}

func parseLintConfig(name string, r io.Reader) (*lintConfig, error) {
	b, err := io.ReadAll(io.LimitReader(r, 1<<20))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	var c lintConfig
	dec := yaml.NewDecoder(bytes.NewReader(b))
	dec.KnownFields(true)
	if err := dec.Decode(&c); err != nil && err != io.EOF {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	for i, ig := range c.Ignore {
		if ig.Rule == "" || ig.Reason == "" {
			return nil, fmt.Errorf("%s: ignore[%d]: rule and reason are required", name, i)
		}
	}
	return &c, nil
}

// suppression is one inline directive or config entry.
type suppression struct {
	rules  []string
	file   string
	line   int // 0 for config entries (whole file / glob)
	glob   string
	reason string
	src    evidence.Source
	used   bool
}

var directiveRe = regexp.MustCompile(`corsdoctor:ignore\s+((?:CD\d{4}[, ]*)+)(.*)$`)

// scanDirectives finds inline suppressions in one file.
func scanDirectives(name string, data []byte) (out []*suppression, bad []diag.Finding) {
	if !bytes.Contains(data, []byte("corsdoctor:ignore")) {
		return nil, nil
	}
	lines := strings.Split(string(data), "\n")
	for i, l := range lines {
		m := directiveRe.FindStringSubmatch(l)
		if m == nil {
			continue
		}
		ids := strings.FieldsFunc(m[1], func(r rune) bool { return r == ',' || r == ' ' })
		reason := strings.TrimSpace(strings.TrimLeft(strings.TrimSpace(m[2]), "-:"))
		src := evidence.Source{File: name, Line: i + 1, Column: strings.Index(l, "corsdoctor:ignore") + 1}
		if reason == "" {
			bad = append(bad, diag.Finding{RuleID: "CD2099", Name: "bad-suppression", Severity: diag.Warning, Title: "Suppression without a reason",
				Detail: "corsdoctor:ignore " + strings.Join(ids, ",") + " has no reason, so it is ignored", Fix: "Add the reason after the rule IDs: # corsdoctor:ignore CD2009 no browser clients", Location: src, Exchange: -1})
			continue
		}
		// A directive on a comment-only line covers the next line; a
		// trailing one covers its own line.
		target := i + 1
		if trimmed := strings.TrimSpace(l); strings.HasPrefix(trimmed, "#") || strings.HasPrefix(trimmed, "//") {
			target = i + 2
		}
		out = append(out, &suppression{rules: ids, file: name, line: target, reason: reason, src: src})
	}
	return out, bad
}

func (s *suppression) matches(f diag.Finding) bool {
	ok := false
	for _, id := range s.rules {
		if id == f.RuleID {
			ok = true
		}
	}
	if !ok {
		return false
	}
	if s.line > 0 {
		return filepath.Clean(f.Location.File) == filepath.Clean(s.file) && (f.Location.Line == s.line || f.Location.Line == s.line-1 && s.line-1 == s.src.Line)
	}
	if s.glob == "" {
		return true
	}
	p := filepath.ToSlash(f.Location.File)
	if m, _ := filepath.Match(s.glob, p); m {
		return true
	}
	return strings.HasPrefix(p, strings.TrimSuffix(s.glob, "*"))
}

// LintResult is the outcome of a lint run (the JSON output).
type LintResult struct {
	Tool     string         `json:"tool"`
	Version  string         `json:"version"`
	Files    int            `json:"files"`
	Formats  map[string]int `json:"formats"`
	APIs     int            `json:"apis"`
	Findings []diag.Finding `json:"findings"`
	// Suppressed counts findings hidden by suppressions.
	Suppressed int      `json:"suppressed"`
	Errors     []string `json:"errors"`
	// NotEvaluated lists what lint saw and could not read (registry
	// modules, plugins, definitions in S3, ...), so that it never counts
	// as clean silently.
	NotEvaluated []apimodel.Unread `json:"not_evaluated"`
	rules        []*diag.Rule
	apis         []*apimodel.API
	fileNames    []string
}

// Lint runs the whole pipeline; the command and tests call it.
func Lint(opts *LintOptions) (*LintResult, error) {
	spec := []string{"all"}
	var cfg *lintConfig
	if opts.Config != "" {
		f, err := os.Open(opts.Config)
		if err != nil {
			return nil, Usagef("--config: %v", err)
		}
		cfg, err = parseLintConfig(opts.Config, f)
		f.Close()
		if err != nil {
			return nil, Usagef("--config: %v", err)
		}
		if len(cfg.Rules) > 0 {
			spec = cfg.Rules
		}
	}
	if len(opts.Rules) > 0 {
		spec = opts.Rules
	}
	// CD2001-CD2099 are the rules shared with `aws`; CD21xx need live AWS.
	selected, err := diag.Select(rules.For(diag.NeedsAPIs), spec)
	if err != nil {
		return nil, Usagef("%v", err)
	}
	var origins []string
	for _, o := range opts.Origins {
		v, err := ParseOriginFlag(o)
		if err != nil {
			return nil, err
		}
		origins = append(origins, v)
	}
	var mu sync.Mutex
	var sups []*suppression
	var bad []diag.Finding
	var names []string
	loaded := iac.Load(opts.Paths, iac.Options{Workers: opts.Workers, SkipUnknown: opts.SkipUnknown, Read: opts.Read, OnFile: func(name string, data []byte) {
		s, b := scanDirectives(name, data)
		mu.Lock()
		defer mu.Unlock()
		names = append(names, name)
		sups, bad = append(sups, s...), append(bad, b...)
	}})
	if cfg != nil {
		for _, ig := range cfg.Ignore {
			sups = append(sups, &suppression{rules: []string{ig.Rule}, glob: filepath.ToSlash(ig.Path), reason: ig.Reason,
				src: evidence.Source{File: opts.Config}})
		}
	}
	sort.Strings(names)
	res := &LintResult{Tool: "corsdoctor", Version: report.Version, Files: loaded.Files, Formats: loaded.Formats, APIs: len(loaded.APIs), rules: selected,
		apis: loaded.APIs, fileNames: names}
	fs := runRules(selected, loaded.APIs, origins)
	for i := range fs {
		// Findings in CDK output name the construct to change.
		if p := loaded.ConstructAt(fs[i].Location.File, fs[i].Location.Line); p != "" {
			fs[i].Evidence = append([]string{"CDK construct: " + p}, fs[i].Evidence...)
		}
	}
	for _, f := range fs {
		hidden := false
		for _, s := range sups {
			if s.matches(f) {
				s.used, hidden = true, true
			}
		}
		if hidden {
			res.Suppressed++
			continue
		}
		res.Findings = append(res.Findings, f)
	}
	res.Findings = append(res.Findings, bad...)
	ran := map[string]bool{}
	for _, r := range selected {
		ran[r.ID] = true
	}
	for _, s := range sups {
		all := true
		for _, id := range s.rules {
			all = all && ran[id]
		}
		// A suppression is unused only when every rule it names ran.
		if !s.used && all {
			res.Findings = append(res.Findings, diag.Finding{RuleID: "CD2099", Name: "unused-suppression", Severity: diag.Warning, Title: "Unused suppression",
				Detail: fmt.Sprintf("suppression of %s (%s) matches no finding", strings.Join(s.rules, ","), s.reason),
				Fix:    "Remove the suppression.", Location: s.src, Exchange: -1})
		}
	}
	sort.SliceStable(res.Findings, func(i, j int) bool {
		a, b := res.Findings[i].Location, res.Findings[j].Location
		if a.File != b.File {
			return a.File < b.File
		}
		if a.Line != b.Line {
			return a.Line < b.Line
		}
		if a.Column != b.Column {
			return a.Column < b.Column
		}
		return res.Findings[i].RuleID < res.Findings[j].RuleID
	})
	for _, e := range loaded.Errors {
		res.Errors = append(res.Errors, e.Error())
	}
	res.NotEvaluated = loaded.Unread
	if res.NotEvaluated == nil {
		res.NotEvaluated = []apimodel.Unread{}
	}
	if res.Findings == nil {
		res.Findings = []diag.Finding{}
	}
	if res.Errors == nil {
		res.Errors = []string{}
	}
	return res, nil
}

// runRules runs the rules over chunks of APIs concurrently: every CD20xx
// rule looks at one API at a time, so the chunks are independent.
func runRules(selected []*diag.Rule, apis []*apimodel.API, origins []string) []diag.Finding {
	n := runtime.GOMAXPROCS(0)
	if n > len(apis) {
		n = len(apis)
	}
	if n <= 1 {
		return diag.Run(selected, &diag.Input{APIs: apis, Origins: origins})
	}
	parts := make([][]diag.Finding, n)
	var wg sync.WaitGroup
	size := (len(apis) + n - 1) / n
	for i := 0; i < n; i++ {
		lo, hi := i*size, min((i+1)*size, len(apis))
		if lo >= hi {
			continue
		}
		wg.Add(1)
		go func(i int, chunk []*apimodel.API) {
			defer wg.Done()
			parts[i] = diag.Run(selected, &diag.Input{APIs: chunk, Origins: origins})
		}(i, apis[lo:hi])
	}
	wg.Wait()
	var all []diag.Finding
	for _, p := range parts {
		all = append(all, p...)
	}
	return diag.Rank(all)
}

func runLint(opts *LintOptions) error {
	if len(opts.Paths) == 0 {
		return WithHint(Usagef("lint: no PATH given"), "corsdoctor lint template.yaml (or a directory: corsdoctor lint .)")
	}
	failOn, err := diag.ParseSeverity(opts.FailOn)
	if err != nil {
		return Usagef("--fail-on: %v", err)
	}
	switch opts.Format {
	case "text", "json", "sarif":
	default:
		return WithHint(Usagef("--format: unknown format %q", opts.Format), "use --format text, json or sarif")
	}
	tuneGC(opts.App.Getenv)
	res, err := Lint(opts)
	if err != nil {
		return err
	}
	io := opts.App.IO
	switch opts.Format {
	case "json":
		enc := json.NewEncoder(io.Out)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
		if err := enc.Encode(res); err != nil {
			return err
		}
	case "sarif":
		// GitHub code scanning wants repository-relative paths.
		base, _ := os.Getwd()
		opt := report.SARIFOptions{BaseDir: base}
		for _, e := range res.Errors {
			opt.Notifications = append(opt.Notifications, notification(e))
		}
		if err := report.SARIF(io.Out, res.Findings, res.rules, opt); err != nil {
			return err
		}
	default:
		LintText(io.Out, res)
	}
	if err := opts.HTML.WritePage(opts.App, LintPage(res, opts.Paths), report.HTMLOptions{}); err != nil {
		return err
	}
	for _, e := range res.Errors {
		termsafe.Fprintf(io.ErrOut, "corsdoctor: error: %s\n", e)
	}
	for _, f := range res.Findings {
		if f.Severity >= failOn {
			return ErrFindings
		}
	}
	if len(res.Errors) > 0 {
		return &UsageError{Err: fmt.Errorf("%d file(s) could not be linted", len(res.Errors))}
	}
	return nil
}

var errLoc = regexp.MustCompile(`^(.+?):(\d+)(?::(\d+))?: (.*)$`)

// notification turns a "file:line[:col]: message" error into a SARIF
// notification with a location.
func notification(e string) report.SARIFNotification {
	m := errLoc.FindStringSubmatch(e)
	if m == nil {
		return report.SARIFNotification{Message: e}
	}
	line, _ := strconv.Atoi(m[2])
	col, _ := strconv.Atoi(m[3])
	return report.SARIFNotification{Message: m[4], Location: evidence.Source{File: m[1], Line: line, Column: col}}
}

// tuneGC trades memory for CPU while parsing thousands of templates: the
// parse trees are short-lived garbage. GOGC 200 with a 200 MiB soft limit
// cut CPU time by ~12% on the 1,000-template benchmark (BENCHMARKS.md) at
// ~220 MB peak RSS. GOGC or GOMEMLIMIT in the environment win.
func tuneGC(getenv func(string) string) {
	if getenv == nil || getenv("GOGC") != "" || getenv("GOMEMLIMIT") != "" {
		return
	}
	debug.SetGCPercent(200)
	debug.SetMemoryLimit(200 << 20)
}

// LintText renders findings compiler-style: "file:line:col: severity
// CD2001 message", then the fix and the evidence, indented.
func LintText(w io.Writer, res *LintResult) {
	counts := map[diag.Severity]int{}
	shown := map[string]bool{}
	for _, f := range res.Findings {
		counts[f.Severity]++
		loc := f.Location.String()
		if loc == "" {
			loc = "-"
		}
		termsafe.Fprintf(w, "%s: %s %s %s\n", loc, f.Severity, f.RuleID, f.Detail)
		for _, e := range f.Evidence {
			termsafe.Fprintf(w, "    | %s\n", e)
		}
		// The full fix is printed once per rule and platform; later
		// findings refer to it.
		key := f.RuleID + "\x00" + string(f.Platform)
		if shown[key] {
			fmt.Fprintf(w, "    fix: as for %s above\n", f.RuleID)
			continue
		}
		shown[key] = true
		for i, l := range strings.Split(f.Fix, "\n") {
			if i == 0 {
				termsafe.Fprintf(w, "    fix: %s\n", l)
			} else {
				termsafe.Fprintf(w, "         %s\n", l)
			}
		}
	}
	for _, u := range res.NotEvaluated {
		loc := u.Source.String()
		if loc == "" {
			loc = "-"
		}
		fmt.Fprintf(w, "%s: not evaluated: %s: %s\n", loc, u.What, u.Why)
	}
	fmt.Fprintf(w, "%d finding(s): %d error, %d warning, %d info; %d suppressed; %d file(s), %d API(s)\n",
		len(res.Findings), counts[diag.Error], counts[diag.Warning], counts[diag.Info], res.Suppressed, res.Files, res.APIs)
}
