# Reconstructed for corsdoctor's lint corpus from aws-samples/serverless-patterns apigw-rest-api-http-integration-terraform/main.tf
# at fb7b5d06c27d8abb1bd35e52ab7523acf4baab7b (MIT-0): only the facts lint reads are carried over (APIs, routes,
# methods, integrations, authorizers, CORS settings, gateway responses, function URLs;
# other resources keep only their type); inline handler code is replaced by our own
# minimal handler returning the same CORS headers; comments, descriptions, schemas and
# unrelated properties are dropped. See SOURCES.
resource "aws_api_gateway_rest_api" "AppApi" {
  name = "apigw-rest-api-http-integration"
}
resource "aws_api_gateway_method" "RootMethodGet" {
  rest_api_id   = aws_api_gateway_rest_api.AppApi.id
  resource_id   = aws_api_gateway_rest_api.AppApi.root_resource_id
  http_method   = "GET"
  authorization = "NONE"
}
resource "aws_api_gateway_integration" "Integration" {
  rest_api_id = aws_api_gateway_rest_api.AppApi.id
  resource_id = aws_api_gateway_method.RootMethodGet.resource_id
  http_method = aws_api_gateway_method.RootMethodGet.http_method
  type        = "HTTP_PROXY"

  uri                     = "http://petstore-demo-endpoint.execute-api.com/petstore/pets"
  integration_http_method = "GET"
  depends_on              = [aws_api_gateway_method.RootMethodGet]
}
resource "aws_api_gateway_deployment" "Deployment" {
  rest_api_id = aws_api_gateway_rest_api.AppApi.id
  depends_on  = [aws_api_gateway_integration.Integration]
}
resource "aws_api_gateway_stage" "Stage" {
  stage_name    = "Prod"
  rest_api_id   = aws_api_gateway_rest_api.AppApi.id
  deployment_id = aws_api_gateway_deployment.Deployment.id
}

