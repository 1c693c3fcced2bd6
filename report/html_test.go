package report

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/html"

	"github.com/corsdoctor/corsdoctor/cors"
	"github.com/corsdoctor/corsdoctor/internal/golden"
)

func loadDoc(t testing.TB, name string) Document {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "html", name+".json"))
	if err != nil {
		t.Fatal(err)
	}
	var doc Document
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return doc
}

func TestHTMLGolden(t *testing.T) {
	t.Parallel()
	for _, name := range []string{"apigw-missing-options", "trailing-slash", "wildcard-credentials", "allowed-expose", "plan-only", "browser-redirect", "engines-safari-loopback"} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			doc := loadDoc(t, name)
			var buf bytes.Buffer
			opt := HTMLOptions{Title: "corsdoctor explain"}
			if len(doc.Results[0].Curl) == 0 {
				opt.Curl = map[int][]string{0: {"curl -si -X OPTIONS '" + doc.Results[0].URL + "' -H 'Origin: " + doc.Results[0].Origin + "'"}}
			}
			if err := HTML(&buf, doc, opt); err != nil {
				t.Fatal(err)
			}
			golden.Check(t, filepath.Join("testdata", "html", name+".html"), buf.Bytes())
			if strings.Contains(buf.String(), "http://") && strings.Contains(buf.String(), "<link") {
				t.Error("report links an external resource")
			}
		})
	}
}

// hostile is a document whose every attacker-controlled field carries markup.
func hostile() Document {
	x := `"><script>alert(1)</script><img src=x onerror=alert(2)>`
	return Document{Tool: "corsdoctor", Version: Version, Results: []Result{{
		URL: "https://api.example.com/" + x, Origin: "https://app.example.com", Method: "PUT", Credentials: "include",
		Preflight: Preflight{Required: true, Reasons: []string{x}, Sent: true, Status: 204, RequestMethod: "PUT", RequestHeaders: "x-a" + x,
			Headers: map[string][]string{"Access-Control-Allow-Origin": {x}, "X-Evil" + x: {x}}},
		Actual:          Actual{Headers: map[string][]string{}, Redirects: []string{}},
		BlockedAt:       "preflight",
		ChromiumError:   "PreflightAllowOriginMismatch",
		FailedParameter: x,
		ConsoleMessage:  "Access to fetch at '" + x + "' has been blocked by CORS policy: Response to preflight request doesn't pass access control check: The 'Access-Control-Allow-Origin' header has a value '" + x + "'",
		FirefoxMessage:  x, FirefoxError: "CORSAllowOriginNotMatchingOrigin", FirefoxDocs: "javascript:alert(3)",
		Explanation:   &Explanation{Cause: x, Fix: x},
		Findings:      []Finding{{ID: "CD1004", Severity: "error", Title: x, Detail: x, Fix: "</pre>" + x, Evidence: []string{x}, Location: x}},
		Warnings:      nil,
		Source:        x,
		Platform:      x,
		Engine:        "webkit" + x,
		ConsoleLines:  []string{x, x},
		EngineSummary: x,
		Engines: map[string]*EngineVerdict{"webkit": {Engine: "webkit", Browser: x, BlockedAt: x, Incomplete: x, ConsoleLines: []string{x},
			Preflight: EnginePreflight{Required: true, RequestMethod: x, RequestHeaders: x}, Differences: []string{x}}},
		Browsers: []*Browser{{Engine: "firefox" + x, Product: x, ConsoleLines: []string{x}, ConsoleFromEngine: true, Notes: []string{x}},
			{Product: x, ConsoleMessage: x}},
		Checks: []cors.Check{{Name: x, Stage: cors.StagePreflight, URL: x, Header: x, Value: x, State: cors.CheckPass, Reason: x},
			{Name: "Access-Control-Allow-Origin", Stage: cors.StagePreflight, Hop: 1, Header: "Access-Control-Allow-Origin", Value: x, Present: true, State: cors.CheckFail, Error: cors.PreflightAllowOriginMismatch, Reason: x},
			{Name: x, Stage: cors.StageRedirect, State: cors.CheckSkip, Reason: x}},
	}}}
}

