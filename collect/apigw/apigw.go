// Package apigw runs the API Gateway CORS incident playbook against AWS
// (aws-sdk-go-v2): it reads the API's configuration (REST or HTTP), its
// stages, deployments and the stage's deployed export, CloudWatch
// 4XX/5XX metrics, Logs Insights aggregates of the access, execution and
// application logs, and the CloudTrail change history, and turns them
// into an [evidence.Playbook] and an [apimodel.API]. This package only
// collects: the rules judge each step (CD2111-CD2119) and correlate.
//
// Every step runs even when another one fails: AccessDenied, throttling
// that outlasts the SDK's adaptive retry, or a missing log group become a
// [evidence.Gap] naming the permission or setting that would provide the
// evidence. Only input errors (unknown API, wrong region, missing or
// expired credentials) end the run, as an *InputError.
package apigw

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/service/apigateway"
	"github.com/aws/aws-sdk-go-v2/service/apigatewayv2"
	"github.com/aws/aws-sdk-go-v2/service/cloudtrail"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/smithy-go"
	"golang.org/x/sync/errgroup"

	"github.com/corsdoctor/corsdoctor/apimodel"
	"github.com/corsdoctor/corsdoctor/collect/accesslog"
	"github.com/corsdoctor/corsdoctor/evidence"
)

// Options configure a playbook run.
type Options struct {
	APIID string
	// Stage to diagnose; "" picks the only stage, or the most recently
	// deployed one (and says so).
	Stage string
	// Origins are page origins to simulate (--origin).
	Origins []string
	// Since is the first window (default 1 h); it widens to 2 h when
	// nothing correlates.
	Since time.Duration
	// AppLogGroups are application log groups (step 7).
	AppLogGroups []string
	// TestInvoke calls TestInvokeMethod on proxy methods (REST).
	TestInvoke bool
	// Now is the clock (tests inject one).
	Now func() time.Time
	// Concurrency bounds concurrent AWS calls (default 6).
	Concurrency int
	// PollInterval between GetQueryResults calls (default 1 s) and
	// QueryTimeout for one Logs Insights query (default 45 s).
	PollInterval time.Duration
	QueryTimeout time.Duration
	// ConfigOnly runs the configuration steps only (1, 2, 5, 6 and the
	// stage's drift in 8: what --all runs per API); the window-dependent
	// steps (logs, metrics, CloudTrail) and AWS Health are skipped.
	ConfigOnly bool

	// known is the API as a list call returned it (DiagnoseAll): the
	// run does not get it again.
	known any
}

// Clients are the SDK clients the playbook uses.
type Clients struct {
	APIGateway *apigateway.Client
	V2         *apigatewayv2.Client
	CloudWatch *cloudwatch.Client
	Logs       *cloudwatchlogs.Client
	CloudTrail *cloudtrail.Client
	Region     string
	// Config is the SDK config the clients were built from (the AWS
	// Health call signs its own requests with it).
	Config aws.Config
	// Backoff is the retry backoff of the hand-made AWS Health call.
	Backoff retry.BackoffDelayer
}

// NewClients builds the clients from cfg with the SDK's adaptive retry
// mode (throttling slows the client down and is retried). backoff, when
// non-nil, replaces the retry backoff (tests).
func NewClients(cfg aws.Config, backoff retry.BackoffDelayer) Clients {
	cfg = cfg.Copy()
	cfg.Retryer = func() aws.Retryer {
		return retry.NewAdaptiveMode(func(o *retry.AdaptiveModeOptions) {
			o.StandardOptions = append(o.StandardOptions, func(so *retry.StandardOptions) {
				so.MaxAttempts = 5
				so.MaxBackoff = 8 * time.Second
				if backoff != nil {
					so.Backoff = backoff
				}
			})
		})
	}
	return Clients{
		APIGateway: apigateway.NewFromConfig(cfg),
		V2:         apigatewayv2.NewFromConfig(cfg),
		CloudWatch: cloudwatch.NewFromConfig(cfg),
		Logs:       cloudwatchlogs.NewFromConfig(cfg),
		CloudTrail: cloudtrail.NewFromConfig(cfg),
		Region:     cfg.Region,
		Config:     cfg,
		Backoff:    backoff,
	}
}

// Result is what a run collected.
type Result struct {
	Playbook *evidence.Playbook
	// API is the normalized model, nil when the configuration could not
	// be read.
	API *apimodel.API
	// Deployed is the model of what the stage serves (from its export),
	// nil when unavailable.
	Deployed *apimodel.API
}

