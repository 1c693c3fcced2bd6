package diag

import (
	"bytes"
	"fmt"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/corsdoctor/corsdoctor/evidence"
)

// Suppression is one "corsdoctor:ignore" directive in a file, or one
// ignore entry of the lint configuration (Config). Suppress hides the
// findings it matches and records whether it was used; rules CD2098
// (a directive without a reason) and CD2099 (an unused suppression)
// judge it afterwards, from Input.Suppressions.
type Suppression struct {
	// Rules are the rule IDs it names.
	Rules []string
	// File and Line are the line an inline directive covers (its own, or
	// the next after a comment-only line); Line is 0 for config entries.
	File string
	Line int
	// Glob limits a config entry to matching paths ("" for every file).
	Glob string
	// Reason is why; a directive without one is ignored (CD2098).
	Reason string
	// Source is where the suppression is written.
	Source evidence.Source
	// Used is set by Suppress when it hid at least one finding; Judged
	// when every rule it names ran, so that it could have been used.
	Used, Judged bool
}

// Config is the lint configuration file (lint --config): the rule
// selection and suppressions by rule and path. Reading the YAML is the
// caller's; Validate checks what was read.
type Config struct {
	Rules  []string      `yaml:"rules"`
	Ignore []IgnoreEntry `yaml:"ignore"`
}

// IgnoreEntry suppresses a rule in the files matching Path.
type IgnoreEntry struct {
	Rule   string `yaml:"rule"`
	Path   string `yaml:"path"`
	Reason string `yaml:"reason"`
}

// Validate reports the first ignore entry without a rule or a reason;
// name is the configuration file, for the message.
func (c *Config) Validate(name string) error {
	for i, ig := range c.Ignore {
		if ig.Rule == "" || ig.Reason == "" {
			return fmt.Errorf("%s: ignore[%d]: rule and reason are required", name, i)
		}
	}
	return nil
}

// Suppressions returns the config's ignore entries as suppressions
// written in file name.
func (c *Config) Suppressions(name string) []*Suppression {
	var out []*Suppression
	for _, ig := range c.Ignore {
		out = append(out, &Suppression{Rules: []string{ig.Rule}, Glob: filepath.ToSlash(ig.Path), Reason: ig.Reason,
			Source: evidence.Source{File: name}})
	}
	return out
}

// directiveMarker starts an inline suppression.
const directiveMarker = "corsdoctor:ignore"

var directiveRe = regexp.MustCompile(`corsdoctor:ignore\s+((?:CD\d{4}[, ]*)+)(.*)$`)

// ScanSuppressions finds the inline suppressions in file name, those
// without a reason included (Reason ""; Suppress ignores them, CD2098
// reports them).
func ScanSuppressions(name string, data []byte) []*Suppression {
	if !bytes.Contains(data, []byte(directiveMarker)) {
		return nil
	}
	var out []*Suppression
	for i, l := range strings.Split(string(data), "\n") {
		m := directiveRe.FindStringSubmatch(l)
		if m == nil {
			continue
		}
		ids := strings.FieldsFunc(m[1], func(r rune) bool { return r == ',' || r == ' ' })
		reason := strings.TrimSpace(strings.TrimLeft(strings.TrimSpace(m[2]), "-:"))
		src := evidence.Source{File: name, Line: i + 1, Column: strings.Index(l, directiveMarker) + 1}
		// A directive on a comment-only line covers the next line; a
		// trailing one covers its own line.
		target := i + 1
		if trimmed := strings.TrimSpace(l); strings.HasPrefix(trimmed, "#") || strings.HasPrefix(trimmed, "//") {
			target = i + 2
		}
		out = append(out, &Suppression{Rules: ids, File: name, Line: target, Reason: reason, Source: src})
	}
	return out
}

// Matches reports whether s hides finding f.
func (s *Suppression) Matches(f Finding) bool {
	ok := false
	for _, id := range s.Rules {
		if id == f.RuleID {
			ok = true
		}
	}
	if !ok {
		return false
	}
	if s.Line > 0 {
		return filepath.Clean(f.Location.File) == filepath.Clean(s.File) && (f.Location.Line == s.Line || f.Location.Line == s.Line-1 && s.Line-1 == s.Source.Line)
	}
	if s.Glob == "" {
		return true
	}
	p := filepath.ToSlash(f.Location.File)
	if m, _ := filepath.Match(s.Glob, p); m {
		return true
	}
	return strings.HasPrefix(p, strings.TrimSuffix(s.Glob, "*"))
}

// Suppress returns the findings no suppression with a reason hides and
// how many were hidden, and marks each suppression Used and Judged (every
// rule it names is among ran: only then can it be called unused).
func Suppress(fs []Finding, sups []*Suppression, ran []*Rule) (kept []Finding, hidden int) {
	for _, f := range fs {
		hide := false
		for _, s := range sups {
			if s.Reason != "" && s.Matches(f) {
				s.Used, hide = true, true
			}
		}
		if hide {
			hidden++
			continue
		}
		kept = append(kept, f)
	}
	ids := map[string]bool{}
	for _, r := range ran {
		ids[r.ID] = true
	}
	for _, s := range sups {
		s.Judged = true
		for _, id := range s.Rules {
			s.Judged = s.Judged && ids[id]
		}
	}
	return kept, hidden
}
