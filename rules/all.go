// Package rules holds every registered diagnostic rule, one file per rule.
// IDs are stable and grouped by family: CD1xxx browser causes, CD2xxx
// gateway and infrastructure code, CD3xxx security, CD4xxx logs and
// metrics. A retired number stays retired (see retired).
package rules

import (
	"maps"

	"github.com/corsdoctor/corsdoctor/diag"
)

// registry is every rule, one per line, in ID order. Adding a rule is
// declaring its value in rules/cdNNNN_name.go and adding it here.
var registry = []*diag.Rule{
	cd1001,
	cd1002,
	cd1003,
	cd1004,
	cd1005,
	cd1006,
	cd1007,
	cd1008,
	cd1009,
	cd1010,
	cd1011,
	cd1012,
	cd1013,
	cd1014,
	cd1015,
	cd1016,
	cd1017,
	cd1018,
	cd1019,
	cd1020,
	cd1021,
	cd1022,
	cd1023,
	cd1024,
	cd1025,
	cd1026,
	cd1027,
	cd1028,
	cd1029,
	cd1030,
	cd1031,
	cd1032,
	cd1033,
	cd1034,
	cd1035,
	cd1036,
	cd1037,
	cd1038,
	cd1039,
	cd1040,
	cd1050,
	cd1051,
	cd1052,
	cd1054,
	cd1055,
	cd2001,
	cd2002,
	cd2003,
	cd2004,
	cd2005,
	cd2006,
	cd2007,
	cd2008,
	cd2009,
	cd2010,
	cd2011,
	cd2012,
	cd2013,
	cd2014,
	cd2015,
	cd2016,
	cd2017,
	cd2018,
	cd2019,
	cd2020,
	cd2021,
	cd2022,
	cd2023,
	cd2024,
	cd2025,
	cd2026,
	cd2027,
	cd2028,
	cd2050,
	cd2098,
	cd2099,
	cd2100,
	cd2101,
	cd2102,
	cd2103,
	cd2104,
	cd2105,
	cd2111,
	cd2112,
	cd2113,
	cd2114,
	cd2116,
	cd2117,
	cd2118,
	cd2119,
	cd3001,
	cd3002,
	cd3003,
	cd3004,
	cd3005,
	cd3006,
	cd3007,
	cd3008,
	cd3009,
	cd3010,
	cd3011,
	cd3012,
	cd3013,
	cd3014,
	cd4001,
	cd4002,
	cd4003,
	cd4004,
	cd4005,
	cd4006,
	cd4050,
	cd4051,
	cd4052,
	cd4053,
	cd4054,
	cd4055,
	cd4056,
	cd4057,
}

// All returns every rule, sorted by ID. The rules are copies: changing
// one changes nothing that runs.
func All() []*diag.Rule {
	out := make([]*diag.Rule, len(registry))
	for i, r := range registry {
		out[i] = clone(r)
	}
	return out
}

// For returns the rules whose evidence the input provides: those that
// need nothing but have. lint runs For(diag.NeedsAPIs), logs
// For(diag.NeedsAccessLogs), scan For(diag.NeedsScanProbes).
func For(have diag.Needs) []*diag.Rule {
	var out []*diag.Rule
	for _, r := range registry {
		if have.Has(r.Needs) {
			out = append(out, clone(r))
		}
	}
	return out
}

// ByID returns (a copy of) the rule with that ID, or nil.
func ByID(id string) *diag.Rule {
	for _, r := range registry {
		if r.ID == id {
			return clone(r)
		}
	}
	return nil
}

func clone(r *diag.Rule) *diag.Rule {
	c := *r
	c.Fix = maps.Clone(r.Fix)
	return &c
}
