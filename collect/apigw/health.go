package apigw

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/smithy-go"

	"github.com/corsdoctor/corsdoctor/evidence"
)

// The AWS Health SDK module is not among corsdoctor's dependencies, so
// DescribeEvents is called directly: awsJson1_1, SigV4 with the SDK's
// signer, the global endpoint in us-east-1.
const (
	healthEndpoint = "https://health.us-east-1.amazonaws.com"
	healthTarget   = "AWSHealth_20160804.DescribeEvents"
)

// healthLine keeps a StepDeployed line aside: health runs concurrently
// with the stage reader, and its lines are appended afterwards.
func (r *run) healthLine(format string, a ...any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.health = append(r.health, fmt.Sprintf(format, a...))
}

// healthEvent is the part of an AWS Health event corsdoctor reports.
type healthEvent struct {
	Arn               string  `json:"arn"`
	Service           string  `json:"service"`
	EventTypeCode     string  `json:"eventTypeCode"`
	EventTypeCategory string  `json:"eventTypeCategory"`
	Region            string  `json:"region"`
	StartTime         float64 `json:"startTime"`
	StatusCode        string  `json:"statusCode"`
}

// healthEvents reads open and upcoming API Gateway events in the region
// (StepDeployed). Accounts without a Business or Enterprise support plan
// answer SubscriptionRequiredException: the step says so and goes on.
func (r *run) healthEvents(ctx context.Context) {
	events, err := r.describeHealth(ctx)
	var ae smithy.APIError
	switch {
	case err == nil && len(events) == 0:
		r.healthLine("AWS Health: no open or upcoming API Gateway event in %s", r.c.Region)
	case err == nil:
		var found []evidence.HealthEvent
		for _, e := range events {
			start := time.Unix(int64(e.StartTime), 0).UTC()
			r.healthLine("AWS Health: %s %s (%s) since %s UTC", e.EventTypeCode, e.StatusCode, e.EventTypeCategory, start.Format("2006-01-02 15:04"))
			found = append(found, evidence.HealthEvent{Code: e.EventTypeCode, Category: e.EventTypeCategory, Status: e.StatusCode, Start: start})
		}
		r.mu.Lock()
		r.pb.Health = found
		r.mu.Unlock()
	case errors.As(err, &ae) && ae.ErrorCode() == "SubscriptionRequiredException":
		r.healthLine("AWS Health: not available to this account (the Health API needs a Business, Enterprise On-Ramp or Enterprise support plan); see https://health.aws.amazon.com/health/status")
	default:
		r.gap(evidence.StepDeployed, evidence.GapHealth, "AWS Health events", "health:DescribeEvents", err)
	}
}

// describeHealth calls DescribeEvents, retrying throttling and 5xx
// answers up to three times like the SDK's standard retryer.
func (r *run) describeHealth(ctx context.Context) ([]healthEvent, error) {
	backoff := r.c.Backoff
	if backoff == nil {
		backoff = retry.NewExponentialJitterBackoff(20 * time.Second)
	}
	for attempt := 1; ; attempt++ {
		out, err := r.describeHealthOnce(ctx)
		code := errCode(err)
		if err == nil || attempt == 3 || !(strings.Contains(code, "Throttl") || strings.HasPrefix(code, "HTTP5") || code == "TooManyRequestsException") {
			return out, err
		}
		d, _ := backoff.BackoffDelay(attempt, err)
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(d):
		}
	}
}

// describeHealthOnce calls DescribeEvents for APIGATEWAY in the run's region.
func (r *run) describeHealthOnce(ctx context.Context) ([]healthEvent, error) {
	cfg := r.c.Config
	endpoint := healthEndpoint
	if cfg.BaseEndpoint != nil && *cfg.BaseEndpoint != "" {
		endpoint = strings.TrimSuffix(*cfg.BaseEndpoint, "/")
	}
	body, _ := json.Marshal(map[string]any{
		"filter":     map[string]any{"services": []string{"APIGATEWAY"}, "regions": []string{r.c.Region}, "eventStatusCodes": []string{"open", "upcoming"}},
		"maxResults": 10,
	})
	var out []healthEvent
	err := r.call(ctx, func(ctx context.Context) error {
		if cfg.Credentials == nil {
			return fmt.Errorf("no credentials")
		}
		creds, err := cfg.Credentials.Retrieve(ctx)
		if err != nil {
			return err
		}
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, endpoint+"/", bytes.NewReader(body))
		if err != nil {
			return err
		}
		req.Header.Set("Content-Type", "application/x-amz-json-1.1")
		req.Header.Set("X-Amz-Target", healthTarget)
		sum := sha256.Sum256(body)
		if err := v4.NewSigner().SignHTTP(ctx, creds, req, hex.EncodeToString(sum[:]), "health", "us-east-1", time.Now()); err != nil {
			return err
		}
		var client aws.HTTPClient = http.DefaultClient
		if cfg.HTTPClient != nil {
			client = cfg.HTTPClient
		}
		resp, err := client.Do(req)
		if err != nil {
			return err
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
		if err != nil {
			return err
		}
		if resp.StatusCode != http.StatusOK {
			var e struct {
				Type    string `json:"__type"`
				Message string `json:"message"`
			}
			json.Unmarshal(b, &e)
			code := e.Type
			if i := strings.LastIndexByte(code, '#'); i >= 0 {
				code = code[i+1:]
			}
			if code == "" {
				code = fmt.Sprintf("HTTP%d", resp.StatusCode)
			}
			return &smithy.GenericAPIError{Code: code, Message: e.Message}
		}
		var res struct {
			Events []healthEvent `json:"events"`
		}
		if err := json.Unmarshal(b, &res); err != nil {
			return fmt.Errorf("health: DescribeEvents: %w", err)
		}
		out = res.Events
		return nil
	})
	return out, err
}
