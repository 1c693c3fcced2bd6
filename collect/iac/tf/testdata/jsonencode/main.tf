resource "aws_api_gateway_rest_api" "api" {
  name = "inline"
  body = jsonencode({
    openapi = "3.0.1"
    info    = { title = "inline", version = "1" }
    paths = {
      "/items" = {
        put = {
          "x-amazon-apigateway-integration" = {
            type       = "AWS_PROXY"
            httpMethod = "POST"
            uri        = aws_lambda_function.fn.invoke_arn
          }
        }
        options = {
          "x-amazon-apigateway-integration" = {
            type = "mock"
            responses = {
              default = {
                statusCode = "200"
                responseParameters = {
                  "method.response.header.Access-Control-Allow-Origin" = "'https://app.example.com'"
                }
              }
            }
          }
        }
      }
    }
  })
}

resource "aws_lambda_function" "fn" {
  function_name = "items"
  handler       = "index.handler"
  runtime       = "nodejs20.x"
  filename      = "fn.zip"
  role          = "arn:aws:iam::1:role/x"
}
