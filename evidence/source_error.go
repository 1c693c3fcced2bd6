package evidence

import "fmt"

// SourceError is a problem of an input file at a place in it: a parser's
// error with its location as values, so presenters (SARIF notifications)
// read the place instead of parsing it back out of the text.
type SourceError struct {
	// Source is the file and, when known, the line and column (Line 0:
	// the parser gave no line).
	Source Source
	// Msg is the problem, without the location.
	Msg string
}

// Located is an error that knows where in an input it happened.
type Located interface {
	error
	// Place is the file, line and column.
	Place() Source
	// Problem is the message without the place.
	Problem() string
}

// Place is where the problem is.
func (e *SourceError) Place() Source { return e.Source }

// Problem is the message without the place.
func (e *SourceError) Problem() string { return e.Msg }

func (e *SourceError) Error() string {
	s := e.Source
	switch {
	case s.Line > 0 && s.Column > 0:
		return fmt.Sprintf("%s:%d:%d: %s", s.File, s.Line, s.Column, e.Msg)
	case s.Line > 0:
		return fmt.Sprintf("%s:%d: %s", s.File, s.Line, e.Msg)
	}
	return s.File + ": " + e.Msg
}