// InputError is a problem with what the user asked for or with the
// credentials: the run cannot start. Hint says how to fix it.
type InputError struct {
	Reason InputReason
	Msg    string
	Hint   string
}

func (e *InputError) Error() string { return e.Msg }

// InputReason says why a run could not start.
type InputReason string

// Why a run could not start.
const (
	UnknownAPI         InputReason = "unknown-api"
	UnknownStage       InputReason = "unknown-stage"
	NoCredentials      InputReason = "no-credentials"
	ExpiredCredentials InputReason = "expired-credentials"
	Unreachable        InputReason = "unreachable"
	BadOption          InputReason = "bad-option"
)

// Credentials reports whether the credentials are the problem (every API
// of a run would fail alike).
func (r InputReason) Credentials() bool { return r == NoCredentials || r == ExpiredCredentials }

// Diagnose runs the playbook. Its steps come back passed, skipped (not
// applicable, or the evidence cannot exist) or partial (evidence missing):
// the rules (package rules, diag.Result.ApplySteps) judge which failed.
func Diagnose(ctx context.Context, c Clients, opt Options) (*Result, error) {
	if opt.APIID == "" {
		return nil, &InputError{Reason: BadOption, Msg: "--api-id is required", Hint: "list your APIs: aws apigateway get-rest-apis; aws apigatewayv2 get-apis"}
	}
	opt = opt.withDefaults()
	end := opt.Now().UTC().Truncate(time.Minute)
	r := newRun(c, opt, &evidence.Playbook{
		APIID: opt.APIID, Region: c.Region, Start: end.Add(-opt.Since), End: end, Origins: opt.Origins,
		Source: evidence.Source{URL: fmt.Sprintf("arn:aws:apigateway:%s::/apis/%s", c.Region, opt.APIID)},
	})
	if err := r.identify(ctx); err != nil {
		return nil, err
	}
	if err := r.configuration(ctx); err != nil {
		return nil, err
	}
	if opt.ConfigOnly {
		for _, n := range evidence.WindowSteps {
			r.skip(n, "not run with --all (configuration steps only): run aws diagnose --api-id %s for the logs, metrics and history", opt.APIID)
		}
	} else if err := r.window(ctx, end); err != nil {
		return nil, err
	}
	r.drift()
	if opt.TestInvoke && !opt.ConfigOnly {
		r.testInvokes(ctx)
	}
	r.finishSteps()
	res := &Result{Playbook: r.pb, API: r.api, Deployed: r.stage.deployed}
	if r.pb.Kind == evidence.WebSocketAPI {
		res.API = nil // the CORS rules do not apply
	}
	return res, nil
}

func (opt Options) withDefaults() Options {
	if opt.Now == nil {
		opt.Now = time.Now
	}
	if opt.Since <= 0 {
		opt.Since = time.Hour
	}
	if opt.Concurrency <= 0 {
		opt.Concurrency = 6
	}
	if opt.PollInterval <= 0 {
		opt.PollInterval = time.Second
	}
	if opt.QueryTimeout <= 0 {
		opt.QueryTimeout = 45 * time.Second
	}
	return opt
}

// identify takes the API a list call returned (DiagnoseAll) or finds it
// (StepDeployed).
func (r *run) identify(ctx context.Context) error {
	switch k := r.opt.known.(type) {
	case *apigateway.GetRestApiOutput:
		r.useREST(k)
	case *apigatewayv2.GetApiOutput:
		r.useV2(k)
	default:
		return r.resolve(ctx)
	}
	return nil
}

// configuration reads the control plane and AWS Health concurrently
// (bounded by r.sem): StepDeployed, StepCORS, StepAPIType, StepMethods and
// the stage's side of StepHistory.
func (r *run) configuration(ctx context.Context) error {
	g, gctx := errgroup.WithContext(ctx)
	switch r.pb.Kind {
	case evidence.RESTAPI:
		g.Go(func() error { return r.restConfig(gctx) })
	case evidence.HTTPAPI:
		g.Go(func() error { return r.httpConfig(gctx) })
	}
	g.Go(func() error { return r.stagesAndDeployments(gctx) })
	if !r.opt.ConfigOnly {
		g.Go(func() error { r.healthEvents(gctx); return nil })
	}
	if err := g.Wait(); err != nil {
		return err
	}
	s := r.steps[evidence.StepDeployed]
	s.Evidence = append(s.Evidence, r.health...)
	return nil
}

