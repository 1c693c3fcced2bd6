# Reconstructed for corsdoctor's lint corpus from aws-samples/serverless-patterns apigw-http-api-waf-cloudfront-terraform/dns.tf
# at fb7b5d06c27d8abb1bd35e52ab7523acf4baab7b (MIT-0): only the facts lint reads are carried over (APIs, routes,
# methods, integrations, authorizers, CORS settings, gateway responses, function URLs;
# other resources keep only their type); inline handler code is replaced by our own
# minimal handler returning the same CORS headers; comments, descriptions, schemas and
# unrelated properties are dropped. See SOURCES.
resource "aws_apigatewayv2_domain_name" "http_api_domain_name" {
  count       = local.domain_enabled ? 1 : 0
  domain_name = var.domain_name

  domain_name_configuration {
    certificate_arn = var.certificate_arn
    endpoint_type   = "REGIONAL"
    security_policy = "TLS_1_2"
  }
}

resource "aws_apigatewayv2_api_mapping" "http_api_mapping" {
  count       = local.domain_enabled ? 1 : 0
  api_id      = aws_apigatewayv2_api.http_api.id
  domain_name = aws_apigatewayv2_domain_name.http_api_domain_name[0].id
  stage       = aws_apigatewayv2_stage.http_api_stage.id
}

resource "aws_route53_record" "http_api_route53_record" {

}

resource "aws_route53_record" "cloudfront_route53_record" {

}
