resource "aws_lambda_function_url" "fn" {
  function_name      = "items"
  authorization_type = "NONE"
  cors {
    allow_origins = ["https://app.example.com", "http://localhost:3000"]
    allow_methods = ["GET"]
  }
}
