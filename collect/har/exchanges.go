package har

import (
	"net/http"
	"net/url"
	"sort"
	"strings"
	"time"

	"github.com/corsdoctor/corsdoctor/cors"
	"github.com/corsdoctor/corsdoctor/evidence"
)

// Summary counts what Exchanges looked at.
type Summary struct {
	Entries     int // entries in the file
	CrossOrigin int // cross-origin exchanges rebuilt
	SameOrigin  int // skipped: same-origin requests
	NoOrigin    int // skipped: page origin unknown
	Preflights  int // preflight entries
	Unpaired    int // preflights without an actual request (rebuilt alone)
}

// pairWindow is how far apart a preflight and its actual request may be.
const pairWindow = 2 * time.Minute

// OtherOrigin is the page origin used to test whether an exchange that
// passes would also pass for another page (a response cached without
// Vary: Origin).
const OtherOrigin = "https://other-origin.example"

// Exchanges rebuilds each cross-origin exchange of the recording,
// evaluates it with the engine, and adds variant probes: "with-credentials"
// (the same request with credentials: include) and "other-origin" (from
// OtherOrigin) when the exchange passes today but the variant is blocked.
// Sources are file#entry.
func Exchanges(f *File) ([]*evidence.Exchange, Summary) {
	sum := Summary{Entries: f.Total}
	browser := browserName(f.Creator)
	// Index preflights by URL.
	type pf struct {
		e    *Entry
		used bool
	}
	preflights := map[string][]*pf{}
	used := map[*Entry]bool{}
	for _, e := range f.Entries {
		if e.IsPreflight() {
			sum.Preflights++
			preflights[e.URL] = append(preflights[e.URL], &pf{e: e})
		}
	}
	findPreflight := func(actual *Entry, method string) *Entry {
		var best *pf
		var bestD time.Duration
		for _, c := range preflights[actual.URL] {
			if c.used || (c.e.Pageref != actual.Pageref && c.e.Pageref != "" && actual.Pageref != "") {
				continue
			}
			if m := c.e.Header("Access-Control-Request-Method"); m != "" && !strings.EqualFold(m, method) {
				continue
			}
			d := c.e.Started.Sub(actual.Started)
			if d < 0 {
				d = -d
			}
			if !actual.Started.IsZero() && !c.e.Started.IsZero() && d > pairWindow {
				continue
			}
			if best == nil || d < bestD {
				best, bestD = c, d
			}
		}
		if best == nil {
			return nil
		}
		best.used = true
		return best.e
	}
	// Entries by URL, to follow redirects.
	byURL := map[string][]*Entry{}
	for _, e := range f.Entries {
		if !e.IsPreflight() {
			byURL[e.URL] = append(byURL[e.URL], e)
		}
	}
	var out []*evidence.Exchange
	for _, e := range f.Entries {
		if e.IsPreflight() || used[e] {
			continue
		}
		origin := pageOrigin(f, e)
		if origin == "" {
			sum.NoOrigin++
			continue
		}
		if sameOrigin(origin, e.URL) {
			sum.SameOrigin++
			continue
		}
		used[e] = true
		ex := build(f, e, origin, browser, findPreflight)
		// Follow redirects recorded as separate entries.
		cur := e
		for i := 0; i < 20 && cur.Status >= 300 && cur.Status < 400 && cur.RedirectURL != ""; i++ {
			next := resolve(cur.URL, cur.RedirectURL)
			var nx *Entry
			for _, c := range byURL[next] {
				if !used[c] && !c.Started.Before(cur.Started) {
					nx = c
					break
				}
			}
			if nx == nil {
				break
			}
			used[nx] = true
			h := evidence.Hop{URL: nx.URL, Response: response(f, nx)}
			if p := findPreflight(nx, nx.Method); p != nil {
				h.Preflight = response(f, p)
			}
			ex.Hops = append(ex.Hops, h)
			cur = nx
		}
		finish(ex, cur)
		out = append(out, ex)
		sum.CrossOrigin++
	}
	// Preflights whose actual request was never recorded: the preflight
	// alone decides (Firefox does not always record the blocked request).
	var urls []string
	for u := range preflights {
		urls = append(urls, u)
	}
	sort.Strings(urls)
	var alone []*Entry
	for _, u := range urls {
		for _, c := range preflights[u] {
			if !c.used {
				alone = append(alone, c.e)
			}
		}
	}
	sort.Slice(alone, func(i, j int) bool { return alone[i].Index < alone[j].Index })
	for _, p := range alone {
		origin := p.Header("Origin")
		if origin == "" {
			origin = pageOrigin(f, p)
		}
		if origin == "" {
			sum.NoOrigin++
			continue
		}
		sum.Unpaired++
		req := cors.Request{Origin: origin, URL: p.URL, Method: p.Header("Access-Control-Request-Method"), Mode: cors.ModeCORS}
		for _, name := range splitList(p.Header("Access-Control-Request-Headers")) {
			req.Headers = append(req.Headers, cors.Header{Name: name, Value: "1"})
		}
		ex := &evidence.Exchange{
			Request: req,
			Hops:    []evidence.Hop{{URL: p.URL, Preflight: response(f, p)}},
			Source:  evidence.Source{File: f.Name, Entry: p.Index},
			Recorded: &evidence.Recorded{Browser: browser, Entry: p.Index, PreflightEntry: p.Index,
				ResourceType: p.ResourceType, ResponseMissing: true, Error: p.Error},
		}
		ex.Evaluate()
		out = append(out, ex)
		sum.CrossOrigin++
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Source.Entry < out[j].Source.Entry })
	return out, sum
}

