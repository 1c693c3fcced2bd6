package apigw

import (
	"context"
	"math"
	"sort"
	"sync"
	"sync/atomic"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsmiddleware "github.com/aws/aws-sdk-go-v2/aws/middleware"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/service/apigateway"
	"github.com/aws/aws-sdk-go-v2/service/apigatewayv2"
	"github.com/aws/smithy-go/middleware"
	"golang.org/x/sync/errgroup"
	"golang.org/x/time/rate"
)

// Quotas are API Gateway's control-plane quotas per account and Region
// ("API Gateway quotas for creating, deploying and managing an API",
// https://docs.aws.amazon.com/apigateway/latest/developerguide/limits.html,
// also awsdocs/amazon-api-gateway-developer-guide doc_source/limits.md):
// GetResources 5 requests every 2 seconds; all operations together
// ("Total operations") 10 requests per second with a burst of 40. They
// apply to apigateway and apigatewayv2 calls alike and cannot be raised.
type Quotas struct {
	TotalRate         float64
	TotalBurst        int
	GetResourcesRate  float64
	GetResourcesBurst int
}

// DefaultQuotas are the documented quotas.
var DefaultQuotas = Quotas{TotalRate: 10, TotalBurst: 40, GetResourcesRate: 2.5, GetResourcesBurst: 5}

// Bound is the least time the quotas allow for total calls of which
// getResources are GetResources: each bucket starts full and refills at
// its rate.
func (q Quotas) Bound(total, getResources int) time.Duration {
	t := float64(max(total-q.TotalBurst, 0)) / q.TotalRate
	if getResources > 0 {
		t = max(t, float64(max(getResources-q.GetResourcesBurst, 0))/q.GetResourcesRate)
	}
	return time.Duration(t * float64(time.Second))
}

// Limiter paces API Gateway calls to the quotas on the client, so that a
// run over many APIs is bounded by the quotas and not by throttling and
// back-offs. Each attempt (retries included) waits for a GetResources
// token first when it is one, then for a token of the total: reserving
// the total only once it can be used keeps the other calls flowing. The
// buckets are smaller than AWS's by what arrives in 50 ms at their rate
// (at least one token): calls sent at the quota's pace reach AWS with
// varying network delays, and a bucket as full as AWS's would be
// throttled by that jitter. Throttling that still happens is retried by
// the SDK's adaptive retryer.
type Limiter struct {
	total, getResources *rate.Limiter
	// Calls and GetResources count the attempts paced (retries
	// included).
	Calls, GetResources atomic.Int64
}

// NewLimiter paces to q.
func NewLimiter(q Quotas) *Limiter {
	burst := func(r float64, b int) int {
		margin := max(int(math.Ceil(r*jitterMargin.Seconds())), 1)
		return max(b-margin, 1)
	}
	return &Limiter{
		total:        rate.NewLimiter(rate.Limit(q.TotalRate), burst(q.TotalRate, q.TotalBurst)),
		getResources: rate.NewLimiter(rate.Limit(q.GetResourcesRate), burst(q.GetResourcesRate, q.GetResourcesBurst)),
	}
}

// jitterMargin is the network jitter the client's buckets absorb.
const jitterMargin = 50 * time.Millisecond

// Wait blocks until the call may be sent.
func (l *Limiter) Wait(ctx context.Context, getResources bool) error {
	l.Calls.Add(1)
	if getResources {
		l.GetResources.Add(1)
		if err := l.getResources.Wait(ctx); err != nil {
			return err
		}
	}
	return l.total.Wait(ctx)
}

// limiterOption installs the limiter after the retry middleware: every
// attempt of an API Gateway (v1 or v2) call waits for its tokens.
func limiterOption(l *Limiter) func(*middleware.Stack) error {
	return func(s *middleware.Stack) error {
		return s.Finalize.Insert(middleware.FinalizeMiddlewareFunc("corsdoctorQuota",
			func(ctx context.Context, in middleware.FinalizeInput, next middleware.FinalizeHandler) (middleware.FinalizeOutput, middleware.Metadata, error) {
				switch awsmiddleware.GetServiceID(ctx) {
				case apigateway.ServiceID, apigatewayv2.ServiceID:
					if err := l.Wait(ctx, awsmiddleware.GetOperationName(ctx) == "GetResources"); err != nil {
						return middleware.FinalizeOutput{}, middleware.Metadata{}, err
					}
				}
				return next.HandleFinalize(ctx, in)
			}), "Retry", middleware.After)
	}
}

