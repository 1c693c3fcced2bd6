package webui

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/corsdoctor/corsdoctor/report"
)

// TestToolInputErrorAndSummary: a Tool's InputError shows the form again
// with the message and the typed values (not the Secret ones), adds no
// history entry; an Outcome's Summary names the run in the history.
func TestToolInputErrorAndSummary(t *testing.T) {
	t.Parallel()
	s, ts := newTestServer(t, Config{Check: (&fakeCheck{}).run(t), Tools: []Tool{{Name: "scan", Title: "Scan",
		Fields: []Field{{Name: "targets", Label: "Targets", Multiline: true}, {Name: "headers", Label: "Headers", Multiline: true, Secret: true}},
		Run: func(_ context.Context, v map[string]string) (*Outcome, error) {
			if strings.Count(v["targets"], "\n") > 0 {
				return nil, InputErrorf("too many targets: %d", strings.Count(v["targets"], "\n")+1)
			}
			return &Outcome{Page: &report.Page{Title: "corsdoctor scan"}, Summary: "1 target: " + v["targets"]}, nil
		}}}})
	post := func(targets string) (*http.Response, string) {
		vals := url.Values{"csrf": {s.CSRFToken()}, "targets": {targets}, "headers": {"Cookie: session=s3cr3t"}}
		return do(t, noRedirect(), mustReq(t, "POST", ts.URL+"/tools/scan", vals.Encode()))
	}
	for _, tc := range []struct {
		desc    string
		targets string
		status  int
		want    []string
		absent  []string
	}{
		{"input error", "https://a.example/\nhttps://b.example/<x>", http.StatusUnprocessableEntity,
			[]string{`role="alert">too many targets: 2`, "https://a.example/\nhttps://b.example/&lt;x&gt;</textarea>"}, []string{"s3cr3t"}},
		{"accepted", "https://a.example/", http.StatusSeeOther, nil, nil},
	} {
		t.Run(tc.desc, func(t *testing.T) {
			resp, page := post(tc.targets)
			if resp.StatusCode != tc.status {
				t.Fatalf("status %d, want %d", resp.StatusCode, tc.status)
			}
			for _, w := range tc.want {
				if !strings.Contains(page, w) {
					t.Errorf("page lacks %q", w)
				}
			}
			for _, a := range tc.absent {
				if strings.Contains(page, a) {
					t.Errorf("page shows %q", a)
				}
			}
		})
	}
	_, hist := do(t, http.DefaultClient, mustReq(t, "GET", ts.URL+"/history", ""))
	// One history row links its result twice (number and summary).
	if strings.Count(hist, "/results/") != 2 || !strings.Contains(hist, "1 target: https://a.example/") {
		t.Errorf("history should hold exactly the accepted run, named by its summary:\n%s", hist)
	}
}
