// Package app holds what corsdoctor's use cases share: the errors that
// decide a command's exit code. Each use case is a package below it
// (internal/app/scan, internal/app/check, ...) with an Options struct and
// a Run function returning a result value; it is callable without cobra
// (the web UI calls them directly), and never imports cobra or
// internal/cli (internal/deptest guards it). The commands in internal/cli
// parse flags into Options, make one call and map its error to an exit
// code.
package app

import (
	"errors"
	"fmt"
)

// UsageError is a usage or input error (exit 2), with an optional hint
// giving the corrected command.
type UsageError struct {
	Err  error
	Hint string
}

func (e *UsageError) Error() string { return e.Err.Error() }
func (e *UsageError) Unwrap() error { return e.Err }

// Usagef builds a UsageError.
func Usagef(format string, a ...any) error {
	return &UsageError{Err: fmt.Errorf(format, a...)}
}

// WithHint attaches a hint to a usage error.
func WithHint(err error, hint string) error {
	var ue *UsageError
	if errors.As(err, &ue) {
		ue.Hint = hint
		return ue
	}
	return &UsageError{Err: err, Hint: hint}
}

// ErrFindings reports that the use case ran and found blocked requests or
// findings: exit 1, and nothing more is printed.
var ErrFindings = errors.New("findings")
