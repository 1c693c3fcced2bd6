package report

import (
	"io"

	"github.com/corsdoctor/corsdoctor/diag"
	"github.com/corsdoctor/corsdoctor/internal/termsafe"
)

// AWSAllRegion is one Region of aws diagnose --all.
type AWSAllRegion struct {
	Region string             `json:"region"`
	APIs   []PlaybookDocument `json:"apis"`
	// Errors are the APIs whose run could not start.
	Errors []string `json:"errors,omitempty"`
	// Calls is the number of API Gateway calls the run made, of which
	// GetResources; Elapsed its duration and Bound the least time the
	// quotas allow for those calls.
	Calls        int64   `json:"calls"`
	GetResources int64   `json:"get_resources"`
	Elapsed      float64 `json:"elapsed_seconds"`
	Bound        float64 `json:"quota_bound_seconds"`
	// Findings are each API's findings, in the order of APIs.
	Findings [][]diag.Finding `json:"-"`
}

// AWSAllText renders the summary table of each Region, then every API's
// report.
func AWSAllText(w io.Writer, regions []AWSAllRegion) error {
	ew := &textWriter{w: w}
	for _, r := range regions {
		ew.f("corsdoctor aws diagnose --all: %d API(s) in %s, configuration steps (logs, metrics and history: aws diagnose --api-id ID)\n", len(r.APIs), r.Region)
		ew.f("%d API Gateway calls (%d GetResources) in %.1f s; the quotas allow them in %.1f s at best\n\n", r.Calls, r.GetResources, r.Elapsed, r.Bound)
		ew.f("%-12s %-9s %-24s %-12s %5s %5s %5s  %s\n", "API ID", "KIND", "NAME", "STAGE", "ERROR", "WARN", "INFO", "FIRST FINDING")
		for i, doc := range r.APIs {
			var n [3]int
			first := "-"
			for _, f := range r.Findings[i] {
				switch f.Severity {
				case diag.Error:
					n[0]++
				case diag.Warning:
					n[1]++
				default:
					n[2]++
				}
			}
			if len(r.Findings[i]) > 0 {
				first = r.Findings[i][0].RuleID + " " + r.Findings[i][0].Name
			}
			pb := doc.Playbook
			ew.f("%-12s %-9s %-24s %-12s %5d %5d %5d  %s\n", termsafe.Value(pb.APIID), pb.Kind, termsafe.Value(pb.APIName), termsafe.Value(pb.Stage), n[0], n[1], n[2], first)
		}
		for _, e := range r.Errors {
			ew.f("could not diagnose %s\n", termsafe.Text(e))
		}
		ew.f("\n")
		for _, doc := range r.APIs {
			if ew.err != nil {
				break
			}
			ew.err = PlaybookText(w, doc)
			ew.f("\n")
		}
	}
	return ew.err
}
