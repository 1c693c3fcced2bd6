/*
Package cors decides, as a browser does, whether a page may read the
response to a cross-origin request, and if not, exactly why: the
[Chromium CorsError] name, the failed parameter, the line Chromium prints
in the DevTools console character for character, and the [Firefox error
code] with its MDN page.

The engine follows the [Fetch standard] and, where they differ, the
browser's own code; every such divergence is marked in a comment beside the
decision, with its source (the client-hint headers Chromium safelists,
User-Agent dropped from script requests, Access-Control-Allow-Headers: *
covering Authorization, the 7200 s cap on Access-Control-Max-Age, the older
"tainted origin flag" on redirects). It has no I/O and uses only the
standard library.

# Engines

[Request.Engine] chooses whose decisions apply: [Chromium] (the zero value),
[Firefox] or [WebKit] (Safari's engine). Each engine plans its own
preflights (the headers it safelists, how it treats xhr.upload listeners
and redirected hops), checks responses in its own order, caches
preflights for its own time ([MaxAgeFor]) and prints its own console
lines ([Result.ConsoleLines]): Firefox's "Cross-Origin Request Blocked:
... (Reason: ...)" with its error code, WebKit's "Origin X is not
allowed by Access-Control-Allow-Origin. Status code: N" followed by
"Fetch API cannot load URL due to access control checks.". [Differences]
documents where the engines differ, with sources. Each engine was checked
against its real browser on the same responses (testdata/firefox,
testdata/webkit).

# Using it

Describe what the page asks for in a [Request]: the page origin (use
[ParseOrigin] or [OriginOf] to get it right; an opaque origin is [Null]),
the URL, the method, the author headers, the [Credentials] and [Mode], the
[Body] kind and whether an XMLHttpRequest has upload listeners.

[PlanRequest] answers the first question alone: is this a cross-origin
request, does it need a preflight, and which Access-Control-Request-Method
and Access-Control-Request-Headers values does the browser send (the
header names lower-cased, sorted, de-duplicated and joined by "," without
spaces). [Plan.Reasons] says in plain words why a preflight is needed.

[Evaluate] runs the whole algorithm over the responses you have, one
[Hop] per URL: the preflight response, when one is due, and the response
to the actual request. A redirect leads to the next hop; a cross-origin
redirect makes the Origin header "null" and re-runs the preflight
decision for the new URL. The [Result] carries the verdict, the [Stage]
that failed, the [ErrorName], [Result.ConsoleMessage],
[Result.FirefoxMessage], [Result.Explanation] and the [Warning] values for
things that work today but are fragile. A missing response is not an
error: [Result.Incomplete] names it.

[Result.Checks] narrates the verdict: every check the engine made, in the
order of the engine that reached it, per response and per redirect hop
(name, stage, header, the value seen, pass/fail/skip and the reason),
then the checks it never reached, skipped. It replays the evaluation on
demand, so Evaluate pays nothing for it.

Callers that send the requests themselves (a live prober, a browser
comparison) drive a [Fetch] step by step instead: [Fetch.Start], then
[Fetch.PreflightHeaders] and [Fetch.ReceivePreflight] while
[Fetch.NeedsPreflight], then [Fetch.Receive] until [Fetch.Done].

[Readable] and [ReadableHeaders] say which response headers the page's
JavaScript can read: the [CORS-safelisted response-header names] and those
listed in Access-Control-Expose-Headers, never Set-Cookie.

# Preflight checks, in Chromium's order

A preflight response is checked in this order, and the first failure is
the one reported: a redirect ([PreflightDisallowedRedirect]); the
Access-Control-Allow-Origin and -Credentials check, with the actual
request's credentials mode (the Preflight… twin of the access error,
reported even when the status is also bad); the ok status 200-299
([PreflightInvalidStatus]); the parsing of Access-Control-Allow-Methods
and -Headers; the method; the headers. So a 403 preflight without CORS
headers prints "No 'Access-Control-Allow-Origin' header is present on the
requested resource." and a 404 preflight with them prints "It does not
have HTTP ok status."

# Conformance

The package tests are tables whose cases each name their source: a
section of the Fetch standard, the [Web Platform Tests] file they mirror,
or the Chromium file whose behaviour they pin. Outcomes observed in real
headless Chromium, Firefox ESR and WebKitGTK are replayed offline from
testdata/chromium, testdata/firefox and testdata/webkit (see
[Firefox's CORS code] and [WebKit's CORS code] for the sources cited).

[Firefox's CORS code]: https://searchfox.org/mozilla-central/source/netwerk/protocol/http/nsCORSListenerProxy.cpp
[WebKit's CORS code]: https://github.com/WebKit/WebKit/blob/main/Source/WebCore/loader/CrossOriginAccessControl.cpp
[Chromium CorsError]: https://source.chromium.org/chromium/chromium/src/+/main:services/network/public/mojom/cors.mojom
[CORS-safelisted response-header names]: https://fetch.spec.whatwg.org/#cors-safelisted-response-header-name
[Fetch standard]: https://fetch.spec.whatwg.org/#http-cors-protocol
[Firefox error code]: https://developer.mozilla.org/en-US/docs/Web/HTTP/Guides/CORS/Errors
[Web Platform Tests]: https://github.com/web-platform-tests/wpt/tree/master/fetch/api/cors
*/
package cors
