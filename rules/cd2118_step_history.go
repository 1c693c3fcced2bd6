package rules

import (
	"fmt"

	"github.com/corsdoctor/corsdoctor/diag"
	"github.com/corsdoctor/corsdoctor/evidence"
)

// CD2118 judges step 8: the stage serves the configuration, and no
// deployment made a CORS removal live.
var cd2118 = &diag.Rule{
	ID: "CD2118", Needs: diag.NeedsPlaybook, Name: "playbook-step-history", Severity: diag.Error, Rank: 900, Since: "0.2.0",
	Title: "Playbook step 8: the stage does not serve the CORS configuration, or a deployment removed CORS",
	Doc: `Step 8 of the API Gateway CORS playbook: verify the CORS settings are in the
deployment, and whether deployments removed CORS configuration. The step fails
when a REST stage's export differs from the current configuration in a CORS element
(drift: configured but not deployed, or deployed but since removed), when an HTTP
API stage without automatic deployment had CORS changes after its deployment, or
when a deployment (or, with automatic deployment, the change itself) made the
deletion of a CORS element live (CloudTrail and the deployment list).

This rule reports no finding of its own: it gives the step its verdict in
corsdoctor aws diagnose (CD2101, CD2102 and CD2105 name the elements). See
https://docs.aws.amazon.com/apigateway/latest/developerguide/how-to-deploy-api.html`,
	Fix: map[diag.Platform]string{diag.Generic: stepFix},
	Check: func(p *diag.Pass) {
		pb := playbook(p)
		if pb == nil {
			return
		}
		switch n := len(pb.Drift); {
		case n > 0 && pb.Kind == evidence.RESTAPI:
			p.FailStep(evidence.StepHistory, "stage %q does not serve the current CORS configuration (%d difference(s))", pb.Stage, n)
		case n > 0 && pb.Kind == evidence.HTTPAPI:
			p.FailStep(evidence.StepHistory, "stage %q has no automatic deployment and %d CORS change(s) were made after its deployment", pb.Stage, n)
		}
		for _, rm := range removalsMadeLive(pb) {
			c, d := rm.deleted, rm.deployed
			reason := fmt.Sprintf("%s at %s made %s %s (%s) live", d.Event, d.Time.Format("15:04"), c.Event, c.Detail, c.Time.Format("15:04"))
			if d.Time.Equal(c.Time) && d.Event == c.Event {
				reason = fmt.Sprintf("%s %s at %s went live at once (the stage deploys automatically)", c.Event, c.Detail, c.Time.Format("15:04"))
			}
			p.FailStep(evidence.StepHistory, "%s", reason)
		}
	},
}
