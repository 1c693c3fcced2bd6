package fix

import (
	"fmt"
	"github.com/corsdoctor/corsdoctor/diag"
	"sort"
	"strings"

	"github.com/corsdoctor/corsdoctor/apimodel"
	"github.com/corsdoctor/corsdoctor/cors"
	"github.com/corsdoctor/corsdoctor/fix/fixer"
	"github.com/corsdoctor/corsdoctor/rules"
)

// Verdict is the browser's verdict on one simulated request.
type Verdict struct {
	Allowed bool `json:"allowed"`
	// Unknown is set when the simulation depends on values only known at
	// run time (unresolved references, function code not found): the
	// verdict is then a guess and is not used as proof.
	Unknown bool `json:"unknown,omitempty"`
	// Stage and Error say where and why the browser blocks
	// (Chromium's CorsError name).
	Stage string `json:"stage,omitempty"`
	Error string `json:"error,omitempty"`
	// Missing is true when the route does not exist on this side.
	Missing bool `json:"missing,omitempty"`
}

func (v Verdict) String() string {
	var s string
	switch {
	case v.Missing:
		return "-"
	case v.Allowed:
		s = "ALLOWED"
	case v.Error != "":
		s = "BLOCKED (" + v.Error + ")"
	default:
		s = "BLOCKED"
	}
	if v.Unknown {
		s += "?"
	}
	return s
}

// checkOrder is the order in which Chromium checks a preflight response
// and then the actual response, as package cors implements it
// (cors.Fetch.ReceivePreflight: a redirect, then the access check on
// Allow-Origin and Allow-Credentials, then the status, then
// Allow-Methods and Allow-Headers): a request blocked at a later check
// has got further.
var checkOrder = map[string]int{
	"PreflightDisallowedRedirect":       10,
	"PreflightMissingAllowOriginHeader": 12, "PreflightMultipleAllowOriginValues": 12, "PreflightInvalidAllowOriginValue": 12,
	"PreflightAllowOriginMismatch": 12, "PreflightWildcardOriginNotAllowed": 12,
	"PreflightInvalidAllowCredentials":     13,
	"PreflightInvalidStatus":               14,
	"InvalidAllowMethodsPreflightResponse": 15, "MethodDisallowedByPreflightResponse": 15,
	"InvalidAllowHeadersPreflightResponse": 16, "HeaderDisallowedByPreflightResponse": 16,
	"MissingAllowOriginHeader": 22, "MultipleAllowOriginValues": 22, "InvalidAllowOriginValue": 22,
	"AllowOriginMismatch": 22, "WildcardOriginNotAllowed": 22,
	"InvalidAllowCredentials": 23,
}

// rank orders verdicts by how far the request got: the check that
// blocked it (checkOrder), 30 for ALLOWED.
func (v Verdict) rank() int {
	if v.Allowed {
		return 30
	}
	if r, ok := checkOrder[v.Error]; ok {
		return r
	}
	switch v.Stage {
	case string(cors.StagePreflight):
		return 17
	case string(cors.StageActual):
		return 24
	}
	return 0
}

// Row is one simulated request, before and after.
type Row struct {
	// API is the API's logical ID (Terraform address, live id), File
	// the file that defines it.
	API  string `json:"api"`
	File string `json:"file,omitempty"`
	// ident identifies the API across lints.
	ident    string
	Method   string            `json:"method"`
	Path     string            `json:"path"`
	Origin   string            `json:"origin"`
	Scenario apimodel.Scenario `json:"scenario"`
	// Request describes the request as the page sends it.
	Request string  `json:"request"`
	Before  Verdict `json:"before"`
	After   Verdict `json:"after"`
}

// Route renders "PUT /items/{id}".
func (r Row) Route() string { return r.Method + " " + r.Path }

func (r Row) key() string {
	return strings.Join([]string{r.ident, r.Method, r.Path, r.Origin, string(r.Scenario)}, "\x00")
}

// apiKey identifies an API across two lints of the same files.
func apiKey(a *apimodel.API) string { return a.Format + "\x00" + a.Source.File + "\x00" + a.ID }

// simOrigins are the origins a proof simulates for an API: --origin, else
// the well-formed origins the API allows, else one stand-in origin for
// APIs that allow any ("*") or none.
func simOrigins(api *apimodel.API, given []string) []string {
	if len(given) > 0 {
		return given
	}
	var out []string
	for _, o := range fixer.ConfiguredOrigins(api) {
		if o != "*" && fixer.WellFormedOrigin(o) {
			out = append(out, o)
		}
	}
	if len(out) == 0 {
		out = []string{anyOrigin}
	}
	return out
}

