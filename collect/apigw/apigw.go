// Package apigw runs the API Gateway CORS incident playbook against AWS
// (aws-sdk-go-v2): it reads the API's configuration (REST or HTTP), its
// stages, deployments and the stage's deployed export, CloudWatch
// 4XX/5XX metrics, Logs Insights aggregates of the access, execution and
// application logs, and the CloudTrail change history, and turns them
// into an [evidence.Playbook] and an [apimodel.API]. Rules correlate; this
// package only collects.
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
	// Reason: "unknown-api", "unknown-stage", "no-credentials",
	// "expired-credentials", "unreachable", "bad-option".
	Reason string
	Msg    string
	Hint   string
}

func (e *InputError) Error() string { return e.Msg }

// Step titles, numbered as in the seed runbook.
var stepTitles = map[int]string{
	1: "API exists, is deployed, AWS service health",
	2: "CORS configuration (origins, methods, headers, gateway responses)",
	3: "Access logs: CORS and preflight failures",
	4: "CloudWatch 4XX/5XX metrics",
	5: "API type and type-specific CORS behaviour",
	6: "Methods and OPTIONS configuration",
	7: "Application logs: browser CORS errors",
	8: "Deployments, drift and change history",
	9: "Execution logs: CORS headers in responses",
}

// windowSteps are the steps whose evidence depends on the time window.
var windowSteps = []int{3, 4, 7, 9}

// run is one playbook run's shared state.
type run struct {
	c    Clients
	opt  Options
	pb   *evidence.Playbook
	api  *apimodel.API
	mu   sync.Mutex
	sem  chan struct{}
	step map[int]*evidence.Step

	// filled by the collectors
	restName     string
	accessGroup  string
	accessFormat string
	execLogging  string
	stages       []string
	resourcePath map[string]string // resource id -> path (REST)
	deployed     *apimodel.API
	deps         []deployment
	healthEv     []string
}

