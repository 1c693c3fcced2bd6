package browser

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
	"github.com/google/go-cmp/cmp"

	"github.com/corsdoctor/corsdoctor/collect/har"
	"github.com/corsdoctor/corsdoctor/cors"
	"github.com/corsdoctor/corsdoctor/internal/golden"
)

// harFixture is the real Chromium export kept for collect/har's tests,
// rewritten by `go test ./collect/browser -run TestHARExport -update`.
const harFixture = "../har/testdata/chromium.har"

// harPort replaces the API server's loopback port in the fixture.
const harPort = 8080

// harAPI plays an API that a page at appOrigin calls: /har/ok answers
// with its origin, /har/put has a preflight without
// Access-Control-Allow-Origin, /har/cred answers "*" to a request with
// cookies.
func harAPI() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("/har/ok", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Access-Control-Allow-Origin", r.Header.Get("Origin"))
		w.Header().Set("Vary", "Origin")
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte(`{"ok":true}`))
	})
	mux.HandleFunc("/har/put", func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodOptions {
			// The gateway answers OPTIONS but forgot the origin.
			w.Header().Set("Access-Control-Allow-Methods", "GET, PUT")
			w.Header().Set("Access-Control-Allow-Headers", "content-type")
			w.WriteHeader(http.StatusNoContent)
			return
		}
		w.Header().Set("Access-Control-Allow-Origin", r.Header.Get("Origin"))
		w.Write([]byte(`{"saved":true}`))
	})
	mux.HandleFunc("/har/cred", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Access-Control-Allow-Origin", "*")
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte(`{"user":"ada"}`))
	})
	return mux
}

type harScenario struct {
	desc    string
	req     Request
	allowed bool
	corsErr string
}

func harScenarios(base string) []harScenario {
	return []harScenario{
		{desc: "simple GET allowed", req: Request{Origin: appOrigin, URL: base + "/har/ok"}, allowed: true},
		{desc: "preflight without ACAO", req: Request{Origin: appOrigin, URL: base + "/har/put", Method: "PUT",
			Headers: []cors.Header{{Name: "Content-Type", Value: "application/json"}}, Body: `{"name":"ada"}`, HasBody: true},
			corsErr: string(cors.PreflightMissingAllowOriginHeader)},
		{desc: "credentials with ACAO *", req: Request{Origin: appOrigin, URL: base + "/har/cred", Credentials: cors.CredentialsInclude},
			corsErr: string(cors.WildcardOriginNotAllowed)},
	}
}

// recordHAR runs the scenarios one after the other and exports the HAR.
func recordHAR(t *testing.T, b *Browser, scs []harScenario) ([]*Observation, []byte) {
	t.Helper()
	var obs []*Observation
	for _, sc := range scs {
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		o, err := b.Run(ctx, sc.req)
		cancel()
		if err != nil {
			t.Fatalf("%s: %v", sc.desc, err)
		}
		obs = append(obs, o)
	}
	doc, err := HAR(obs...)
	if err != nil {
		t.Fatal(err)
	}
	return obs, doc
}

