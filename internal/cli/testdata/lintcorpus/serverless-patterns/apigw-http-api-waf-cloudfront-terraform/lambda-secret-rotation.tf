# Reconstructed for corsdoctor's lint corpus from aws-samples/serverless-patterns apigw-http-api-waf-cloudfront-terraform/lambda-secret-rotation.tf
# at fb7b5d06c27d8abb1bd35e52ab7523acf4baab7b (MIT-0): only the facts lint reads are carried over (APIs, routes,
# methods, integrations, authorizers, CORS settings, gateway responses, function URLs;
# other resources keep only their type); inline handler code is replaced by our own
# minimal handler returning the same CORS headers; comments, descriptions, schemas and
# unrelated properties are dropped. See SOURCES.
resource "aws_lambda_function" "secret_rotation_lambda" {
  function_name    = var.secret_rotation_function_name
  memory_size      = var.secret_rotation_lambda_memory
  role             = aws_iam_role.secret_rotation_lambda_role.arn
  handler          = "secret_rotation_function.lambda_handler"
  runtime          = var.function_runtime
  filename         = data.archive_file.secret_rotation_lambda_zip.output_path
  source_code_hash = filebase64sha256(data.archive_file.secret_rotation_lambda_zip.output_path)

  environment {
    variables = {
      "UNIQUE_KEY_LENGTH" = var.unique_key_length
    }
  }
}

data "archive_file" "secret_rotation_lambda_zip" {
}

resource "aws_lambda_permission" "secret_rotation_lambda_permission" {
  statement_id  = "AllowSecretRotationInvoke"
  action        = "lambda:InvokeFunction"
  function_name = aws_lambda_function.secret_rotation_lambda.function_name
  principal     = "secretsmanager.amazonaws.com"
  source_arn    = aws_secretsmanager_secret.cf_api_header_secret_store.arn
}

resource "aws_iam_role" "secret_rotation_lambda_role" {

}

resource "aws_iam_policy" "secret_rotation_lambda_logs_policy" {

}

resource "aws_iam_policy" "secret_rotation_lambda_execution_policy" {

}

resource "aws_iam_policy" "secret_rotation_secretsmgr_policy" {

}

resource "aws_iam_role_policy_attachment" "secret_rotation_lambda_log_policy_attachment" {
}

resource "aws_iam_role_policy_attachment" "secret_rotation_lambda_execution_policy_attachment" {
}

resource "aws_iam_role_policy_attachment" "secret_rotation_secretsmgr_policy_attachment" {
}