package lab

import (
	"testing"

	"github.com/corsdoctor/corsdoctor/cors"
)

// TestChromiumAgrees runs every lab case in real headless Chromium: the
// browser's verdict must be the catalogue's, and the engine must agree
// with Chromium on the exact responses it received (browser.Compare).
// check's verdicts equal the catalogue's (internal/cli TestDemo), so this
// also shows check agreeing with Chromium on the lab. Skipped without
// Chromium, except in CI (CI=true), where it fails.
func TestChromiumAgrees(t *testing.T) {
	if testing.Short() {
		t.Skip("starts Chromium")
	}
	browserAgrees(t, cors.Chromium)
}
