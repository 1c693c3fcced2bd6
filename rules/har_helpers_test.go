package rules

import (
	"strconv"
	"strings"
	"testing"

	"github.com/corsdoctor/corsdoctor/collect/har"
	"github.com/corsdoctor/corsdoctor/diag"
)

// harInput reads a HAR text and rebuilds its exchanges, as corsdoctor har does.
func harInput(text string) func(*testing.T) *diag.Input {
	return func(t *testing.T) *diag.Input {
		f, err := har.Read(strings.NewReader(text), "test.har")
		if err != nil {
			t.Fatal(err)
		}
		exs, _ := har.Exchanges(f)
		return &diag.Input{Exchanges: exs}
	}
}

// harEntry renders one HAR entry: request headers and response as
// "Name: value" lines; respExtra is raw JSON added to the response object.
func harEntry(method, url string, reqHeaders []string, status int, respHeaders []string, respExtra string) string {
	hs := func(lines []string) string {
		var parts []string
		for _, l := range lines {
			k, v, _ := strings.Cut(l, ":")
			parts = append(parts, `{"name":"`+strings.TrimSpace(k)+`","value":"`+strings.TrimSpace(v)+`"}`)
		}
		return "[" + strings.Join(parts, ",") + "]"
	}
	extra := ""
	if respExtra != "" {
		extra = "," + respExtra
	}
	return `{"_resourceType":"fetch","startedDateTime":"2026-11-20T14:00:00Z","request":{"method":"` + method + `","url":"` + url + `","headers":` + hs(reqHeaders) +
		`},"response":{"status":` + strconv.Itoa(status) + `,"headers":` + hs(respHeaders) + extra + `}}`
}

func harDoc(entries ...string) string {
	return `{"log":{"version":"1.2","creator":{"name":"WebInspector","version":"537.36"},"entries":[` + strings.Join(entries, ",") + `]}}`
}

const harOrigin = "Origin: https://app.example.com"