// originsFor maps each API (by apiKey) to the origins its before and
// after simulations share: --origin, else the union of what each side
// derives, so that rows pair up when a fix changes the allowed origins.
func originsFor(given []string, lists ...[]*apimodel.API) map[string][]string {
	out := map[string][]string{}
	for _, l := range lists {
		for _, a := range l {
			k := apiKey(a)
			for _, o := range simOrigins(a, given) {
				if !containsString(out[k], o) {
					out[k] = append(out[k], o)
				}
			}
		}
	}
	for k, os := range out {
		if len(os) > 1 && containsString(os, anyOrigin) {
			// A configured origin replaces the stand-in on the side
			// that had none.
			var kept []string
			for _, o := range os {
				if o != anyOrigin {
					kept = append(kept, o)
				}
			}
			out[k] = kept
		}
		sort.Strings(out[k])
	}
	return out
}

func containsString(l []string, s string) bool {
	for _, x := range l {
		if x == s {
			return true
		}
	}
	return false
}

// anyOrigin stands for "a page on any origin" when no --origin is given
// and the API names none.
const anyOrigin = "https://page.example"

// simulate runs every client request of every API through the model and
// the engine. Keys are Row.key(). Pages of APIs in cred (by apiKey) send
// credentials (fetch credentials: 'include'), as a page does when the API
// allows them.
func simulate(apis []*apimodel.API, origins map[string][]string, headers []string, cred map[string]bool) map[string]Row {
	out := map[string]Row{}
	var extra []cors.Header
	for _, h := range headers {
		extra = append(extra, cors.Header{Name: h, Value: "x"})
	}
	for _, api := range apis {
		// The headers the repository's front-end code sends are sent
		// too (rule CD2027 finds them).
		extra := extra
		for _, c := range api.Clients {
			for _, h := range c.Headers {
				if !hasHeader(extra, h) {
					extra = append(extra, cors.Header{Name: h, Value: "x"})
				}
			}
		}
		for _, origin := range origins[apiKey(api)] {
			for _, rt := range rules.ClientRoutes(api) {
				scen := []apimodel.Scenario{apimodel.Success}
				if rt.Auth || rt.Key {
					scen = append(scen, apimodel.Unauthorized)
				}
				for _, sc := range scen {
					req := rules.ClientRequest(api, origin, rt)
					for _, h := range extra {
						if !hasHeader(req.Headers, h.Name) {
							req.Headers = append(req.Headers, h)
						}
					}
					if cred[apiKey(api)] {
						req.Credentials = cors.CredentialsInclude
					}
					s := apimodel.Simulate(api, "", req, sc)
					res := s.Result(req)
					v := Verdict{Allowed: res.Allowed, Unknown: len(s.Unknown) > 0}
					if !res.Allowed {
						v.Stage, v.Error = string(res.Stage), string(res.Error)
					}
					row := Row{API: api.ID, File: api.Source.File, ident: apiKey(api), Method: rt.Method, Path: rt.Path, Origin: origin, Scenario: sc, Request: describe(req, sc)}
					if old, dup := out[row.key()]; dup && old.Before.rank() <= v.rank() {
						continue
					}
					row.Before = v
					out[row.key()] = row
				}
			}
		}
	}
	return out
}

func describe(req *cors.Request, sc apimodel.Scenario) string {
	var hs []string
	for _, h := range req.Headers {
		hs = append(hs, strings.ToLower(h.Name))
	}
	s := "from " + req.Origin
	if req.Credentials == cors.CredentialsInclude {
		s = "credentialed, from " + req.Origin
	}
	if req.Origin == anyOrigin {
		s = strings.Replace(s, "from "+anyOrigin, "from any origin", 1)
	}
	if len(hs) > 0 {
		s += " with " + strings.Join(hs, ", ")
	}
	switch sc {
	case apimodel.Unauthorized:
		s += "; authorizer rejects"
	case apimodel.BackendError:
		s += "; backend fails"
	}
	return s
}

// compare pairs two simulations into rows (sorted).
func compare(before, after map[string]Row) []Row {
	var out []Row
	for k, b := range before {
		r := b
		if a, ok := after[k]; ok {
			r.After = a.Before
		} else {
			r.After = Verdict{Missing: true}
		}
		out = append(out, r)
	}
	for k, a := range after {
		if _, ok := before[k]; !ok {
			r := a
			r.After = a.Before
			r.Before = Verdict{Missing: true}
			out = append(out, r)
		}
	}
	sortRows(out)
	return out
}

