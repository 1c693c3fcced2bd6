# Reconstructed for corsdoctor's lint corpus from aws-samples/serverless-patterns apigw-http-api-lambda-rds-proxy-terraform/main.tf
# at fb7b5d06c27d8abb1bd35e52ab7523acf4baab7b (MIT-0): only the facts lint reads are carried over (APIs, routes,
# methods, integrations, authorizers, CORS settings, gateway responses, function URLs;
# other resources keep only their type); inline handler code is replaced by our own
# minimal handler returning the same CORS headers; comments, descriptions, schemas and
# unrelated properties are dropped. See SOURCES.
data "aws_caller_identity" "current" {}

locals {
  account_id = data.aws_caller_identity.current.account_id
}

resource "random_string" "random" {
}

data "aws_secretsmanager_secret_version" "creds" {
}

locals {
  lambda_username = jsondecode(
    data.aws_secretsmanager_secret_version.creds.secret_string
  )
}

resource "aws_s3_bucket" "lambda_bucket" {
}

resource "aws_s3_bucket_acl" "private_bucket" {
}

resource "null_resource" "my_lambda_buildstep" {

}

data "archive_file" "lambda_source" {

}

resource "aws_s3_object" "lambda" {

}

resource "aws_lambda_function" "rds_proxy_function" {
  function_name = "rds_proxy_function-${random_string.random.id}"

  s3_bucket = aws_s3_bucket.lambda_bucket.id
  s3_key    = aws_s3_object.lambda.key

  runtime = "python3.14"
  handler = "app.lambda_handler"

  source_code_hash = data.archive_file.lambda_source.output_base64sha256

  role    = aws_iam_role.lambda_exec.arn
  timeout = 60

  vpc_config {
    subnet_ids         = var.vpc_subnets
    security_group_ids = [var.security_group]
  }

  environment {
    variables = {
      region : var.aws_region,
      rds_endpoint : var.rds_proxy_endpoint,
      port : 3306,
      username : local.lambda_username.username
      database : "dbname"
    }
  }

}

resource "aws_cloudwatch_log_group" "rds_proxy_function" {

}

resource "aws_iam_role" "lambda_exec" {

}

resource "aws_iam_policy" "lambda-exec-role" {

}

resource "aws_iam_role_policy_attachment" "lambda_policy" {
}

resource "aws_apigatewayv2_api" "this" {
  name          = "apigw-http-lambda-rds-proxy"
  protocol_type = "HTTP"
}

resource "aws_cloudwatch_log_group" "api_gw" {

}

resource "aws_apigatewayv2_stage" "lambda" {
  api_id = aws_apigatewayv2_api.this.id

  name        = "$default"
  auto_deploy = true

  access_log_settings {
    destination_arn = aws_cloudwatch_log_group.api_gw.arn

    format = jsonencode({
      requestId               = "$context.requestId"
      sourceIp                = "$context.identity.sourceIp"
      requestTime             = "$context.requestTime"
      protocol                = "$context.protocol"
      httpMethod              = "$context.httpMethod"
      resourcePath            = "$context.resourcePath"
      routeKey                = "$context.routeKey"
      status                  = "$context.status"
      responseLength          = "$context.responseLength"
      integrationErrorMessage = "$context.integrationErrorMessage"
      }
    )
  }
}

resource "aws_apigatewayv2_integration" "lambda" {
  api_id = aws_apigatewayv2_api.this.id

  integration_uri    = aws_lambda_function.rds_proxy_function.invoke_arn
  integration_type   = "AWS_PROXY"
  integration_method = "POST"
}

resource "aws_apigatewayv2_route" "any" {
  api_id = aws_apigatewayv2_api.this.id

  route_key = "$default"
  target    = "integrations/${aws_apigatewayv2_integration.lambda.id}"
}

resource "aws_lambda_permission" "api_gw" {
  statement_id  = "AllowExecutionFromAPIGateway"
  action        = "lambda:InvokeFunction"
  function_name = aws_lambda_function.rds_proxy_function.function_name
  principal     = "apigateway.amazonaws.com"

  source_arn = "${aws_apigatewayv2_api.this.execution_arn}/*/*"
}