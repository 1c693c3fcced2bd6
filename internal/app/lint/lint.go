// Package lint is corsdoctor lint's use case: read infrastructure code,
// build the API models, run the rules that read them, apply the
// suppressions (diag.Suppress) and judge them (CD2098, CD2099). It is
// callable without the CLI (corsdoctor fix lints its rewrites in memory
// through it).
package lint

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"runtime"
	"sort"
	"sync"

	"go.yaml.in/yaml/v3"

	"github.com/corsdoctor/corsdoctor/apimodel"
	"github.com/corsdoctor/corsdoctor/collect/iac"
	"github.com/corsdoctor/corsdoctor/diag"
	"github.com/corsdoctor/corsdoctor/internal/app"
	"github.com/corsdoctor/corsdoctor/report"
	"github.com/corsdoctor/corsdoctor/rules"
)

// Options say what to lint and how.
type Options struct {
	// Paths are files or directories.
	Paths []string
	// Origins are page origins (already validated) to predict verdicts
	// for (CD2050).
	Origins []string
	// Config is the configuration file (rules selection, suppressions);
	// "" for none.
	Config string
	// Rules is the rule selection (e.g. all,-CD2021); it overrides the
	// configuration file's.
	Rules []string
	// Workers bounds concurrent parsing (0: 2 x GOMAXPROCS).
	Workers int
	// SkipUnknown ignores given files that are not infrastructure code.
	SkipUnknown bool
	// Read, when set, reads the files instead of the disk (fix lints its
	// rewrites in memory).
	Read func(string) ([]byte, error)
}

// Result is the outcome of a lint run: the report (its JSON output) and
// what other use cases read on (fix reads the models).
type Result struct {
	report.Lint
	// FileErrors are Errors as read (SARIF notifications).
	FileErrors []error `json:"-"`
	// Rules are the rules that ran; Models the API models; FileNames the
	// files read, sorted.
	Rules     []*diag.Rule    `json:"-"`
	Models    []*apimodel.API `json:"-"`
	FileNames []string        `json:"-"`
	// Suppressions are the inline and config suppressions read (fix
	// applies them to the findings it adds itself).
	Suppressions []*diag.Suppression `json:"-"`
}

// ReadConfig reads the configuration file (YAML, at most 1 MiB; unknown
// keys are errors).
func ReadConfig(name string, r io.Reader) (*diag.Config, error) {
	b, err := io.ReadAll(io.LimitReader(r, 1<<20))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	var c diag.Config
	dec := yaml.NewDecoder(bytes.NewReader(b))
	dec.KnownFields(true)
	if err := dec.Decode(&c); err != nil && err != io.EOF {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if err := c.Validate(name); err != nil {
		return nil, err
	}
	return &c, nil
}

// Run lints opts.Paths. Files that cannot be read are in Result.Errors
// (the others are still linted); a bad configuration or rule selection
// is an app.UsageError.
func Run(ctx context.Context, opts Options) (*Result, error) {
	spec := []string{"all"}
	var cfg *diag.Config
	if opts.Config != "" {
		f, err := os.Open(opts.Config)
		if err != nil {
			return nil, app.Usagef("--config: %v", err)
		}
		cfg, err = ReadConfig(opts.Config, f)
		f.Close()
		if err != nil {
			return nil, app.Usagef("--config: %v", err)
		}
		if len(cfg.Rules) > 0 {
			spec = cfg.Rules
		}
	}
	if len(opts.Rules) > 0 {
		spec = opts.Rules
	}
	// The rules reading API models (CD20xx, shared with aws; CD21xx need
	// live AWS), then those judging the suppressions.
	selected, err := diag.Select(rules.For(diag.NeedsAPIs|diag.NeedsSuppressions), spec)
	if err != nil {
		return nil, app.Usagef("%v", err)
	}
	var onAPIs, onSups []*diag.Rule
	for _, r := range selected {
		if r.Needs.Has(diag.NeedsSuppressions) {
			onSups = append(onSups, r)
		} else {
			onAPIs = append(onAPIs, r)
		}
	}
	var mu sync.Mutex
	var sups []*diag.Suppression
	var names []string
	loaded := iac.Load(opts.Paths, iac.Options{Workers: opts.Workers, SkipUnknown: opts.SkipUnknown, Read: opts.Read, OnFile: func(name string, data []byte) {
		s := diag.ScanSuppressions(name, data)
		mu.Lock()
		defer mu.Unlock()
		names = append(names, name)
		sups = append(sups, s...)
	}})
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if cfg != nil {
		sups = append(sups, cfg.Suppressions(opts.Config)...)
	}
	sort.Strings(names)
	res := &Result{Lint: report.Lint{Tool: "corsdoctor", Version: report.Version, Files: loaded.Files, Formats: loaded.Formats, APIs: len(loaded.APIs)},
		Rules: selected, Models: loaded.APIs, FileNames: names}
	fs := runRules(onAPIs, loaded.APIs, opts.Origins)
	for i := range fs {
		// Findings in CDK output name the construct to change.
		if p := loaded.ConstructAt(fs[i].Location.File, fs[i].Location.Line); p != "" {
			fs[i].Evidence = append([]string{"CDK construct: " + p}, fs[i].Evidence...)
		}
	}
	res.Suppressions = sups
	res.Findings, res.Suppressed = diag.Suppress(fs, sups, onAPIs)
	res.Findings = append(res.Findings, diag.Run(onSups, &diag.Input{Suppressions: sups})...)
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
	res.FileErrors = loaded.Errors
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

// Err is the run's outcome as an error: app.ErrFindings when a finding
// has at least severity failOn, a usage error (exit 2) when files could
// not be linted, nil otherwise.
func (r *Result) Err(failOn diag.Severity) error {
	for _, f := range r.Findings {
		if f.Severity >= failOn {
			return app.ErrFindings
		}
	}
	if len(r.Errors) > 0 {
		return &app.UsageError{Err: fmt.Errorf("%d file(s) could not be linted", len(r.Errors))}
	}
	return nil
}
