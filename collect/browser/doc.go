// Package browser runs one cross-origin request in real headless Chromium
// and reports what the browser did: allowed or blocked, the CorsError and
// failed parameter from the DevTools protocol, the console message, the
// preflight and actual responses as the browser received them, and the
// response headers JavaScript could read.
//
// A [Browser] is one Chromium process driven through
// [github.com/chromedp/chromedp]. The page that makes the request is a blank
// page served from a loopback server; its host is mapped to that server with
// Chromium's --host-resolver-rules, so any origin can be played (any port,
// https with a throw-away certificate Chromium trusts for that host only,
// "null" through a CSP sandbox) while every other host resolves normally.
//
// [Compare] runs package cors over the exact responses the browser
// received and lists every disagreement between the engine and Chromium;
// a disagreement is a bug in corsdoctor.
//
// Links:
//   - DevTools protocol, Network domain: https://chromedevtools.github.io/devtools-protocol/tot/Network/
//   - Chromium host resolver rules: net/base/host_mapping_rules.cc
//   - Chromium CORS console messages: third_party/blink/renderer/platform/loader/cors/cors_error_string.cc
package browser
