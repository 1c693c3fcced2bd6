package cli

import (
	"os"
	"strings"
	"testing"

	"github.com/corsdoctor/corsdoctor/internal/golden"
	"github.com/corsdoctor/corsdoctor/rules"
)

func TestRulesCommand(t *testing.T) {
	t.Parallel()
	// One rule, by ID in any case or by name: its documentation.
	out, errOut, code := run(t, "", "rules", "CD2009")
	if code != 0 || errOut != "" {
		t.Fatalf("rules CD2009: exit %d, stderr %q", code, errOut)
	}
	golden.Check(t, "testdata/rules/CD2009.txt", []byte(out))
	for _, arg := range []string{"cd2009", "gateway-responses-no-cors"} {
		if o, _, c := run(t, "", "rules", arg); c != 0 || o != out {
			t.Errorf("rules %s: exit %d, output differs from rules CD2009", arg, c)
		}
	}
	// The list: every rule, one line each, in ID order.
	out, _, code = run(t, "", "rules")
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	all := rules.All()
	if code != 0 || len(lines) != len(all) {
		t.Fatalf("rules: exit %d, %d lines for %d rules", code, len(lines), len(all))
	}
	for i, r := range all {
		if !strings.HasPrefix(lines[i], r.ID+" ") || !strings.Contains(lines[i], r.Name) {
			t.Errorf("line %d = %q, want %s %s", i+1, lines[i], r.ID, r.Name)
		}
	}
	// --markdown is docs/rules.md.
	out, _, code = run(t, "", "rules", "--markdown")
	want, err := os.ReadFile("../../docs/rules.md")
	if err != nil || code != 0 || out != string(want) {
		t.Errorf("rules --markdown: exit %d, equal to docs/rules.md: %v (%v)", code, out == string(want), err)
	}
	// The suppression rules lint reports are registered and explained
	// (issue 19: CD2099 used to be an ID without a rule).
	for _, c := range []struct{ id, name string }{{"CD2098", "bad-suppression"}, {"CD2099", "unused-suppression"}} {
		if out, _, code = run(t, "", "rules", c.id); code != 0 || !strings.Contains(out, c.name) || !strings.Contains(out, "corsdoctor:ignore") {
			t.Errorf("rules %s: exit %d\n%s", c.id, code, out)
		}
	}
	// A retired ID says what replaced it.
	if out, _, code = run(t, "", "rules", "CD1053"); code != 0 || !strings.Contains(out, "retired") || !strings.Contains(out, "corsdoctor rules CD1022") {
		t.Errorf("rules CD1053: exit %d\n%s", code, out)
	}
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"rules", "CD9999"}, `unknown rule "CD9999"`},
		{[]string{"rules", "CD2009", "--markdown"}, "--markdown prints every rule"},
		{[]string{"rules", "CD2009", "CD2001"}, "accepts at most 1 arg"},
	} {
		_, errOut, code := run(t, "", tc.args...)
		if code != 2 || !strings.Contains(errOut, tc.want) {
			t.Errorf("%v: exit %d, stderr %q, want 2 and %q", tc.args, code, errOut, tc.want)
		}
	}
}
