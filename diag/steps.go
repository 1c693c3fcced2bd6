package diag

import (
	"fmt"

	"github.com/corsdoctor/corsdoctor/evidence"
)

// StepNote is what a rule concluded about one step of the API Gateway
// playbook: an evidence line it derived from what the collector read, or
// the verdict that the step failed and why. The collector only says
// whether a step ran (passed), did not apply (skipped) or lacked evidence
// (partial); every failed step is a rule's verdict.
type StepNote struct {
	Step   evidence.StepID
	RuleID string
	// Evidence is a line added after the collector's lines.
	Evidence string
	// Failed: the rule judged the step failed, for Reason.
	Failed bool
	Reason string
}

// StepEvidence adds a line to a step's evidence.
func (p *Pass) StepEvidence(step evidence.StepID, format string, a ...any) {
	p.steps = append(p.steps, StepNote{Step: step, RuleID: p.Rule.ID, Evidence: fmt.Sprintf(format, a...)})
}

// FailStep judges a step failed. When several verdicts fall on one step
// the first, in rule order, gives the reason.
func (p *Pass) FailStep(step evidence.StepID, format string, a ...any) {
	p.steps = append(p.steps, StepNote{Step: step, RuleID: p.Rule.ID, Failed: true, Reason: fmt.Sprintf(format, a...)})
}

// ApplySteps writes the step notes into pb: evidence lines after the
// collector's, and the failed steps with their reasons.
func (r Result) ApplySteps(pb *evidence.Playbook) {
	for _, n := range r.Steps {
		s := pb.Step(n.Step)
		if s == nil {
			continue
		}
		if n.Evidence != "" {
			s.Evidence = append(s.Evidence, n.Evidence)
		}
		if n.Failed {
			s.Fail(n.Reason)
		}
	}
}
