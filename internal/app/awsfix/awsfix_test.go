package awsfix

import (
	"errors"
	"testing"

	"github.com/corsdoctor/corsdoctor/fix/live"
	"github.com/corsdoctor/corsdoctor/internal/app"
)

// TestErr: the exit decision of aws fix, without the CLI.
func TestErr(t *testing.T) {
	planned := &live.Plan{Steps: []live.Step{{Op: "PutIntegrationResponse"}}}
	empty := &live.Plan{}
	for _, tc := range []struct {
		desc string
		plan *live.Plan
		out  *live.Outcome
		want error
	}{
		{"nothing to fix", empty, nil, nil},
		{"planned, not applied", planned, nil, app.ErrFindings},
		{"applied, re-check allowed", planned, &live.Outcome{Done: 1, Checks: []live.Check{{Allowed: true}}}, nil},
		{"applied, re-check blocked", planned, &live.Outcome{Done: 1, Checks: []live.Check{{Allowed: false}}}, app.ErrFindings},
		{"a call failed", planned, &live.Outcome{Failed: "PutIntegrationResponse"}, app.ErrFindings},
	} {
		if got := Err(tc.plan, tc.out); !errors.Is(got, tc.want) || (got == nil) != (tc.want == nil) {
			t.Errorf("%s: %v, want %v", tc.desc, got, tc.want)
		}
	}
}
