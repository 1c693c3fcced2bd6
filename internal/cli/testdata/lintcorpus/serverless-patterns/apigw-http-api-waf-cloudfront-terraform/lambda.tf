# Reconstructed for corsdoctor's lint corpus from aws-samples/serverless-patterns apigw-http-api-waf-cloudfront-terraform/lambda.tf
# at fb7b5d06c27d8abb1bd35e52ab7523acf4baab7b (MIT-0): only the facts lint reads are carried over (APIs, routes,
# methods, integrations, authorizers, CORS settings, gateway responses, function URLs;
# other resources keep only their type); inline handler code is replaced by our own
# minimal handler returning the same CORS headers; comments, descriptions, schemas and
# unrelated properties are dropped. See SOURCES.
resource "aws_lambda_function" "http_api_lambda" {
  function_name    = var.function_name
  role             = aws_iam_role.http_api_lambda_role.arn
  handler          = "lambda_function.lambda_handler"
  runtime          = var.function_runtime
  filename         = data.archive_file.http_api_lambda_zip.output_path
  source_code_hash = filebase64sha256(data.archive_file.http_api_lambda_zip.output_path)
}

data "archive_file" "http_api_lambda_zip" {
}

resource "aws_lambda_permission" "http_api_lambda_permission" {
  statement_id  = "AllowAPIGatewayInvoke"
  action        = "lambda:InvokeFunction"
  function_name = aws_lambda_function.http_api_lambda.function_name
  principal     = "apigateway.amazonaws.com"
  source_arn    = "${aws_apigatewayv2_api.http_api.execution_arn}/*/*"
}

resource "aws_iam_role" "http_api_lambda_role" {

}

resource "aws_iam_policy" "http_api_lambda_logs_policy" {

}

resource "aws_iam_policy" "http_api_lambda_execution_policy" {

}

resource "aws_iam_role_policy_attachment" "http_api_lambda_log_policy_attachment" {
}

resource "aws_iam_role_policy_attachment" "http_api_lambda_execution_policy_attachment" {
}
