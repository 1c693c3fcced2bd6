package diag

import (
	"net/url"
	"strings"

	"github.com/corsdoctor/corsdoctor/cors"
	"github.com/corsdoctor/corsdoctor/evidence"
)

// Fixes speak in the user's values: a fix text may hold placeholders,
// filled in from the exchange a finding is about; the rule catalogue
// (docs/rules.md) shows them as written. A placeholder is {{NAME}} or
// {{NAME|FORMAT}}:
//
//	{{origin}}   the page's origin (https://app.example.com)
//	{{method}}   the request's method as sent (PUT)
//	{{methods}}  GET, POST and the request's method, without repeats
//	{{headers}}  the request headers the preflight asks for
//	             (Access-Control-Request-Headers, lower case), or
//	             content-type when it asks for none
//	{{allow_methods}}  the methods to configure: those the failing
//	             preflight already allows (Access-Control-Allow-Methods,
//	             when it lists names) plus the request's method, so a fix
//	             that replaces the list keeps what works today; without
//	             such a list, as {{methods}}
//	{{allow_headers}}  likewise for Access-Control-Allow-Headers and the
//	             request's headers; without such a list, as {{headers}}
//	{{api_id}}   the API Gateway API id: from the execute-api host, or
//	             the API corsdoctor aws diagnosed (ID when unknown)
//	{{stage}}    its stage: the first path segment of a REST API's
//	             execute-api URL, or the stage aws diagnosed (STAGE)
//	{{bucket}}   the S3 bucket named by the URL's host or path (BUCKET)
//	{{url}}      the request's URL without credentials, query or
//	             fragment (nothing a redaction would hide), or the
//	             invoke URL of the stage aws diagnosed (URL)
//
// Lists render as "a, b" by default; FORMAT csv gives "a,b", q gives
// "'a', 'b'" (Python, JavaScript), qq gives "\"a\", \"b\"" (Go, JSON).

// FixValues are what placeholders stand for.
type FixValues struct {
	Origin  string
	Method  string
	Headers []string
	// APIID, Stage and Bucket name the AWS resource (see
	// evidence.AWSNamesOf); their examples are the placeholders users
	// know from the AWS CLI documentation.
	APIID, Stage, Bucket string
	// URL is the request's scheme://host/path.
	URL string
	// AllowMethods and AllowHeaders are what the server already allows
	// (the failing preflight's lists) with the request's method and
	// headers added; nil when no preflight listed any.
	AllowMethods, AllowHeaders []string
}

// ExampleValues fill placeholders where no exchange is known.
var ExampleValues = FixValues{Origin: "https://app.example.com", Method: "PUT", Headers: []string{"content-type", "authorization"},
	APIID: "ID", Stage: "STAGE", Bucket: "BUCKET", URL: "URL"}

// ValuesOf returns the placeholder values of an exchange; fields it does
// not know fall back to ExampleValues.
func ValuesOf(ex *evidence.Exchange) FixValues {
	v := ExampleValues
	if ex == nil {
		return v
	}
	if ex.Request.Origin != "" {
		v.Origin = ex.Request.Origin
	}
	if m := ex.Result.Method; m != "" {
		v.Method = m
	} else if ex.Request.Method != "" {
		v.Method = cors.NormalizeMethod(ex.Request.Method)
	}
	v.Headers = plainNames([]string{ex.Result.Plan.RequestHeaders})
	if len(v.Headers) == 0 {
		v.Headers = []string{"content-type"}
	}
	if u := shellSafeURL(ex.Request.URL); u != "" {
		v.URL = u
	}
	if pf := lastPreflight(ex); pf != nil {
		if allowed := plainNames(pf.Header.Values("Access-Control-Allow-Methods")); len(allowed) > 0 {
			v.AllowMethods = union(allowed, []string{v.Method}, false)
		}
		if allowed := plainNames(pf.Header.Values("Access-Control-Allow-Headers")); len(allowed) > 0 {
			v.AllowHeaders = union(allowed, v.Headers, true)
		}
	}
	n := evidence.AWSNamesOf(ex.Request.URL)
	if n.APIID != "" {
		v.APIID = n.APIID
	}
	// An HTTP API's $default stage has no path segment: the first
	// segment is the stage only for REST APIs (and for an API whose kind
	// is not known, REST being what the host alone is taken for).
	if n.Stage != "" && ex.Platform != string(APIGwHTTP) {
		v.Stage = n.Stage
	}
	if n.Bucket != "" {
		v.Bucket = n.Bucket
	}
	return v
}

// valuesOfInput returns the placeholder values for a finding that is
// about no exchange: the API corsdoctor aws diagnosed and the first page
// origin given, else ExampleValues.
func valuesOfInput(in *Input) FixValues {
	v := ExampleValues
	if in == nil {
		return v
	}
	if len(in.Origins) > 0 && in.Origins[0] != "" {
		v.Origin = in.Origins[0]
	}
	if pb := in.Playbook; pb != nil {
		// Only plain names reach a fix: they are shell commands.
		if evidence.IsAPIID(pb.APIID) {
			v.APIID = pb.APIID
		}
		switch {
		case pb.Stage == "$default":
			v.Stage = "'$default'"
		case evidence.IsStageName(pb.Stage):
			v.Stage = pb.Stage
		}
		if evidence.IsAPIID(pb.APIID) && (pb.Stage == "$default" || evidence.IsStageName(pb.Stage)) && shellSafeURL("https://"+pb.Region) != "" {
			// The default endpoint; a $default stage has no path segment.
			v.URL = "https://" + pb.APIID + ".execute-api." + pb.Region + ".amazonaws.com"
			if pb.Stage != "$default" {
				v.URL += "/" + pb.Stage
			}
		}
		if len(pb.Origins) > 0 && pb.Origins[0] != "" {
			v.Origin = pb.Origins[0]
		}
	}
	return v
}

