package awsdiagnose

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/corsdoctor/corsdoctor/diag"
	"github.com/corsdoctor/corsdoctor/evidence"
	"github.com/corsdoctor/corsdoctor/internal/app"
	"github.com/corsdoctor/corsdoctor/report"
)

// TestRunRefusesBadOptions: what the use case refuses before any AWS
// call is a usage error, without the CLI.
func TestRunRefusesBadOptions(t *testing.T) {
	for _, tc := range []struct {
		opts Options
		want string
	}{
		{Options{Since: time.Hour}, "--api-id is required"},
		{Options{APIID: "a1b2c3d4e5", Since: 30 * time.Second}, "want a duration between 1m and 24h"},
		{Options{APIID: "a1b2c3d4e5", Since: time.Hour, Record: "a", Replay: "b"}, "cannot be used together"},
	} {
		_, err := Run(context.Background(), tc.opts)
		var ue *app.UsageError
		if !errors.As(err, &ue) || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%+v: %v, want a usage error with %q", tc.opts, err, tc.want)
		}
	}
	if _, err := RunAll(context.Background(), Options{APIID: "a1b2c3d4e5"}); err == nil || !strings.Contains(err.Error(), "--api-id and --all") {
		t.Errorf("RunAll with an API ID: %v", err)
	}
}

// TestAllErr: --all fails when an API could not be diagnosed, could not
// be read, or has a finding at the threshold.
func TestAllErr(t *testing.T) {
	read := &evidence.Playbook{Kind: evidence.RESTAPI}
	unread := &evidence.Playbook{Kind: evidence.UnknownAPI}
	warn := []diag.Finding{{Severity: diag.Warning}}
	region := func(pb *evidence.Playbook, fs []diag.Finding, errs ...string) []report.AWSAllRegion {
		return []report.AWSAllRegion{{APIs: []report.PlaybookDocument{{Playbook: pb}}, Findings: [][]diag.Finding{fs}, Errors: errs}}
	}
	for _, tc := range []struct {
		desc    string
		regions []report.AWSAllRegion
		failOn  diag.Severity
		want    error
	}{
		{"clean", region(read, nil), diag.Error, nil},
		{"warning under --fail-on error", region(read, warn), diag.Error, nil},
		{"warning at --fail-on warning", region(read, warn), diag.Warning, app.ErrFindings},
		{"configuration unreadable", region(unread, nil), diag.Error, app.ErrFindings},
		{"an API not diagnosed", region(read, nil, "b2c3: AccessDenied"), diag.Error, app.ErrFindings},
	} {
		if got := AllErr(tc.regions, tc.failOn); got != tc.want {
			t.Errorf("%s: %v, want %v", tc.desc, got, tc.want)
		}
	}
}
