package cli

import (
	"context"
	"time"

	"github.com/spf13/cobra"

	"github.com/corsdoctor/corsdoctor/collect/apigw"
	"github.com/corsdoctor/corsdoctor/diag"
	"github.com/corsdoctor/corsdoctor/internal/app/awsdiagnose"
	"github.com/corsdoctor/corsdoctor/report"
)

// AWSDiagnoseOptions are `aws diagnose`'s parsed flags: the use case's
// options (Origins as given, validated by AWSDiagnose) and the output.
type AWSDiagnoseOptions struct {
	App    *App
	JSON   bool
	HTML   HTMLFlag
	FailOn string
	// All diagnoses every API of the Region (or of Regions):
	// configuration steps, paced to API Gateway's quotas.
	All bool
	awsdiagnose.Options
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

// AWSDiagnose validates the flags the use case cannot (origins, the
// endpoint URL) and runs it; the command, aws fix and the web UI call it.
func AWSDiagnose(ctx context.Context, opts *AWSDiagnoseOptions) (*awsdiagnose.Result, error) {
	if err := opts.check(); err != nil {
		return nil, err
	}
	return awsdiagnose.Run(ctx, opts.Options)
}

// check validates the origins (in place) and the endpoint URL, and sets
// the clock.
func (opts *AWSDiagnoseOptions) check() error {
	for i, o := range opts.Origins {
		v, err := ParseOriginFlag(o)
		if err != nil {
			return err
		}
		opts.Origins[i] = v
	}
	if opts.EndpointURL != "" {
		if _, err := ParseURL("--endpoint-url", opts.EndpointURL); err != nil {
			return err
		}
	}
	if opts.Now == nil {
		opts.Now = opts.App.Now
	}
	return nil
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
	res, err := AWSDiagnose(ctx, opts)
	if err != nil {
		return err
	}
	app := opts.App
	doc := report.NewPlaybookDocument(res.Diagnosis.Playbook, res.Findings, report.Options{ShowSecrets: opts.ShowSecrets})
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
	return res.Err(failOn)
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
	if opts.HTML.Path != "" {
		return WithHint(Usagef("--html applies to one API, not --all"), "use --json for --all, or --html with --api-id")
	}
	if err := opts.check(); err != nil {
		return err
	}
	regions, err := awsdiagnose.RunAll(ctx, opts.Options)
	if err != nil {
		return err
	}
	app := opts.App
	q := apigw.DefaultQuotas
	if opts.Quotas != nil {
		q = *opts.Quotas
	}
	if opts.JSON {
		err = writeJSON(app.IO.Out, awsdiagnose.AllDocument{Tool: "corsdoctor", Version: report.Version, Regions: regions, Quotas: q})
	} else {
		err = report.AWSAllText(app.IO.Out, regions)
	}
	if err != nil {
		return err
	}
	return awsdiagnose.AllErr(regions, failOn)
}
