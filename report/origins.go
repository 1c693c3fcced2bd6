package report

import (
	"fmt"
	"io"
	"strings"
)

// Cause returns the top finding of a result as "ID name", or "-".
func Cause(r Result) string {
	if len(r.Findings) == 0 {
		return "-"
	}
	return r.Findings[0].ID + " " + r.Findings[0].Name
}

// OriginTable writes one line per result: origin, verdict, status and
// the most likely cause, so several environments can be compared at a
// glance ("works in dev, fails in prod").
func OriginTable(w io.Writer, doc Document) error {
	tw := &errWriter{w: w}
	ow := len("ORIGIN")
	for _, r := range doc.Results {
		ow = max(ow, len(r.Origin))
	}
	tw.printf("%-*s  %-8s  %-6s  %s\n", ow, "ORIGIN", "VERDICT", "STATUS", "MOST LIKELY CAUSE")
	for _, r := range doc.Results {
		status := "-"
		switch {
		case r.Actual.Sent:
			status = fmt.Sprint(r.Actual.Status)
		case r.Preflight.Sent:
			status = fmt.Sprintf("%d*", r.Preflight.Status)
		}
		cause := Cause(r)
		if len(r.Findings) > 0 {
			cause += ": " + r.Findings[0].Title
		}
		tw.printf("%-*s  %-8s  %-6s  %s\n", ow, r.Origin, Verdict(r), status, strings.TrimSpace(cause))
	}
	if tw.err == nil {
		for _, r := range doc.Results {
			if !r.Actual.Sent && r.Preflight.Sent {
				tw.printf("(* status of the preflight: the actual request was not sent)\n")
				break
			}
		}
	}
	return tw.err
}
