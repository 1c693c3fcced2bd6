package cli

import (
	"encoding/json"
	"fmt"

	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/corsdoctor/corsdoctor/bench/scantarget"
	"github.com/corsdoctor/corsdoctor/report"
)

const attackHost = "api.example.test"

// namedTarget serves the bench target under api.example.test, which only
// the scan's --resolve maps to loopback, over http (trusting the http
// front end http://app.example.com) or over https with a throw-away
// certificate authority the scan trusts through --cacert. It returns the
// base URL, the flags that reach it and the attacker's page scheme.
func namedTarget(t *testing.T, https bool) (base string, flags []string, page string) {
	t.Helper()
	cfg := scantarget.Config{Trusted: "http://app.example.com"}
	var cert *scantarget.Cert
	if https {
		cfg.Trusted = scantarget.TrustedOrigin
		var err error
		if cert, err = scantarget.NewCert(attackHost); err != nil {
			t.Fatal(err)
		}
	}
	st := scantarget.New(cfg)
	n, err := scantarget.ServeNamed(st, attackHost, cert)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close(); n.Close() })
	hp := strings.TrimPrefix(strings.TrimPrefix(n.URL, "https://"), "http://")
	flags = []string{"--resolve", hp + ":127.0.0.1", "--trusted-origin", cfg.Trusted}
	page = "http"
	if https {
		flags = append(flags, "--cacert", writeFile(t, "ca.pem", string(cert.PEM)))
		page = "https"
	}
	return n.URL, flags, page
}

func recordRules(r report.ScanRecord) []string {
	ids := []string{}
	for _, f := range r.Findings {
		if !slices.Contains(ids, f.ID) {
			ids = append(ids, f.ID)
		}
	}
	sort.Strings(ids)
	return ids
}

func policyOf(target string) scantarget.Policy {
	name := target[strings.LastIndex(target, "/p/")+3:]
	name, _, _ = strings.Cut(name, "?")
	p, _ := scantarget.PolicyByName(name)
	return p
}

// TestScanAttackerPage scans every bench policy through the command, on
// http://127.0.0.1 and on an http and an https target reached by host
// name: every class is found from the page the attacker would host, the
// vulnerable targets raise exactly their rules, the correct ones none.
func TestScanAttackerPage(t *testing.T) {
	for _, setup := range []string{"loopback", "http", "https"} {
		t.Run(setup, func(t *testing.T) {
			var base, page string
			var flags []string
			if setup == "loopback" {
				base, page = benchTarget(t, scantarget.Config{}, nil), "https"
				flags = []string{"--trusted-origin", scantarget.TrustedOrigin}
			} else {
				base, flags, page = namedTarget(t, setup == "https")
			}
			list := writeFile(t, "targets.txt", policyTargets(base))
			stdout, stderr, code := run(t, "", append([]string{"scan", "-i", list, "--json", "-c", "4"}, flags...)...)
			if code != ExitFindings {
				t.Fatalf("exit %d; stderr:\n%s", code, stderr)
			}
			recs := readRecords(t, stdout)
			if len(recs) != len(scantarget.Policies) {
				t.Fatalf("%d records for %d policies", len(recs), len(scantarget.Policies))
			}
			for _, r := range recs {
				p := policyOf(r.Target)
				want := append([]string{}, p.RulesFor(page)...)
				sort.Strings(want)
				if got := recordRules(r); !slices.Equal(got, want) {
					t.Errorf("%s: rules %v, want %v", p.Name, got, want)
				}
				if wantStatus := map[bool]string{true: report.ScanVulnerable, false: report.ScanClean}[len(want) > 0]; r.Status != wantStatus {
					t.Errorf("%s: status %q, want %q", p.Name, r.Status, wantStatus)
				}
				for _, f := range r.Findings {
					// Every origin the attacker hosts has the page's
					// scheme, except null (a sandboxed iframe), the http
					// twin (CD3008) and the private network preflight
					// (an https page: CD3012).
					origin := "Origin: " + page + "://"
					if !slices.Contains([]string{"CD3002", "CD3008", "CD3012", "CD3014"}, f.ID) && !slices.ContainsFunc(f.Evidence, func(l string) bool { return strings.Contains(l, origin) }) {
						t.Errorf("%s %s: the probe was not sent from an %s page: %q", p.Name, f.ID, page, f.Evidence)
					}
				}
			}
		})
	}
}

