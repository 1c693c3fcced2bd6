package cli

import (
	"bytes"
	"os"

	"github.com/corsdoctor/corsdoctor/collect/browser"
	"github.com/corsdoctor/corsdoctor/collect/har"
)

// writeBrowserHAR writes what Chromium did as a HAR file (browser.HAR:
// shaped like DevTools' "Export HAR"), redacted as `corsdoctor har
// --redact` does unless showSecrets.
func writeBrowserHAR(path string, obs *browser.Observation, showSecrets bool) error {
	doc, err := browser.HAR(obs)
	if err != nil {
		return Usagef("--har: %v", err)
	}
	if !showSecrets {
		var b bytes.Buffer
		if err := har.Redact(&b, bytes.NewReader(doc), path); err != nil {
			return Usagef("--har: %v", err)
		}
		doc = b.Bytes()
	}
	if err := os.WriteFile(path, doc, 0o600); err != nil {
		return Usagef("--har: %v", err)
	}
	return nil
}
