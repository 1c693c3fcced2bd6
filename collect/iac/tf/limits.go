package tf

import (
	"fmt"

	"github.com/corsdoctor/corsdoctor/evidence"
)

// Limits of one .tf file, checked before it is parsed. hclsyntax
// recurses once (a dozen frames) per nesting level: a 200 KB file nested
// 100,000 levels deep overflowed the Go stack, which no recover() can
// catch, after 30 s and 600 MB. Its syntax tree costs about 100 bytes per
// token, so the token count bounds the memory of a file (500,000 tokens:
// about 60 MB, some 2 to 4 MB of ordinary Terraform, far more than a
// module holds).
const (
	// MaxNesting bounds brackets, braces, parentheses, template
	// interpolations and chains of unary operators, together.
	MaxNesting = 256
	// MaxTokens bounds the tokens of one file.
	MaxTokens = 500_000
)

// LimitError says where a file exceeds a limit.
type LimitError struct {
	File         string
	Line, Column int
	What         string
}

func (e *LimitError) Error() string {
	return fmt.Sprintf("%s:%d:%d: %s", e.File, e.Line, e.Column, e.Problem())
}

// Place is where the limit is exceeded (evidence.Located).
func (e *LimitError) Place() evidence.Source {
	return evidence.Source{File: e.File, Line: e.Line, Column: e.Column}
}

// Problem is the message without the place (evidence.Located).
func (e *LimitError) Problem() string {
	return e.What + "; corsdoctor does not parse it (lint bounds the depth and size of every file)"
}

// CheckLimits scans an HCL file as its lexer would (quoted templates with
// their escapes and ${ } and %{ } interpolations, heredocs, the three
// comment forms) without building anything, and returns a *LimitError
// when it nests deeper than MaxNesting or holds more than MaxTokens
// tokens. It runs in linear time and constant memory besides the stack
// of open constructs, which is itself bounded by MaxNesting.
func CheckLimits(name string, src []byte) error {
	type frame struct {
		kind  byte   // '(' bracket, '"' string, 'i' interpolation, 'h' heredoc
		delim []byte // heredoc delimiter
	}
	var (
		stack     []frame
		depth     int // open brackets and interpolations
		unary     int // consecutive unary operators
		tokens    int
		line      = 1
		lineStart int
		inWord    bool
	)
	fail := func(i int, what string) error {
		return &LimitError{File: name, Line: line, Column: i - lineStart + 1, What: what}
	}
	deeper := func(i int) error {
		depth++
		if depth > MaxNesting {
			return fail(i, fmt.Sprintf("nested deeper than %d levels (brackets, braces, parentheses and template interpolations)", MaxNesting))
		}
		return nil
	}
	count := func(i int) error {
		tokens++
		if tokens > MaxTokens {
			return fail(i, fmt.Sprintf("more than %d tokens", MaxTokens))
		}
		return nil
	}
	top := func() byte {
		if len(stack) == 0 {
			return 0
		}
		return stack[len(stack)-1].kind
	}
	// template handles template text (a quoted string, a heredoc) at
	// i: ${ and %{ open an interpolation, $${ and %%{ are literal.
	// It returns the index of the last byte consumed.
	template := func(i int, c byte) (int, error) {
		switch {
		case (c == '$' || c == '%') && i+2 < len(src) && src[i+1] == c && src[i+2] == '{':
			return i + 2, nil
		case (c == '$' || c == '%') && i+1 < len(src) && src[i+1] == '{':
			if err := deeper(i); err != nil {
				return i, err
			}
			if err := count(i); err != nil {
				return i, err
			}
			stack = append(stack, frame{kind: 'i'})
			return i + 1, nil
		}
		return i, nil
	}
	for i := 0; i < len(src); i++ {
		c := src[i]
		if c == '\n' {
			line, lineStart = line+1, i+1
		}
		var err error
		switch top() {
		case '"':
			switch {
			case c == '\\':
				i++ // the escaped byte (\n, \", \\, \uNNNN's first byte)
			case c == '"' || c == '\n':
				stack = stack[:len(stack)-1]
			default:
				i, err = template(i, c)
			}
			if err != nil {
				return err
			}
			continue
		case 'h':
			if i == lineStart {
				if d := stack[len(stack)-1].delim; heredocEnd(src[i:], d) {
					stack = stack[:len(stack)-1]
					i += indexLineEnd(src[i:]) - 1
					continue
				}
			}
			if i, err = template(i, c); err != nil {
				return err
			}
			continue
		}
		// Code: the top level, a bracket or an interpolation.
		word := c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c >= 0x80
		if word && !inWord {
			if err := count(i); err != nil {
				return err
			}
		}
		inWord = word
		if word {
			unary = 0
			continue
		}
		switch c {
		case ' ', '\t', '\r', '\n':
			continue
		case '#':
			i += indexLineEnd(src[i:]) - 1
			continue
		case '/':
			if i+1 < len(src) && src[i+1] == '/' {
				i += indexLineEnd(src[i:]) - 1
				continue
			}
			if i+1 < len(src) && src[i+1] == '*' {
				end := indexOf(src[i+2:], "*/")
				if end < 0 {
					return nil // unterminated: the parser says so
				}
				for _, b := range src[i : i+2+end+2] {
					if b == '\n' {
						line++
					}
				}
				i += 2 + end + 1
				lineStart = lastLineStart(src, i+1, lineStart)
				continue
			}
		case '!', '-':
			unary++
			if unary > MaxNesting {
				return fail(i, fmt.Sprintf("a chain of more than %d unary operators", MaxNesting))
			}
			if err := count(i); err != nil {
				return err
			}
			continue
		case '"':
			if err := count(i); err != nil {
				return err
			}
			stack = append(stack, frame{kind: '"'})
		case '<':
			if d, n := heredocStart(src[i:]); n > 0 {
				if err := count(i); err != nil {
					return err
				}
				stack = append(stack, frame{kind: 'h', delim: d})
				i += n - 1 // up to the newline, which the next round counts
				continue
			}
		case '(', '[', '{':
			if err := deeper(i); err != nil {
				return err
			}
			if err := count(i); err != nil {
				return err
			}
			stack = append(stack, frame{kind: '('})
		case ')', ']', '}':
			if k := top(); k == '(' || k == 'i' {
				stack = stack[:len(stack)-1]
				depth--
			}
			if err := count(i); err != nil {
				return err
			}
		default:
			if err := count(i); err != nil {
				return err
			}
		}
		unary = 0
	}
	return nil
}

