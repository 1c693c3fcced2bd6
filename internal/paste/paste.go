package paste

import (
	"errors"
	"fmt"
	"net/url"
	"sort"
	"strings"

	"github.com/corsdoctor/corsdoctor/cors"
)

// Format names the developer-tools export a paste came from.
type Format string

// Formats Parse recognises.
const (
	CurlBash   Format = "curl (bash)"
	CurlCmd    Format = "curl (cmd)"
	PowerShell Format = "PowerShell"
	Fetch      Format = "fetch"
	FetchNode  Format = "fetch (Node.js)"
)

// Request is the page's request as a paste describes it. Headers holds
// only what the page's code set: the headers the browser added on its own
// (User-Agent, Sec-Fetch-*, client hints, Accept-Language, Priority,
// Origin, Referer, Cookie, the cache headers of DevTools' "Disable cache"
// ...) are in Browser, and what they tell (the page origin, the mode, the
// cookie) is in the fields below. Fields a paste does not tell are empty.
type Request struct {
	Format Format
	URL    string
	// Method as sent: DevTools writes the method on the wire, which
	// keeps the page's case for methods Fetch does not normalise.
	Method string
	// Headers the page set, in the paste's order.
	Headers []cors.Header
	// Browser lists the headers recognised as the browser's, in order.
	Browser []cors.Header
	// Body is the request body; HasBody tells an empty body from none.
	Body    []byte
	HasBody bool
	// BodyKind is set when the paste tells more than "a body": a fetch
	// body that is an expression, not a literal.
	BodyKind cors.Body
	// Origin is the page's origin, from the Origin header, else from the
	// Referer header or fetch's referrer (the page URL). OriginFrom says
	// which.
	Origin, OriginFrom string
	// Mode from Sec-Fetch-Mode or fetch's mode; ModeFrom says which.
	Mode     cors.Mode
	ModeFrom string
	// Credentials: include when the browser sent cookies, else what
	// fetch's credentials says; CredentialsFrom says which.
	Credentials     cors.Credentials
	CredentialsFrom string
	// Cookie is the Cookie header the browser sent (its cookie jar).
	Cookie string
	// Preflight is true when the paste is the browser's OPTIONS
	// preflight: Method and Headers were rebuilt from its
	// Access-Control-Request-Method and -Headers (header values are not
	// in a preflight and are empty).
	Preflight bool
	// Insecure is true when the command skips TLS verification (curl
	// --insecure, which Chromium adds for pages it rates insecure).
	Insecure bool
	// Notes say how the paste was read, for the user to check; they name
	// headers but never carry header values.
	Notes []string

	// referrer is fetch's referrer option (the page URL DevTools puts
	// there).
	referrer string
}

// Error is a paste that cannot be read.
type Error struct {
	Format Format
	Msg    string
}

func (e *Error) Error() string {
	if e.Format == "" {
		return "paste: " + e.Msg
	}
	return "paste (" + string(e.Format) + "): " + e.Msg
}

func errorf(f Format, format string, a ...any) error {
	return &Error{Format: f, Msg: fmt.Sprintf(format, a...)}
}

// ErrEmpty is returned for a paste with nothing in it.
var ErrEmpty = errors.New("paste: empty (copy a request in DevTools: right-click it in the Network panel, Copy, Copy as cURL or Copy as fetch)")

// Parse reads a request copied from developer tools, detecting the
// format: a curl command (bash or cmd quoting, "curl.exe" too), a
// PowerShell Invoke-WebRequest / Invoke-RestMethod command, or a fetch()
// call.
func Parse(text string) (*Request, error) {
	if len(text) > MaxPaste {
		return nil, errorf("", "larger than %d MiB", MaxPaste>>20)
	}
	t := strings.TrimSpace(strings.TrimPrefix(text, "\ufeff"))
	// Leading comment lines (# for shells and PowerShell, // for
	// JavaScript) are not part of the request.
	for strings.HasPrefix(t, "#") || strings.HasPrefix(t, "//") {
		i := strings.IndexByte(t, '\n')
		if i < 0 {
			t = ""
			break
		}
		t = strings.TrimSpace(t[i+1:])
	}
	if t == "" {
		return nil, ErrEmpty
	}
	var r *Request
	var err error
	switch DetectFormat(t) {
	case Fetch:
		r, err = parseFetch(t)
	case PowerShell:
		r, err = parsePowerShell(t)
	case CurlCmd:
		r, err = parseCurl(t, CurlCmd)
	case CurlBash:
		r, err = parseCurl(t, CurlBash)
	default:
		// The text is not echoed: a mistaken paste may be a token.
		return nil, errorf("", "not a curl command, PowerShell command or fetch() call (it does not start with curl, curl.exe, Invoke-WebRequest, $session or fetch); copy the request in DevTools with Copy as cURL, Copy as PowerShell or Copy as fetch")
	}
	if err != nil {
		return nil, err
	}
	if err := r.finish(); err != nil {
		return nil, err
	}
	return r, nil
}

