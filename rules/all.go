// Package rules holds every registered diagnostic rule, one file per rule.
// IDs are stable and grouped by family: CD1xxx browser causes, CD2xxx
// gateway and infrastructure code, CD3xxx security, CD4xxx logs and
// metrics. A retired number stays retired (Deprecated + ReplacedBy).
package rules

import (
	"sort"

	"github.com/corsdoctor/corsdoctor/diag"
)

// registry is filled by register calls in each rule file's init.
var registry []*diag.Rule

func register(r *diag.Rule) *diag.Rule {
	registry = append(registry, r)
	return r
}

// All returns every rule, sorted by ID.
func All() []*diag.Rule {
	out := append([]*diag.Rule(nil), registry...)
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}

// Family returns the rules whose ID starts with prefix ("CD1", "CD2", ...).
func Family(prefix string) []*diag.Rule {
	var out []*diag.Rule
	for _, r := range All() {
		if len(r.ID) >= len(prefix) && r.ID[:len(prefix)] == prefix {
			out = append(out, r)
		}
	}
	return out
}

// ByID returns the rule with that ID, or nil.
func ByID(id string) *diag.Rule {
	for _, r := range registry {
		if r.ID == id {
			return r
		}
	}
	return nil
}
