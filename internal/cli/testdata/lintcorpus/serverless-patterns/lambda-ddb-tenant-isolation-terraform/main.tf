# Reconstructed for corsdoctor's lint corpus from aws-samples/serverless-patterns lambda-ddb-tenant-isolation-terraform/main.tf
# at fb7b5d06c27d8abb1bd35e52ab7523acf4baab7b (MIT-0): only the facts lint reads are carried over (APIs, routes,
# methods, integrations, authorizers, CORS settings, gateway responses, function URLs;
# other resources keep only their type); inline handler code is replaced by our own
# minimal handler returning the same CORS headers; comments, descriptions, schemas and
# unrelated properties are dropped. See SOURCES.
variable "aws_region" {
  type = string

  validation {
    condition     = can(regex("^[a-z]{2}-[a-z]+-[0-9]+$", var.aws_region))
    error_message = "Must be a valid AWS region (e.g. us-east-1, eu-west-2)."
  }
}

variable "prefix" {
  type = string

  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9\\-]{1,20}$", var.prefix))
    error_message = "Prefix must be 2-21 lowercase alphanumeric characters or hyphens, starting with a letter or number."
  }
}

variable "environment" {
  type    = string
  default = "dev"
  validation {
    condition     = contains(["dev", "staging", "prod"], var.environment)
    error_message = "Environment must be dev, staging, or prod."
  }
}

variable "log_retention_days" {
  type    = number
  default = 14
}

locals {
  name_prefix = "${var.prefix}-tenant-iso"
}

data "aws_caller_identity" "current" {}
data "aws_region" "current" {}

data "archive_file" "standard_lambda_zip" {

}

data "archive_file" "isolated_lambda_zip" {

}

resource "aws_dynamodb_table" "shared_counter_table" {

}

resource "aws_dynamodb_table" "isolated_counter_table" {

}

resource "aws_iam_role" "standard_lambda_execution_role" {

}

resource "aws_iam_role_policy_attachment" "standard_lambda_basic_execution" {
}

resource "aws_iam_role_policy" "standard_dynamodb_policy" {

}

resource "aws_iam_role" "isolated_lambda_execution_role" {

}

resource "aws_iam_role_policy_attachment" "isolated_lambda_basic_execution" {
}

resource "aws_iam_role_policy" "isolated_dynamodb_policy" {

}

resource "aws_cloudwatch_log_group" "counter_standard_log_group" {

}

resource "aws_cloudwatch_log_group" "counter_isolated_log_group" {

}

resource "aws_lambda_function" "counter_standard_function" {
  filename         = data.archive_file.standard_lambda_zip.output_path
  source_code_hash = data.archive_file.standard_lambda_zip.output_base64sha256
  function_name    = "${local.name_prefix}-counter-standard"
  role             = aws_iam_role.standard_lambda_execution_role.arn
  handler          = "standard_lambda_function.lambda_handler"
  runtime          = "python3.14"
  timeout          = 25
  memory_size      = 128

  logging_config {
    log_group  = aws_cloudwatch_log_group.counter_standard_log_group.name
    log_format = "Text"
  }

  environment {
    variables = {
      LOG_LEVEL  = "INFO"
      TABLE_NAME = aws_dynamodb_table.shared_counter_table.name
    }
  }

  depends_on = [
    aws_cloudwatch_log_group.counter_standard_log_group,
    aws_iam_role_policy_attachment.standard_lambda_basic_execution,
    aws_iam_role_policy.standard_dynamodb_policy
  ]
}

resource "aws_lambda_function" "counter_isolated_function" {
  filename         = data.archive_file.isolated_lambda_zip.output_path
  source_code_hash = data.archive_file.isolated_lambda_zip.output_base64sha256
  function_name    = "${local.name_prefix}-counter-isolated"
  role             = aws_iam_role.isolated_lambda_execution_role.arn
  handler          = "isolated_lambda_function.lambda_handler"
  runtime          = "python3.14"
  timeout          = 25
  memory_size      = 128

  tenancy_config {
    tenant_isolation_mode = "PER_TENANT"
  }

  logging_config {
    log_group  = aws_cloudwatch_log_group.counter_isolated_log_group.name
    log_format = "Text"
  }

  environment {
    variables = {
      LOG_LEVEL  = "INFO"
      TABLE_NAME = aws_dynamodb_table.isolated_counter_table.name
    }
  }

  depends_on = [
    aws_cloudwatch_log_group.counter_isolated_log_group,
    aws_iam_role_policy_attachment.isolated_lambda_basic_execution,
    aws_iam_role_policy.isolated_dynamodb_policy
  ]
}

