package cli

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
	"github.com/spf13/cobra"
	"golang.org/x/sync/errgroup"

	"github.com/corsdoctor/corsdoctor/apimodel"
	"github.com/corsdoctor/corsdoctor/collect/apigw"
	"github.com/corsdoctor/corsdoctor/diag"
	"github.com/corsdoctor/corsdoctor/evidence"
	"github.com/corsdoctor/corsdoctor/report"
	"github.com/corsdoctor/corsdoctor/rules"
)

// AWSDiagnoseOptions are `aws diagnose`'s parsed flags.
type AWSDiagnoseOptions struct {
	App          *App
	APIID        string
	Region       string
	Profile      string
	Stage        string
	Origins      []string
	Since        time.Duration
	AppLogGroups []string
	TestInvoke   bool
	EndpointURL  string
	JSON         bool
	HTML         HTMLFlag
	ShowSecrets  bool
	FailOn       string
	Timeout      time.Duration
	// Record writes every AWS answer of the run, redacted, to this
	// directory; Replay answers from such a directory instead of AWS.
	Record string
	Replay string
	// All diagnoses every API of the Region (or of Regions):
	// configuration steps, paced to API Gateway's quotas.
	All     bool
	Regions []string
	// Quotas replaces API Gateway's documented quotas (tests).
	Quotas *apigw.Quotas

	// LoadConfig builds the SDK config (tests inject one); nil uses the
	// default credential chain.
	LoadConfig func(ctx context.Context, opts *AWSDiagnoseOptions) (aws.Config, error)
	// Backoff replaces the retry backoff (tests); PollInterval the Logs
	// Insights polling interval.
	Backoff      retry.BackoffDelayer
	PollInterval time.Duration
}

// NewCmdAWS builds `corsdoctor aws` and its subcommands.
func NewCmdAWS(app *App, runF func(*AWSDiagnoseOptions) error) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "aws",
		Short: "Diagnose CORS on live AWS API Gateway APIs",
		Args:  cobra.NoArgs,
	}
	cmd.AddCommand(NewCmdAWSDiagnose(app, runF))
	cmd.AddCommand(NewCmdAWSFix(app, nil))
	return cmd
}

