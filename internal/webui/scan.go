package webui

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/corsdoctor/corsdoctor/collect/scan"
	"github.com/corsdoctor/corsdoctor/internal/app"
	appscan "github.com/corsdoctor/corsdoctor/internal/app/scan"
	"github.com/corsdoctor/corsdoctor/report"
)

// Bounds of one Scan page run: the UI answers within one HTTP request,
// so large lists belong to `corsdoctor scan -i FILE` (streamed, rate
// limited, resumable).
const (
	// MaxScanTargets bounds the targets of one Scan page run.
	MaxScanTargets       = 200
	maxUIScanConcurrency = 50
	defaultUIScanConc    = 10
	maxUIScanTimeout     = time.Minute
)

// ScanTool runs corsdoctor scan's use case (internal/app/scan, List) on
// the targets typed in the form, each request with the given timeout by
// default. It sends requests from this machine to the URLs given, so
// serve offers it only on a loopback address.
func ScanTool(timeout time.Duration, insecure bool) Tool {
	return Tool{
		Name: "scan", Title: "Scan",
		Help: fmt.Sprintf("Audit live endpoints for CORS security misconfigurations, proving each finding with the request sent, the response and the engine's verdict (corsdoctor scan). At most %d targets per run; use corsdoctor scan -i FILE for more.", MaxScanTargets),
		Fields: []Field{
			{Name: "targets", Label: "Targets", Hint: fmt.Sprintf("one per line, URL or \"METHOD URL\"; at most %d", MaxScanTargets), Placeholder: "https://api.example.com/me", Multiline: true},
			{Name: "trusted", Label: "Trusted origins (--trusted-origin)", Hint: "optional, one per line: your front ends; their look-alikes are tried", Placeholder: "https://app.example.com", Multiline: true},
			{Name: "concurrency", Label: "Concurrency (-c)", Hint: fmt.Sprintf("targets at once, 1-%d; default %d", maxUIScanConcurrency, defaultUIScanConc), Placeholder: strconv.Itoa(defaultUIScanConc)},
			{Name: "timeout", Label: "Timeout (--timeout)", Hint: fmt.Sprintf("per request, e.g. 5s; default %s", timeout), Placeholder: timeout.String()},
			{Name: "headers", Label: "Header lines (-H)", Hint: "optional, Name: value, one per line, sent with every request; not shown again", Placeholder: "Cookie: session=...", Multiline: true, Secret: true},
		},
		Run: func(ctx context.Context, v map[string]string) (*Outcome, error) {
			return runScan(ctx, timeout, insecure, v)
		},
	}
}

func runScan(ctx context.Context, timeout time.Duration, insecure bool, v map[string]string) (*Outcome, error) {
	targets, err := uiScanTargets(v["targets"])
	if err != nil {
		return nil, err
	}
	o := &appscan.Options{Concurrency: defaultUIScanConc, Timeout: timeout, Retries: 2,
		Trusted: strings.Fields(v["trusted"]), Rules: []string{"all"}, Insecure: insecure}
	for _, h := range strings.Split(v["headers"], "\n") {
		if h = strings.TrimSpace(h); h != "" {
			o.Headers = append(o.Headers, h)
		}
	}
	if s := strings.TrimSpace(v["concurrency"]); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > maxUIScanConcurrency {
			return nil, InputErrorf("concurrency: %q is not a number from 1 to %d", s, maxUIScanConcurrency)
		}
		o.Concurrency = n
	}
	if s := strings.TrimSpace(v["timeout"]); s != "" {
		d, err := time.ParseDuration(s)
		if n, nerr := strconv.Atoi(s); nerr == nil {
			d, err = time.Duration(n)*time.Second, nil // plain seconds
		}
		if err != nil || d <= 0 || d > maxUIScanTimeout {
			return nil, InputErrorf("timeout: %q is not a duration from 1ms to %s (e.g. 5s)", s, maxUIScanTimeout)
		}
		o.Timeout = d
	}
	cfg, err := o.Config()
	if err != nil {
		msg := err.Error()
		var ue *app.UsageError
		if errors.As(err, &ue) && ue.Hint != "" {
			msg += " (" + ue.Hint + ")"
		}
		return nil, InputErrorf("%s", msg)
	}
	recs, runErr := appscan.List(ctx, cfg, targets, false)
	return scanOutcome(recs, runErr), nil
}

// uiScanTargets parses the form's target lines as -i reads a file
// ('#' comments, blank lines), refusing more than MaxScanTargets.
func uiScanTargets(text string) ([]scan.Target, error) {
	var targets []scan.Target
	var bad []string
	n := 0
	err := scan.ReadTargets(strings.NewReader(text), "targets", func(t scan.Target) bool {
		n++
		if n <= MaxScanTargets {
			t.File, t.Line = "", 0 // the form is not a file
			targets = append(targets, t)
		}
		return true
	}, func(err error) { bad = append(bad, err.Error()) })
	switch {
	case err != nil:
		return nil, InputErrorf("targets: %v", err)
	case len(bad) > 0:
		if len(bad) > 3 {
			bad = append(bad[:3], fmt.Sprintf("and %d more", len(bad)-3))
		}
		return nil, InputErrorf("%s", strings.Join(bad, "; "))
	case n == 0:
		return nil, InputErrorf("give at least one target URL")
	case n > MaxScanTargets:
		return nil, InputErrorf("%d targets given: the Scan page scans at most %d per run; split the list, or run corsdoctor scan -i FILE (streamed, rate limited, resumable)", n, MaxScanTargets)
	}
	return targets, nil
}

// scanOutcome is the Scan page: the --html report of the findings (each
// with its proof and fix), the status of every target, and a note when
// the UI's time limit stopped the scan.
func scanOutcome(recs []report.ScanRecord, runErr error) *Outcome {
	var findings []report.Finding
	var vulnerable, failed, requests int
	status := make([]string, 0, len(recs))
	for _, r := range recs {
		findings = append(findings, r.Findings...)
		if len(r.Findings) > 0 {
			vulnerable++
		}
		if r.Status == report.ScanError {
			failed++
		}
		requests += r.Requests
		line := report.ScanStatusLine(r)
		if r.Note != "" {
			line += "\n  note: " + r.Note
		}
		status = append(status, line)
	}
	page := appscan.Page(findings, int64(len(recs)), int64(vulnerable))
	page.Facts = []report.Fact{{Key: "Targets", Value: strconv.Itoa(len(recs))}, {Key: "Requests sent", Value: strconv.Itoa(requests)},
		{Key: "Vulnerable", Value: strconv.Itoa(vulnerable)}, {Key: "Not scanned (errors)", Value: strconv.Itoa(failed)}}
	if runErr != nil {
		page.Sections = append(page.Sections, report.Section{Heading: "Stopped",
			Text: "The scan was stopped (" + runErr.Error() + "): unfinished targets are marked ERROR. Scan fewer targets at once, or run corsdoctor scan -i FILE."})
	}
	page.Sections = append(page.Sections, report.Section{Heading: "Targets", Pre: strings.Join(status, "\n")})
	summary := ""
	if len(recs) > 0 {
		summary = recs[0].Method + " " + recs[0].Target
		if len(recs) > 1 {
			summary += fmt.Sprintf(" and %d more", len(recs)-1)
		}
	}
	return &Outcome{Page: &page, Blocked: vulnerable > 0, Summary: summary}
}