// Diagnose runs the playbook.
func Diagnose(ctx context.Context, c Clients, opt Options) (*Result, error) {
	if opt.APIID == "" {
		return nil, &InputError{Reason: "bad-option", Msg: "--api-id is required", Hint: "list your APIs: aws apigateway get-rest-apis; aws apigatewayv2 get-apis"}
	}
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
	end := opt.Now().UTC().Truncate(time.Minute)
	r := &run{
		c: c, opt: opt, sem: make(chan struct{}, opt.Concurrency), step: map[int]*evidence.Step{},
		pb: &evidence.Playbook{
			APIID: opt.APIID, Region: c.Region, Start: end.Add(-opt.Since), End: end, Origins: opt.Origins,
			Source: evidence.Source{URL: fmt.Sprintf("arn:aws:apigateway:%s::/apis/%s", c.Region, opt.APIID)},
		},
		resourcePath: map[string]string{},
	}
	for n := 1; n <= 9; n++ {
		r.step[n] = &evidence.Step{N: n, Title: stepTitles[n], Status: evidence.StepPassed}
	}
	switch k := opt.known.(type) {
	case *apigateway.GetRestApiOutput:
		r.useREST(k)
	case *apigatewayv2.GetApiOutput:
		r.useV2(k)
	default:
		if err := r.resolve(ctx); err != nil {
			return nil, err
		}
	}
	// Control plane and history, concurrently (bounded by r.sem).
	g, gctx := errgroup.WithContext(ctx)
	switch r.pb.Kind {
	case "REST":
		g.Go(func() error { return r.restConfig(gctx) })
	case "HTTP":
		g.Go(func() error { return r.httpConfig(gctx) })
	}
	g.Go(func() error { return r.stagesAndDeployments(gctx) })
	if !opt.ConfigOnly {
		g.Go(func() error { r.health(gctx); return nil })
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	r.step[1].Evidence = append(r.step[1].Evidence, r.healthEv...)
	if opt.ConfigOnly {
		for _, n := range windowSteps {
			r.skip(n, "not run with --all (configuration steps only): run aws diagnose --api-id %s for the logs, metrics and history", opt.APIID)
		}
		r.drift()
		r.finishSteps()
		res := &Result{Playbook: r.pb, API: r.api, Deployed: r.deployed}
		if r.pb.Kind == "WEBSOCKET" {
			res.API = nil
		}
		return res, nil
	}
	// The window-dependent steps as they stand before any window is read
	// (skips decided from the configuration), restored when widening.
	snap := map[int]evidence.Step{}
	for _, n := range windowSteps {
		st := *r.step[n]
		st.Evidence = append([]string(nil), st.Evidence...)
		snap[n] = st
	}
	if err := r.evidenceWindow(ctx, r.pb.Start, r.pb.End); err != nil {
		return nil, err
	}
	if !r.pb.Correlated() && opt.Since < 2*time.Hour {
		r.pb.Widened = true
		r.pb.Start = end.Add(-2 * time.Hour)
		r.pb.Metrics, r.pb.Logs, r.pb.Access = nil, nil, nil
		r.pb.Changes = r.pb.Changes[:0]
		r.dropWindowGaps(snap)
		if err := r.evidenceWindow(ctx, r.pb.Start, r.pb.End); err != nil {
			return nil, err
		}
	}
	r.drift()
	if opt.TestInvoke {
		r.testInvokes(ctx)
	}
	r.finishSteps()
	res := &Result{Playbook: r.pb, API: r.api, Deployed: r.deployed}
	if r.pb.Kind == "WEBSOCKET" {
		res.API = nil // the CORS rules do not apply
	}
	return res, nil
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

// call runs one AWS call under the concurrency bound.
func (r *run) call(ctx context.Context, f func(context.Context) error) error {
	select {
	case r.sem <- struct{}{}:
	case <-ctx.Done():
		return ctx.Err()
	}
	defer func() { <-r.sem }()
	return f(ctx)
}

// evidenceLine appends an evidence line to a step.
func (r *run) evidenceLine(step int, format string, a ...any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	s := r.step[step]
	s.Evidence = append(s.Evidence, fmt.Sprintf(format, a...))
}

// fail marks a step failed with a reason (the first reason wins).
func (r *run) fail(step int, format string, a ...any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	s := r.step[step]
	if s.Status != evidence.StepFailed {
		s.Status = evidence.StepFailed
		s.Reason = fmt.Sprintf(format, a...)
	}
}

// skip marks a step skipped with a reason unless it already failed.
func (r *run) skip(step int, format string, a ...any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	s := r.step[step]
	if s.Status == evidence.StepPassed {
		s.Status = evidence.StepSkipped
		s.Reason = fmt.Sprintf(format, a...)
	}
}

// gap records missing evidence. It returns a fatal error for credential
// problems (which affect every step), nil otherwise.
func (r *run) gap(step int, what, need string, err error) error {
	if ie := credentialError(err); ie != nil {
		return ie
	}
	cause := "failed"
	var ae smithy.APIError
	if errors.As(err, &ae) {
		switch code := ae.ErrorCode(); {
		case strings.Contains(code, "AccessDenied") || code == "UnauthorizedOperation" || code == "UnauthorizedException":
			cause = "access-denied"
		case strings.Contains(code, "Throttl") || code == "TooManyRequestsException" || code == "LimitExceededException":
			cause = "throttled"
		case code == "ResourceNotFoundException":
			cause = "missing-log-group"
		}
	}
	if cause != "access-denied" && cause != "missing-log-group" {
		need = "retry later; " + need
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	g := evidence.Gap{Step: step, What: what, Cause: cause, Need: need, Err: shortErr(err)}
	r.pb.Gaps = append(r.pb.Gaps, g)
	s := r.step[step]
	if s.Status == evidence.StepPassed {
		s.Status = evidence.StepPartial
	}
	return nil
}

// notConfigured records evidence that cannot exist because a setting is off.
func (r *run) notConfigured(step int, what, need string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.pb.Gaps = append(r.pb.Gaps, evidence.Gap{Step: step, What: what, Cause: "not-configured", Need: need})
}

// dropWindowGaps forgets the gaps of window-dependent evidence before the
// window is widened and read again.
func (r *run) dropWindowGaps(snap map[int]evidence.Step) {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := r.pb.Gaps[:0]
	for _, g := range r.pb.Gaps {
		if g.Cause != "not-configured" && (g.Step == 3 || g.Step == 4 || g.Step == 7 || g.Step == 9 || strings.HasPrefix(g.What, "CloudTrail")) {
			continue
		}
		out = append(out, g)
	}
	r.pb.Gaps = out
	for _, n := range windowSteps {
		*r.step[n] = snap[n]
	}
	keep := r.step[8].Evidence[:0]
	for _, e := range r.step[8].Evidence {
		if !strings.HasPrefix(e, "CloudTrail:") {
			keep = append(keep, e)
		}
	}
	r.step[8].Evidence = keep
}

// shortErr renders an SDK error without the request id noise.
func shortErr(err error) string {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorCode() + ": " + ae.ErrorMessage()
	}
	return err.Error()
}

func errCode(err error) string {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorCode()
	}
	return ""
}

// credentialError turns credential failures into an InputError.
func credentialError(err error) *InputError {
	if err == nil {
		return nil
	}
	switch errCode(err) {
	case "ExpiredTokenException", "ExpiredToken", "RequestExpired", "TokenRefreshRequired":
		return &InputError{Reason: "expired-credentials", Msg: "AWS credentials are expired (" + shortErr(err) + ")",
			Hint: "refresh them: aws sso login --profile PROFILE, or export new AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY/AWS_SESSION_TOKEN"}
	case "UnrecognizedClientException", "InvalidClientTokenId", "InvalidSignatureException", "SignatureDoesNotMatch", "MissingAuthenticationTokenException":
		return &InputError{Reason: "no-credentials", Msg: "AWS rejected the credentials (" + shortErr(err) + ")",
			Hint: "check the profile (--profile or AWS_PROFILE) or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY"}
	}
	if strings.Contains(err.Error(), "failed to retrieve credentials") || strings.Contains(err.Error(), "no EC2 IMDS role found") {
		return &InputError{Reason: "no-credentials", Msg: "no AWS credentials found",
			Hint: "pass --profile NAME (or set AWS_PROFILE), run 'aws sso login', or export AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY"}
	}
	return nil
}

// finishSteps fills the last reasons: partial steps name their gaps.
func (r *run) finishSteps() {
	r.mu.Lock()
	defer r.mu.Unlock()
	sort.SliceStable(r.pb.Gaps, func(i, j int) bool {
		a, b := r.pb.Gaps[i], r.pb.Gaps[j]
		if a.Step != b.Step {
			return a.Step < b.Step
		}
		return a.What < b.What
	})
	for _, g := range r.pb.Gaps {
		s := r.step[g.Step]
		if g.Cause == "not-configured" {
			if s.Status == evidence.StepPassed {
				s.Status = evidence.StepSkipped
			}
			if s.Reason == "" {
				s.Reason = g.What + " not configured: " + g.Need
			}
			continue
		}
		if s.Reason == "" {
			s.Reason = fmt.Sprintf("%s missing (%s): needs %s", g.What, g.Cause, g.Need)
		}
	}
	r.pb.Steps = r.pb.Steps[:0]
	for n := 1; n <= 9; n++ {
		r.pb.Steps = append(r.pb.Steps, *r.step[n])
	}
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
		return &InputError{Reason: "unreachable", Msg: "cannot reach the API Gateway endpoint: " + shortErr(restErr),
			Hint: "check the network, --region, and --endpoint-url / AWS_ENDPOINT_URL if set"}
	}
	if errCode(restErr) == "NotFoundException" && errCode(v2Err) == "NotFoundException" {
		return &InputError{Reason: "unknown-api", Msg: fmt.Sprintf("no REST, HTTP or WebSocket API with id %q in region %s", r.opt.APIID, r.c.Region),
			Hint: fmt.Sprintf("APIs are regional: check --region (or AWS_REGION); list them with: aws apigateway get-rest-apis --region %s; aws apigatewayv2 get-apis --region %s", r.c.Region, r.c.Region)}
	}
	// We could not tell (AccessDenied, throttling beyond retries): go on
	// with what needs no configuration.
	for _, e := range []error{restErr, v2Err} {
		if errCode(e) != "NotFoundException" {
			if err := r.gap(1, "API configuration", "apigateway:GET on arn:aws:apigateway:"+r.c.Region+"::/restapis/* and ::/apis/*", e); err != nil {
				return err
			}
		}
	}
	r.pb.Kind = "UNKNOWN"
	for _, n := range []int{2, 5, 6, 8} {
		r.skip(n, "the API configuration could not be read (see step 1)")
	}
	r.fail(1, "the API could not be read: %s", shortErr(firstErr(restErr, v2Err)))
	return nil
}

