package report

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"strings"

	"github.com/corsdoctor/corsdoctor/cors"
	"github.com/corsdoctor/corsdoctor/diag"
)

// ScanRecord is one target's result of corsdoctor scan: one line of its
// --json output (JSON Lines, docs/json.md), and what the text, --html,
// --sarif and web UI outputs start from.
type ScanRecord struct {
	Target   string    `json:"target"`
	Method   string    `json:"method"`
	Input    string    `json:"input,omitempty"`
	Status   string    `json:"status"`
	Error    string    `json:"error,omitempty"`
	Note     string    `json:"note,omitempty"`
	Requests int       `json:"requests"`
	Findings []Finding `json:"findings"`
}

// ScanRecord statuses.
const (
	ScanClean      = "clean"
	ScanVulnerable = "vulnerable"
	ScanError      = "error"
)

// ScanText renders one record for a terminal. seen[i], when set, names
// the target whose output already proved finding i's problem: the
// finding is then one line pointing there.
func ScanText(out io.Writer, rec ScanRecord, seen []string) error {
	tw := &errWriter{w: out}
	tw.printf("%s\n", ScanStatusLine(rec))
	if rec.Note != "" {
		tw.printf("  note: %s\n", rec.Note)
	}
	for i, f := range rec.Findings {
		if i < len(seen) && seen[i] != "" {
			tw.printf("  %s %s %s: the same problem as %s (proof above)\n", f.ID, f.Severity, f.Name, seen[i])
			continue
		}
		tw.printf("  %s %s %s: %s\n", f.ID, f.Severity, f.Name, f.Title)
		tw.printf("    %s\n", f.Detail)
		for _, e := range f.Evidence {
			tw.printf("    %s\n", e)
		}
		tw.printf("    fix: %s\n", f.Fix)
	}
	return tw.err
}

// ScanStatusLine is a record's first text line: status, method, target.
func ScanStatusLine(rec ScanRecord) string {
	switch rec.Status {
	case ScanError:
		return fmt.Sprintf("ERROR      %s %s: %s", rec.Method, rec.Target, rec.Error)
	case ScanVulnerable:
		return fmt.Sprintf("VULNERABLE %s %s (%d requests)", rec.Method, rec.Target, rec.Requests)
	default:
		return fmt.Sprintf("ok         %s %s (%d requests)", rec.Method, rec.Target, rec.Requests)
	}
}

// A scan problem is one finding repeated across targets: the same rule
// with the same severity and detail, on targets of the same origin
// (scheme, host, port), with the same deciding response lines. 5,000
// endpoints behind one misconfigured gateway are one problem with 5,000
// places. The JSON Lines output keeps one record per target; the text
// output proves a problem once, --html and --sarif list each problem once
// with its places.

// maxPlaces bounds the places a problem remembers by name; the count
// goes on.
const maxPlaces = 20

type scanProblem struct {
	host  string
	first Finding
	// sarif is the first place's finding as SARIF carries it.
	sarif  *diag.Finding
	places []string
	count  int
}

// ScanProblems groups a scan's findings across targets into problems,
// for the text summary, --html, --sarif and the web UI's Scan page.
type ScanProblems struct {
	max int
	// keep: remember each problem's first finding (--html).
	keep bool
	// byKey is keyed by the SHA-256 of the problem key: 32 bytes a
	// problem, whatever the proof's size.
	byKey map[[32]byte]*scanProblem
	list  []*scanProblem
	// Dropped counts the findings of problems beyond max (their records
	// are complete in --json).
	Dropped int
}

// NewScanProblems keeps at most max problems; keep remembers each
// problem's first finding whole (for Page).
func NewScanProblems(max int, keep bool) *ScanProblems {
	return &ScanProblems{max: max, keep: keep, byKey: map[[32]byte]*scanProblem{}}
}

// scanDecidingLines are the lines of a finding's proof that say what the
// server decided: the evidence without the request block (it names the
// path and carries secrets), the status lines (an error page and a 200
// share one policy) and cookie values (they differ on every response).
func scanDecidingLines(evidence []string) []string {
	var out []string
	inRequest := false
	for _, l := range evidence {
		t := strings.TrimSpace(l)
		switch {
		case l == "request sent:":
			inRequest = true
			continue
		case inRequest && strings.HasPrefix(l, "  "):
			continue
		}
		inRequest = false
		if strings.HasPrefix(t, "response: ") || strings.HasPrefix(t, "preflight response: ") || strings.HasPrefix(t, "Set-Cookie:") {
			continue
		}
		out = append(out, t)
	}
	return out
}

// scanProblemKey identifies a problem; host is the target's origin.
func scanProblemKey(targetURL, id, severity, detail string, evidence []string) (key, host string) {
	host, err := cors.OriginOf(targetURL)
	if err != nil {
		host = targetURL
	}
	return strings.Join(append([]string{host, id, severity, detail}, scanDecidingLines(evidence)...), "\x00"), host
}