func sortRows(rows []Row) {
	sort.SliceStable(rows, func(i, j int) bool {
		a, b := rows[i], rows[j]
		if a.File != b.File {
			return a.File < b.File
		}
		if a.API != b.API {
			return a.API < b.API
		}
		if a.Path != b.Path {
			return a.Path < b.Path
		}
		if a.Method != b.Method {
			return a.Method < b.Method
		}
		if a.Origin != b.Origin {
			return a.Origin < b.Origin
		}
		return a.Scenario < b.Scenario
	})
}

// worse lists rows whose verdict got worse.
func worse(rows []Row) []Row {
	var out []Row
	for _, r := range rows {
		if r.Before.Missing || r.Before.Unknown || r.After.Unknown {
			continue
		}
		if r.After.Missing || r.After.rank() < r.Before.rank() {
			out = append(out, r)
		}
	}
	return out
}

// targetRows finds the rows a target names.
func targetRows(rows []Row, apiKeys map[string]string, t fixer.Target) []Row {
	var out []Row
	sc := t.Scenario
	if sc == "" {
		sc = apimodel.Success
	}
	for _, r := range rows {
		if apiKeys[t.API] != "" && r.ident != apiKeys[t.API] {
			continue
		}
		if t.Method != "" && !strings.EqualFold(r.Method, t.Method) || t.Path != "" && r.Path != t.Path || r.Scenario != sc {
			continue
		}
		out = append(out, r)
	}
	return out
}

// masked reports a target row the fix left exactly as it was: another
// failure, which its own finding reports, hides the one this fix removes
// (a gateway response cannot be read while the preflight fails; an
// allowed header is not seen while the origin is refused). The re-lint
// proves such a fix; the row is not its proof.
func masked(r Row) bool {
	return !r.Before.Allowed && r.Before.String() == r.After.String()
}

// proofOf checks one fix's rows. The fix is refused when any row got
// worse (the request now stops at an earlier check), or when a route it
// targets changed without getting further (blocked by another error at
// the same check). verdict is true when a targeted route got further: it
// passes the targeted stage (ALLOWED for the actual request, past the
// preflight for a preflight fix) or now fails at a later check that
// another finding reports.
func proofOf(rows []Row, apiKeys map[string]string, ch *fixer.Change) (verdict bool, reason string) {
	if w := worse(rows); len(w) > 0 {
		var parts []string
		for _, r := range w {
			parts = append(parts, fmt.Sprintf("%s %s: %s -> %s", r.Route(), r.Request, r.Before, r.After))
		}
		return false, "it would make another route worse: " + strings.Join(parts, "; ")
	}
	for _, t := range ch.Targets {
		for _, r := range targetRows(rows, apiKeys, t) {
			if r.After.Unknown || r.Before.Allowed || masked(r) {
				continue
			}
			if r.After.rank() <= r.Before.rank() {
				return false, fmt.Sprintf("it does not get %s %s past %s (after the fix: %s)", r.Route(), r.Request, r.Before, r.After)
			}
			verdict = true
		}
	}
	return verdict, ""
}

// credentialed lists the APIs (by apiKey) that allow credentials in
// either list.
func credentialed(lists ...[]*apimodel.API) map[string]bool {
	out := map[string]bool{}
	for _, l := range lists {
		for _, a := range l {
			if fixer.CredentialsAllowed(a) {
				out[apiKey(a)] = true
			}
		}
	}
	return out
}

// Proof is the outcome of proving a change on API models.
type Proof struct {
	// Rows are every simulated request, before and after.
	Rows []Row
	// Verdict is true when a targeted route got further.
	Verdict bool
	// Reason says why the change must be refused ("" when it may be
	// kept).
	Reason string
}

// Prove simulates every route of the APIs before and after a change (for
// the origins, or the ones the APIs allow, and the clients' headers) and
// checks the targets: the proof a live plan (aws fix) gives, the same as
// a rewrite's.
func Prove(before, after []*apimodel.API, origins, headers []string, targets []fixer.Target) Proof {
	cred, os := credentialed(before, after), originsFor(origins, before, after)
	rows := compare(simulate(before, os, headers, cred), simulate(after, os, headers, cred))
	keys := map[string]string{}
	for _, a := range before {
		keys[a.ID] = apiKey(a)
	}
	v, reason := proofOf(rows, keys, &fixer.Change{Targets: targets})
	return Proof{Rows: rows, Verdict: v, Reason: reason}
}

// FindingKey identifies a finding across lints of a changing API (file
// positions and line numbers inside messages are ignored).
func FindingKey(f diag.Finding) string { return findingKey(f) }

// HasFixer reports whether a rule has a mechanical fix in some format.
func HasFixer(id string) bool { return hasFixer(id) }

func hasHeader(hs []cors.Header, name string) bool {
	for _, h := range hs {
		if strings.EqualFold(h.Name, name) {
			return true
		}
	}
	return false
}
