package browser

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"net/http"
	"net/url"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/runtime"
)

// HAR returns the network traffic of the observations as a HAR 1.2
// document shaped like the one Chrome DevTools exports (Network tab,
// "Export HAR"), indented as DevTools writes it: creator "WebInspector",
// one page per page URL, and one entry per request and per redirect hop,
// in the order Chromium issued them. It is built from the DevTools
// Network events each run recorded:
//
//   - requestWillBeSent gives the request, its _resourceType ("fetch",
//     "xhr", "preflight"), _initiator and _priority. A CORS preflight is
//     an entry of its own, _resourceType "preflight", with _initiator
//     {"type": "preflight", "url": <the actual request's URL>}, usually
//     after the entry of the request that caused it, as in DevTools.
//   - requestWillBeSentExtraInfo gives the request headers as sent
//     (Origin, Cookie, Host included) and the cookies.
//   - responseReceivedExtraInfo gives the raw response: status and header
//     lines in wire order, also for a response that CORS blocked (no
//     responseReceived then), as DevTools shows it since Chrome 92.
//   - responseReceived gives the MIME type, protocol, server address,
//     connection and timings; loadingFinished the transfer size.
//   - loadingFailed gives response._error (errorText, "net::ERR_FAILED"
//     for a CORS failure). A request that never got a response (its
//     preflight failed) has status 0 and no headers.
//
// Like DevTools, the export holds no corsErrorStatus: users' HARs do not
// either, so corsdoctor har must work without it. Response bodies are not
// recorded (content has size and mimeType only). Only the events of the
// runs are there: the navigation that loaded the blank page is not.
func HAR(obs ...*Observation) ([]byte, error) {
	doc := harDoc{Log: harLog{Version: "1.2", Creator: harCreator{Name: "WebInspector", Version: "n/a"},
		Pages: []harPage{}, Entries: []harEntry{}}}
	pageID := map[string]string{}
	for _, o := range obs {
		if o == nil {
			continue
		}
		page := o.page
		if page == "" {
			page = o.Request.Origin + PagePath
		}
		hops := harHops(o.events)
		if len(hops) == 0 {
			continue
		}
		id, ok := pageID[page]
		if !ok {
			id = "page_" + strconv.Itoa(len(pageID)+1)
			pageID[page] = id
			doc.Log.Pages = append(doc.Log.Pages, harPage{StartedDateTime: wallTime(hops[0].ev.WallTime.Float64()),
				ID: id, Title: page, PageTimings: harPageTimings{OnContentLoad: -1, OnLoad: -1}})
		}
		for _, h := range hops {
			doc.Log.Entries = append(doc.Log.Entries, h.entry(id))
		}
	}
	for _, e := range doc.Log.Entries {
		for _, h := range e.Request.Headers {
			if strings.EqualFold(h.Name, "User-Agent") {
				if m := webKitVersion.FindStringSubmatch(h.Value); m != nil {
					doc.Log.Creator.Version = m[1]
				}
			}
		}
		if doc.Log.Creator.Version != "n/a" {
			break
		}
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(doc); err != nil {
		return nil, fmt.Errorf("har: %w", err)
	}
	return b.Bytes(), nil
}

// WriteHAR writes HAR(obs...) to w.
func WriteHAR(w io.Writer, obs ...*Observation) error {
	b, err := HAR(obs...)
	if err != nil {
		return err
	}
	_, err = w.Write(b)
	return err
}

var webKitVersion = regexp.MustCompile(`AppleWebKit/([^ ]+)`)

// The HAR document, fields in DevTools' order (front_end/models/har/Log.ts).
type harDoc struct {
	Log harLog `json:"log"`
}

type harLog struct {
	Version string     `json:"version"`
	Creator harCreator `json:"creator"`
	Pages   []harPage  `json:"pages"`
	Entries []harEntry `json:"entries"`
}

type harCreator struct {
	Name    string `json:"name"`
	Version string `json:"version"`
}

type harPage struct {
	StartedDateTime string         `json:"startedDateTime"`
	ID              string         `json:"id"`
	Title           string         `json:"title"`
	PageTimings     harPageTimings `json:"pageTimings"`
}

type harPageTimings struct {
	OnContentLoad float64 `json:"onContentLoad"`
	OnLoad        float64 `json:"onLoad"`
}

type harEntry struct {
	FromCache       string        `json:"_fromCache,omitempty"`
	Initiator       *harInitiator `json:"_initiator"`
	Priority        string        `json:"_priority"`
	ResourceType    string        `json:"_resourceType"`
	Cache           struct{}      `json:"cache"`
	Connection      string        `json:"connection,omitempty"`
	Pageref         string        `json:"pageref"`
	Request         harRequest    `json:"request"`
	Response        harResponse   `json:"response"`
	ServerIPAddress string        `json:"serverIPAddress"`
	StartedDateTime string        `json:"startedDateTime"`
	Time            float64       `json:"time"`
	Timings         harTimings    `json:"timings"`
}

type harInitiator struct {
	Type       string              `json:"type"`
	URL        string              `json:"url,omitempty"`
	LineNumber float64             `json:"lineNumber,omitempty"`
	Stack      *runtime.StackTrace `json:"stack,omitempty"`
}

type harNV struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

type harCookie struct {
	Name     string  `json:"name"`
	Value    string  `json:"value"`
	Path     string  `json:"path"`
	Domain   string  `json:"domain"`
	Expires  *string `json:"expires"`
	HTTPOnly bool    `json:"httpOnly"`
	Secure   bool    `json:"secure"`
	SameSite string  `json:"sameSite,omitempty"`
}

type harPostData struct {
	MimeType string `json:"mimeType"`
	Text     string `json:"text"`
}

type harRequest struct {
	Method      string       `json:"method"`
	URL         string       `json:"url"`
	HTTPVersion string       `json:"httpVersion"`
	Headers     []harNV      `json:"headers"`
	QueryString []harNV      `json:"queryString"`
	Cookies     []harCookie  `json:"cookies"`
	HeadersSize int          `json:"headersSize"`
	BodySize    int          `json:"bodySize"`
	PostData    *harPostData `json:"postData,omitempty"`
}

type harContent struct {
	Size     float64 `json:"size"`
	MimeType string  `json:"mimeType"`
}

type harResponse struct {
	Status       int64       `json:"status"`
	StatusText   string      `json:"statusText"`
	HTTPVersion  string      `json:"httpVersion"`
	Headers      []harNV     `json:"headers"`
	Cookies      []harCookie `json:"cookies"`
	Content      harContent  `json:"content"`
	RedirectURL  string      `json:"redirectURL"`
	HeadersSize  int         `json:"headersSize"`
	BodySize     float64     `json:"bodySize"`
	TransferSize float64     `json:"_transferSize"`
	Error        *string     `json:"_error"`
	ViaSW        bool        `json:"_fetchedViaServiceWorker"`
	SWSource     string      `json:"_serviceWorkerResponseSource,omitempty"`
}

type harTimings struct {
	Blocked         float64  `json:"blocked"`
	DNS             float64  `json:"dns"`
	SSL             float64  `json:"ssl"`
	Connect         float64  `json:"connect"`
	Send            float64  `json:"send"`
	Wait            float64  `json:"wait"`
	Receive         float64  `json:"receive"`
	BlockedQueueing float64  `json:"_blocked_queueing"`
	BlockedProxy    *float64 `json:"_blocked_proxy,omitempty"`
}

// harHop is one request of the network log: one URL of one DevTools
// request id (a redirect starts a new hop under the same id).
type harHop struct {
	ev       *network.EventRequestWillBeSent
	sent     *network.EventRequestWillBeSentExtraInfo
	extra    *network.EventResponseReceivedExtraInfo
	resp     *network.Response
	respAt   float64 // monotonic seconds; 0 without responseReceived
	endAt    float64
	finished *network.EventLoadingFinished
	failed   *network.EventLoadingFailed
	// typ is the latest resource type the events gave: DevTools updates
	// it on responseReceived and loadingFailed (a preflight is announced
	// as Other and answered as Preflight).
	typ network.ResourceType
}

// harHops groups the events by request and hop, in the order the
// requests were issued. Events of requests issued before the run are
// ignored.
func harHops(events []any) []*harHop {
	var order []*harHop
	byID := map[network.RequestID][]*harHop{}
	sent := map[network.RequestID][]*network.EventRequestWillBeSentExtraInfo{}
	extra := map[network.RequestID][]*network.EventResponseReceivedExtraInfo{}
	last := func(id network.RequestID) *harHop {
		if hs := byID[id]; len(hs) > 0 {
			return hs[len(hs)-1]
		}
		return nil
	}
	for _, ev := range events {
		switch e := ev.(type) {
		case *network.EventRequestWillBeSent:
			if e.Request == nil {
				continue
			}
			if p := last(e.RequestID); p != nil && e.RedirectResponse != nil {
				p.resp, p.respAt, p.endAt = e.RedirectResponse, e.Timestamp.Float64(), e.Timestamp.Float64()
			}
			h := &harHop{ev: e, typ: e.Type}
			byID[e.RequestID] = append(byID[e.RequestID], h)
			order = append(order, h)
		case *network.EventRequestWillBeSentExtraInfo:
			sent[e.RequestID] = append(sent[e.RequestID], e)
		case *network.EventResponseReceivedExtraInfo:
			extra[e.RequestID] = append(extra[e.RequestID], e)
		case *network.EventResponseReceived:
			if h := last(e.RequestID); h != nil {
				h.resp, h.respAt = e.Response, e.Timestamp.Float64()
				if e.Type != "" {
					h.typ = e.Type
				}
			}
		case *network.EventLoadingFinished:
			if h := last(e.RequestID); h != nil {
				h.finished, h.endAt = e, e.Timestamp.Float64()
			}
		case *network.EventLoadingFailed:
			if h := last(e.RequestID); h != nil {
				h.failed, h.endAt = e, e.Timestamp.Float64()
				if e.Type != "" {
					h.typ = e.Type
				}
			}
		}
	}
	// The extra-info events come from the network service, one per hop
	// that went to the network, in hop order.
	for id, hs := range byID {
		for i, s := range sent[id] {
			if i < len(hs) {
				hs[i].sent = s
			}
		}
		for i, x := range extra[id] {
			if i < len(hs) {
				hs[i].extra = x
			}
		}
	}
	return order
}

// resourceTypeName is DevTools' name of a resource type
// (front_end/core/common/ResourceType.ts).
func resourceTypeName(t network.ResourceType) string {
	switch t {
	case network.ResourceTypeSignedExchange:
		return "signed-exchange"
	case network.ResourceTypeCSPViolationReport:
		return "csp-violation-report"
	case "":
		return "other"
	}
	return strings.ToLower(string(t))
}

// wallTime formats seconds since the epoch as JavaScript's
// Date.toJSON does (milliseconds, UTC).
func wallTime(sec float64) string {
	return time.UnixMilli(int64(math.Round(max(sec, 0) * 1000))).UTC().Format("2006-01-02T15:04:05.000Z")
}

func (h *harHop) entry(page string) harEntry {
	e := h.ev
	e2 := harEntry{Priority: string(e.Request.InitialPriority), ResourceType: resourceTypeName(h.typ), Pageref: page,
		StartedDateTime: wallTime(e.WallTime.Float64())}
	if in := e.Initiator; in != nil {
		e2.Initiator = &harInitiator{Type: string(in.Type), URL: in.URL, LineNumber: in.LineNumber, Stack: in.Stack}
	}
	e2.Request = h.request()
	e2.Response = h.response()
	if r := h.resp; r != nil {
		e2.ServerIPAddress = strings.Trim(r.RemoteIPAddress, "[]")
		if r.ConnectionID != 0 {
			e2.Connection = strconv.FormatInt(int64(r.ConnectionID), 10)
		}
		if r.FromDiskCache {
			e2.FromCache = "disk"
		}
	}
	e2.Timings = h.timings()
	for _, t := range []float64{e2.Timings.Blocked, e2.Timings.DNS, e2.Timings.Connect, e2.Timings.Send, e2.Timings.Wait, e2.Timings.Receive} {
		e2.Time += max(t, 0)
	}
	return e2
}

func (h *harHop) request() harRequest {
	r := h.ev.Request
	u := r.URL
	if i := strings.IndexByte(u, '#'); i >= 0 {
		u = u[:i]
	}
	hdr := r.Headers
	if h.sent != nil && len(h.sent.Headers) > 0 {
		hdr = h.sent.Headers
	}
	out := harRequest{Method: r.Method, URL: u, HTTPVersion: h.httpVersion(), Headers: headerPairs(hdr),
		QueryString: queryPairs(u), Cookies: []harCookie{}, HeadersSize: -1}
	if h.sent != nil {
		for _, ac := range h.sent.AssociatedCookies {
			if ac == nil || ac.Cookie == nil || len(ac.BlockedReasons) > 0 {
				continue
			}
			c := ac.Cookie
			hc := harCookie{Name: c.Name, Value: c.Value, Path: c.Path, Domain: c.Domain, HTTPOnly: c.HTTPOnly, Secure: c.Secure, SameSite: string(c.SameSite)}
			if !c.Session && c.Expires > 0 {
				s := wallTime(c.Expires)
				hc.Expires = &s
			}
			out.Cookies = append(out.Cookies, hc)
		}
	}
	if r.HasPostData {
		var body strings.Builder
		for _, p := range r.PostDataEntries {
			if p != nil {
				body.Write(p.Bytes)
			}
		}
		out.BodySize = body.Len()
		ct := ""
		for _, nv := range out.Headers {
			if strings.EqualFold(nv.Name, "Content-Type") {
				ct = nv.Value
			}
		}
		out.PostData = &harPostData{MimeType: ct, Text: body.String()}
	}
	return out
}

// httpVersion is DevTools' responseHttpVersion: from the raw status
// line when there is one, else from the protocol.
func (h *harHop) httpVersion() string {
	if h.extra != nil && h.extra.HeadersText != "" {
		first, _, _ := strings.Cut(h.extra.HeadersText, "\r\n")
		if m := httpVersionRE.FindString(first); m != "" {
			return m
		}
		return "HTTP/0.9"
	}
	if h.resp == nil {
		return ""
	}
	switch p := strings.ToUpper(h.resp.Protocol); p {
	case "H2":
		return "HTTP/2.0"
	case "H3":
		return "HTTP/3.0"
	default:
		return p
	}
}

var httpVersionRE = regexp.MustCompile(`HTTP/\d+\.\d+`)

func (h *harHop) response() harResponse {
	out := harResponse{HTTPVersion: h.httpVersion(), Headers: []harNV{}, Cookies: []harCookie{}, HeadersSize: -1, BodySize: -1,
		Content: harContent{MimeType: "x-unknown"}}
	if r := h.resp; r != nil {
		out.Status, out.StatusText = r.Status, r.StatusText
		out.Headers = headerPairs(r.Headers)
		if r.MimeType != "" {
			out.Content.MimeType = r.MimeType
		}
		out.ViaSW = r.FromServiceWorker
		out.SWSource = string(r.ServiceWorkerResponseSource)
	}
	if x := h.extra; x != nil {
		if x.StatusCode != 0 {
			out.Status = x.StatusCode
		}
		if x.HeadersText != "" {
			out.Headers = rawHeaderPairs(x.HeadersText)
			out.HeadersSize = len(x.HeadersText)
			if out.StatusText == "" {
				first, _, _ := strings.Cut(x.HeadersText, "\r")
				if parts := strings.SplitN(first, " ", 3); len(parts) == 3 {
					out.StatusText = parts[2]
				}
			}
		} else if len(x.Headers) > 0 {
			out.Headers = headerPairs(x.Headers)
		}
	}
	if f := h.finished; f != nil {
		out.TransferSize = f.EncodedDataLength
		out.Content.Size = f.EncodedBodyLength
		if out.HeadersSize >= 0 && f.EncodedDataLength > 0 {
			out.BodySize = f.EncodedDataLength - float64(out.HeadersSize)
		}
	}
	if out.Status == 304 {
		out.BodySize = 0
	}
	for _, nv := range out.Headers {
		switch strings.ToLower(nv.Name) {
		case "location":
			out.RedirectURL = nv.Value
		case "set-cookie":
			if c, err := http.ParseSetCookie(nv.Value); err == nil {
				hc := harCookie{Name: c.Name, Value: c.Value, Path: c.Path, Domain: c.Domain, HTTPOnly: c.HttpOnly, Secure: c.Secure}
				if !c.Expires.IsZero() {
					s := c.Expires.UTC().Format("2006-01-02T15:04:05.000Z")
					hc.Expires = &s
				}
				out.Cookies = append(out.Cookies, hc)
			}
		}
	}
	if f := h.failed; f != nil {
		s := f.ErrorText
		out.Error = &s
	}
	return out
}

// timings follows DevTools' Entry.buildTimings: everything before the
// request was sent is "blocked"; a request that got no responseReceived
// (blocked by CORS, failed) is blocked for its whole duration.
func (h *harHop) timings() harTimings {
	issue := h.ev.Timestamp.Float64()
	t := harTimings{Blocked: -1, DNS: -1, SSL: -1, Connect: -1, BlockedQueueing: -1}
	end := h.endAt
	if end == 0 {
		end = max(h.respAt, issue)
	}
	var rt *network.ResourceTiming
	if h.resp != nil {
		rt = h.resp.Timing
	}
	if rt == nil && h.respAt == 0 {
		t.Blocked = (end - issue) * 1000
		return t
	}
	highest := 0.0
	requestTime := issue
	if rt != nil {
		requestTime = rt.RequestTime
		// DevTools' startTime is the timing's requestTime: the time
		// queued before it is blocked time too.
		if q := (rt.RequestTime - issue) * 1000; q > 0 {
			t.Blocked, t.BlockedQueueing = q, q
		}
		blockedStart := math.Inf(1)
		for _, v := range []float64{rt.DNSStart, rt.ConnectStart, rt.SendStart} {
			if v >= 0 && v < blockedStart {
				blockedStart = v
			}
		}
		if !math.IsInf(blockedStart, 1) {
			t.Blocked += blockedStart
		}
		if rt.ProxyEnd != -1 {
			p := rt.ProxyEnd - rt.ProxyStart
			t.BlockedProxy = &p
			if p > t.Blocked {
				t.Blocked = p
			}
		}
		dnsStart, dnsEnd := 0.0, -1.0
		if rt.DNSEnd >= 0 {
			dnsStart, dnsEnd = blockedStart, rt.DNSEnd
		}
		t.DNS = dnsEnd - dnsStart
		sslStart, sslEnd := 0.0, -1.0
		if rt.SslEnd > 0 {
			sslStart, sslEnd = rt.SslStart, rt.SslEnd
		}
		t.SSL = sslEnd - sslStart
		connectStart, connectEnd := 0.0, -1.0
		if rt.ConnectEnd >= 0 {
			connectStart = blockedStart
			if dnsEnd >= 0 && dnsEnd < connectStart {
				connectStart = dnsEnd
			}
			connectEnd = rt.ConnectEnd
		}
		t.Connect = connectEnd - connectStart
		sendStart, sendEnd := 0.0, 0.0
		if rt.SendEnd >= 0 {
			sendStart, sendEnd = max(connectEnd, dnsEnd, blockedStart), rt.SendEnd
		}
		t.Send = max(sendEnd-sendStart, 0)
		highest = max(sendEnd, connectEnd, sslEnd, dnsEnd, blockedStart, 0)
		if math.IsInf(highest, 1) {
			highest = max(sendEnd, connectEnd, sslEnd, dnsEnd, 0)
		}
	}
	waitEnd := (h.respAt - requestTime) * 1000
	t.Wait = waitEnd - highest
	t.Receive = max((end-requestTime)*1000-waitEnd, 0)
	return t
}

// headerPairs lists DevTools headers sorted by name; repeated headers
// arrive joined by "\n".
func headerPairs(h network.Headers) []harNV {
	out := []harNV{}
	for k, v := range h {
		s, ok := v.(string)
		if !ok {
			s = fmt.Sprint(v)
		}
		for _, line := range strings.Split(s, "\n") {
			out = append(out, harNV{Name: k, Value: line})
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		a, b := strings.ToLower(out[i].Name), strings.ToLower(out[j].Name)
		if a != b {
			return a < b
		}
		return out[i].Value < out[j].Value
	})
	return out
}

// rawHeaderPairs lists the header lines of a raw HTTP/1.x response head
// in wire order.
func rawHeaderPairs(raw string) []harNV {
	out := []harNV{}
	lines := strings.Split(strings.ReplaceAll(raw, "\r\n", "\n"), "\n")
	for _, line := range lines[1:] {
		if line == "" {
			break
		}
		name, value, ok := strings.Cut(line, ":")
		if !ok || strings.TrimSpace(name) == "" {
			continue
		}
		out = append(out, harNV{Name: strings.TrimRight(name, " \t"), Value: strings.Trim(value, " \t")})
	}
	return out
}

// queryPairs lists the query parameters of u in order, decoded.
func queryPairs(u string) []harNV {
	out := []harNV{}
	_, q, ok := strings.Cut(u, "?")
	if !ok || q == "" {
		return out
	}
	for _, kv := range strings.Split(q, "&") {
		if kv == "" {
			continue
		}
		k, v, _ := strings.Cut(kv, "=")
		if dk, err := url.QueryUnescape(k); err == nil {
			k = dk
		}
		if dv, err := url.QueryUnescape(v); err == nil {
			v = dv
		}
		out = append(out, harNV{Name: k, Value: v})
	}
	return out
}
