package cli

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/spf13/cobra"

	"github.com/corsdoctor/corsdoctor/apimodel"
	"github.com/corsdoctor/corsdoctor/collect/apigw"
	"github.com/corsdoctor/corsdoctor/collect/probe"
	"github.com/corsdoctor/corsdoctor/cors"
	"github.com/corsdoctor/corsdoctor/diag"
	"github.com/corsdoctor/corsdoctor/fix/live"
	"github.com/corsdoctor/corsdoctor/internal/app/awsdiagnose"
	"github.com/corsdoctor/corsdoctor/internal/termsafe"
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

// awsFixJSON is aws fix's JSON output (docs/fix.md).
type awsFixJSON struct {
	Tool    string        `json:"tool"`
	Plan    *live.Plan    `json:"plan"`
	Outcome *live.Outcome `json:"outcome,omitempty"`
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
	d.Since = time.Hour
	diagnosed, err := AWSDiagnose(ctx, d)
	if err != nil {
		return err
	}
	res, findings := diagnosed.Diagnosis, diagnosed.Findings
	if res.API == nil {
		return Usagef("aws fix: the API's configuration could not be read (see 'corsdoctor aws diagnose --api-id %s')", d.APIID)
	}
	var origins []string
	for _, o := range d.Origins {
		v, _ := ParseOriginFlag(o)
		origins = append(origins, v)
	}
	var iac []diag.Finding
	for _, f := range findings {
		if strings.HasPrefix(f.RuleID, "CD20") {
			iac = append(iac, f)
		}
	}
	pb := res.Playbook
	auto := false
	for _, st := range res.API.Stages {
		if st.Name == pb.Stage && st.AutoDeploy == apimodel.TriYes {
			auto = true
		}
	}
	plan, err := live.Build(res.API, iac, live.Options{APIID: d.APIID, Stage: pb.Stage, Region: pb.Region, Origins: origins, Headers: opts.Headers, AutoDeploy: auto})
	if err != nil {
		return Usagef("aws fix: %v", err)
	}
	io := d.App.IO
	if !opts.Apply || len(plan.Steps) == 0 {
		if opts.JSON {
			return finishAWSFix(writeJSON(io.Out, awsFixJSON{Tool: "corsdoctor", Plan: plan}), plan, nil)
		}
		awsFixPlanText(io.Out, string(pb.Kind), pb.APIName, plan)
		if len(plan.Steps) > 0 {
			fmt.Fprintf(io.Out, "\nNothing was changed. Apply the plan with --apply --yes (a rollback is saved first).\n")
		}
		return finishAWSFix(nil, plan, nil)
	}
	if !opts.Yes {
		fmt.Fprintf(io.ErrOut, "Apply %d call(s) to %s API %s, stage %s? [y/N] ", len(plan.Steps), pb.Kind, d.APIID, pb.Stage)
		line, _ := bufio.NewReader(io.In).ReadString('\n')
		if a := strings.ToLower(strings.TrimSpace(line)); a != "y" && a != "yes" {
			fmt.Fprintln(io.ErrOut)
			return WithHint(Usagef("aws fix: not confirmed, nothing was changed"), "confirm interactively, or pass --yes")
		}
	}
	probeFn := opts.Probe
	if probeFn == nil {
		probeFn = func(ctx context.Context, req cors.Request) (cors.Result, error) {
			p := probe.New(probe.Options{NoExtra: true, Repeat: -1})
			defer p.Close()
			r := p.Probe(ctx, req, nil)
			if r.Exchange.Err != "" {
				return cors.Result{}, fmt.Errorf("%s", r.Exchange.Err)
			}
			return r.Exchange.Result, nil
		}
	}
	cfg, err := awsConfigFor(ctx, d)
	if err != nil {
		return err
	}
	out, err := live.Apply(ctx, apigw.NewClients(cfg, d.Backoff), plan, live.ApplyOptions{RollbackDir: opts.RollbackDir, InvokeURL: opts.InvokeURL, Probe: probeFn, Now: d.App.Now})
	if err != nil {
		return Usagef("aws fix: %v", err)
	}
	if opts.JSON {
		return finishAWSFix(writeJSON(io.Out, awsFixJSON{Tool: "corsdoctor", Plan: plan, Outcome: out}), plan, out)
	}
	awsFixPlanText(io.Out, string(pb.Kind), pb.APIName, plan)
	awsFixOutcomeText(io.Out, plan, out)
	return finishAWSFix(nil, plan, out)
}

// finishAWSFix maps the outcome to the exit code.
func finishAWSFix(err error, p *live.Plan, out *live.Outcome) error {
	if err != nil {
		return err
	}
	if out == nil {
		if len(p.Steps) > 0 {
			return ErrFindings
		}
		return nil
	}
	if out.Failed != "" {
		return ErrFindings
	}
	for _, c := range out.Checks {
		if !c.Allowed {
			return ErrFindings
		}
	}
	return nil
}

