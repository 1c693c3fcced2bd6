package apigw

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"sync"

	"github.com/aws/smithy-go"

	"github.com/corsdoctor/corsdoctor/apimodel"
	"github.com/corsdoctor/corsdoctor/evidence"
)

// run is one playbook run: the clients and options, the evidence being
// gathered, and what each group of steps found that a later step reads.
type run struct {
	c   Clients
	opt Options
	sem chan struct{} // bounds AWS calls in flight

	mu    sync.Mutex // guards pb, api, steps and the state below
	pb    *evidence.Playbook
	api   *apimodel.API
	steps map[evidence.StepID]*evidence.Step

	config configState // StepCORS, StepAPIType, StepMethods
	stage  stageState  // StepDeployed, StepHistory
	logs   logState    // StepAccessLogs, StepExecLogs
	// health keeps StepDeployed's AWS Health lines aside: the health call
	// runs beside the stage reader, and its lines come last.
	health []string
}

// configState is what the configuration readers found that the metrics
// and the change history need.
type configState struct {
	restName     string            // REST metrics' ApiName dimension
	resourcePath map[string]string // resource id -> path (REST), for CloudTrail details
}

// stageState is what the stage and deployment readers found.
type stageState struct {
	deps     []deployment  // oldest first
	deployed *apimodel.API // what the stage serves (its export), or nil
}

// logState is where the chosen stage writes its logs.
type logState struct {
	accessGroup  string
	accessFormat string
	execLevel    string
}

func newRun(c Clients, opt Options, pb *evidence.Playbook) *run {
	r := &run{c: c, opt: opt, sem: make(chan struct{}, opt.Concurrency), pb: pb,
		steps: map[evidence.StepID]*evidence.Step{}, config: configState{resourcePath: map[string]string{}}}
	for _, n := range evidence.Steps {
		r.steps[n] = &evidence.Step{N: n, Title: n.Title(), Status: evidence.StepPassed}
	}
	return r
}

// call runs one AWS call under the concurrency bound.
func (r *run) call(ctx context.Context, f func(context.Context) error) error {
	select {
	case r.sem <- struct{}{}:
	case <-ctx.Done():
		return ctx.Err()
	}
	defer func() { <-r.sem }()
	return f(ctx)
}

// evidenceLine appends an evidence line to a step.
func (r *run) evidenceLine(step evidence.StepID, format string, a ...any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	s := r.steps[step]
	s.Evidence = append(s.Evidence, fmt.Sprintf(format, a...))
}

// skip marks a step skipped with a reason unless it already is.
func (r *run) skip(step evidence.StepID, format string, a ...any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	s := r.steps[step]
	if s.Status == evidence.StepPassed {
		s.Status = evidence.StepSkipped
		s.Reason = fmt.Sprintf(format, a...)
	}
}

// gap records missing evidence. It returns a fatal error for credential
// problems (which affect every step), nil otherwise.
func (r *run) gap(step evidence.StepID, key evidence.GapKey, what, need string, err error) error {
	if ie := credentialError(err); ie != nil {
		return ie
	}
	cause := gapCause(err)
	if cause != "access-denied" && cause != "missing-log-group" {
		need = "retry later; " + need
	}
	r.addGap(evidence.Gap{Step: step, Key: key, What: what, Cause: cause, Need: need, Err: shortErr(err)})
	return nil
}

// gapCause classifies why an AWS call failed.
func gapCause(err error) string {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		switch code := ae.ErrorCode(); {
		case strings.Contains(code, "AccessDenied") || code == "UnauthorizedOperation" || code == "UnauthorizedException":
			return "access-denied"
		case strings.Contains(code, "Throttl") || code == "TooManyRequestsException" || code == "LimitExceededException":
			return "throttled"
		case code == "ResourceNotFoundException":
			return "missing-log-group"
		}
	}
	return "failed"
}

// addGap records a gap; the step becomes partial, except for evidence
// that cannot exist (not-configured), which finishSteps turns into a skip.
func (r *run) addGap(g evidence.Gap) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.pb.Gaps = append(r.pb.Gaps, g)
	if s := r.steps[g.Step]; g.Cause != "not-configured" && s.Status == evidence.StepPassed {
		s.Status = evidence.StepPartial
	}
}

// notConfigured records evidence that cannot exist because a setting is off.
func (r *run) notConfigured(step evidence.StepID, key evidence.GapKey, what, need string) {
	r.addGap(evidence.Gap{Step: step, Key: key, What: what, Cause: "not-configured", Need: need})
}

// windowState is the window-dependent steps as they stand before any
// window is read (skips decided from the configuration).
type windowState map[evidence.StepID]evidence.Step

func (r *run) windowState() windowState {
	snap := windowState{}
	for _, n := range evidence.WindowSteps {
		st := *r.steps[n]
		st.Evidence = append([]string(nil), st.Evidence...)
		snap[n] = st
	}
	return snap
}

// dropWindow forgets the window-dependent evidence, its gaps and step
// lines, before the window is widened and read again.
func (r *run) dropWindow(snap windowState) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.pb.Metrics, r.pb.Logs, r.pb.Access = nil, nil, nil
	r.pb.Changes = r.pb.Changes[:0]
	out := r.pb.Gaps[:0]
	for _, g := range r.pb.Gaps {
		if g.Cause != "not-configured" && (snap.has(g.Step) || g.Key == evidence.GapCloudTrail) {
			continue
		}
		out = append(out, g)
	}
	r.pb.Gaps = out
	for n, st := range snap {
		*r.steps[n] = st
	}
	history := r.steps[evidence.StepHistory]
	keep := history.Evidence[:0]
	for _, e := range history.Evidence {
		if !strings.HasPrefix(e, trailLinePrefix) {
			keep = append(keep, e)
		}
	}
	history.Evidence = keep
}

func (s windowState) has(n evidence.StepID) bool {
	_, ok := s[n]
	return ok
}

// finishSteps fills the last reasons: partial steps name their gaps,
// steps whose evidence is not configured are skipped.
func (r *run) finishSteps() {
	r.mu.Lock()
	defer r.mu.Unlock()
	sort.SliceStable(r.pb.Gaps, func(i, j int) bool {
		a, b := r.pb.Gaps[i], r.pb.Gaps[j]
		if a.Step != b.Step {
			return a.Step < b.Step
		}
		return a.What < b.What
	})
	for _, g := range r.pb.Gaps {
		s := r.steps[g.Step]
		if g.Cause == "not-configured" {
			if s.Status == evidence.StepPassed {
				s.Status = evidence.StepSkipped
			}
			if s.Reason == "" {
				s.Reason = g.What + " not configured: " + g.Need
			}
			continue
		}
		if s.Reason == "" {
			s.Reason = fmt.Sprintf("%s missing (%s): needs %s", g.What, g.Cause, g.Need)
		}
	}
	r.pb.Steps = r.pb.Steps[:0]
	for _, n := range evidence.Steps {
		r.pb.Steps = append(r.pb.Steps, *r.steps[n])
	}
}

// shortErr renders an SDK error without the request id noise.
func shortErr(err error) string {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorCode() + ": " + ae.ErrorMessage()
	}
	return err.Error()
}

func errCode(err error) string {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorCode()
	}
	return ""
}