resource "aws_api_gateway_rest_api" "api_gateway" {
  name = "${local.name_prefix}-api"

  endpoint_configuration {
    types = ["REGIONAL"]
  }

}

resource "aws_api_gateway_request_validator" "request_validator" {
  name                        = "${local.name_prefix}-request-validator"
  rest_api_id                 = aws_api_gateway_rest_api.api_gateway.id
  validate_request_parameters = true
  validate_request_body       = false
}

resource "aws_api_gateway_model" "error_model" {
  rest_api_id  = aws_api_gateway_rest_api.api_gateway.id
  name         = "ErrorModel"
  content_type = "application/json"

  schema = jsonencode({
    "$schema" = "http://json-schema.org/draft-04/schema#"
    title     = "Error Schema"
    type      = "object"
    properties = {
      error = {
        type = "string"
      }
      message = {
        type = "string"
      }
      statusCode = {
        type = "integer"
      }
    }
  })
}

resource "aws_api_gateway_resource" "standard_resource" {
  rest_api_id = aws_api_gateway_rest_api.api_gateway.id
  parent_id   = aws_api_gateway_rest_api.api_gateway.root_resource_id
  path_part   = "standard"
}

resource "aws_api_gateway_method" "standard_method" {
  rest_api_id   = aws_api_gateway_rest_api.api_gateway.id
  resource_id   = aws_api_gateway_resource.standard_resource.id
  http_method   = "GET"
  authorization = "NONE"

  request_parameters = {
    "method.request.header.tenant-id" = false
  }
}

resource "aws_api_gateway_integration" "standard_integration" {
  rest_api_id             = aws_api_gateway_rest_api.api_gateway.id
  resource_id             = aws_api_gateway_resource.standard_resource.id
  http_method             = aws_api_gateway_method.standard_method.http_method
  integration_http_method = "POST"
  type                    = "AWS_PROXY"
  uri                     = aws_lambda_function.counter_standard_function.invoke_arn

  request_parameters = {
    "integration.request.header.X-Amz-Tenant-Id" = "method.request.header.tenant-id"
  }
}

resource "aws_api_gateway_method_response" "standard_response_200" {
  rest_api_id = aws_api_gateway_rest_api.api_gateway.id
  resource_id = aws_api_gateway_resource.standard_resource.id
  http_method = aws_api_gateway_method.standard_method.http_method
  status_code = "200"

  response_models = {
    "application/json" = "Empty"
  }
}

resource "aws_api_gateway_method_response" "standard_response_405" {
  rest_api_id = aws_api_gateway_rest_api.api_gateway.id
  resource_id = aws_api_gateway_resource.standard_resource.id
  http_method = aws_api_gateway_method.standard_method.http_method
  status_code = "405"

  response_models = {
    "application/json" = aws_api_gateway_model.error_model.name
  }
}

resource "aws_api_gateway_method_response" "standard_response_500" {
  rest_api_id = aws_api_gateway_rest_api.api_gateway.id
  resource_id = aws_api_gateway_resource.standard_resource.id
  http_method = aws_api_gateway_method.standard_method.http_method
  status_code = "500"

  response_models = {
    "application/json" = aws_api_gateway_model.error_model.name
  }
}

resource "aws_api_gateway_method" "standard_options_method" {
  rest_api_id   = aws_api_gateway_rest_api.api_gateway.id
  resource_id   = aws_api_gateway_resource.standard_resource.id
  http_method   = "OPTIONS"
  authorization = "NONE"
}

resource "aws_api_gateway_integration" "standard_options_integration" {
  rest_api_id = aws_api_gateway_rest_api.api_gateway.id
  resource_id = aws_api_gateway_resource.standard_resource.id
  http_method = aws_api_gateway_method.standard_options_method.http_method
  type        = "MOCK"

  request_templates = {
    "application/json" = "{\"statusCode\": 200}"
  }
}

