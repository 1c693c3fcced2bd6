# Reconstructed for corsdoctor's lint corpus from aws-samples/serverless-patterns apigw-http-api-waf-cloudfront-terraform/authorizer.tf
# at fb7b5d06c27d8abb1bd35e52ab7523acf4baab7b (MIT-0): only the facts lint reads are carried over (APIs, routes,
# methods, integrations, authorizers, CORS settings, gateway responses, function URLs;
# other resources keep only their type); inline handler code is replaced by our own
# minimal handler returning the same CORS headers; comments, descriptions, schemas and
# unrelated properties are dropped. See SOURCES.
resource "aws_lambda_function" "http_api_auth_lambda" {
  function_name    = var.auth_function_name
  role             = aws_iam_role.http_api_auth_lambda_role.arn
  handler          = "auth_function.lambda_handler"
  runtime          = var.function_runtime
  filename         = data.archive_file.http_api_auth_lambda_zip.output_path
  source_code_hash = filebase64sha256(data.archive_file.http_api_auth_lambda_zip.output_path)

  environment {
    variables = {
      "SECRET_NAME" = aws_secretsmanager_secret.cf_api_header_secret_store.name
    }
  }
}

resource "aws_apigatewayv2_authorizer" "http_api_auth_authorizer" {
  api_id                            = aws_apigatewayv2_api.http_api.id
  authorizer_type                   = "REQUEST"
  authorizer_uri                    = aws_lambda_function.http_api_auth_lambda.invoke_arn
  identity_sources                  = ["$request.header.x-origin-verify"]
  name                              = var.auth_function_name
  authorizer_payload_format_version = "2.0"
  authorizer_result_ttl_in_seconds  = 0
}

data "archive_file" "http_api_auth_lambda_zip" {
}

resource "aws_lambda_permission" "http_api_auth_lambda_permission" {
  statement_id  = "AllowAPIGatewayInvoke"
  action        = "lambda:InvokeFunction"
  function_name = aws_lambda_function.http_api_auth_lambda.function_name
  principal     = "apigateway.amazonaws.com"
  source_arn    = "${aws_apigatewayv2_api.http_api.execution_arn}/*/*"
}

resource "aws_iam_role" "http_api_auth_lambda_role" {

}

resource "aws_iam_policy" "http_api_auth_lambda_logs_policy" {

}

resource "aws_iam_policy" "http_api_auth_lambda_execution_policy" {

}

resource "aws_iam_policy" "http_api_auth_lambda_secret_policy" {

}

resource "aws_iam_role_policy_attachment" "http_api_auth_lambda_log_policy_attachment" {
}

resource "aws_iam_role_policy_attachment" "http_api_auth_lambda_execution_policy_attachment" {
}

resource "aws_iam_role_policy_attachment" "http_api_auth_lambda_secret_policy_attachment" {
}
