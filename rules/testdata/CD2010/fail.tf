resource "aws_apigatewayv2_api" "http" {
  name          = "items"
  protocol_type = "HTTP"
  cors_configuration {
    allow_origins = ["https://app.example.com/"] # want CD2010
    allow_methods = ["GET", "POST"]
    allow_headers = ["content-type"]
  }
}