// window reads the window-dependent evidence; when nothing correlates in
// a window shorter than 2 h, it widens to 2 h and reads again.
func (r *run) window(ctx context.Context, end time.Time) error {
	snap := r.windowState()
	if err := r.evidenceWindow(ctx, r.pb.Start, r.pb.End); err != nil {
		return err
	}
	if r.pb.Correlated() || r.opt.Since >= 2*time.Hour {
		return nil
	}
	r.pb.Widened = true
	r.pb.Start = end.Add(-2 * time.Hour)
	r.dropWindow(snap)
	return r.evidenceWindow(ctx, r.pb.Start, r.pb.End)
}

// evidenceWindow reads everything that depends on the time window.
func (r *run) evidenceWindow(ctx context.Context, start, end time.Time) error {
	g, gctx := errgroup.WithContext(ctx)
	g.Go(func() error { return r.metrics(gctx, start, end) })
	g.Go(func() error { return r.trail(gctx, start, end) })
	g.Go(func() error { return r.logQueries(gctx, start, end) })
	err := g.Wait()
	r.mu.Lock()
	r.addDeploymentChanges(start, end)
	sort.SliceStable(r.pb.Changes, func(i, j int) bool { return r.pb.Changes[i].Time.Before(r.pb.Changes[j].Time) })
	// The access-log rows become the aggregate a local scan produces,
	// compared around the deployments found (as logs --deploy-at does).
	if q := r.pb.Log(accessPurpose); q != nil && q.Status == "Complete" {
		r.pb.Access = accesslog.StatsFromInsights(q.LogGroup, q.Rows, accesslog.Options{Deploys: accesslog.DeploysFromChanges(r.pb.Changes)})
		q.Rows = nil // kept in Access; up to 10,000 rows
	}
	r.mu.Unlock()
	if err == nil {
		r.logEvidence()
	}
	return err
}

// credentialError turns credential failures into an InputError.
func credentialError(err error) *InputError {
	if err == nil {
		return nil
	}
	switch errCode(err) {
	case "ExpiredTokenException", "ExpiredToken", "RequestExpired", "TokenRefreshRequired":
		return &InputError{Reason: ExpiredCredentials, Msg: "AWS credentials are expired (" + shortErr(err) + ")",
			Hint: "refresh them: aws sso login --profile PROFILE, or export new AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY/AWS_SESSION_TOKEN"}
	case "UnrecognizedClientException", "InvalidClientTokenId", "InvalidSignatureException", "SignatureDoesNotMatch", "MissingAuthenticationTokenException":
		return &InputError{Reason: NoCredentials, Msg: "AWS rejected the credentials (" + shortErr(err) + ")",
			Hint: "check the profile (--profile or AWS_PROFILE) or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY"}
	}
	if strings.Contains(err.Error(), "failed to retrieve credentials") || strings.Contains(err.Error(), "no EC2 IMDS role found") {
		return &InputError{Reason: NoCredentials, Msg: "no AWS credentials found",
			Hint: "pass --profile NAME (or set AWS_PROFILE), run 'aws sso login', or export AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY"}
	}
	return nil
}

// resolve finds the API (REST or HTTP) and fails with an InputError when
// it does not exist in the region.
func (r *run) resolve(ctx context.Context) error {
	var restErr, v2Err error
	var rest *apigateway.GetRestApiOutput
	var v2 *apigatewayv2.GetApiOutput
	var wg sync.WaitGroup
	wg.Add(2)
	go func() {
		defer wg.Done()
		restErr = r.call(ctx, func(ctx context.Context) (err error) {
			rest, err = r.c.APIGateway.GetRestApi(ctx, &apigateway.GetRestApiInput{RestApiId: aws.String(r.opt.APIID)})
			return err
		})
	}()
	go func() {
		defer wg.Done()
		v2Err = r.call(ctx, func(ctx context.Context) (err error) {
			v2, err = r.c.V2.GetApi(ctx, &apigatewayv2.GetApiInput{ApiId: aws.String(r.opt.APIID)})
			return err
		})
	}()
	wg.Wait()
	if ie := credentialError(restErr); ie != nil {
		return ie
	}
	if ie := credentialError(v2Err); ie != nil {
		return ie
	}
	switch {
	case restErr == nil:
		r.useREST(rest)
		return nil
	case v2Err == nil:
		r.useV2(v2)
		return nil
	}
	var ae1, ae2 smithy.APIError
	if restErr != nil && v2Err != nil && !errors.As(restErr, &ae1) && !errors.As(v2Err, &ae2) {
		// Neither call got an answer from AWS: a network problem, not a
		// missing piece of evidence.
		if ctx.Err() != nil {
			return ctx.Err()
		}
		return &InputError{Reason: Unreachable, Msg: "cannot reach the API Gateway endpoint: " + shortErr(restErr),
			Hint: "check the network, --region, and --endpoint-url / AWS_ENDPOINT_URL if set"}
	}
	if errCode(restErr) == "NotFoundException" && errCode(v2Err) == "NotFoundException" {
		return &InputError{Reason: UnknownAPI, Msg: fmt.Sprintf("no REST, HTTP or WebSocket API with id %q in region %s", r.opt.APIID, r.c.Region),
			Hint: fmt.Sprintf("APIs are regional: check --region (or AWS_REGION); list them with: aws apigateway get-rest-apis --region %s; aws apigatewayv2 get-apis --region %s", r.c.Region, r.c.Region)}
	}
	// We could not tell (AccessDenied, throttling beyond retries): go on
	// with what needs no configuration.
	for _, e := range []error{restErr, v2Err} {
		if errCode(e) != "NotFoundException" {
			if err := r.gap(evidence.StepDeployed, evidence.GapAPIConfig, "API configuration", "apigateway:GET on arn:aws:apigateway:"+r.c.Region+"::/restapis/* and ::/apis/*", e); err != nil {
				return err
			}
		}
	}
	r.pb.Kind = evidence.UnknownAPI
	for _, n := range []evidence.StepID{evidence.StepCORS, evidence.StepAPIType, evidence.StepMethods, evidence.StepHistory} {
		r.skip(n, "the API configuration could not be read (see step 1)")
	}
	return nil
}

