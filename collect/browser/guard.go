package browser

import (
	"context"
	"fmt"
	"net/http"
	"sort"
	"strings"
	"sync"

	"github.com/chromedp/cdproto/fetch"
	"github.com/chromedp/chromedp"

	"github.com/corsdoctor/corsdoctor/cors"
	"github.com/corsdoctor/corsdoctor/evidence"
	"github.com/corsdoctor/corsdoctor/internal/redact"
)

// Withheld is a request of the run that went without credentials the
// page set: the user gave them for another host.
type Withheld struct {
	URL string `json:"url"`
	// Headers are the names removed, sorted.
	Headers []string `json:"headers"`
}

// credentialGuard keeps the credentials the user gives (the headers the
// redaction policy calls secret: API keys, tokens; redact.IsSecretHeader)
// on the host of the request's URL. Chromium itself drops Authorization
// on a cross-origin redirect (Fetch § 4.4 HTTP-redirect fetch step 13) but
// forwards other headers the page set to whatever host a redirect names,
// after a preflight that host answers: a hostile server would collect
// them. With the guard on, every request of the run pauses at the Fetch
// domain's request stage and a request to another host (or from https
// down to http) continues without those headers; the others continue
// untouched. Cookies need no guard: Chromium's jar is per host, and a
// Cookie header set by the page is dropped by fetch() itself (a
// forbidden header name).
type credentialGuard struct {
	given   string
	secrets map[string]bool // lower-case names of the page's secret headers
	mu      sync.Mutex
	out     []Withheld
}

// newCredentialGuard returns a guard for req, or nil when the page sets
// no secret header (the run then needs no interception).
func newCredentialGuard(req Request) *credentialGuard {
	g := &credentialGuard{given: req.URL, secrets: map[string]bool{}}
	for _, h := range req.Headers {
		if redact.IsSecretHeader(h.Name) && !cors.IsForbiddenRequestHeader(h.Name, h.Value) {
			g.secrets[strings.ToLower(h.Name)] = true
		}
	}
	if len(g.secrets) == 0 {
		return nil
	}
	return g
}

// start enables interception on the tab until the returned stop is
// called.
func (g *credentialGuard) start(tctx context.Context) (stop func(), err error) {
	lctx, cancel := context.WithCancel(tctx)
	if err := chromedp.Listen(lctx, func(ev any) {
		if e, ok := ev.(*fetch.EventRequestPaused); ok {
			// Never call back from the listener: continue in a goroutine.
			go g.continueRequest(tctx, e)
		}
	}); err != nil {
		cancel()
		return nil, err
	}
	if _, err := chromedp.Call(tctx, fetch.Enable, fetch.EnableParams{Patterns: []*fetch.RequestPattern{{URLPattern: "*", RequestStage: fetch.RequestStageRequest}}}); err != nil {
		cancel()
		return nil, err
	}
	return func() {
		chromedp.Call(tctx, fetch.Disable, struct{}{}) //nolint:errcheck // the tab may be gone
		cancel()
	}, nil
}

func (g *credentialGuard) continueRequest(tctx context.Context, e *fetch.EventRequestPaused) {
	p := fetch.ContinueRequestParams{RequestID: e.RequestID}
	if e.Request != nil && !evidence.CredentialHost(g.given, e.Request.URL) {
		var removed []string
		for name, v := range e.Request.Headers {
			if g.secrets[strings.ToLower(name)] {
				removed = append(removed, name)
				continue
			}
			p.Headers = append(p.Headers, &fetch.HeaderEntry{Name: name, Value: headerString(v)})
		}
		if len(removed) > 0 {
			sort.Strings(removed)
			sort.Slice(p.Headers, func(i, j int) bool { return p.Headers[i].Name < p.Headers[j].Name })
			g.mu.Lock()
			g.out = append(g.out, Withheld{URL: e.Request.URL, Headers: removed})
			g.mu.Unlock()
		} else {
			p.Headers = nil
		}
	}
	chromedp.Call(tctx, fetch.ContinueRequest, p) //nolint:errcheck // the run fails on its own if the request never continues
}

// filter is the guard for Firefox and WebKit, applied by corsdoctor's
// proxy: h loses the secret headers when url is not on the host the user
// gave them for, and the withheld names are recorded.
func (g *credentialGuard) filter(url string, h http.Header) {
	if g == nil || evidence.CredentialHost(g.given, url) {
		return
	}
	var removed []string
	for name := range h {
		if g.secrets[strings.ToLower(name)] {
			removed = append(removed, name)
			delete(h, name)
		}
	}
	if len(removed) > 0 {
		sort.Strings(removed)
		g.mu.Lock()
		g.out = append(g.out, Withheld{URL: url, Headers: removed})
		g.mu.Unlock()
	}
}

func (g *credentialGuard) withheld() []Withheld {
	if g == nil {
		return nil
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	return append([]Withheld(nil), g.out...)
}

func headerString(v any) string {
	if s, ok := v.(string); ok {
		return s
	}
	return fmt.Sprint(v)
}
