package cors

import "strings"

// Difference is a documented point where Chromium, Firefox and WebKit
// (Safari) decide, send or print differently for the same exchange. The
// catalogue is rendered into docs/engines.md; the cross-browser
// differential suite (collect/browser TestCrossBrowserDifferences) fails on
// any difference between the real browsers that none of these explains,
// and on an observable one no scenario shows.
type Difference struct {
	// ID is stable, kebab-case.
	ID    string
	Title string
	// Chromium, Firefox and WebKit say what each engine does.
	Chromium, Firefox, WebKit string
	// Why is the consequence for a page.
	Why string
	// Sources cite each engine's code, and the real-browser observation
	// that pins it.
	Sources []string
	// Observable is true when the differential scenarios show it; the
	// preflight cache lifetime, for one, needs two requests and time.
	Observable bool
}

// Versions observed by the differential suite.
const (
	observedChromium = "Chromium 156.0.8078.79"
	observedFirefox  = "Firefox ESR 153.8.0"
	observedWebKit   = "WebKitGTK 2.50.6"
)

// Differences is the catalogue, most consequential first.
var Differences = []Difference{
	{
		ID:       "client-hint-safelist",
		Title:    "Client-hint request headers need a preflight outside Chromium",
		Chromium: "safelists DPR, Downlink, Device-Memory, ECT, RTT, Save-Data, Viewport-Width, Width (with well-formed values) and Intervention: no preflight",
		Firefox:  "only the Fetch standard's safelist: a preflight naming the header",
		WebKit:   "only the Fetch standard's safelist: a preflight naming the header",
		Why:      "a request that works in Chrome without any preflight handler fails in Firefox and Safari when the server does not answer OPTIONS or does not list the header",
		Sources: []string{
			"Chromium services/network/public/cpp/cors/cors.cc IsCorsSafelistedHeader",
			"WebKit Source/WebCore/platform/network/HTTPParsers.cpp isCrossOriginSafeRequestHeader (\"FIXME: Should we also make safe other headers (DPR, Downlink, Save-Data...)?\")",
			"WPT cors/client-hint-request-headers.htm",
			"observed: " + observedFirefox + " and " + observedWebKit + " preflight DPR: 2; " + observedChromium + " does not",
		},
		Observable: true,
	},
	{
		ID:       "redirect-keeps-preflight",
		Title:    "Every redirected hop of a preflighted request is preflighted in Firefox and Safari",
		Chromium: "re-decides each hop: a POST turned GET by a 301/302/303, or a GET that lost Authorization on a cross-origin redirect, goes without a preflight",
		Firefox:  "preflights every hop after the first preflight, Access-Control-Request-Headers minus the headers the redirect dropped",
		WebKit:   "preflights every hop after the first preflight, with the first request's Access-Control-Request-Headers (Content-Type, Authorization kept)",
		Why:      "the redirect target must answer OPTIONS (and list the original headers, for Safari) in Firefox and Safari even when Chrome sends it a plain GET",
		Sources: []string{
			"Firefox netwerk/protocol/http/nsCORSListenerProxy.cpp CheckPreflightNeeded (loadInfo CorsUnsafeHeaders, StripRequestBodyHeader, aStripAuthHeader)",
			"WebKit Source/WebKit/NetworkProcess/NetworkLoadChecker.cpp checkCORSRequestWithPreflight (m_isSimpleRequest = false) and m_originalRequestHeaders",
			"Fetch § HTTP-redirect fetch step 8 (main fetch again) and Chromium services/network/cors/cors_url_loader.cc",
			"observed: collect/browser scenarios redirect-change/* in all three browsers",
		},
		Observable: true,
	},
	{
		ID:       "redirect-preflight-origin",
		Title:    "Firefox preflights a redirected hop with the page's origin, not null",
		Chromium: "after a cross-origin redirect both the preflight and the request carry Origin: null",
		Firefox:  "the preflight carries the page's origin (and its Access-Control-Allow-Origin must match it); the request itself carries Origin: null",
		WebKit:   "like Chromium: Origin: null on both",
		Why:      "a preflight answer allowing only null passes in Chrome and Safari and fails in Firefox; one allowing only the page's origin fails everywhere, at a different step",
		Sources: []string{
			"Firefox nsCORSListenerProxy::StartCORSPreflight (the loading principal) versus AsyncOnChannelRedirect (mOriginHeaderPrincipal becomes a null principal)",
			"WebKit NetworkLoadChecker::checkCORSRedirectedRequest (SecurityOrigin::createUnique for both)",
			"observed: scenarios redirect/preflighted/cross/*, redirect-change/*/cross/delete-null-preflight, chain/*/put-307",
		},
		Observable: true,
	},
	{
		ID:       "upload-listeners-without-body",
		Title:    "xhr.upload listeners force a preflight without a body outside Chromium",
		Chromium: "counts upload listeners only when send() has a body: an XMLHttpRequest GET with xhr.upload listeners sends no preflight",
		Firefox:  "a preflight (the listeners set forcePreflight whatever the body)",
		WebKit:   "a preflight",
		Why:      "progress listeners added to every XMLHttpRequest by a library make GETs preflighted in Firefox and Safari only",
		Sources: []string{
			"XHR § send() (upload listener flag)",
			"Chromium third_party/blink/renderer/core/xmlhttprequest/xml_http_request.cc (\"if (http_body && upload_)\")",
			"Firefox dom/xhr/XMLHttpRequestMainThread.cpp SetCorsPreflightInfo(..., mFlagHadUploadListenersOnSend)",
			"observed: scenario xhr/upload-listeners/get",
		},
		Observable: true,
	},
	{
		ID:       "loopback-mixed-content",
		Title:    "Safari blocks http://localhost and http://127.0.0.1 from an https page",
		Chromium: "localhost and 127.0.0.0/8 are potentially trustworthy: the request is not mixed content",
		Firefox:  "likewise",
		WebKit:   "mixed content: blocked before any request, with \"[blocked] The page at ... requested insecure content from ...\"",
		Why:      "an https page calling a local http development server works in Chrome and Firefox and fails in Safari",
		Sources: []string{
			"Chromium services/network/public/cpp/is_potentially_trustworthy.cc; Firefox nsMixedContentBlocker::IsPotentiallyTrustworthyLoopbackURL",
			"WebKit Source/WebCore/loader/MixedContentChecker.cpp",
			"observed: scenarios secure/ip/*, secure/localhost/* in " + observedWebKit,
		},
		Observable: true,
	},
	{
		ID:       "firefox-non-ascii-unsafe",
		Title:    "Firefox counts bytes above 0x7F in Accept and Content-Type as CORS-unsafe",
		Chromium: "only the Fetch standard's CORS-unsafe bytes: Accept: text/é is safelisted",
		Firefox:  "a byte >= 0x80 is unsafe: a preflight naming accept",
		WebKit:   "as Chromium",
		Why:      "a request whose Accept or Content-Type carries a non-ASCII character needs a preflight in Firefox only",
		Sources: []string{
			"Fetch § CORS-unsafe request-header byte",
			"Firefox dom/base/nsContentUtils.cpp IsCorsUnsafeRequestHeaderValue (compares a signed char)",
			"observed: scenario bytes/accept-latin1 in " + observedFirefox,
		},
		Observable: true,
	},
	{
		ID:       "firefox-duplicate-request-headers",
		Title:    "Firefox's fetch() keeps a header set twice as two headers",
		Chromium: "one header, the values combined with \", \"; the combined value is checked: Accept set twice with 100 bytes each is 202 bytes, over the 128-byte limit (a preflight naming \"accept\"); X-A and x-a give \"x-a\"",
		Firefox:  "fetch(): one header per value, each checked alone and named once per value (\"x-a,x-a\"), with no 1024-byte total: the two Accept values need no preflight; XMLHttpRequest combines them, as Chromium",
		WebKit:   "as Chromium",
		Why:      "a safelisted header set twice is preflighted in Chrome and Safari and not by Firefox's fetch(), and a server that compares Access-Control-Request-Headers literally sees a different value from Firefox",
		Sources: []string{
			"Fetch § combine (a header list holds one combined value per name) and § CORS-unsafe request-header names (a sorted lowercase set)",
			"Firefox dom/fetch/InternalHeaders.cpp InternalHeaders::GetUnsafeHeaders (IsSimpleHeader on each entry) and nsCORSListenerProxy::StartCORSPreflight (sorts the unsafe names, no de-duplication)",
			"observed: scenarios edge-header/duplicate-name/*, edge-header/duplicate-accept/*, xhr/duplicate-* in " + observedFirefox + ", and corsdoctor browser --engine all",
		},
		Observable: true,
	},
	{
		ID:       "preflight-cache-lifetime",
		Title:    "Preflight cache lifetime caps and parsing",
		Chromium: "default 5 s, capped at 7200 s; a negative value caches nothing; an unparsable one gives 5 s",
		Firefox:  "default 5 s, capped at 86400 s; any character other than 0-9 caches nothing; 0 caches nothing",
		WebKit:   "default 5 s, capped at 600 s; an unparsable value gives 5 s; a negative one expires at once",
		Why:      "Access-Control-Max-Age: 86400 saves preflights for a day in Firefox, two hours in Chrome and ten minutes in Safari: a preflight cached in Chrome is sent again in Safari",
		Sources: []string{
			"Chromium services/network/cors/preflight_result.cc (kMaxTimeout)",
			"Firefox nsCORSPreflightListener::AddResultToCache (PREFLIGHT_DEFAULT_EXPIRY_SECONDS, 86400U)",
			"WebKit Source/WebCore/loader/CrossOriginPreflightResultCache.cpp (maxPreflightCacheTimeout = 600_s)",
		},
	},
	{
		ID:       "preflight-check-order",
		Title:    "Which failure a preflight reports first",
		Chromium: "redirect, Access-Control-Allow-Origin/-Credentials, status, then the lists, the method, the headers",
		Firefox:  "redirect, Access-Control-Allow-Origin/-Credentials, status, Allow-Methods and the method, then Allow-Headers and the headers",
		WebKit:   "status first (a redirect is not successful), then Access-Control-Allow-Origin/-Credentials, the lists, the method, the headers",
		Why:      "a 403 preflight without CORS headers is \"No 'Access-Control-Allow-Origin' header\" in Chrome and Firefox and \"Preflight response is not successful. Status code: 403\" in Safari: the same fix, two descriptions",
		Sources: []string{
			"Chromium services/network/cors/preflight_controller.cc",
			"Firefox nsCORSPreflightListener::CheckPreflightRequestApproved",
			"WebKit Source/WebCore/loader/CrossOriginAccessControl.cpp validatePreflightResponse",
			"observed: scenarios preflight/status-*/no-cors-headers in all three browsers",
		},
	},
	{
		ID:       "authorization-wildcard",
		Title:    "Access-Control-Allow-Headers: * covers Authorization in all three (the Fetch standard says it must not)",
		Chromium: "covered; DevTools shows the AuthorizationCoveredByWildcard deprecation issue",
		Firefox:  "covered while the pref network.cors_preflight.authorization_covered_by_wildcard is true (the default), with the CORSAllowHeaderFromPreflightDeprecation warning",
		WebKit:   "covered, no warning",
		Why:      "works everywhere today; list Authorization explicitly before the browsers follow the standard",
		Sources: []string{
			"Fetch § CORS-preflight fetch step 7",
			"Chromium services/network/public/cpp/features.cc CorsNonWildcardRequestHeadersSupport (disabled)",
			"Firefox nsCORSPreflightListener::CheckPreflightRequestApproved",
			"WebKit CrossOriginPreflightResultCacheItem::validateCrossOriginHeaders",
			"observed: scenarios header/authorization/acah-star, preflight/acah-\"*\"/omit in all three browsers",
		},
	},
	{
		ID:       "local-network-access",
		Title:    "Local Network Access (formerly Private Network Access) is Chromium's",
		Chromium: "a public page's request to a private or loopback address needs the user's permission (InsecureLocalNetwork, LocalNetworkAccessPermissionDenied)",
		Firefox:  "no CORS-level check",
		WebKit:   "no CORS-level check (an http target from an https page is mixed content anyway, see loopback-mixed-content)",
		Why:      "a page on the internet calling a device on the LAN asks for a permission in Chrome only",
		Sources: []string{
			"WICG Local Network Access; Chromium services/network/public/mojom/cors.mojom (kInsecureLocalNetwork, kLocalNetworkAccessPermissionDenied)",
			"not exercised by the differential suite: its pages are served from loopback",
		},
	},
	{
		ID:       "console-texts",
		Title:    "Every engine words the failure its own way",
		Chromium: "one line, \"Access to fetch at '<url>' from origin '<origin>' has been blocked by CORS policy: ...\", naming the cause",
		Firefox:  "\"Cross-Origin Request Blocked: ... (Reason: ...)\" with its error code, followed by \"CORS request did not succeed). Status code: (null).\" when the failure came before the final response",
		WebKit:   "a reason line (\"Origin <origin> is not allowed by Access-Control-Allow-Origin. Status code: <n>\", \"Preflight response is not successful. Status code: <n>\", ...) then \"Fetch API cannot load <url> due to access control checks.\"; the page's script only sees \"TypeError: Load failed\"",
		Why:      "users paste different texts for the same cause; corsdoctor prints each engine's",
		Sources: []string{
			"Chromium third_party/blink/renderer/platform/loader/cors/cors_error_string.cc",
			"Firefox dom/locales/en-US/chrome/security/security.properties; nsCORSListenerProxy.cpp LogBlockedRequest",
			"WebKit CrossOriginAccessControl.cpp, CrossOriginPreflightResultCache.cpp, NetworkLoadChecker.cpp, ThreadableLoader::logError",
			"pinned: cors/testdata/{chromium,firefox,webkit}/observed.json",
		},
	},
}