// NewCmdAWSDiagnose builds `corsdoctor aws diagnose`.
func NewCmdAWSDiagnose(app *App, runF func(*AWSDiagnoseOptions) error) *cobra.Command {
	opts := &AWSDiagnoseOptions{App: app}
	cmd := &cobra.Command{
		Use:   "diagnose --api-id ID [flags]",
		Short: "Run the API Gateway CORS incident playbook against an API and correlate the evidence",
		Long: `diagnose runs the API Gateway CORS playbook in one command: it checks that the API
exists and is deployed, reads its CORS configuration (HTTP API CorsConfiguration, or
REST resources with their OPTIONS methods, integration responses and gateway
responses), the stage's deployed export (drift), CloudWatch 4XX/5XX per minute,
Logs Insights aggregates of the access, execution and application logs, and the
CloudTrail change history; then it correlates the rise in errors with deployments,
configuration changes, failed preflights, origins and credentials. When nothing
correlates it widens the window to 2 hours and says so.

Credentials come from the default chain (environment, shared config and
--profile, SSO, container and instance roles). AWS_ENDPOINT_URL and --endpoint-url
are honoured (LocalStack). Only read-only calls are made (docs/aws-iam.md);
--test-invoke adds TestInvokeMethod calls, which run the current configuration
without authorizers and are not logged in CloudTrail.

Exit status: 0 no finding at or above --fail-on, 1 findings, 2 bad input (unknown
API, wrong region, missing or expired credentials).`,
		Example: `  corsdoctor aws diagnose --api-id a1b2c3d4e5 --region us-east-1
  corsdoctor aws diagnose --api-id a1b2c3d4e5 --profile prod --stage prod --origin https://app.example.com \
    --app-log-group /ecs/web --since 30m --json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if runF != nil {
				return runF(opts)
			}
			if opts.All || len(opts.Regions) > 0 {
				return runAWSDiagnoseAll(cmd.Context(), opts)
			}
			return runAWSDiagnose(cmd.Context(), opts)
		},
	}
	fs := cmd.Flags()
	fs.StringVar(&opts.APIID, "api-id", "", "REST, HTTP or WebSocket API id (required)")
	fs.StringVar(&opts.Region, "region", "", "AWS region (default: AWS_REGION or the profile's region)")
	fs.StringVar(&opts.Profile, "profile", "", "shared config profile (default: AWS_PROFILE)")
	fs.StringVar(&opts.Stage, "stage", "", "stage to diagnose (default: the only one, or the most recently deployed)")
	fs.StringArrayVar(&opts.Origins, "origin", nil, "page origin to check against the configuration and simulate (repeatable)")
	fs.DurationVar(&opts.Since, "since", time.Hour, "first window to analyse; widened to 2h when nothing correlates")
	fs.StringArrayVar(&opts.AppLogGroups, "app-log-group", nil, "application log group with browser or CORS errors (repeatable)")
	fs.BoolVar(&opts.TestInvoke, "test-invoke", false, "call TestInvokeMethod on OPTIONS and proxy methods (REST) to see the headers returned")
	fs.StringVar(&opts.EndpointURL, "endpoint-url", "", "send every AWS call to this endpoint (LocalStack, a fake); also AWS_ENDPOINT_URL")
	fs.BoolVar(&opts.JSON, "json", false, "write the JSON report (docs/aws.md) instead of text")
	fs.BoolVar(&opts.ShowSecrets, "show-secrets", false, "do not redact credentials, tokens and secret headers in the report")
	fs.StringVar(&opts.FailOn, "fail-on", "error", "exit 1 when a finding has at least this severity: error, warning or info")
	fs.DurationVar(&opts.Timeout, "timeout", 2*time.Minute, "give up after this long")
	fs.StringVar(&opts.Record, "record", "", "write every AWS answer of the run, redacted (account ids, ARNs' principals, user names, IPs, keys, tokens), to this directory, to replay it with --replay")
	fs.BoolVar(&opts.All, "all", false, "diagnose every REST, HTTP and WebSocket API of the region: configuration steps only, paced to API Gateway's quotas (GetResources 5 per 2 s, 10 calls per second)")
	fs.StringSliceVar(&opts.Regions, "regions", nil, "with --all: these regions (comma-separated; implies --all)")
	fs.StringVar(&opts.Replay, "replay", "", "answer from a directory written by --record instead of AWS (offline; the recorded clock, region and options are used)")
	opts.HTML.Register(fs)
	return cmd
}

// defaultAWSConfig loads the SDK config with the default credential chain.
func defaultAWSConfig(ctx context.Context, opts *AWSDiagnoseOptions) (aws.Config, error) {
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

// AWSDiagnose runs the playbook and the rules; the command and tests call it.
func AWSDiagnose(ctx context.Context, opts *AWSDiagnoseOptions) (*apigw.Result, []diag.Finding, error) {
	if opts.APIID == "" && opts.Replay == "" {
		return nil, nil, WithHint(Usagef("--api-id is required"), "list your APIs: aws apigateway get-rest-apis; aws apigatewayv2 get-apis")
	}
	if opts.Since < time.Minute || opts.Since > 24*time.Hour {
		return nil, nil, Usagef("--since %s: want a duration between 1m and 24h", opts.Since)
	}
	if opts.Record != "" && opts.Replay != "" {
		return nil, nil, Usagef("--record and --replay cannot be used together")
	}
	now := opts.App.Now
	if now == nil {
		now = time.Now
	}
	if opts.Replay != "" {
		rp, m, err := apigw.LoadReplay(opts.Replay)
		if err != nil {
			return nil, nil, WithHint(Usagef("%v", err), "give a directory written by corsdoctor aws diagnose --record DIR")
		}
		if opts.APIID != "" && opts.APIID != m.APIID {
			return nil, nil, Usagef("--replay %s recorded API %s, not %s", opts.Replay, m.APIID, opts.APIID)
		}
		since, _ := time.ParseDuration(m.Since)
		opts.APIID, opts.Stage, opts.Since, opts.Origins, opts.AppLogGroups, opts.TestInvoke = m.APIID, m.Stage, since, m.Origins, m.AppLogGroups, m.TestInvoke
		opts.Region = m.Region
		at := m.Now
		now = func() time.Time { return at }
		opts.LoadConfig = func(context.Context, *AWSDiagnoseOptions) (aws.Config, error) {
			return aws.Config{Region: m.Region, HTTPClient: rp, Credentials: credentials.NewStaticCredentialsProvider("AKIAREPLAY0000000000", "replay", "")}, nil
		}
	}
	if opts.APIID == "" {
		return nil, nil, WithHint(Usagef("--api-id is required"), "list your APIs: aws apigateway get-rest-apis; aws apigatewayv2 get-apis")
	}
	var origins []string
	for _, o := range opts.Origins {
		v, err := ParseOriginFlag(o)
		if err != nil {
			return nil, nil, err
		}
		origins = append(origins, v)
	}
	if opts.EndpointURL != "" {
		if _, err := ParseURL("--endpoint-url", opts.EndpointURL); err != nil {
			return nil, nil, err
		}
	}
	cfg, err := loadAWS(ctx, opts)
	if err != nil {
		return nil, nil, err
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
			return nil, nil, Usagef("--record: %v", werr)
		}
	}
	if err != nil {
		var ie *apigw.InputError
		if errors.As(err, &ie) {
			return nil, nil, WithHint(Usagef("%s", ie.Msg), ie.Hint)
		}
		if ctx.Err() != nil {
			return nil, nil, Usagef("aws diagnose: gave up after --timeout %s", opts.Timeout)
		}
		return nil, nil, Usagef("aws diagnose: %v", err)
	}
	return res, playbookFindings(res, origins), nil
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

// loadAWS builds the SDK config for opts.Region and checks that
// credentials can be had: bad input is a usage error with a hint.
func loadAWS(ctx context.Context, opts *AWSDiagnoseOptions) (aws.Config, error) {
	load := opts.LoadConfig
	if load == nil {
		load = defaultAWSConfig
	}
	cfg, err := load(ctx, opts)
	if err != nil {
		var pe config.SharedConfigProfileNotExistError
		if errors.As(err, &pe) {
			return aws.Config{}, WithHint(Usagef("AWS profile %q not found in the shared config", pe.Profile), "list profiles with 'aws configure list-profiles'; pass one with --profile or AWS_PROFILE")
		}
		return aws.Config{}, WithHint(Usagef("AWS configuration: %v", err), "check AWS_PROFILE, AWS_CONFIG_FILE and AWS_SHARED_CREDENTIALS_FILE")
	}
	if cfg.Region == "" {
		return aws.Config{}, WithHint(Usagef("no AWS region"), "pass --region us-east-1 (or set AWS_REGION, or a region in the profile)")
	}
	if cfg.Credentials == nil {
		return aws.Config{}, WithHint(Usagef("no AWS credentials found"), credentialsHint(opts))
	}
	cctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	creds, err := cfg.Credentials.Retrieve(cctx)
	cancel()
	if err != nil {
		return aws.Config{}, WithHint(Usagef("no AWS credentials found: %s", firstLine(err.Error())), credentialsHint(opts))
	}
	if creds.Expired() {
		return aws.Config{}, WithHint(Usagef("AWS credentials expired at %s", creds.Expires.UTC().Format(time.RFC3339)), "refresh them: aws sso login --profile PROFILE, or export new AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY/AWS_SESSION_TOKEN")
	}
	return cfg, nil
}

func credentialsHint(opts *AWSDiagnoseOptions) string {
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

func runAWSDiagnose(ctx context.Context, opts *AWSDiagnoseOptions) error {
	if ctx == nil {
		ctx = context.Background()
	}
	failOn, err := diag.ParseSeverity(opts.FailOn)
	if err != nil {
		return Usagef("--fail-on: %v", err)
	}
	if opts.Timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, opts.Timeout)
		defer cancel()
	}
	res, findings, err := AWSDiagnose(ctx, opts)
	if err != nil {
		return err
	}
	app := opts.App
	doc := report.NewPlaybookDocument(res.Playbook, findings, report.Options{ShowSecrets: opts.ShowSecrets})
	if opts.JSON {
		err = report.PlaybookJSON(app.IO.Out, doc)
	} else {
		err = report.PlaybookText(app.IO.Out, doc)
	}
	if err != nil {
		return err
	}
	if err := opts.HTML.WritePage(app, report.PlaybookPage(doc), report.HTMLOptions{}); err != nil {
		return err
	}
	// An API whose configuration could not be read at all is not clean.
	if res.Playbook.Kind == evidence.UnknownAPI {
		return ErrFindings
	}
	for _, f := range findings {
		if f.Severity >= failOn {
			return ErrFindings
		}
	}
	return nil
}

// AWSAllDocument is the JSON report of aws diagnose --all: per Region,
// every API's playbook document.
type AWSAllDocument struct {
	Tool    string         `json:"tool"`
	Version string         `json:"version"`
	Regions []AWSAllRegion `json:"regions"`
	Quotas  apigw.Quotas   `json:"quotas"`
}

// AWSAllRegion is one Region of aws diagnose --all.
type AWSAllRegion = report.AWSAllRegion

// AWSDiagnoseAll runs the configuration steps on every API of each
// Region, Regions concurrently (quotas are per account and Region).
func AWSDiagnoseAll(ctx context.Context, opts *AWSDiagnoseOptions) ([]AWSAllRegion, error) {
	switch {
	case opts.APIID != "":
		return nil, WithHint(Usagef("--api-id and --all cannot be used together"), "drop --api-id to diagnose every API, or --all to diagnose one")
	case opts.Record != "" || opts.Replay != "":
		return nil, WithHint(Usagef("--record and --replay apply to one API, not --all"), "record one API at a time: aws diagnose --api-id ID --record DIR")
	case opts.HTML.Path != "":
		return nil, WithHint(Usagef("--html applies to one API, not --all"), "use --json for --all, or --html with --api-id")
	}
	var origins []string
	for _, o := range opts.Origins {
		v, err := ParseOriginFlag(o)
		if err != nil {
			return nil, err
		}
		origins = append(origins, v)
	}
	regions := opts.Regions
	if len(regions) == 0 {
		regions = []string{opts.Region}
	}
	q := apigw.DefaultQuotas
	if opts.Quotas != nil {
		q = *opts.Quotas
	}
	now := opts.App.Now
	if now == nil {
		now = time.Now
	}
	at := now()
	out := make([]AWSAllRegion, len(regions))
	g, gctx := errgroup.WithContext(ctx)
	for i, region := range regions {
		g.Go(func() error {
			o := *opts
			o.Region = strings.TrimSpace(region)
			cfg, err := loadAWS(gctx, &o)
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
					return WithHint(Usagef("%s: %s", cfg.Region, ie.Msg), ie.Hint)
				}
				return Usagef("aws diagnose --all: %s: %v", cfg.Region, err)
			}
			r := AWSAllRegion{Region: cfg.Region, Errors: f.Errors, Calls: l.Calls.Load(), GetResources: l.GetResources.Load(), Elapsed: time.Since(t0).Seconds()}
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
			return nil, Usagef("aws diagnose --all: gave up after --timeout %s", opts.Timeout)
		}
		return nil, err
	}
	return out, nil
}

func runAWSDiagnoseAll(ctx context.Context, opts *AWSDiagnoseOptions) error {
	if ctx == nil {
		ctx = context.Background()
	}
	failOn, err := diag.ParseSeverity(opts.FailOn)
	if err != nil {
		return Usagef("--fail-on: %v", err)
	}
	if opts.Timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, opts.Timeout)
		defer cancel()
	}
	regions, err := AWSDiagnoseAll(ctx, opts)
	if err != nil {
		return err
	}
	app := opts.App
	q := apigw.DefaultQuotas
	if opts.Quotas != nil {
		q = *opts.Quotas
	}
	if opts.JSON {
		err = writeJSON(app.IO.Out, AWSAllDocument{Tool: "corsdoctor", Version: report.Version, Regions: regions, Quotas: q})
	} else {
		err = report.AWSAllText(app.IO.Out, regions)
	}
	if err != nil {
		return err
	}
	bad := false
	for _, r := range regions {
		bad = bad || len(r.Errors) > 0
		for i, doc := range r.APIs {
			if doc.Playbook.Kind == evidence.UnknownAPI {
				bad = true
			}
			for _, f := range r.Findings[i] {
				bad = bad || f.Severity >= failOn
			}
		}
	}
	if bad {
		return ErrFindings
	}
	return nil
}
