package scan

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptrace"
	"net/url"
	"sort"
	"strings"
	"sync"
	"syscall"
	"time"

	"golang.org/x/time/rate"

	"github.com/corsdoctor/corsdoctor/evidence"
)

// Limits on what one response may cost.
const (
	maxHeaderBytes = evidence.MaxHeaderBytes
	// maxBody is how much of a body is kept (for the sensitivity
	// heuristics); drainBody is how much more is read to keep the
	// connection reusable before giving up on it.
	maxBody   = 8 << 10
	drainBody = 256 << 10
)

// client sends probes: one shared transport (keep-alive, HTTP/2), a global
// and a per-host rate limit, a timeout per request and bounded retries of
// transient network errors. It never follows redirects.
type client struct {
	hc       *http.Client
	timeout  time.Duration
	retries  int
	backoff  time.Duration
	global   *rate.Limiter
	hostRate rate.Limit
	hostMu   sync.Mutex
	hosts    map[string]*rate.Limiter
}

func newClient(cfg *Config) *client {
	dialer := &net.Dialer{Timeout: cfg.Timeout, KeepAlive: 30 * time.Second}
	dial := dialer.DialContext
	if len(cfg.Resolve) > 0 {
		resolve := cfg.Resolve
		dial = func(ctx context.Context, network, addr string) (net.Conn, error) {
			if to, ok := resolve[strings.ToLower(addr)]; ok {
				addr = to
			}
			return dialer.DialContext(ctx, network, addr)
		}
	}
	tr := &http.Transport{
		Proxy:                  http.ProxyFromEnvironment,
		DialContext:            dial,
		ForceAttemptHTTP2:      true,
		MaxIdleConns:           max(100, 2*cfg.Concurrency),
		MaxIdleConnsPerHost:    cfg.Concurrency,
		IdleConnTimeout:        90 * time.Second,
		TLSHandshakeTimeout:    cfg.Timeout,
		ResponseHeaderTimeout:  cfg.Timeout,
		ExpectContinueTimeout:  time.Second,
		MaxResponseHeaderBytes: maxHeaderBytes,
		DisableCompression:     true,
		TLSClientConfig:        &tls.Config{MinVersion: tls.VersionTLS12, InsecureSkipVerify: cfg.Insecure, RootCAs: cfg.RootCAs},
	}
	if cfg.Transport != nil {
		tr = cfg.Transport
	}
	c := &client{
		hc: &http.Client{
			Transport: tr,
			// Never follow a redirect: the scan only talks to the
			// targets it was given, and a redirect response is the
			// evidence.
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		},
		timeout:  cfg.Timeout,
		retries:  cfg.Retries,
		backoff:  cfg.Backoff,
		hostRate: rate.Limit(cfg.PerHostRate),
		hosts:    map[string]*rate.Limiter{},
	}
	if cfg.Rate > 0 {
		c.global = rate.NewLimiter(rate.Limit(cfg.Rate), burst(cfg.Rate))
	}
	return c
}

func burst(r float64) int {
	if r < 1 {
		return 1
	}
	return int(r/10) + 1
}

func (c *client) hostLimiter(host string) *rate.Limiter {
	if c.hostRate <= 0 {
		return nil
	}
	c.hostMu.Lock()
	defer c.hostMu.Unlock()
	l := c.hosts[host]
	if l == nil {
		if len(c.hosts) > 100_000 {
			// Bound the map; a recreated limiter starts with a full
			// bucket of at most burst requests.
			clear(c.hosts)
		}
		l = rate.NewLimiter(c.hostRate, burst(float64(c.hostRate)))
		c.hosts[host] = l
	}
	return l
}

// wire is one request to send.
type wire struct {
	method string
	url    string
	header http.Header
}

// lines renders the request as sent: request line, then headers sorted.
func (w *wire) lines(u *url.URL) []string {
	target := u.RequestURI()
	host := u.Host
	if h := w.header.Get("Host"); h != "" {
		host = h // -H Host: replaces it
	}
	out := []string{w.method + " " + target + " HTTP/1.1", "Host: " + host}
	for _, k := range sortedKeys(w.header) {
		if k == "Host" {
			continue
		}
		for _, v := range w.header[k] {
			out = append(out, k+": "+v)
		}
	}
	return out
}

