package rules

import (
	"fmt"
	"net/http"
	"sort"
	"strings"

	"github.com/corsdoctor/corsdoctor/cors"
	"github.com/corsdoctor/corsdoctor/diag"
	"github.com/corsdoctor/corsdoctor/evidence"
)

// blocked calls fn for every exchange the browser blocks with one of the
// given CorsError names (any, when names is empty).
func blocked(p *diag.Pass, fn func(i int, ex *evidence.Exchange), names ...cors.ErrorName) {
	for i, ex := range p.Exchanges() {
		r := &ex.Result
		if !r.Blocked() || ex.Err != "" {
			continue
		}
		if len(names) == 0 {
			fn(i, ex)
			continue
		}
		for _, n := range names {
			if r.Error == n {
				fn(i, ex)
				break
			}
		}
	}
}

// failingHop returns the index of the hop whose response decided the
// verdict: the engine walks one hop per URL, so the last one it reached
// is len(Result.Redirects) (a redirect to a non-HTTP scheme is recorded
// before it fails, so the decision then belongs to the hop before).
func failingHop(ex *evidence.Exchange) int {
	k := len(ex.Result.Redirects)
	if k >= len(ex.Hops) {
		k = len(ex.Hops) - 1
	}
	return max(k, 0)
}

// failedResponse returns the response whose check failed: the preflight
// of the failing hop for preflight-stage errors, else the response of the
// failing hop (for a redirect that failed, the redirect response itself).
func failedResponse(ex *evidence.Exchange) *evidence.Response {
	if len(ex.Hops) == 0 {
		return nil
	}
	k := failingHop(ex)
	if ex.Result.Stage == cors.StagePreflight {
		for i := k; i >= 0; i-- {
			if ex.Hops[i].Preflight != nil {
				return ex.Hops[i].Preflight
			}
		}
		return nil
	}
	if ex.Result.Blocked() && ex.Hops[k].Response != nil {
		return ex.Hops[k].Response
	}
	return ex.Final()
}

// recognised matches the failing response against the table of known
// responses (evidence.KnownResponses), or returns nil.
func recognised(ex *evidence.Exchange) *evidence.Recognition {
	return evidence.Recognise(failedResponse(ex), ex.Result.Stage == cors.StagePreflight)
}

// recognisedAs reports whether the failing response is a known shape of
// one of the kinds.
func recognisedAs(ex *evidence.Exchange, kinds ...evidence.KnownKind) bool {
	rec := recognised(ex)
	if rec == nil {
		return false
	}
	for _, k := range kinds {
		if rec.Kind == k {
			return true
		}
	}
	return false
}

// loc is where the failing response came from, or the request URL.
func loc(ex *evidence.Exchange) evidence.Source {
	if r := failedResponse(ex); r != nil && (r.Source.File != "" || r.Source.URL != "") {
		return r.Source
	}
	if ex.Source.File != "" || ex.Source.URL != "" {
		return ex.Source
	}
	return evidence.Source{URL: ex.Result.URL}
}

// corsLines renders the status line and the CORS headers of a response,
// the evidence every finding shows. The header named by mark is flagged.
func corsLines(r *evidence.Response, kind string, mark string) []string {
	if r == nil {
		return nil
	}
	out := []string{kind + ": " + r.StatusLine()}
	var names []string
	for k := range r.Header {
		if cors.IsCORSHeader(k) {
			names = append(names, k)
		}
	}
	sort.Strings(names)
	for _, k := range names {
		for _, v := range r.Header[k] {
			line := fmt.Sprintf("  %s: %s", k, v)
			if mark != "" && strings.EqualFold(k, mark) {
				line += "   <-- here"
			}
			out = append(out, line)
		}
	}
	if len(names) == 0 {
		out = append(out, "  (no Access-Control-* headers)")
	}
	return out
}