resource "aws_api_gateway_method_response" "standard_options_response_200" {
  rest_api_id = aws_api_gateway_rest_api.api_gateway.id
  resource_id = aws_api_gateway_resource.standard_resource.id
  http_method = aws_api_gateway_method.standard_options_method.http_method
  status_code = "200"

  response_parameters = {
    "method.response.header.Access-Control-Allow-Headers" = true
    "method.response.header.Access-Control-Allow-Methods" = true
    "method.response.header.Access-Control-Allow-Origin"  = true
  }
}

resource "aws_api_gateway_integration_response" "standard_options_integration_response" {
  rest_api_id = aws_api_gateway_rest_api.api_gateway.id
  resource_id = aws_api_gateway_resource.standard_resource.id
  http_method = aws_api_gateway_method.standard_options_method.http_method
  status_code = aws_api_gateway_method_response.standard_options_response_200.status_code

  response_parameters = {
    "method.response.header.Access-Control-Allow-Headers" = "'Content-Type,X-Amz-Date,Authorization,X-Api-Key,X-Amz-Security-Token'"
    "method.response.header.Access-Control-Allow-Methods" = "'GET,OPTIONS'"
    "method.response.header.Access-Control-Allow-Origin"  = "'*'"
  }

  response_templates = {
    "application/json" = ""
  }
}

resource "aws_api_gateway_resource" "isolated_resource" {
  rest_api_id = aws_api_gateway_rest_api.api_gateway.id
  parent_id   = aws_api_gateway_rest_api.api_gateway.root_resource_id
  path_part   = "isolated"
}

resource "aws_api_gateway_method" "isolated_method" {
  rest_api_id          = aws_api_gateway_rest_api.api_gateway.id
  resource_id          = aws_api_gateway_resource.isolated_resource.id
  http_method          = "GET"
  authorization        = "NONE"
  request_validator_id = aws_api_gateway_request_validator.request_validator.id

  request_parameters = {
    "method.request.header.x-tenant-id" = true
  }
}

resource "aws_api_gateway_integration" "isolated_integration" {
  rest_api_id             = aws_api_gateway_rest_api.api_gateway.id
  resource_id             = aws_api_gateway_resource.isolated_resource.id
  http_method             = aws_api_gateway_method.isolated_method.http_method
  integration_http_method = "POST"
  type                    = "AWS_PROXY"
  uri                     = aws_lambda_function.counter_isolated_function.invoke_arn

  request_parameters = {
    "integration.request.header.X-Amz-Tenant-Id" = "method.request.header.x-tenant-id"
  }
}

resource "aws_api_gateway_method_response" "isolated_response_200" {
  rest_api_id = aws_api_gateway_rest_api.api_gateway.id
  resource_id = aws_api_gateway_resource.isolated_resource.id
  http_method = aws_api_gateway_method.isolated_method.http_method
  status_code = "200"

  response_models = {
    "application/json" = "Empty"
  }
}

resource "aws_api_gateway_method_response" "isolated_response_400" {
  rest_api_id = aws_api_gateway_rest_api.api_gateway.id
  resource_id = aws_api_gateway_resource.isolated_resource.id
  http_method = aws_api_gateway_method.isolated_method.http_method
  status_code = "400"

  response_models = {
    "application/json" = aws_api_gateway_model.error_model.name
  }
}

resource "aws_api_gateway_method_response" "isolated_response_405" {
  rest_api_id = aws_api_gateway_rest_api.api_gateway.id
  resource_id = aws_api_gateway_resource.isolated_resource.id
  http_method = aws_api_gateway_method.isolated_method.http_method
  status_code = "405"

  response_models = {
    "application/json" = aws_api_gateway_model.error_model.name
  }
}

resource "aws_api_gateway_method_response" "isolated_response_500" {
  rest_api_id = aws_api_gateway_rest_api.api_gateway.id
  resource_id = aws_api_gateway_resource.isolated_resource.id
  http_method = aws_api_gateway_method.isolated_method.http_method
  status_code = "500"

  response_models = {
    "application/json" = aws_api_gateway_model.error_model.name
  }
}

