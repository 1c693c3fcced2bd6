package webui

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/corsdoctor/corsdoctor/internal/app/awsdiagnose"
	"github.com/corsdoctor/corsdoctor/internal/app/isolate"
	"github.com/corsdoctor/corsdoctor/internal/app/lint"
	"github.com/corsdoctor/corsdoctor/internal/app/request"
	"github.com/corsdoctor/corsdoctor/report"
)

// LintTool runs corsdoctor lint on paths of this machine, in a child
// process (isolate.Run): the files are whatever the user points at, and a
// hostile one must end that run only, never the server.
func LintTool() Tool {
	return Tool{
		Name: "lint", Title: "Lint",
		Help: "Find CORS mistakes in CloudFormation/SAM, CDK, OpenAPI, Serverless and Terraform files on this machine (corsdoctor lint).",
		Fields: []Field{
			{Name: "paths", Label: "Files or directories", Hint: "one per line, on this machine", Placeholder: "template.yaml", Multiline: true},
			{Name: "origins", Label: "Front-end origins", Hint: "optional, one per line: checked against the allowlists", Placeholder: "https://app.example.com", Multiline: true},
		},
		Run: func(ctx context.Context, v map[string]string) (*Outcome, error) {
			paths := strings.Fields(v["paths"])
			if len(paths) == 0 {
				return nil, errors.New("give at least one file or directory")
			}
			res, err := LintIsolated(ctx, paths, strings.Fields(v["origins"]))
			if err != nil {
				return nil, err
			}
			page := report.LintPage(&res.Lint, paths)
			return &Outcome{Page: &page, Blocked: len(res.Findings) > 0}, nil
		},
	}
}

// LintIsolated runs corsdoctor lint --format json in a child process
// (isolate.Run, isolate.ServeTool) and reads its report.
func LintIsolated(ctx context.Context, paths, origins []string) (*lint.Result, error) {
	for _, o := range origins {
		if _, err := request.ParseOrigin(o); err != nil {
			return nil, err
		}
	}
	args := []string{"lint", "--format", "json"}
	for _, o := range origins {
		args = append(args, "--origin", o)
	}
	args = append(args, "--")
	args = append(args, paths...)
	out, _, err := isolate.Run(ctx, isolate.ServeTool, args...)
	if err != nil {
		return nil, err
	}
	var res lint.Result
	if err := json.Unmarshal(out, &res); err != nil {
		return nil, fmt.Errorf("lint: unreadable report from the child process: %w", err)
	}
	return &res, nil
}

// AWSTool runs corsdoctor aws diagnose with this machine's AWS
// credentials (awsdiagnose.Run), over the last hour.
func AWSTool(now func() time.Time) Tool {
	return Tool{
		Name: "aws", Title: "AWS diagnose",
		Help: "Diagnose an API Gateway API with this machine's AWS credentials: configuration, recent deployments and error rates, the playbook (corsdoctor aws diagnose).",
		Fields: []Field{
			{Name: "api-id", Label: "API ID", Placeholder: "abc123defg"},
			{Name: "region", Label: "Region", Hint: "empty: AWS_REGION or the profile's", Placeholder: "eu-west-1"},
			{Name: "profile", Label: "Profile", Hint: "optional"},
			{Name: "stage", Label: "Stage", Hint: "empty: the only one, or the most recently deployed"},
			{Name: "origins", Label: "Front-end origins", Hint: "one per line", Multiline: true},
		},
		Run: func(ctx context.Context, v map[string]string) (*Outcome, error) {
			id := strings.TrimSpace(v["api-id"])
			if id == "" {
				return nil, errors.New("give the API ID")
			}
			origins := strings.Fields(v["origins"])
			for i, o := range origins {
				n, err := request.ParseOrigin(o)
				if err != nil {
					return nil, err
				}
				origins[i] = n
			}
			res, err := awsdiagnose.Run(ctx, awsdiagnose.Options{APIID: id, Region: strings.TrimSpace(v["region"]), Profile: strings.TrimSpace(v["profile"]),
				Stage: strings.TrimSpace(v["stage"]), Origins: origins, Since: time.Hour, Now: now})
			if err != nil {
				return nil, err
			}
			page := report.PlaybookPage(report.NewPlaybookDocument(res.Diagnosis.Playbook, res.Findings, report.Options{}))
			return &Outcome{Page: &page, Blocked: len(res.Findings) > 0}, nil
		},
	}
}
