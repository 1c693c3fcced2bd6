package fix

import (
	"sort"

	"github.com/corsdoctor/corsdoctor/evidence"
	"github.com/corsdoctor/corsdoctor/fix/cfn"
	"github.com/corsdoctor/corsdoctor/fix/fixer"
	"github.com/corsdoctor/corsdoctor/fix/oas"
)

type fixerSource = evidence.Source

// The format fixers and the rules each one fixes.
var (
	cfnRules     = keys(cfn.Rules)
	openapiRules = keys(oas.Rules)
	tfRules      = map[string]bool{}
	slsRules     = map[string]bool{}
	cdkRules     = map[string]bool{}
)

func keys(m map[string]string) map[string]bool {
	out := map[string]bool{}
	for k := range m {
		out[k] = true
	}
	return out
}

func cfnFix(c *fixer.Ctx) (*fixer.Change, error)     { return cfn.Fix(c) }
func openapiFix(c *fixer.Ctx) (*fixer.Change, error) { return oas.Fix(c) }
func tfFix(c *fixer.Ctx) (*fixer.Change, error)      { return nil, fixer.Skipf("todo") }
func slsFix(c *fixer.Ctx) (*fixer.Change, error)     { return nil, fixer.Skipf("todo") }
func cdkFix(c *fixer.Ctx) (*fixer.Change, error)     { return nil, fixer.Skipf("todo") }
func handlerFix(c *fixer.Ctx) (*fixer.Change, error) { return nil, fixer.Skipf("todo") }

// MechanicalRules lists the rules some format fixes, sorted.
func MechanicalRules() []string {
	set := map[string]bool{"CD2008": true}
	for _, m := range []map[string]bool{cfnRules, openapiRules, tfRules, slsRules, cdkRules} {
		for k := range m {
			set[k] = true
		}
	}
	var out []string
	for k := range set {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