// FillFix replaces the placeholders in fix with v; unknown names are
// left as written.
func FillFix(fix string, v FixValues) string {
	if !strings.Contains(fix, "{{") {
		return fix
	}
	methods := []string{"GET", "POST"}
	if v.Method != "" && v.Method != "GET" && v.Method != "POST" {
		methods = append(methods, v.Method)
	}
	var b strings.Builder
	for {
		i := strings.Index(fix, "{{")
		if i < 0 {
			b.WriteString(fix)
			return b.String()
		}
		for i+2 < len(fix) && fix[i+2] == '{' { // Go's []string{{{headers|qq}}}
			i++
		}
		j := strings.Index(fix[i:], "}}")
		if j < 0 {
			b.WriteString(fix)
			return b.String()
		}
		b.WriteString(fix[:i])
		name, format, _ := strings.Cut(fix[i+2:i+j], "|")
		var list []string
		switch name {
		case "origin":
			list = []string{v.Origin}
		case "method":
			list = []string{v.Method}
		case "methods":
			list = methods
		case "headers":
			list = v.Headers
		case "allow_methods":
			list = v.AllowMethods
			if list == nil {
				list = methods
			}
		case "allow_headers":
			list = v.AllowHeaders
			if list == nil {
				list = v.Headers
			}
		case "api_id":
			list = []string{v.APIID}
		case "stage":
			list = []string{v.Stage}
		case "bucket":
			list = []string{v.Bucket}
		case "url":
			list = []string{v.URL}
		default:
			b.WriteString(fix[i : i+j+2])
			fix = fix[i+j+2:]
			continue
		}
		b.WriteString(renderList(list, format))
		fix = fix[i+j+2:]
	}
}

func renderList(list []string, format string) string {
	switch format {
	case "csv":
		return strings.Join(list, ",")
	case "q":
		return "'" + strings.Join(list, "', '") + "'"
	case "qq":
		return `"` + strings.Join(list, `", "`) + `"`
	}
	return strings.Join(list, ", ")
}

// shellSafeURL returns scheme://host/path of raw, or "" when it is not an
// http(s) URL with a plain host. Fixes are shell commands and the URL may
// come from a hostile HAR: every path byte outside RFC 3986's unreserved
// characters, "/", "%", ":", "@", "+", "," and "=" is percent-encoded, so
// no quote, "$", "(", ";" or "&" reaches the command line.
func shellSafeURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.Scheme != "http" && u.Scheme != "https" || u.Host == "" {
		return ""
	}
	for _, c := range u.Host {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.ContainsRune(".-:[]", c)) {
			return ""
		}
	}
	var b strings.Builder
	b.WriteString(u.Scheme + "://" + u.Host)
	const hex = "0123456789ABCDEF"
	p := u.EscapedPath()
	for i := 0; i < len(p); i++ {
		c := p[i]
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte("-._~/%:@+,=", c) >= 0 {
			b.WriteByte(c)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(hex[c>>4])
		b.WriteByte(hex[c&15])
	}
	return b.String()
}

// lastPreflight is the preflight response of the last hop that had one:
// the one that decided.
func lastPreflight(ex *evidence.Exchange) *evidence.Response {
	for i := len(ex.Hops) - 1; i >= 0; i-- {
		if ex.Hops[i].Preflight != nil {
			return ex.Hops[i].Preflight
		}
	}
	return nil
}

// plainNames splits comma lists into names, keeping only plain method and
// header names (letters, digits, "-", "_", "."): a fix is a shell command
// or source code, and a server's or a HAR's list is untrusted ("*" is not
// a name either).
func plainNames(lists []string) []string {
	var out []string
	for _, l := range lists {
		for _, n := range strings.Split(l, ",") {
			n = strings.TrimSpace(n)
			if n == "" || strings.IndexFunc(n, func(c rune) bool {
				return !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.')
			}) >= 0 {
				continue
			}
			out = append(out, n)
		}
	}
	return out
}

// union is a followed by the items of b it lacks (header names compare
// case-insensitively, methods exactly); OPTIONS, which a preflight never
// asks for, is left out unless b holds it.
func union(a, b []string, fold bool) []string {
	var out []string
	has := func(x string) bool {
		for _, y := range out {
			if y == x || fold && strings.EqualFold(x, y) {
				return true
			}
		}
		return false
	}
	for _, x := range a {
		if !has(x) && (fold || x != "OPTIONS") {
			out = append(out, x)
		}
	}
	for _, x := range b {
		if !has(x) {
			out = append(out, x)
		}
	}
	return out
}