// Add records one finding of the target method targetURL (sf: its SARIF
// form, when --sarif is on). It returns "" when the finding starts a
// problem (or the bound is reached: it stands alone), else the first
// place of its problem.
func (ps *ScanProblems) Add(method, targetURL string, f Finding, sf *diag.Finding) string {
	key, host := scanProblemKey(targetURL, f.ID, f.Severity, f.Detail, f.Evidence)
	sum := sha256.Sum256([]byte(key))
	p := ps.byKey[sum]
	if p == nil {
		if len(ps.list) >= ps.max {
			ps.Dropped++
			return ""
		}
		p = &scanProblem{host: host, sarif: sf}
		p.first.ID, p.first.Severity, p.first.Name = f.ID, f.Severity, f.Name
		if ps.keep {
			p.first = f
		}
		ps.byKey[sum] = p
		ps.list = append(ps.list, p)
	}
	p.count++
	if len(p.places) < maxPlaces {
		p.places = append(p.places, strings.TrimSpace(method+" "+targetURL))
	}
	if p.count == 1 {
		return ""
	}
	return p.places[0]
}

// placesText lists up to n places and how many more there are.
func (p *scanProblem) placesText(n int) string {
	shown := p.places[:min(n, len(p.places))]
	s := strings.Join(shown, ", ")
	if more := p.count - len(shown); more > 0 {
		s += fmt.Sprintf(" and %d more", more)
	}
	return s
}

func (p *scanProblem) targets() string {
	if p.count == 1 {
		return "1 target"
	}
	return fmt.Sprintf("%d targets", p.count)
}

// Text ends the text report with the problems found on more than one
// target, each with its places.
func (ps *ScanProblems) Text(out io.Writer) error {
	var rep []*scanProblem
	findings := 0
	for _, p := range ps.list {
		findings += p.count
		if p.count > 1 {
			rep = append(rep, p)
		}
	}
	if len(rep) == 0 {
		return nil
	}
	tw := &errWriter{w: out}
	problems := fmt.Sprintf("%d problems", len(ps.list))
	if len(ps.list) == 1 {
		problems = "1 problem"
	}
	tw.printf("\n%d findings, %s (the same rule and response on targets of one origin):\n", findings, problems)
	for _, p := range rep {
		tw.printf("  %s %s %s on %s: %s: %s\n", p.first.ID, p.first.Severity, p.first.Name, p.host, p.targets(), p.placesText(3))
	}
	if n := len(ps.list) - len(rep); n > 0 {
		tw.printf("  and %d on one target each (above)\n", n)
	}
	return tw.err
}

// Page is the --html report: one entry per problem, its proof from the
// first place, and where else it holds.
func (ps *ScanProblems) Page(scanned, vulnerable int64) Page {
	findings := 0
	page := Page{Title: "corsdoctor scan"}
	for _, p := range ps.list {
		findings += p.count
		f := p.first
		if p.count > 1 {
			f.Location = p.targets() + " on " + p.host + ": " + p.placesText(maxPlaces)
		}
		page.Findings = append(page.Findings, f)
	}
	page.Subtitle = fmt.Sprintf("%d targets scanned, %d vulnerable: %d findings, %d problems", scanned, vulnerable, findings+ps.Dropped, len(ps.list))
	if ps.Dropped > 0 {
		page.Sections = append(page.Sections, Section{Heading: "Truncated",
			Text: fmt.Sprintf("%d further findings are in the --json output only.", ps.Dropped)})
	}
	return page
}

// SARIF returns one SARIF result per problem, anchored at its first
// place, the message carrying the proof and the other places.
func (ps *ScanProblems) SARIF() []diag.Finding {
	var out []diag.Finding
	for _, p := range ps.list {
		if p.sarif == nil {
			continue
		}
		f := *p.sarif
		if p.count > 1 {
			f.Detail += fmt.Sprintf("\nThe same on %s of %s: %s", p.targets(), p.host, p.placesText(maxPlaces))
		}
		out = append(out, f)
	}
	return out
}

// ScanFingerprint is a problem's SARIF partial fingerprint: the rule, the
// target's origin and the deciding response lines, so code scanning
// keeps one alert per host and finding across runs (input files move,
// paths and cookie values change, the severity may follow the
// credentials).
func ScanFingerprint(f diag.Finding) string {
	host, err := cors.OriginOf(f.Location.URL)
	if err != nil {
		host = f.Location.URL
	}
	h := sha256.New()
	for _, s := range append([]string{f.RuleID, host}, scanDecidingLines(f.Evidence)...) {
		h.Write([]byte(s))
		h.Write([]byte{0})
	}
	return hex.EncodeToString(h.Sum(nil)[:16])
}