// DifferenceByID returns the documented difference with that ID.
func DifferenceByID(id string) (Difference, bool) {
	for _, d := range Differences {
		if d.ID == id {
			return d, true
		}
	}
	return Difference{}, false
}

// DifferencesBetween names the documented differences (IDs in
// Differences) that explain why a and b, Evaluate's results for req in
// two engines, differ: in the verdict, or in whether and how the first
// request is preflighted. Empty when they agree, or when no documented
// difference explains it (a bug worth reporting).
func DifferencesBetween(req *Request, a, b *Result) []string {
	if a.Engine == b.Engine {
		return nil
	}
	planDiffers := a.Plan.Required != b.Plan.Required || a.Plan.RequestHeaders != b.Plan.RequestHeaders
	verdictDiffers := a.Allowed != b.Allowed || (a.Incomplete == "") != (b.Incomplete == "")
	if !planDiffers && !verdictDiffers {
		return nil
	}
	var ids []string
	add := func(id string) {
		for _, x := range ids {
			if x == id {
				return
			}
		}
		ids = append(ids, id)
	}
	if planDiffers {
		seen := map[string]bool{}
		ra, rb := *req, *req
		ra.Engine, rb.Engine = a.Engine, b.Engine
		for _, h := range req.Headers {
			name := strings.ToLower(h.Name)
			if seen[name] && keepsDuplicates(&ra) != keepsDuplicates(&rb) {
				add("firefox-duplicate-request-headers")
			}
			seen[name] = true
			if IsForbiddenRequestHeader(h.Name, h.Value) {
				continue
			}
			v := trimHTTPSpace(h.Value)
			ca, cb := safelistCheckFor(a.Engine, h.Name, v), safelistCheckFor(b.Engine, h.Name, v)
			switch {
			case ca == cb:
			case name == "accept" || name == "content-type":
				add("firefox-non-ascii-unsafe")
			default:
				add("client-hint-safelist")
			}
		}
		if req.UploadListeners && a.Plan.Required != b.Plan.Required {
			add("upload-listeners-without-body")
		}
	}
	for _, r := range []*Result{a, b} {
		other := a
		if r == a {
			other = b
		}
		switch {
		case r.Engine == WebKit && !r.Allowed && strings.HasPrefix(r.Script, "Mixed Content") && !strings.HasPrefix(other.Script, "Mixed Content"):
			add("loopback-mixed-content")
		case r.Engine == Chromium && isLocalNetworkError(r.Error):
			add("local-network-access")
		}
	}
	// The redirect differences concern preflights after a redirect: none
	// applies when neither engine preflighted, or when Safari refused the
	// request as mixed content before sending anything. The preflight's
	// Origin differs only when Firefox is one of the two.
	preflighted := a.Plan.Required || b.Plan.Required
	mixed := false
	for _, id := range ids {
		mixed = mixed || id == "loopback-mixed-content"
	}
	if verdictDiffers && preflighted && !mixed && (len(a.Redirects) > 0 || len(b.Redirects) > 0) {
		add("redirect-keeps-preflight")
		if (a.Tainted || b.Tainted) && (a.Engine == Firefox || b.Engine == Firefox) {
			add("redirect-preflight-origin")
		}
	}
	return ids
}

func isLocalNetworkError(e ErrorName) bool {
	return e == InsecureLocalNetwork || e == InvalidLocalNetworkAccess || e == LocalNetworkAccessPermissionDenied
}
