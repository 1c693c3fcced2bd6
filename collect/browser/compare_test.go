package browser

import (
	"strings"
	"testing"

	"github.com/corsdoctor/corsdoctor/cors"
)

// TestBugReportNamesTheBrowser: a disagreement found in Firefox or WebKit
// is reported as that browser's, with the command printing its version
// (it said "disagrees with Chromium" for every browser).
func TestBugReportNamesTheBrowser(t *testing.T) {
	t.Parallel()
	ds := []Disagreement{{Field: "preflight", Chromium: "false", Engine: "true"}}
	for _, tc := range []struct {
		engine      cors.Engine
		name, cmd   string
		notMentions string
	}{
		{cors.Chromium, "Chromium", "chromium --version", "Firefox"},
		{cors.Firefox, "Firefox", "firefox-esr --version", "Chromium"},
		{cors.WebKit, "WebKitGTK", "WebKitWebDriver --version", "Chromium"},
	} {
		got := BugReport(&Observation{Engine: tc.engine}, ds)
		if !strings.Contains(got, "package cors disagrees with "+tc.name+" on the responses "+tc.name+" received") ||
			!strings.Contains(got, tc.cmd) || strings.Contains(got, tc.notMentions) {
			t.Errorf("%s:\n%s", tc.engine, got)
		}
	}
}
