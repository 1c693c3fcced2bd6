package fix

import (
	"sort"

	"github.com/corsdoctor/corsdoctor/evidence"
	"github.com/corsdoctor/corsdoctor/fix/cdk"
	"github.com/corsdoctor/corsdoctor/fix/cfn"
	"github.com/corsdoctor/corsdoctor/fix/fixer"
	"github.com/corsdoctor/corsdoctor/fix/handler"
	"github.com/corsdoctor/corsdoctor/fix/oas"
	"github.com/corsdoctor/corsdoctor/fix/sls"
	"github.com/corsdoctor/corsdoctor/fix/tf"
)

type fixerSource = evidence.Source

// The format fixers and the rules each one fixes.
var (
	cfnRules     = keys(cfn.Rules)
	openapiRules = keys(oas.Rules)
	tfRules      = keys(tf.Rules)
	slsRules     = keys(sls.Rules)
	cdkRules     = keys(cdk.Rules)
	handlerRules = keys(handler.Rules)
)

// ViaCD2050 are the rules fixed as the CD2050 finding of the route they
// block, by every format that fixes CD2050.
var ViaCD2050 = map[string]string{
	"CD2027": "the front-end call's headers are allowed where the route's preflight answer is configured (OPTIONS mapping, AllowHeaders, allowHeaders, allow_headers, the events' cors.headers), with the other headers the clients send; CDK output: advice",
}

func keys(m map[string]string) map[string]bool {
	out := map[string]bool{}
	for k := range m {
		out[k] = true
	}
	return out
}

func cfnFix(c *fixer.Ctx) (*fixer.Change, error)     { return cfn.Fix(c) }
func openapiFix(c *fixer.Ctx) (*fixer.Change, error) { return oas.Fix(c) }
func tfFix(c *fixer.Ctx) (*fixer.Change, error)      { return tf.Fix(c) }
func slsFix(c *fixer.Ctx) (*fixer.Change, error)     { return sls.Fix(c) }
func cdkFix(c *fixer.Ctx) (*fixer.Change, error)     { return cdk.Fix(c) }
func handlerFix(c *fixer.Ctx) (*fixer.Change, error) { return handler.Fix(c) }

// MechanicalRules lists the rules some format fixes, sorted.
func MechanicalRules() []string {
	set := map[string]bool{}
	for _, m := range []map[string]bool{handlerRules, keys(ViaCD2050), cfnRules, openapiRules, tfRules, slsRules, cdkRules} {
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
