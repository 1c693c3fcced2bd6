package rules

import "github.com/corsdoctor/corsdoctor/diag"

func init() {
	addCases("CD2099",
		ruleCase{Desc: "directive on a line without that finding", Fire: true, Want: "suppression of CD2021 (legacy clients) matches no finding",
			Input: suppressions("  # corsdoctor:ignore CD2021 legacy clients\n  Api:\n", []diag.Finding{findingAt("CD2021", 9)}, "CD2021")},
		ruleCase{Desc: "directive hiding the finding on the next line", Fire: false,
			Input: suppressions("  # corsdoctor:ignore CD2021 legacy clients\n  Api:\n", []diag.Finding{findingAt("CD2021", 2)}, "CD2021")},
		ruleCase{Desc: "trailing directive hiding the finding on its line", Fire: false,
			Input: suppressions("  Api: # corsdoctor:ignore CD2021 legacy clients\n", []diag.Finding{findingAt("CD2021", 1)}, "CD2021")},
		ruleCase{Desc: "the rule it names did not run (--rules left it out)", Fire: false,
			Input: suppressions("  # corsdoctor:ignore CD2021 legacy clients\n  Api:\n", nil, "CD2009")},
		ruleCase{Desc: "a directive without a reason is CD2098's, not unused", Fire: false,
			Input: suppressions("  # corsdoctor:ignore CD2021\n  Api:\n", nil, "CD2021")},
	)
}
