# Reconstructed for corsdoctor's lint corpus from aws-samples/serverless-patterns apigw-openapi-lambda-dynamodb-xray-terraform/infra/main.tf
# at fb7b5d06c27d8abb1bd35e52ab7523acf4baab7b (MIT-0): only the facts lint reads are carried over (APIs, routes,
# methods, integrations, authorizers, CORS settings, gateway responses, function URLs;
# other resources keep only their type); inline handler code is replaced by our own
# minimal handler returning the same CORS headers; comments, descriptions, schemas and
# unrelated properties are dropped. See SOURCES.
resource "aws_kms_key" "root_key" {
}

module "customer_dynamodb_table" {
  source    = "github.com/terraform-aws-modules/terraform-aws-dynamodb-table?ref=03b38ee3c52250c7d606f6a21e04624a41be52f7"
  name      = var.customer_ddb_table_name
  hash_key  = "pk"
  range_key = "sk"
  attributes = [
    {
      name = "pk"
      type = "S"
    },
    {
      name = "sk"
      type = "S"
    }
  ]
  deletion_protection_enabled        = false
  point_in_time_recovery_enabled     = true
  server_side_encryption_enabled     = true
  server_side_encryption_kms_key_arn = aws_kms_key.root_key.arn
}

module "aws_sdk_lambda_layer" {
  source                  = "github.com/terraform-aws-modules/terraform-aws-lambda?ref=9acd3227087db56abac5f78d1a660b08ee159a9c"
  create_layer            = true
  layer_name              = var.aws_sdk_layer_name
  compatible_runtimes     = var.compatible_runtimes
  source_path             = var.aws_sdk_layer_src
  ignore_source_code_hash = false
}

module "aws_powertools_lambda_layer" {
  source                  = "github.com/terraform-aws-modules/terraform-aws-lambda?ref=9acd3227087db56abac5f78d1a660b08ee159a9c"
  create_layer            = true
  layer_name              = var.lambda_powertools_layer_name
  compatible_runtimes     = var.compatible_runtimes
  source_path             = var.lambda_powertools_layer_src
  ignore_source_code_hash = false
}

module "ext_libs_lambda_layer" {
  source                  = "github.com/terraform-aws-modules/terraform-aws-lambda?ref=9acd3227087db56abac5f78d1a660b08ee159a9c"
  create_layer            = true
  layer_name              = var.ext_libs_layer_name
  compatible_runtimes     = var.compatible_runtimes
  source_path             = var.ext_libs_layer_src
  ignore_source_code_hash = false
}

module "common_code_lambda_layer" {
  source                  = "github.com/terraform-aws-modules/terraform-aws-lambda?ref=9acd3227087db56abac5f78d1a660b08ee159a9c"
  create_layer            = true
  layer_name              = var.common_code_layer_name
  compatible_runtimes     = var.compatible_runtimes
  source_path             = var.common_code_layer_src
  ignore_source_code_hash = false
}

module "openapi_demo_lambda_function" {
  source                  = "github.com/terraform-aws-modules/terraform-aws-lambda?ref=9acd3227087db56abac5f78d1a660b08ee159a9c"
  function_name           = var.openapi_demo_lambda_name
  handler                 = var.lambda_handler
  runtime                 = var.lambda_runtime
  timeout                 = var.default_api_timeout
  source_path             = var.openapi_demo_lambda_src
  ignore_source_code_hash = false
  layers = [
    module.aws_sdk_lambda_layer.lambda_layer_arn,
    module.aws_powertools_lambda_layer.lambda_layer_arn,
    module.ext_libs_lambda_layer.lambda_layer_arn,
    module.common_code_lambda_layer.lambda_layer_arn,
  ]
  tracing_mode = "Active"

  attach_policy_statements = true
  policy_statements = {
    dynamodb_read_write = {
      effect    = "Allow",
      actions   = ["dynamodb:GetItem", "dynamodb:Query", "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem"],
      resources = [module.customer_dynamodb_table.dynamodb_table_arn]
    }
    kms_perm = {
      effect  = "Allow",
      actions = ["kms:Decrypt", "kms:Encrypt"],
      resources = [
        aws_kms_key.root_key.arn
      ]
    }
    xray_perm = {
      effect = "Allow",
      actions = [
        "xray:PutTraceSegments",
        "xray:PutTelemetryRecords",
        "xray:GetSamplingRules",
        "xray:GetSamplingTargets",
        "xray:GetSamplingStatisticSummaries"
      ],
      resources = ["*"]
    }
  }
  create_current_version_allowed_triggers = false
  allowed_triggers = {
    apigw_invoke = {
      service    = "apigateway"
      source_arn = "${module.openapi_demo_rest_api.apigateway_restapi_execution_arn}/*/*"
    }
  }
  environment_variables = {
    "CUSTOMER_DDB_ARN"  = module.customer_dynamodb_table.dynamodb_table_arn
    "CUSTOMER_DDB_NAME" = var.customer_ddb_table_name
    "ACCOUNT_ID"        = data.aws_caller_identity.current.account_id
    "LOG_LEVEL"         = var.default_log_level
    "ENVIRONMENT"       = var.tag_environment
    "PROJECT"           = var.tag_project
    "SERVICE_NAME"      = var.openapi_demo_service_name
  }
}

module "openapi_demo_rest_api" {
  source               = "./restapi"
  name                 = var.apigw_name
  desc                 = var.apigw_desc
  body                 = data.template_file.open_api_spec.rendered
  stage_name           = var.apigw_stage_name
  access_log_enabled   = true
  xray_tracing_enabled = true
  kms_key_id           = aws_kms_key.root_key.arn
}
