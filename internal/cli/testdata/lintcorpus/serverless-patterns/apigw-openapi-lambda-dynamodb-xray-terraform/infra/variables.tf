# Reconstructed for corsdoctor's lint corpus from aws-samples/serverless-patterns apigw-openapi-lambda-dynamodb-xray-terraform/infra/variables.tf
# at fb7b5d06c27d8abb1bd35e52ab7523acf4baab7b (MIT-0): only the facts lint reads are carried over (APIs, routes,
# methods, integrations, authorizers, CORS settings, gateway responses, function URLs;
# other resources keep only their type); inline handler code is replaced by our own
# minimal handler returning the same CORS headers; comments, descriptions, schemas and
# unrelated properties are dropped. See SOURCES.
variable "region" {
  type    = string
  default = "us-east-1"
}

variable "tag_environment" {
  type    = string
  default = "prod"
}

variable "tag_project" {
  type    = string
  default = "openapi-demo"
}

variable "customer_ddb_table_name" {
  type    = string
  default = "customer-db"
}

variable "lambda_runtime" {
  type    = string
  default = "nodejs24.x"
}

variable "lambda_handler" {
  type    = string
  default = "index.handler"
}

variable "compatible_runtimes" {
  type    = list(string)
  default = ["nodejs24.x"]
}

variable "default_log_level" {
  type    = string
  default = "INFO"
}

variable "default_api_timeout" {
  type    = number
  default = 10
}

variable "aws_sdk_layer_src" {
  type    = string
  default = "../dist/layer/aws-sdk/"
}

variable "aws_sdk_layer_name" {
  type    = string
  default = "aws-sdk"
}

variable "aws_sdk_layer_desc" {
  type    = string
  default = "This layer provides necessary AWS SDK libraries for lambdas"
}

variable "ext_libs_layer_src" {
  type    = string
  default = "../dist/layer/ext-libs/"
}

variable "ext_libs_layer_name" {
  type    = string
  default = "ext-libs"
}

variable "ext_libs_layer_desc" {
  type    = string
  default = "This layer provides requied external libs across all lambdas"
}

variable "lambda_powertools_layer_src" {
  type    = string
  default = "../dist/layer/lambda-powertools/"
}

variable "lambda_powertools_layer_name" {
  type    = string
  default = "aws-lambda-powertools"
}

variable "lambda_powertools_layer_desc" {
  type    = string
  default = "This layer offers structured logging, tracing and metric generation in lambdas"
}

variable "common_code_layer_src" {
  type    = string
  default = "../dist/layers/"
}

variable "common_code_layer_name" {
  type    = string
  default = "common-utils"
}

variable "common_code_layer_desc" {
  type    = string
  default = "Shared code across lambdas"
}

variable "openapi_demo_lambda_src" {
  type    = string
  default = "../dist/lambdas/openapi-demo/"
}

variable "openapi_demo_lambda_name" {
  type    = string
  default = "openapi-demo"
}

variable "openapi_demo_lambda_desc" {
  type    = string
  default = "OpenAPI spec demo lambda"
}

variable "openapi_demo_service_name" {
  type    = string
  default = "OpenAPI Demo Service"
}

variable "apigw_name" {
  type    = string
  default = "open-api-demo"
}

variable "apigw_desc" {
  type    = string
  default = "API gateway with open api spec"
}

variable "apigw_stage_name" {
  type    = string
  default = "prod"
}

variable "origin_domain" {
  type    = string
  default = ""
}

