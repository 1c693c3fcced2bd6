// Package awsdiagnose is corsdoctor aws diagnose's use case: the API
// Gateway playbook on one API (collect/apigw) or the configuration steps
// on every API of Regions (--all), then the rules on the evidence. It is
// callable without the CLI (the web UI and aws fix call it).
package awsdiagnose

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"golang.org/x/sync/errgroup"

	"github.com/corsdoctor/corsdoctor/apimodel"
	"github.com/corsdoctor/corsdoctor/collect/apigw"
	"github.com/corsdoctor/corsdoctor/diag"
	"github.com/corsdoctor/corsdoctor/evidence"
	"github.com/corsdoctor/corsdoctor/internal/app"
	"github.com/corsdoctor/corsdoctor/report"
	"github.com/corsdoctor/corsdoctor/rules"
)

// Options say which API to diagnose and how.
type Options struct {
	APIID   string
	Region  string
	Profile string
	Stage   string
	// Origins are page origins, already validated (cors.ParseOrigin).
	Origins      []string
	Since        time.Duration
	AppLogGroups []string
	TestInvoke   bool
	EndpointURL  string
	ShowSecrets  bool
	// Timeout is the run's bound, named in the give-up message (the
	// caller's context enforces it).
	Timeout time.Duration
	// Record writes every AWS answer of the run, redacted, to this
	// directory; Replay answers from such a directory instead of AWS.
	Record string
	Replay string
	// Regions are RunAll's Regions (default: Region).
	Regions []string
	// Quotas replaces API Gateway's documented quotas (tests).
	Quotas *apigw.Quotas
	// Now is the clock (nil: time.Now).
	Now func() time.Time

	// LoadConfig builds the SDK config (tests inject one); nil uses the
	// default credential chain.
	LoadConfig func(ctx context.Context, opts *Options) (aws.Config, error)
	// Backoff replaces the retry backoff (tests); PollInterval the Logs
	// Insights polling interval.
	Backoff      retry.BackoffDelayer
	PollInterval time.Duration
}

// Result is the playbook's evidence and verdicts, and the findings.
type Result struct {
	Diagnosis *apigw.Result
	Findings  []diag.Finding
}

// Err is the outcome as an error: app.ErrFindings when the API's
// configuration could not be read at all (not clean) or a finding has at
// least severity failOn.
func (r *Result) Err(failOn diag.Severity) error {
	if failed(r.Diagnosis.Playbook, r.Findings, failOn) {
		return app.ErrFindings
	}
	return nil
}

// AllErr is RunAll's outcome as an error: app.ErrFindings when an API
// could not be diagnosed, or as Result.Err for any API.
func AllErr(regions []report.AWSAllRegion, failOn diag.Severity) error {
	for _, r := range regions {
		if len(r.Errors) > 0 {
			return app.ErrFindings
		}
		for i, doc := range r.APIs {
			if failed(doc.Playbook, r.Findings[i], failOn) {
				return app.ErrFindings
			}
		}
	}
	return nil
}

func failed(pb *evidence.Playbook, findings []diag.Finding, failOn diag.Severity) bool {
	if pb.Kind == evidence.UnknownAPI {
		return true
	}
	for _, f := range findings {
		if f.Severity >= failOn {
			return true
		}
	}
	return false
}

// defaultConfig loads the SDK config with the default credential chain.
func defaultConfig(ctx context.Context, opts *Options) (aws.Config, error) {
	var lo []func(*config.LoadOptions) error
	if opts.Profile != "" {
		lo = append(lo, config.WithSharedConfigProfile(opts.Profile))
	}
	if opts.Region != "" {
		lo = append(lo, config.WithRegion(opts.Region))
	}
	if opts.EndpointURL != "" {
		lo = append(lo, config.WithBaseEndpoint(opts.EndpointURL))
	}
	return config.LoadDefaultConfig(ctx, lo...)
}