// TestHARExport runs real fetch() calls in Chromium, exports the HAR and
// checks that corsdoctor's HAR reader reaches Chromium's verdicts and
// CorsError names from it, and that the export is reproducible.
func TestHARExport(t *testing.T) {
	b := chromiumOrSkip(t)
	api := httptest.NewServer(harAPI())
	defer api.Close()
	port := api.Listener.Addr().(*net.TCPAddr).Port
	base := fmt.Sprintf("http://%s:%d", apiHost, port)
	// The page's cookie for the API (Path=/har keeps it away from the
	// other tests' requests): a credentialed request carries it, which is
	// how the HAR shows credentials.
	ctx, cancel := context.WithTimeout(b.root, 10*time.Second)
	_, err := chromedp.Call(ctx, network.SetCookie, network.SetCookieParams{Name: "sid", Value: "s3ss10n", URL: base + "/har/", Path: "/har"})
	cancel()
	if err != nil {
		t.Fatalf("set cookie: %v", err)
	}
	scs := harScenarios(base)
	obs, doc := recordHAR(t, b, scs)

	if !json.Valid(doc) {
		t.Fatalf("export is not JSON:\n%s", doc)
	}
	f, err := har.Read(bytes.NewReader(doc), "chromium.har")
	if err != nil {
		t.Fatalf("collect/har cannot read the export: %v\n%s", err, doc)
	}
	if !strings.HasPrefix(f.Creator, "WebInspector ") || f.Version != "1.2" || f.Truncated != nil {
		t.Errorf("creator %q version %q truncated %v", f.Creator, f.Version, f.Truncated)
	}
	exs, sum := har.Exchanges(f)
	if sum.Preflights != 1 || sum.Unpaired != 0 {
		t.Errorf("summary %+v, want 1 preflight, paired", sum)
	}
	for i, sc := range scs {
		o := obs[i]
		t.Run(sc.desc, func(t *testing.T) {
			// What Chromium did is what the scenario is about.
			if o.Allowed != sc.allowed || o.CorsError != sc.corsErr {
				t.Fatalf("chromium: allowed %v, CorsError %q; the scenario expects %v, %q", o.Allowed, o.CorsError, sc.allowed, sc.corsErr)
			}
			var found bool
			for _, ex := range exs {
				if ex.Request.URL != sc.req.URL {
					continue
				}
				found = true
				if ex.Result.Allowed != o.Allowed || string(ex.Result.Error) != o.CorsError {
					t.Errorf("har: allowed %v, error %q (%s); chromium: allowed %v, CorsError %q",
						ex.Result.Allowed, ex.Result.Error, ex.Result.Incomplete, o.Allowed, o.CorsError)
				}
				if ex.Request.Origin != appOrigin {
					t.Errorf("har: origin %q", ex.Request.Origin)
				}
				if o.PreflightSent != (ex.Recorded.PreflightEntry != 0) {
					t.Errorf("chromium sent a preflight: %v; har paired one: entry %d", o.PreflightSent, ex.Recorded.PreflightEntry)
				}
				if want := sc.req.Credentials == cors.CredentialsInclude; want != (ex.Request.Credentials == cors.CredentialsInclude) {
					t.Errorf("har: credentials %q", ex.Request.Credentials)
				}
			}
			if !found {
				t.Fatalf("no exchange for %s in:\n%s", sc.req.URL, doc)
			}
		})
	}
	// The entries look like DevTools': a preflight entry of its own
	// (after the request it precedes once normalised); blocked requests
	// carry _error; the request blocked by its preflight never got a
	// response.
	n1 := normaliseHAR(t, doc, port)
	f2, err := har.Read(bytes.NewReader(n1), "chromium.har")
	if err != nil {
		t.Fatal(err)
	}
	var kinds []string
	for _, e := range f2.Entries {
		k := fmt.Sprintf("%s %s %s %d %s", e.ResourceType, e.Method, e.URL[strings.LastIndexByte(e.URL, '/'):], e.Status, e.Error)
		if e.IsPreflight() && e.InitiatorType != "preflight" {
			k += " (initiator " + e.InitiatorType + ")"
		}
		kinds = append(kinds, strings.TrimSpace(k))
	}
	want := []string{
		"fetch GET /ok 200",
		"fetch PUT /put 0 net::ERR_FAILED",
		"preflight OPTIONS /put 204",
		"fetch GET /cred 200 net::ERR_FAILED",
	}
	if strings.Join(kinds, "\n") != strings.Join(want, "\n") {
		t.Errorf("entries:\n%s\nwant:\n%s", strings.Join(kinds, "\n"), strings.Join(want, "\n"))
	}

	// Reproducible: a second recording normalises to the same bytes.
	_, doc2 := recordHAR(t, b, scs)
	n2 := normaliseHAR(t, doc2, port)
	if !bytes.Equal(n1, n2) {
		t.Errorf("two recordings differ after normalisation (-first +second):\n%s", cmp.Diff(string(n1), string(n2)))
	}
	if golden.Update() {
		if err := os.WriteFile(harFixture, n1, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

var dateValue = regexp.MustCompile(`^[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} GMT$`)

// normaliseHAR makes an export deterministic: the API port becomes
// harPort, the favicon request is dropped, a preflight follows its
// request, times start at a fixed instant, timings are 1 ms (or -1 when
// not applicable; dns, ssl, connect and queueing always, as on a reused
// connection), Date headers, connection and script ids are fixed.
func normaliseHAR(t *testing.T, doc []byte, port int) []byte {
	t.Helper()
	doc = bytes.ReplaceAll(doc, []byte(":"+strconv.Itoa(port)), []byte(":"+strconv.Itoa(harPort)))
	var d harDoc
	if err := json.Unmarshal(doc, &d); err != nil {
		t.Fatalf("re-read the export: %v", err)
	}
	// The page's favicon request may land in a run or not.
	kept := d.Log.Entries[:0]
	for _, e := range d.Log.Entries {
		if !strings.HasSuffix(e.Request.URL, "/favicon.ico") {
			kept = append(kept, e)
		}
	}
	d.Log.Entries = kept
	// Chromium announces a preflight and the request that caused it from
	// two processes, in either order (DevTools lists them as they come):
	// the fixture puts the request first.
	for i := 0; i+1 < len(d.Log.Entries); i++ {
		a, b := &d.Log.Entries[i], &d.Log.Entries[i+1]
		if a.ResourceType == "preflight" && b.ResourceType != "preflight" && a.Request.URL == b.Request.URL {
			*a, *b = *b, *a
			i++
		}
	}
	start := time.Date(2026, 11, 22, 1, 0, 0, 0, time.UTC)
	for i := range d.Log.Pages {
		d.Log.Pages[i].StartedDateTime = start.Format("2006-01-02T15:04:05.000Z")
	}
	conns, scripts := map[string]string{}, map[cdp.ScriptID]cdp.ScriptID{}
	one := func(v float64) float64 {
		if v < 0 {
			return -1
		}
		return 1
	}
	for i := range d.Log.Entries {
		e := &d.Log.Entries[i]
		e.StartedDateTime = start.Add(time.Duration(i+1) * 10 * time.Millisecond).Format("2006-01-02T15:04:05.000Z")
		tm := &e.Timings
		// A reused connection has no dns, ssl and connect times; a
		// request without a response was blocked all along.
		noResponse := tm.Send == 0 && tm.Wait == 0 && tm.Receive == 0
		tm.Blocked, tm.DNS, tm.SSL, tm.Connect = 1, -1, -1, -1
		tm.Send, tm.Wait, tm.Receive, tm.BlockedQueueing = one(tm.Send), one(tm.Wait), one(tm.Receive), -1
		if noResponse {
			tm.Send, tm.Wait, tm.Receive = 0, 0, 0
		}
		if tm.BlockedProxy != nil {
			v := one(*tm.BlockedProxy)
			tm.BlockedProxy = &v
		}
		e.Time = 0
		for _, v := range []float64{tm.Blocked, tm.DNS, tm.Connect, tm.Send, tm.Wait, tm.Receive} {
			e.Time += max(v, 0)
		}
		if e.Connection != "" {
			if _, ok := conns[e.Connection]; !ok {
				conns[e.Connection] = strconv.Itoa(len(conns) + 1)
			}
			e.Connection = conns[e.Connection]
		}
		for _, hs := range [][]harNV{e.Request.Headers, e.Response.Headers} {
			for j := range hs {
				if strings.EqualFold(hs[j].Name, "Date") && dateValue.MatchString(hs[j].Value) {
					hs[j].Value = "Sun, 22 Nov 2026 01:00:00 GMT"
				}
			}
		}
		if e.Initiator != nil {
			for st := e.Initiator.Stack; st != nil; st = st.Parent {
				for _, cf := range st.CallFrames {
					if _, ok := scripts[cf.ScriptID]; !ok {
						scripts[cf.ScriptID] = cdp.ScriptID(strconv.Itoa(len(scripts) + 1))
					}
					cf.ScriptID = scripts[cf.ScriptID]
				}
			}
		}
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(d); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// harEvents is a recording without Chromium: a GET redirected once, then
// a PUT whose preflight failed, events in the order Chromium sends them.
func harEvents(loc, raw2 string) []any {
	ts := func(s float64) cdp.MonotonicTime { return cdp.MonotonicTime(s) }
	wall := cdp.TimeSinceEpoch(1795222800)
	script := &network.Initiator{Type: network.InitiatorTypeScript}
	get := &network.Request{URL: "http://api.example.test/a?x=1&y=%20z#frag", Method: "GET", InitialPriority: network.ResourcePriorityHigh,
		Headers: network.Headers{"Accept": "*/*"}}
	get2 := &network.Request{URL: "http://api.example.test/b", Method: "GET", InitialPriority: network.ResourcePriorityHigh}
	put := &network.Request{URL: "http://api.example.test/p", Method: "PUT", HasPostData: true, InitialPriority: network.ResourcePriorityHigh,
		Headers:         network.Headers{"Content-Type": "application/json", "Referer": appOrigin + "/"},
		PostDataEntries: []*network.PostDataEntry{{Bytes: []byte(`{"a":`)}, {Bytes: []byte(`1}`)}}}
	opts := &network.Request{URL: "http://api.example.test/p", Method: "OPTIONS", InitialPriority: network.ResourcePriorityHigh}
	return []any{
		&network.EventRequestWillBeSent{RequestID: "1", Request: get, Timestamp: ts(10), WallTime: wall, Initiator: script, Type: network.ResourceTypeFetch},
		&network.EventRequestWillBeSentExtraInfo{RequestID: "1", Headers: network.Headers{"Origin": appOrigin, "Host": "api.example.test", "Cookie": "a=1"},
			AssociatedCookies: []*network.AssociatedCookie{{Cookie: &network.Cookie{Name: "a", Value: "1", Path: "/", Domain: "api.example.test", Session: true}}}},
		&network.EventResponseReceivedExtraInfo{RequestID: "1", StatusCode: 301,
			HeadersText: "HTTP/1.1 301 Moved Permanently\r\nLocation: " + loc + "\r\nAccess-Control-Allow-Origin: *\r\n\r\n"},
		&network.EventRequestWillBeSent{RequestID: "1", Request: get2, Timestamp: ts(10.01), WallTime: wall + 0.01, Initiator: script, Type: network.ResourceTypeFetch,
			RedirectResponse: &network.Response{URL: get.URL, Status: 301, StatusText: "Moved Permanently", Protocol: "http/1.1", Headers: network.Headers{"Location": loc}}},
		&network.EventRequestWillBeSentExtraInfo{RequestID: "1", Headers: network.Headers{"Origin": "null", "Cookie": "a=1"}},
		&network.EventResponseReceivedExtraInfo{RequestID: "1", StatusCode: 200, HeadersText: raw2},
		&network.EventResponseReceived{RequestID: "1", Timestamp: ts(10.03), Type: network.ResourceTypeFetch, Response: &network.Response{
			URL: get2.URL, Status: 200, StatusText: "OK", MimeType: "application/json", Protocol: "http/1.1", RemoteIPAddress: "127.0.0.1", ConnectionID: 7,
			Timing: &network.ResourceTiming{RequestTime: 10.01, ProxyStart: -1, ProxyEnd: -1, DNSStart: -1, DNSEnd: -1, ConnectStart: -1, ConnectEnd: -1,
				SslStart: -1, SslEnd: -1, SendStart: 0.5, SendEnd: 0.6, ReceiveHeadersEnd: 19}}},
		&network.EventLoadingFinished{RequestID: "1", Timestamp: ts(10.04), EncodedDataLength: 150},
		&network.EventRequestWillBeSent{RequestID: "2", Request: put, Timestamp: ts(11), WallTime: wall + 1, Initiator: script, Type: network.ResourceTypeFetch},
		&network.EventRequestWillBeSent{RequestID: "2-pf", Request: opts, Timestamp: ts(11.001), WallTime: wall + 1.001, Type: network.ResourceTypeOther,
			Initiator: &network.Initiator{Type: network.InitiatorTypePreflight, URL: put.URL, RequestID: "2"}},
		&network.EventRequestWillBeSentExtraInfo{RequestID: "2-pf", Headers: network.Headers{"Origin": appOrigin, "Access-Control-Request-Method": "PUT",
			"Access-Control-Request-Headers": "content-type"}},
		&network.EventResponseReceivedExtraInfo{RequestID: "2-pf", StatusCode: 403, HeadersText: "HTTP/1.1 403 Forbidden\r\nX-Amzn-Errortype: MissingAuthenticationTokenException\r\n\r\n"},
		&network.EventResponseReceived{RequestID: "2-pf", Timestamp: ts(11.02), Type: network.ResourceTypePreflight, Response: &network.Response{URL: put.URL, Status: 403, Protocol: "http/1.1"}},
		&network.EventLoadingFinished{RequestID: "2-pf", Timestamp: ts(11.021)},
		&network.EventLoadingFailed{RequestID: "2", Timestamp: ts(11.03), Type: network.ResourceTypeFetch, ErrorText: "net::ERR_FAILED",
			CorsErrorStatus: &network.CorsErrorStatus{CorsError: network.CorsErrorPreflightMissingAllowOriginHeader}},
		// A late event of an earlier run: ignored.
		&network.EventLoadingFinished{RequestID: "0", Timestamp: ts(11.05)},
	}
}

func TestHAROffline(t *testing.T) {
	t.Parallel()
	o := &Observation{Request: Request{Origin: appOrigin, URL: "http://api.example.test/a"},
		events: harEvents("http://api.example.test/b", "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nVary: Origin\r\nVary: Accept\r\n\r\n")}
	doc, err := HAR(o, nil, &Observation{Request: Request{Origin: appOrigin}})
	if err != nil {
		t.Fatal(err)
	}
	var d harDoc
	if err := json.Unmarshal(doc, &d); err != nil {
		t.Fatal(err)
	}
	if d.Log.Version != "1.2" || d.Log.Creator.Name != "WebInspector" || len(d.Log.Pages) != 1 || d.Log.Pages[0].Title != appOrigin+PagePath {
		t.Fatalf("log %+v", d.Log)
	}
	es := d.Log.Entries
	var got []string
	for _, e := range es {
		got = append(got, fmt.Sprintf("%s %s %s %d %q redirect=%q err=%v pageref=%s", e.ResourceType, e.Request.Method, e.Request.URL,
			e.Response.Status, e.Response.StatusText, e.Response.RedirectURL, e.Response.Error != nil, e.Pageref))
	}
	want := []string{
		`fetch GET http://api.example.test/a?x=1&y=%20z 301 "Moved Permanently" redirect="http://api.example.test/b" err=false pageref=page_1`,
		`fetch GET http://api.example.test/b 200 "OK" redirect="" err=false pageref=page_1`,
		`fetch PUT http://api.example.test/p 0 "" redirect="" err=true pageref=page_1`,
		`preflight OPTIONS http://api.example.test/p 403 "Forbidden" redirect="" err=false pageref=page_1`,
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Fatalf("entries (-want +got):\n%s", diff)
	}
	for _, tc := range []struct {
		desc string
		ok   bool
	}{
		{"query string decoded, fragment dropped", len(es[0].Request.QueryString) == 2 && es[0].Request.QueryString[1] == harNV{"y", " z"}},
		{"raw request headers sorted", len(es[0].Request.Headers) == 3 && es[0].Request.Headers[0].Name == "Cookie" && es[0].Request.Headers[2].Name == "Origin"},
		{"sent cookies", len(es[0].Request.Cookies) == 1 && es[0].Request.Cookies[0].Name == "a" && es[0].Request.Cookies[0].Expires == nil},
		{"repeated header lines kept apart, wire order", len(es[1].Response.Headers) == 3 && es[1].Response.Headers[2] == harNV{"Vary", "Accept"}},
		{"response details", es[1].Response.Content.MimeType == "application/json" && es[1].ServerIPAddress == "127.0.0.1" && es[1].Connection == "7" &&
			es[1].Response.HTTPVersion == "HTTP/1.1" && es[1].Response.TransferSize == 150},
		{"timings", es[1].Timings.Send > 0.09 && es[1].Timings.Send < 0.11 && es[1].Timings.Wait > 0 && es[1].Time > 0},
		{"post data joined", es[2].Request.PostData != nil && es[2].Request.PostData.Text == `{"a":1}` && es[2].Request.BodySize == 7 &&
			es[2].Request.PostData.MimeType == "application/json"},
		{"blocked before sending: provisional headers, no response", len(es[2].Response.Headers) == 0 && *es[2].Response.Error == "net::ERR_FAILED" &&
			es[2].Timings.Blocked > 29 && es[2].Timings.Send == 0},
		{"preflight initiator", es[3].Initiator != nil && es[3].Initiator.Type == "preflight" && es[3].Initiator.URL == "http://api.example.test/p"},
		{"start times", es[0].StartedDateTime == "2026-11-21T01:00:00.000Z" && es[3].StartedDateTime == "2026-11-21T01:00:01.001Z"},
	} {
		if !tc.ok {
			t.Errorf("%s: %s", tc.desc, doc)
		}
	}
	// collect/har rebuilds both exchanges: the redirect chained, the
	// preflight paired, the verdicts Chromium would give.
	f, err := har.Read(bytes.NewReader(doc), "offline.har")
	if err != nil {
		t.Fatal(err)
	}
	exs, _ := har.Exchanges(f)
	if len(exs) != 2 || len(exs[0].Hops) != 2 || exs[1].Recorded.PreflightEntry != 4 {
		t.Fatalf("exchanges %+v", exs)
	}
	if exs[1].Result.Error != cors.PreflightMissingAllowOriginHeader {
		t.Errorf("PUT: %s, want PreflightMissingAllowOriginHeader", exs[1].Result.Error)
	}
}

// FuzzHAR: whatever the raw header text and redirect target, the export
// is valid JSON that collect/har reads.
func FuzzHAR(f *testing.F) {
	f.Add("http://api.example.test/b", "HTTP/1.1 200 OK\r\nVary: Origin\r\n\r\n")
	f.Add("/b?q=%zz&&=", "HTTP/1.1 200\r\nno colon\r\n: empty\r\nA:\xff\r\n")
	f.Add("", "")
	f.Fuzz(func(t *testing.T, loc, raw string) {
		doc, err := HAR(&Observation{Request: Request{Origin: appOrigin}, events: harEvents(loc, raw)})
		if err != nil {
			t.Fatal(err)
		}
		if !json.Valid(doc) {
			t.Fatalf("invalid JSON:\n%s", doc)
		}
		hf, err := har.Read(bytes.NewReader(doc), "f.har")
		if err != nil || hf.Total != 4 {
			t.Fatalf("read back: %v, %+v", err, hf)
		}
	})
}
