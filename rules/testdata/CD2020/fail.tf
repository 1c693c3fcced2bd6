resource "aws_lambda_function_url" "fn" {
  function_name      = "items"
  authorization_type = "NONE"
  cors {
    allow_origins = ["http://app.example.com"] # want CD2020
    allow_methods = ["GET"]
  }
}
