package rules

import (
	"fmt"

	"github.com/corsdoctor/corsdoctor/diag"
)

// CD2104 reports logging that is off, so part of the playbook cannot run.
var cd2104 = &diag.Rule{
	ID:       "CD2104",
	Needs:    diag.NeedsPlaybook,
	Name:     "aws-logging-off",
	Severity: diag.Info,
	Rank:     95,
	Since:    "0.1.0",
	Title:    "Stage logging needed by the playbook is not configured",
	Doc: `Failed preflights show up in the stage's access logs (a JSON format with
$context.httpMethod, $context.status, $context.resourcePath or $context.routeKey and
$context.error.responseType), and the CORS headers API Gateway actually returned show
up in REST execution logs at INFO level with data trace. Without them the playbook's
steps 3 and 9 cannot run and only metrics, configuration and history remain.

See https://docs.aws.amazon.com/apigateway/latest/developerguide/set-up-logging.html`,
	Fix: map[diag.Platform]string{
		diag.Generic:   "Enable JSON access logging (and, for REST APIs, INFO execution logging) on the stage.",
		diag.APIGwREST: "aws apigateway update-stage --rest-api-id {{api_id}} --stage-name {{stage}} --patch-operations op=replace,path=/accessLogSettings/destinationArn,value=LOG_GROUP_ARN op=replace,path=/accessLogSettings/format,value='{\"requestId\":\"$context.requestId\",\"httpMethod\":\"$context.httpMethod\",\"resourcePath\":\"$context.resourcePath\",\"status\":\"$context.status\",\"responseType\":\"$context.error.responseType\"}'\nCloudFormation: AWS::ApiGateway::Stage AccessLogSetting: {DestinationArn: !GetAtt AccessLogs.Arn, Format: '...'} and MethodSettings: [{ResourcePath: '/*', HttpMethod: '*', LoggingLevel: INFO, DataTraceEnabled: true}]",
		diag.APIGwHTTP: "aws apigatewayv2 update-stage --api-id {{api_id}} --stage-name {{stage}} --access-log-settings DestinationArn=LOG_GROUP_ARN,Format='{\"requestId\":\"$context.requestId\",\"httpMethod\":\"$context.httpMethod\",\"routeKey\":\"$context.routeKey\",\"status\":\"$context.status\"}'\nCloudFormation: AWS::ApiGatewayV2::Stage AccessLogSettings.",
	},
	Check: func(p *diag.Pass) {
		pb := playbook(p)
		if pb == nil {
			return
		}
		for _, g := range pb.Gaps {
			if g.Cause == "not-configured" {
				reportPB(p, pb, fmt.Sprintf("step %d: %s not configured on stage %q", g.Step, g.What, pb.Stage), "setting: "+g.Need)
			}
		}
	},
}
