package report

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

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
	for _, name := range []string{"apigw-missing-options", "trailing-slash", "wildcard-credentials", "allowed-expose", "plan-only"} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			doc := loadDoc(t, name)
			var buf bytes.Buffer
			opt := HTMLOptions{Title: "corsdoctor explain", Curl: map[int][]string{0: {"curl -si -X OPTIONS '" + doc.Results[0].URL + "' -H 'Origin: " + doc.Results[0].Origin + "'"}}}
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
