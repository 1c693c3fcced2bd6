package rules

import (
	"fmt"

	"github.com/corsdoctor/corsdoctor/diag"
	"github.com/corsdoctor/corsdoctor/evidence"
)

// CD4052 is the playbook's diagnosis 3: a deployment or CORS change lines
// up with the rise in errors.
var cd4052 = &diag.Rule{
	ID:       "CD4052",
	Needs:    diag.NeedsPlaybook,
	Name:     "deployment-changed-cors",
	Severity: diag.Error,
	Rank:     11,
	Since:    "0.1.0",
	Title:    "A deployment or CORS change preceded the rise in errors",
	Doc: `Diagnosis 3 of the playbook: CloudTrail (LookupEvents on
apigateway.amazonaws.com) and the API's deployment list show a deployment or a
CORS-relevant change (an OPTIONS method deleted, an integration or gateway response
changed, CorsConfiguration updated, an import that replaced the API) within 15 minutes
before 4XX/5XX rose. Deployments snapshot the API: one made after CORS elements were
deleted, or from a template that lacks them, removes CORS from the stage.

See https://docs.aws.amazon.com/apigateway/latest/developerguide/cloudtrail.html`,
	Fix: map[diag.Platform]string{
		diag.Generic:   "Compare the configuration before and after the change; restore the removed CORS elements and deploy, or roll the stage back to the previous deployment.",
		diag.APIGwREST: "Roll back: aws apigateway update-stage --rest-api-id {{api_id}} --stage-name {{stage}} --patch-operations op=replace,path=/deploymentId,value=PREVIOUS_DEPLOYMENT_ID; then restore the CORS elements in the template and deploy again.",
		diag.APIGwHTTP: "Restore CorsConfiguration (aws apigatewayv2 update-api --api-id {{api_id}} --cors-configuration ...) and deploy; check the template that produced the change.",
	},
	Check: func(p *diag.Pass) {
		pb := playbook(p)
		if pb == nil {
			return
		}
		rise, ok := pb.FirstRise()
		if !ok {
			return
		}
		near := pb.ChangesNear(rise.At)
		if len(near) == 0 {
			return
		}
		var ev []string
		var deploy *evidence.Change
		for i, c := range near {
			ev = append(ev, changeLine(c))
			if c.Deploy && (deploy == nil || deploy.Event != "CreateDeployment") {
				deploy = &near[i]
			}
		}
		detail := fmt.Sprintf("%s rose at %s, %d change(s) to the API in the 15 minutes before", rise.Metric, hhmm(rise.At), len(near))
		if deploy != nil {
			detail = fmt.Sprintf("%s rose at %s, %s after a deployment (%s at %s)", rise.Metric, hhmm(rise.At), rise.At.Sub(deploy.Time).Round(1e9), deploy.Event, hhmm(deploy.Time))
		}
		for _, d := range pb.Drift {
			ev = append(ev, fmt.Sprintf("drift %s: %s %s %s", d.Kind, d.Method, d.Path, d.Element))
		}
		reportPB(p, pb, detail, ev...)
	},
}
