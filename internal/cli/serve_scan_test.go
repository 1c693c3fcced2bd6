package cli

import (
	"context"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/corsdoctor/corsdoctor/collect/scan"
	appscan "github.com/corsdoctor/corsdoctor/internal/app/scan"
	"github.com/corsdoctor/corsdoctor/internal/webui"
	"github.com/corsdoctor/corsdoctor/report"
)

// scanAPI serves /reflect, which echoes any Origin with credentials
// (CD3001), and /ok, which allows only https://app.example.com. hits
// counts the requests it received.
func scanAPI(t *testing.T) (*httptest.Server, *atomic.Int64) {
	t.Helper()
	var hits atomic.Int64
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		o := r.Header.Get("Origin")
		switch r.URL.Path {
		case "/reflect":
			if o != "" {
				w.Header().Set("Access-Control-Allow-Origin", o)
				w.Header().Set("Access-Control-Allow-Credentials", "true")
			}
		case "/ok":
			if o == "https://app.example.com" {
				w.Header().Set("Access-Control-Allow-Origin", o)
				w.Header().Set("Access-Control-Allow-Credentials", "true")
			}
		default:
			http.NotFound(w, r)
			return
		}
		w.Header().Add("Vary", "Origin")
		io.WriteString(w, `{"ok":true}`)
	}))
	t.Cleanup(api.Close)
	return api, &hits
}

func getCSRF(t *testing.T, u string) (page, token string) {
	t.Helper()
	resp, err := http.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	m := csrfRe.FindSubmatch(b)
	if resp.StatusCode != 200 || m == nil {
		t.Fatalf("%s: status %d, CSRF token found %v", u, resp.StatusCode, m != nil)
	}
	return string(b), string(m[1])
}

func postForm(t *testing.T, u string, vals url.Values) (int, string) {
	t.Helper()
	resp, err := http.PostForm(u, vals)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	return resp.StatusCode, string(b)
}

// TestServeScanTool drives the Scan page over HTTP against a loopback API
// with one vulnerable and one correct endpoint.
func TestServeScanTool(t *testing.T) {
	t.Parallel()
	api, hits := scanAPI(t)
	base, _ := startServe(t, &ServeOptions{NoBrowser: true})
	form, tok := getCSRF(t, base+"/tools/scan")
	for _, f := range []string{`name="targets"`, `name="trusted"`, `name="concurrency"`, `name="timeout"`, `name="headers"`} {
		if !strings.Contains(form, f) {
			t.Errorf("scan form lacks %s", f)
		}
	}
	reflectURL, okURL := api.URL+"/reflect", api.URL+"/ok"
	good := url.Values{"csrf": {tok}, "targets": {"# two endpoints\n" + reflectURL + "\n" + okURL + "\n"},
		"trusted": {"https://app.example.com"}, "concurrency": {"2"}, "timeout": {"5s"}, "headers": {"Cookie: session=s3cr3t-cookie"}}

	t.Run("refusals send nothing", func(t *testing.T) {
		many := strings.Repeat(okURL+"\n", webui.MaxScanTargets+1)
		for _, tc := range []struct {
			desc   string
			vals   url.Values
			status int
			want   string
		}{
			{"no CSRF token", url.Values{"targets": {reflectURL}}, http.StatusForbidden, "missing CSRF token"},
			{"wrong CSRF token", url.Values{"csrf": {strings.Repeat("0", 64)}, "targets": {reflectURL}}, http.StatusForbidden, "wrong CSRF token"},
			{"too many targets", url.Values{"csrf": {tok}, "targets": {many}}, http.StatusUnprocessableEntity, "201 targets given: the Scan page scans at most 200 per run"},
			{"invalid target", url.Values{"csrf": {tok}, "targets": {reflectURL + "\nftp://x.example/"}}, http.StatusUnprocessableEntity, "targets:2: unsupported scheme"},
			{"bad trusted origin", url.Values{"csrf": {tok}, "targets": {reflectURL}, "trusted": {"null"}}, http.StatusUnprocessableEntity, "--trusted-origin: null"},
			{"bad concurrency", url.Values{"csrf": {tok}, "targets": {reflectURL}, "concurrency": {"500"}}, http.StatusUnprocessableEntity, "concurrency: &#34;500&#34; is not a number from 1 to 50"},
		} {
			t.Run(tc.desc, func(t *testing.T) {
				before := hits.Load()
				status, body := postForm(t, base+"/tools/scan", tc.vals)
				if status != tc.status || !strings.Contains(body, tc.want) {
					t.Errorf("status %d, want %d with %q; body:\n%.600s", status, tc.status, tc.want, body)
				}
				if n := hits.Load() - before; n != 0 {
					t.Errorf("the target received %d requests", n)
				}
			})
		}
	})

	status, page := postForm(t, base+"/tools/scan", good)
	if status != 200 {
		t.Fatalf("status %d:\n%s", status, page)
	}
	for _, want := range []string{
		"CD3001", "Any origin is trusted",
		`<td class="mono">` + reflectURL + `<td>`, // the finding's location
		"request sent:", "GET /reflect HTTP/1.1", "Cookie: session=[redacted]", "Origin: https://corsdoctor-attacker.example",
		"Access-Control-Allow-Origin: https://corsdoctor-attacker.example   &lt;-- here",
		"verdict (Chromium engine): a page at https://corsdoctor-attacker.example can read this response with credentials",
		"Compare the Origin header with an exact allowlist", // the fix
		"VULNERABLE GET " + reflectURL, "ok         GET " + okURL,
		"2 targets scanned, 1 vulnerable",
	} {
		if !strings.Contains(page, want) {
			t.Errorf("scan result lacks %q", want)
		}
	}
	if strings.Contains(page, `<td class="mono">`+okURL) {
		t.Error("a finding is reported for the correct endpoint")
	}
	if strings.Contains(page, "s3cr3t-cookie") {
		t.Error("the Cookie value reached the page")
	}
	resp, err := http.Get(base + "/history")
	if err != nil {
		t.Fatal(err)
	}
	hist, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !strings.Contains(string(hist), "<td>scan<td") || !strings.Contains(string(hist), "GET "+reflectURL+" and 1 more") || !strings.Contains(string(hist), "1 FINDINGS") {
		t.Errorf("no history entry for the scan:\n%s", hist)
	}
}