// build makes the exchange for an actual request entry.
func build(f *File, e *Entry, origin, browser string, findPreflight func(*Entry, string) *Entry) *evidence.Exchange {
	req := cors.Request{Origin: origin, URL: e.URL, Method: e.Method, Mode: cors.ModeCORS, Credentials: cors.CredentialsSameOrigin}
	if e.ResourceType == "xhr" {
		req.Initiator = cors.InitiatorXHR
	}
	if e.HasBody {
		req.Body = cors.BodySimple
	}
	if e.Header("Cookie") != "" || e.HasCookies {
		// Cookies on a cross-origin request mean credentials: include.
		req.Credentials = cors.CredentialsInclude
	}
	p := findPreflight(e, e.Method)
	req.Headers = authorHeaders(e, p)
	rec := &evidence.Recorded{Browser: browser, Entry: e.Index, ResourceType: e.ResourceType, Error: e.Error,
		ServiceWorker: e.ServiceWorker, FromCache: e.FromCache}
	hop := evidence.Hop{URL: e.URL, Response: response(f, e)}
	if p != nil {
		hop.Preflight = response(f, p)
		rec.PreflightEntry = p.Index
	}
	if hop.Response == nil {
		rec.ResponseMissing = true
	}
	return &evidence.Exchange{Request: req, Hops: []evidence.Hop{hop}, Source: evidence.Source{File: f.Name, Entry: e.Index}, Recorded: rec}
}

// finish evaluates the exchange and adds the variant probes.
func finish(ex *evidence.Exchange, last *Entry) {
	ex.Evaluate()
	r := &ex.Result
	if r.Plan.Required && ex.Preflight() == nil && r.PreflightSent == false {
		ex.Recorded.PreflightMissing = true
	}
	if e := last.Error; e != "" && !isCORSError(e) && !r.Blocked() {
		ex.Err = e
	}
	if !r.Allowed {
		return
	}
	if ex.Request.Credentials != cors.CredentialsInclude {
		v := ex.Request
		v.Credentials = cors.CredentialsInclude
		if pr := variant("with-credentials", v, ex.Hops); !pr.Result.Allowed {
			ex.Probes = append(ex.Probes, pr)
		}
	}
	if ex.Request.Origin != OtherOrigin {
		v := ex.Request
		v.Origin = OtherOrigin
		if pr := variant("other-origin", v, ex.Hops); !pr.Result.Allowed {
			ex.Probes = append(ex.Probes, pr)
		}
	}
}

func variant(purpose string, req cors.Request, hops []evidence.Hop) evidence.Probe {
	return evidence.Probe{Purpose: purpose, Request: req, Hops: hops, Result: cors.Evaluate(&req, evidence.CORSHops(hops)...)}
}

// isCORSError reports whether a recorded error is how Chrome records a
// CORS block (net::ERR_FAILED, or a CORS _blockedReason).
func isCORSError(e string) bool {
	return e == "net::ERR_FAILED" || strings.Contains(strings.ToLower(e), "cors")
}

