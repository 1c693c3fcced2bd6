package rules

import (
	"fmt"

	"github.com/corsdoctor/corsdoctor/diag"
	"github.com/corsdoctor/corsdoctor/evidence"
)

// CD4050 is the playbook's diagnosis 1: the 4XX rate rose, and the access
// logs show failed preflights at that time.
var cd4050 = &diag.Rule{
	ID:       "CD4050",
	Needs:    diag.NeedsPlaybook,
	Name:     "error-rise-preflight-failures",
	Severity: diag.Error,
	Rank:     10,
	Since:    "0.1.0",
	Title:    "4XX errors rose when preflight requests started failing",
	Doc: `Diagnosis 1 of the API Gateway CORS playbook: CloudWatch 4XXError (REST) or 4xx
(HTTP) per minute shows when errors rose; the stage's access logs, aggregated by Logs
Insights, confirm that OPTIONS preflights failed (typically 403
MISSING_AUTHENTICATION_TOKEN: no OPTIONS method, or 401/403 from an authorizer) from that
minute on. The failed preflights themselves are CD4001's finding (the same access-log
rules as corsdoctor logs); this one says what logs alone cannot: they line up with the
metric rise. A browser-side CORS block of a 200 response is invisible in metrics; failed
preflights are not, which is why they line up with the rise.

See https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-metrics-and-dimensions.html`,
	Fix: map[diag.Platform]string{
		diag.Generic:   "Make the failing paths answer OPTIONS with 2xx and the Access-Control-Allow-* headers (see the OPTIONS findings), then deploy.",
		diag.APIGwREST: "Add or repair the OPTIONS method (MOCK integration, 200, Access-Control-Allow-Origin/-Methods/-Headers mappings, authorizationType NONE, apiKeyRequired false) on the paths listed, then: aws apigateway create-deployment --rest-api-id {{api_id}} --stage-name {{stage}}",
		diag.APIGwHTTP: "Configure CorsConfiguration so API Gateway answers preflights itself (aws apigatewayv2 update-api --api-id {{api_id}} --cors-configuration AllowOrigins=https://app.example.com,AllowMethods=GET,POST,PUT,DELETE,AllowHeaders=content-type,authorization), or add an unauthenticated OPTIONS /{proxy+} route.",
	},
	Check: func(p *diag.Pass) {
		pb := playbook(p)
		if pb == nil {
			return
		}
		rise, ok := pb.FirstRise()
		if !ok || pb.PreflightFailures() == 0 {
			return
		}
		after := 0
		for _, se := range pb.Access.Series {
			if se.Method != "OPTIONS" {
				continue
			}
			for _, m := range se.PerMinute {
				if !m.Minute.Before(rise.At.Add(-evidence.CorrelationAfter)) {
					after += int(m.Count)
				}
			}
		}
		ev := []string{fmt.Sprintf("CloudWatch %s: %.1f/min before %s, %.1f/min after", rise.Metric, rise.Before, hhmm(rise.At), rise.After)}
		for i := range pb.Access.Routes {
			if r := &pb.Access.Routes[i]; r.Method == "OPTIONS" && r.Failed() > 0 && len(ev) < 6 {
				ev = append(ev, routeLine(r))
			}
		}
		detail := fmt.Sprintf("%s errors rose at %s and the access logs show %d failed OPTIONS preflight(s)", rise.Metric, hhmm(rise.At), pb.PreflightFailures())
		if after > 0 {
			detail += fmt.Sprintf(", %d of them from %s on", after, hhmm(rise.At))
		}
		reportPB(p, pb, detail, ev...)
	},
}