// Run runs the playbook on one API and the rules on its evidence.
func Run(ctx context.Context, o Options) (*Result, error) {
	opts := &o
	if opts.APIID == "" && opts.Replay == "" {
		return nil, app.WithHint(app.Usagef("--api-id is required"), "list your APIs: aws apigateway get-rest-apis; aws apigatewayv2 get-apis")
	}
	if opts.Since < time.Minute || opts.Since > 24*time.Hour {
		return nil, app.Usagef("--since %s: want a duration between 1m and 24h", opts.Since)
	}
	if opts.Record != "" && opts.Replay != "" {
		return nil, app.Usagef("--record and --replay cannot be used together")
	}
	now := opts.Now
	if now == nil {
		now = time.Now
	}
	if opts.Replay != "" {
		rp, m, err := apigw.LoadReplay(opts.Replay)
		if err != nil {
			return nil, app.WithHint(app.Usagef("%v", err), "give a directory written by corsdoctor aws diagnose --record DIR")
		}
		if opts.APIID != "" && opts.APIID != m.APIID {
			return nil, app.Usagef("--replay %s recorded API %s, not %s", opts.Replay, m.APIID, opts.APIID)
		}
		since, _ := time.ParseDuration(m.Since)
		opts.APIID, opts.Stage, opts.Since, opts.Origins, opts.AppLogGroups, opts.TestInvoke = m.APIID, m.Stage, since, m.Origins, m.AppLogGroups, m.TestInvoke
		opts.Region = m.Region
		at := m.Now
		now = func() time.Time { return at }
		opts.LoadConfig = func(context.Context, *Options) (aws.Config, error) {
			return aws.Config{Region: m.Region, HTTPClient: rp, Credentials: credentials.NewStaticCredentialsProvider("AKIAREPLAY0000000000", "replay", "")}, nil
		}
	}
	if opts.APIID == "" {
		return nil, app.WithHint(app.Usagef("--api-id is required"), "list your APIs: aws apigateway get-rest-apis; aws apigatewayv2 get-apis")
	}
	origins := opts.Origins
	cfg, err := LoadConfig(ctx, opts)
	if err != nil {
		return nil, err
	}
	var rec *apigw.Recorder
	if opts.Record != "" {
		rec = apigw.NewRecorder(cfg.HTTPClient)
		cfg.HTTPClient = rec
	}
	at := now()
	res, err := apigw.Diagnose(ctx, apigw.NewClients(cfg, opts.Backoff), apigw.Options{
		APIID: opts.APIID, Stage: opts.Stage, Origins: origins, Since: opts.Since, AppLogGroups: opts.AppLogGroups,
		TestInvoke: opts.TestInvoke, Now: func() time.Time { return at }, PollInterval: opts.PollInterval,
	})
	if rec != nil {
		m := apigw.ReplayManifest{Tool: report.Version, Now: at, Region: cfg.Region, APIID: opts.APIID, Stage: opts.Stage, Since: opts.Since.String(),
			Origins: origins, AppLogGroups: opts.AppLogGroups, TestInvoke: opts.TestInvoke}
		if werr := rec.Write(opts.Record, m); werr != nil {
			return nil, app.Usagef("--record: %v", werr)
		}
	}
	if err != nil {
		var ie *apigw.InputError
		if errors.As(err, &ie) {
			return nil, app.WithHint(app.Usagef("%s", ie.Msg), ie.Hint)
		}
		if ctx.Err() != nil {
			return nil, app.Usagef("aws diagnose: gave up after --timeout %s", opts.Timeout)
		}
		return nil, app.Usagef("aws diagnose: %v", err)
	}
	return &Result{Diagnosis: res, Findings: playbookFindings(res, origins)}, nil
}

// playbookFindings runs every rule on a playbook and its API, and writes
// the rules' step verdicts into the playbook.
func playbookFindings(res *apigw.Result, origins []string) []diag.Finding {
	// The stage's access logs, aggregated by the shared Logs Insights
	// query, feed the same access-log rules as `corsdoctor logs`.
	in := &diag.Input{Playbook: res.Playbook, Origins: origins, Logs: res.Playbook.Access}
	if res.API != nil {
		in.APIs = []*apimodel.API{res.API}
	}
	out := diag.Analyze(rules.All(), in)
	out.ApplySteps(res.Playbook)
	return out.Findings
}

// SDKConfig builds the SDK config as Run does (opts.LoadConfig, or the
// default credential chain), without checking the credentials.
func SDKConfig(ctx context.Context, opts *Options) (aws.Config, error) {
	if opts.LoadConfig != nil {
		return opts.LoadConfig(ctx, opts)
	}
	return defaultConfig(ctx, opts)
}

