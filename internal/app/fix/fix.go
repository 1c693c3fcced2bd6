// Package fix is corsdoctor fix's use case: lint the paths, rewrite the
// infrastructure code for every finding with a mechanical fix, prove each
// change (package fix), and with Apply write the files.
package fix

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/corsdoctor/corsdoctor/diag"
	corefix "github.com/corsdoctor/corsdoctor/fix"
	"github.com/corsdoctor/corsdoctor/internal/app"
	"github.com/corsdoctor/corsdoctor/internal/app/lint"
)

// Options say what to fix.
type Options struct {
	// Paths are files or directories (default: the current directory).
	Paths []string
	// Origins are page origins (validated); Headers request header names
	// the page sends (validated).
	Origins []string
	Headers []string
	// Rules and Config are lint's rule selection and configuration file.
	Rules  []string
	Config string
	// Apply writes the rewritten files.
	Apply bool
}

// Result is the fix run, and whether its files were written.
type Result struct {
	*corefix.Result
	Applied bool
}

// Document is fix's JSON output (docs/fix.md).
type Document struct {
	Tool    string         `json:"tool"`
	Applied bool           `json:"applied"`
	Counts  corefix.Counts `json:"counts"`
	*corefix.Result
}

// Run lints, fixes and proves; with opts.Apply it writes the files.
func Run(ctx context.Context, opts Options) (*Result, error) {
	paths := opts.Paths
	if len(paths) == 0 {
		paths = []string{"."}
	}
	linted := func(paths []string, read func(string) ([]byte, error)) (*corefix.Linted, error) {
		res, err := lint.Run(ctx, lint.Options{Paths: paths, Origins: opts.Origins, Rules: opts.Rules, Config: opts.Config, Read: read})
		if err != nil {
			return nil, err
		}
		l := &corefix.Linted{APIs: res.Models, Findings: res.Findings, Errors: res.Errors, Files: res.FileNames, Ran: []string{}, Suppressions: res.Suppressions}
		for _, r := range res.Rules {
			l.Ran = append(l.Ran, r.ID)
		}
		return l, nil
	}
	res, err := corefix.Run(corefix.Options{Origins: opts.Origins, Headers: opts.Headers, Paths: paths, Lint: linted})
	if err != nil {
		return nil, err
	}
	if opts.Apply {
		for _, f := range res.Files {
			if err := writeFileAtomic(f.Name, f.After); err != nil {
				return nil, app.Usagef("writing %s: %v", f.Name, err)
			}
		}
	}
	return &Result{Result: res, Applied: opts.Apply}, nil
}

// Document is the run's JSON output.
func (r *Result) Document() Document {
	return Document{Tool: "corsdoctor", Applied: r.Applied, Counts: r.Counts(), Result: r.Result}
}

// Err is the outcome as an error: a usage error when files could not be
// linted; app.ErrFindings when changes were not applied, or a finding of
// at least severity failOn remains.
func (r *Result) Err(failOn diag.Severity) error {
	if len(r.Errors) > 0 {
		return &app.UsageError{Err: fmt.Errorf("%d file(s) could not be linted", len(r.Errors))}
	}
	if !r.Applied && len(r.Files) > 0 {
		return app.ErrFindings
	}
	for _, f := range r.Remaining {
		if f.Severity >= failOn {
			return app.ErrFindings
		}
	}
	return nil
}

// writeFileAtomic replaces name with b, keeping its mode.
func writeFileAtomic(name string, b []byte) error {
	mode := os.FileMode(0o644)
	if st, err := os.Stat(name); err == nil {
		mode = st.Mode().Perm()
	}
	tmp, err := os.CreateTemp(filepath.Dir(name), "."+filepath.Base(name)+".corsdoctor-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(b); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Chmod(mode); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), name)
}
