# Reconstructed for corsdoctor's lint corpus from aws-samples/serverless-patterns lambda-function-url-terraform/main.tf
# at fb7b5d06c27d8abb1bd35e52ab7523acf4baab7b (MIT-0): only the facts lint reads are carried over (APIs, routes,
# methods, integrations, authorizers, CORS settings, gateway responses, function URLs;
# other resources keep only their type); inline handler code is replaced by our own
# minimal handler returning the same CORS headers; comments, descriptions, schemas and
# unrelated properties are dropped. See SOURCES.
resource "aws_lambda_function" "lambda_function" {
  function_name    = "FURLFunction"
  filename         = data.archive_file.lambda_zip_file.output_path
  source_code_hash = data.archive_file.lambda_zip_file.output_base64sha256
  handler          = "app.handler"
  role             = aws_iam_role.lambda_iam_role.arn
  runtime          = "nodejs24.x"
}

data "archive_file" "lambda_zip_file" {
}

data "aws_iam_policy" "lambda_basic_execution_role_policy" {
}

resource "aws_iam_role" "lambda_iam_role" {

}

resource "aws_iam_role_policy_attachment" "lambda_basic_execution" {
}

resource "aws_lambda_function_url" "function_url" {
  function_name      = aws_lambda_function.lambda_function.function_name
  authorization_type = "AWS_IAM"

  cors {
    allow_origins = ["*"]
  }
}

