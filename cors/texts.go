package cors

import (
	"strconv"
	"strings"
)

// ffLine is a Firefox console line that is not one of
// security.properties' CORS reasons.
type ffLine uint8

const (
	ffNone ffLine = iota
	// ffMixedContent is dom/locales security.properties
	// BlockMixedActiveContent: "Blocked loading mixed active content
	// “%1$S”".
	ffMixedContent
	// ffSameOrigin is dom/locales dom.properties CheckSameOriginError:
	// "Security Error: Content at %S may not load data from %S.".
	ffSameOrigin
)

// text renders the line. Firefox names the page's document URL, which
// the engine does not know: it writes the origin and "/", as
// ConsoleMessage does for Chromium's mixed-content line.
func (l ffLine) text(r *Result) string {
	switch l {
	case ffMixedContent:
		return "Blocked loading mixed active content “" + r.firefoxURL + "”"
	case ffSameOrigin:
		return "Security Error: Content at " + r.Origin + "/ may not load data from " + CanonicalURL(r.firefoxURL) + "."
	}
	return ""
}

// wkKind names a WebKit console text.
type wkKind uint8

const (
	wkNone wkKind = iota
	// CrossOriginAccessControl.cpp passesAccessControlCheck.
	wkOriginNotAllowed
	wkMultipleOrigins
	wkWildcardCredentials
	wkCredentialsNotTrue
	// validatePreflightResponse and CrossOriginPreflightResultCache.cpp.
	wkPreflightStatus
	wkInvalidAllowMethods
	wkInvalidAllowHeaders
	wkMethodNotAllowed
	wkHeaderNotAllowed
	// NetworkLoadChecker::checkRedirection.
	wkRedirectDenied
	wkRedirectCredentials
	wkRedirectScheme
	wkTooManyRedirects
	// MixedContentChecker: a secure page's request to http:.
	wkMixedContent
	wkMixedContentRedirect
	// Fetch with mode "same-origin" to another origin.
	wkSameOriginMode
)

// wkText is what WebKit's console lines are built from, kept as parts so
// that evaluating allocates nothing for them.
type wkText struct {
	kind  wkKind
	inner wkKind // the access-check text a wkRedirectDenied wraps
	// param is the origin, method, header name, header value or
	// Location a text names.
	param  string
	status int
	// url is the redirect target or the insecure URL; load is the URL
	// of the request whose response failed, named by "cannot load".
	url, load string
	// trusted is set when WebKit blocked a loopback URL as mixed
	// content (its warning is cut short, see webkitLines).
	trusted bool
}

// webkitLines appends WebKit's console lines for the failure to buf: the
// reason, then ThreadableLoader::logError's "Fetch API cannot load URL
// due to access control checks." ("XMLHttpRequest cannot load ..." for
// XHR). Texts observed in WebKitGTK 2.50.6, as printed with the
// WebKitSettings property enable-write-console-messages-to-stdout.
func (r *Result) webkitLines(buf []string) []string {
	t := &r.wk
	api := "Fetch API"
	if r.Initiator == InitiatorXHR {
		api = "XMLHttpRequest"
	}
	cannotLoad := api + " cannot load " + CanonicalURL(t.load) + " due to access control checks."
	switch t.kind {
	case wkNone:
		if r.Error == "" {
			return buf // refused by the page's own API (a TypeError)
		}
		return append(buf, cannotLoad)
	case wkSameOriginMode:
		return append(buf, api+" cannot load "+CanonicalURL(t.load)+".")
	case wkMixedContent, wkMixedContentRedirect:
		// MixedContentChecker::logWarning. For a potentially trustworthy
		// host (loopback) WebKitGTK 2.50.6 prints the sentence cut after
		// "must".
		tail := " This content was blocked and must be served over HTTPS.\n"
		if t.trusted {
			tail = " This content was blocked and must\n"
		}
		buf = append(buf, "[blocked] The page at "+t.param+"/ requested insecure content from "+t.url+"."+tail)
		if t.kind == wkMixedContent {
			buf = append(buf, "Not allowed to request resource")
		}
		return append(buf, cannotLoad)
	}
	return append(buf, webkitReason(t, t.kind), cannotLoad)
}

// webkitReason is the first line of an access-control failure.
func webkitReason(t *wkText, k wkKind) string {
	switch k {
	case wkOriginNotAllowed:
		return "Origin " + t.param + " is not allowed by Access-Control-Allow-Origin. Status code: " + strconv.Itoa(t.status)
	case wkMultipleOrigins:
		return "Access-Control-Allow-Origin cannot contain more than one origin."
	case wkWildcardCredentials:
		return "Cannot use wildcard in Access-Control-Allow-Origin when credentials flag is true."
	case wkCredentialsNotTrue:
		return `Credentials flag is true, but Access-Control-Allow-Credentials is not "true".`
	case wkPreflightStatus:
		return "Preflight response is not successful. Status code: " + strconv.Itoa(t.status)
	case wkInvalidAllowMethods:
		return "Header Access-Control-Allow-Methods has an invalid value: " + latin1(t.param)
	case wkInvalidAllowHeaders:
		return "Header Access-Control-Allow-Headers has an invalid value: " + latin1(t.param)
	case wkMethodNotAllowed:
		return "Method " + t.param + " is not allowed by Access-Control-Allow-Methods."
	case wkHeaderNotAllowed:
		return "Request header field " + t.param + " is not allowed by Access-Control-Allow-Headers."
	case wkRedirectDenied:
		return "Cross-origin redirection to " + CanonicalURL(t.url) + " denied by Cross-Origin Resource Sharing policy: " + webkitReason(t, t.inner)
	case wkRedirectCredentials:
		return "Cross-origin redirection to " + CanonicalURL(t.url) + " denied by Cross-Origin Resource Sharing policy: redirection URL " + t.param + " has credentials"
	case wkRedirectScheme:
		return "Cross-origin redirection to " + t.url + " denied by Cross-Origin Resource Sharing policy: not allowed to follow a cross-origin CORS redirection with non CORS scheme"
	case wkTooManyRedirects:
		return "Load cannot follow more than 20 redirections"
	}
	return ""
}

// latin1 renders header bytes as WebKit does: each byte is a Latin-1
// character (HTTP header values are byte strings), so the UTF-8 "É"
// prints as "Ã" and U+0089.
func latin1(s string) string {
	ascii := true
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			ascii = false
			break
		}
	}
	if ascii {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		b.WriteRune(rune(s[i]))
	}
	return b.String()
}

// WebKitMessage is the first console line WebKit prints for the failure.
// Empty when allowed, or when WebKit logs nothing.
func (r *Result) WebKitMessage() string {
	if r.Engine != WebKit {
		return ""
	}
	return r.ConsoleMessage()
}