// TestScanAdaptiveMatchesThorough scans a list where 40% of the targets
// are vulnerable and half send no CORS headers, once adaptively and once
// with --thorough: the adaptive run finds every class the full probe set
// finds, on every target, with at most 8 requests per URL on average.
func TestScanAdaptiveMatchesThorough(t *testing.T) {
	mix := scantarget.WildMix()
	total, vulnerable, none := len(mix), 0, 0
	for _, name := range mix {
		if p, _ := scantarget.PolicyByName(name); p.Vulnerable {
			vulnerable++
		}
		if name == "ok-none" {
			none++
		}
	}
	if total != 60 || vulnerable != 24 || none != total/2 {
		t.Fatalf("mix of %d targets, %d vulnerable, %d without CORS: want 60, 24, 30", total, vulnerable, none)
	}
	for _, https := range []bool{false, true} {
		t.Run(map[bool]string{false: "http", true: "https"}[https], func(t *testing.T) {
			base, flags, page := namedTarget(t, https)
			var in strings.Builder
			for i, name := range mix {
				fmt.Fprintf(&in, "%s/p/%s?i=%d\n", base, name, i)
			}
			list := writeFile(t, "targets.txt", in.String())
			scanRun := func(extra ...string) (map[string]report.ScanRecord, float64) {
				args := append(append([]string{"scan", "-i", list, "--json", "-c", "8"}, flags...), extra...)
				stdout, stderr, code := run(t, "", args...)
				if code != ExitFindings {
					t.Fatalf("%v: exit %d; stderr:\n%s", extra, code, stderr)
				}
				if !strings.Contains(stderr, " per target) in ") {
					t.Errorf("the summary lacks the requests per target: %s", stderr)
				}
				recs := map[string]report.ScanRecord{}
				requests := 0
				for _, r := range readRecords(t, stdout) {
					recs[r.Target] = r
					requests += r.Requests
				}
				if len(recs) != total {
					t.Fatalf("%v: %d records for %d targets", extra, len(recs), total)
				}
				return recs, float64(requests) / float64(total)
			}
			adaptive, perURL := scanRun()
			thorough, perURLThorough := scanRun("--thorough")
			t.Logf("%s targets: %.2f requests per URL adaptive, %.2f with --thorough", page, perURL, perURLThorough)
			if perURL > 8 {
				t.Errorf("adaptive: %.2f requests per URL, want at most 8", perURL)
			}
			if perURLThorough < 3*perURL {
				t.Errorf("--thorough sent %.2f requests per URL, adaptive %.2f: the full probe set is not being sent", perURLThorough, perURL)
			}
			for u, a := range adaptive {
				th := thorough[u]
				want := append([]string{}, policyOf(u).RulesFor(page)...)
				sort.Strings(want)
				if got, full := recordRules(a), recordRules(th); !slices.Equal(got, full) || !slices.Equal(full, want) {
					t.Errorf("%s: adaptive found %v, --thorough %v, want %v", u, got, full, want)
				}
				if a.Requests > th.Requests {
					t.Errorf("%s: adaptive sent %d requests, --thorough %d", u, a.Requests, th.Requests)
				}
			}
		})
	}
}