// TestServeScanOffLoopback: the Scan page makes this machine send
// requests to any URL, so it is not offered off loopback.
func TestServeScanOffLoopback(t *testing.T) {
	t.Parallel()
	wide, _ := startServe(t, &ServeOptions{Addr: "0.0.0.0:0", NoBrowser: true})
	_, port, err := net.SplitHostPort(strings.TrimPrefix(wide, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	page, tok := getCSRF(t, "http://127.0.0.1:"+port+"/")
	if strings.Contains(page, `href="/tools/scan"`) {
		t.Error("the Scan page is linked off loopback")
	}
	for _, method := range []string{"GET", "POST"} {
		var resp *http.Response
		if method == "GET" {
			resp, err = http.Get("http://127.0.0.1:" + port + "/tools/scan")
		} else {
			resp, err = http.PostForm("http://127.0.0.1:"+port+"/tools/scan", url.Values{"csrf": {tok}, "targets": {"http://127.0.0.1:1/"}})
		}
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusNotFound {
			t.Errorf("%s /tools/scan off loopback: status %d, want 404", method, resp.StatusCode)
		}
	}
}

// TestServeScanE2EChromium fills the Scan form in headless Chromium and
// reads the finding and its proof from the page.
func TestServeScanE2EChromium(t *testing.T) {
	ctx := chromiumCtx(t)
	api, _ := scanAPI(t)
	base, _ := startServe(t, &ServeOptions{NoBrowser: true})
	err := chromedp.Do(ctx,
		chromedp.Navigate(base+"/tools/scan"),
		chromedp.WaitVisible(chromedp.ID("f-targets")),
		chromedp.SendKeys(chromedp.ID("f-targets"), api.URL+"/reflect\n"+api.URL+"/ok"),
		chromedp.SendKeys(chromedp.ID("f-trusted"), "https://app.example.com"),
	)
	if err != nil {
		t.Fatal(err)
	}
	unlabelled, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`Array.from(document.querySelectorAll("input:not([type=hidden]), textarea")).filter(e => !e.labels || e.labels.length === 0).map(e => e.id || e.name)`))
	if err != nil || len(unlabelled) > 0 {
		t.Errorf("controls without a label: %v (%v)", unlabelled, err)
	}
	start := time.Now()
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`form.check button[type=submit]`)), chromedp.WaitVisible(chromedp.ID("findings-table"))); err != nil {
		t.Fatal(err)
	}
	t.Logf("submit to findings visible: %v", time.Since(start))
	rows, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`Array.from(document.querySelectorAll("#findings-table tbody tr")).map(r => r.innerText)`))
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 1 || !strings.Contains(rows[0], "CD3001") || !strings.Contains(rows[0], api.URL+"/reflect") || !strings.Contains(rows[0], "request sent:") {
		t.Errorf("findings rows %q, want one CD3001 row for /reflect with its proof", rows)
	}
	fix, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(`.fix-text`)))
	if err != nil || !strings.Contains(fix, "exact allowlist") {
		t.Errorf("fix %q (%v)", fix, err)
	}
}

// TestScanList: records come back in input order whatever the completion
// order (duplicates included), and a cancelled context gives every
// target a record.
func TestScanList(t *testing.T) {
	t.Parallel()
	api, _ := scanAPI(t)
	o := &appscan.Options{Concurrency: 3, Timeout: 5 * time.Second, Retries: 2, Trusted: []string{"https://app.example.com"}, Rules: []string{"all"}}
	cfg, err := o.Config()
	if err != nil {
		t.Fatal(err)
	}
	var targets []scan.Target
	for _, p := range []string{"/ok", "/reflect", "/ok"} {
		tg, err := scan.ParseTarget(api.URL + p)
		if err != nil {
			t.Fatal(err)
		}
		targets = append(targets, tg)
	}
	cancelled, cancel := context.WithCancel(context.Background())
	cancel()
	for _, tc := range []struct {
		desc    string
		ctx     context.Context
		status  []string
		wantErr bool
	}{
		{"input order", context.Background(), []string{report.ScanClean, report.ScanVulnerable, report.ScanClean}, false},
		{"cancelled", cancelled, []string{report.ScanError, report.ScanError, report.ScanError}, true},
	} {
		t.Run(tc.desc, func(t *testing.T) {
			recs, err := appscan.List(tc.ctx, cfg, targets, false)
			if (err != nil) != tc.wantErr {
				t.Errorf("error %v, want error %v", err, tc.wantErr)
			}
			if len(recs) != len(targets) {
				t.Fatalf("%d records for %d targets", len(recs), len(targets))
			}
			for i, r := range recs {
				if r.Target != targets[i].URL || r.Status != tc.status[i] {
					t.Errorf("record %d: %s %s, want %s %s", i, r.Target, r.Status, targets[i].URL, tc.status[i])
				}
				if r.Status == report.ScanError && r.Error == "" {
					t.Errorf("record %d: error status without a message", i)
				}
			}
		})
	}
}
