package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/corsdoctor/corsdoctor/diag"
	"github.com/corsdoctor/corsdoctor/internal/app/demo"
	"github.com/corsdoctor/corsdoctor/lab"
	"github.com/corsdoctor/corsdoctor/report"
	"github.com/corsdoctor/corsdoctor/rules"
)

// TestDemo is the README's first command: every lab endpoint must be
// diagnosed as the catalogue expects.
func TestDemo(t *testing.T) {
	t.Parallel()
	out, errOut, code := runFixed(t, "demo")
	if code != 0 {
		t.Fatalf("demo exit %d; stderr %s\n%s", code, errOut, out)
	}
	n := len(lab.Catalogue())
	if !strings.Contains(out, fmt.Sprintf("%d/%d endpoints diagnosed as expected", n, n)) {
		t.Errorf("summary missing:\n%s", out)
	}
	for _, c := range lab.Catalogue() {
		if !strings.Contains(out, c.Path) {
			t.Errorf("demo output lacks %s", c.Path)
		}
	}
}

func TestDemoJSON(t *testing.T) {
	t.Parallel()
	out, _, code := runFixed(t, "demo", "--json")
	if code != 0 {
		t.Fatalf("exit %d", code)
	}
	var rep report.DemoReport
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatal(err)
	}
	if rep.Total != len(lab.Catalogue()) || rep.Agree != rep.Total {
		t.Fatalf("agree %d of %d", rep.Agree, rep.Total)
	}
	for _, c := range rep.Cases {
		if c.DetectedPlatform != c.Platform {
			t.Errorf("%s: detected platform %q, lab imitates %q", c.Path, c.DetectedPlatform, c.Platform)
		}
	}
}

func TestDemoOnly(t *testing.T) {
	t.Parallel()
	out, _, code := runFixed(t, "demo", "--only", "aws/rest/throttled", "--verbose")
	if code != 0 || !strings.Contains(out, "1/1 endpoints") || !strings.Contains(out, "CD1031 throttled-not-cors") || !strings.Contains(out, "Reproduce with curl") {
		t.Errorf("exit %d:\n%s", code, out)
	}
	_, errOut, code := runFixed(t, "demo", "--only", "no-such-endpoint")
	if code != 2 || !strings.Contains(errOut, "matches no lab endpoint") {
		t.Errorf("exit %d, stderr %q", code, errOut)
	}
}

// TestLabRules checks, per rule of the check family, a lab endpoint
// where it fires (positive) and the contrast endpoints where nothing
// fires (negative), end to end over loopback.
func TestLabRules(t *testing.T) {
	t.Parallel()
	srv, err := lab.Start("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	res, outs, err := demo.Check(context.Background(), srv.URL, lab.Catalogue(), fixedNow)
	if err != nil {
		t.Fatal(err)
	}
	fired := map[string]bool{}
	for i, r := range res {
		for _, f := range outs[i].Findings {
			fired[f.RuleID] = true
		}
		if lab.Catalogue()[i].Contrast() && len(outs[i].Findings) > 0 {
			t.Errorf("%s is correctly configured but %s fired: %s", r.Path, outs[i].Findings[0].RuleID, outs[i].Findings[0].Detail)
		}
	}
	// Rules no lab endpoint can trigger over plain HTTP on loopback, each
	// covered elsewhere: request-side refusals and forbidden headers (the
	// engine tests), network errors (TestCheckExitCodes), mode no-cors and
	// Authorization dropped by a redirect (rule cases).
	notLab := map[string]bool{"CD1016": true, "CD1018": true, "CD1026": true, "CD1032": true, "CD1033": true}
	for _, r := range rules.For(diag.NeedsExchanges) {
		id := r.ID
		if id > "CD1049" || notLab[id] {
			continue
		}
		if !fired[id] {
			t.Errorf("%s %s: no lab endpoint makes it fire", id, r.Name)
		}
	}
}

func TestLabCommand(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	var got string
	opts := &LabOptions{App: NewApp(&IO{Out: io.Discard, ErrOut: io.Discard}), Addr: "127.0.0.1:0", Ready: func(url string) {
		go func() {
			defer cancel()
			resp, err := http.Get(url + "/")
			if err != nil {
				got = err.Error()
				return
			}
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			got = string(b)
		}()
	}}
	if err := runLab(ctx, opts); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(got, "corsdoctor lab") || !strings.Contains(got, "/aws/rest/proxy-no-headers") {
		t.Errorf("index page: %.200s", got)
	}
	_, errOut, code := runFixed(t, "lab", "--addr", "256.0.0.1:0")
	if code != 2 || !strings.Contains(errOut, "--addr") {
		t.Errorf("bad --addr: exit %d, %q", code, errOut)
	}
}

func TestDemoColour(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		desc    string
		tty     bool
		noColor string
		want    bool
	}{
		{"terminal", true, "", true},
		{"NO_COLOR", true, "1", false},
		{"pipe", false, "", false},
	} {
		var out bytes.Buffer
		app := NewApp(&IO{Out: &out, ErrOut: io.Discard, IsTTY: tc.tty})
		app.Getenv = func(k string) string {
			if k == "NO_COLOR" {
				return tc.noColor
			}
			return ""
		}
		if err := runDemo(context.Background(), &DemoOptions{App: app, Only: "/ok/simple"}); err != nil {
			t.Fatalf("%s: %v", tc.desc, err)
		}
		if got := strings.Contains(out.String(), "\x1b[32m"); got != tc.want {
			t.Errorf("%s: colour %v, want %v", tc.desc, got, tc.want)
		}
	}
}

// TestLabCheckCommands runs, through the real command line, the check
// command the lab's index page shows for every case: same verdict and
// same top-ranked rule as the catalogue.
func TestLabCheckCommands(t *testing.T) {
	t.Parallel()
	for _, c := range lab.Catalogue() {
		t.Run(c.Path, func(t *testing.T) {
			t.Parallel()
			base := labServer(t)
			out, errOut, code := runFixed(t, append(c.CheckArgs(base), "--json")...)
			if code == 2 {
				t.Fatalf("exit 2: %s", errOut)
			}
			var doc struct {
				Results []struct {
					Allowed  bool `json:"allowed"`
					Findings []struct {
						ID string `json:"id"`
					} `json:"findings"`
				} `json:"results"`
			}
			if err := json.Unmarshal([]byte(out), &doc); err != nil {
				t.Fatal(err)
			}
			r := doc.Results[0]
			top := ""
			if len(r.Findings) > 0 {
				top = r.Findings[0].ID
			}
			if r.Allowed != (c.Verdict == lab.Allowed) || top != c.Rule {
				t.Errorf("allowed=%v top=%q, want %s %q", r.Allowed, top, c.Verdict, c.Rule)
			}
		})
	}
}