// do sends w with retries and returns the response as evidence, with the
// number of attempts made.
func (c *client) do(ctx context.Context, w *wire) (*evidence.Response, int, error) {
	var err error
	attempts := 0
	for try := 0; try <= c.retries; try++ {
		if try > 0 {
			t := time.NewTimer(c.backoff << (try - 1))
			select {
			case <-ctx.Done():
				t.Stop()
				return nil, attempts, ctx.Err()
			case <-t.C:
			}
		}
		attempts++
		var r *evidence.Response
		r, err = c.once(ctx, w)
		if err == nil {
			return r, attempts, nil
		}
		if ctx.Err() != nil || !transient(err) {
			break
		}
	}
	return nil, attempts, err
}

func (c *client) once(ctx context.Context, w *wire) (*evidence.Response, error) {
	u, err := url.Parse(w.url)
	if err != nil {
		return nil, err
	}
	if c.global != nil {
		if err := c.global.Wait(ctx); err != nil {
			return nil, err
		}
	}
	if l := c.hostLimiter(u.Host); l != nil {
		if err := l.Wait(ctx); err != nil {
			return nil, err
		}
	}
	ctx, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, w.method, w.url, nil)
	if err != nil {
		return nil, err
	}
	req.Header = w.header.Clone()
	if h := req.Header.Get("Host"); h != "" {
		req.Host = h
		req.Header.Del("Host")
	}
	if req.Header.Get("User-Agent") == "" {
		req.Header.Set("User-Agent", UserAgent)
	}
	// The remote address tells the target's IP address space (private
	// network access); through a proxy it would be the proxy's.
	var remote string
	if tr, ok := c.hc.Transport.(*http.Transport); !ok || tr.Proxy == nil || proxyOf(tr, req) == nil {
		req = req.WithContext(httptrace.WithClientTrace(req.Context(), &httptrace.ClientTrace{GotConn: func(ci httptrace.GotConnInfo) {
			remote = ci.Conn.RemoteAddr().String()
		}}))
	}
	start := time.Now()
	resp, err := c.hc.Do(req)
	if err != nil {
		return nil, describe(err, c.timeout)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxBody))
	if err != nil {
		return nil, describe(fmt.Errorf("reading body: %w", err), c.timeout)
	}
	if len(body) == maxBody {
		// Drain a little more so the connection can be reused; a
		// larger body costs the connection instead.
		io.Copy(io.Discard, io.LimitReader(resp.Body, drainBody))
	}
	return &evidence.Response{
		URL: w.url, Proto: resp.Proto, Status: resp.StatusCode,
		StatusText: strings.TrimSpace(strings.TrimPrefix(resp.Status, fmt.Sprint(resp.StatusCode))),
		Header:     resp.Header, Body: body, Duration: time.Since(start),
		Source: evidence.Source{URL: w.url}, RemoteAddr: remote,
	}, nil
}

func proxyOf(tr *http.Transport, req *http.Request) *url.URL {
	u, err := tr.Proxy(req)
	if err != nil {
		return nil
	}
	return u
}

// UserAgent identifies the scanner to the targets.
var UserAgent = "corsdoctor-scan/0.1 (+https://github.com/corsdoctor/corsdoctor)"

// transient reports whether a failed request is worth retrying: the
// connection was reset or closed before a response, or refused. Timeouts
// are not retried, so a target that never answers costs one timeout.
func transient(err error) bool {
	var te interface{ Timeout() bool }
	if errors.As(err, &te) && te.Timeout() {
		return false
	}
	return errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.ECONNREFUSED) ||
		errors.Is(err, syscall.EPIPE) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) ||
		strings.Contains(err.Error(), "server closed idle connection")
}

// describe turns transport errors into one short sentence.
func describe(err error, timeout time.Duration) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err // the URL is in the record already
	}
	var te interface{ Timeout() bool }
	switch {
	case errors.Is(err, context.DeadlineExceeded) || errors.As(err, &te) && te.Timeout():
		return &timeoutError{d: timeout, err: err}
	case strings.Contains(err.Error(), "server response headers exceeded"):
		return fmt.Errorf("response headers larger than %d KiB: %w", maxHeaderBytes>>10, err)
	case strings.Contains(err.Error(), "malformed HTTP"), strings.Contains(err.Error(), "malformed MIME"):
		return fmt.Errorf("invalid HTTP response: %w", err)
	}
	return err
}

type timeoutError struct {
	d   time.Duration
	err error
}

func (e *timeoutError) Error() string { return fmt.Sprintf("no response within %s (--timeout)", e.d) }
func (e *timeoutError) Unwrap() error { return e.err }
func (e *timeoutError) Timeout() bool { return true }

func sortedKeys(h http.Header) []string {
	ks := make([]string, 0, len(h))
	for k := range h {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}