// heredocStart recognises "<<ID\n" and "<<-ID\n" and returns ID and the
// length up to (not including) the newline.
func heredocStart(s []byte) ([]byte, int) {
	if len(s) < 3 || s[0] != '<' || s[1] != '<' {
		return nil, 0
	}
	i := 2
	if s[i] == '-' {
		i++
	}
	start := i
	for i < len(s) && (s[i] == '_' || s[i] >= 'a' && s[i] <= 'z' || s[i] >= 'A' && s[i] <= 'Z' || s[i] >= '0' && s[i] <= '9' || s[i] == '-' && i > start) {
		i++
	}
	if i == start {
		return nil, 0
	}
	id := s[start:i]
	for i < len(s) && (s[i] == ' ' || s[i] == '\t' || s[i] == '\r') {
		i++
	}
	if i >= len(s) || s[i] != '\n' {
		return nil, 0
	}
	return id, i
}

// heredocEnd reports whether the line at s is the delimiter (leading and
// trailing blanks allowed, as <<- permits indentation).
func heredocEnd(s, delim []byte) bool {
	end := indexLineEnd(s)
	l := s[:end]
	for len(l) > 0 && (l[0] == ' ' || l[0] == '\t') {
		l = l[1:]
	}
	for len(l) > 0 && (l[len(l)-1] == ' ' || l[len(l)-1] == '\t' || l[len(l)-1] == '\r') {
		l = l[:len(l)-1]
	}
	return string(l) == string(delim)
}

// indexLineEnd is the index of the first newline in s, or len(s).
func indexLineEnd(s []byte) int {
	for i, b := range s {
		if b == '\n' {
			return i
		}
	}
	return len(s)
}

func indexOf(s []byte, sub string) int {
	for i := 0; i+len(sub) <= len(s); i++ {
		if string(s[i:i+len(sub)]) == sub {
			return i
		}
	}
	return -1
}

// lastLineStart is the start of the line holding index i.
func lastLineStart(src []byte, i, prev int) int {
	for j := i - 1; j >= prev && j >= 0; j-- {
		if src[j] == '\n' {
			return j + 1
		}
	}
	return prev
}