resource "aws_api_gateway_method" "isolated_options_method" {
  rest_api_id   = aws_api_gateway_rest_api.api_gateway.id
  resource_id   = aws_api_gateway_resource.isolated_resource.id
  http_method   = "OPTIONS"
  authorization = "NONE"
}

resource "aws_api_gateway_integration" "isolated_options_integration" {
  rest_api_id = aws_api_gateway_rest_api.api_gateway.id
  resource_id = aws_api_gateway_resource.isolated_resource.id
  http_method = aws_api_gateway_method.isolated_options_method.http_method
  type        = "MOCK"

  request_templates = {
    "application/json" = "{\"statusCode\": 200}"
  }
}

resource "aws_api_gateway_method_response" "isolated_options_response_200" {
  rest_api_id = aws_api_gateway_rest_api.api_gateway.id
  resource_id = aws_api_gateway_resource.isolated_resource.id
  http_method = aws_api_gateway_method.isolated_options_method.http_method
  status_code = "200"

  response_parameters = {
    "method.response.header.Access-Control-Allow-Headers" = true
    "method.response.header.Access-Control-Allow-Methods" = true
    "method.response.header.Access-Control-Allow-Origin"  = true
  }
}

resource "aws_api_gateway_integration_response" "isolated_options_integration_response" {
  rest_api_id = aws_api_gateway_rest_api.api_gateway.id
  resource_id = aws_api_gateway_resource.isolated_resource.id
  http_method = aws_api_gateway_method.isolated_options_method.http_method
  status_code = aws_api_gateway_method_response.isolated_options_response_200.status_code

  response_parameters = {
    "method.response.header.Access-Control-Allow-Headers" = "'Content-Type,X-Amz-Date,Authorization,X-Api-Key,X-Amz-Security-Token,x-tenant-id'"
    "method.response.header.Access-Control-Allow-Methods" = "'GET,OPTIONS'"
    "method.response.header.Access-Control-Allow-Origin"  = "'*'"
  }

  response_templates = {
    "application/json" = ""
  }
}

resource "aws_lambda_permission" "standard_function_permission" {
  statement_id  = "AllowAPIGatewayInvoke"
  action        = "lambda:InvokeFunction"
  function_name = aws_lambda_function.counter_standard_function.function_name
  principal     = "apigateway.amazonaws.com"
  source_arn    = "${aws_api_gateway_rest_api.api_gateway.execution_arn}/*/*"
}

resource "aws_lambda_permission" "isolated_function_permission" {
  statement_id  = "AllowAPIGatewayInvoke"
  action        = "lambda:InvokeFunction"
  function_name = aws_lambda_function.counter_isolated_function.function_name
  principal     = "apigateway.amazonaws.com"
  source_arn    = "${aws_api_gateway_rest_api.api_gateway.execution_arn}/*/*"
}

resource "aws_api_gateway_deployment" "api_gateway_deployment" {
  rest_api_id = aws_api_gateway_rest_api.api_gateway.id

  triggers = {
    redeployment = sha1(jsonencode([
      aws_api_gateway_resource.standard_resource.id,
      aws_api_gateway_method.standard_method.id,
      aws_api_gateway_integration.standard_integration.id,
      aws_api_gateway_resource.isolated_resource.id,
      aws_api_gateway_method.isolated_method.id,
      aws_api_gateway_integration.isolated_integration.id,
    ]))
  }

  lifecycle {
    create_before_destroy = true
  }

  depends_on = [
    aws_api_gateway_method.standard_method,
    aws_api_gateway_integration.standard_integration,
    aws_api_gateway_method.standard_options_method,
    aws_api_gateway_integration.standard_options_integration,
    aws_api_gateway_method.isolated_method,
    aws_api_gateway_integration.isolated_integration,
    aws_api_gateway_method.isolated_options_method,
    aws_api_gateway_integration.isolated_options_integration,
  ]
}

resource "aws_api_gateway_stage" "api_gateway_stage" {
  deployment_id = aws_api_gateway_deployment.api_gateway_deployment.id
  rest_api_id   = aws_api_gateway_rest_api.api_gateway.id
  stage_name    = var.environment

}

