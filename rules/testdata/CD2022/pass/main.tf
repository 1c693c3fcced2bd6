resource "aws_apigatewayv2_api" "http" {
  name          = "items"
  protocol_type = "HTTP"
  cors_configuration {
    allow_origins = ["https://app.example.com"]
    allow_headers = ["content-type"]
  }
}

data "archive_file" "src" {
  type        = "zip"
  source_dir  = "${path.module}/src"
  output_path = "build/fn.zip"
}

resource "aws_lambda_function" "fn" {
  function_name = "items"
  filename      = data.archive_file.src.output_path
  handler       = "index.handler"
  runtime       = "nodejs20.x"
  role          = "arn:aws:iam::1:role/fn"
}

resource "aws_apigatewayv2_integration" "fn" {
  api_id           = aws_apigatewayv2_api.http.id
  integration_type = "AWS_PROXY"
  integration_uri  = aws_lambda_function.fn.invoke_arn
}

resource "aws_apigatewayv2_route" "items" {
  api_id    = aws_apigatewayv2_api.http.id
  route_key = "GET /items"
  target    = "integrations/${aws_apigatewayv2_integration.fn.id}"
}