// DetectFormat tells which export a paste looks like ("" when none).
func DetectFormat(t string) Format {
	t = strings.TrimSpace(t)
	lower := strings.ToLower(t)
	word := firstWord(lower)
	switch {
	case strings.HasPrefix(word, "fetch(") || word == "fetch" || strings.HasPrefix(lower, "await fetch") || strings.HasPrefix(lower, "await\tfetch"):
		return Fetch
	case strings.HasPrefix(lower, "$session") || strings.HasPrefix(word, "invoke-webrequest") || strings.HasPrefix(word, "invoke-restmethod") || word == "iwr" || word == "irm":
		return PowerShell
	case word == "curl.exe" || word == "curl" || word == `^"curl^"`:
		if word == "curl.exe" || strings.Contains(t, `^"`) || strings.Contains(t, " ^\n") || strings.Contains(t, " ^\r\n") {
			return CurlCmd
		}
		return CurlBash
	}
	return ""
}

func firstWord(s string) string {
	if i := strings.IndexAny(s, " \t\r\n"); i >= 0 {
		return s[:i]
	}
	return s
}

// clip shortens s for an error message and quotes nothing: callers %q it.
func clip(s string, n int) string {
	if len(s) > n {
		return s[:n] + "..."
	}
	return s
}

// finish sorts the pasted headers into the page's and the browser's and
// draws the origin, mode and credentials from the browser's ones.
func (r *Request) finish() error {
	if r.URL == "" {
		return errorf(r.Format, "no URL")
	}
	u, err := url.Parse(r.URL)
	if err != nil || u.Scheme == "" || u.Host == "" {
		return errorf(r.Format, "the URL is not an absolute URL")
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return errorf(r.Format, "unsupported URL scheme %q (want http or https)", clip(u.Scheme, 20))
	}
	if r.Method == "" {
		r.Method = "GET"
		if r.HasBody {
			r.Method = "POST"
		}
	}
	all := r.Headers
	r.Headers = nil
	referrer := r.referrer
	has := func(name, value string) bool {
		for _, h := range all {
			if strings.EqualFold(h.Name, name) && strings.EqualFold(strings.TrimSpace(h.Value), value) {
				return true
			}
		}
		return false
	}
	var acrm, acrh string
	var acrmSeen bool
	var dropped []string
	for _, h := range all {
		name := strings.ToLower(h.Name)
		v := strings.TrimSpace(h.Value)
		why := browserHeader(name, v, has)
		switch name {
		case "origin":
			if r.Origin == "" {
				r.Origin, r.OriginFrom = v, "Origin header"
			}
		case "referer":
			if referrer == "" {
				referrer = v
			}
		case "cookie":
			if r.Cookie == "" {
				r.Cookie = v
			} else {
				r.Cookie += "; " + v
			}
		case "sec-fetch-mode":
			switch v {
			case "cors", "no-cors", "same-origin":
				if r.ModeFrom != "fetch mode" {
					r.Mode, r.ModeFrom = cors.Mode(v), "Sec-Fetch-Mode"
				}
			case "navigate", "websocket", "webtransport":
				return errorf(r.Format, "this is a %s request (Sec-Fetch-Mode: %s), which CORS does not apply to; copy the fetch() or XMLHttpRequest request instead", v, v)
			}
		case "access-control-request-method":
			acrm, acrmSeen = v, true
		case "access-control-request-headers":
			acrh = v
		}
		if why != "" {
			r.Browser = append(r.Browser, h)
			dropped = append(dropped, name)
			continue
		}
		r.Headers = append(r.Headers, h)
	}
	if r.Origin == "" && referrer != "" {
		if o, err := cors.OriginOf(referrer); err == nil && o != "null" {
			r.Origin = o
			r.OriginFrom = "fetch referrer"
			if has("referer", referrer) {
				r.OriginFrom = "Referer header"
			}
		}
	}
	if r.Origin != "" && r.Origin != "null" {
		o, err := cors.ParseOrigin(r.Origin)
		if err != nil {
			return errorf(r.Format, "the page origin %q (%s) is not an origin: %v", clip(r.Origin, 60), r.OriginFrom, err)
		}
		r.Origin = o
	}
	if r.Cookie != "" && r.Credentials == "" {
		r.Credentials, r.CredentialsFrom = cors.CredentialsInclude, "the browser sent cookies"
	}
	if r.Preflight = strings.EqualFold(r.Method, "OPTIONS") && acrmSeen; r.Preflight {
		if !cors.IsToken(acrm) {
			return errorf(r.Format, "the preflight's Access-Control-Request-Method is not a method")
		}
		r.Method = acrm
		r.Headers = nil
		names, _, _ := cors.ParseList(acrh)
		for _, n := range names {
			r.Headers = append(r.Headers, cors.Header{Name: n})
		}
		r.Body, r.HasBody = nil, false
		r.note("the paste is the browser's preflight (OPTIONS with Access-Control-Request-Method): the page's request is %s with headers %s; their values are not in a preflight and are left empty", acrm, listOrNone(lowerNames(r.Headers)))
	}
	if len(dropped) > 0 {
		r.note("headers recognised as the browser's, not the page's: %s", strings.Join(dedupe(dropped), ", "))
	}
	if has("cache-control", "no-cache") && has("pragma", "no-cache") {
		r.note("Cache-Control and Pragma: no-cache are what Chromium adds when DevTools' Disable cache is on (or fetch cache: 'no-store'/'reload'); if your code sets them itself, add -H 'Cache-Control: no-cache'")
	}
	if r.Origin != "" {
		r.note("page origin %s (from the %s)", r.Origin, r.OriginFrom)
	}
	return nil
}

