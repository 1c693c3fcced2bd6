package report

import (
	"encoding/json"
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"github.com/corsdoctor/corsdoctor/diag"
	"github.com/corsdoctor/corsdoctor/evidence"
)

// SARIF 2.1.0 (https://docs.oasis-open.org/sarif/sarif/v2.1.0/) as
// accepted by GitHub code scanning. The types are written here rather
// than taken from github.com/owenrumney/go-sarif: its structs serialize
// empty arrays as null and zero byte offsets next to line numbers, which
// the official schema rejects (its embedded schema copy is patched to
// accept them). The test validates the output against the official
// schema (testdata/sarif-schema-2.1.0.json).

// SARIFSchema is the schema URI written into every log.
const SARIFSchema = "https://json.schemastore.org/sarif-2.1.0.json"

// SARIFOptions tune the SARIF output.
type SARIFOptions struct {
	// BaseDir makes artifact URIs relative (GitHub wants repository-
	// relative paths); "" keeps paths as given.
	BaseDir string
	// InformationURI links the tool; RulesURI is the rule docs base
	// (anchors are the lower-case rule IDs).
	InformationURI string
	RulesURI       string
	// Notifications are problems of the run itself (a file that could not
	// be parsed), reported as tool execution notifications of one
	// invocation; executionSuccessful is false when there are any.
	Notifications []SARIFNotification
	// Fingerprint, when set, computes each result's "corsdoctor/v1"
	// partial fingerprint instead of the default (rule, file, URL and
	// detail): scan keys it on the host and the finding.
	Fingerprint func(diag.Finding) string
}

// SARIFNotification is one tool execution notification.
type SARIFNotification struct {
	Message  string
	Location evidence.Source
}

type sarifLog struct {
	Schema  string     `json:"$schema"`
	Version string     `json:"version"`
	Runs    []sarifRun `json:"runs"`
}

type sarifRun struct {
	Tool        sarifTool         `json:"tool"`
	Invocations []sarifInvocation `json:"invocations,omitempty"`
	Results     []sarifResult     `json:"results"`
}

type sarifInvocation struct {
	ExecutionSuccessful        bool                `json:"executionSuccessful"`
	ToolExecutionNotifications []sarifNotification `json:"toolExecutionNotifications,omitempty"`
}

type sarifNotification struct {
	Level     string          `json:"level"`
	Message   sarifText       `json:"message"`
	Locations []sarifLocation `json:"locations,omitempty"`
}

type sarifTool struct {
	Driver sarifDriver `json:"driver"`
}

type sarifDriver struct {
	Name           string      `json:"name"`
	Version        string      `json:"version,omitempty"`
	InformationURI string      `json:"informationUri,omitempty"`
	Rules          []sarifRule `json:"rules"`
}

type sarifText struct {
	Text     string `json:"text"`
	Markdown string `json:"markdown,omitempty"`
}

type sarifRule struct {
	ID                   string         `json:"id"`
	Name                 string         `json:"name,omitempty"`
	ShortDescription     sarifText      `json:"shortDescription"`
	FullDescription      *sarifText     `json:"fullDescription,omitempty"`
	Help                 *sarifText     `json:"help,omitempty"`
	HelpURI              string         `json:"helpUri,omitempty"`
	DefaultConfiguration *sarifConfig   `json:"defaultConfiguration,omitempty"`
	Properties           map[string]any `json:"properties,omitempty"`
}

type sarifConfig struct {
	Level string `json:"level"`
}

type sarifResult struct {
	RuleID              string            `json:"ruleId"`
	RuleIndex           int               `json:"ruleIndex"`
	Level               string            `json:"level"`
	Message             sarifText         `json:"message"`
	Locations           []sarifLocation   `json:"locations,omitempty"`
	PartialFingerprints map[string]string `json:"partialFingerprints,omitempty"`
	Suppressions        []sarifSupp       `json:"suppressions,omitempty"`
}

type sarifSupp struct {
	Kind          string `json:"kind"`
	Justification string `json:"justification,omitempty"`
}

type sarifLocation struct {
	PhysicalLocation sarifPhysical `json:"physicalLocation"`
}

type sarifPhysical struct {
	ArtifactLocation sarifArtifact `json:"artifactLocation"`
	Region           *sarifRegion  `json:"region,omitempty"`
}

type sarifArtifact struct {
	URI string `json:"uri"`
}

type sarifRegion struct {
	StartLine   int `json:"startLine"`
	StartColumn int `json:"startColumn,omitempty"`
}

func sarifLevel(s diag.Severity) string {
	switch s {
	case diag.Error:
		return "error"
	case diag.Warning:
		return "warning"
	}
	return "note"
}

