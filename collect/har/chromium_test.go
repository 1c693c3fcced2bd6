package har

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"github.com/corsdoctor/corsdoctor/cors"
	"github.com/corsdoctor/corsdoctor/diag"
	"github.com/corsdoctor/corsdoctor/evidence"
	"github.com/corsdoctor/corsdoctor/internal/golden"
	"github.com/corsdoctor/corsdoctor/report"
	"github.com/corsdoctor/corsdoctor/rules"
)

// testdata/chromium.har is a real export: collect/browser's TestHARExport
// ran three fetch() calls in headless Chromium against a loopback API
// and wrote what the DevTools Network events recorded, as DevTools'
// "Export HAR" shapes it (ports, times, ids normalised). Regenerate it
// with `go test ./collect/browser -run TestHARExport -update` (needs
// Chromium), then this test's golden with
// `go test ./collect/har -run TestChromiumExport -update`.
//
// Chromium's verdicts for the three requests, as its DevTools reported
// them (Network.loadingFailed corsErrorStatus):
var chromiumVerdicts = []struct {
	desc    string
	method  string
	path    string
	allowed bool
	corsErr cors.ErrorName
	// preflight and status are the entries' as Chromium recorded them.
	preflight bool
	status    int
	harError  string
}{
	{desc: "simple GET allowed", method: "GET", path: "/har/ok", allowed: true, status: 200},
	{desc: "PUT blocked by a preflight without ACAO", method: "PUT", path: "/har/put", corsErr: cors.PreflightMissingAllowOriginHeader,
		preflight: true, status: 0, harError: "net::ERR_FAILED"},
	{desc: "cookies with ACAO *", method: "GET", path: "/har/cred", corsErr: cors.WildcardOriginNotAllowed, status: 200, harError: "net::ERR_FAILED"},
}

func TestChromiumExport(t *testing.T) {
	t.Parallel()
	f, err := Read(bytes.NewReader(readFixture(t, "chromium.har")), "chromium.har")
	if err != nil {
		t.Fatal(err)
	}
	if f.Creator != "WebInspector 537.36" || f.Total != 4 || f.Truncated != nil {
		t.Fatalf("creator %q, %d entries, truncated %v", f.Creator, f.Total, f.Truncated)
	}
	exs, sum := Exchanges(f)
	if sum.CrossOrigin != 3 || sum.Preflights != 1 || sum.Unpaired != 0 || sum.NoOrigin != 0 {
		t.Fatalf("summary %+v", sum)
	}
	for _, v := range chromiumVerdicts {
		t.Run(v.desc, func(t *testing.T) {
			var ex *evidence.Exchange
			for _, x := range exs {
				if x.Request.Method == v.method && strings.HasSuffix(x.Request.URL, v.path) {
					ex = x
				}
			}
			if ex == nil {
				t.Fatalf("no exchange for %s %s", v.method, v.path)
			}
			if ex.Result.Allowed != v.allowed || ex.Result.Error != v.corsErr {
				t.Errorf("allowed %v, error %q (%s); Chromium: allowed %v, %q", ex.Result.Allowed, ex.Result.Error, ex.Result.Incomplete, v.allowed, v.corsErr)
			}
			if ex.Request.Origin != "http://app.example.test" {
				t.Errorf("origin %q", ex.Request.Origin)
			}
			if (ex.Recorded.PreflightEntry != 0) != v.preflight {
				t.Errorf("preflight entry %d, want one: %v", ex.Recorded.PreflightEntry, v.preflight)
			}
			if ex.Recorded.Error != v.harError {
				t.Errorf("_error %q, want %q", ex.Recorded.Error, v.harError)
			}
			if got := 0; ex.Final() != nil {
				got = ex.Final().Status
				if got != v.status {
					t.Errorf("status %d, want %d", got, v.status)
				}
			} else if v.status != 0 {
				t.Errorf("no response recorded, want status %d", v.status)
			}
		})
	}

	// The diagnosis `corsdoctor har --all` prints for it.
	for _, ex := range exs {
		ex.Platform = evidence.DetectPlatform(ex.Preflight(), ex.Final()).Platform
	}
	findings := diag.Run(rules.All(), &diag.Input{Exchanges: exs})
	var out bytes.Buffer
	for i, ex := range exs {
		fmt.Fprintf(&out, "%s: allowed=%v error=%q stage=%q incomplete=%q", ex.Source, ex.Result.Allowed, ex.Result.Error, ex.Result.Stage, ex.Result.Incomplete)
		for _, fd := range diag.ForExchange(findings, i) {
			fmt.Fprintf(&out, " %s", fd.RuleID)
		}
		out.WriteString("\n")
	}
	out.WriteString("\n")
	if err := report.Text(&out, report.NewDocument(exs, findings, report.Options{}), report.TextOptions{}); err != nil {
		t.Fatal(err)
	}
	golden.Check(t, "testdata/chromium.golden", out.Bytes())
}

// TestChromiumExportRedacted: the redacted copy of the real export drops
// the cookie and keeps every verdict.
func TestChromiumExportRedacted(t *testing.T) {
	t.Parallel()
	in := readFixture(t, "chromium.har")
	var out bytes.Buffer
	if err := Redact(&out, bytes.NewReader(in), "chromium.har"); err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(out.Bytes(), []byte("s3ss10n")) || bytes.Contains(out.Bytes(), []byte(`{\"name\":\"ada\"}`)) {
		t.Errorf("redacted copy keeps the cookie value or the request body:\n%s", out.String())
	}
	a, err := Read(bytes.NewReader(in), "a")
	if err != nil {
		t.Fatal(err)
	}
	b, err := Read(&out, "b")
	if err != nil {
		t.Fatal(err)
	}
	ea, _ := Exchanges(a)
	eb, _ := Exchanges(b)
	if len(ea) != len(chromiumVerdicts) || len(eb) != len(ea) {
		t.Fatalf("%d exchanges before redaction, %d after, want %d", len(ea), len(eb), len(chromiumVerdicts))
	}
	for i := range ea {
		if ea[i].Result.Allowed != eb[i].Result.Allowed || ea[i].Result.Error != eb[i].Result.Error || ea[i].Request.Credentials != eb[i].Request.Credentials {
			t.Errorf("exchange %d: %v/%s/%s before, %v/%s/%s after", i, ea[i].Result.Allowed, ea[i].Result.Error, ea[i].Request.Credentials,
				eb[i].Result.Allowed, eb[i].Result.Error, eb[i].Request.Credentials)
		}
	}
}
