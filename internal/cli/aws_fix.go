package cli

import (
	"bufio"
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/corsdoctor/corsdoctor/cors"
	"github.com/corsdoctor/corsdoctor/fix/live"
	"github.com/corsdoctor/corsdoctor/internal/app/awsfix"
)

// AWSFixOptions are `aws fix`'s parsed flags.
type AWSFixOptions struct {
	// Diagnose holds the flags shared with aws diagnose (API, region,
	// profile, stage, origins, endpoint, credentials hooks).
	Diagnose    AWSDiagnoseOptions
	Headers     []string
	Apply       bool
	Yes         bool
	RollbackDir string
	InvokeURL   string
	JSON        bool
	// Probe replaces the re-check's prober (tests).
	Probe func(ctx context.Context, req cors.Request) (cors.Result, error)
}

// NewCmdAWSFix builds `corsdoctor aws fix`.
func NewCmdAWSFix(app *App, runF func(*AWSFixOptions) error) *cobra.Command {
	opts := &AWSFixOptions{Diagnose: AWSDiagnoseOptions{App: app}}
	d := &opts.Diagnose
	cmd := &cobra.Command{
		Use:   "fix --api-id ID --origin ORIGIN [flags]",
		Short: "Plan (and with --apply make) the API Gateway calls that fix the API's CORS, proved first",
		Long: `fix reads the API as 'aws diagnose' does, finds the CORS defects the rules report on
it, and plans the API Gateway calls that fix them, in order, ending with
create-deployment: each shown as an AWS CLI command and as the aws-sdk-go-v2 call.
Every change is proved before it enters the plan, as 'corsdoctor fix' proves a
rewrite: the same change is made to a copy of the API's model, linted, and every
route simulated for each --origin through the browser engine; a change that does not
get its routes further, or makes another route worse, is left out and reported.

Nothing is changed without --apply, which also needs --yes or a confirmation typed on
standard input. --apply first saves a rollback (the stage's current deployment id and
a GetExport of the API) under --rollback-dir and prints the commands that restore it,
then makes the calls; the first call that fails stops the plan before anything is
deployed. After the deployment it checks the stage's invoke URL for each origin, as
'corsdoctor check' does, and reports the verdicts.

The calls need write permissions beyond aws diagnose's: see docs/aws-iam.md.

Exit status: 0 nothing to change (or, after --apply, every re-check ALLOWED), 1 a
change to make, a failed call or a blocked re-check, 2 bad input or credentials.`,
		Example: `  corsdoctor aws fix --api-id a1b2c3d4e5 --stage prod --origin https://app.example.com
  corsdoctor aws fix --api-id a1b2c3d4e5 --stage prod --origin https://app.example.com --apply --yes`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if runF != nil {
				return runF(opts)
			}
			return runAWSFix(cmd.Context(), opts)
		},
	}
	fs := cmd.Flags()
	fs.StringVar(&d.APIID, "api-id", "", "REST or HTTP API id (required)")
	fs.StringVar(&d.Region, "region", "", "AWS region (default: AWS_REGION or the profile's region)")
	fs.StringVar(&d.Profile, "profile", "", "shared config profile (default: AWS_PROFILE)")
	fs.StringVar(&d.Stage, "stage", "", "stage to deploy to (default: the only one, or the most recently deployed)")
	fs.StringArrayVar(&d.Origins, "origin", nil, "page origin to allow and to prove the fixes for (repeatable)")
	fs.StringArrayVar(&opts.Headers, "header", nil, "request header name the API's clients send (repeatable)")
	fs.StringVar(&d.EndpointURL, "endpoint-url", "", "send every AWS call to this endpoint (LocalStack, a fake); also AWS_ENDPOINT_URL")
	fs.DurationVar(&d.Timeout, "timeout", 5*time.Minute, "give up after this long")
	fs.BoolVar(&opts.Apply, "apply", false, "make the calls (after saving a rollback), deploy, and re-check the invoke URL")
	fs.BoolVar(&opts.Yes, "yes", false, "with --apply: do not ask for confirmation")
	fs.StringVar(&opts.RollbackDir, "rollback-dir", ".", "where --apply saves the rollback (deployment id and the API's export)")
	fs.StringVar(&opts.InvokeURL, "invoke-url", "", "the stage's base URL for the re-check (default https://ID.execute-api.REGION.amazonaws.com/STAGE)")
	fs.BoolVar(&opts.JSON, "json", false, "write the plan and outcome as JSON")
	return cmd
}

func runAWSFix(ctx context.Context, opts *AWSFixOptions) error {
	if ctx == nil {
		ctx = context.Background()
	}
	d := &opts.Diagnose
	if len(d.Origins) == 0 {
		return WithHint(Usagef("aws fix: --origin is required"), "give the page's origin: --origin https://app.example.com")
	}
	if d.Timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, d.Timeout)
		defer cancel()
	}
	if err := d.check(); err != nil {
		return err
	}
	fo := awsfix.Options{Diagnose: d.Options, Headers: opts.Headers, RollbackDir: opts.RollbackDir, InvokeURL: opts.InvokeURL, Probe: opts.Probe}
	p, err := awsfix.Plan(ctx, fo)
	if err != nil {
		return err
	}
	io := d.App.IO
	if !opts.Apply || len(p.Plan.Steps) == 0 {
		if opts.JSON {
			return errOr(writeJSON(io.Out, awsfix.Document{Tool: "corsdoctor", Plan: p.Plan}), awsfix.Err(p.Plan, nil))
		}
		live.PlanText(io.Out, p.Kind, p.Name, p.Plan)
		if len(p.Plan.Steps) > 0 {
			fmt.Fprintf(io.Out, "\nNothing was changed. Apply the plan with --apply --yes (a rollback is saved first).\n")
		}
		return awsfix.Err(p.Plan, nil)
	}
	if !opts.Yes {
		fmt.Fprintf(io.ErrOut, "Apply %d call(s) to %s API %s, stage %s? [y/N] ", len(p.Plan.Steps), p.Kind, d.APIID, p.Plan.Stage)
		line, _ := bufio.NewReader(io.In).ReadString('\n')
		if a := strings.ToLower(strings.TrimSpace(line)); a != "y" && a != "yes" {
			fmt.Fprintln(io.ErrOut)
			return WithHint(Usagef("aws fix: not confirmed, nothing was changed"), "confirm interactively, or pass --yes")
		}
	}
	out, err := awsfix.Apply(ctx, fo, p)
	if err != nil {
		return err
	}
	if opts.JSON {
		return errOr(writeJSON(io.Out, awsfix.Document{Tool: "corsdoctor", Plan: p.Plan, Outcome: out}), awsfix.Err(p.Plan, out))
	}
	live.PlanText(io.Out, p.Kind, p.Name, p.Plan)
	live.OutcomeText(io.Out, p.Plan, out)
	return awsfix.Err(p.Plan, out)
}

// errOr is err, or else the outcome's error.
func errOr(err, outcome error) error {
	if err != nil {
		return err
	}
	return outcome
}
