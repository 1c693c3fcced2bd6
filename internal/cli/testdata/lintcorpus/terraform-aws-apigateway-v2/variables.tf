# Reconstructed for corsdoctor's lint corpus from terraform-aws-modules/terraform-aws-apigateway-v2 variables.tf
# at c1b61c309e1a253b75799f5e65afeadbd52b0267 (Apache-2.0): only the facts lint reads are carried over (APIs, routes,
# methods, integrations, authorizers, CORS settings, gateway responses, function URLs;
# other resources keep only their type); inline handler code is replaced by our own
# minimal handler returning the same CORS headers; comments, descriptions, schemas and
# unrelated properties are dropped. See SOURCES.
variable "create" {
  type    = bool
  default = true
}

variable "region" {
  type    = string
  default = null
}

variable "tags" {
  type    = map(string)
  default = {}
}

variable "api_key_selection_expression" {
  type    = string
  default = null
}

variable "cors_configuration" {
  type = object({
    allow_credentials = optional(bool)
    allow_headers     = optional(list(string))
    allow_methods     = optional(list(string))
    allow_origins     = optional(list(string))
    expose_headers    = optional(list(string), [])
    max_age           = optional(number)
  })
  default = null
}

variable "credentials_arn" {
  type    = string
  default = null
}

variable "description" {
  type    = string
  default = null
}

variable "disable_execute_api_endpoint" {
  type    = bool
  default = null
}

variable "fail_on_warnings" {
  type    = bool
  default = null
}

variable "ip_address_type" {
  type    = string
  default = null
}

variable "name" {
  type    = string
  default = ""
}

variable "body" {
  type    = string
  default = null
}

variable "protocol_type" {
  type    = string
  default = "HTTP"
}

variable "route_key" {
  type    = string
  default = null
}

variable "route_selection_expression" {
  type    = string
  default = null
}

variable "target" {
  type    = string
  default = null
}

variable "api_version" {
  type    = string
  default = null
}

variable "api_mapping_key" {
  type    = string
  default = null
}

variable "authorizers" {
  type = map(object({
    authorizer_credentials_arn        = optional(string)
    authorizer_payload_format_version = optional(string)
    authorizer_result_ttl_in_seconds  = optional(number)
    authorizer_type                   = optional(string, "REQUEST")
    authorizer_uri                    = optional(string)
    enable_simple_responses           = optional(bool)
    identity_sources                  = optional(list(string))
    jwt_configuration = optional(object({
      audience = optional(list(string))
      issuer   = optional(string)
    }))
    name = optional(string)
  }))
  default = {}
}

variable "create_domain_name" {
  type    = bool
  default = true
}

variable "domain_name" {
  type    = string
  default = ""
}

variable "hosted_zone_name" {
  type    = string
  default = null
}

variable "private_zone" {
  type    = bool
  default = false
}

variable "domain_name_certificate_arn" {
  type    = string
  default = null
}

variable "domain_name_ownership_verification_certificate_arn" {
  type    = string
  default = null
}

variable "mutual_tls_authentication" {
  type    = map(string)
  default = {}
}

variable "create_domain_records" {
  type    = bool
  default = true
}

variable "subdomains" {
  type    = list(string)
  default = []
}

variable "subdomain_record_types" {
  type    = list(string)
  default = ["A", "AAAA"]
}

variable "create_certificate" {
  type    = bool
  default = true
}

variable "create_routes_and_integrations" {
  type    = bool
  default = true
}

variable "routes" {
  type = map(object({

    authorizer_key             = optional(string)
    api_key_required           = optional(bool)
    authorization_scopes       = optional(list(string), [])
    authorization_type         = optional(string)
    authorizer_id              = optional(string)
    model_selection_expression = optional(string)
    operation_name             = optional(string)
    request_models             = optional(map(string), {})
    request_parameter = optional(object({
      request_parameter_key = optional(string)
      required              = optional(bool, false)
    }), {})
    route_response_selection_expression = optional(string)

    data_trace_enabled       = optional(bool)
    detailed_metrics_enabled = optional(bool)
    logging_level            = optional(string)
    throttling_burst_limit   = optional(number)
    throttling_rate_limit    = optional(number)

    route_response = optional(object({
      create                     = optional(bool, false)
      model_selection_expression = optional(string)
      response_models            = optional(map(string))
      route_response_key         = optional(string, "$default")
    }), {})

    integration = object({
      connection_id             = optional(string)
      vpc_link_key              = optional(string)
      connection_type           = optional(string)
      content_handling_strategy = optional(string)
      credentials_arn           = optional(string)
      description               = optional(string)
      method                    = optional(string)
      subtype                   = optional(string)
      type                      = optional(string, "AWS_PROXY")
      uri                       = optional(string)
      passthrough_behavior      = optional(string)
      payload_format_version    = optional(string)
      request_parameters        = optional(map(string), {})
      request_templates         = optional(map(string), {})
      response_parameters = optional(list(object({
        mappings    = map(string)
        status_code = string
      })))
      template_selection_expression = optional(string)
      timeout_milliseconds          = optional(number)
      tls_config = optional(object({
        server_name_to_verify = optional(string)
      }))

      response = optional(object({
        content_handling_strategy     = optional(string)
        integration_response_key      = optional(string)
        response_templates            = optional(map(string))
        template_selection_expression = optional(string)
      }), {})
    })
  }))
  default = {}
}

variable "create_stage" {
  type    = bool
  default = true
}

variable "stage_access_log_settings" {
  type = object({
    create_log_group            = optional(bool, true)
    destination_arn             = optional(string)
    format                      = optional(string)
    log_group_name              = optional(string)
    log_group_retention_in_days = optional(number, 30)
    log_group_kms_key_id        = optional(string)
    log_group_skip_destroy      = optional(bool)
    log_group_class             = optional(string)
    log_group_tags              = optional(map(string), {})
  })
  default = {}
}

variable "stage_client_certificate_id" {
  type    = string
  default = null
}

variable "stage_default_route_settings" {
  type = object({
    data_trace_enabled       = optional(bool, true)
    detailed_metrics_enabled = optional(bool, true)
    logging_level            = optional(string)
    throttling_burst_limit   = optional(number, 500)
    throttling_rate_limit    = optional(number, 1000)
  })
  default = {}
}

variable "stage_description" {
  type    = string
  default = null
}

variable "stage_name" {
  type    = string
  default = "$default"
}

variable "stage_variables" {
  type    = map(string)
  default = {}
}

variable "stage_tags" {
  type    = map(string)
  default = {}
}

variable "deploy_stage" {
  type    = bool
  default = true
}

variable "vpc_links" {
  type = map(object({
    name               = optional(string)
    security_group_ids = optional(list(string))
    subnet_ids         = optional(list(string))
    tags               = optional(map(string), {})
  }))
  default = {}
}

variable "vpc_link_tags" {
  type    = map(string)
  default = {}
}
