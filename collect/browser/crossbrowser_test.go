package browser

import (
	"fmt"
	"sort"
	"strings"
	"testing"

	"github.com/corsdoctor/corsdoctor/cors"
)

// browserFacts is what one real browser did with a scenario, in the
// terms all three share.
type browserFacts struct {
	Allowed   bool
	Preflight string // "" or "METHOD [headers]" of every preflight, in order
	Origins   string // the Origin of every request, in order
}

func factsOf(obs *Observation) browserFacts {
	f := browserFacts{Allowed: obs.Allowed}
	var pf, org []string
	for _, h := range obs.Hops {
		for _, e := range []*Exchange{h.Preflight, h.Actual} {
			if e == nil || len(e.RequestHeaders) == 0 {
				continue
			}
			o, _ := e.RequestHeader("Origin")
			org = append(org, o)
		}
		if e := h.Preflight; e != nil {
			m, _ := e.RequestHeader(cors.HeaderRequestMethod)
			hs, _ := e.RequestHeader(cors.HeaderRequestHeaders)
			pf = append(pf, m+" ["+hs+"]")
		}
	}
	f.Preflight = strings.Join(pf, " | ")
	f.Origins = strings.Join(org, " ")
	return f
}

// TestCrossBrowserDifferences runs the scenario table in real Chromium,
// Firefox and WebKit and checks that every point where they differ (the
// verdict, the preflights with their Access-Control-Request-* values, the
// Origin of each request) is one of the differences cors.Differences
// documents, and that every observable documented difference shows up.
// The engines' own agreement with each browser is checked by
// TestDifferential, TestDifferentialFirefox and TestDifferentialWebKit.
func TestCrossBrowserDifferences(t *testing.T) {
	runs := map[cors.Engine]*engineRun{
		cors.Chromium: runKind(t, "chromium"),
		cors.Firefox:  runKind(t, "firefox"),
		cors.WebKit:   runKind(t, "webkit"),
	}
	claimed := map[string]int{}
	undocumented := 0
	for i, s := range diffTable() {
		facts := map[cors.Engine]browserFacts{}
		for e, r := range runs {
			if r.obs[i] == nil {
				continue
			}
			facts[e] = factsOf(r.obs[i])
		}
		if len(facts) < 3 {
			continue // a browser could not run it: TestDifferential* reports that
		}
		c, f, w := facts[cors.Chromium], facts[cors.Firefox], facts[cors.WebKit]
		if c == f && c == w {
			continue
		}
		ids := classifyDifference(&s, c, f, w)
		for _, id := range ids {
			claimed[id]++
		}
		if len(ids) == 0 {
			undocumented++
			t.Errorf("scenario %d %s: the browsers differ and no documented difference explains it:\n  chromium %+v\n  firefox  %+v\n  webkit   %+v",
				i, s.Name, c, f, w)
		}
	}
	var lines []string
	for _, d := range cors.Differences {
		if !d.Observable {
			continue
		}
		lines = append(lines, fmt.Sprintf("%s: %d scenarios", d.ID, claimed[d.ID]))
		if claimed[d.ID] == 0 && *only == "" {
			t.Errorf("documented difference %s (%s) shows in no scenario: remove it or add a scenario", d.ID, d.Title)
		}
	}
	sort.Strings(lines)
	t.Logf("cross-browser differences by documented cause:\n  %s", strings.Join(lines, "\n  "))
}

// classifyDifference names the documented differences that explain a
// scenario's cross-browser difference.
func classifyDifference(s *scenario, c, f, w browserFacts) []string {
	var ids []string
	for _, d := range cors.Differences {
		if match := differenceMatchers[d.ID]; match != nil && match(s, c, f, w) {
			ids = append(ids, d.ID)
		}
	}
	return ids
}

// differenceMatchers says, per documented difference, which scenarios it
// explains: a scenario property (the cause) and the browser facts it
// changes (the effect).
var differenceMatchers = map[string]func(s *scenario, c, f, w browserFacts) bool{
	"client-hint-safelist": func(s *scenario, c, f, w browserFacts) bool {
		return s.hasHeader("dpr", "downlink", "device-memory", "ect", "rtt", "save-data", "viewport-width", "width", "intervention") &&
			c.Preflight != f.Preflight && f.Preflight == w.Preflight
	},
	"redirect-keeps-preflight": func(s *scenario, c, f, w browserFacts) bool {
		n := func(x browserFacts) int { return strings.Count(x.Preflight, "[") }
		return s.redirects() && (n(c) < n(f) || n(c) < n(w) || f.Preflight != w.Preflight)
	},
	"redirect-preflight-origin": func(s *scenario, c, f, w browserFacts) bool {
		return s.crossOriginRedirect() && f.Origins != w.Origins && c.Origins == w.Origins
	},
	"upload-listeners-without-body": func(s *scenario, c, f, w browserFacts) bool {
		return s.Upload && !s.Body && c.Preflight == "" && f.Preflight != "" && w.Preflight != ""
	},
	"loopback-mixed-content": func(s *scenario, c, f, w browserFacts) bool {
		return strings.HasPrefix(s.Origin, "https:") && (s.Target == "ip" || s.Target == "localhost") &&
			c.Allowed == f.Allowed && !w.Allowed
	},
	"firefox-non-ascii-unsafe": func(s *scenario, c, f, w browserFacts) bool {
		for _, h := range s.Headers {
			if (strings.EqualFold(h.Name, "accept") || strings.EqualFold(h.Name, "content-type")) && hasNonASCII(h.Value) {
				return c == w && f.Preflight != c.Preflight
			}
		}
		return false
	},
	"firefox-duplicate-request-headers": func(s *scenario, c, f, w browserFacts) bool {
		seen := map[string]bool{}
		for _, h := range s.Headers {
			k := strings.ToLower(h.Name)
			if seen[k] {
				return c == w && f.Preflight != c.Preflight
			}
			seen[k] = true
		}
		return false
	},
}

func (s *scenario) hasHeader(names ...string) bool {
	for _, h := range s.Headers {
		for _, n := range names {
			if strings.EqualFold(h.Name, n) {
				return true
			}
		}
	}
	return false
}

func (s *scenario) redirects() bool { return s.Redirect.Status != 0 || len(s.Chain) > 0 }

func (s *scenario) crossOriginRedirect() bool {
	if s.Redirect.Status != 0 {
		return s.Redirect.To != "same" && s.Redirect.To != "relative"
	}
	for _, l := range s.Chain {
		if l.To != "api" {
			return true
		}
	}
	return false
}

func hasNonASCII(v string) bool {
	for i := 0; i < len(v); i++ {
		if v[i] >= 0x80 {
			return true
		}
	}
	return false
}
