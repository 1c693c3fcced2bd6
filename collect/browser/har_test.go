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
// not applicable; dns, ssl and connect always, as on a reused
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
		tm.Send, tm.Wait, tm.Receive, tm.BlockedQueueing = one(tm.Send), one(tm.Wait), one(tm.Receive), one(tm.BlockedQueueing)
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