// walkHTML parses doc as a browser would and calls f on every element.
func walkHTML(t *testing.T, doc string, f func(*html.Node)) {
	t.Helper()
	root, err := html.Parse(strings.NewReader(doc))
	if err != nil {
		t.Fatal(err)
	}
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode {
			f(n)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(root)
}

func TestHTMLEscapesHostileValues(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		desc   string
		render func(*bytes.Buffer) error
	}{
		{"report", func(b *bytes.Buffer) error {
			return HTML(b, hostile(), HTMLOptions{Title: "<script>t()</script>", Command: "<script>c()</script>", Curl: map[int][]string{0: {"curl '<script>x()</script>'"}}})
		}},
		{"fragment", func(b *bytes.Buffer) error { return HTMLFragment(b, hostile()) }},
		{"page", func(b *bytes.Buffer) error {
			x := `<script>alert(1)</script>`
			return HTMLPage(b, Page{Title: x, Subtitle: x, Facts: []Fact{{x, x}}, Sections: []Section{{Heading: x, Text: x, Items: []string{x}, Pre: x}},
				Charts:   []Chart{{Title: x, YLabel: x, Series: []Series{{Name: x, Points: []Point{{T: time.Unix(0, 0), V: 1}, {T: time.Unix(60, 0), V: 2}}}}, Markers: []Marker{{T: time.Unix(30, 0), Label: x}}}},
				Findings: hostile().Results[0].Findings})
		}},
	} {
		t.Run(tc.desc, func(t *testing.T) {
			t.Parallel()
			var buf bytes.Buffer
			if err := tc.render(&buf); err != nil {
				t.Fatal(err)
			}
			out := buf.String()
			want := 1 // the embedded script
			if tc.desc == "fragment" {
				want = 0
			}
			scripts := 0
			walkHTML(t, out, func(n *html.Node) {
				switch n.Data {
				case "script":
					scripts++
				case "img", "iframe", "object", "embed":
					t.Errorf("injected <%s> element", n.Data)
				}
				for _, a := range n.Attr {
					if strings.HasPrefix(strings.ToLower(a.Key), "on") {
						t.Errorf("injected event handler attribute %s=%q on <%s>", a.Key, a.Val, n.Data)
					}
					if (a.Key == "href" || a.Key == "src") && strings.HasPrefix(strings.ToLower(strings.TrimSpace(a.Val)), "javascript:") {
						t.Errorf("javascript: URL in %s", a.Key)
					}
				}
			})
			if scripts != want {
				t.Errorf("%d script elements, want %d: an attacker value was not escaped", scripts, want)
			}
			if !strings.Contains(out, "&lt;script&gt;alert(1)&lt;/script&gt;") {
				t.Error("the hostile value is not shown escaped")
			}
		})
	}
}

func TestHTMLSelfContained(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	if err := HTML(&buf, loadDoc(t, "apigw-missing-options")); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	for _, bad := range []string{"<link", " src=", "@import", "url(", "<iframe", "fonts.googleapis"} {
		if strings.Contains(out, bad) {
			t.Errorf("report loads an external resource: contains %q", bad)
		}
	}
	// The CSP admits the embedded script by hash, and nothing else.
	i, j := strings.Index(out, "<script>"), strings.Index(out, "</script>")
	if i < 0 || j < i {
		t.Fatal("no embedded script")
	}
	sum := sha256.Sum256([]byte(out[i+len("<script>") : j]))
	hash := "sha256-" + base64.StdEncoding.EncodeToString(sum[:])
	if !strings.Contains(html.UnescapeString(out), "script-src '"+hash+"'") {
		t.Errorf("Content-Security-Policy does not admit the script by its hash %s", hash)
	}
	if !strings.Contains(out, "prefers-color-scheme: dark") || !strings.Contains(out, "@media print") {
		t.Error("stylesheet lacks the dark or print rules")
	}
}

