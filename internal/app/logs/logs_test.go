package logs

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"github.com/corsdoctor/corsdoctor/diag"
	"github.com/corsdoctor/corsdoctor/evidence"
	"github.com/corsdoctor/corsdoctor/internal/app"
)

func TestInputsRefuseBadArguments(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"-", "-"}, "standard input ('-') given twice"},
		{[]string{dir}, "is a directory"},
		{[]string{filepath.Join(dir, "*.log")}, "no file matches"},
		{[]string{filepath.Join(dir, "missing.log")}, "no such file"},
	} {
		_, err := Inputs(tc.args, strings.NewReader(""))
		var ue *app.UsageError
		if !errors.As(err, &ue) || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%q: %v, want a usage error with %q", tc.args, err, tc.want)
		}
	}
}

// TestRunFromStdin: no file reads standard input; the outcome follows
// what was read.
func TestRunFromStdin(t *testing.T) {
	log := `{"httpMethod":"OPTIONS","resourcePath":"/items","status":"403","requestTime":"20/Nov/2026:14:02:00 +0000"}` + "\n"
	res, err := Run(context.Background(), Options{Stdin: strings.NewReader(strings.Repeat(log, 20))})
	if err != nil {
		t.Fatal(err)
	}
	if res.Stats.Records != 20 || len(res.Stats.Files) != 1 || res.Stats.Files[0] != "<stdin>" {
		t.Fatalf("stats: %d records from %v", res.Stats.Records, res.Stats.Files)
	}
	if len(res.Findings) == 0 || !errors.Is(res.Err(), app.ErrFindings) {
		t.Errorf("20 failed preflights: findings %v, err %v", res.Findings, res.Err())
	}
	unread := &Result{Stats: &evidence.LogStats{Lines: 3, Formats: []string{"clf"}}}
	var ue *app.UsageError
	if err := unread.Err(); !errors.As(err, &ue) || !strings.Contains(err.Error(), "no line of 3 could be read") {
		t.Errorf("nothing readable: %v", err)
	}
	clean := &Result{Stats: &evidence.LogStats{Lines: 3, Records: 3}, Findings: []diag.Finding{{Severity: diag.Info}}}
	if err := clean.Err(); err != nil {
		t.Errorf("an info finding: %v", err)
	}
}