// TestScanGroups: five endpoints behind one reflecting gateway are one
// problem with five places in the text output, the HTML report and
// SARIF, while --json keeps one full record per target. The SARIF
// fingerprint depends on the host and the finding only: another run
// from another input file, with the places in another order, keeps it.
func TestScanGroups(t *testing.T) {
	base := benchTarget(t, scantarget.Config{}, nil)
	var lines []string
	for i := 0; i < 5; i++ {
		lines = append(lines, fmt.Sprintf("%s/p/reflect-creds?item=%d", base, i))
	}
	lines = append(lines, base+"/p/null")
	list := writeFile(t, "targets.txt", strings.Join(lines, "\n")+"\n")
	dir := t.TempDir()
	html, sarif := filepath.Join(dir, "scan.html"), filepath.Join(dir, "scan.sarif")
	stdout, stderr, code := run(t, "", "scan", "-i", list, "-c", "1", "--trusted-origin", scantarget.TrustedOrigin, "--html", html, "--sarif", sarif)
	if code != ExitFindings {
		t.Fatalf("exit %d; stderr:\n%s", code, stderr)
	}
	if n := strings.Count(stdout, "request sent:"); n != 2 {
		t.Errorf("%d proofs in the text output, want 2 (one per problem):\n%s", n, stdout)
	}
	first := "GET " + base + "/p/reflect-creds?item=0"
	if n := strings.Count(stdout, "CD3001 error origin-reflected: the same problem as "+first+" (proof above)"); n != 4 {
		t.Errorf("%d back references to the first place, want 4:\n%s", n, stdout)
	}
	if !strings.Contains(stdout, "6 findings, 2 problems (the same rule and response on targets of one origin):") ||
		!strings.Contains(stdout, "CD3001 error origin-reflected on "+base+": 5 targets: "+first+", ") || !strings.Contains(stdout, " and 2 more") {
		t.Errorf("text summary of the problems missing:\n%s", stdout)
	}
	page := mustRead(t, html)
	if !strings.Contains(page, "5 targets on "+base) || !strings.Contains(page, "6 findings, 2 problems") {
		t.Errorf("HTML report does not group the five places")
	}
	// JSON Lines: unchanged, one complete record per target.
	jsonOut, _, _ := run(t, "", "scan", "-i", list, "--json", "--trusted-origin", scantarget.TrustedOrigin)
	for _, r := range readRecords(t, jsonOut) {
		if len(r.Findings) != 1 || !slices.Contains(r.Findings[0].Evidence, "request sent:") {
			t.Errorf("%s: record %+v, want its own finding with its proof", r.Target, r.Findings)
		}
	}

	type result struct {
		RuleID              string `json:"ruleId"`
		Message             struct{ Text string }
		PartialFingerprints map[string]string `json:"partialFingerprints"`
	}
	read := func(name string) []result {
		var log struct {
			Runs []struct {
				Results []result `json:"results"`
			} `json:"runs"`
		}
		if err := json.Unmarshal([]byte(mustRead(t, name)), &log); err != nil {
			t.Fatal(err)
		}
		return log.Runs[0].Results
	}
	res := read(sarif)
	if len(res) != 2 {
		t.Fatalf("%d SARIF results, want one per problem", len(res))
	}
	msg := res[0].Message.Text
	for _, want := range []string{"request sent:", "Access-Control-Allow-Origin: https://corsdoctor-attacker.example", "verdict (Chromium engine)", "The same on 5 targets of " + base} {
		if !strings.Contains(msg, want) {
			t.Errorf("SARIF message lacks %q:\n%s", want, msg)
		}
	}
	// Another run: other file, other order, fewer places.
	slices.Reverse(lines)
	list2 := writeFile(t, "other.txt", "# moved\n"+strings.Join(lines[:4], "\n")+"\n")
	sarif2 := filepath.Join(dir, "again.sarif")
	if _, stderr, code := run(t, "", "scan", "-i", list2, "-c", "2", "--trusted-origin", scantarget.TrustedOrigin, "--sarif", sarif2); code != ExitFindings {
		t.Fatalf("second run: exit %d; stderr:\n%s", code, stderr)
	}
	fp := map[string]string{}
	for _, r := range res {
		fp[r.RuleID] = r.PartialFingerprints["corsdoctor/v1"]
	}
	for _, r := range read(sarif2) {
		if got := r.PartialFingerprints["corsdoctor/v1"]; got == "" || got != fp[r.RuleID] {
			t.Errorf("%s: fingerprint %q in the second run, %q in the first", r.RuleID, got, fp[r.RuleID])
		}
	}
	if fp["CD3001"] == fp["CD3002"] {
		t.Errorf("two problems share the fingerprint %s", fp["CD3001"])
	}
}

func TestScanResolveAndCACertUsage(t *testing.T) {
	for _, tc := range []struct {
		desc string
		args []string
		want string
	}{
		{"resolve without address", []string{"--resolve", "api.example.test:443"}, "is not HOST:PORT:ADDR"},
		{"resolve bad port", []string{"--resolve", "api.example.test:http:127.0.0.1"}, "invalid port"},
		{"resolve to a name", []string{"--resolve", "api.example.test:443:localhost"}, "is not an IP address"},
		{"cacert missing", []string{"--cacert", "/nonexistent/ca.pem"}, "--cacert: open"},
		{"cacert not PEM", []string{"--cacert", writeFile(t, "ca.pem", "not a certificate")}, "no PEM certificate"},
	} {
		t.Run(tc.desc, func(t *testing.T) {
			_, stderr, code := run(t, "", append([]string{"scan", "https://api.example.test/"}, tc.args...)...)
			if code != ExitUsage || !strings.Contains(stderr, tc.want) {
				t.Fatalf("exit %d, stderr %q; want exit 2 and %q", code, stderr, tc.want)
			}
		})
	}
}