func TestHTMLChecksAndHighlight(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		desc, doc string
		fail      string // the check shown red
		mark      string // the highlighted header row
		verdict   string
	}{
		{"missing ACAO on a 403 preflight", "apigw-missing-options", "Access-Control-Allow-Origin", "Access-Control-Allow-Origin", "BLOCKED"},
		{"trailing slash", "trailing-slash", "Access-Control-Allow-Origin", "https://app.example.com/", "BLOCKED"},
		{"wildcard with credentials", "wildcard-credentials", "Access-Control-Allow-Origin", "<mark>*</mark>", "BLOCKED"},
		{"allowed", "allowed-expose", "", "", "ALLOWED"},
	} {
		t.Run(tc.desc, func(t *testing.T) {
			t.Parallel()
			var buf bytes.Buffer
			if err := HTML(&buf, loadDoc(t, tc.doc)); err != nil {
				t.Fatal(err)
			}
			out := buf.String()
			if !strings.Contains(out, `data-verdict="`+tc.verdict+`"`) {
				t.Errorf("verdict %s not shown", tc.verdict)
			}
			fails := strings.Count(out, `<li class="fail"`)
			if tc.fail == "" {
				if fails != 0 || strings.Contains(out, `<tr class="bad">`) {
					t.Errorf("allowed result shows %d failed checks or a highlighted header", fails)
				}
				return
			}
			if fails != 1 || !strings.Contains(out, `<li class="fail" data-check="`+tc.fail+`">`) {
				t.Errorf("want exactly the %s check red, got %d red checks", tc.fail, fails)
			}
			k := strings.Index(out, `<tr class="bad">`)
			if k < 0 || !strings.Contains(out[k:k+400], tc.mark) {
				t.Errorf("the offending header %q is not highlighted", tc.mark)
			}
			if !strings.Contains(out, `class="fix-text"`) || !strings.Contains(out, `class="copy"`) {
				t.Error("no fix with a copy button")
			}
		})
	}
}

func TestChartSVG(t *testing.T) {
	t.Parallel()
	t0 := time.Date(2026, 11, 1, 10, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		desc  string
		chart Chart
		want  []string
	}{
		{"series and marker", Chart{Title: "5xx rate", YLabel: "%", Series: []Series{
			{Name: "OPTIONS 403", Points: []Point{{t0, 0}, {t0.Add(time.Minute), 40}, {t0.Add(2 * time.Minute), 37}}},
			{Name: "GET 200", Points: []Point{{t0, 100}, {t0.Add(2 * time.Minute), 60}}}},
			Markers: []Marker{{T: t0.Add(30 * time.Second), Label: "deploy v42"}}},
			[]string{"<polyline", `class="series s0"`, `class="series s1"`, "deploy v42", "10:00", "10:02", ">100<"}},
		{"no data", Chart{Title: "empty"}, []string{"no data"}},
		{"one point", Chart{Title: "one", Series: []Series{{Name: "a", Points: []Point{{t0, 3}}}}}, []string{"<polyline"}},
	} {
		t.Run(tc.desc, func(t *testing.T) {
			t.Parallel()
			out := string(ChartSVG(tc.chart))
			for _, w := range tc.want {
				if !strings.Contains(out, w) {
					t.Errorf("chart lacks %q", w)
				}
			}
		})
	}
}