// AllOptions configure DiagnoseAll.
type AllOptions struct {
	// Options apply to every API (APIID and Stage are ignored: every API
	// is diagnosed on its most recently deployed stage).
	Options
	// Parallel bounds the APIs diagnosed at once (default 16); the
	// quotas, not this, bound the pace.
	Parallel int
}

// Fleet is the result of DiagnoseAll for one Region.
type Fleet struct {
	Region string
	// APIs are in id order; Errors are the APIs whose run could not
	// start (their id and why).
	APIs   []*Result
	Errors []string
}

// DiagnoseAll lists every REST (GetRestApis) and HTTP/WebSocket API
// (GetApis) of the Region and runs the configuration steps on each,
// concurrently. c should come from NewClientsLimited so that the calls
// stay within the quotas.
func DiagnoseAll(ctx context.Context, c Clients, opt AllOptions) (*Fleet, error) {
	if opt.Parallel <= 0 {
		opt.Parallel = 16
	}
	f := &Fleet{Region: c.Region}
	known, ids, err := listAPIs(ctx, c)
	if err != nil {
		return nil, err
	}
	results := make([]*Result, len(ids))
	errs := make([]string, len(ids))
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(opt.Parallel)
	var mu sync.Mutex
	for i := range ids {
		g.Go(func() error {
			o := opt.Options
			o.APIID, o.Stage, o.ConfigOnly, o.known = ids[i], "", true, known[i]
			res, err := Diagnose(gctx, c, o)
			if err != nil {
				if ie, ok := err.(*InputError); ok && ie.Reason.Credentials() {
					return err
				}
				mu.Lock()
				errs[i] = ids[i] + ": " + err.Error()
				mu.Unlock()
				return nil
			}
			results[i] = res
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	order := make([]int, len(ids))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(a, b int) bool { return ids[order[a]] < ids[order[b]] })
	for _, i := range order {
		if results[i] != nil {
			f.APIs = append(f.APIs, results[i])
		}
		if errs[i] != "" {
			f.Errors = append(f.Errors, errs[i])
		}
	}
	return f, nil
}

// listAPIs lists every REST (GetRestApis) and HTTP/WebSocket API (GetApis)
// of the Region: known holds each as its Get call would return it.
func listAPIs(ctx context.Context, c Clients) (known []any, ids []string, err error) {
	p := apigateway.NewGetRestApisPaginator(c.APIGateway, &apigateway.GetRestApisInput{Limit: aws.Int32(500)})
	for p.HasMorePages() {
		out, err := p.NextPage(ctx)
		if err != nil {
			if ie := credentialError(err); ie != nil {
				return nil, nil, ie
			}
			return nil, nil, &InputError{Reason: Unreachable, Msg: "cannot list the REST APIs of " + c.Region + ": " + shortErr(err), Hint: "the run needs apigateway:GET on arn:aws:apigateway:" + c.Region + "::/restapis"}
		}
		for _, a := range out.Items {
			known = append(known, &apigateway.GetRestApiOutput{Id: a.Id, Name: a.Name, BinaryMediaTypes: a.BinaryMediaTypes,
				EndpointConfiguration: a.EndpointConfiguration, DisableExecuteApiEndpoint: a.DisableExecuteApiEndpoint})
			ids = append(ids, aws.ToString(a.Id))
		}
	}
	var token *string
	for {
		out, err := c.V2.GetApis(ctx, &apigatewayv2.GetApisInput{MaxResults: aws.String("500"), NextToken: token})
		if err != nil {
			if ie := credentialError(err); ie != nil {
				return nil, nil, ie
			}
			return nil, nil, &InputError{Reason: Unreachable, Msg: "cannot list the HTTP and WebSocket APIs of " + c.Region + ": " + shortErr(err), Hint: "the run needs apigateway:GET on arn:aws:apigateway:" + c.Region + "::/apis"}
		}
		for _, a := range out.Items {
			known = append(known, &apigatewayv2.GetApiOutput{ApiId: a.ApiId, Name: a.Name, ProtocolType: a.ProtocolType, ApiEndpoint: a.ApiEndpoint,
				CorsConfiguration: a.CorsConfiguration, DisableExecuteApiEndpoint: a.DisableExecuteApiEndpoint})
			ids = append(ids, aws.ToString(a.ApiId))
		}
		if token = out.NextToken; token == nil {
			break
		}
	}
	return known, ids, nil
}

// NewClientsLimited is NewClients with the API Gateway calls paced by l.
func NewClientsLimited(cfg aws.Config, backoff retry.BackoffDelayer, l *Limiter) Clients {
	cfg = cfg.Copy()
	if l != nil {
		cfg.APIOptions = append(cfg.APIOptions, limiterOption(l))
	}
	return NewClients(cfg, backoff)
}
