resource "aws_apigatewayv2_api" "http" {
  name          = "orders"
  protocol_type = "HTTP"
}

module "routes" {
  source  = "../cors"
  api_id  = aws_apigatewayv2_api.http.id
  origins = ["https://app.example.com"]
  routes  = { "GET /orders" = "NONE", "POST /orders" = "JWT" }
}

module "vpc" {
  source  = "terraform-aws-modules/vpc/aws"
  version = "5.0.0"
}
