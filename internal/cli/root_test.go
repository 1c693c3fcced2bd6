package cli

import (
	"strings"
	"testing"
)

// TestCobraUsageErrors: what cobra refuses before a command runs (an
// unknown command, a wrong argument count, an unknown flag) is a usage
// error with a hint, known by where it comes from (usageArgs, the root's
// flag error function, the command lookup), not by its wording.
func TestCobraUsageErrors(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		args      []string
		err, hint string
	}{
		{[]string{"bogus"}, `unknown command "bogus" for "corsdoctor"`, "run 'corsdoctor --help' for usage"},
		{[]string{"lab", "extra"}, `unknown command "extra" for "corsdoctor lab"`, "run 'corsdoctor --help' for usage"},
		{[]string{"rules", "CD2009", "CD2099"}, "accepts at most 1 arg(s), received 2", "run 'corsdoctor --help' for usage"},
		{[]string{"lint", "--bogus"}, "unknown flag: --bogus", "run 'corsdoctor lint --help' for usage"},
		// A command's own usage error keeps its own hint.
		{[]string{"lint"}, "lint: no PATH given", "corsdoctor lint template.yaml"},
	} {
		_, errOut, code := run(t, "", tc.args...)
		if code != ExitUsage || !strings.Contains(errOut, "corsdoctor: error: "+tc.err) || !strings.Contains(errOut, "corsdoctor: hint: "+tc.hint) {
			t.Errorf("%q: exit %d\n%s", tc.args, code, errOut)
		}
		if n := strings.Count(errOut, "corsdoctor: hint:"); n != 1 {
			t.Errorf("%q: %d hints\n%s", tc.args, n, errOut)
		}
	}
}
