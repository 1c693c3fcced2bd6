package main

import (
	"context"
	"errors"
	"net/http"

	"github.com/aws/aws-lambda-go/events"
)

var corsHeaders = map[string]string{"Access-Control-Allow-Origin": "https://app.example.com"}

func handler(ctx context.Context, req events.APIGatewayProxyRequest) (events.APIGatewayProxyResponse, error) {
	if req.Body == "" {
		return events.APIGatewayProxyResponse{StatusCode: http.StatusBadRequest, Body: "empty"}, nil
	}
	if req.Body == "boom" {
		return events.APIGatewayProxyResponse{}, errors.New("boom")
	}
	return events.APIGatewayProxyResponse{StatusCode: 200, Headers: corsHeaders, Body: req.Body}, nil
}
