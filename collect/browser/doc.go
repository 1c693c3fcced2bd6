// Package browser runs one cross-origin request in a real browser and
// reports what it did: allowed or blocked, the console lines, the
// preflight and actual responses as the browser received them, and the
// response headers JavaScript could read. Chromium also reports the
// CorsError and failed parameter from the DevTools protocol.
//
// Three engines are driven ([Driver], [StartEngine]): headless Chromium
// through the DevTools protocol ([Browser]), Firefox ESR through WebDriver
// BiDi ([FirefoxBrowser]) and WebKitGTK's MiniBrowser through
// WebKitWebDriver under a private Xvfb ([WebKitBrowser]). Firefox and WebKit
// reach the network through a loopback proxy that plays the page origins,
// applies Config.HostRules and records every exchange byte for byte.
// [WebKitConsole] runs WebKitGTK outside automation, where its console
// lines can be read.
//
// A [Browser] is one Chromium process driven through
// [github.com/chromedp/chromedp]. The page that makes the request is a blank
// page served from a loopback server; its host is mapped to that server with
// Chromium's --host-resolver-rules, so any origin can be played (any port,
// https with a throw-away certificate Chromium trusts for that host only,
// "null" through a CSP sandbox) while every other host resolves normally.
//
// [Compare] runs package cors, as the engine of the browser, over the exact
// responses the browser received and lists every disagreement; a
// disagreement is a bug in corsdoctor.
//
// Links:
//   - DevTools protocol, Network domain: https://chromedevtools.github.io/devtools-protocol/tot/Network/
//   - Chromium host resolver rules: net/base/host_mapping_rules.cc
//   - Chromium CORS console messages: third_party/blink/renderer/platform/loader/cors/cors_error_string.cc
//   - WebDriver BiDi: https://w3c.github.io/webdriver-bidi/
//   - WebDriver: https://w3c.github.io/webdriver/
//   - WebKitGTK WebDriver capabilities: https://webkitgtk.org/reference/webkit2gtk/stable/class.AutomationSession.html
package browser