// awsConfigFor loads the SDK config as AWSDiagnose did.
func awsConfigFor(ctx context.Context, d *AWSDiagnoseOptions) (aws.Config, error) {
	return awsdiagnose.SDKConfig(ctx, &d.Options)
}

func awsFixPlanText(w io.Writer, kind, name string, p *live.Plan) {
	fmt.Fprintf(w, "corsdoctor aws fix: %s API %s", kind, p.APIID)
	if name != "" {
		fmt.Fprintf(w, " %q", termsafe.Escape(name))
	}
	fmt.Fprintf(w, " in %s, stage %s\n", p.Region, termsafe.Escape(p.Stage))
	if len(p.Steps) == 0 {
		fmt.Fprintln(w, "\nNo mechanical fix to make.")
	} else {
		fmt.Fprintf(w, "\nPlan: %d call(s), in order\n", len(p.Steps))
		for i, s := range p.Steps {
			fmt.Fprintf(w, "%3d. %s  %s\n", i+1, s.Op, termsafe.Escape(s.Summary))
			fmt.Fprintf(w, "     %s\n", termsafe.Escape(s.CLI))
			fmt.Fprintf(w, "     SDK: %s\n", termsafe.Escape(s.SDK))
		}
		if p.AutoDeploy {
			fmt.Fprintf(w, "     (no create-deployment: stage %s deploys every change automatically, autoDeploy)\n", termsafe.Escape(p.Stage))
		}
	}
	if len(p.Applied) > 0 {
		fmt.Fprintln(w, "\nFixes (each proved on the API's model before it entered the plan):")
		for _, a := range p.Applied {
			proof := "re-lint: the finding is gone, no route got worse"
			if a.Proof == "verdict" {
				var parts []string
				for _, r := range a.Rows {
					parts = append(parts, r.Route()+" "+r.Before.String()+" -> "+r.After.String())
					if len(parts) == 3 {
						break
					}
				}
				proof = "simulated: " + strings.Join(parts, "; ")
			}
			fmt.Fprintf(w, "  %s %s\n    proof: %s\n", a.Finding.RuleID, termsafe.Escape(a.Summary), termsafe.Escape(proof))
		}
	}
	if len(p.Skipped) > 0 {
		fmt.Fprintln(w, "Skipped:")
		for _, s := range p.Skipped {
			why := s.Reason
			if s.Flag != "" {
				why = "needs " + s.Flag + ": " + why
			}
			fmt.Fprintf(w, "  %s %s\n", s.Finding.RuleID, termsafe.Escape(why))
		}
	}
	if len(p.Table) > 0 {
		fmt.Fprintln(w, "\nProof: every route simulated as Chromium sends it, before and after the plan")
		tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, "ROUTE\tREQUEST\tBEFORE\tAFTER")
		for _, r := range p.Table {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", termsafe.Escape(r.Route()), termsafe.Escape(r.Request), r.Before, r.After)
		}
		tw.Flush()
	}
}

func awsFixOutcomeText(w io.Writer, p *live.Plan, out *live.Outcome) {
	rb := out.Rollback
	fmt.Fprintf(w, "\nRollback saved before any change: %s", termsafe.Escape(rb.File))
	if rb.DeploymentID != "" {
		fmt.Fprintf(w, " (stage %s served deployment %s; export %s)", termsafe.Escape(rb.Stage), termsafe.Escape(rb.DeploymentID), termsafe.Escape(rb.ExportFile))
	}
	fmt.Fprintln(w)
	if out.Failed != "" {
		fmt.Fprintf(w, "\nFAILED at call %d of %d (%s): %s\n", out.Done+1, len(p.Steps), termsafe.Escape(out.Failed), termsafe.Escape(out.Error))
		fmt.Fprintf(w, "The plan stopped: nothing was deployed, the stage still serves what it served. The calls made so far change the API's working definition; to undo them:\n")
	} else {
		fmt.Fprintf(w, "\nApplied %d of %d call(s)", out.Done, len(p.Steps))
		if out.Deployed {
			fmt.Fprintf(w, "; deployed to stage %s", termsafe.Escape(p.Stage))
			if p.AutoDeploy {
				fmt.Fprint(w, " (autoDeploy)")
			}
		}
		fmt.Fprintln(w, ". To roll back:")
	}
	for _, c := range rb.Commands {
		fmt.Fprintf(w, "  %s\n", termsafe.Escape(c))
	}
	if len(out.Checks) > 0 {
		fmt.Fprintln(w, "\nRe-check of the invoke URL, as Chromium sends the requests:")
		tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
		for _, c := range out.Checks {
			fmt.Fprintf(tw, "  %s\t%s\tfrom %s\t%s\n", termsafe.Escape(c.Route), termsafe.Escape(c.URL), termsafe.Escape(c.Origin), termsafe.Escape(c.Verdict))
		}
		tw.Flush()
	}
}
