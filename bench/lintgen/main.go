// Command lintgen writes a tree of generated infrastructure files for the
// `corsdoctor lint` benchmark: N templates in mixed formats (CloudFormation
// YAML, CloudFormation JSON, OpenAPI, serverless.yml, Terraform), each with
// about R resources.
//
//	go run ./bench/lintgen -n 1000 -r 50 -out /tmp/lintbench
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

func main() {
	n := flag.Int("n", 1000, "number of templates")
	r := flag.Int("r", 50, "resources per template")
	out := flag.String("out", "lintbench", "output directory")
	flag.Parse()
	for i := 0; i < *n; i++ {
		dir := filepath.Join(*out, fmt.Sprintf("svc%04d", i))
		if err := os.MkdirAll(dir, 0o755); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(2)
		}
		var name, body string
		switch i % 5 {
		case 0:
			name, body = "template.yaml", cfnYAML(*r)
		case 1:
			name, body = "stack.template.json", cfnJSON(*r)
		case 2:
			name, body = "openapi.yaml", openAPI(*r)
		case 3:
			name, body = "serverless.yml", serverless(*r)
		default:
			name, body = "main.tf", terraform(*r)
		}
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(2)
		}
	}
}

// Each REST path uses 5 resources: Resource, GET, PUT, OPTIONS and one
// integration response worth of mapping.
func cfnYAML(r int) string {
	var b strings.Builder
	b.WriteString("AWSTemplateFormatVersion: '2010-09-09'\nResources:\n  Api:\n    Type: AWS::ApiGateway::RestApi\n    Properties: {Name: bench}\n")
	for p := 0; p < r/4; p++ {
		fmt.Fprintf(&b, `  R%[1]d:
    Type: AWS::ApiGateway::Resource
    Properties: {RestApiId: !Ref Api, ParentId: !GetAtt Api.RootResourceId, PathPart: p%[1]d}
  R%[1]dPut:
    Type: AWS::ApiGateway::Method
    Properties:
      RestApiId: !Ref Api
      ResourceId: !Ref R%[1]d
      HttpMethod: PUT
      AuthorizationType: NONE
      Integration:
        Type: AWS
        Uri: !Sub arn:aws:apigateway:${AWS::Region}:lambda:path/2015-03-31/functions/${Fn.Arn}/invocations
        IntegrationResponses:
          - StatusCode: "200"
            ResponseParameters: {method.response.header.Access-Control-Allow-Origin: "'https://app.example.com'"}
      MethodResponses:
        - StatusCode: "200"
          ResponseParameters: {method.response.header.Access-Control-Allow-Origin: true}
  R%[1]dGet:
    Type: AWS::ApiGateway::Method
    Properties: {RestApiId: !Ref Api, ResourceId: !Ref R%[1]d, HttpMethod: GET, AuthorizationType: NONE, Integration: {Type: AWS_PROXY, Uri: !Sub "${Fn.Arn}"}}
  R%[1]dOptions:
    Type: AWS::ApiGateway::Method
    Properties:
      RestApiId: !Ref Api
      ResourceId: !Ref R%[1]d
      HttpMethod: OPTIONS
      AuthorizationType: NONE
      Integration:
        Type: MOCK
        RequestTemplates: {application/json: '{"statusCode": 200}'}
        IntegrationResponses:
          - StatusCode: "200"
            ResponseParameters:
              method.response.header.Access-Control-Allow-Origin: "'https://app.example.com'"
              method.response.header.Access-Control-Allow-Methods: "'GET,PUT,OPTIONS'"
              method.response.header.Access-Control-Allow-Headers: "'Content-Type,Authorization'"
      MethodResponses:
        - StatusCode: "200"
          ResponseParameters:
            method.response.header.Access-Control-Allow-Origin: true
            method.response.header.Access-Control-Allow-Methods: true
            method.response.header.Access-Control-Allow-Headers: true
`, p)
	}
	b.WriteString("  Fn:\n    Type: AWS::Lambda::Function\n    Properties:\n      Runtime: python3.12\n      Handler: index.handler\n      Code:\n        ZipFile: |\n          def handler(e, c):\n              return {'statusCode': 200}\n")
	return b.String()
}