// SARIF writes findings as a SARIF 2.1.0 log with one run. rules are the
// rules that ran (they become tool.driver.rules, with their docs as help);
// every finding's rule must be among them.
func SARIF(w io.Writer, findings []diag.Finding, rules []*diag.Rule, opt SARIFOptions) error {
	if opt.InformationURI == "" {
		opt.InformationURI = "https://github.com/corsdoctor/corsdoctor"
	}
	if opt.RulesURI == "" {
		opt.RulesURI = opt.InformationURI + "/blob/main/docs/rules.md"
	}
	index := map[string]int{}
	var out []sarifRule
	add := func(r *diag.Rule) {
		if _, ok := index[r.ID]; ok {
			return
		}
		index[r.ID] = len(out)
		doc := strings.TrimSpace(r.Doc)
		fix := r.Fix[diag.Generic]
		out = append(out, sarifRule{
			ID: r.ID, Name: r.Name,
			ShortDescription:     sarifText{Text: r.Title},
			FullDescription:      &sarifText{Text: doc},
			Help:                 &sarifText{Text: doc + "\n\nFix: " + fix, Markdown: "```text\n" + doc + "\n```\n\n**Fix:** " + fix},
			HelpURI:              opt.RulesURI + "#" + strings.ToLower(r.ID),
			DefaultConfiguration: &sarifConfig{Level: sarifLevel(r.Severity)},
			Properties:           map[string]any{"tags": []string{"cors"}, "precision": "high"},
		})
	}
	for _, r := range rules {
		add(r)
	}
	// Every result points at its rule's documentation: a finding of a
	// rule that did not run (or is not registered) is a bug of the caller.
	for _, f := range findings {
		if _, ok := index[f.RuleID]; !ok {
			return fmt.Errorf("sarif: finding %s (%s) has no rule among the rules that ran", f.RuleID, f.Name)
		}
	}
	results := make([]sarifResult, 0, len(findings))
	for _, f := range findings {
		msg := f.Detail
		if f.Fix != "" {
			msg += "\nFix: " + f.Fix
		}
		res := sarifResult{RuleID: f.RuleID, RuleIndex: index[f.RuleID], Level: sarifLevel(f.Severity), Message: sarifText{Text: msg}}
		if loc, ok := sarifLoc(f.Location, opt.BaseDir); ok {
			res.Locations = []sarifLocation{loc}
		}
		fp := fingerprint(f)
		if opt.Fingerprint != nil {
			fp = opt.Fingerprint(f)
		}
		res.PartialFingerprints = map[string]string{"corsdoctor/v1": fp}
		results = append(results, res)
	}
	run := sarifRun{
		Tool:    sarifTool{Driver: sarifDriver{Name: "corsdoctor", Version: Version, InformationURI: opt.InformationURI, Rules: out}},
		Results: results,
	}
	if len(opt.Notifications) > 0 {
		inv := sarifInvocation{}
		for _, n := range opt.Notifications {
			sn := sarifNotification{Level: "error", Message: sarifText{Text: n.Message}}
			if loc, ok := sarifLoc(n.Location, opt.BaseDir); ok {
				sn.Locations = []sarifLocation{loc}
			}
			inv.ToolExecutionNotifications = append(inv.ToolExecutionNotifications, sn)
		}
		run.Invocations = []sarifInvocation{inv}
	}
	log := sarifLog{Schema: SARIFSchema, Version: "2.1.0", Runs: []sarifRun{run}}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(log)
}

// sarifLoc converts a location: repository-relative when under baseDir,
// a file:// URI when absolute otherwise.
func sarifLoc(s evidence.Source, baseDir string) (sarifLocation, bool) {
	if s.File == "" {
		return sarifLocation{}, false
	}
	uri := s.File
	if baseDir != "" && filepath.IsAbs(uri) {
		if rel, err := filepath.Rel(baseDir, uri); err == nil && !strings.HasPrefix(rel, "..") {
			uri = rel
		}
	}
	if filepath.IsAbs(uri) {
		uri = "file://" + filepath.ToSlash(uri)
	}
	loc := sarifLocation{PhysicalLocation: sarifPhysical{ArtifactLocation: sarifArtifact{URI: filepath.ToSlash(uri)}}}
	if s.Line > 0 {
		loc.PhysicalLocation.Region = &sarifRegion{StartLine: s.Line, StartColumn: s.Column}
	}
	return loc, true
}

// fingerprint is stable across line moves: rule, file and detail.
func fingerprint(f diag.Finding) string {
	h := uint64(14695981039346656037)
	for _, s := range []string{f.RuleID, filepath.ToSlash(f.Location.File), f.Location.URL, f.Detail} {
		for i := 0; i < len(s); i++ {
			h ^= uint64(s[i])
			h *= 1099511628211
		}
		h ^= 0xff
	}
	const hex = "0123456789abcdef"
	b := make([]byte, 16)
	for i := 15; i >= 0; i-- {
		b[i] = hex[h&0xf]
		h >>= 4
	}
	return string(b)
}