// useREST takes the REST API (GetRestApi, or an item of GetRestApis).
func (r *run) useREST(rest *apigateway.GetRestApiOutput) {
	r.pb.Kind = "REST"
	r.restName = aws.ToString(rest.Name)
	r.pb.APIName = r.restName
	r.api = &apimodel.API{ID: r.opt.APIID, Name: r.restName, Kind: apimodel.REST, Format: "aws",
		Source: evidence.Source{URL: fmt.Sprintf("arn:aws:apigateway:%s::/restapis/%s", r.c.Region, r.opt.APIID)}}
	for _, t := range rest.BinaryMediaTypes {
		r.api.BinaryMediaTypes = append(r.api.BinaryMediaTypes, apimodel.Known(t, r.api.Source))
	}
	r.pb.Source = r.api.Source
	r.evidenceLine(1, "REST API %s %q exists in %s", r.opt.APIID, r.restName, r.c.Region)
	r.evidenceLine(5, "type: REST API (apigateway v1): CORS is per resource (OPTIONS methods, integration-response mappings, gateway responses)")
	if ec := rest.EndpointConfiguration; ec != nil && len(ec.Types) > 0 {
		r.evidenceLine(5, "endpoint type: %s", ec.Types[0])
	}
	if rest.DisableExecuteApiEndpoint {
		r.evidenceLine(5, "the default execute-api endpoint is disabled: browsers must use a custom domain")
	}
}