// useREST takes the REST API (GetRestApi, or an item of GetRestApis).
func (r *run) useREST(rest *apigateway.GetRestApiOutput) {
	r.pb.Kind = evidence.RESTAPI
	r.config.restName = aws.ToString(rest.Name)
	r.pb.APIName = r.config.restName
	r.api = &apimodel.API{ID: r.opt.APIID, Name: r.config.restName, Kind: apimodel.REST, Format: "aws",
		Source: evidence.Source{URL: fmt.Sprintf("arn:aws:apigateway:%s::/restapis/%s", r.c.Region, r.opt.APIID)}}
	for _, t := range rest.BinaryMediaTypes {
		r.api.BinaryMediaTypes = append(r.api.BinaryMediaTypes, apimodel.Known(t, r.api.Source))
	}
	r.pb.Source = r.api.Source
	r.evidenceLine(evidence.StepDeployed, "REST API %s %q exists in %s", r.opt.APIID, r.config.restName, r.c.Region)
	r.evidenceLine(evidence.StepAPIType, "type: REST API (apigateway v1): CORS is per resource (OPTIONS methods, integration-response mappings, gateway responses)")
	if ec := rest.EndpointConfiguration; ec != nil && len(ec.Types) > 0 {
		r.evidenceLine(evidence.StepAPIType, "endpoint type: %s", ec.Types[0])
	}
	if rest.DisableExecuteApiEndpoint {
		r.evidenceLine(evidence.StepAPIType, "the default execute-api endpoint is disabled: browsers must use a custom domain")
	}
}

// useV2 takes the HTTP or WebSocket API (GetApi, or an item of GetApis).
func (r *run) useV2(v2 *apigatewayv2.GetApiOutput) {
	r.pb.Kind = evidence.APIKind(v2.ProtocolType)
	r.pb.APIName = aws.ToString(v2.Name)
	src := evidence.Source{URL: fmt.Sprintf("arn:aws:apigateway:%s::/apis/%s", r.c.Region, r.opt.APIID)}
	r.api = &apimodel.API{ID: r.opt.APIID, Name: r.pb.APIName, Kind: apimodel.HTTP, Format: "aws", Source: src, Endpoint: aws.ToString(v2.ApiEndpoint)}
	r.pb.Source = src
	r.evidenceLine(evidence.StepDeployed, "%s API %s %q exists in %s (%s)", r.pb.Kind, r.opt.APIID, r.pb.APIName, r.c.Region, aws.ToString(v2.ApiEndpoint))
	if r.pb.Kind == evidence.WebSocketAPI {
		r.evidenceLine(evidence.StepAPIType, "type: WebSocket API: browsers apply no CORS to WebSocket connections (no preflight, no Access-Control-* check); the server must check the Origin header of the handshake ($connect authorizer or integration)")
		for _, n := range []evidence.StepID{evidence.StepCORS, evidence.StepAccessLogs, evidence.StepMetrics, evidence.StepMethods, evidence.StepExecLogs} {
			r.skip(n, "not applicable to WebSocket APIs (no CORS)")
		}
		return
	}
	r.httpAPI(v2)
}