// LoadConfig builds the SDK config for opts.Region and checks that
// credentials can be had: bad input is a usage error with a hint.
func LoadConfig(ctx context.Context, opts *Options) (aws.Config, error) {
	cfg, err := SDKConfig(ctx, opts)
	if err != nil {
		var pe config.SharedConfigProfileNotExistError
		if errors.As(err, &pe) {
			return aws.Config{}, app.WithHint(app.Usagef("AWS profile %q not found in the shared config", pe.Profile), "list profiles with 'aws configure list-profiles'; pass one with --profile or AWS_PROFILE")
		}
		return aws.Config{}, app.WithHint(app.Usagef("AWS configuration: %v", err), "check AWS_PROFILE, AWS_CONFIG_FILE and AWS_SHARED_CREDENTIALS_FILE")
	}
	if cfg.Region == "" {
		return aws.Config{}, app.WithHint(app.Usagef("no AWS region"), "pass --region us-east-1 (or set AWS_REGION, or a region in the profile)")
	}
	if cfg.Credentials == nil {
		return aws.Config{}, app.WithHint(app.Usagef("no AWS credentials found"), credentialsHint(opts))
	}
	cctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	creds, err := cfg.Credentials.Retrieve(cctx)
	cancel()
	if err != nil {
		return aws.Config{}, app.WithHint(app.Usagef("no AWS credentials found: %s", firstLine(err.Error())), credentialsHint(opts))
	}
	if creds.Expired() {
		return aws.Config{}, app.WithHint(app.Usagef("AWS credentials expired at %s", creds.Expires.UTC().Format(time.RFC3339)), "refresh them: aws sso login --profile PROFILE, or export new AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY/AWS_SESSION_TOKEN")
	}
	return cfg, nil
}

func credentialsHint(opts *Options) string {
	if opts.Profile != "" {
		return fmt.Sprintf("profile %q has no usable credentials: run 'aws sso login --profile %s' or 'aws configure --profile %s'", opts.Profile, opts.Profile, opts.Profile)
	}
	return "pass --profile NAME (or set AWS_PROFILE), run 'aws sso login', or export AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY"
}

func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}

// AllDocument is the JSON report of aws diagnose --all: per Region,
// every API's playbook document.
type AllDocument struct {
	Tool    string                `json:"tool"`
	Version string                `json:"version"`
	Regions []report.AWSAllRegion `json:"regions"`
	Quotas  apigw.Quotas          `json:"quotas"`
}

// RunAll runs the configuration steps on every API of each
// Region, Regions concurrently (quotas are per account and Region).
func RunAll(ctx context.Context, o Options) ([]report.AWSAllRegion, error) {
	opts := &o
	switch {
	case opts.APIID != "":
		return nil, app.WithHint(app.Usagef("--api-id and --all cannot be used together"), "drop --api-id to diagnose every API, or --all to diagnose one")
	case opts.Record != "" || opts.Replay != "":
		return nil, app.WithHint(app.Usagef("--record and --replay apply to one API, not --all"), "record one API at a time: aws diagnose --api-id ID --record DIR")
	}
	origins := opts.Origins
	regions := opts.Regions
	if len(regions) == 0 {
		regions = []string{opts.Region}
	}
	q := apigw.DefaultQuotas
	if opts.Quotas != nil {
		q = *opts.Quotas
	}
	now := opts.Now
	if now == nil {
		now = time.Now
	}
	at := now()
	out := make([]report.AWSAllRegion, len(regions))
	g, gctx := errgroup.WithContext(ctx)
	for i, region := range regions {
		g.Go(func() error {
			o := *opts
			o.Region = strings.TrimSpace(region)
			cfg, err := LoadConfig(gctx, &o)
			if err != nil {
				return err
			}
			l := apigw.NewLimiter(q)
			t0 := time.Now()
			f, err := apigw.DiagnoseAll(gctx, apigw.NewClientsLimited(cfg, opts.Backoff, l), apigw.AllOptions{Options: apigw.Options{
				Origins: origins, Now: func() time.Time { return at }, PollInterval: opts.PollInterval}})
			if err != nil {
				var ie *apigw.InputError
				if errors.As(err, &ie) {
					return app.WithHint(app.Usagef("%s: %s", cfg.Region, ie.Msg), ie.Hint)
				}
				return app.Usagef("aws diagnose --all: %s: %v", cfg.Region, err)
			}
			r := report.AWSAllRegion{Region: cfg.Region, Errors: f.Errors, Calls: l.Calls.Load(), GetResources: l.GetResources.Load(), Elapsed: time.Since(t0).Seconds()}
			r.Bound = q.Bound(int(r.Calls), int(r.GetResources)).Seconds()
			for _, res := range f.APIs {
				fs := playbookFindings(res, origins)
				r.Findings = append(r.Findings, fs)
				r.APIs = append(r.APIs, report.NewPlaybookDocument(res.Playbook, fs, report.Options{ShowSecrets: opts.ShowSecrets}))
			}
			out[i] = r
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		if ctx.Err() != nil {
			return nil, app.Usagef("aws diagnose --all: gave up after --timeout %s", opts.Timeout)
		}
		return nil, err
	}
	return out, nil
}
