resource "aws_apigatewayv2_api" "htsget" {
  name          = "htsget"
  protocol_type = "HTTP"
}

resource "aws_apigatewayv2_authorizer" "jwt" {
  api_id          = aws_apigatewayv2_api.htsget.id
  authorizer_type = "JWT"
  name            = "jwt"
}

resource "aws_apigatewayv2_route" "default" { # want CD2002
  api_id             = aws_apigatewayv2_api.htsget.id
  route_key          = "$default"
  authorization_type = "JWT"
  authorizer_id      = aws_apigatewayv2_authorizer.jwt.id
}