// browserHeaders are set by the browser, never by the page: they are
// not part of the page's request as the engine sees it.
var browserHeaders = map[string]bool{
	"accept": true, "accept-language": true, "accept-encoding": true, "user-agent": true, "origin": true,
	"referer": true, "cookie": true, "host": true, "connection": true, "content-length": true,
	"priority": true, "pragma": true, "cache-control": true, "upgrade-insecure-requests": true,
	"dnt": true, "te": true, "x-client-data": true, "purpose": true, "keep-alive": true,
	"if-none-match": true, "if-modified-since": true, "access-control-request-method": true,
	"access-control-request-headers": true, "access-control-request-private-network": true,
}

// authorHeaders returns the headers the page set. With a preflight, its
// Access-Control-Request-Headers names the CORS-unsafe ones exactly;
// values come from the actual request when recorded.
func authorHeaders(e, preflight *Entry) []cors.Header {
	var out []cors.Header
	seen := map[string]bool{}
	if preflight != nil {
		for _, name := range splitList(preflight.Header("Access-Control-Request-Headers")) {
			v := e.Header(name)
			if v == "" {
				v = "1"
			}
			out = append(out, cors.Header{Name: name, Value: v})
			seen[strings.ToLower(name)] = true
		}
	}
	for _, h := range e.ReqHeaders {
		n := strings.ToLower(h.Name)
		if seen[n] || browserHeaders[n] || strings.HasPrefix(n, "sec-") || strings.HasPrefix(n, "proxy-") {
			continue
		}
		if preflight != nil && n != "content-type" && n != "content-language" && n != "range" {
			// With a preflight recorded, anything else unsafe would have been listed.
			continue
		}
		seen[n] = true
		out = append(out, cors.Header{Name: h.Name, Value: h.Value})
	}
	return out
}

func splitList(v string) []string {
	var out []string
	for _, p := range strings.Split(v, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// response converts a recorded response; nil when nothing was recorded
// (status 0).
func response(f *File, e *Entry) *evidence.Response {
	if e.Status == 0 {
		return nil
	}
	h := http.Header{}
	for _, x := range e.RespHeaders {
		h.Add(http.CanonicalHeaderKey(x.Name), x.Value)
	}
	proto := strings.ToUpper(e.HTTPVersion)
	if proto == "HTTP/2.0" || proto == "H2" {
		proto = "HTTP/2"
	}
	return &evidence.Response{URL: e.URL, Proto: proto, Status: e.Status, StatusText: e.StatusText, Header: h,
		Source: evidence.Source{File: f.Name, Entry: e.Index}}
}

// pageOrigin is the origin of the page that made the request: the
// Origin header, else the Referer's origin, else the page's document.
func pageOrigin(f *File, e *Entry) string {
	if o := e.Header("Origin"); o != "" {
		if o == "null" {
			return cors.Null
		}
		if po, err := cors.ParseOrigin(o); err == nil {
			return po
		}
	}
	if r := e.Header("Referer"); r != "" {
		if o := originOf(r); o != "" {
			return o
		}
	}
	if u := f.PageURL[e.Pageref]; u != "" {
		return originOf(u)
	}
	for _, p := range f.Pages {
		if p.ID == e.Pageref {
			return originOf(p.Title)
		}
	}
	return ""
}

func originOf(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.Scheme == "" || u.Host == "" {
		return ""
	}
	o, err := cors.ParseOrigin(u.Scheme + "://" + u.Host)
	if err != nil {
		return ""
	}
	return o
}

func sameOrigin(origin, rawURL string) bool {
	return origin != cors.Null && originOf(rawURL) == origin
}

func resolve(base, ref string) string {
	b, err := url.Parse(base)
	if err != nil {
		return ref
	}
	r, err := url.Parse(ref)
	if err != nil {
		return ref
	}
	return b.ResolveReference(r).String()
}

// browserName extracts the browser from the creator: Chrome and Edge
// both write "WebInspector"; Firefox writes "Firefox".
func browserName(creator string) string {
	switch {
	case strings.HasPrefix(creator, "Firefox"):
		return "Firefox"
	case strings.HasPrefix(creator, "WebInspector"):
		return "Chromium"
	}
	return creator
}
