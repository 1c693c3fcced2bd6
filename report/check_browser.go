package report

import (
	"fmt"
	"io"

	"github.com/corsdoctor/corsdoctor/internal/termsafe"
)

// BrowserSideBySide prints check --browser's per-origin comparison of the
// probe's and Chromium's verdicts (lines) and each result's browser
// section, after the text report.
func BrowserSideBySide(w io.Writer, lines []string, doc Document) error {
	if _, err := fmt.Fprintf(w, "\nReal Chromium, side by side with the probe:\n"); err != nil {
		return err
	}
	for _, l := range lines {
		if _, err := termsafe.Fprintf(w, "  %s\n", l); err != nil {
			return err
		}
	}
	for _, r := range doc.Results {
		if r.Browser == nil {
			continue
		}
		if _, err := termsafe.Fprintf(w, "\n[origin %s]\n", r.Origin); err != nil {
			return err
		}
		if err := BrowserText(w, r.Browser); err != nil {
			return err
		}
	}
	return nil
}