func TestHTMLPageGolden(t *testing.T) {
	t.Parallel()
	t0 := time.Date(2026, 11, 1, 10, 0, 0, 0, time.UTC)
	p := Page{Title: "corsdoctor aws diagnose", Subtitle: "REST API abc123, stage prod",
		Facts: []Fact{{"region", "eu-west-1"}, {"window", "2026-11-01 10:00 to 10:05 UTC"}},
		Charts: []Chart{{Title: "OPTIONS errors", YLabel: "4xx per minute", Series: []Series{{Name: "4xx", Points: []Point{{t0, 0}, {t0.Add(time.Minute), 12}, {t0.Add(5 * time.Minute), 11}}}},
			Markers: []Marker{{T: t0.Add(50 * time.Second), Label: "deployment d-1"}}}},
		Sections: []Section{{Heading: "Playbook", Items: []string{"Add an OPTIONS method with a MOCK integration", "Redeploy the stage"}}},
		Findings: []Finding{
			{ID: "CD2101", Severity: "error", Title: "OPTIONS requires an authorizer", Detail: "GET /items: OPTIONS uses authorizer jwt", Fix: "Set authorizationType NONE on OPTIONS.", Location: "template.yaml:41:7"},
			{ID: "CD2101", Severity: "error", Title: "OPTIONS requires an authorizer", Detail: "GET /users: OPTIONS uses authorizer jwt", Fix: "Set authorizationType NONE on OPTIONS.", Location: "template.yaml:88:7"},
			{ID: "CD2003", Severity: "warning", Title: "Max-Age is short", Detail: "600", Fix: "Raise Access-Control-Max-Age to 7200.", Location: "template.yaml:12:3"},
		}}
	var buf bytes.Buffer
	if err := HTMLPage(&buf, p); err != nil {
		t.Fatal(err)
	}
	golden.Check(t, filepath.Join("testdata", "html", "page-aws.html"), buf.Bytes())
	out := buf.String()
	if strings.Count(out, "Set authorizationType NONE on OPTIONS.") != 1 {
		t.Error("a fix shared by findings of one rule must be shown once")
	}
	if strings.Index(out, "CD2101") > strings.Index(out, "CD2003") {
		t.Error("errors must come before warnings")
	}
}

// scanLike builds n results shaped like scan's: one origin each, most
// blocked with one finding.
func scanLike(n int) Document {
	doc := Document{Tool: "corsdoctor", Version: Version}
	for i := 0; i < n; i++ {
		r := Result{URL: fmt.Sprintf("https://api.example.com/v1/items/%d", i), Origin: fmt.Sprintf("https://evil%d.example.net", i%50),
			Method: "GET", Credentials: "include", Actual: Actual{Sent: true, Status: 200, Headers: map[string][]string{
				"Access-Control-Allow-Origin": {fmt.Sprintf("https://evil%d.example.net", i%50)}, "Access-Control-Allow-Credentials": {"true"},
				"Content-Type": {"application/json"}, "Vary": {"Origin"}}, Redirects: []string{}},
			Preflight: Preflight{Reasons: []string{}, Headers: map[string][]string{}}, Allowed: i%3 != 0}
		if !r.Allowed {
			r.BlockedAt, r.ChromiumError = "actual", "AllowOriginMismatch"
			r.ConsoleMessage = "Access to fetch at '" + r.URL + "' from origin '" + r.Origin + "' has been blocked by CORS policy: The 'Access-Control-Allow-Origin' header has a value 'https://x' that is not equal to the supplied origin."
		}
		r.Findings = []Finding{{ID: "CD3001", Severity: "error", Title: "Any origin is reflected with credentials",
			Detail: "the server echoes " + r.Origin + " in Access-Control-Allow-Origin with Access-Control-Allow-Credentials: true",
			Fix:    "Check the Origin against an allowlist before echoing it; never reflect arbitrary origins when credentials are allowed."}}
		doc.Results = append(doc.Results, r)
	}
	return doc
}

func TestHTMLLargeReportSize(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	if err := HTML(&buf, scanLike(10000)); err != nil {
		t.Fatal(err)
	}
	const limit = 5 << 20
	if buf.Len() >= limit {
		t.Fatalf("10,000 results render to %d bytes, want < %d", buf.Len(), limit)
	}
	t.Logf("10,000 results: %d bytes", buf.Len())
	if got := strings.Count(buf.String(), `<section class="result"`); got != 200 {
		t.Errorf("%d detailed results, want the default limit 200", got)
	}
}