// hopKind names the failing response for the evidence block; on a
// redirect chain it says which hop it is, so the headers quoted are
// never taken for another hop's.
func hopKind(ex *evidence.Exchange, preflight bool) string {
	kind := "response"
	if preflight {
		kind = "preflight response (OPTIONS)"
	}
	if len(ex.Hops) < 2 {
		return kind
	}
	k := failingHop(ex)
	h := ex.Hops[k]
	what := "final hop"
	if k < len(ex.Hops)-1 {
		what = "redirect"
	}
	u := h.URL
	if u == "" && k == 0 {
		u = ex.Request.URL
	}
	return fmt.Sprintf("%s of hop %d of %d (%s, %s)", kind, k+1, len(ex.Hops), what, u)
}

// exchangeEvidence is the evidence for the failing step of an exchange.
func exchangeEvidence(ex *evidence.Exchange, mark string) []string {
	return corsLines(failedResponse(ex), hopKind(ex, ex.Result.Stage == cors.StagePreflight), mark)
}

func header(r *evidence.Response, name string) string {
	if r == nil {
		return ""
	}
	return strings.Join(r.Header.Values(http.CanonicalHeaderKey(name)), ", ")
}

// OriginDiff explains, part by part, how an Access-Control-Allow-Origin
// value differs from the page's origin.
func OriginDiff(origin, allowed string) []string {
	var out []string
	if strings.ContainsAny(allowed, " ,") {
		return []string{fmt.Sprintf("%q is a list; the header takes exactly one origin", allowed)}
	}
	if allowed == cors.Null {
		if origin == cors.Null {
			return nil
		}
		return []string{"the server allows the opaque origin \"null\" (sandboxed iframes, file: pages), not " + origin}
	}
	if strings.HasSuffix(allowed, "/") {
		out = append(out, "trailing slash: origins never end in \"/\" ("+strings.TrimSuffix(allowed, "/")+")")
		allowed = strings.TrimSuffix(allowed, "/")
	}
	as, ah, ap := splitOrigin(allowed)
	os, oh, op := splitOrigin(origin)
	if as == "" {
		out = append(out, fmt.Sprintf("no scheme: write %s://%s", os, allowed))
		return out
	}
	if as != os {
		if strings.EqualFold(as, os) {
			out = append(out, fmt.Sprintf("case: scheme %q must be lower case %q", as, os))
		} else {
			out = append(out, fmt.Sprintf("scheme: %s instead of %s", as, os))
		}
	}
	if ah != oh {
		switch {
		case strings.EqualFold(ah, oh):
			out = append(out, fmt.Sprintf("case: host %q must be lower case %q (the comparison is byte for byte)", ah, oh))
		case "www."+ah == oh || ah == "www."+oh:
			out = append(out, fmt.Sprintf("www: host %s instead of %s", ah, oh))
		default:
			out = append(out, fmt.Sprintf("host: %s instead of %s", ah, oh))
		}
	}
	if ap != op {
		switch {
		case ap == "":
			out = append(out, fmt.Sprintf("port: missing :%s", op))
		case op == "":
			out = append(out, fmt.Sprintf("port: :%s, but the page uses the default port", ap))
		default:
			out = append(out, fmt.Sprintf("port: %s instead of %s", ap, op))
		}
	}
	if len(out) == 0 && allowed != origin {
		out = append(out, fmt.Sprintf("%q differs from %q", allowed, origin))
	}
	return out
}

func splitOrigin(o string) (scheme, host, port string) {
	s, rest, ok := strings.Cut(o, "://")
	if !ok {
		return "", o, ""
	}
	scheme = s
	if i := strings.IndexAny(rest, "/?#"); i >= 0 {
		rest = rest[:i]
	}
	if strings.HasPrefix(rest, "[") {
		if j := strings.Index(rest, "]"); j >= 0 {
			host, rest = rest[:j+1], rest[j+1:]
			port = strings.TrimPrefix(rest, ":")
			return
		}
	}
	if i := strings.LastIndexByte(rest, ':'); i >= 0 {
		return scheme, rest[:i], rest[i+1:]
	}
	return scheme, rest, ""
}

// isMissingAuthToken recognises API Gateway REST's answer for a method or
// resource that does not exist: 403 with x-amzn-ErrorType
// MissingAuthenticationTokenException.
func isMissingAuthToken(r *evidence.Response) bool {
	return r != nil && r.Status == 403 && strings.HasPrefix(header(r, "x-amzn-errortype"), "MissingAuthenticationToken")
}
