resource "aws_api_gateway_rest_api" "api" {
  name = "from-openapi"
  body = templatefile("${path.module}/openapi.yaml", { lambda_arn = aws_lambda_function.fn.arn })
}
