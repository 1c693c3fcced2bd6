package cors_test

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"github.com/corsdoctor/corsdoctor/cors"
	"github.com/corsdoctor/corsdoctor/internal/golden"
)

// TestEnginesDoc checks the difference catalogue and that
// docs/engines.md is rendered from it (-update rewrites it).
func TestEnginesDoc(t *testing.T) {
	t.Parallel()
	ids := map[string]bool{}
	for _, d := range cors.Differences {
		if d.ID == "" || d.ID != strings.ToLower(d.ID) || strings.ContainsAny(d.ID, " _") {
			t.Errorf("difference ID %q: want kebab-case", d.ID)
		}
		if ids[d.ID] {
			t.Errorf("duplicate difference %s", d.ID)
		}
		ids[d.ID] = true
		if d.Title == "" || d.Chromium == "" || d.Firefox == "" || d.WebKit == "" || d.Why == "" || len(d.Sources) == 0 {
			t.Errorf("difference %s: title, each engine's behaviour, why and sources are all required", d.ID)
		}
		if got, ok := cors.DifferenceByID(d.ID); !ok || got.Title != d.Title {
			t.Errorf("DifferenceByID(%q) = %v, %v", d.ID, got.Title, ok)
		}
	}
	golden.Check(t, "../docs/engines.md", EnginesMarkdown())
}

// EnginesMarkdown renders docs/engines.md from cors.Differences.
func EnginesMarkdown() []byte {
	var b bytes.Buffer
	b.WriteString(`# Browser engines: Chromium, Firefox, WebKit (Safari)

Generated from ` + "`cors.Differences`" + ` (` + "`go test ./cors -run TestEnginesDoc -update`" + `); do not edit by hand.

corsdoctor decides as each engine decides: ` + "`cors.Request.Engine`" + ` is ` + "`cors.Chromium`" + ` (the
default), ` + "`cors.Firefox`" + ` or ` + "`cors.WebKit`" + `, and the result carries that engine's verdict, its
console lines character for character (` + "`Result.ConsoleLines`" + `) and, for Firefox, its error code.
On the command line, ` + "`--browser-engine chromium|firefox|webkit|all`" + ` chooses (see
[explain.md](explain.md)), and ` + "`corsdoctor browser --engine`" + ` runs the request in the real browser
(see [browser.md](browser.md)).

## How it is verified

The differential suite in ` + "`collect/browser`" + ` runs 878 generated scenarios in three real
browsers, in CI, and compares every observation with the engine of that browser run on the
very responses the browser received:

| browser | driven through | console lines read from |
|---|---|---|
| Chromium (Debian ` + "`chromium`" + `) | the DevTools protocol (chromedp) | ` + "`Log.entryAdded`" + ` |
| Firefox ESR (` + "`firefox-esr`" + `) | WebDriver BiDi | ` + "`log.entryAdded`" + ` |
| WebKitGTK (` + "`webkit2gtk-driver`" + `, under ` + "`xvfb`" + `) | WebKitWebDriver | a second MiniBrowser outside automation, with ` + "`enable-write-console-messages-to-stdout`" + ` |

WebKit runs automation sessions in an ephemeral data store, and WebCore passes no console
message of an ephemeral page to any client (` + "`FrameConsoleClient::addMessage`" + `): a WebDriver
session cannot read WebKit's console. The suite therefore runs every scenario twice in WebKitGTK,
through WebKitWebDriver and in a MiniBrowser outside automation, and requires both to agree.

Firefox and WebKit reach the test servers through corsdoctor's loopback proxy, which plays the
page origins, maps the test host names and records every exchange; it relays each response byte
for byte on a connection of its own (the browser therefore sees ` + "`Connection: close`" + `). The
recorded real outputs are replayed offline by ` + "`cors`" + `' tests
(` + "`cors/testdata/{chromium,firefox,webkit}/observed.json`" + `).

` + "`TestCrossBrowserDifferences`" + ` compares the three browsers with each other, scenario by scenario
(the verdict, every preflight with its Access-Control-Request-* values, the Origin of every
request), and fails on any difference that none of the entries below explains, and on an
observable entry no scenario shows.

Accepted differences between an engine and its browser, none of them a verdict:

- Mixed-content and same-origin lines name the page's URL; the engine knows only the page's
  origin and writes the origin and ` + "`/`" + ` (the suite compares the rest of the line).
- With several request headers refused by a preflight, Chromium names the first in the order
  of Blink's header map (a hash table); the engine accepts any of them.

## Differences

| ID | Difference |
|---|---|
`)
	for _, d := range cors.Differences {
		fmt.Fprintf(&b, "| [%s](#%s) | %s |\n", d.ID, d.ID, d.Title)
	}
	for _, d := range cors.Differences {
		fmt.Fprintf(&b, "\n## %s\n\n%s.\n\n", d.ID, d.Title)
		fmt.Fprintf(&b, "- Chromium: %s.\n- Firefox: %s.\n- WebKit (Safari): %s.\n\n", d.Chromium, d.Firefox, d.WebKit)
		fmt.Fprintf(&b, "Consequence: %s.\n\n", d.Why)
		if d.Observable {
			b.WriteString("Shown by the differential scenarios (TestCrossBrowserDifferences).\n\n")
		}
		b.WriteString("Sources:\n\n")
		for _, s := range d.Sources {
			fmt.Fprintf(&b, "- %s\n", s)
		}
	}
	return b.Bytes()
}
