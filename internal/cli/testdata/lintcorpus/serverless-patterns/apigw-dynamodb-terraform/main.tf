# Reconstructed for corsdoctor's lint corpus from aws-samples/serverless-patterns apigw-dynamodb-terraform/main.tf
# at fb7b5d06c27d8abb1bd35e52ab7523acf4baab7b (MIT-0): only the facts lint reads are carried over (APIs, routes,
# methods, integrations, authorizers, CORS settings, gateway responses, function URLs;
# other resources keep only their type); inline handler code is replaced by our own
# minimal handler returning the same CORS headers; comments, descriptions, schemas and
# unrelated properties are dropped. See SOURCES.
data "aws_caller_identity" "current" {}

data "aws_region" "current" {}

resource "aws_iam_role" "APIGWRole" {
}

resource "aws_iam_policy" "APIGWPolicy" {
}

resource "aws_iam_role_policy_attachment" "APIGWPolicyAttachment" {
}

resource "aws_dynamodb_table" "MyDynamoDBTable" {

}

resource "aws_api_gateway_rest_api" "MyApiGatewayRestApi" {
  name = "APIGW DynamoDB Serverless Pattern Demo"
  body = jsonencode({
    "swagger" : "2.0",
    "info" : {
      "version" : "2022-03-21T11:36:12Z",
      "title" : "APIGW DynamoDB Serverless Pattern Demo"
    },
    "basePath" : "/v1",
    "schemes" : ["https"],
    "paths" : {
      "/pets" : {
        "post" : {
          "consumes" : ["application/json"],
          "produces" : ["application/json"],
          "responses" : {
            "200" : {
              "description" : "200 response"
            }
          },
          "security" : [{
            "api_key" : []
          }],
          "x-amazon-apigateway-integration" : {
            "type" : "aws",
            "credentials" : "${aws_iam_role.APIGWRole.arn}",
            "httpMethod" : "POST",
            "uri" : "arn:aws:apigateway:${data.aws_region.current.id}:dynamodb:action/PutItem",
            "responses" : {
              "default" : {
                "statusCode" : "200",
                "responseTemplates" : {
                  "application/json" : "{}"
                }
              }
            },
            "requestTemplates" : {
              "application/json" : "{\"TableName\":\"Pets\",\"Item\":{\"id\":{\"S\":\"$context.requestId\"},\"PetType\":{\"S\":\"$input.path('$.PetType')\"},\"PetName\":{\"S\":\"$input.path('$.PetName')\"},\"PetPrice\":{\"N\":\"$input.path('$.PetPrice')\"}}}"
            },
            "passthroughBehavior" : "when_no_templates"
          }
        }
      },
      "/pets/{PetType}" : {
        "get" : {
          "consumes" : ["application/json"],
          "produces" : ["application/json"],
          "parameters" : [{
            "name" : "PetType",
            "in" : "path",
            "required" : true,
            "PetType" : "string"
          }],
          "responses" : {
            "200" : {
              "description" : "200 response"
            }
          },
          "security" : [{
            "api_key" : []
          }],
          "x-amazon-apigateway-integration" : {
            "type" : "aws",
            "credentials" : "${aws_iam_role.APIGWRole.arn}",
            "httpMethod" : "POST",
            "uri" : "arn:aws:apigateway:${data.aws_region.current.id}:dynamodb:action/Query",
            "responses" : {
              "default" : {
                "statusCode" : "200",
                "responseTemplates" : {
                  "application/json" : "#set($inputRoot = $input.path('$'))\n{\n\t\"pets\": [\n\t\t#foreach($field in $inputRoot.Items) {\n\t\t\t\"id\": \"$field.id.S\",\n\t\t\t\"PetType\": \"$field.PetType.S\",\n\t\t\t\"PetName\": \"$field.PetName.S\",\n\t\t\t\"PetPrice\": \"$field.PetPrice.N\"\n\t\t}#if($foreach.hasNext),#end\n\t\t#end\n\t]\n}"
                }
              }
            },
            "requestParameters" : {
              "integration.request.path.PetType" : "method.request.path.PetType"
            },
            "requestTemplates" : {
              "application/json" : "{\"TableName\":\"Pets\",\"IndexName\":\"PetType-index\",\"KeyConditionExpression\":\"PetType=:v1\",\"ExpressionAttributeValues\":{\":v1\":{\"S\":\"$util.urlDecode($input.params('PetType'))\"}}}"
            },
            "passthroughBehavior" : "when_no_templates"
          }
        }
      }
    },
    "securityDefinitions" : {
      "api_key" : {
        "type" : "apiKey",
        "name" : "x-api-key",
        "in" : "header"
      }
    }
  })
}

resource "aws_api_gateway_deployment" "MyApiGatewayDeployment" {
  rest_api_id = aws_api_gateway_rest_api.MyApiGatewayRestApi.id
}

resource "aws_cloudwatch_log_group" "MyLogGroup" {
}

resource "aws_cloudwatch_log_resource_policy" "MyCloudWatchLogPolicy" {
}

resource "aws_api_gateway_stage" "MyApiGatewayStage" {
  deployment_id = aws_api_gateway_deployment.MyApiGatewayDeployment.id
  rest_api_id   = aws_api_gateway_rest_api.MyApiGatewayRestApi.id
  stage_name    = "v1"
  depends_on    = [aws_api_gateway_account.ApiGatewayAccountSetting]

  access_log_settings {
    destination_arn = aws_cloudwatch_log_group.MyLogGroup.arn
    format          = "{ \"requestId\":\"$context.requestId\", \"ip\": \"$context.identity.sourceIp\", \"requestTime\":\"$context.requestTime\", \"httpMethod\":\"$context.httpMethod\",\"routeKey\":\"$context.routeKey\", \"status\":\"$context.status\",\"protocol\":\"$context.protocol\", \"responseLength\":\"$context.responseLength\" }"
  }
}

resource "aws_api_gateway_account" "ApiGatewayAccountSetting" {
  cloudwatch_role_arn = aws_iam_role.APIGatewayCloudWatchRole.arn
}

resource "aws_iam_role" "APIGatewayCloudWatchRole" {
}

resource "aws_iam_role_policy" "APIGatewayCloudWatchPolicy" {

}

resource "aws_api_gateway_method_settings" "MyApiGatewaySetting" {
  rest_api_id = aws_api_gateway_rest_api.MyApiGatewayRestApi.id
  stage_name  = aws_api_gateway_stage.MyApiGatewayStage.stage_name
  method_path = "*/*"

  settings {

    metrics_enabled = true
    logging_level   = "INFO"
  }
}

resource "aws_api_gateway_usage_plan" "MyApiGatewayUsagePlan" {
  name = "apigw-dynamodb-terraform-usage-plan"

  quota_settings {
    limit  = 1000
    period = "MONTH"
  }

  throttle_settings {
    burst_limit = 20
    rate_limit  = 100
  }

  api_stages {
    api_id = aws_api_gateway_rest_api.MyApiGatewayRestApi.id
    stage  = aws_api_gateway_stage.MyApiGatewayStage.stage_name
  }
}

resource "aws_api_gateway_api_key" "MyAPIKey" {
  name = "apigw-dynamodb-terraform-api-key"
}

resource "aws_api_gateway_usage_plan_key" "MyAPIGWUsagePlanKey" {
  key_id        = aws_api_gateway_api_key.MyAPIKey.id
  key_type      = "API_KEY"
  usage_plan_id = aws_api_gateway_usage_plan.MyApiGatewayUsagePlan.id
}

