# Reconstructed for corsdoctor's lint corpus from aws-samples/serverless-patterns apigw-http-api-waf-cloudfront-terraform/lambda-edge.tf
# at fb7b5d06c27d8abb1bd35e52ab7523acf4baab7b (MIT-0): only the facts lint reads are carried over (APIs, routes,
# methods, integrations, authorizers, CORS settings, gateway responses, function URLs;
# other resources keep only their type); inline handler code is replaced by our own
# minimal handler returning the same CORS headers; comments, descriptions, schemas and
# unrelated properties are dropped. See SOURCES.
resource "aws_lambda_function" "http_api_edge_lambda" {
  function_name    = var.edge_function_name
  role             = aws_iam_role.http_api_edge_lambda_role.arn
  handler          = "edge_function.lambda_handler"
  runtime          = var.function_runtime
  filename         = data.archive_file.http_api_edge_lambda_zip.output_path
  source_code_hash = filebase64sha256(data.archive_file.http_api_edge_lambda_zip.output_path)
  publish          = true
  provider         = aws.cloudfront
}

data "archive_file" "http_api_edge_lambda_zip" {
}

resource "aws_lambda_permission" "http_api_edge_lambda_permission" {
  statement_id  = "AllowCloudFrontEdgeInvoke"
  action        = "lambda:InvokeFunction"
  function_name = var.edge_function_name
  principal     = "cloudfront.amazonaws.com"
  source_arn    = aws_cloudfront_distribution.http_api_distribution.arn
  provider      = aws.cloudfront
}

resource "aws_iam_role" "http_api_edge_lambda_role" {
}

resource "aws_iam_policy" "http_api_edge_lambda_logs_policy" {
}

resource "aws_iam_policy" "http_api_edge_lambda_execution_policy" {
}

resource "aws_iam_policy" "http_api_edge_lambda_secret_policy" {
}

resource "aws_iam_role_policy_attachment" "http_api_edge_lambda_log_policy_attachment" {
}

resource "aws_iam_role_policy_attachment" "http_api_edge_lambda_execution_policy_attachment" {
}

resource "aws_iam_role_policy_attachment" "http_api_edge_lambda_secret_policy_attachment" {
}
