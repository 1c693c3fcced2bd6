// Package awsfix is corsdoctor aws fix's use case: diagnose the live API
// (internal/app/awsdiagnose), plan the API Gateway calls that fix what
// the shared rules found (fix/live), and apply the plan with a rollback
// saved first and a re-check from the browser's side.
package awsfix

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/corsdoctor/corsdoctor/apimodel"
	"github.com/corsdoctor/corsdoctor/collect/apigw"
	"github.com/corsdoctor/corsdoctor/collect/probe"
	"github.com/corsdoctor/corsdoctor/cors"
	"github.com/corsdoctor/corsdoctor/diag"
	"github.com/corsdoctor/corsdoctor/fix/live"
	"github.com/corsdoctor/corsdoctor/internal/app"
	"github.com/corsdoctor/corsdoctor/internal/app/awsdiagnose"
)

// Options say which API to fix and how.
type Options struct {
	// Diagnose is the API, region, credentials and the page's origins
	// (validated, at least one).
	Diagnose awsdiagnose.Options
	// Headers are request header names the page sends.
	Headers []string
	// RollbackDir receives the rollback before any change; InvokeURL is
	// where the re-check sends its requests (default: the stage's URL).
	RollbackDir string
	InvokeURL   string
	// Probe replaces the re-check's prober (tests).
	Probe func(ctx context.Context, req cors.Request) (cors.Result, error)
}

// Planned is the plan and the API it is for.
type Planned struct {
	Plan *live.Plan
	// Kind and Name are the API's kind (REST, HTTP) and name.
	Kind, Name string
}

// Document is aws fix's JSON output (docs/fix.md).
type Document struct {
	Tool    string        `json:"tool"`
	Plan    *live.Plan    `json:"plan"`
	Outcome *live.Outcome `json:"outcome,omitempty"`
}

// Plan diagnoses the API over the last hour and plans the fix.
func Plan(ctx context.Context, opts Options) (*Planned, error) {
	d := opts.Diagnose
	d.Since = time.Hour
	diagnosed, err := awsdiagnose.Run(ctx, d)
	if err != nil {
		return nil, err
	}
	res, findings := diagnosed.Diagnosis, diagnosed.Findings
	if res.API == nil {
		return nil, app.Usagef("aws fix: the API's configuration could not be read (see 'corsdoctor aws diagnose --api-id %s')", d.APIID)
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
	plan, err := live.Build(res.API, iac, live.Options{APIID: d.APIID, Stage: pb.Stage, Region: pb.Region, Origins: d.Origins, Headers: opts.Headers, AutoDeploy: auto})
	if err != nil {
		return nil, app.Usagef("aws fix: %v", err)
	}
	return &Planned{Plan: plan, Kind: string(pb.Kind), Name: pb.APIName}, nil
}

// Apply makes the plan's calls, after saving the rollback, and re-checks.
func Apply(ctx context.Context, opts Options, p *Planned) (*live.Outcome, error) {
	probeFn := opts.Probe
	if probeFn == nil {
		probeFn = func(ctx context.Context, req cors.Request) (cors.Result, error) {
			pr := probe.New(probe.Options{NoExtra: true, Repeat: -1})
			defer pr.Close()
			r := pr.Probe(ctx, req, nil)
			if r.Exchange.Err != "" {
				return cors.Result{}, fmt.Errorf("%s", r.Exchange.Err)
			}
			return r.Exchange.Result, nil
		}
	}
	d := opts.Diagnose
	cfg, err := awsdiagnose.SDKConfig(ctx, &d)
	if err != nil {
		return nil, err
	}
	out, err := live.Apply(ctx, apigw.NewClients(cfg, d.Backoff), p.Plan, live.ApplyOptions{RollbackDir: opts.RollbackDir, InvokeURL: opts.InvokeURL, Probe: probeFn, Now: d.Now})
	if err != nil {
		return nil, app.Usagef("aws fix: %v", err)
	}
	return out, nil
}

// Err maps the outcome to an error: app.ErrFindings when a planned change
// was not applied (out nil), a call failed, or the re-check is blocked.
func Err(p *live.Plan, out *live.Outcome) error {
	if out == nil {
		if len(p.Steps) > 0 {
			return app.ErrFindings
		}
		return nil
	}
	if out.Failed != "" {
		return app.ErrFindings
	}
	for _, c := range out.Checks {
		if !c.Allowed {
			return app.ErrFindings
		}
	}
	return nil
}