// useV2 takes the HTTP or WebSocket API (GetApi, or an item of GetApis).
func (r *run) useV2(v2 *apigatewayv2.GetApiOutput) {
	r.pb.Kind = string(v2.ProtocolType)
	r.pb.APIName = aws.ToString(v2.Name)
	src := evidence.Source{URL: fmt.Sprintf("arn:aws:apigateway:%s::/apis/%s", r.c.Region, r.opt.APIID)}
	r.api = &apimodel.API{ID: r.opt.APIID, Name: r.pb.APIName, Kind: apimodel.HTTP, Format: "aws", Source: src, Endpoint: aws.ToString(v2.ApiEndpoint)}
	r.pb.Source = src
	r.evidenceLine(1, "%s API %s %q exists in %s (%s)", r.pb.Kind, r.opt.APIID, r.pb.APIName, r.c.Region, aws.ToString(v2.ApiEndpoint))
	if r.pb.Kind == "WEBSOCKET" {
		r.evidenceLine(5, "type: WebSocket API: browsers apply no CORS to WebSocket connections (no preflight, no Access-Control-* check); the server must check the Origin header of the handshake ($connect authorizer or integration)")
		for _, n := range []int{2, 3, 4, 6, 9} {
			r.skip(n, "not applicable to WebSocket APIs (no CORS)")
		}
		return
	}
	r.httpAPI(v2)
}

func firstErr(errs ...error) error {
	for _, e := range errs {
		if e != nil && errCode(e) != "NotFoundException" {
			return e
		}
	}
	for _, e := range errs {
		if e != nil {
			return e
		}
	}
	return nil
}
