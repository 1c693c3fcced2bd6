// Package logs is corsdoctor logs' use case: read access logs in one
// streaming pass (collect/accesslog), then run the rules that read the
// aggregate (CD4001-CD4006).
package logs

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"time"

	"github.com/corsdoctor/corsdoctor/collect/accesslog"
	"github.com/corsdoctor/corsdoctor/diag"
	"github.com/corsdoctor/corsdoctor/evidence"
	"github.com/corsdoctor/corsdoctor/internal/app"
	"github.com/corsdoctor/corsdoctor/rules"
)

// Options say what to read and how.
type Options struct {
	// Files are files or globs; none, or "-", is Stdin.
	Files []string
	Stdin io.Reader
	// Scan is the reading: format, time filter, deployments, workers.
	Scan accesslog.Options
	// Progress, when set (a terminal's standard error), shows a progress
	// line once the input is over ProgressMin bytes, every ProgressEvery.
	Progress      io.Writer
	ProgressMin   int64
	ProgressEvery time.Duration
}

// Result is the aggregate and what the rules found in it.
type Result struct {
	Stats    *evidence.LogStats
	Findings []diag.Finding
}

// Run reads the logs and diagnoses them. Unreadable input is an
// app.UsageError.
func Run(ctx context.Context, opts Options) (*Result, error) {
	inputs, err := Inputs(opts.Files, opts.Stdin)
	if err != nil {
		return nil, err
	}
	so := opts.Scan
	var read atomic.Int64
	so.Read = &read
	stop := progress(opts, inputs, &read)
	st, err := accesslog.Scan(inputs, so)
	stop()
	if err != nil {
		return nil, app.Usagef("%v", err)
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return &Result{Stats: st, Findings: diag.Run(rules.For(diag.NeedsAccessLogs), &diag.Input{Logs: st})}, nil
}

// Err is the run's outcome as an error: a usage error when no line could
// be read (not a clean result, docs/exit-codes.md), app.ErrFindings on a
// warning or error, nil otherwise.
func (r *Result) Err() error {
	st := r.Stats
	if st.Records == 0 && st.Lines > 0 {
		return app.WithHint(app.Usagef("no line of %d could be read as %s", st.Lines, strings.Join(st.Formats, ", ")),
			"name the log format with --format, or check that the file is an access log")
	}
	for _, f := range r.Findings {
		if f.Severity >= diag.Warning {
			return app.ErrFindings
		}
	}
	return nil
}

// Inputs expands files and globs; no file or "-" is stdin.
func Inputs(args []string, stdin io.Reader) ([]accesslog.Input, error) {
	if len(args) == 0 {
		args = []string{"-"}
	}
	var out []accesslog.Input
	seenStdin := false
	for _, arg := range args {
		if arg == "-" {
			if seenStdin {
				return nil, app.Usagef("standard input ('-') given twice")
			}
			seenStdin = true
			out = append(out, accesslog.Input{Name: "<stdin>", Open: func() (io.ReadCloser, error) { return io.NopCloser(stdin), nil }})
			continue
		}
		names := []string{arg}
		if strings.ContainsAny(arg, "*?[") {
			m, err := filepath.Glob(arg)
			if err != nil {
				return nil, app.Usagef("%s: bad pattern: %v", arg, err)
			}
			if len(m) == 0 {
				return nil, app.WithHint(app.Usagef("%s: no file matches", arg), "check the path; quote the pattern to let corsdoctor expand it")
			}
			names = m
		}
		for _, n := range names {
			fi, err := os.Stat(n)
			if err != nil {
				return nil, app.Usagef("%v", err)
			}
			if fi.IsDir() {
				return nil, app.WithHint(app.Usagef("%s: is a directory", n), "pass the files, e.g. "+filepath.Join(n, "*.log.gz"))
			}
			out = append(out, accesslog.Input{Name: n, Size: fi.Size(), Open: func() (io.ReadCloser, error) { return os.Open(n) }})
		}
	}
	return out, nil
}

// progress starts the progress line; the returned stop clears it.
func progress(opts Options, inputs []accesslog.Input, read *atomic.Int64) (stop func()) {
	w := opts.Progress
	if w == nil {
		return func() {}
	}
	var total int64
	known := true
	for _, in := range inputs {
		total += in.Size
		known = known && in.Size > 0
	}
	if known && total <= opts.ProgressMin {
		return func() {}
	}
	start := time.Now()
	line := func() string {
		n := read.Load()
		el := time.Since(start).Seconds()
		rate := float64(n) / 1e6 / max(el, 0.001)
		if known {
			return fmt.Sprintf("corsdoctor: read %s of %s (%.0f%%), %.0f MB/s", mb(n), mb(total), 100*float64(n)/float64(total), rate)
		}
		return fmt.Sprintf("corsdoctor: read %s, %.0f MB/s", mb(n), rate)
	}
	quit, done := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(done)
		t := time.NewTicker(opts.ProgressEvery)
		defer t.Stop()
		shown := known
		if known {
			fmt.Fprint(w, "\r\x1b[K"+line())
		}
		for {
			select {
			case <-quit:
				if shown {
					fmt.Fprint(w, "\r\x1b[K")
				}
				return
			case <-t.C:
				if known || read.Load() > opts.ProgressMin {
					fmt.Fprint(w, "\r\x1b[K"+line())
					shown = true
				}
			}
		}
	}()
	return func() {
		close(quit)
		<-done
	}
}

// mb renders a byte count in MB (10^6) or GB.
func mb(n int64) string {
	if n >= 10e9 {
		return fmt.Sprintf("%.1f GB", float64(n)/1e9)
	}
	return fmt.Sprintf("%.0f MB", float64(n)/1e6)
}
