package rules

import (
	"strings"

	"github.com/corsdoctor/corsdoctor/apimodel"
	"github.com/corsdoctor/corsdoctor/diag"
	"github.com/corsdoctor/corsdoctor/evidence"
)

// The playbook's step verdicts (CD2111-CD2119, one rule per step that can
// fail; the API type of step 5 cannot). collect/apigw says only whether a
// step ran, did not apply or lacked evidence; these rules read what it
// collected and judge each step, as the runbook's "verify ..." asks
// (/work/shared/seeds/000_31a05f6ccf4418dd.txt, steps 1-9). They report
// no finding of their own: the findings name causes and fixes, the step
// verdicts tell where the playbook saw trouble. Each rule writes its
// derived evidence lines and its verdicts in the runbook's order: the
// first verdict on a step gives its reason.

// stepFix is the fix of a step rule: the findings carry the real ones.
const stepFix = "Read the step's evidence and the findings of the run: each finding names the cause and its fix for this API."

// invokeAllowOrigin returns the Access-Control-Allow-Origin a
// TestInvokeMethod answer carries, "" when none.
func invokeAllowOrigin(inv evidence.Invoke) string {
	for k, v := range inv.Headers {
		if strings.EqualFold(k, "Access-Control-Allow-Origin") && len(v) > 0 && v[0] != "" {
			return v[0]
		}
	}
	return ""
}

// removal is a CORS removal (a Delete... change) and the deployment that
// made it live.
type removal struct{ deleted, deployed evidence.Change }

// removalsMadeLive pairs each CORS removal with the first deployment at
// or after it (the removal itself when the stage deploys automatically).
func removalsMadeLive(pb *evidence.Playbook) []removal {
	var out []removal
	for i, c := range pb.Changes {
		if !c.CORS || !strings.HasPrefix(c.Event, "Delete") {
			continue
		}
		for _, d := range pb.Changes[i:] {
			if d.Deploy && !d.Time.Before(c.Time) {
				out = append(out, removal{c, d})
				break
			}
		}
	}
	return out
}

// stepFunc judges a step on the playbook's live API.
type stepFunc func(*diag.Pass, *evidence.Playbook, *apimodel.API)

// byAPIKind runs rest or http on the playbook's live API, by its kind,
// and returns the playbook (nil when the run has none).
func byAPIKind(p *diag.Pass, rest, http stepFunc) *evidence.Playbook {
	pb := playbook(p)
	if pb == nil {
		return nil
	}
	switch api := liveAPI(p, pb); {
	case api == nil:
	case api.Kind == apimodel.REST:
		rest(p, pb, api)
	case api.Kind == apimodel.HTTP:
		http(p, pb, api)
	}
	return pb
}
