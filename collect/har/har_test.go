package har

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"testing"

	"github.com/corsdoctor/corsdoctor/cors"
	"github.com/corsdoctor/corsdoctor/evidence"
)

func readFixture(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestReadChrome(t *testing.T) {
	t.Parallel()
	f, err := Read(bytes.NewReader(readFixture(t, "chrome-apigw.har")), "chrome.har")
	if err != nil {
		t.Fatal(err)
	}
	if f.Total != 12 || f.Version != "1.2" || f.Creator != "WebInspector 537.36" || f.Truncated != nil {
		t.Fatalf("total %d version %q creator %q truncated %v", f.Total, f.Version, f.Creator, f.Truncated)
	}
	if f.PageURL["page_1"] != "http://localhost:5173/" {
		t.Errorf("page URL %q", f.PageURL["page_1"])
	}
	var pre int
	for _, e := range f.Entries {
		if e.IsPreflight() {
			pre++
		}
		for _, h := range e.ReqHeaders {
			if strings.HasPrefix(h.Name, ":") {
				t.Errorf("entry %d keeps pseudo-header %s", e.Index, h.Name)
			}
		}
	}
	if pre != 3 {
		t.Errorf("%d preflights, want 3", pre)
	}
}

// exchangeAt returns the exchange whose source is entry n.
func exchangeAt(t *testing.T, exs []*evidence.Exchange, n int) *evidence.Exchange {
	t.Helper()
	for _, ex := range exs {
		if ex.Source.Entry == n {
			return ex
		}
	}
	t.Fatalf("no exchange for entry %d", n)
	return nil
}

func TestExchangesChrome(t *testing.T) {
	t.Parallel()
	f, err := Read(bytes.NewReader(readFixture(t, "chrome-apigw.har")), "chrome.har")
	if err != nil {
		t.Fatal(err)
	}
	exs, sum := Exchanges(f)
	if sum.CrossOrigin != 7 || sum.SameOrigin != 1 || sum.Preflights != 3 || sum.Unpaired != 0 {
		t.Fatalf("summary %+v", sum)
	}
	for _, tc := range []struct {
		desc      string
		entry     int
		blocked   bool
		errName   cors.ErrorName
		stage     cors.Stage
		preflight int
		check     func(t *testing.T, ex *evidence.Exchange)
	}{
		{desc: "400 without ACAO after a passing preflight recorded after the request", entry: 2, blocked: true, errName: cors.MissingAllowOriginHeader, stage: cors.StageActual, preflight: 3},
		{desc: "preflight 403, actual status 0", entry: 5, blocked: true, errName: cors.PreflightMissingAllowOriginHeader, stage: cors.StagePreflight, preflight: 4,
			check: func(t *testing.T, ex *evidence.Exchange) {
				var names []string
				for _, h := range ex.Request.Headers {
					names = append(names, strings.ToLower(h.Name))
				}
				if strings.Join(names, ",") != "authorization,content-type" {
					t.Errorf("author headers %v, want authorization,content-type (from the preflight's ACRH)", names)
				}
			}},
		{desc: "cookies mean credentials include; ACAO * refused", entry: 6, blocked: true, errName: cors.WildcardOriginNotAllowed,
			check: func(t *testing.T, ex *evidence.Exchange) {
				if ex.Request.Credentials != cors.CredentialsInclude {
					t.Errorf("credentials %q", ex.Request.Credentials)
				}
			}},
		{desc: "allowed, but not with credentials nor for another origin", entry: 7,
			check: func(t *testing.T, ex *evidence.Exchange) {
				got := map[evidence.Purpose]bool{}
				for _, p := range ex.Probes {
					got[p.Purpose] = !p.Result.Allowed
				}
				if !got["with-credentials"] || !got["other-origin"] {
					t.Errorf("probes %v, want blocked with-credentials and other-origin", got)
				}
			}},
		{desc: "service worker", entry: 8,
			check: func(t *testing.T, ex *evidence.Exchange) {
				if ex.Recorded.ServiceWorker == "" {
					t.Error("service worker not flagged")
				}
			}},
		{desc: "blocked by client is a network error", entry: 9,
			check: func(t *testing.T, ex *evidence.Exchange) {
				if ex.Err != "net::ERR_BLOCKED_BY_CLIENT" {
					t.Errorf("err %q", ex.Err)
				}
			}},
		{desc: "status 0 without headers after a passing preflight", entry: 11, preflight: 10,
			check: func(t *testing.T, ex *evidence.Exchange) {
				if ex.Result.Incomplete == "" || !ex.Recorded.ResponseMissing || ex.Err != "" {
					t.Errorf("incomplete %q missing %v err %q", ex.Result.Incomplete, ex.Recorded.ResponseMissing, ex.Err)
				}
			}},
	} {
		t.Run(tc.desc, func(t *testing.T) {
			ex := exchangeAt(t, exs, tc.entry)
			if ex.Result.Blocked() != tc.blocked {
				t.Fatalf("blocked %v, want %v (%s %s)", ex.Result.Blocked(), tc.blocked, ex.Result.Error, ex.Result.Incomplete)
			}
			if tc.errName != "" && ex.Result.Error != tc.errName {
				t.Errorf("error %s, want %s", ex.Result.Error, tc.errName)
			}
			if tc.stage != "" && ex.Result.Stage != tc.stage {
				t.Errorf("stage %s, want %s", ex.Result.Stage, tc.stage)
			}
			if ex.Recorded.PreflightEntry != tc.preflight {
				t.Errorf("preflight entry %d, want %d", ex.Recorded.PreflightEntry, tc.preflight)
			}
			if ex.Request.Origin != "http://localhost:5173" {
				t.Errorf("origin %q", ex.Request.Origin)
			}
			if tc.check != nil {
				tc.check(t, ex)
			}
		})
	}
}

func TestExchangesFirefox(t *testing.T) {
	t.Parallel()
	f, err := Read(bytes.NewReader(readFixture(t, "firefox.har")), "firefox.har")
	if err != nil {
		t.Fatal(err)
	}
	if f.Creator != "Firefox 133.0" || f.PageURL["page_1"] != "https://app.example.com/" {
		t.Errorf("creator %q page %q", f.Creator, f.PageURL["page_1"])
	}
	exs, _ := Exchanges(f)
	if len(exs) != 2 {
		t.Fatalf("%d exchanges, want 2", len(exs))
	}
	del := exchangeAt(t, exs, 3)
	if del.Result.Error != cors.PreflightAllowOriginMismatch || del.Recorded.Browser != "Firefox" || del.Recorded.PreflightEntry != 2 {
		t.Errorf("DELETE: %s, browser %q, preflight %d", del.Result.Error, del.Recorded.Browser, del.Recorded.PreflightEntry)
	}
	get := exchangeAt(t, exs, 4)
	if get.Result.Error != cors.MissingAllowOriginHeader {
		t.Errorf("GET: %s", get.Result.Error)
	}
}

func TestUnpairedPreflight(t *testing.T) {
	t.Parallel()
	har := `{"log":{"version":"1.2","creator":{"name":"Firefox","version":"133.0"},"entries":[
	{"startedDateTime":"2026-11-20T14:00:00Z","request":{"method":"OPTIONS","url":"https://api.example.com/x","headers":[
	  {"name":"Origin","value":"https://app.example.com"},{"name":"Access-Control-Request-Method","value":"PATCH"},{"name":"Access-Control-Request-Headers","value":"x-trace"}]},
	 "response":{"status":200,"headers":[{"name":"Access-Control-Allow-Origin","value":"https://app.example.com"},{"name":"Access-Control-Allow-Methods","value":"GET"}]}}]}}`
	f, err := Read(strings.NewReader(har), "one.har")
	if err != nil {
		t.Fatal(err)
	}
	exs, sum := Exchanges(f)
	if len(exs) != 1 || sum.Unpaired != 1 {
		t.Fatalf("%d exchanges, summary %+v", len(exs), sum)
	}
	if exs[0].Result.Error != cors.MethodDisallowedByPreflightResponse || exs[0].Request.Method != "PATCH" {
		t.Errorf("got %s for %s", exs[0].Result.Error, exs[0].Request.Method)
	}
}

func TestRedirectChain(t *testing.T) {
	t.Parallel()
	har := `{"log":{"version":"1.2","entries":[
	{"_resourceType":"fetch","startedDateTime":"2026-11-20T14:00:00Z","request":{"method":"GET","url":"https://api.example.com/old","headers":[{"name":"Origin","value":"https://app.example.com"}]},
	 "response":{"status":301,"redirectURL":"/new","headers":[{"name":"Location","value":"/new"},{"name":"Access-Control-Allow-Origin","value":"*"}]}},
	{"_resourceType":"fetch","startedDateTime":"2026-11-20T14:00:01Z","request":{"method":"GET","url":"https://api.example.com/new","headers":[{"name":"Origin","value":"https://app.example.com"}]},
	 "response":{"status":200,"headers":[]}}]}}`
	f, err := Read(strings.NewReader(har), "r.har")
	if err != nil {
		t.Fatal(err)
	}
	exs, _ := Exchanges(f)
	if len(exs) != 1 || len(exs[0].Hops) != 2 {
		t.Fatalf("%d exchanges, hops %+v", len(exs), exs)
	}
	if exs[0].Result.Error != cors.MissingAllowOriginHeader || exs[0].Result.URL != "https://api.example.com/new" {
		t.Errorf("got %s at %s", exs[0].Result.Error, exs[0].Result.URL)
	}
}

func TestTruncated(t *testing.T) {
	t.Parallel()
	full := readFixture(t, "chrome-apigw.har")
	whole, err := Read(bytes.NewReader(full), "x.har")
	if err != nil {
		t.Fatal(err)
	}
	for _, frac := range []int{35, 50, 75, 99} {
		cut := full[:len(full)*frac/100]
		f, err := Read(bytes.NewReader(cut), "cut.har")
		if err != nil {
			t.Fatalf("%d%%: %v", frac, err)
		}
		if f.Truncated == nil {
			t.Fatalf("%d%%: not reported as truncated", frac)
		}
		if f.Truncated.Offset != int64(len(cut)) || !errors.Is(f.Truncated, io.ErrUnexpectedEOF) {
			t.Errorf("%d%%: offset %d, want %d (%v)", frac, f.Truncated.Offset, len(cut), f.Truncated.Err)
		}
		if len(f.Entries) >= len(whole.Entries) || f.Truncated.Entry != f.Total {
			t.Errorf("%d%%: %d entries kept (whole file %d), truncated in entry %d of %d", frac, len(f.Entries), len(whole.Entries), f.Truncated.Entry, f.Total)
		}
		if !strings.Contains(f.Truncated.Error(), "cut.har: truncated: the file ends at byte") {
			t.Errorf("message %q", f.Truncated.Error())
		}
		Exchanges(f) // what was read is still analysed
	}
	if _, err := Read(bytes.NewReader(full[:20]), "head.har"); err == nil {
		t.Error("a file cut before any entry must be an error")
	}
}

func TestNotHAR(t *testing.T) {
	t.Parallel()
	for _, in := range []string{"", "[]", "{}", "hello", `{"log": 3}`} {
		if f, err := Read(strings.NewReader(in), "bad.har"); err == nil {
			t.Errorf("%q: no error (%+v)", in, f)
		}
	}
}

func TestRedact(t *testing.T) {
	t.Parallel()
	in := readFixture(t, "chrome-apigw.har")
	var out bytes.Buffer
	if err := Redact(&out, bytes.NewReader(in), "chrome.har"); err != nil {
		t.Fatal(err)
	}
	if !json.Valid(out.Bytes()) {
		t.Fatalf("redacted HAR is not valid JSON:\n%s", out.String())
	}
	for _, secret := range []string{"Pass_w0rd", "eyJhbGciOiJIUzI1NiJ9", "3f9a0c1d2e", `{\"item\":42}`, `"text": "{`, "hello"} {
		if bytes.Contains(out.Bytes(), []byte(secret)) {
			t.Errorf("redacted HAR still contains %q", secret)
		}
	}
	for _, kept := range []string{"Bearer REDACTED", "session=REDACTED", "MissingAuthenticationTokenException", "access-control-allow-origin"} {
		if !bytes.Contains(out.Bytes(), []byte(kept)) {
			t.Errorf("redacted HAR lost %q", kept)
		}
	}
	// The redacted copy diagnoses the same.
	a, _ := Read(bytes.NewReader(in), "a")
	b, err := Read(&out, "b")
	if err != nil {
		t.Fatal(err)
	}
	ea, _ := Exchanges(a)
	eb, _ := Exchanges(b)
	if len(ea) != len(eb) {
		t.Fatalf("%d exchanges before, %d after redaction", len(ea), len(eb))
	}
	for i := range ea {
		if ea[i].Result.Error != eb[i].Result.Error || ea[i].Result.Allowed != eb[i].Result.Allowed {
			t.Errorf("exchange %d: %s/%v before, %s/%v after", i, ea[i].Result.Error, ea[i].Result.Allowed, eb[i].Result.Error, eb[i].Result.Allowed)
		}
	}
}

func TestRedactURL(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"https://api.example.com/items?token=abc&page=2#frag": "https://api.example.com/items?token=REDACTED&page=REDACTED#REDACTED",
		"https://user:pw@api.example.com/":                    "https://REDACTED@api.example.com/",
		"https://api.example.com/plain":                       "https://api.example.com/plain",
	} {
		if got := redactURL(in); got != want {
			t.Errorf("redactURL(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestRedactTruncated(t *testing.T) {
	t.Parallel()
	in := readFixture(t, "chrome-apigw.har")
	var out bytes.Buffer
	err := Redact(&out, bytes.NewReader(in[:len(in)/2]), "cut.har")
	var te *TruncatedError
	if !errors.As(err, &te) || te.Offset != int64(len(in)/2) {
		t.Fatalf("err = %v, want a TruncatedError at %d", err, len(in)/2)
	}
	if !json.Valid(out.Bytes()) {
		t.Fatalf("copy of a truncated HAR is not valid JSON:\n%s", out.String())
	}
}

// smallHARs returns, for every entry of the fixtures, a minimal HAR
// holding that entry alone, bodies, timings and initiator stacks removed:
// the small seeds that let FuzzRead and FuzzRedact run thousands of
// executions a second (whole files: FuzzReadFile, FuzzRedactFile).
func smallHARs(tb testing.TB) [][]byte {
	tb.Helper()
	var out [][]byte
	for _, name := range []string{"chrome-apigw.har", "firefox.har", "chromium.har"} {
		var doc struct {
			Log struct {
				Entries []map[string]any `json:"entries"`
			} `json:"log"`
		}
		if err := json.Unmarshal(readFixture(tb, name), &doc); err != nil {
			tb.Fatal(err)
		}
		for _, e := range doc.Log.Entries {
			delete(e, "timings")
			delete(e, "_initiator")
			for _, side := range []string{"request", "response"} {
				if m, ok := e[side].(map[string]any); ok {
					delete(m, "content")
					delete(m, "postData")
					delete(m, "cookies")
				}
			}
			b, err := json.Marshal(map[string]any{"log": map[string]any{"version": "1.2", "entries": []any{e}}})
			if err != nil {
				tb.Fatal(err)
			}
			out = append(out, b)
		}
	}
	return out
}

// fuzzRead is the property of FuzzRead and FuzzReadFile: an error xor a
// file, and every exchange points at an entry of the file.
func fuzzRead(t *testing.T, b []byte) {
	hf, err := Read(bytes.NewReader(b), "f.har")
	if (err == nil) == (hf == nil) {
		t.Fatalf("error %v with file %v", err, hf)
	}
	if hf != nil {
		exs, _ := Exchanges(hf)
		for _, ex := range exs {
			if ex.Source.Entry < 1 || ex.Source.Entry > hf.Total {
				t.Fatalf("exchange from entry %d of %d", ex.Source.Entry, hf.Total)
			}
		}
	}
}

// fuzzRedact is the property of FuzzRedact and FuzzRedactFile: the copy
// is valid JSON unless the input is not a HAR at all.
func fuzzRedact(t *testing.T, b []byte) {
	var out bytes.Buffer
	err := Redact(&out, bytes.NewReader(b), "f.har")
	var te *TruncatedError
	if (err == nil || errors.As(err, &te)) && !json.Valid(out.Bytes()) {
		t.Fatalf("invalid output (err %v) for %q:\n%s", err, b, out.String())
	}
}

// FuzzRead: small HARs, one entry each (thousands of executions a
// second).
func FuzzRead(f *testing.F) {
	for _, b := range smallHARs(f) {
		f.Add(b)
	}
	f.Add([]byte(`{"log":{"entries":[{"request":{"method":"OPTIONS","url":"x","headers":[{"name":"Access-Control-Request-Method","value":"PUT"}]},"response":{"status":"x"}}]}}`))
	f.Fuzz(fuzzRead)
}

// FuzzReadFile: the whole fixtures and their truncations (the pairing of
// many entries, pages, large structures).
func FuzzReadFile(f *testing.F) {
	for _, name := range []string{"chrome-apigw.har", "firefox.har", "chromium.har"} {
		b := readFixture(f, name)
		f.Add(b)
		f.Add(b[:len(b)/3])
	}
	f.Fuzz(fuzzRead)
}

// FuzzRedact: small HARs, one entry each.
func FuzzRedact(f *testing.F) {
	for _, b := range smallHARs(f) {
		f.Add(b)
	}
	f.Add([]byte("}{0"))
	f.Fuzz(fuzzRedact)
}

// FuzzRedactFile: the whole fixtures and their truncations.
func FuzzRedactFile(f *testing.F) {
	for _, name := range []string{"chrome-apigw.har", "firefox.har", "chromium.har"} {
		b := readFixture(f, name)
		f.Add(b)
		f.Add(b[:len(b)/2])
	}
	f.Fuzz(fuzzRedact)
}

func TestOddFieldTypesKeepTheEntry(t *testing.T) {
	t.Parallel()
	har := `{"log":{"version":"1.2","entries":[{"_resourceType":"fetch","_error":{"code":1},"request":{"method":"GET","url":"https://api.example.com/x",
	"headers":[{"name":"Origin","value":"https://app.example.com"}]},"response":{"status":200,"_fetchedViaServiceWorker":"yes","headers":[]}}]}}`
	f, err := Read(strings.NewReader(har), "odd.har")
	if err != nil {
		t.Fatal(err)
	}
	exs, _ := Exchanges(f)
	if len(exs) != 1 || exs[0].Result.Error != cors.MissingAllowOriginHeader {
		t.Fatalf("exchanges %+v", exs)
	}
}

// TestNotCORSChecked: entries the browser does not CORS-check are never
// reported as blocked: navigations and WebSocket handshakes are skipped
// (by Sec-Fetch-Mode, else by resource type), no-cors fetches are rebuilt
// in no-cors mode (opaque, allowed), and an <img> without Origin is
// skipped even when it failed.
func TestNotCORSChecked(t *testing.T) {
	t.Parallel()
	entry := func(rt, method, url, mode string, status int, errs string, hdrs ...string) string {
		h := `{"name":"Referer","value":"https://app.example.com/page"}`
		if mode != "" {
			h += `,{"name":"Sec-Fetch-Mode","value":"` + mode + `"}`
		}
		for _, x := range hdrs {
			h += "," + x
		}
		e := ""
		if errs != "" {
			e = `,"_error":"` + errs + `"`
		}
		return fmt.Sprintf(`{"_resourceType":%q,"startedDateTime":"2026-11-20T14:00:00Z","request":{"method":%q,"url":%q,"headers":[%s]},"response":{"status":%d,"headers":[]%s}}`, rt, method, url, h, status, e)
	}
	origin := `{"name":"Origin","value":"https://app.example.com"}`
	har := `{"log":{"version":"1.2","creator":{"name":"WebInspector","version":"537.36"},"entries":[` + strings.Join([]string{
		entry("document", "POST", "https://api.example.com/login", "navigate", 302, "", origin),
		entry("other", "GET", "https://api.example.com/socket", "websocket", 101, "", origin),
		entry("fetch", "GET", "https://api.example.com/opaque", "no-cors", 200, ""),
		entry("image", "GET", "https://cdn.example.com/a.png", "", 0, "net::ERR_BLOCKED_BY_CLIENT"),
		entry("fetch", "GET", "https://api.example.com/items", "cors", 200, "net::ERR_FAILED", origin),
	}, ",") + `]}}`
	f, err := Read(strings.NewReader(har), "modes.har")
	if err != nil {
		t.Fatal(err)
	}
	exs, sum := Exchanges(f)
	// The navigation (a document) is not even kept by the reader.
	if sum.NotCORS != 2 {
		t.Errorf("not CORS-checked: %d, want 2 (websocket, img)", sum.NotCORS)
	}
	var blocked []string
	for _, ex := range exs {
		if ex.Result.Blocked() {
			blocked = append(blocked, ex.Request.URL)
		}
		if strings.HasSuffix(ex.Request.URL, "/opaque") && (ex.Request.Mode != cors.ModeNoCORS || !ex.Result.Allowed || !ex.Result.Opaque) {
			t.Errorf("no-cors fetch: mode %s, allowed %v, opaque %v", ex.Request.Mode, ex.Result.Allowed, ex.Result.Opaque)
		}
	}
	if len(exs) != 2 || len(blocked) != 1 || blocked[0] != "https://api.example.com/items" {
		t.Errorf("%d exchanges, blocked %v; want only the cors fetch blocked", len(exs), blocked)
	}
}

// TestCredentialsInferred: Chrome recorded net::ERR_FAILED for a response
// that passes without credentials; only credentials: 'include' (without
// cookies, so none in the HAR) reproduces it, and the inference is
// recorded. A failure nothing reproduces is recorded as a disagreement.
func TestCredentialsInferred(t *testing.T) {
	t.Parallel()
	har := `{"log":{"version":"1.2","creator":{"name":"WebInspector","version":"537.36"},"entries":[
	{"_resourceType":"fetch","_error":"net::ERR_FAILED","startedDateTime":"2026-11-20T14:00:00Z","request":{"method":"GET","url":"https://api.example.com/me","headers":[{"name":"Origin","value":"https://app.example.com"}]},
	 "response":{"status":200,"headers":[{"name":"Access-Control-Allow-Origin","value":"*"}]}},
	{"_resourceType":"fetch","_error":"net::ERR_FAILED","startedDateTime":"2026-11-20T14:00:01Z","request":{"method":"GET","url":"https://api.example.com/ok","headers":[{"name":"Origin","value":"https://app.example.com"}]},
	 "response":{"status":200,"headers":[{"name":"Access-Control-Allow-Origin","value":"https://app.example.com"},{"name":"Access-Control-Allow-Credentials","value":"true"}]}}]}}`
	f, err := Read(strings.NewReader(har), "cred.har")
	if err != nil {
		t.Fatal(err)
	}
	exs, _ := Exchanges(f)
	if len(exs) != 2 {
		t.Fatalf("%d exchanges", len(exs))
	}
	me, ok := exs[0], exs[1]
	if !me.Recorded.CredentialsInferred || me.Request.Credentials != cors.CredentialsInclude || me.Result.Error != cors.WildcardOriginNotAllowed {
		t.Errorf("inferred %v, credentials %s, error %s", me.Recorded.CredentialsInferred, me.Request.Credentials, me.Result.Error)
	}
	if ok.Recorded.CredentialsInferred || ok.Recorded.Disagrees == "" || !ok.Result.Allowed {
		t.Errorf("an unexplained failure must be said: inferred %v, disagrees %q", ok.Recorded.CredentialsInferred, ok.Recorded.Disagrees)
	}
}