func BenchmarkHTMLResult(b *testing.B) {
	doc := loadDoc(b, "apigw-missing-options")
	for b.Loop() {
		if err := HTML(io.Discard, doc); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkHTML10000(b *testing.B) {
	doc := scanLike(10000)
	var n int
	for b.Loop() {
		var buf bytes.Buffer
		if err := HTML(&buf, doc); err != nil {
			b.Fatal(err)
		}
		n = buf.Len()
	}
	b.ReportMetric(float64(n), "bytes/report")
}

// FuzzHTMLEscaping renders results whose server-controlled fields are
// arbitrary and checks, with an HTML5 parser, that nothing but the
// report's own script and elements appear.
func FuzzHTMLEscaping(f *testing.F) {
	f.Add("https://app.example.com/", "<script>alert(1)</script>", "X-Evil", `"><img src=x onerror=alert(1)>`)
	f.Add("</style><script>x()</script>", "]]><svg onload=alert(1)>", "</title><script>", "javascript:alert(1)")
	f.Add("", "", "", "")
	f.Fuzz(func(t *testing.T, acao, detail, hname, hvalue string) {
		doc := Document{Tool: "corsdoctor", Version: Version, Results: []Result{{
			URL: "https://api.example.com/" + hvalue, Origin: "https://app.example.com", Method: "GET",
			Preflight: Preflight{Reasons: []string{}, Headers: map[string][]string{}},
			Actual: Actual{Sent: true, Status: 200, Redirects: []string{hvalue},
				Headers: map[string][]string{"Access-Control-Allow-Origin": {acao}, hname: {hvalue}}},
			BlockedAt: "actual", ChromiumError: "AllowOriginMismatch", FailedParameter: acao,
			ConsoleMessage: "has been blocked by CORS policy: " + detail,
			Findings:       []Finding{{ID: "CD1004", Severity: "error", Title: detail, Detail: detail, Fix: hvalue, Location: hname, Evidence: []string{acao}}},
			Curl:           []string{hvalue},
		}}}
		var buf bytes.Buffer
		if err := HTML(&buf, doc); err != nil {
			t.Fatal(err)
		}
		scripts := 0
		walkHTML(t, buf.String(), func(n *html.Node) {
			switch n.Data {
			case "script":
				scripts++
			case "img", "iframe", "object", "embed", "base", "link", "form":
				t.Errorf("injected <%s>", n.Data)
			}
			for _, a := range n.Attr {
				if strings.HasPrefix(strings.ToLower(a.Key), "on") {
					t.Errorf("injected attribute %s on <%s>", a.Key, n.Data)
				}
			}
		})
		if scripts != 1 {
			t.Errorf("%d script elements, want 1", scripts)
		}
	})
}

// TestHTMLNarratesEngineChecks: the check lists, the diagram and the
// marked header come from Result.Checks (the engine's narration), never
// from the console message.
func TestHTMLNarratesEngineChecks(t *testing.T) {
	t.Parallel()
	doc := loadDoc(t, "trailing-slash")
	r := &doc.Results[0]
	r.ConsoleMessage = "has been blocked by CORS policy: Response to preflight request doesn't pass access control check: console text"
	for i := range r.Checks {
		if r.Checks[i].State == cors.CheckFail {
			r.Checks[i].Reason = "the engine's reason"
		}
	}
	var buf bytes.Buffer
	if err := HTML(&buf, doc, HTMLOptions{}); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	if !strings.Contains(out, `<strong>Access-Control-Allow-Origin</strong>: the engine&#39;s reason</li>`) {
		t.Error("the failed check does not show the engine's reason")
	}
	if strings.Contains(out, "</strong>: console text") {
		t.Error("a check's reason was cut out of the console message")
	}
	// Without the engine's checks there is nothing to narrate: no list is
	// rebuilt from the error name.
	r.Checks = nil
	buf.Reset()
	if err := HTML(&buf, doc, HTMLOptions{}); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(buf.String(), `data-check=`) || strings.Contains(buf.String(), `class="bad"`) {
		t.Error("checks or a marked header without Result.Checks")
	}
}
