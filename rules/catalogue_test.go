package rules

import (
	"bytes"
	"fmt"
	"net/http"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/corsdoctor/corsdoctor/cors"
	"github.com/corsdoctor/corsdoctor/diag"
	"github.com/corsdoctor/corsdoctor/evidence"
	"github.com/corsdoctor/corsdoctor/internal/golden"
)

// ruleCase is one input a rule must (Fire) or must not report on.
type ruleCase struct {
	Desc  string
	Input func(t *testing.T) *diag.Input
	Fire  bool
}

var cases = map[string][]ruleCase{}

// addCases registers cases for a rule; call it from init in
// rules/cdNNNN_<name>_test.go.
func addCases(id string, cs ...ruleCase) { cases[id] = append(cases[id], cs...) }

// resp builds a response from "Name: value" header lines.
func resp(status int, headers ...string) *evidence.Response {
	h := http.Header{}
	for _, line := range headers {
		k, v, ok := strings.Cut(line, ":")
		if !ok {
			panic("resp: header without colon: " + line)
		}
		h.Add(strings.TrimSpace(k), strings.TrimSpace(v))
	}
	return &evidence.Response{Status: status, Header: h}
}

// exchange evaluates one request over the hops and wraps it as input.
func exchange(req cors.Request, hops ...evidence.Hop) *diag.Input {
	ex := &evidence.Exchange{Request: req, Hops: hops}
	ex.Evaluate()
	return &diag.Input{Exchanges: []*evidence.Exchange{ex}}
}

// req is a cross-origin request from https://app.example.com.
func req(method string, headers ...string) cors.Request {
	r := cors.Request{Origin: "https://app.example.com", URL: "https://api.example.com/items", Method: method}
	for _, line := range headers {
		k, v, _ := strings.Cut(line, ":")
		r.Headers = append(r.Headers, cors.Header{Name: strings.TrimSpace(k), Value: strings.TrimSpace(v)})
	}
	return r
}

func TestRuleCases(t *testing.T) {
	for _, r := range All() {
		for _, c := range cases[r.ID] {
			t.Run(r.ID+"/"+c.Desc, func(t *testing.T) {
				in := c.Input(t)
				fs := diag.Run([]*diag.Rule{r}, in)
				var mine []diag.Finding
				for _, f := range fs {
					if f.RuleID == r.ID {
						mine = append(mine, f)
					}
					if strings.HasPrefix(f.Title, "internal error") {
						t.Fatalf("rule panicked: %s", f.Detail)
					}
				}
				if c.Fire && len(mine) == 0 {
					t.Fatalf("%s did not fire", r.ID)
				}
				if !c.Fire && len(mine) > 0 {
					t.Fatalf("%s fired but must not: %s", r.ID, mine[0].Detail)
				}
				for _, f := range mine {
					if f.Detail == "" || f.Fix == "" {
						t.Errorf("finding without detail or fix: %+v", f)
					}
				}
			})
		}
	}
}

var (
	idRe   = regexp.MustCompile(`^CD[1-4]\d{3}$`)
	nameRe = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)
)

func TestCatalogue(t *testing.T) {
	ids, names := map[string]bool{}, map[string]bool{}
	for _, r := range All() {
		switch {
		case !idRe.MatchString(r.ID):
			t.Errorf("%s: ID must look like CD1234", r.ID)
		case ids[r.ID]:
			t.Errorf("%s: duplicate ID", r.ID)
		case names[r.Name]:
			t.Errorf("%s: duplicate name %q", r.ID, r.Name)
		case !nameRe.MatchString(r.Name):
			t.Errorf("%s: name %q must be kebab-case", r.ID, r.Name)
		case r.Title == "" || r.Doc == "" || r.Since == "":
			t.Errorf("%s: Title, Doc and Since are required", r.ID)
		case r.Fix[diag.Generic] == "":
			t.Errorf("%s: a generic fix is required", r.ID)
		case r.Deprecated && r.ReplacedBy == "":
			t.Errorf("%s: deprecated without ReplacedBy", r.ID)
		}
		ids[r.ID], names[r.Name] = true, true
		if r.Deprecated {
			continue
		}
		var fire, pass bool
		for _, c := range cases[r.ID] {
			fire = fire || c.Fire
			pass = pass || !c.Fire
		}
		if !fire || !pass {
			t.Errorf("%s: needs at least one Fire and one non-Fire case (add rules/%s_*_test.go)", r.ID, strings.ToLower(r.ID))
		}
	}
	for id := range cases {
		if !ids[id] {
			t.Errorf("cases registered for unknown rule %s", id)
		}
	}
	golden.Check(t, "../docs/rules.md", RulesMarkdown())
}

// RulesMarkdown renders docs/rules.md from the registry.
func RulesMarkdown() []byte {
	var b bytes.Buffer
	b.WriteString("# corsdoctor rules\n\n")
	b.WriteString("Generated from the rule registry (`go test ./rules -run TestCatalogue -update`); do not edit by hand.\n\n")
	b.WriteString("IDs are stable. Families: CD1xxx browser causes (check, explain, har, browser), CD2xxx API Gateway and infrastructure code (lint, aws), CD3xxx security (scan), CD4xxx logs and metrics (logs, aws).\n\n")
	b.WriteString("| ID | Name | Severity | Title |\n|---|---|---|---|\n")
	all := All()
	for _, r := range all {
		title := r.Title
		if r.Deprecated {
			title += " (deprecated, replaced by " + r.ReplacedBy + ")"
		}
		fmt.Fprintf(&b, "| [%s](#%s) | %s | %s | %s |\n", r.ID, strings.ToLower(r.ID), r.Name, r.Severity, escapePipes(title))
	}
	for _, r := range all {
		fmt.Fprintf(&b, "\n## %s\n\n**%s** (%s, since %s): %s\n\n", r.ID, r.Name, r.Severity, r.Since, r.Title)
		b.WriteString("```text\n" + strings.TrimSpace(r.Doc) + "\n```\n\n")
		b.WriteString("Fix:\n\n")
		plats := make([]string, 0, len(r.Fix))
		for p := range r.Fix {
			plats = append(plats, string(p))
		}
		sort.Slice(plats, func(i, j int) bool {
			if plats[i] == string(diag.Generic) {
				return true
			}
			if plats[j] == string(diag.Generic) {
				return false
			}
			return plats[i] < plats[j]
		})
		for _, p := range plats {
			fmt.Fprintf(&b, "- %s: %s\n", p, escapeMD(r.Fix[diag.Platform(p)]))
		}
	}
	return b.Bytes()
}

func escapePipes(s string) string { return strings.ReplaceAll(s, "|", "\\|") }

func escapeMD(s string) string { return strings.ReplaceAll(s, "\n", " ") }
