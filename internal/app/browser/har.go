package browser

import (
	"bytes"
	"os"

	"github.com/corsdoctor/corsdoctor/collect/browser"
	"github.com/corsdoctor/corsdoctor/collect/har"
	"github.com/corsdoctor/corsdoctor/internal/app"
)

// WriteHAR writes what Chromium did as a HAR file (browser.HAR:
// shaped like DevTools' "Export HAR"), redacted as `corsdoctor har
// --redact` does unless showSecrets.
func WriteHAR(path string, obs *browser.Observation, showSecrets bool) error {
	doc, err := browser.HAR(obs)
	if err != nil {
		return app.Usagef("--har: %v", err)
	}
	if !showSecrets {
		var b bytes.Buffer
		if err := har.Redact(&b, bytes.NewReader(doc), path); err != nil {
			return app.Usagef("--har: %v", err)
		}
		doc = b.Bytes()
	}
	if err := os.WriteFile(path, doc, 0o600); err != nil {
		return app.Usagef("--har: %v", err)
	}
	return nil
}
