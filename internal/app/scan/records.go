package scan

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/corsdoctor/corsdoctor/collect/scan"
	"github.com/corsdoctor/corsdoctor/diag"
	"github.com/corsdoctor/corsdoctor/evidence"
	"github.com/corsdoctor/corsdoctor/internal/redact"
	"github.com/corsdoctor/corsdoctor/internal/termsafe"
	"github.com/corsdoctor/corsdoctor/report"
)

// writer prints results as they arrive and keeps the counts.
type writer struct {
	opts   *Options
	out    *bufio.Writer
	errOut io.Writer
	errMu  sync.Mutex
	err    error
	html   bool
	tty    bool // the progress line is on
	// cancel stops the scan when the report cannot be written.
	cancel context.CancelFunc
	// prev counts the records of the --resume file.
	prev resumeCounts

	sarif bool
	// problems groups the findings across targets (text summary, --html,
	// --sarif).
	problems *report.ScanProblems

	scanned, vulnerable, failed, invalid, skipped, interrupted, requests atomic.Int64
}

func (w *writer) warn(err error) {
	w.errMu.Lock()
	defer w.errMu.Unlock()
	if w.tty {
		fmt.Fprint(w.errOut, "\r\x1b[K")
	}
	termsafe.Fprintf(w.errOut, "corsdoctor: warning: %v\n", err)
}

// emit writes one result and its findings; it runs on one goroutine.
func (w *writer) emit(r *scan.Result, findings []diag.Finding) {
	w.requests.Add(int64(r.Requests))
	if r.Err != nil && errors.Is(r.Err, context.Canceled) {
		// Interrupted: no record, so --resume scans it again.
		w.interrupted.Add(1)
		return
	}
	w.scanned.Add(1)
	rec := RecordOf(r, findings, w.opts.ShowSecrets)
	if rec.Status == report.ScanError {
		w.failed.Add(1)
	}
	if len(findings) > 0 {
		w.vulnerable.Add(1)
	}
	// Group the findings: the text output proves a problem once and
	// points back to it for the other places; --html and --sarif list
	// problems. JSON Lines alone needs no grouping.
	seen := make([]string, len(findings))
	for i, f := range rec.Findings {
		if w.opts.JSON && !w.html && !w.sarif {
			break
		}
		var sf *diag.Finding
		if w.sarif {
			d := sarifFinding(findings[i], r.Target, w.opts.ShowSecrets)
			sf = &d
		}
		seen[i] = w.problems.Add(r.Target.Method, r.Target.URL, f, sf)
	}
	if w.err != nil {
		return
	}
	if w.opts.JSON {
		b, err := json.Marshal(rec)
		if err != nil {
			w.err = err
			return
		}
		b = append(b, '\n')
		_, w.err = w.out.Write(b)
	} else {
		w.err = report.ScanText(w.out, rec, seen)
	}
	if w.err == nil {
		// Each record reaches the file whole as soon as it is known.
		w.err = w.out.Flush()
	}
	if w.err != nil && w.cancel != nil {
		w.cancel() // nobody reads the results any more
	}
}

// RecordOf converts one scanner result into its record: the status, the
// error, the redirect note and the findings with their proof, redacted
// unless showSecrets. It is the only conversion: the text, --json,
// --html and --sarif outputs and the web UI's Scan page all start from
// it.
func RecordOf(r *scan.Result, findings []diag.Finding, showSecrets bool) report.ScanRecord {
	rec := report.ScanRecord{Target: r.Target.URL, Method: r.Target.Method, Input: r.Target.Location(), Requests: r.Requests,
		Findings: report.FindingsFromDiag(findings, report.Options{ShowSecrets: showSecrets})}
	rec.Note = redirectNote(r)
	switch {
	case r.Err != nil:
		rec.Status, rec.Error = report.ScanError, r.Err.Error()
	case len(findings) > 0:
		rec.Status = report.ScanVulnerable
	default:
		rec.Status = report.ScanClean
	}
	if !showSecrets {
		// --resume matches the redacted target too (readResume).
		rec.Target, rec.Note, rec.Error = redact.URL(rec.Target), redact.Text(rec.Note), redact.Text(rec.Error)
	}
	return rec
}

// Page is the findings report of a scan in the web UI: the findings, as
// records carry them, grouped into problems as --html does.
func Page(findings []report.Finding, scanned, vulnerable int64) report.Page {
	ps := report.NewScanProblems(maxReportFindings, true)
	for _, f := range findings {
		ps.Add("", f.Location, f, nil)
	}
	return ps.Page(scanned, vulnerable)
}