func cfnJSON(r int) string {
	var parts []string
	parts = append(parts, `"Api": {"Type": "AWS::ApiGateway::RestApi", "Metadata": {"aws:cdk:path": "Stack/Api"}}`)
	for p := 0; p < r/3; p++ {
		parts = append(parts, fmt.Sprintf(`"R%[1]d": {"Type": "AWS::ApiGateway::Resource", "Properties": {"RestApiId": {"Ref": "Api"}, "ParentId": {"Fn::GetAtt": ["Api", "RootResourceId"]}, "PathPart": "p%[1]d"}}`, p),
			fmt.Sprintf(`"R%[1]dPost": {"Type": "AWS::ApiGateway::Method", "Properties": {"RestApiId": {"Ref": "Api"}, "ResourceId": {"Ref": "R%[1]d"}, "HttpMethod": "POST", "AuthorizationType": "COGNITO_USER_POOLS", "Integration": {"Type": "AWS_PROXY", "Uri": {"Fn::Join": ["", ["arn:", {"Ref": "AWS::Partition"}]]}}}}`, p),
			fmt.Sprintf(`"R%[1]dOptions": {"Type": "AWS::ApiGateway::Method", "Properties": {"RestApiId": {"Ref": "Api"}, "ResourceId": {"Ref": "R%[1]d"}, "HttpMethod": "OPTIONS", "AuthorizationType": "NONE", "Integration": {"Type": "MOCK", "IntegrationResponses": [{"StatusCode": "204", "ResponseParameters": {"method.response.header.Access-Control-Allow-Origin": "'*'", "method.response.header.Access-Control-Allow-Methods": "'OPTIONS,GET,PUT,POST,DELETE,PATCH,HEAD'", "method.response.header.Access-Control-Allow-Headers": "'Content-Type,Authorization'"}}]}, "MethodResponses": [{"StatusCode": "204", "ResponseParameters": {"method.response.header.Access-Control-Allow-Origin": true, "method.response.header.Access-Control-Allow-Methods": true, "method.response.header.Access-Control-Allow-Headers": true}}]}}`, p))
	}
	return "{\n  \"Resources\": {\n    " + strings.Join(parts, ",\n    ") + "\n  }\n}\n"
}

func openAPI(r int) string {
	var b strings.Builder
	b.WriteString("openapi: 3.0.1\ninfo: {title: bench}\nx-amazon-apigateway-gateway-responses:\n  DEFAULT_4XX:\n    responseParameters: {gatewayresponse.header.Access-Control-Allow-Origin: \"'*'\"}\npaths:\n")
	for p := 0; p < r/2; p++ {
		fmt.Fprintf(&b, `  /p%d:
    get:
      x-amazon-apigateway-integration: {type: aws_proxy, httpMethod: POST, uri: "arn:aws:apigateway:eu-west-1:lambda:path/fn"}
    options:
      responses: {"200": {headers: {Access-Control-Allow-Origin: {}, Access-Control-Allow-Methods: {}, Access-Control-Allow-Headers: {}}}}
      x-amazon-apigateway-integration:
        type: mock
        requestTemplates: {application/json: '{"statusCode": 200}'}
        responses:
          default:
            statusCode: "200"
            responseParameters:
              method.response.header.Access-Control-Allow-Origin: "'*'"
              method.response.header.Access-Control-Allow-Methods: "'GET,OPTIONS'"
              method.response.header.Access-Control-Allow-Headers: "'Content-Type'"
`, p)
	}
	return b.String()
}

func serverless(r int) string {
	var b strings.Builder
	b.WriteString("service: bench\nprovider:\n  name: aws\n  runtime: nodejs20.x\nfunctions:\n")
	for p := 0; p < r/2; p++ {
		fmt.Fprintf(&b, "  f%[1]d:\n    handler: src/h%[1]d.handler\n    events:\n      - http: {path: p%[1]d, method: put, cors: true}\n      - httpApi: 'GET /h%[1]d'\n", p)
	}
	return b.String()
}

func terraform(r int) string {
	var b strings.Builder
	b.WriteString("resource \"aws_api_gateway_rest_api\" \"api\" {\n  name = \"bench\"\n}\n\n")
	for p := 0; p < r/5; p++ {
		fmt.Fprintf(&b, `resource "aws_api_gateway_resource" "r%[1]d" {
  rest_api_id = aws_api_gateway_rest_api.api.id
  parent_id   = aws_api_gateway_rest_api.api.root_resource_id
  path_part   = "p%[1]d"
}

resource "aws_api_gateway_method" "r%[1]d_options" {
  rest_api_id   = aws_api_gateway_rest_api.api.id
  resource_id   = aws_api_gateway_resource.r%[1]d.id
  http_method   = "OPTIONS"
  authorization = "NONE"
}

resource "aws_api_gateway_integration" "r%[1]d_options" {
  rest_api_id = aws_api_gateway_rest_api.api.id
  resource_id = aws_api_gateway_resource.r%[1]d.id
  http_method = aws_api_gateway_method.r%[1]d_options.http_method
  type        = "MOCK"
}

resource "aws_api_gateway_method_response" "r%[1]d_options" {
  rest_api_id = aws_api_gateway_rest_api.api.id
  resource_id = aws_api_gateway_resource.r%[1]d.id
  http_method = aws_api_gateway_method.r%[1]d_options.http_method
  status_code = "200"
  response_parameters = {
    "method.response.header.Access-Control-Allow-Origin"  = true
    "method.response.header.Access-Control-Allow-Methods" = true
    "method.response.header.Access-Control-Allow-Headers" = true
  }
}

resource "aws_api_gateway_integration_response" "r%[1]d_options" {
  rest_api_id = aws_api_gateway_rest_api.api.id
  resource_id = aws_api_gateway_resource.r%[1]d.id
  http_method = aws_api_gateway_method.r%[1]d_options.http_method
  status_code = "200"
  response_parameters = {
    "method.response.header.Access-Control-Allow-Origin"  = "'https://app.example.com'"
    "method.response.header.Access-Control-Allow-Methods" = "'GET,OPTIONS'"
    "method.response.header.Access-Control-Allow-Headers" = "'Content-Type'"
  }
}

`, p)
	}
	return b.String()
}
