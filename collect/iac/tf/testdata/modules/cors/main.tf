variable "api_id" {}
variable "origins" {}
variable "routes" {}
variable "credentials" {
  default = false
}

locals {
  methods = ["GET", "POST"]
}

resource "aws_apigatewayv2_api" "url_api" {
  count         = length(var.origins) > 5 ? 1 : 0
  name          = "never"
  protocol_type = "HTTP"
}

resource "aws_apigatewayv2_route" "this" {
  for_each           = var.routes
  api_id             = var.api_id
  route_key          = each.key
  authorization_type = each.value
}

resource "aws_lambda_function_url" "url" {
  function_name      = "fn"
  authorization_type = "AWS_IAM"
  dynamic "cors" {
    for_each = [var.origins]
    content {
      allow_origins     = cors.value
      allow_methods     = local.methods
      allow_credentials = var.credentials
    }
  }
}

resource "aws_apigatewayv2_route" "later" {
  for_each  = var.unknown_routes
  api_id    = var.api_id
  route_key = each.key
}