// List scans a list of targets in-process (the web UI) and returns one
// record per target, in the order given. Targets a cancelled ctx stopped
// have status "error" with the context's error; the records of finished
// targets are kept, and the context's error is returned too.
func List(ctx context.Context, cfg Config, targets []scan.Target, showSecrets bool) ([]report.ScanRecord, error) {
	pos := make(map[string][]int, len(targets))
	for i, t := range targets {
		pos[t.Key()] = append(pos[t.Key()], i)
	}
	recs := make([]report.ScanRecord, len(targets))
	i := 0
	next := func() (scan.Target, bool) {
		if i == len(targets) {
			return scan.Target{}, false
		}
		i++
		return targets[i-1], true
	}
	s := scan.New(cfg.Config)
	defer s.Close()
	err := scan.RunJudged(ctx, s, next, cfg.judge, func(r *scan.Result, findings []diag.Finding) {
		q := pos[r.Target.Key()]
		if len(q) == 0 {
			return
		}
		pos[r.Target.Key()] = q[1:]
		recs[q[0]] = RecordOf(r, findings, showSecrets)
	})
	// Targets never handed to the scanner (ctx ended first) still get
	// their record.
	reason := "not scanned"
	if err != nil {
		reason = err.Error()
	}
	for _, q := range pos {
		for _, j := range q {
			recs[j] = report.ScanRecord{Target: targets[j].URL, Method: targets[j].Method, Input: targets[j].Location(),
				Status: report.ScanError, Error: reason, Findings: []report.Finding{}}
		}
	}
	return recs, err
}

// sarifFinding anchors a finding at its target's input line (SARIF
// locations are files) and carries the proof in the message, redacted.
func sarifFinding(f diag.Finding, t scan.Target, showSecrets bool) diag.Finding {
	f.Detail = t.Key() + ": " + f.Detail + "\n" + strings.Join(f.Evidence, "\n")
	if !showSecrets {
		f.Detail = redact.Text(f.Detail)
	}
	u := t.URL
	if !showSecrets {
		u = redact.URL(u)
	}
	f.Location = evidence.Source{File: t.File, Line: t.Line, URL: u}
	if t.File == "" {
		f.Location.File = u // a target given as an argument
	}
	return f
}

// redirectNote says when the target answered with a redirect, which the
// scan records but never follows.
func redirectNote(r *scan.Result) string {
	if r.Exchange == nil || len(r.Exchange.Probes) == 0 || len(r.Exchange.Probes[0].Hops) == 0 {
		return ""
	}
	resp := r.Exchange.Probes[0].Hops[0].Response
	if resp == nil || resp.Status < 300 || resp.Status > 399 {
		return ""
	}
	loc := resp.Header.Get("Location")
	if loc == "" {
		return ""
	}
	return fmt.Sprintf("answers %d with Location: %s (not followed; scan that URL to audit it)", resp.Status, loc)
}

// progress shows a status line on standard error until the returned stop
// is called.
func (w *writer) progress(on bool, start time.Time, now func() time.Time) (stop func()) {
	if !on {
		return func() {}
	}
	quit := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		t := time.NewTicker(250 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-quit:
				w.errMu.Lock()
				fmt.Fprint(w.errOut, "\r\x1b[K")
				w.errMu.Unlock()
				return
			case <-t.C:
				el := now().Sub(start).Seconds()
				w.errMu.Lock()
				fmt.Fprintf(w.errOut, "\r\x1b[Kscanned %d targets, %d vulnerable, %d failed, %d requests (%.0f/s)",
					w.scanned.Load(), w.vulnerable.Load(), w.failed.Load(), w.requests.Load(), float64(w.requests.Load())/max(el, 0.001))
				w.errMu.Unlock()
			}
		}
	}()
	return func() {
		close(quit)
		wg.Wait()
	}
}

func (w *writer) summary(elapsed time.Duration) {
	w.errMu.Lock()
	defer w.errMu.Unlock()
	sec := max(elapsed.Seconds(), 0.001)
	perTarget := 0.0
	if n := w.scanned.Load() + w.interrupted.Load(); n > 0 {
		perTarget = float64(w.requests.Load()) / float64(n)
	}
	fmt.Fprintf(w.errOut, "corsdoctor: scanned %d targets with %d requests (%.1f per target) in %s (%.0f requests/s): %d vulnerable, %d failed",
		w.scanned.Load(), w.requests.Load(), perTarget, elapsed.Round(time.Millisecond), float64(w.requests.Load())/sec, w.vulnerable.Load(), w.failed.Load())
	if n := w.invalid.Load(); n > 0 {
		fmt.Fprintf(w.errOut, ", %d invalid lines skipped", n)
	}
	if n := w.skipped.Load(); n > 0 {
		fmt.Fprintf(w.errOut, ", %d already in --resume file (which holds %d vulnerable, %d failed)", n, w.prev.vulnerable, w.prev.failed)
	}
	fmt.Fprintln(w.errOut)
}
