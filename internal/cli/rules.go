package cli

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/corsdoctor/corsdoctor/report"
	"github.com/corsdoctor/corsdoctor/rules"
)

// RulesOptions are `rules`'s parsed flags.
type RulesOptions struct {
	App *App
	// Rule is an ID (CD2009, cd2009) or a name (gateway-responses-no-cors);
	// "" lists every rule.
	Rule     string
	Markdown bool
}

// NewCmdRules builds `corsdoctor rules`.
func NewCmdRules(app *App, runF func(*RulesOptions) error) *cobra.Command {
	opts := &RulesOptions{App: app}
	cmd := &cobra.Command{
		Use:   "rules [ID|NAME]",
		Short: "List the rules, or explain one: why it fires, its sources, before/after and fixes",
		Long: `rules lists every rule corsdoctor reports, with its stable ID, severity, name and
title. Given an ID or a name it prints that rule's documentation: what it reads, why
it fires (with the Fetch standard, Chromium or AWS source), a before/after, and the
fix for each platform. --markdown prints the whole catalogue (docs/rules.md).`,
		Example: `  corsdoctor rules
  corsdoctor rules CD2009
  corsdoctor rules gateway-responses-no-cors`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 1 {
				opts.Rule = args[0]
			}
			if runF != nil {
				return runF(opts)
			}
			return runRulesCmd(opts)
		},
	}
	cmd.Flags().BoolVar(&opts.Markdown, "markdown", false, "print the rule catalogue as Markdown (docs/rules.md)")
	return cmd
}

func runRulesCmd(opts *RulesOptions) error {
	out := opts.App.IO.Out
	switch {
	case opts.Markdown && opts.Rule != "":
		return WithHint(Usagef("--markdown prints every rule, not %s", opts.Rule), "corsdoctor rules "+opts.Rule)
	case opts.Markdown:
		_, err := out.Write(rules.Markdown())
		return err
	case opts.Rule == "":
		return report.RuleList(out, rules.All())
	}
	want := strings.TrimSpace(opts.Rule)
	for _, r := range rules.All() {
		if strings.EqualFold(r.ID, want) || r.Name == want {
			return report.RuleDoc(out, r)
		}
	}
	for _, r := range rules.RetiredIDs() {
		if strings.EqualFold(r.ID, want) || r.Name == want {
			return report.RetiredRule(out, r.ID, r.Name, r.ReplacedBy, r.Why)
		}
	}
	return WithHint(Usagef("unknown rule %q", want), fmt.Sprintf("corsdoctor rules lists all %d: an ID such as CD2009 or a name such as gateway-responses-no-cors", len(rules.All())))
}