func (r *Request) note(format string, a ...any) {
	r.Notes = append(r.Notes, fmt.Sprintf(format, a...))
}

// browserHeader reports why a pasted header is the browser's rather than
// the page's ("" when it is the page's). Every forbidden request header
// (Fetch § forbidden request-header, Chromium's list: Origin, Referer,
// Cookie, User-Agent, Sec-*, ...) is the browser's, since a page cannot
// set one. Besides those, Chromium adds on its own, after the CORS
// decision: Accept-Language (from the language settings) and Accept: */*
// (Fetch § fetch step 12, for fetch() and XMLHttpRequest); Priority (RFC
// 9218, on HTTP/2 and HTTP/3); X-Client-Data (Google hosts); legacy client
// hints (DPR, Viewport-Width, Device-Memory, RTT, Downlink, ECT, Width) a
// site opted into; Cache-Control and Pragma: no-cache together
// (net::HttpNetworkTransaction for LOAD_BYPASS_CACHE: DevTools' "Disable
// cache", fetch cache 'no-store'/'reload'), or Cache-Control: max-age=0
// alone (LOAD_VALIDATE_CACHE: cache 'no-cache'); If-None-Match and
// If-Modified-Since (the HTTP cache revalidating). has reports whether the
// paste has a header with that name and value.
func browserHeader(name, value string, has func(name, value string) bool) string {
	if cors.IsForbiddenRequestHeader(name, value) {
		return "forbidden"
	}
	switch name {
	case "accept-language", "priority", "x-client-data", "purpose",
		"dpr", "viewport-width", "device-memory", "rtt", "downlink", "ect", "width",
		"if-none-match", "if-modified-since":
		return "browser"
	case "accept":
		if value == "*/*" {
			return "browser"
		}
	case "cache-control":
		if strings.EqualFold(value, "no-cache") && has("pragma", "no-cache") || strings.EqualFold(value, "max-age=0") && !has("pragma", "no-cache") {
			return "cache"
		}
	case "pragma":
		if strings.EqualFold(value, "no-cache") && has("cache-control", "no-cache") {
			return "cache"
		}
	}
	if strings.HasPrefix(name, "x-devtools-") {
		return "devtools"
	}
	return ""
}

func lowerNames(hs []cors.Header) []string {
	var out []string
	for _, h := range hs {
		out = append(out, strings.ToLower(h.Name))
	}
	return out
}

func listOrNone(names []string) string {
	if len(names) == 0 {
		return "(none)"
	}
	return strings.Join(names, ", ")
}

func dedupe(names []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, n := range names {
		if !seen[n] {
			seen[n] = true
			out = append(out, n)
		}
	}
	return out
}

// HeaderNames returns the sorted, lower-cased names of hs.
func HeaderNames(hs []cors.Header) []string {
	out := dedupe(lowerNames(hs))
	sort.Strings(out)
	return out
}

// CORS returns the engine's request for the paste, with the browser's
// defaults for what the paste does not tell (mode cors, credentials
// same-origin, fetch).
func (r *Request) CORS() cors.Request {
	req := cors.Request{Origin: r.Origin, URL: r.URL, Method: r.Method, Headers: r.Headers,
		Mode: r.Mode, Credentials: r.Credentials, Body: r.BodyKind, Initiator: cors.InitiatorFetch}
	if req.Mode == "" {
		req.Mode = cors.ModeCORS
	}
	if req.Credentials == "" {
		req.Credentials = cors.CredentialsSameOrigin
	}
	if req.Body == "" {
		req.Body = cors.BodyNone
		if r.HasBody {
			req.Body = cors.BodySimple
		}
	}
	return req
}
